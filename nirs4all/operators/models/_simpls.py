"""SIMPLS (de Jong 1993): PLS by deflating the cross-product instead of the data."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from nirs4all.operators.models._latent import LatentVariableRegressor
from nirs4all.operators.models._linalg import EXHAUSTED, dominant_left_vector
from nirs4all.operators.models._nipals import PLSFactors

__all__ = ["SIMPLS", "simpls"]


def simpls(X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int) -> PLSFactors:
    """Fit ``n_components`` SIMPLS components on centred (and scaled) X (n, p), Y (n, q).

    Component ``a``: ``r`` is the dominant left singular vector of ``S_a = (I - V V') X' Y``
    (V an orthonormal basis of the previous loadings), projected once more off V to keep
    the scores orthogonal in floating point, ``t = X r`` scaled to unit norm
    (``r`` with it), ``p = X' t``, ``q = Y' t``, ``u = Y q`` orthogonalised against the
    previous scores. The factors satisfy ``T = X R``, ``T' T = I`` and the coefficients
    are ``R Q'``. ``x_weights`` is ``R`` (as R ``pls``'s ``loading.weights``); ``n_iter``
    is zero (no iteration). When ``S_a`` or ``t`` vanishes the remaining components are
    left at zero.
    """
    n, p = X.shape
    q = Y.shape[1]
    R, P, V = np.zeros((p, n_components)), np.zeros((p, n_components)), np.zeros((p, n_components))
    Q, T, U = np.zeros((q, n_components)), np.zeros((n, n_components)), np.zeros((n, n_components))
    cross = X.T @ Y
    first_norm = np.linalg.norm(cross)
    for a in range(n_components):
        deflated = cross - V[:, :a] @ (V[:, :a].T @ cross)
        if np.linalg.norm(deflated) <= EXHAUSTED * first_norm:
            break
        r = dominant_left_vector(deflated)
        # In exact arithmetic V' r = 0 already; enforcing it keeps the scores orthogonal
        # when the deflated cross-product is small next to the first one.
        r -= V[:, :a] @ (V[:, :a].T @ r)
        t = X @ r
        t_norm = np.linalg.norm(t)
        if t_norm <= EXHAUSTED * np.linalg.norm(X):
            break
        t, r = t / t_norm, r / t_norm
        loading = X.T @ t
        v = loading - V[:, :a] @ (V[:, :a].T @ loading)
        V[:, a] = v / np.linalg.norm(v)
        Q[:, a] = Y.T @ t
        u = Y @ Q[:, a]
        U[:, a] = u - T[:, :a] @ (T[:, :a].T @ u)
        R[:, a], P[:, a], T[:, a] = r, loading, t
    return PLSFactors(R, P, Q, T, U, R.copy(), np.zeros(n_components, dtype=np.int64))


class SIMPLS(LatentVariableRegressor):
    """Partial least squares regression by SIMPLS.

    SIMPLS finds each weight vector ``r`` maximising the covariance of ``X r`` with ``Y``
    under the constraint that the scores are orthogonal, by deflating the cross-product
    ``X' Y`` with the projector on the previous loadings rather than deflating X (de Jong
    1993, "SIMPLS: an alternative approach to partial least squares regression",
    Chemometrics and Intelligent Laboratory Systems 18, 251-263). With one target it gives
    the same model as NIPALS; with several it differs slightly. This is R ``pls``'s
    ``simpls`` method.

    Parameters
    ----------
    n_components : int, default=2
        Number of components, at most ``min(n_samples, n_features)``.
    scale : bool, default=True
        Divide X and Y by their standard deviation (ddof=1) after centring.
    copy : bool, default=True
        Work on a copy of X; with False, ``fit`` may centre and scale X in place.

    Attributes
    ----------
    x_weights_ : ndarray of shape (n_features, n_components)
        The SIMPLS weights R (equal to ``x_rotations_``); VIP uses their directions.
    x_scores_ : ndarray of shape (n_samples, n_components)
        Scores ``T = X R``, of unit norm (de Jong's normalisation).
    x_loadings_, y_loadings_, y_weights_, y_scores_, x_rotations_
        The other factors (see :class:`~._latent.LatentVariableModel`).
    coef_ : ndarray of shape (n_targets, n_features)
        Coefficients on raw X: ``y = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
        Intercept on raw X.
    vip_, selectivity_ratio_
        Variable importance and selectivity ratio (see :class:`PLSDiagnosticsMixin`).
    """

    def _factors(
        self, X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int
    ) -> PLSFactors:
        return simpls(X, Y, n_components)
