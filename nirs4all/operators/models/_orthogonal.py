"""The Y-orthogonal filter of OPLS (Trygg & Wold 2002), a pure function on centred data.

:class:`~nirs4all.operators.models._opls.OPLS` and ``OPLSDA`` call it, then fit the
predictive PLS on what it leaves.

References
----------
Trygg, J. & Wold, S. (2002). Orthogonal projections to latent structures (O-PLS). Journal
of Chemometrics 16, 119-128.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["orthogonal_components"]

_EPS = np.finfo(np.float64).eps


def orthogonal_components(
    X: NDArray[np.float64], Y: NDArray[np.float64], n_orthogonal: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Remove ``n_orthogonal`` Y-orthogonal components from centred ``X`` (Trygg & Wold 2002).

    With ``S`` an orthonormal basis of the column space of ``X'Y`` and ``w`` its first
    vector (the first PLS weight, unchanged by the deflations below), each component takes
    ``t = E w``, ``p = E't / t't``, the orthogonal weight ``w_o = (I - S S') p / ||.||``,
    ``t_o = E w_o``, ``p_o = E't_o / t_o't_o`` and deflates ``E -= t_o p_o'``. Every ``t_o``
    is orthogonal to every column of ``Y`` because ``w_o`` is orthogonal to ``X'Y``; for one
    response ``S = w`` and this is the algorithm of the paper. A component is left as zero
    columns when no Y-orthogonal variation remains (``E`` lies in the span of ``X'Y``).

    Returns
    -------
    weights, loadings : ndarray of shape (p, n_orthogonal)
    scores : ndarray of shape (n, n_orthogonal)
    residual : ndarray of shape (n, p)
        ``X`` without the orthogonal components (``X`` itself when ``n_orthogonal == 0``).
    """
    n, p = X.shape
    weights, loadings = np.zeros((p, n_orthogonal)), np.zeros((p, n_orthogonal))
    scores = np.zeros((n, n_orthogonal))
    if n_orthogonal == 0:
        return weights, loadings, scores, X
    left, singular, _ = np.linalg.svd(X.T @ Y, full_matrices=False)
    if singular[0] <= _EPS * max(n, p) * max(np.abs(X).max(), 1.0):
        return weights, loadings, scores, X
    basis = left[:, singular > max(X.shape) * _EPS * singular[0]]
    residual = X.copy()
    floor = max(n, p) * _EPS * np.vdot(X, X)
    for k in range(n_orthogonal):
        t = residual @ basis[:, 0]
        loading = residual.T @ t / (t @ t)
        weight = loading - basis @ (basis.T @ loading)
        norm = np.sqrt(weight @ weight)
        # Rounding leaves about n * eps of a loading that lies in the span of X'Y.
        if norm <= 10 * max(n, p) * _EPS * np.sqrt(loading @ loading):
            break
        weight /= norm
        score = residual @ weight
        variance = score @ score
        if variance <= floor:
            break
        loadings[:, k] = residual.T @ score / variance
        residual -= np.outer(score, loadings[:, k])
        weights[:, k], scores[:, k] = weight, score
    return weights, loadings, scores, residual
