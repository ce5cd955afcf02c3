"""Robust PLS by iterative reweighting: partial robust M-regression."""

from __future__ import annotations

import warnings
from typing import Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.exceptions import ConvergenceWarning

from nirs4all.operators.models._weighted import LinearPLSModel, weighted_pls
from nirs4all.operators.transforms._transformer import check_choice, check_int, check_positive

__all__ = ["RobustPLS"]

#: Default tuning constants: 95% efficiency at the normal model (Huber 1981; Beaton & Tukey 1974).
DEFAULT_CONSTANTS = {"huber": 1.345, "tukey": 4.685}
#: Makes the median absolute deviation a consistent estimate of a normal standard deviation.
MAD_TO_SD = 1.4826


def huber_weights(u: np.ndarray, c: float) -> np.ndarray:
    """Huber weights ``min(1, c / |u|)`` of standardised values ``u``."""
    magnitude = np.abs(u)
    return np.minimum(1.0, c / np.maximum(magnitude, np.finfo(float).tiny))


def tukey_weights(u: np.ndarray, c: float) -> np.ndarray:
    """Tukey bisquare weights ``(1 - (u / c)^2)^2`` for ``|u| < c``, else 0."""
    ratio = np.minimum(np.abs(u) / c, 1.0)
    return (1.0 - ratio**2) ** 2


WEIGHT_FUNCTIONS = {"huber": huber_weights, "tukey": tukey_weights}


def _standardised_distances(values: np.ndarray, scale: str) -> np.ndarray:
    """Robustly standardised distance of each row of ``values`` (n, k) from the median row.

    ``scale="mad"`` divides each column by its normal-consistent MAD and takes the root mean
    square over columns (for one column, ``|v - median| / sigma``); ``scale="median"`` divides
    Euclidean distances by their median. A zero scale (more than half the rows at the centre)
    falls back to the mean absolute deviation; if that is zero too, every distance is zero.
    """
    centred = values - np.median(values, axis=0)
    if scale == "mad":
        spread = MAD_TO_SD * np.median(np.abs(centred), axis=0)
        fallback = np.sqrt(np.pi / 2) * np.mean(np.abs(centred), axis=0)
        spread = np.where(spread > 0, spread, fallback)
        spread = np.where(spread > 0, spread, 1.0)
        return np.sqrt(np.mean((centred / spread) ** 2, axis=1))
    distances = np.sqrt(np.sum(centred**2, axis=1))
    spread = np.median(distances)
    if spread <= 0:
        spread = np.mean(distances)
    return distances / spread if spread > 0 else distances


