"""Discretisation of continuous values into integer classes (regression to classification)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.preprocessing import KBinsDiscretizer
from sklearn.utils.validation import check_is_fitted

from nirs4all.operators.transforms._transformer import (
    SpectralTransformer,
    check_choice,
    check_int,
)

__all__ = ["IntegerKBinsDiscretizer", "RangeDiscretizer"]

KBINS_STRATEGIES = ("uniform", "quantile", "kmeans")


class _IntegerOutput(SpectralTransformer):
    """Transforms whose output is integer class codes (their dtype is not preserved)."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


class IntegerKBinsDiscretizer(_IntegerOutput):
    """Bin every column into ``n_bins`` intervals and return the bin numbers as integers.

    ``x_j -> k`` such that ``e_jk <= x_j < e_j(k+1)``, with edges ``e_j`` learned from the
    training values of column ``j``: equal widths (``"uniform"``), quantiles (``"quantile"``,
    linear-interpolated percentiles) or 1D k-means centres (``"kmeans"``), as computed by
    :class:`sklearn.preprocessing.KBinsDiscretizer` with ordinal encoding; values beyond the
    training range fall in the first or last bin. Used on targets, it turns a regression
    into a classification with ``n_bins`` ordered classes (Dougherty, Kohavi & Sahami 1995).

    Parameters
    ----------
    n_bins : int, default=5
        Number of bins, >= 2. Bins of zero width (repeated quantiles) are removed, so a
        column may have fewer.
    strategy : {"uniform", "quantile", "kmeans"}, default="quantile"

    Attributes
    ----------
    bin_edges_ : ndarray of ndarray
        Edges of each column.
    n_bins_ : ndarray of int
        Bins of each column.
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Dougherty, J., Kohavi, R. & Sahami, M. (1995). Supervised and unsupervised
    discretization of continuous features. Proceedings of ICML 1995, 194-202.
    """

    def __init__(self, n_bins: int = 5, strategy: str = "quantile") -> None:
        self.n_bins = n_bins
        self.strategy = strategy

    def _check_params(self) -> None:
        check_int(self, "n_bins", 2)
        check_choice(self, "strategy", KBINS_STRATEGIES)

    def _fit(self, X: np.ndarray, y: Any) -> None:
        options: dict[str, Any] = {"subsample": None}
        if self.strategy == "quantile":
            options["quantile_method"] = "linear"
        self.kbins_ = KBinsDiscretizer(
            n_bins=self.n_bins, encode="ordinal", strategy=self.strategy, **options
        ).fit(X.astype(np.float64, copy=False))
        self.bin_edges_ = self.kbins_.bin_edges_
        self.n_bins_ = self.kbins_.n_bins_

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return self.kbins_.transform(X.astype(np.float64, copy=False)).astype(np.int64)

    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """Return the centre of the bin of each code."""
        check_is_fitted(self)
        return self.kbins_.inverse_transform(np.asarray(X, dtype=np.float64))


class RangeDiscretizer(_IntegerOutput):
    """Number each value by the interval of fixed edges it falls in.

    ``x -> k`` with ``bins[k-1] <= x < bins[k]``: 0 below the first edge, ``len(bins)``
    from the last one on, the same edges for every column (:func:`numpy.digitize`). The
    edges are given, not learned: ``bins=[10, 20]`` makes the classes ``< 10``,
    ``10-20`` and ``>= 20``.

    Parameters
    ----------
    bins : sequence of float, optional
        Strictly increasing finite edges. None (the default) gives no edge: every value
        is class 0.

    Attributes
    ----------
    edges_ : ndarray of shape (n_edges,)
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, bins: ArrayLike | None = None) -> None:
        self.bins = bins

    def _check_params(self) -> None:
        edges = np.asarray([] if self.bins is None else self.bins, dtype=np.float64)
        if edges.ndim != 1 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
            raise ValueError(
                f"RangeDiscretizer: bins must be strictly increasing finite numbers; "
                f"got {self.bins!r}"
            )

    def _fit(self, X: np.ndarray, y: Any) -> None:
        self.edges_ = np.asarray([] if self.bins is None else self.bins, dtype=np.float64)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return np.digitize(X, self.edges_).astype(np.int64, copy=False)
