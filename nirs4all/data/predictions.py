"""0.x import path ``nirs4all.data.predictions.Predictions``.

The 0.7 ``Predictions`` object reads a run's records, so it lives in the api layer
(:mod:`nirs4all.api.predictions`); this module resolves the name on attribute access only.
Nothing inside the library imports it (a documented exception of the layer gate).
"""


def __getattr__(name: str) -> object:
    if name == "Predictions":
        from nirs4all.api.predictions import Predictions

        return Predictions
    raise AttributeError(f"module 'nirs4all.data.predictions' has no attribute {name!r}")
