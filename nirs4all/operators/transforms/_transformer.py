"""Fit/transform template of the transforms of this package, and parameter checks."""

from __future__ import annotations

import inspect
import numbers
import warnings
from collections.abc import Collection
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from nirs4all.operators.transforms._base import WavelengthAwareMixin

__all__ = [
    "FLOAT_DTYPES",
    "SpectralTransformer",
    "check_choice",
    "check_int",
    "check_positive",
    "warn_caller",
]

FLOAT_DTYPES = (np.float64, np.float32)


def warn_caller(message: str, category: type[Warning]) -> None:
    """Issue a warning located at the first caller outside this package and scikit-learn."""
    # scikit-learn wraps transform methods, and its pipelines call them (through joblib).
    internal = (__name__.rpartition(".")[0], "sklearn.", "joblib.")
    frame = inspect.currentframe()
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(internal):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def check_int(estimator: object, name: str, minimum: int) -> int:
    """Return parameter ``name`` of ``estimator`` as an int, or raise if it is not >= minimum."""
    value = getattr(estimator, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be an integer >= {minimum}; got {value!r}"
        )
    return int(value)


def check_positive(estimator: object, name: str) -> float:
    """Return parameter ``name`` of ``estimator`` as a float, or raise if it is not > 0."""
    value = getattr(estimator, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < np.inf:
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be a positive number; got {value!r}"
        )
    return float(value)


def check_choice(estimator: object, name: str, choices: Collection[Any]) -> Any:
    """Return parameter ``name`` of ``estimator``, or raise if it is not one of ``choices``."""
    value = getattr(estimator, name)
    if value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be one of {allowed}; got {value!r}"
        )
    return value


class SpectralTransformer(WavelengthAwareMixin, TransformerMixin, BaseEstimator):
    """Template of the transforms of this package (private: not exported).

    Subclasses implement ``_transform(X)`` on validated data and, when they learn something,
    ``_fit(X, y)``. ``_check_params()`` validates the constructor parameters first; then
    ``_min_features()`` lets data too narrow for the transform be rejected with
    scikit-learn's standard message.
    """

    #: True when ``_transform`` checks that ``X`` is finite itself (block by block, while the
    #: block is in cache), so that ``transform`` need not read ``X`` once more to check it.
    _finite_in_transform = False

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.requires_fit = True
        return tags

    def _check_params(self) -> None:
        """Raise ``ValueError`` for an invalid constructor parameter."""

    def _min_features(self) -> int:
        return 1

    def _validate_fit(self, X: ArrayLike, y: ArrayLike | None) -> tuple[np.ndarray, Any]:
        X = validate_data(
            self,
            X,
            reset=True,
            dtype=FLOAT_DTYPES,
            ensure_min_features=self._min_features(),
        )
        return X, y

    def _fit(self, X: np.ndarray, y: Any) -> None:
        """Learn from validated ``X``; the axis is already in ``wavelengths_``."""

    def fit(
        self, X: ArrayLike, y: ArrayLike | None = None, wavelengths: ArrayLike | None = None
    ) -> Self:
        """Fit to spectra ``X`` (samples x wavelengths) measured on ``wavelengths``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra, one per row.
        y : array-like, optional
            Targets; ignored by unsupervised transforms.
        wavelengths : array-like of shape (n_features,), optional
            Axis of the columns of ``X``; the index axis when not given.

        Returns
        -------
        self
        """
        self._check_params()
        X, y = self._validate_fit(X, y)
        self._set_wavelengths(wavelengths, X.shape[1])
        self._fit(X, y)
        return self

    def transform(self, X: ArrayLike, wavelengths: ArrayLike | None = None) -> np.ndarray:
        """Transform spectra ``X``; ``wavelengths``, when given, must equal ``wavelengths_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra, one per row.
        wavelengths : array-like of shape (n_features,), optional
            Axis of the columns of ``X``, checked against the axis seen by ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, len(wavelengths_out_))
            A new array of the dtype of ``X`` (float32 stays float32, other types become
            float64).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=FLOAT_DTYPES,
                          ensure_all_finite=not self._finite_in_transform)
        self._check_wavelengths(wavelengths)
        return self._transform(X)

    def fit_transform(
        self, X: ArrayLike, y: ArrayLike | None = None, wavelengths: ArrayLike | None = None
    ) -> np.ndarray:
        """Fit to ``X`` and return it transformed (``X`` is validated once)."""
        self._check_params()
        X, y = self._validate_fit(X, y)
        self._set_wavelengths(wavelengths, X.shape[1])
        return self._fit_transform(X, y)

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        """Fit to validated ``X`` and transform it; override to share work between the two."""
        self._fit(X, y)
        return self._transform(X)
