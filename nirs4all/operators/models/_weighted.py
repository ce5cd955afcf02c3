"""Sample-weighted PLS, and the linear-model template of the weighted and selective variants.

A weighted PLS with sample weights ``v`` is ordinary PLS on the rows
``sqrt(v_i) (x_i - x̄_v)``, ``sqrt(v_i) (y_i - ȳ_v)`` centred on the weighted means: every
covariance NIPALS forms is then the weighted one (``X' V Y``, ``X' V X``). The locally
weighted, robust and recursive models all reduce to it, so they share :func:`weighted_pls`
and the NIPALS kernel of :mod:`._nipals`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.models._diagnostics import PLSDiagnosticsMixin
from nirs4all.operators.models._nipals import PLSFactors, nipals_pls
from nirs4all.operators.transforms._transformer import check_int

__all__ = [
    "NIPALS_MAX_ITER",
    "NIPALS_TOL",
    "LinearPLSModel",
    "NestedComponentsMixin",
    "WavelengthSelectionMixin",
    "WeightedPLS",
    "weighted_pls",
]

#: Convergence of the NIPALS power iteration (several targets only; one needs one pass): the
#: squared norm of the change of the weight vector, as in ``nipals_pls``. 1e-24 puts the
#: weights within 1e-12 of the fixed point.
NIPALS_TOL = 1e-24
NIPALS_MAX_ITER = 1000


@dataclass(frozen=True)
class WeightedPLS:
    """A PLS fitted with sample weights: its factors, the weighted means and the coefficients.

    ``coef`` has shape (n_features, n_targets): predictions are
    ``(X - x_mean) @ coef + y_mean``. ``x_processed`` holds the rows NIPALS was run on
    (``sqrt(v_i) (x_i - x_mean)``), from which the diagnostics summarise the residual.
    """

    factors: PLSFactors
    x_mean: np.ndarray
    y_mean: np.ndarray
    coef: np.ndarray
    x_processed: np.ndarray


def weighted_pls(
    X: np.ndarray, Y: np.ndarray, n_components: int, weights: np.ndarray | None = None
) -> WeightedPLS:
    """Fit PLS on ``X`` (n, p) and ``Y`` (n, m) with nonnegative sample ``weights``.

    ``weights=None`` is ordinary PLS (all weights one). Rows of weight zero take no part.
    Components beyond what the data hold (X or Y exhausted, X and Y uncorrelated) are zero,
    as :func:`nipals_pls` leaves them; with none, the model predicts the weighted mean of Y.
    """
    if weights is None:
        x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
        x_centred, y_centred = X - x_mean, Y - y_mean
    else:
        total = weights.sum()
        x_mean, y_mean = weights @ X / total, weights @ Y / total
        root = np.sqrt(weights)[:, None]
        x_centred, y_centred = X - x_mean, Y - y_mean
        x_centred *= root
        y_centred *= root
    factors = nipals_pls(
        x_centred, y_centred, n_components, tol=NIPALS_TOL, max_iter=NIPALS_MAX_ITER
    )
    coef = factors.x_rotations @ factors.y_loadings.T
    return WeightedPLS(factors, x_mean, y_mean, coef, x_centred)


class LinearPLSModel(PLSDiagnosticsMixin, RegressorMixin, BaseEstimator):
    """Template of the PLS variants whose final model is linear in X (private: not exported).

    Subclasses call :meth:`_validate_training` in ``fit`` and :meth:`_store` with the fitted
    :class:`WeightedPLS`; ``predict`` is ``X @ coef_.T + intercept_``. The diagnostics of
    :class:`PLSDiagnosticsMixin` (``vip_``, ``selectivity_ratio_``, ``hotelling_t2``,
    ``q_residuals`` and their limits) describe the stored fit, on the rows it was fitted on.
    """

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.required = True
        return tags

    def _validate_training(
        self, X: ArrayLike, y: ArrayLike, *, reset: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Validate training data; return X (n, p) and Y (n, m) as float64."""
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=np.float64,
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2,
        )
        y = np.asarray(y, dtype=np.float64)
        if reset:
            self._y_ndim = y.ndim
        return X, y.reshape(len(y), -1)

    def _check_n_components(self, n_samples: int, n_features: int) -> int:
        """Return ``n_components``, or raise when the data cannot carry that many."""
        n_components = check_int(self, "n_components", 1)
        if n_components > min(n_samples - 1, n_features):
            raise ValueError(
                f"{type(self).__name__}: n_components={n_components} is more than X can carry "
                f"(n_samples={n_samples}, n_features={n_features}: at most "
                f"{min(n_samples - 1, n_features)}); lower n_components"
            )
        return n_components

    def _store(self, fit: WeightedPLS) -> None:
        """Set the fitted attributes, diagnostics included, from ``fit``."""
        factors = fit.factors
        self.x_weights_ = factors.x_weights
        self.x_loadings_ = factors.x_loadings
        self.y_loadings_ = factors.y_loadings
        self.x_rotations_ = factors.x_rotations
        self.x_scores_ = factors.x_scores
        self.x_mean_ = fit.x_mean
        self.x_scale_ = np.ones_like(fit.x_mean)
        self.y_mean_ = fit.y_mean
        self.coef_ = fit.coef.T
        self.intercept_ = fit.y_mean - fit.x_mean @ fit.coef
        self._fit_diagnostics(fit.x_processed)

    def _shape_prediction(self, prediction: np.ndarray) -> np.ndarray:
        return prediction.ravel() if self._y_ndim == 1 else prediction

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict the targets of ``X``: ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            One dimension when the model was fitted on a 1D ``y``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._shape_prediction(X @ self.coef_.T + self.intercept_)


