"""Centring, scaling and coefficient bookkeeping shared by the latent-variable regressors."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import validate_data

from nirs4all.operators.models._latent import _centre_scale

__all__ = [
    "center_scale",
    "check_components",
    "fitted_coefficients",
    "shaped_prediction",
    "validate_regression_data",
]


def validate_regression_data(
    estimator: Any, X: ArrayLike, y: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate float ``X`` and numeric ``y`` for ``fit``; return X and y as a 2-D array.

    Records whether ``y`` was 1-D, so that :func:`shaped_prediction` answers in kind.
    """
    X, y = validate_data(
        estimator, X, y, dtype=np.float64, multi_output=True, y_numeric=True, ensure_min_samples=2
    )
    estimator._predict_1d = y.ndim == 1
    return X, y.reshape(X.shape[0], -1)


def shaped_prediction(estimator: Any, predicted: NDArray[np.float64]) -> NDArray[np.float64]:
    """Predictions of shape (n,) when the estimator was fitted on a 1-D y, else (n, q)."""
    return predicted[:, 0] if estimator._predict_1d else predicted


def center_scale(
    estimator: object, X: NDArray[np.float64], Y: NDArray[np.float64], scale: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Store ``x_mean_``, ``x_scale_``, ``y_mean_``, ``y_scale_``; return the processed X, Y.

    Scales are standard deviations with ddof=1 (constant columns keep scale 1) when
    ``scale``, else ones. The processed data are ``(X - x_mean_) / x_scale_`` and the same
    for Y.
    """
    Xp, Yp = np.array(X, dtype=np.float64), np.array(Y, dtype=np.float64)
    estimator.x_mean_, estimator.x_scale_ = _centre_scale(Xp, scale)
    estimator.y_mean_, estimator.y_scale_ = _centre_scale(Yp, scale)
    return Xp, Yp


def check_components(estimator: object, shape: tuple[int, int], value: int, name: str) -> None:
    """Raise if ``value`` components exceed the rank bound of centred data of ``shape``."""
    n_samples, n_features = shape
    bound = min(n_samples - 1, n_features)
    if value > bound:
        raise ValueError(
            f"{type(estimator).__name__}: {name}={value} exceeds min(n_samples - 1, "
            f"n_features) = {bound} for {n_samples} sample(s) and {n_features} feature(s); "
            f"lower {name}"
        )


def fitted_coefficients(
    estimator: object, x_rotations: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``coef_`` (n_targets, n_features) and ``intercept_`` in the units of X and Y.

    On processed data ``Y = X R Q'``; undoing the scaling and the centring gives
    ``Y = X coef_' + intercept_``.
    """
    processed = x_rotations @ estimator.y_loadings_.T
    coef = (processed * estimator.y_scale_).T / estimator.x_scale_
    return coef, estimator.y_mean_ - estimator.x_mean_ @ coef.T
