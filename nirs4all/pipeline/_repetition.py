"""Splitting a dataset whose samples were scanned several times (its repetition column).

When the dataset declares a repetition column, every splitter keeps the repetitions of one
sample on the same side: a group splitter receives the sample ids as ``groups``; any other
splitter is wrapped in :class:`~nirs4all.operators.splitters.GroupedSplitter`, which splits
one representative per sample. Splitters whose folds are tied to single rows are refused,
with the grouped splitter to use instead.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from nirs4all.data._repetition import repetition_groups
from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import SpecError

__all__ = ["GROUP_SPLITTERS", "ROW_SPLITTERS", "split_groups"]

logger = logging.getLogger("nirs4all.pipeline.execute")

GROUP_SPLITTERS = frozenset({
    "GroupKFold", "GroupShuffleSplit", "LeaveOneGroupOut", "LeavePGroupsOut",
    "StratifiedGroupKFold", "GroupedSplitter", "BinnedStratifiedGroupKFold", "SPXYGFold",
})
#: Splitters tied to single rows or to row order, and the grouped splitter to use instead.
ROW_SPLITTERS = {
    "LeaveOneOut": "LeaveOneGroupOut()",
    "LeavePOut": "LeavePGroupsOut(n_groups=p)",
    "TimeSeriesSplit": "GroupKFold(n_splits=k)",
    "PredefinedSplit": "a fold file whose folds keep each sample's repetitions together",
}


def _wrap(splitter: Any) -> Any:
    from nirs4all.operators.splitters import GroupedSplitter

    return GroupedSplitter(splitter)


def split_groups(dataset: SpectroDataset, splitter: Any, group: str | None, path: str,
                 train: np.ndarray) -> tuple[Any, np.ndarray | None]:
    """The splitter to use and the groups of the training rows it splits.

    ``group`` is the step's own group column (``{"split": S, "group": "lot"}``); with a
    repetition column as well, each sample's scans must share one group value.
    """
    metadata, name = dataset.metadata, type(splitter).__name__
    repetition = dataset.repetition
    if group is not None and group not in metadata:
        raise SpecError(f"{path}: group column {group!r} is not in the metadata; columns are "
                        f"{sorted(metadata)}")
    if repetition is None:
        if group is None:
            return splitter, None
        return (splitter if name in GROUP_SPLITTERS else _wrap(splitter)), \
            metadata[group][train]
    if name in ROW_SPLITTERS:
        raise SpecError(f"{path}: {name} splits single rows, so it would separate the "
                        f"repetitions of a sample (dataset {dataset.name!r} declares "
                        f"repetition={repetition!r}); use {ROW_SPLITTERS[name]}")
    samples = repetition_groups(metadata[repetition][train])
    groups = samples
    if group is not None:
        groups = metadata[group][train]
        labels = np.asarray(groups).astype(str)
        per_sample = {s: set(labels[samples == s]) for s in np.unique(samples)}
        split = [s for s, values in per_sample.items() if len(values) > 1]
        if split:
            raise SpecError(f"{path}: group column {group!r} gives different values to the "
                            f"repetitions of {len(split)} sample(s) of {repetition!r}; a "
                            "sample's scans must share one group")
    logger.info("%s: repetitions of each sample (column %r) kept on one side of every split "
                "(%d samples, %d scans)", path, repetition, int(samples.max()) + 1,
                samples.size, extra={"step": path, "repetition": repetition})
    return (splitter if name in GROUP_SPLITTERS else _wrap(splitter)), groups
