"""Datasets of spectra and how they come in."""

from nirs4all.data.dataset import FeatureSource, SpectroDataset, detect_task

__all__ = ["FeatureSource", "SpectroDataset", "detect_task"]
