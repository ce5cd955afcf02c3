"""Fit/predict template shared by the latent-variable regressors (PLS, SIMPLS, IKPLS, PCR).

A subclass implements ``_factors(X, Y, n_components) -> PLSFactors`` on centred (and
scaled) data and ``_check_method_params()``; the template validates, centres, scales,
stores the fitted attributes, and predicts.

Fast component sweep (the nested-parameter protocol)
----------------------------------------------------
An estimator whose smaller models are sub-models of its largest one declares it with

- a class attribute ``_nested_param_ = "n_components"``, the name of the parameter, and
- a method ``predict_nested(X, values) -> dict[int, ndarray]`` that, from one fit with
  ``n_components = max(values)``, returns for each value ``a`` the prediction the model
  fitted with ``n_components = a`` would make (same shape as ``predict``).

That holds here because component ``a`` depends only on the data and components
``1 .. a - 1`` (NIPALS, SIMPLS, IKPLS), or is the ``a``-th principal axis (PCR): the
``a``-component model is the first ``a`` columns of the largest. An engine tuning the
parameter fits once per fold and calls ``predict_nested`` instead of refitting per value.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.models._diagnostics import PLSDiagnosticsMixin
from nirs4all.operators.models._nipals import PLSFactors
from nirs4all.operators.transforms._transformer import check_int

__all__ = ["LatentVariableModel", "LatentVariableRegressor", "check_tolerance"]


def check_tolerance(estimator: object, name: str = "tol") -> float:
    """Return parameter ``name`` as a float, or raise if it is not a finite number >= 0."""
    value = getattr(estimator, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < np.inf:
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be a finite number >= 0; got {value!r}"
        )
    return float(value)


def _centre_scale(
    data: NDArray[np.float64], scale: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Centre ``data`` in place and divide by the column std (ddof=1) when ``scale``."""
    mean = data.mean(axis=0)
    data -= mean
    if not scale:
        return mean, np.ones(data.shape[1])
    std = data.std(axis=0, ddof=1)
    std[std == 0.0] = 1.0
    data /= std
    return mean, std


