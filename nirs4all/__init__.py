"""nirs4all: machine learning on near-infrared and other vibrational spectra.

Importing this package changes no global state: the ``nirs4all`` logger gets a
``NullHandler`` and nothing else is touched. The public names below are imported on first
use (PEP 562), so ``import nirs4all`` does not load scikit-learn, SciPy, DuckDB or pyarrow.
"""

import logging

from nirs4all._lazy import attach

logging.getLogger("nirs4all").addHandler(logging.NullHandler())

# Public name -> the module defining it (one line each, alphabetical).
_EXPORTS = {
    "CONTROLLER_REGISTRY": "nirs4all.controllers",
    "ExplainResult": "nirs4all.explanation",
    "PipelineConfigs": "nirs4all.api.runner_compat",
    "PipelineRunner": "nirs4all.api.runner_compat",
    "PredictResult": "nirs4all.api.predict",
    "RunResult": "nirs4all.api.result",
    "Session": "nirs4all.api.session",
    "explain": "nirs4all.api.explain",
    "framework": "nirs4all.utils.backend",
    "generate": "nirs4all.data.synthetic",
    "is_gpu_available": "nirs4all.utils.backend",
    "is_tensorflow_available": "nirs4all.utils.backend",
    "load_dataset": "nirs4all.data.loading",
    "load_session": "nirs4all.api.session",
    "predict": "nirs4all.api.predict",
    "register_controller": "nirs4all.controllers",
    "retrain": "nirs4all.api.retrain",
    "run": "nirs4all.api.run",
    "session": "nirs4all.api.session",
}
# Reading the installed version costs importlib.metadata: done on first access too.
_METADATA = {"__version__": "nirs4all._version"}

__getattr__, __dir__ = attach(__name__, {**_EXPORTS, **_METADATA})

__all__ = ["__version__", *_EXPORTS]
