"""Stratification of a continuous target: bin ``y``, then split stratified on the bins."""

from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.model_selection import (
    BaseCrossValidator,
    StratifiedGroupKFold,
    StratifiedShuffleSplit,
)
from sklearn.utils import check_array

from nirs4all.operators.splitters._kennard_stone import _n_test
from nirs4all.operators.splitters._single import (
    SingleSplitter,
    check_n_splits,
    check_targets,
)

__all__ = ["BinnedStratifiedGroupKFold", "KBinsStratifiedSplitter", "bin_targets"]

_STRATEGIES = ("uniform", "quantile")


def bin_targets(y: np.ndarray, n_bins: object, strategy: str, owner: str) -> np.ndarray:
    """Bin index (0 ..) of each target: equal-width or equal-count bins.

    ``"uniform"`` cuts ``[min y, max y]`` into ``n_bins`` equal widths; ``"quantile"`` cuts
    at the ``100 k / n_bins`` percentiles (linear interpolation), merging bins narrower
    than 1e-8. A value on an inner edge goes to the upper bin. These are the bins of
    scikit-learn's ``KBinsDiscretizer(encode="ordinal")`` (``quantile_method="linear"``).
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, Integral) or n_bins < 2:
        raise ValueError(f"{owner}: n_bins must be an int >= 2, got {n_bins!r}")
    if strategy not in _STRATEGIES:
        raise ValueError(f"{owner}: strategy must be one of {_STRATEGIES}, got {strategy!r}")
    if strategy == "uniform":
        edges = np.linspace(y.min(), y.max(), int(n_bins) + 1)
    else:
        # Percentiles, not quantiles: the two differ by a rounding at some edges.
        edges = np.percentile(y, np.linspace(0.0, 100.0, int(n_bins) + 1))
        edges = edges[np.ediff1d(edges, to_begin=np.inf) > 1e-8]
    return np.searchsorted(edges[1:-1], y, side="right")


def _least_populated(bins: np.ndarray, needed: int, owner: str) -> None:
    counts = np.bincount(bins)
    counts = counts[counts > 0]
    if counts.min() < needed:
        raise ValueError(
            f"{owner}: the least populated bin of y has {counts.min()} row(s), fewer than "
            f"the {needed} needed; lower n_bins or use strategy='quantile'"
        )


class KBinsStratifiedSplitter(SingleSplitter):
    """Random calibration / test split stratified on bins of a continuous target.

    ``y`` is cut into ``n_bins`` bins (equal-width for ``strategy="uniform"``, equal-count
    for ``"quantile"``), and :class:`sklearn.model_selection.StratifiedShuffleSplit` draws
    one split in which every bin keeps its share of rows on both sides. The test set thus
    covers the range of the target like the training set does.

    Parameters
    ----------
    test_size : float or int, default=0.25
        Fraction of rows in the test set (rounded up) when a float in (0, 1), or the number
        of test rows when an int. At least two rows stay in the training set.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw. An int gives the same split on every call.
    n_bins : int, default=10
        Number of bins (>= 2). Each must hold at least two rows.
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width or equal-count bins.
    """

    def __init__(
        self,
        test_size: float | int = 0.25,
        random_state: int | np.random.RandomState | None = None,
        n_bins: int = 10,
        strategy: str = "uniform",
    ) -> None:
        self.test_size = test_size
        self.random_state = random_state
        self.n_bins = n_bins
        self.strategy = strategy

    def _train_rows(self, X: np.ndarray, y: object) -> np.ndarray:
        n = X.shape[0]
        n_test = _n_test(self.test_size, n, "KBinsStratifiedSplitter")
        targets = check_targets(y, n, "KBinsStratifiedSplitter")
        bins = bin_targets(targets, self.n_bins, self.strategy, "KBinsStratifiedSplitter")
        _least_populated(bins, 2, "KBinsStratifiedSplitter")
        inner = StratifiedShuffleSplit(n_splits=1, test_size=n_test, random_state=self.random_state)
        train, _ = next(inner.split(X, bins))
        return train


class BinnedStratifiedGroupKFold(BaseCrossValidator):
    """Group k-fold stratified on bins of a continuous target.

    ``y`` is cut into ``n_bins`` bins (see :class:`KBinsStratifiedSplitter`) and
    :class:`sklearn.model_selection.StratifiedGroupKFold` makes ``n_splits`` folds in
    which every group is wholly in one fold and every bin keeps about its share of rows.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (>= 2).
    n_bins : int, default=10
        Number of bins (>= 2).
    strategy : {"uniform", "quantile"}, default="quantile"
        Equal-width or equal-count bins.
    shuffle : bool, default=False
        Shuffle the groups before they are dealt to folds.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle (only used with ``shuffle=True``).

    References
    ----------
    scikit-learn's ``StratifiedGroupKFold`` (greedy assignment of groups to the fold that
    least increases the spread of the class distribution).
    """

    # Ask scikit-learn's metadata routing to pass ``groups`` to ``split``.
    __metadata_request__split: ClassVar[dict[str, bool]] = {"groups": True}

    def __init__(
        self,
        n_splits: int = 5,
        n_bins: int = 10,
        strategy: str = "quantile",
        shuffle: bool = False,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.n_splits = n_splits
        self.n_bins = n_bins
        self.strategy = strategy
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X: object = None, y: object = None, groups: object = None) -> int:
        """Return ``n_splits``."""
        return check_n_splits(self.n_splits, "BinnedStratifiedGroupKFold")

    def split(
        self, X: object, y: object = None, groups: object = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``n_splits`` ``(train, test)`` pairs, each group wholly on one side.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Continuous target, binned for stratification. Required.
        groups : array-like of shape (n_samples,)
            Group label of each row. Required.
        """
        owner = "BinnedStratifiedGroupKFold"
        n_splits = check_n_splits(self.n_splits, owner)
        X = check_array(X, ensure_all_finite=False)
        if groups is None:
            raise ValueError(f"{owner}.split needs groups: one group label per row of X")
        targets = check_targets(y, X.shape[0], owner)
        bins = bin_targets(targets, self.n_bins, self.strategy, owner)
        if np.bincount(bins).max() < n_splits:
            raise ValueError(
                f"{owner}: every bin of y has fewer than n_splits={n_splits} rows; lower "
                "n_bins or n_splits"
            )
        inner = StratifiedGroupKFold(
            n_splits=n_splits,
            shuffle=bool(self.shuffle),
            random_state=self.random_state if self.shuffle else None,
        )
        yield from inner.split(X, bins, groups)
