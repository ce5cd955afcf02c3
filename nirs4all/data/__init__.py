"""Datasets of spectra and how they come in."""

from nirs4all._lazy import attach

# Public name -> the module defining it; imported on first use.
_EXPORTS = {
    "FeatureSource": "nirs4all.data.dataset",
    "SpectroDataset": "nirs4all.data.dataset",
    "detect_task": "nirs4all.data.dataset",
    "generate": "nirs4all.data.synthetic",
    "load_dataset": "nirs4all.data.loading",
    "repetitions_to_processings": "nirs4all.data._repetition_sources",
    "repetitions_to_sources": "nirs4all.data._repetition_sources",
    "reshape_repetitions": "nirs4all.data._repetition_sources",
    "save_dataset": "nirs4all.data.saving",
}

# 0.x import path: ``from nirs4all.data import DatasetConfigs``. The class is a thin adapter
# over nirs4all.run in the api layer; it is imported only when asked for, and nothing inside
# the library uses this path (a documented exception of the layer gate).
_LEGACY = {"DatasetConfigs": "nirs4all.api.runner_compat"}

__getattr__, __dir__ = attach(__name__, {**_EXPORTS, **_LEGACY})

__all__ = [*_EXPORTS]
