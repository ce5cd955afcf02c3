"""Sparse PLS: L1-penalised weights, so each component uses a few wavelengths."""

from __future__ import annotations

import numbers
from typing import Self

import numpy as np
from numpy.typing import ArrayLike

from nirs4all.operators.models._linalg import EXHAUSTED
from nirs4all.operators.models._nipals import PLSFactors, rotations
from nirs4all.operators.models._weighted import (
    NIPALS_MAX_ITER,
    NIPALS_TOL,
    LinearPLSModel,
    NestedComponentsMixin,
    WavelengthSelectionMixin,
    WeightedPLS,
)
from nirs4all.operators.transforms._transformer import check_int

__all__ = ["SparsePLS", "soft_threshold", "sparse_nipals"]


def soft_threshold(z: np.ndarray, alpha: float, n_nonzero: int | None) -> np.ndarray:
    """Soft-threshold ``z``: ``sign(z) max(|z| - lam, 0)``.

    ``lam = alpha * max|z|``, or, when ``n_nonzero`` is given, the ``n_nonzero + 1``-th
    largest ``|z|`` (so that ``n_nonzero`` entries survive, fewer on ties).
    """
    magnitude = np.abs(z)
    if n_nonzero is not None:
        if n_nonzero >= z.size:
            return z
        threshold = np.partition(magnitude, z.size - n_nonzero - 1)[z.size - n_nonzero - 1]
    else:
        threshold = alpha * magnitude.max()
    return np.sign(z) * np.maximum(magnitude - threshold, 0.0)


def _sparse_weight(
    cross: np.ndarray, alpha: float, n_nonzero: int | None
) -> tuple[np.ndarray, int]:
    """Sparse first left singular vector of ``cross = X'Y`` (Lê Cao et al. 2008, step 2).

    Starts from the singular vectors of ``cross`` and alternates ``u = S(cross v)``,
    ``v = cross' u`` (both normalised) until ``u`` settles; one target needs one step.
    Returns the weight (largest entry positive) and the number of steps.
    """
    left, _, right = np.linalg.svd(cross, full_matrices=False)
    u, v = left[:, 0], right[0]
    steps, settled = 0, False
    while steps < NIPALS_MAX_ITER and not settled:
        steps += 1
        new = soft_threshold(cross @ v, alpha, n_nonzero)
        new /= np.linalg.norm(new)
        v = cross.T @ new
        v /= np.linalg.norm(v)
        settled = cross.shape[1] == 1 or bool((new - u) @ (new - u) < NIPALS_TOL)
        u = new
    return (u if u[np.argmax(np.abs(u))] > 0 else -u), steps


def sparse_nipals(
    X: np.ndarray, Y: np.ndarray, n_components: int, alpha: float, n_nonzero: int | None
) -> PLSFactors:
    """NIPALS PLS (regression deflation) with soft-thresholded weights, on centred X and Y.

    With ``alpha=0`` and ``n_nonzero=None`` it is ordinary PLS. Components after X, Y or
    their covariance is exhausted are left as zero columns, as :func:`nipals_pls` does.
    The scores stay orthogonal and ``P = X' T (T' T)^-1`` still holds with sparse weights,
    so the rotations are ``W (P' W)^-1`` as in PLS.
    """
    X, Y = X.copy(), Y.copy()
    n_samples, n_features = X.shape
    weights, loadings = np.zeros((n_features, n_components)), np.zeros((n_features, n_components))
    y_loadings = np.zeros((Y.shape[1], n_components))
    x_scores, y_scores = np.zeros((n_samples, n_components)), np.zeros((n_samples, n_components))
    n_iter = np.zeros(n_components, dtype=np.int64)
    x_norm = np.linalg.norm(X)
    for a in range(n_components):
        # As in nipals_pls: once Y is fitted exactly the remaining components stay zero.
        Y[:, np.all(np.abs(Y) < 10 * np.finfo(float).eps, axis=0)] = 0.0
        cross = X.T @ Y
        if not np.any(cross):
            break
        w, n_iter[a] = _sparse_weight(cross, alpha, n_nonzero)
        t = X @ w
        scale = t @ t
        if scale <= (EXHAUSTED * x_norm) ** 2:  # X is exhausted, as in nipals_pls
            n_iter[a] = 0
            break
        p, q = X.T @ t / scale, Y.T @ t / scale
        y_scores[:, a] = Y @ q / (q @ q) if np.any(q) else 0.0
        X -= np.outer(t, p)
        Y -= np.outer(t, q)
        weights[:, a], loadings[:, a], y_loadings[:, a], x_scores[:, a] = w, p, q, t
    return PLSFactors(
        x_weights=weights,
        x_loadings=loadings,
        y_loadings=y_loadings,
        x_scores=x_scores,
        y_scores=y_scores,
        x_rotations=rotations(weights, loadings),
        n_iter=n_iter,
    )


