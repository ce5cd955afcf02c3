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
from nirs4all.pipeline.metrics import score_all

__all__ = ["AGGREGATIONS", "GROUP_SPLITTERS", "ROW_SPLITTERS", "aggregate", "sample_scores",
           "split_groups"]

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


def _check_fold_file(dataset: SpectroDataset, splitter: Any, path: str,
                     train: np.ndarray) -> None:
    if dataset.repetition is None:
        return
    samples = np.asarray(dataset.metadata[dataset.repetition])[train].astype(str).tolist()
    for _, held in splitter.split(train, groups=dataset.sample_ids[train]):
        held_set = set(held.tolist())
        inside = {samples[i] for i in held_set}
        both = sorted(inside & {s for i, s in enumerate(samples) if i not in held_set})
        if both:
            raise SpecError(f"{path}: the fold file puts the repetitions of sample "
                            f"{both[0]!r} ({dataset.repetition!r}) in different folds")


def split_groups(dataset: SpectroDataset, splitter: Any, group: str | None, path: str,
                 train: np.ndarray) -> tuple[Any, np.ndarray | None]:
    """The splitter to use and the groups of the training rows it splits.

    ``group`` is the step's own group column (``{"split": S, "group": "lot"}``); with a
    repetition column as well, each sample's scans must share one group value.
    """
    metadata, name = dataset.metadata, type(splitter).__name__
    repetition = dataset.repetition
    if name == "FoldAssignment":  # a fold file names samples: it takes their ids
        _check_fold_file(dataset, splitter, path, train)
        return splitter, dataset.sample_ids[train]
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


AGGREGATIONS = ("mean", "median", "vote", "proba_mean")


def _outlying(values: np.ndarray, confidence: float) -> np.ndarray:
    """Repetitions whose Hotelling T² within their sample exceeds the in-sample limit
    ``(r-1)²/r · Beta(confidence; p/2, (r-p-1)/2)`` (Tracy, Young & Mason 1992, J. Qual.
    Technol. 24, 88). Samples with ``r <= p + 1`` repetitions keep every one."""
    r, p = values.shape
    if r <= p + 1:
        return np.zeros(r, dtype=bool)
    from scipy import stats

    centred = values - values.mean(axis=0)
    t2 = np.einsum("ij,jk,ik->i", centred, np.linalg.pinv(np.cov(values, rowvar=False,
                                                                 ddof=1).reshape(p, p)),
                   centred)
    return t2 > (r - 1) ** 2 / r * stats.beta.ppf(confidence, p / 2, (r - p - 1) / 2)


def aggregate(samples: np.ndarray, y_pred: np.ndarray, y_proba: np.ndarray | None = None,
              *, method: str = "mean", classes: np.ndarray | None = None,
              exclude_outliers: bool = False, confidence: float = 0.95,
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Predictions of the scans of each sample reduced to one per sample.

    Parameters
    ----------
    samples : ndarray of shape (n_scans,)
        The sample id of each scan.
    y_pred : ndarray of shape (n_scans,) or (n_scans, n_targets)
    y_proba : ndarray of shape (n_scans, n_classes), optional
    method : {"mean", "median", "vote", "proba_mean"}
        ``vote``: the most frequent label (ties to the smallest); ``proba_mean``: the class
        of the largest mean probability (``classes`` in the columns' order).
    exclude_outliers : bool
        Drop the repetitions whose predictions are Hotelling-T² outliers within their
        sample (:func:`_outlying`) before reducing (``mean``/``median``).

    Returns
    -------
    ids, y_pred, y_proba : the sorted sample ids and their aggregated predictions.
    """
    if method not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}; got {method!r}")
    if method == "proba_mean" and (y_proba is None or classes is None):
        raise ValueError("aggregation 'proba_mean' needs class probabilities")
    ids, inverse = np.unique(np.asarray(samples).astype(str), return_inverse=True)
    preds, probas = [], []
    for g in range(ids.size):
        rows = np.flatnonzero(inverse == g)
        values = y_pred[rows]
        if method in ("mean", "median"):
            numeric = np.asarray(values, dtype=np.float64).reshape(rows.size, -1)
            if exclude_outliers:
                numeric = numeric[~_outlying(numeric, confidence)]
            reduced = numeric.mean(axis=0) if method == "mean" else np.median(numeric, axis=0)
            preds.append(reduced if np.ndim(y_pred) == 2 else reduced[0])
        elif method == "vote":
            labels, counts = np.unique(values, return_counts=True)
            preds.append(labels[np.argmax(counts)])
        if y_proba is not None:
            probas.append(y_proba[rows].mean(axis=0))
        if method == "proba_mean":
            preds.append(np.asarray(classes)[int(np.argmax(probas[-1]))])
    return ids, np.asarray(preds), None if y_proba is None else np.vstack(probas)


def sample_scores(dataset: SpectroDataset, rows: np.ndarray, pred: tuple) -> dict[str, float]:
    """``<metric>@sample`` scores: the metrics on predictions aggregated per sample.

    Regression predictions are averaged (``mean``); classifiers vote, or average their
    probabilities when they give them (``proba_mean``). Empty without a repetition column.
    """
    if dataset.repetition is None or rows.size == 0:
        return {}
    samples = np.asarray(dataset.metadata[dataset.repetition])[rows]
    regression = dataset.task == "regression"
    method = "mean" if regression else ("proba_mean" if pred[1] is not None else "vote")
    _, y_pred, y_proba = aggregate(samples, pred[0], pred[1], method=method,
                                     classes=dataset.classes)
    _, y_true, _ = aggregate(samples, dataset.y[rows],
                             method="mean" if regression else "vote")
    labels = None if dataset.classes is None else list(dataset.classes)
    scores = score_all(dataset.task, y_true, y_pred, y_proba, labels=labels)
    return {f"{name}@sample": value for name, value in scores.items()}