class LatentVariableModel(PLSDiagnosticsMixin, BaseEstimator):
    """Template of the latent-variable models of this package (private: not exported).

    Fitted attributes (A components, p features, q targets): ``x_weights_`` (p, A),
    ``x_loadings_`` (p, A), ``y_loadings_`` (q, A), ``y_weights_`` (q, A, equal to
    ``y_loadings_`` as in scikit-learn's ``PLSRegression``), ``x_scores_`` (n, A),
    ``y_scores_`` (n, A), ``x_rotations_`` (p, A), ``coef_`` (q, p), ``intercept_`` (q,),
    ``x_mean_``/``x_scale_`` (p,), ``y_mean_``/``y_scale_`` (q,), and the diagnostics
    summaries of :class:`PLSDiagnosticsMixin`.

    ``intercept_`` is the intercept of ``y = X @ coef_.T + intercept_`` on raw ``X`` (as R
    ``pls`` reports it); scikit-learn's ``PLSRegression.intercept_`` is the mean of ``y``
    instead, since its ``predict`` centres ``X`` first.
    """

    _nested_param_: ClassVar[str] = "n_components"

    def __init__(self, n_components: int = 2, *, scale: bool = True, copy: bool = True) -> None:
        self.n_components = n_components
        self.scale = scale
        self.copy = copy

    def _check_method_params(self) -> None:
        """Validate the parameters specific to the method (subclasses override)."""

    def _factors(
        self, X: NDArray[np.float64], Y: NDArray[np.float64], n_components: int
    ) -> PLSFactors:
        raise NotImplementedError  # abstract hook: each algorithm (NIPALS, SIMPLS ...) fits

    def _validate_fit_data(self, X: ArrayLike, y: ArrayLike) -> tuple[NDArray, NDArray]:
        """Validated X (a float64 array we may modify) and Y (n, q); subclasses may encode y."""
        self._check_params()
        X, y = validate_data(
            self,
            X,
            y,
            dtype=np.float64,
            copy=self.copy,
            force_writeable=True,
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2,
        )
        self._check_rank(X)
        Y = np.array(y, dtype=np.float64, copy=True)
        self._predict_1d = Y.ndim == 1
        return X, Y.reshape(X.shape[0], -1)

    def _check_params(self) -> None:
        check_int(self, "n_components", 1)
        self._check_method_params()

    def _check_rank(self, X: NDArray[np.float64]) -> None:
        n, p = X.shape
        if self.n_components > min(n, p):
            raise ValueError(
                f"{type(self).__name__}: n_components={self.n_components} must be at most "
                f"min(n_samples, n_features) = {min(n, p)} (n_samples = {n}, n_features = "
                f"{p}); lower n_components"
            )

    def _fit_latent(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Validate, centre and scale, fit the factors and store every fitted attribute."""
        X, Y = self._validate_fit_data(X, y)
        self.x_mean_, self.x_scale_ = _centre_scale(X, self.scale)
        self.y_mean_, self.y_scale_ = _centre_scale(Y, self.scale)
        factors = self._factors(X, Y, self.n_components)
        self.x_weights_ = np.array(factors.x_weights)
        self.x_loadings_ = np.array(factors.x_loadings)
        self.y_loadings_ = np.array(factors.y_loadings)
        self.y_weights_ = self.y_loadings_.copy()
        self.x_scores_ = np.array(factors.x_scores)
        self.y_scores_ = np.array(factors.y_scores)
        self.x_rotations_ = np.array(factors.x_rotations)
        self._n_iter = np.array(factors.n_iter)
        self.coef_ = self._coefficients(self.n_components)
        self.intercept_ = self.y_mean_ - self.x_mean_ @ self.coef_.T
        self._fit_diagnostics(X)
        return self

    def _coefficients(self, n_components: int) -> NDArray[np.float64]:
        """Coefficients (q, p) on raw X of the model made of the first components."""
        rotations = self.x_rotations_[:, :n_components]
        scaled = rotations @ self.y_loadings_[:, :n_components].T
        return (scaled * self.y_scale_).T / self.x_scale_

    def _scores(self, X: ArrayLike) -> NDArray[np.float64]:
        return self._processed(X) @ self.x_rotations_

    def _responses(self, scores: NDArray[np.float64], n_components: int) -> NDArray[np.float64]:
        """Predicted Y (n, q) from the first ``n_components`` scores."""
        fitted = scores[:, :n_components] @ self.y_loadings_[:, :n_components].T
        return fitted * self.y_scale_ + self.y_mean_

    def _predict_raw(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_.T + self.intercept_

    def _nested_values(self, values: Iterable[Any]) -> list[int]:
        check_is_fitted(self)
        fitted = self.x_rotations_.shape[1]
        checked = []
        for value in values:
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Integral)
                or not 1 <= value <= fitted
            ):
                raise ValueError(
                    f"{type(self).__name__}.predict_nested: every value of n_components must "
                    f"be an integer in [1, {fitted}] (the fitted n_components); got {value!r}"
                )
            checked.append(int(value))
        return checked

    def _nested_responses(
        self, X: ArrayLike, values: Iterable[Any]
    ) -> dict[int, NDArray[np.float64]]:
        values = self._nested_values(values)
        scores = self._scores(X)
        return {a: self._responses(scores, a) for a in values}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


class LatentVariableRegressor(RegressorMixin, MultiOutputMixin, LatentVariableModel):
    """Regressor template: ``fit``, ``predict`` and ``predict_nested`` (private)."""

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.

        Returns
        -------
        self
            The fitted estimator.
        """
        return self._fit_latent(X, y)

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predict targets, ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions, 1-D when the model was fitted on a 1-D ``y``.
        """
        predictions = self._predict_raw(X)
        return predictions.ravel() if self._predict_1d else predictions

    def predict_nested(self, X: ArrayLike, values: Iterable[int]) -> dict[int, NDArray[np.float64]]:
        """Predictions of the models with fewer components, from this one fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        values : iterable of int
            Numbers of components, each in ``[1, n_components]``.

        Returns
        -------
        dict of int to ndarray
            For each value ``a``, what ``predict`` of the same estimator fitted with
            ``n_components=a`` returns (see the module docstring for the protocol).
        """
        predictions = self._nested_responses(X, values)
        if self._predict_1d:
            return {a: pred.ravel() for a, pred in predictions.items()}
        return predictions
