"""Datasets of spectra and how they come in."""

from nirs4all.data._repetition_sources import repetitions_to_sources
from nirs4all.data.dataset import FeatureSource, SpectroDataset, detect_task
from nirs4all.data.loading import load_dataset
from nirs4all.data.saving import save_dataset
from nirs4all.data.synthetic import generate

__all__ = [
    "FeatureSource",
    "SpectroDataset",
    "detect_task",
    "generate",
    "load_dataset",
    "repetitions_to_sources",
    "save_dataset",
]


def __getattr__(name: str) -> object:
    # 0.x import path: ``from nirs4all.data import DatasetConfigs``. The class is a thin
    # adapter over nirs4all.run in the api layer; it is imported only when asked for, and
    # nothing inside the library uses this path (a documented exception of the layer gate).
    if name == "DatasetConfigs":
        from nirs4all.api.runner_compat import DatasetConfigs

        return DatasetConfigs
    raise AttributeError(f"module 'nirs4all.data' has no attribute {name!r}")
