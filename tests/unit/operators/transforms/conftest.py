"""Small synthetic spectra shared by the transform tests."""

import numpy as np
import pytest


def make_spectra(n_samples: int, axis: np.ndarray, seed: int) -> np.ndarray:
    """Smooth positive spectra: Gaussian bands, multiplicative scatter, offset, slope, noise."""
    rng = np.random.default_rng(seed)
    span = axis.max() - axis.min()
    centres = axis.min() + span * rng.uniform(0.1, 0.9, size=5)
    bands = np.exp(-0.5 * ((axis[None, :] - centres[:, None]) / (0.05 * span)) ** 2)
    pure = rng.uniform(0.2, 1.0, size=(n_samples, 5)) @ bands
    scale = rng.uniform(0.7, 1.3, size=(n_samples, 1))
    offset = rng.uniform(0.05, 0.3, size=(n_samples, 1))
    slope = rng.uniform(-0.1, 0.1, size=(n_samples, 1)) * (axis - axis.mean()) / span
    return offset + slope + scale * pure + rng.normal(0, 1e-3, size=pure.shape)


@pytest.fixture
def axis() -> np.ndarray:
    """A uniform wavelength axis in nm (step 2 nm)."""
    return np.arange(1100.0, 1228.0, 2.0)


@pytest.fixture
def spectra(axis: np.ndarray) -> np.ndarray:
    """Twelve spectra on ``axis``."""
    return make_spectra(12, axis, seed=7)
