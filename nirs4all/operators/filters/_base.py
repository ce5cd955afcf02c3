"""The sample-filter protocol shared by ``exclude``, ``tag`` and ``by_filter``.

A filter is a scikit-learn estimator that learns, on training rows, a rule telling which
samples are unusual, and applies that rule to any rows:

- ``fit(X, y=None, *, metadata=None) -> self``;
- ``get_mask(X, y=None, *, metadata=None) -> ndarray of bool``, shape ``(n_samples,)``,
  ``True`` for a sample that is KEPT (not flagged);
- ``reason``: a human sentence naming the method and its threshold;
- ``tag_name``: the name of the tag its flags are stored under (a constructor parameter
  whose default derives from the class: ``"y_outlier"``, ``"x_outlier"`` ...).

``metadata`` maps a column name to a 1-D array aligned with the rows of ``X``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["SampleFilter", "check_fraction", "column_of"]


def check_fraction(name: str, value: float, owner: str) -> float:
    """``value`` as a float in the open interval (0, 1), or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or \
            not 0.0 < float(value) < 1.0:
        raise ValueError(f"{owner}: {name} must be a number strictly between 0 and 1; got "
                         f"{value!r}")
    return float(value)


def column_of(metadata: Mapping[str, Any] | None, column: str, n_rows: int,
              owner: str) -> np.ndarray:
    """The metadata column ``column`` as a 1-D array of ``n_rows`` values."""
    if metadata is None:
        raise ValueError(f"{owner}: needs metadata with a column {column!r}; pass "
                         "metadata={column: values}")
    if column not in metadata:
        raise ValueError(f"{owner}: metadata has no column {column!r}; columns are "
                         f"{sorted(metadata)}")
    values = np.asarray(metadata[column])
    if values.ndim != 1 or values.shape[0] != n_rows:
        raise ValueError(f"{owner}: metadata column {column!r} has shape {values.shape}; "
                         f"expected ({n_rows},), one value per row of X")
    return values


class SampleFilter(BaseEstimator, ABC):
    """Base class of the sample filters: validation and the fitted-state check.

    Subclasses implement ``_fit(X, y, metadata)`` and ``_kept(X, y, metadata) -> bool
    array``, and a ``reason`` property. ``X`` reaches them as a 2-D float64 array.
    """

    #: Whether ``fit`` needs a target.
    _needs_y = False

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = self._needs_y
        return tags

    def _validate(self, X: ArrayLike, y: ArrayLike | None, *, reset: bool,
                  ) -> tuple[np.ndarray, np.ndarray | None]:
        allow_nan = self.__sklearn_tags__().input_tags.allow_nan
        finite = not allow_nan  # a filter that judges NaN judges infinities too
        if self._needs_y and reset:
            X, y = validate_data(self, X, y, reset=True, dtype=np.float64,
                                 ensure_all_finite=finite, multi_output=True,
                                 y_numeric=True)
            return X, np.asarray(y, dtype=np.float64)
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=finite)
        if y is not None:
            y = np.asarray(y)
            if y.shape[0] != X.shape[0]:
                raise ValueError(f"{type(self).__name__}: y has {y.shape[0]} rows but X has "
                                 f"{X.shape[0]}")
        return X, y

    def fit(self, X: ArrayLike, y: ArrayLike | None = None, *,
            metadata: Mapping[str, Any] | None = None) -> SampleFilter:
        """Learn the filter's rule on training rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets), optional
        metadata : mapping of str to array-like, optional
            Columns aligned with the rows of ``X``.

        Returns
        -------
        self
        """
        X, y = self._validate(X, y, reset=True)
        self._fit(X, y, metadata)
        self.n_samples_fit_ = X.shape[0]
        return self

    def get_mask(self, X: ArrayLike, y: ArrayLike | None = None, *,
                 metadata: Mapping[str, Any] | None = None) -> np.ndarray:
        """Which rows are kept by the fitted rule.

        Returns
        -------
        ndarray of bool, shape (n_samples,)
            ``True`` for a kept sample, ``False`` for a flagged one.
        """
        check_is_fitted(self, "n_samples_fit_")
        X, y = self._validate(X, y, reset=False)
        kept = np.asarray(self._kept(X, y, metadata), dtype=bool)
        if kept.shape != (X.shape[0],):  # a subclass bug, never the caller's
            raise AssertionError(f"{type(self).__name__} returned a mask of shape "
                                 f"{kept.shape} for {X.shape[0]} rows")
        return kept

    # Abstract: each filter is one rule, so there is no sensible default for either hook.
    @abstractmethod
    def _fit(self, X: np.ndarray, y: np.ndarray | None,
             metadata: Mapping[str, Any] | None) -> None:
        """Learn the rule's parameters (ending in ``_``) from training rows."""

    @abstractmethod
    def _kept(self, X: np.ndarray, y: np.ndarray | None,
              metadata: Mapping[str, Any] | None) -> np.ndarray:
        """The boolean keep-mask of the rows of ``X`` under the learned rule."""

    @property
    @abstractmethod
    def reason(self) -> str:
        """Why a flagged sample was flagged: the method and its threshold, in words."""