class WavelengthSelectionMixin:
    """``get_support()`` for models that select wavelengths into a fitted ``support_`` mask."""

    def get_support(self, indices: bool = False) -> np.ndarray:
        """The selected wavelengths, as a mask or as column indices.

        Parameters
        ----------
        indices : bool, default=False
            Return the column indices instead of the boolean mask.

        Returns
        -------
        ndarray
            A copy of ``support_``, or ``np.flatnonzero(support_)``.
        """
        check_is_fitted(self)
        return np.flatnonzero(self.support_) if indices else self.support_.copy()


class NestedComponentsMixin:
    """``predict_nested`` for models whose ``a``-component model is their first ``a`` components.

    True when component ``a`` depends only on the data and components ``1 .. a - 1``, as in
    sequential NIPALS deflation (the nested-parameter protocol of :mod:`._latent`).
    """

    _nested_param_: ClassVar[str] = "n_components"

    def predict_nested(self, X: ArrayLike, values: Iterable[int]) -> dict[int, np.ndarray]:
        """Predictions of the models with fewer components, from this one fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
        values : iterable of int
            Numbers of components, each in ``[1, n_components]``.

        Returns
        -------
        dict of int to ndarray
            For each value ``a``, what ``predict`` of the same model fitted with
            ``n_components=a`` on the same data returns.
        """
        check_is_fitted(self)
        fitted = self.x_rotations_.shape[1]
        chosen = list(values)
        wrong = [
            value
            for value in chosen
            if isinstance(value, bool)
            or not isinstance(value, numbers.Integral)
            or not 1 <= value <= fitted
        ]
        if wrong:
            raise ValueError(
                f"{type(self).__name__}.predict_nested: every value of n_components must be "
                f"an integer in [1, {fitted}] (the fitted n_components); got {wrong!r}"
            )
        X = validate_data(self, X, reset=False, dtype=np.float64)
        scores = (X - self.x_mean_) @ self.x_rotations_
        return {
            int(a): self._shape_prediction(self.y_mean_ + scores[:, :a] @ self.y_loadings_[:, :a].T)
            for a in chosen
        }
