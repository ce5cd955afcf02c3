"""Baseline: removal of each spectrum's mean level (the documented meaning of 0.x)."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.transforms._transformer import SpectralTransformer

__all__ = ["Baseline"]


class Baseline(SpectralTransformer):
    """Subtract from each spectrum its own mean value.

    ``x -> x - mean(x)``: a constant baseline offset per spectrum, estimated as the mean over
    the wavelengths (the mean-level counterpart of :class:`BaselineOffset`, which subtracts the
    minimum). Every corrected spectrum has mean zero; nothing is learned from the training
    spectra.

    This is what the 0.x docstring documented ("removes baseline (mean) from each spectrum").
    The 0.x code instead subtracted the training mean of each *column* (mean-centring across
    samples), a defect: that operation is scikit-learn's ``StandardScaler(with_std=False)``,
    and PLS models centre their inputs anyway.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X - X.mean(axis=1, keepdims=True)
