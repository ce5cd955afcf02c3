"""Shared parts of the single-split splitters: parameters, checks and the split protocol."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from numbers import Integral

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_array

__all__ = ["SingleSplitter", "check_n_splits", "check_targets", "warn_groups_ignored"]


def warn_groups_ignored(owner: str, groups: object) -> None:
    """Say that ``owner`` ignores groups and how to keep them together."""
    if groups is not None:
        warnings.warn(
            f"{owner} ignores groups; wrap it in GroupedSplitter to keep the rows of a "
            "group on the same side",
            UserWarning,
            stacklevel=3,
        )


def check_targets(y: object, n_rows: int, owner: str) -> np.ndarray:
    """One finite float target per row (a single column), as a 1D array."""
    if y is None:
        raise ValueError(f"{owner}.split needs y: the split is driven by the target values")
    targets = check_array(y, dtype=np.float64, ensure_2d=False)
    if targets.ndim == 2 and targets.shape[1] == 1:
        targets = targets[:, 0]
    if targets.ndim != 1:
        raise ValueError(
            f"{owner}.split: y must be one target column, got shape {targets.shape}; "
            "pass the column the split should follow"
        )
    if targets.shape[0] != n_rows:
        raise ValueError(f"{owner}.split: y has {targets.shape[0]} rows but X has {n_rows}")
    return targets


def check_n_splits(n_splits: object, owner: str) -> int:
    """``n_splits`` as an int >= 2."""
    if isinstance(n_splits, bool) or not isinstance(n_splits, Integral) or n_splits < 2:
        raise ValueError(f"{owner}: n_splits must be an int >= 2, got {n_splits!r}")
    return int(n_splits)


class SingleSplitter(BaseCrossValidator):
    """A splitter yielding one ``(train, test)`` pair chosen by :meth:`_train_rows`."""

    def get_n_splits(self, X: object = None, y: object = None, groups: object = None) -> int:
        """Return 1: the splitter yields a single calibration / test split."""
        return 1

    def _train_rows(self, X: np.ndarray, y: object) -> np.ndarray:
        raise NotImplementedError  # abstract hook: each splitter chooses its training rows

    def split(
        self, X: object, y: object = None, groups: object = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield one ``(train, test)`` pair of sorted row indices.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra; must be finite.
        y : array-like of shape (n_samples,), optional
            Targets (required by the splitters driven by the target).
        groups : ignored
            Wrap the splitter in :class:`GroupedSplitter` to keep groups together; a
            ``UserWarning`` says so when groups are given.
        """
        warn_groups_ignored(type(self).__name__, groups)
        X = check_array(X, dtype=np.float64)
        is_train = np.zeros(X.shape[0], dtype=bool)
        is_train[self._train_rows(X, y)] = True
        yield np.flatnonzero(is_train), np.flatnonzero(~is_train)