class RobustPLS(LinearPLSModel):
    """PLS regression made robust to outlying samples by iterative reweighting.

    Partial robust M-regression (Serneels et al. 2005), with the weight function of
    Cummins & Andrews (1995) selectable. Each sample ``i`` gets the weight
    ``v_i = f(r_i / sigma, c) * f(d_i / median(d), c)``, where ``r_i`` is its residual
    (standardised by the normal-consistent median absolute deviation; for several targets the
    root mean square of the standardised residuals), ``d_i`` is the Euclidean distance of its
    PLS scores from their coordinate-wise median (its leverage), and ``f`` is the Huber weight
    ``min(1, c/|u|)`` or the Tukey bisquare ``(1 - (u/c)^2)^2`` (0 beyond ``c``). The start
    uses ``y - median(y)`` as residuals and the distance of ``x_i`` from the coordinate-wise
    median spectrum as leverage. Then the model is a weighted PLS (NIPALS on
    ``sqrt(v_i) (x_i - x̄_v)``, see :func:`weighted_pls`) and its residuals and scores imply
    new weights; the iteration stops when no implied weight differs from the one used by more
    than ``tol`` (the weights are a fixed point), or after ``max_iter`` fits. The next weights
    are the mean of the used and the implied ones: this damping keeps the fixed points and
    stops the two-cycles into which the product of residual and leverage weights can fall
    when the last components fit little more than noise.

    With the Huber function and a huge ``c`` every weight is 1 and the model is ordinary PLS.

    Parameters
    ----------
    n_components : int, default=2
        Number of PLS components.
    weighting : {"huber", "tukey"}, default="huber"
        Weight function ``f``.
    c : float, optional
        Tuning constant of ``f``, in robust standard deviations; defaults to 1.345 (Huber) or
        4.685 (Tukey). Smaller is more robust and less efficient.
    downweight : {"both", "residuals", "leverage"}, default="both"
        Which weights multiply: residual weights, leverage weights, or both (partial robust
        M-regression).
    max_iter : int, default=100
        Most weighted fits, the start included.
    tol : float, default=1e-4
        Stop when every weight implied by the fit is within ``tol`` of the one used.

    Attributes
    ----------
    sample_weight_ : ndarray of shape (n_samples,)
        Weight of each training sample in the final fit, in [0, 1].
    n_iter_ : int
        Number of weighted fits made.
    coef_ : ndarray of shape (n_targets, n_features_in_)
        Regression coefficients per wavelength: ``y = X @ coef_.T + intercept_``.
    intercept_ : ndarray of shape (n_targets,)
    x_weights_, x_loadings_, x_rotations_ : ndarray of shape (n_features_in_, n_components)
        Of the final weighted PLS.
    y_loadings_ : ndarray of shape (n_targets, n_components)
    x_mean_ : ndarray of shape (n_features_in_,)
        Weighted mean spectrum.
    y_mean_ : ndarray of shape (n_targets,)
    x_scores_ : ndarray of shape (n_samples, n_components)
        Scores of the weighted training rows ``sqrt(v_i) (x_i - x_mean_)``: the diagnostics
        (``vip_``, ``hotelling_t2``, ``q_limit`` ...) describe the weighted fit, in which the
        downweighted outliers hardly count, except ``q_limit``, which comes from
        ``training_q_``.
    training_q_ : ndarray of shape (n_samples,)
        Q statistic of each training sample on the final model (outliers included, so the
        Box ``q_limit`` reflects every training sample).
    n_features_in_ : int

    References
    ----------
    Serneels, S., Croux, C., Filzmoser, P. & Van Espen, P. J. (2005). Partial robust
    M-regression. Chemometrics and Intelligent Laboratory Systems 79, 55-64.
    Cummins, D. J. & Andrews, C. W. (1995). Iteratively reweighted partial least squares: a
    performance analysis by Monte Carlo simulation. Journal of Chemometrics 9, 489-507.
    """

    def __init__(
        self,
        n_components: int = 2,
        *,
        weighting: str = "huber",
        c: float | None = None,
        downweight: str = "both",
        max_iter: int = 100,
        tol: float = 1e-4,
    ) -> None:
        self.n_components = n_components
        self.weighting = weighting
        self.c = c
        self.downweight = downweight
        self.max_iter = max_iter
        self.tol = tol

    def _weights(self, residuals: np.ndarray, leverage_points: np.ndarray) -> np.ndarray:
        weighting = WEIGHT_FUNCTIONS[self.weighting]
        c = DEFAULT_CONSTANTS[self.weighting] if self.c is None else float(self.c)
        weights = np.ones(len(residuals))
        if self.downweight in ("both", "residuals"):
            weights *= weighting(_standardised_distances(residuals, "mad"), c)
        if self.downweight in ("both", "leverage"):
            weights *= weighting(_standardised_distances(leverage_points, "median"), c)
        return weights

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the reweighted PLS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        check_choice(self, "weighting", tuple(WEIGHT_FUNCTIONS))
        check_choice(self, "downweight", ("both", "residuals", "leverage"))
        if self.c is not None:
            check_positive(self, "c")
        max_iter = check_int(self, "max_iter", 1)
        tol = check_positive(self, "tol")
        X, Y = self._validate_training(X, y)
        n_components = self._check_n_components(*X.shape)
        weights = self._weights(Y - np.median(Y, axis=0), X)
        fit, n_iter, settled = None, 0, False
        while n_iter < max_iter and not settled:
            if np.count_nonzero(weights) <= n_components:
                raise ValueError(
                    f"RobustPLS: only {np.count_nonzero(weights)} sample(s) keep a nonzero "
                    f"weight, too few for n_components={n_components}; raise c or use "
                    "weighting='huber'"
                )
            fit, used = weighted_pls(X, Y, n_components, weights), weights
            n_iter += 1
            scores = (X - fit.x_mean) @ fit.factors.x_rotations
            implied = self._weights(Y - fit.y_mean - (X - fit.x_mean) @ fit.coef, scores)
            settled = bool(np.max(np.abs(implied - used)) <= tol)
            weights = 0.5 * (used + implied)
        if not settled and max_iter > 1:
            warnings.warn(
                f"RobustPLS: the weights did not settle in max_iter={max_iter} fits "
                f"(tol={tol}); raise max_iter",
                ConvergenceWarning,
                stacklevel=2,
            )
        self._store(fit)
        # The Q of each training row itself (the stored fit's rows are weighted).
        self.training_q_ = self.q_residuals(X)
        self.sample_weight_ = used
        self.n_iter_ = n_iter
        return self
