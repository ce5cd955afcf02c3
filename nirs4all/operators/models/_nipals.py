"""NIPALS kernel of partial least squares regression (PLS2, regression deflation).

:func:`nipals_pls` is a pure function on data that is already centred (and, if wanted,
scaled); the estimators of this package centre, scale and store. It follows the orthogonal
scores algorithm of Wold, Martens and Wold (1983), the one R ``pls`` calls ``oscorespls``
and scikit-learn's ``PLSRegression`` runs, so it reproduces both:

- the start vector is the first column of Y that is not numerically zero, and the power
  iteration stops when the squared norm of the change of the weight vector is below ``tol``
  (scikit-learn's rule, so ``tol`` means what ``PLSRegression(tol=...)`` means); a single
  response needs no iteration;
- each weight vector has unit norm and its entry of largest magnitude is positive (the sign
  convention of scikit-learn; predictions do not depend on signs);
- when the Y residual is numerically zero (the previous components fit Y exactly), or the
  X residual is (the components already span X: ``||t|| <= 1e-12 ||X||``), the remaining
  components are left as zero columns, and the rotations are taken with a pseudo-inverse
  so they ignore those columns. scikit-learn goes on there and fits rounding noise.

References
----------
Wold, S., Martens, H., Wold, H. (1983). The multivariate calibration problem in chemistry
solved by the PLS method. In: Matrix Pencils, Lecture Notes in Mathematics 973, 286-293.
Wegelin, J. A. (2000). A survey of partial least squares (PLS) methods, with emphasis on the
two-block case. Technical report 371, University of Washington, section 4.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import pinv

from nirs4all.operators.models._linalg import EXHAUSTED

__all__ = ["PLSFactors", "nipals_pls", "rotations"]

_EPS = np.finfo(np.float64).eps


@dataclass(frozen=True)
class PLSFactors:
    """The factors of a fitted PLS model with ``A`` components (read-only arrays).

    With X (n, p) and Y (n, q) the centred (and scaled) data, ``X = T P' + E`` and
    ``Y = T Q' + F``; the scores of new rows are ``X_new @ x_rotations``.

    Attributes
    ----------
    x_weights : ndarray of shape (p, A)
        W, unit-norm weight vectors of the deflated X blocks.
    x_loadings : ndarray of shape (p, A)
        P, regression of each deflated X block on its score.
    y_loadings : ndarray of shape (q, A)
        Q, regression of each deflated Y block on the X score.
    x_scores : ndarray of shape (n, A)
        T, mutually orthogonal X scores.
    y_scores : ndarray of shape (n, A)
        U, Y scores ``Y_a q_a / (q_a' q_a)`` of the deflated Y blocks.
    x_rotations : ndarray of shape (p, A)
        R = W (P' W)^+, so that ``T = X R`` on the undeflated X.
    n_iter : ndarray of shape (A,)
        Power iterations each component took (0 for a component left at zero).
    """

    x_weights: NDArray[np.float64]
    x_loadings: NDArray[np.float64]
    y_loadings: NDArray[np.float64]
    x_scores: NDArray[np.float64]
    y_scores: NDArray[np.float64]
    x_rotations: NDArray[np.float64]
    n_iter: NDArray[np.int64]

    def __post_init__(self) -> None:
        for value in vars(self).values():
            value.flags.writeable = False


def rotations(x_weights: NDArray[np.float64], x_loadings: NDArray[np.float64]) -> NDArray:
    """Return ``W (P' W)^+``, the map from centred X to scores (pseudo-inverse for zeros)."""
    return x_weights @ pinv(x_loadings.T @ x_weights, check_finite=False)


def _first_weights(
    X: NDArray[np.float64], Y: NDArray[np.float64], tol: float, max_iter: int
) -> tuple[NDArray[np.float64], int]:
    """Dominant left singular vector of ``X' Y`` by the NIPALS power iteration."""
    start = next(column for column in Y.T if np.any(np.abs(column) > _EPS))
    y_score = start
    w_old = None
    for iteration in range(1, max_iter + 1):
        w = X.T @ y_score / (y_score @ y_score)
        w /= np.sqrt(w @ w) + _EPS
        t = X @ w
        c = Y.T @ t / (t @ t)
        y_score = Y @ c / (c @ c + _EPS)
        if Y.shape[1] == 1:
            return w, iteration
        if w_old is not None and (w - w_old) @ (w - w_old) < tol:
            return w, iteration
        w_old = w
    return w, max_iter


def nipals_pls(
    X: NDArray[np.float64],
    Y: NDArray[np.float64],
    n_components: int,
    *,
    tol: float = 1e-12,
    max_iter: int = 500,
) -> PLSFactors:
    """Fit ``n_components`` PLS components by NIPALS with regression deflation.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Centred (and optionally scaled) predictors; not modified.
    Y : ndarray of shape (n, q)
        Centred (and optionally scaled) responses; not modified.
    n_components : int
        Number of components ``A``, at most ``min(n, p)``.
    tol : float, default=1e-12
        Convergence threshold on the squared norm of the change of a weight vector between
        two power iterations (only used when ``q > 1``).
    max_iter : int, default=500
        Maximum number of power iterations per component; ``n_iter == max_iter`` in the
        result tells the caller that a component did not converge.

    Returns
    -------
    PLSFactors
        Weights, loadings, scores and rotations. Component ``a`` depends only on the data
        and components ``1 .. a - 1``, so the first ``k`` columns are the ``k``-component
        model.
    """
    Xk = np.array(X, dtype=np.float64, order="C", copy=True)
    Yk = np.array(Y, dtype=np.float64, copy=True)
    n, p = Xk.shape
    q = Yk.shape[1]
    W, P = np.zeros((p, n_components)), np.zeros((p, n_components))
    Q, T, U = np.zeros((q, n_components)), np.zeros((n, n_components)), np.zeros((n, n_components))
    n_iter = np.zeros(n_components, dtype=np.int64)
    x_norm = np.linalg.norm(Xk)
    for a in range(n_components):
        Yk[:, np.all(np.abs(Yk) < 10 * _EPS, axis=0)] = 0.0
        if not np.any(Yk):
            break
        w, n_iter[a] = _first_weights(Xk, Yk, tol, max_iter)
        w *= np.sign(w[np.argmax(np.abs(w))])
        t = Xk @ w
        tt = t @ t
        if tt <= (EXHAUSTED * x_norm) ** 2:
            n_iter[a] = 0
            break
        p_a = Xk.T @ t / tt
        q_a = Yk.T @ t / tt
        U[:, a] = Yk @ q_a / (q_a @ q_a)
        Xk -= np.outer(t, p_a)
        Yk -= np.outer(t, q_a)
        W[:, a], P[:, a], Q[:, a], T[:, a] = w, p_a, q_a, t
    return PLSFactors(W, P, Q, T, U, rotations(W, P), n_iter)
