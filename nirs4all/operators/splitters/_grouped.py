"""Group-aware wrapper: split one representative per group, then expand back to rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_array
from sklearn.utils.metadata_routing import get_routing_for_object

__all__ = ["GroupedSplitter"]

_AGGREGATIONS = ("mean", "median")
_Y_AGGREGATIONS = (*_AGGREGATIONS, "mode")


def _aggregate(values: np.ndarray, group_of_row: np.ndarray, n_groups: int, how: str) -> np.ndarray:
    """Per-group mean, median or mode of ``values`` (rows), in group order."""
    order = np.argsort(group_of_row, kind="stable")
    starts = np.searchsorted(group_of_row[order], np.arange(n_groups))
    ordered = values[order]
    if how == "mean":
        sums = np.add.reduceat(ordered, starts, axis=0)
        counts = np.diff(np.append(starts, len(order)))
        return sums / counts.reshape((-1,) + (1,) * (values.ndim - 1))
    chunks = np.split(ordered, starts[1:])
    if how == "median":
        return np.stack([np.median(chunk, axis=0) for chunk in chunks])
    modes = []
    for chunk in chunks:
        labels, counts = np.unique(chunk, return_counts=True, axis=0 if chunk.ndim > 1 else None)
        modes.append(labels[np.argmax(counts)])  # np.unique sorts: ties go to the lowest label
    return np.stack(modes)


def _consumes_groups(splitter: object) -> bool:
    """Whether ``splitter.split`` uses ``groups`` (asked through scikit-learn's routing).

    Splitters that do not support routing get ``groups`` anyway, as they always did.
    """
    if not hasattr(splitter, "get_metadata_routing"):
        return True
    return bool(get_routing_for_object(splitter).consumes(method="split", params=["groups"]))


class GroupedSplitter(BaseCrossValidator):
    """Wrap any scikit-learn splitter so that rows sharing a group label stay together.

    Rows are aggregated into one representative per group (the mean or median spectrum and
    target), in sorted order of the unique group labels; the wrapped splitter splits the
    representatives, and each group's rows follow it to the train or the test side. Use it
    for repeated scans of one physical sample, so that no sample is on both sides.

    Sizes such as ``test_size`` or ``n_splits`` of the wrapped splitter count groups, not
    rows. Group splitters (``GroupKFold`` ...) receive ``groups=np.arange(n_groups)``, so
    they work too; splitters that ignore groups receive none.

    Parameters
    ----------
    splitter : cross-validator
        Any object with ``split(X, y, groups)`` and ``get_n_splits(X, y, groups)``: ``KFold``,
        ``ShuffleSplit``, ``StratifiedKFold``, :class:`KennardStone` ... Give random splitters
        an int ``random_state``: with a ``RandomState`` instance every call splits differently.
    aggregation : {"mean", "median"}, default="mean"
        How the spectra of a group are reduced to its representative.
    y_aggregation : {"mean", "median", "mode"}, optional
        How the targets of a group are reduced. By default, floating-point targets use
        ``aggregation`` and every other dtype (integer or string class labels) the most
        frequent value of the group, ties going to the lowest label.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import KFold
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> sample_ids = [0, 0, 1, 1, 2, 2]
    >>> cv = GroupedSplitter(KFold(n_splits=3))
    >>> [test.tolist() for _, test in cv.split(X, groups=sample_ids)]
    [[0, 1], [2, 3], [4, 5]]
    """

    # Ask scikit-learn's metadata routing to pass ``groups`` to ``split``.
    __metadata_request__split: ClassVar[dict[str, bool]] = {"groups": True}

    def __init__(
        self, splitter: object, aggregation: str = "mean", y_aggregation: str | None = None
    ) -> None:
        self.splitter = splitter
        self.aggregation = aggregation
        self.y_aggregation = y_aggregation

    def _check_params(self) -> None:
        if not (hasattr(self.splitter, "split") and hasattr(self.splitter, "get_n_splits")):
            raise TypeError(
                "GroupedSplitter: splitter must have split() and get_n_splits() methods, "
                f"got {self.splitter!r}"
            )
        if self.aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"GroupedSplitter: aggregation must be one of {_AGGREGATIONS}, "
                f"got {self.aggregation!r}"
            )
        if self.y_aggregation is not None and self.y_aggregation not in _Y_AGGREGATIONS:
            raise ValueError(
                f"GroupedSplitter: y_aggregation must be None or one of {_Y_AGGREGATIONS}, "
                f"got {self.y_aggregation!r}"
            )

    @staticmethod
    def _group_index(groups: object, n_rows: int | None) -> tuple[np.ndarray, int]:
        if groups is None:
            raise ValueError(
                "GroupedSplitter.split needs groups: one group label per row of X "
                "(for instance the sample id shared by repeated scans)"
            )
        labels = np.asarray(groups)
        if labels.ndim != 1 or (n_rows is not None and labels.shape[0] != n_rows):
            raise ValueError(
                f"GroupedSplitter: groups must be 1D with one label per row of X ({n_rows} "
                f"rows), got shape {labels.shape}"
            )
        unique, group_of_row = np.unique(labels, return_inverse=True)
        return group_of_row, len(unique)

    def _y_method(self, y: np.ndarray) -> str:
        if self.y_aggregation is not None:
            return self.y_aggregation
        return self.aggregation if y.dtype.kind == "f" else "mode"

    def split(
        self, X: object, y: object = None, groups: object = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` row indices, each group wholly on one side.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra (non-finite values are passed on to the wrapped splitter).
        y : array-like of shape (n_samples,) or (n_samples, n_targets), optional
            Targets, aggregated per group for splitters that use them.
        groups : array-like of shape (n_samples,)
            Group label of each row. Required.
        """
        self._check_params()
        features = check_array(X, ensure_all_finite=False)
        group_of_row, n_groups = self._group_index(groups, features.shape[0])
        representatives = _aggregate(features, group_of_row, n_groups, self.aggregation)
        group_y = None
        if y is not None:
            targets = np.asarray(y)
            if targets.shape[0] != features.shape[0]:
                raise ValueError(
                    f"GroupedSplitter: y has {targets.shape[0]} rows but X has {features.shape[0]}"
                )
            group_y = _aggregate(targets, group_of_row, n_groups, self._y_method(targets))
        group_ids = np.arange(n_groups) if _consumes_groups(self.splitter) else None
        for train_groups, test_groups in self.splitter.split(representatives, group_y, group_ids):
            in_train = np.zeros(n_groups, dtype=bool)
            in_train[train_groups] = True
            in_test = np.zeros(n_groups, dtype=bool)
            in_test[test_groups] = True
            yield np.flatnonzero(in_train[group_of_row]), np.flatnonzero(in_test[group_of_row])

    def get_n_splits(self, X: object = None, y: object = None, groups: object = None) -> int:
        """Number of splits of the wrapped splitter, which sees one row per group.

        Without ``groups`` the call is passed on unchanged, which suffices for splitters whose
        count does not depend on the data (``KFold``, ``ShuffleSplit``, :class:`KennardStone`).
        """
        self._check_params()
        if groups is None:
            return self.splitter.get_n_splits(X, y, groups)
        _, n_groups = self._group_index(groups, None)
        # Stand-ins with one row per group: only their length matters for counting.
        group_ids = np.arange(n_groups) if _consumes_groups(self.splitter) else None
        return self.splitter.get_n_splits(np.zeros((n_groups, 1)), None, group_ids)