class SparsePLS(NestedComponentsMixin, WavelengthSelectionMixin, LinearPLSModel):
    """Sparse PLS regression: PLS whose weight vectors are soft-thresholded (L1 penalty).

    Sparse PLS of Lê Cao et al. (2008), in the univariate form of Chun & Keleş (2010).
    Each component's weight vector ``w`` solves ``max u' M v - lam ||u||_1`` for the
    cross-product ``M = X_a' Y_a`` of the deflated centred data, computed by alternating
    ``u = S(M v, lam) / ||.||`` and ``v = M' u / ||.||`` (``S`` the soft-thresholding
    ``sign(z) max(|z| - lam, 0)``; for one target ``w`` is ``S(X_a' y_a)`` normalised).
    ``lam`` is ``alpha`` times the largest ``|M v|``, or is set so that ``n_nonzero``
    wavelengths survive per component (the ``keepX`` of Lê Cao et al.). Scores, loadings
    and the deflation of X and Y are those of PLS regression, so ``alpha=0`` is PLS.

    Parameters
    ----------
    n_components : int, default=2
        Number of components.
    alpha : float, default=0.5
        Sparsity in [0, 1): fraction of the largest ``|M v|`` subtracted from every entry.
    n_nonzero : int, optional
        Instead of ``alpha`` (which is then ignored): number of wavelengths each component
        keeps.

    Attributes
    ----------
    support_ : ndarray of bool, shape (n_features_in_,)
        The wavelengths with a nonzero weight in some component: the selected wavelengths.
        ``coef_`` is zero elsewhere.
    coef_ : ndarray of shape (n_targets, n_features_in_)
        Regression coefficients per wavelength: ``y = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
    x_weights_, x_loadings_, x_rotations_ : ndarray of shape (n_features_in_, n_components)
        ``x_weights_`` is sparse.
    y_loadings_ : ndarray of shape (n_targets, n_components)
    x_scores_ : ndarray of shape (n_samples, n_components)
    x_mean_ : ndarray of shape (n_features_in_,)
    y_mean_ : ndarray of shape (n_targets,)
    n_features_in_ : int

    References
    ----------
    Lê Cao, K.-A., Rossouw, D., Robert-Granié, C. & Besse, P. (2008). A sparse PLS for
    variable selection when integrating omics data. Statistical Applications in Genetics and
    Molecular Biology 7(1), article 35.
    Chun, H. & Keleş, S. (2010). Sparse partial least squares regression for simultaneous
    dimension reduction and variable selection. Journal of the Royal Statistical Society B
    72, 3-25.
    """

    def __init__(
        self, n_components: int = 2, *, alpha: float = 0.5, n_nonzero: int | None = None
    ) -> None:
        self.n_components = n_components
        self.alpha = alpha
        self.n_nonzero = n_nonzero

    def _check_sparsity(self) -> float:
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 <= alpha < 1:
            raise ValueError(f"SparsePLS: alpha must be in [0, 1); got {alpha!r}")
        if self.n_nonzero is not None:
            check_int(self, "n_nonzero", 1)
        return float(alpha)

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the sparse PLS model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        alpha = self._check_sparsity()
        X, Y = self._validate_training(X, y)
        n_components = self._check_n_components(*X.shape)
        x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
        factors = sparse_nipals(X - x_mean, Y - y_mean, n_components, alpha, self.n_nonzero)
        coef = factors.x_rotations @ factors.y_loadings.T
        self._store(WeightedPLS(factors, x_mean, y_mean, coef, X - x_mean))
        self.support_ = np.any(factors.x_weights != 0, axis=1)
        return self
