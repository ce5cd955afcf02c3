"""External parameter orthogonalisation (Roger, Chauchard & Bellon-Maurel 2003)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.multiclass import type_of_target

from nirs4all.operators.transforms._transformer import SpectralTransformer, check_int

__all__ = ["EPO"]


def replicate_differences(X: np.ndarray, y: Any) -> np.ndarray:
    """Rows of ``X`` minus the mean of the rows sharing their target value (all of ``y``)."""
    if y is None:
        return np.zeros((0, X.shape[1]))
    type_of_target(y, raise_unknown=True)
    targets = np.asarray(y).reshape(X.shape[0], -1)
    _, group = np.unique(targets, axis=0, return_inverse=True)
    group = group.ravel()
    sums = np.zeros((group.max() + 1, X.shape[1]))
    np.add.at(sums, group, X)
    means = sums / np.bincount(group)[:, None]
    return X - means[group]


class EPO(SpectralTransformer):
    """Project the spectra orthogonally to the directions an external parameter moves them.

    With ``D`` the matrix of difference spectra caused by the external parameter (the same
    samples measured at several temperatures, moistures, instruments ...), and ``V_g`` its
    first ``g`` right singular vectors (``D = U S V'``), every spectrum is projected by
    ``P = I - V_g V_g'``: ``x -> x P`` (Roger, Chauchard & Bellon-Maurel 2003). Nothing else
    of the spectra is changed, so a model calibrated after EPO is insensitive to the
    parameter within the span of ``V_g``.

    ``D`` is ``difference`` when given (rows: difference spectra on the fitted axis).
    Otherwise it is computed in ``fit`` from replicates: the training rows that share the same
    target value are taken as one sample measured under varying conditions, and ``D`` holds
    each row minus the mean of its group. With no replicate (or no ``y``) ``D`` is zero and
    EPO removes nothing.

    Parameters
    ----------
    n_components : int, default=2
        Number ``g`` of directions removed; capped at the numerical rank of ``D``.
    difference : array-like of shape (n_differences, n_features), optional
        Difference spectra ``D``.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features_in_)
        The removed directions ``V_g'`` (orthonormal rows).
    n_components_ : int
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Roger, J.-M., Chauchard, F. & Bellon-Maurel, V. (2003). EPO-PLS external parameter
    orthogonalisation of PLS application to temperature-independent measurement of sugar
    content of intact fruits. Chemometrics and Intelligent Laboratory Systems 66, 191-204.
    """

    def __init__(self, n_components: int = 2, difference: ArrayLike | None = None) -> None:
        self.n_components = n_components
        self.difference = difference

    def _check_params(self) -> None:
        check_int(self, "n_components", 1)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        data = X.astype(np.float64, copy=False)
        if self.difference is None:
            difference = replicate_differences(data, y)
        else:
            difference = np.asarray(self.difference, dtype=np.float64)
            if difference.ndim != 2 or difference.shape[1] != X.shape[1]:
                raise ValueError(
                    f"EPO: difference must have shape (n_differences, {X.shape[1]}) to match "
                    f"X; got {difference.shape}"
                )
            if not np.all(np.isfinite(difference)):
                raise ValueError("EPO: difference holds NaN or infinite values")
        components = np.zeros((0, X.shape[1]))
        if difference.size:
            _, singular, right = np.linalg.svd(difference, full_matrices=False)
            floor = max(difference.shape) * np.finfo(float).eps * max(singular[0], 1e-300)
            rank = int(np.sum(singular > floor))
            components = right[: min(self.n_components, rank)]
        self.components_ = components
        self.n_components_ = components.shape[0]

    def _transform(self, X: np.ndarray) -> np.ndarray:
        components = self.components_.astype(X.dtype)
        return X - (X @ components.T) @ components
