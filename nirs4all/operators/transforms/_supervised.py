"""Supervised preprocessing: orthogonal signal correction."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse.linalg import svds
from sklearn.utils.validation import validate_data

from nirs4all.operators.transforms._transformer import (
    FLOAT_DTYPES,
    SpectralTransformer,
    check_int,
)

__all__ = ["OSC"]

#: Matrices whose smaller side is at most this size get a dense SVD.
DENSE_SVD_MAX = 64


def _top_direction(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """Return the first right singular vector of ``matrix`` and its squared singular value.

    Small matrices use a dense SVD; larger ones ARPACK (Lanczos) from a fixed start vector,
    converged to machine precision. The sign is fixed: the largest component is positive.
    """
    if min(matrix.shape) <= DENSE_SVD_MAX:
        _, singular, right = np.linalg.svd(matrix, full_matrices=False)
    else:
        start = np.random.default_rng(0).standard_normal(min(matrix.shape))
        _, singular, right = svds(matrix, k=1, tol=0, v0=start)
    direction = right[0]
    if direction[np.argmax(np.abs(direction))] < 0:
        direction = -direction
    return direction, float(singular[0]) ** 2


class OSC(SpectralTransformer):
    """Orthogonal signal correction: remove the largest variations of X orthogonal to y.

    Direct (non-iterative) variant of Fearn (2000) of the correction of Wold et al. (1998).
    For each component, with ``Xc`` the centred (and already corrected) spectra and ``M``
    the projector onto the complement of ``Xc' y``: the weight ``w`` is the first right
    singular vector of ``Xc M``, so the score ``t = Xc w`` has maximal variance among scores
    exactly orthogonal to ``y``; the loading is ``p = Xc' t / t't`` and ``Xc -= t p'``.
    ``transform`` returns ``X - T P'`` with ``T = (X - mean) W (P'W)^-1``, so the mean
    spectrum is kept.

    Parameters
    ----------
    n_components : int, default=1
        Number of y-orthogonal components removed.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features_in_,)
        Mean of the training spectra.
    weights_ : ndarray of shape (n_features_in_, n_components)
        Weights ``W``.
    loadings_ : ndarray of shape (n_features_in_, n_components)
        Loadings ``P``.
    rotations_ : ndarray of shape (n_features_in_, n_components)
        ``W (P'W)^-1``: scores of new spectra are ``(X - mean_) @ rotations_``.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Wold, S., Antti, H., Lindgren, F. & Ohman, J. (1998). Orthogonal signal correction of
    near-infrared spectra. Chemometrics and Intelligent Laboratory Systems 44, 175-185.
    Fearn, T. (2000). On orthogonal signal correction. Chemometrics and Intelligent
    Laboratory Systems 50, 47-52.
    """

    def __init__(self, n_components: int = 1) -> None:
        self.n_components = n_components

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def _check_params(self) -> None:
        check_int(self, "n_components", 1)

    def _validate_fit(self, X: ArrayLike, y: ArrayLike | None) -> tuple[np.ndarray, Any]:
        return validate_data(
            self,
            X,
            y,
            reset=True,
            dtype=FLOAT_DTYPES,
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2,
            ensure_min_features=2,
        )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self._fit_components(X, y)

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        corrected = self._fit_components(X, y)
        corrected += self.mean_
        return corrected.astype(X.dtype, copy=False)

    def _fit_components(self, X: np.ndarray, y: Any) -> np.ndarray:
        """Learn the components; return the centred training spectra without them."""
        n_samples, n_features = X.shape
        residual = X.astype(np.float64)
        mean = residual.mean(axis=0)
        residual -= mean
        targets = np.asarray(y, dtype=np.float64).reshape(n_samples, -1)
        cross = residual.T @ (targets - targets.mean(axis=0))
        # Deflation by y-orthogonal scores leaves X'y unchanged, so M is computed once.
        basis, singular, _ = np.linalg.svd(cross, full_matrices=False)
        rank = int(np.sum(singular > max(cross.shape) * np.finfo(float).eps * singular[0]))
        y_basis = basis[:, :rank]
        floor = max(n_samples, n_features) * np.finfo(float).eps * np.vdot(residual, residual)
        weights, loadings = [], []
        for found in range(self.n_components):
            orthogonal = residual - (residual @ y_basis) @ y_basis.T
            weight, variance = _top_direction(orthogonal)
            del orthogonal
            if variance <= floor:
                raise ValueError(
                    f"OSC(n_components={self.n_components}): X has only {found} "
                    f"component(s) of variation orthogonal to y ({n_samples} sample(s), "
                    f"{n_features} feature(s)); lower n_components"
                )
            scores = residual @ weight
            loading = residual.T @ scores / (scores @ scores)
            residual -= np.outer(scores, loading)
            weights.append(weight)
            loadings.append(loading)
        self.mean_ = mean
        self.weights_ = np.column_stack(weights)
        self.loadings_ = np.column_stack(loadings)
        self.rotations_ = np.linalg.solve((self.loadings_.T @ self.weights_).T, self.weights_.T).T
        return residual

    def _transform(self, X: np.ndarray) -> np.ndarray:
        rotations = self.rotations_.astype(X.dtype)
        scores = X @ rotations - (self.mean_ @ self.rotations_).astype(X.dtype)
        return X - scores @ self.loadings_.T.astype(X.dtype)
