"""Which chain and which predictions a plot shows.

A chain is named by its full id, a unique prefix of it (the ``short_id`` printed by
``RunResult.summary``; the rule is :func:`nirs4all.pipeline.selection.select_chain`), or a
:class:`~nirs4all.pipeline.records.ChainRecord` /
:class:`~nirs4all.api.result.ChainSummary`; ``None`` is the best chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.pipeline.canonical import short_id
from nirs4all.pipeline.folds import FINAL, sort_fold_keys
from nirs4all.pipeline.metrics import score_all
from nirs4all.pipeline.records import ChainRecord, PredictionRecord
from nirs4all.pipeline.selection import select_chain

if TYPE_CHECKING:
    from nirs4all.viz._types import ResultView

__all__ = ["PLOT_PARTITIONS", "Selection", "find_chain", "select_predictions"]

PLOT_PARTITIONS = ("test", "val", "train")


def find_chain(result: ResultView, chain: Any = None) -> ChainRecord:
    """The chain record named by ``chain`` (see the module docstring); the best by default."""
    chains = result.chains
    if not chains:
        raise ValueError("this result has no chains to plot (did every variant fail?)")
    if chain is None:
        best = result.best
        chain = chains[0].chain_id if best is None else best.chain_id
    chain_id = getattr(chain, "chain_id", chain)
    if not isinstance(chain_id, str):
        raise TypeError(
            f"chain must be a chain id (str), a ChainRecord or a ChainSummary; got "
            f"{type(chain).__name__}"
        )
    return select_chain(chains, chain_id)


@dataclass(frozen=True)
class Selection:
    """Predictions of one chain gathered for a plot.

    ``y_true`` and ``y_pred`` are 1D: the chosen target of a regression, or labels.
    ``scores`` are the metrics of exactly these rows; ``source`` says where they come from.
    ``y_proba`` holds a classifier's stored class probabilities, when it has them.
    """

    chain: ChainRecord
    y_true: np.ndarray
    y_pred: np.ndarray
    scores: Mapping[str, float]
    source: str
    classes: np.ndarray | None
    y_proba: np.ndarray | None = None  # (n, n_classes), columns in the order of classes

    @property
    def is_classification(self) -> bool:
        """Whether the predictions are class labels."""
        return self.y_pred.dtype.kind not in "fc" or self.classes is not None

    @property
    def title(self) -> str:
        """Model, preprocessing and prediction source, for a figure title."""
        pre = self.chain.preprocessing or "no preprocessing"
        return f"{self.chain.model_name} / {pre}"


def _by_key(result: ResultView, chain_id: str) -> dict[tuple[str, str], PredictionRecord]:
    records: dict[tuple[str, str], PredictionRecord] = {}
    for record in result.filter(chain_id=chain_id):
        records.setdefault((record.fold_id, record.partition), record)
    return records


def _one_target(y_true: np.ndarray, y_pred: np.ndarray, scores: Mapping[str, float],
                target: int) -> tuple[np.ndarray, np.ndarray, Mapping[str, float]]:
    """Column ``target`` of regression arrays, with scores of that column alone."""
    if y_pred.ndim == 1:
        return y_true, y_pred, scores
    n_targets = y_pred.shape[1]
    if not 0 <= target < n_targets:
        raise ValueError(f"target {target} is out of range: the chain predicts {n_targets} "
                         f"target(s), numbered 0 to {n_targets - 1}")
    t = np.asarray(y_true[:, target], dtype=np.float64)
    p = np.asarray(y_pred[:, target], dtype=np.float64)
    if n_targets > 1:  # stored scores average the targets; these rows need their own
        scores = score_all("regression", t, p)
    return t, p, scores


def select_predictions(result: ResultView, chain: Any = None, partition: str = "test",
                       target: int = 0) -> Selection:
    """Predictions of a chain for a plot.

    ``"test"`` and ``"train"`` are the final (refitted) model's predictions on that
    partition; ``"val"`` the out-of-fold predictions of every CV fold, pooled. ``"test"``
    falls back to ``"val"`` when the chain has no final test predictions, and ``source``
    says so.
    """
    if partition not in PLOT_PARTITIONS:
        raise ValueError(f"partition must be one of {PLOT_PARTITIONS}; got {partition!r}")
    record = find_chain(result, chain)
    name = short_id(record.chain_id)
    predictions = _by_key(result, record.chain_id)
    final = predictions.get((FINAL, partition)) if partition != "val" else None
    if final is not None:
        t, p, scores = _one_target(final.y_true, final.y_pred, final.scores, target)
        return Selection(record, t, p, scores,
                         f"final model, {partition} partition (n={len(t)})", final.classes,
                         final.y_proba)
    if partition == "train":
        raise ValueError(f"chain {name} has no final model, so no 'train' predictions; "
                         "plot partition='val' or refit this chain")
    folds = sort_fold_keys(f for f, part in predictions if part == "val" and f != FINAL)
    if not folds:
        raise ValueError(f"chain {name} has no out-of-fold ('val') predictions (the pipeline "
                         "has no cross-validation splitter) and no final test predictions")
    records = [predictions[(f, "val")] for f in folds]
    y_true = np.concatenate([r.y_true for r in records])
    y_pred = np.concatenate([r.y_pred for r in records])
    t, p, scores = _one_target(y_true, y_pred, record.cv_scores, target)
    source = f"pooled out-of-fold predictions, {len(folds)} fold(s) (n={len(t)})"
    if partition == "test":
        source += "; no final-model test predictions"
    probas = [r.y_proba for r in records]
    y_proba = None if any(q is None for q in probas) else np.concatenate(probas)
    return Selection(record, t, p, scores, source, records[0].classes, y_proba)
