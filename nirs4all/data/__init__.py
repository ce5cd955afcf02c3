"""Datasets of spectra and how they come in."""

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
    "save_dataset",
]
