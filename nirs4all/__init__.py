"""nirs4all: machine learning on near-infrared and other vibrational spectra.

Importing this package changes no global state: the ``nirs4all`` logger gets a
``NullHandler`` and nothing else is touched.
"""

import logging

from nirs4all._version import __version__
from nirs4all.api import PredictResult, RunResult, predict, run
from nirs4all.api.explain import explain
from nirs4all.api.retrain import retrain
from nirs4all.api.runner_compat import PipelineConfigs, PipelineRunner
from nirs4all.api.session import Session, load_session, session
from nirs4all.controllers import CONTROLLER_REGISTRY, register_controller
from nirs4all.data import load_dataset
from nirs4all.data.synthetic import generate
from nirs4all.utils.backend import framework, is_gpu_available, is_tensorflow_available

logging.getLogger("nirs4all").addHandler(logging.NullHandler())


__all__ = [
    "CONTROLLER_REGISTRY",
    "PipelineConfigs",
    "PipelineRunner",
    "PredictResult",
    "RunResult",
    "Session",
    "__version__",
    "explain",
    "framework",
    "generate",
    "is_gpu_available",
    "is_tensorflow_available",
    "load_dataset",
    "load_session",
    "predict",
    "register_controller",
    "retrain",
    "run",
    "session",
]
