"""Synthetic spectra shared by the model tests (imported by name, like store_factories)."""

from __future__ import annotations

import numpy as np


def spectra(n: int, p: int, q: int = 1, seed: int = 0, noise: float = 0.05):
    """Smooth positive 'spectra' from four latent factors, with q targets (1-D if q == 1)."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.0, 1.0, p)
    bands = np.stack([np.exp(-(((grid - c) / 0.08) ** 2)) for c in (0.2, 0.4, 0.6, 0.8)])
    latent = rng.lognormal(size=(n, 4))
    X = 0.5 + latent @ bands + noise * rng.normal(size=(n, p))
    Y = latent @ rng.normal(size=(4, q)) + noise * rng.normal(size=(n, q))
    return X, (Y[:, 0] if q == 1 else Y)
