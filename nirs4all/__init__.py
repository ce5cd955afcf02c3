"""nirs4all: machine learning on near-infrared and other vibrational spectra.

Importing this package changes no global state: the ``nirs4all`` logger gets a
``NullHandler`` and nothing else is touched.
"""

import logging
from importlib.metadata import PackageNotFoundError, version

from nirs4all.api import predict, run
from nirs4all.api.retrain import retrain
from nirs4all.data import load_dataset
from nirs4all.data.synthetic import generate

logging.getLogger("nirs4all").addHandler(logging.NullHandler())

try:
    __version__ = version("nirs4all")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "generate", "load_dataset", "predict", "retrain", "run"]
