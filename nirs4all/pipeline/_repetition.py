"""Splitting a dataset whose samples were scanned several times (its repetition column).

When the dataset declares a repetition column, every splitter keeps the repetitions of one
sample on the same side: a group splitter receives the sample ids as ``groups``; any other
splitter is wrapped in :class:`~nirs4all.operators.splitters.GroupedSplitter`, which splits
one representative per sample. Splitters whose folds are tied to single rows are refused,
with the grouped splitter to use instead.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np

from nirs4all.data._repetition import repetition_groups
from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import SpecError
from nirs4all.pipeline.canonical import canonical_json, identity_of_json, short_id
from nirs4all.pipeline.metrics import score_all

__all__ = ["AGGREGATIONS", "DEFAULT_AGGREGATION", "GROUP_SPLITTERS", "ROW_SPLITTERS",
           "SampleAggregation", "aggregate",
           "check_aggregation", "run_spec", "sample_scores", "split_groups", "with_aggregation"]

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


@dataclasses.dataclass(frozen=True)
class SampleAggregation:
    """How the ``<metric>@sample`` scores reduce the predictions of a sample's scans.

    ``method`` None: ``mean`` for regression, ``proba_mean`` for a classifier that gives
    probabilities, else ``vote``. ``exclude_outliers`` drops the scans whose predictions are
    Hotelling-T² outliers within their sample first (``mean`` and ``median``).
    """

    method: str | None = None
    exclude_outliers: bool = False

    def __post_init__(self) -> None:
        if self.method is not None and self.method not in AGGREGATIONS:
            raise ValueError(f"repetition_aggregation must be one of {AGGREGATIONS}; got "
                             f"{self.method!r}")
        if self.exclude_outliers and self.method not in (None, "mean", "median"):
            raise ValueError("repetition_exclude_outliers applies to the 'mean' and 'median' "
                             f"aggregations; got {self.method!r}")

    @property
    def is_default(self) -> bool:
        return self == SampleAggregation()

    def method_for(self, task: str, has_proba: bool) -> str:
        """The method for one dataset's task, or an error when it does not fit the task."""
        regression = task == "regression"
        if self.method is None:
            return "mean" if regression else ("proba_mean" if has_proba else "vote")
        if regression != (self.method in ("mean", "median")):
            fits = "mean or median" if regression else "vote or proba_mean"
            raise ValueError(f"repetition_aggregation={self.method!r} does not apply to a "
                             f"{task} task; use {fits}")
        if self.method == "proba_mean" and not has_proba:
            raise ValueError("repetition_aggregation='proba_mean' needs a classifier with "
                             "predict_proba; use 'vote'")
        return self.method

    def config(self) -> dict[str, Any]:
        """The choice as stored in the run's configuration."""
        return {"repetition_aggregation": self.method,
                "repetition_exclude_outliers": self.exclude_outliers}

    def describe(self) -> str:
        """A line for the run's summary."""
        method = self.method or "mean (regression) / proba_mean or vote (classes)"
        return (f"@sample scores: {method} of each sample's scans"
                + (", outlying scans left out first (Hotelling T², 95 %)"
                   if self.exclude_outliers else ""))


DEFAULT_AGGREGATION = SampleAggregation()


def with_aggregation(variants: list[Any], aggregation: SampleAggregation | None) -> list[Any]:
    """The prepared variants scored with ``aggregation``: a choice other than the default
    enters each variant's identity, so its stored scores never stand for another choice."""
    if aggregation is None or aggregation.is_default:
        return variants
    out = []
    for v in variants:
        pipeline_id = identity_of_json(canonical_json({
            "pipeline_id": v.pipeline_id, "repetition_aggregation": [
                aggregation.method, aggregation.exclude_outliers]}))
        out.append(dataclasses.replace(
            v, pipeline_id=pipeline_id, aggregation=aggregation,
            name=f"{short_id(pipeline_id)} {v.name.split(' ', 1)[-1]}"))
    return out


def run_spec(specs: list[Any], config: dict[str, Any]) -> Any:
    """The spec a run's identity hashes: its pipelines, with the aggregation when it is not
    the default (so a run with another choice is another run, with its own configuration)."""
    chosen = {k: config[k] for k in SampleAggregation().config() if config.get(k)}
    return {"pipelines": specs, **chosen} if chosen else specs


def check_aggregation(variants: list[Any], dataset: SpectroDataset) -> None:
    """Before anything is fitted: an aggregation chosen for a dataset it cannot score."""
    chosen = {v.aggregation for v in variants if v.aggregation is not None}
    for aggregation in chosen:
        if dataset.repetition is None:
            raise ValueError(f"repetition_aggregation= scores the scans of each sample, and "
                             f"dataset {dataset.name!r} declares no repetition column; load "
                             "it with load_dataset(..., repetition='Sample_ID')")
        aggregation.method_for(dataset.task, has_proba=True)


def sample_scores(dataset: SpectroDataset, rows: np.ndarray, pred: tuple,
                  aggregation: SampleAggregation | None = None) -> dict[str, float]:
    """``<metric>@sample`` scores: the metrics on predictions aggregated per sample.

    By default regression predictions are averaged (``mean``); classifiers vote, or average
    their probabilities when they give them (``proba_mean``); ``aggregation`` chooses (see
    :class:`SampleAggregation`). Empty without a repetition column.
    """
    if dataset.repetition is None or rows.size == 0:
        return {}
    aggregation = aggregation or SampleAggregation()
    samples = np.asarray(dataset.metadata[dataset.repetition])[rows]
    regression = dataset.task == "regression"
    method = aggregation.method_for(dataset.task, pred[1] is not None)
    _, y_pred, y_proba = aggregate(samples, pred[0], pred[1], method=method,
                                     classes=dataset.classes,
                                     exclude_outliers=aggregation.exclude_outliers)
    _, y_true, _ = aggregate(samples, dataset.y[rows],
                             method="mean" if regression else "vote")
    labels = None if dataset.classes is None else list(dataset.classes)
    scores = score_all(dataset.task, y_true, y_pred, y_proba, labels=labels)
    return {f"{name}@sample": value for name, value in scores.items()}
