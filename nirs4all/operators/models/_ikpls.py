"""Improved kernel PLS (Dayal & MacGregor 1997), algorithms 1 and 2."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from nirs4all.operators.models._latent import LatentVariableRegressor
from nirs4all.operators.models._linalg import EXHAUSTED, dominant_left_vector
from nirs4all.operators.models._nipals import PLSFactors
from nirs4all.operators.transforms._transformer import check_choice

__all__ = ["IKPLS", "ikpls"]


def ikpls(
    X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int, *, algorithm: int = 1
) -> PLSFactors:
    """Fit ``n_components`` PLS components by improved kernel PLS on centred X and Y.

    Only the cross-product ``X' Y`` is deflated: ``w`` is its dominant left singular
    vector, ``r = w - Σ_j (p_j' w) r_j``, and ``X' Y -= (t't) p q'``. Algorithm 1 computes
    ``t = X r`` and ``p = X' t / t't`` from X; algorithm 2 works on the kernel ``X' X``
    alone (``t't = r' X'X r``, ``p = X'X r / t't``) and forms ``T = X R`` at the end, the
    faster choice when n >> p. Both give the NIPALS model (W, P, Q, R, T) exactly, with
    the dominant vector taken exactly instead of by power iteration. ``y_scores`` are
    ``Y_a q_a / q_a' q_a`` with ``Y_a`` the Y residual before component ``a``.
    """
    n, p = X.shape
    q = Y.shape[1]
    W, P, R = np.zeros((p, n_components)), np.zeros((p, n_components)), np.zeros((p, n_components))
    Q = np.zeros((q, n_components))
    T = np.zeros((n, n_components)) if algorithm == 1 else None
    kernel = X.T @ X if algorithm == 2 else None
    cross = X.T @ Y
    first_norm, first_tt = np.linalg.norm(cross), None
    for a in range(n_components):
        if np.linalg.norm(cross) <= EXHAUSTED * first_norm:
            break
        w = dominant_left_vector(cross)
        r = w - R[:, :a] @ (P[:, :a].T @ w)
        if algorithm == 1:
            t = X @ r
            tt = t @ t
            loading = X.T @ t / tt if tt > 0 else np.zeros(p)
        else:
            kernel_r = kernel @ r
            tt = r @ kernel_r
            loading = kernel_r / tt if tt > 0 else np.zeros(p)
        first_tt = tt if first_tt is None else first_tt
        if tt <= EXHAUSTED * first_tt:
            break
        Q[:, a] = r @ cross / tt
        cross = cross - tt * np.outer(loading, Q[:, a])
        W[:, a], P[:, a], R[:, a] = w, loading, r
        if algorithm == 1:
            T[:, a] = t
    if T is None:
        T = X @ R
    U, residual = np.zeros((n, n_components)), Y.copy()
    for a in range(n_components):
        if Q[:, a].any():
            U[:, a] = residual @ Q[:, a] / (Q[:, a] @ Q[:, a])
            residual -= np.outer(T[:, a], Q[:, a])
    return PLSFactors(W, P, Q, T, U, R, np.zeros(n_components, dtype=np.int64))


class IKPLS(LatentVariableRegressor):
    """Partial least squares regression by improved kernel PLS.

    Dayal & MacGregor (1997), "Improved PLS algorithms", Journal of Chemometrics 11,
    73-85: the NIPALS model computed by deflating only ``X' Y`` (size p x q), so each
    component costs O(p q) after the cross-products instead of O(n p). ``algorithm=1``
    keeps X for the scores and loadings; ``algorithm=2`` uses only ``X' X`` and is the
    faster when there are many more samples than wavelengths. Same model as :class:`PLS`
    (to the NIPALS tolerance) and as R ``pls``'s ``kernelpls`` (Dayal & MacGregor's
    algorithm 1).

    Parameters
    ----------
    n_components : int, default=2
        Number of components, at most ``min(n_samples, n_features)``.
    algorithm : {1, 2}, default=1
        Dayal & MacGregor's algorithm number.
    scale : bool, default=True
        Divide X and Y by their standard deviation (ddof=1) after centring.
    copy : bool, default=True
        Work on a copy of X; with False, ``fit`` may centre and scale X in place.

    Attributes
    ----------
    x_weights_, x_loadings_, y_weights_, y_loadings_, x_scores_, y_scores_, x_rotations_
        The factors, as in ``PLSRegression`` (see :class:`~._latent.LatentVariableModel`).
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients on raw X: ``y = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
        Intercept on raw X.
    vip_, selectivity_ratio_
        Variable importance and selectivity ratio (see :class:`PLSDiagnosticsMixin`).
    """

    def __init__(
        self, n_components: int = 2, *, algorithm: int = 1, scale: bool = True, copy: bool = True
    ) -> None:
        self.n_components = n_components
        self.algorithm = algorithm
        self.scale = scale
        self.copy = copy

    def _check_method_params(self) -> None:
        check_choice(self, "algorithm", (1, 2))

    def _factors(
        self, X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int
    ) -> PLSFactors:
        return ikpls(X, Y, n_components, algorithm=self.algorithm)
