"""From an executed variant to complete, immutable outcome records (contract 3)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from nirs4all.data.dataset import SpectroDataset
from nirs4all.pipeline._repetition import SampleAggregation, sample_scores
from nirs4all.pipeline.folds import FINAL, sort_fold_keys
from nirs4all.pipeline.metrics import DEFAULT_METRIC, score_all
from nirs4all.pipeline.records import ChainRecord, ChainStep, PredictionRecord
from nirs4all.pipeline.state import SHARED, FittedModel, Rows

__all__ = ["build_records", "refit_context"]

_SUMMARY_KINDS = ("transform", "feature_augmentation", "y_processing", "merge_features",
                  "merge_predictions", "rep_reshape")


def refit_context(models: list[FittedModel]) -> str:
    """``"stacking"`` for a variant whose models stack others, else ``"standalone"``."""
    return "stacking" if any(m.source_chains for m in models) else "standalone"


def _scores(dataset: SpectroDataset, rows: np.ndarray,
            pred: tuple[np.ndarray, np.ndarray | None],
            aggregation: SampleAggregation | None = None) -> dict[str, float]:
    y_true = dataset.y[rows]
    labels = None if dataset.classes is None else list(dataset.classes)
    return {**score_all(dataset.task, y_true, pred[0], pred[1], labels=labels,
                        target_names=dataset.target_names),
            **sample_scores(dataset, rows, pred, aggregation)}


def _prediction(model: FittedModel, pipeline_id: str, dataset: SpectroDataset, fold: str,
                partition: str, rows: np.ndarray, pred: tuple, context: str | None,
                aggregation: SampleAggregation | None = None) -> PredictionRecord:
    return PredictionRecord(
        pipeline_id=pipeline_id,
        chain_id=model.chain_id,
        fold_id=fold,
        partition=partition,
        sample_ids=dataset.sample_ids[rows],
        y_true=dataset.y[rows],
        y_pred=pred[0],
        y_proba=pred[1],
        scores=_scores(dataset, rows, pred, aggregation),
        refit_context=context,
        classes=dataset.classes,
    )


def _chain_steps(model: FittedModel, folds: list[str]) -> tuple[ChainStep, ...]:
    steps = []
    for step, path, refs in model.chain:
        if SHARED in refs:
            artifacts = dict.fromkeys(folds, refs[SHARED])
        else:
            artifacts = {k: refs[k] for k in folds if k in refs}
        steps.append(ChainStep(step.index, step.kind, step.spec_json, path, artifacts))
    return tuple(steps)


def _summary(model: FittedModel) -> str:
    # a reassembled separation (merge: concat) is summarised by its merge step's label
    joined = [path for step, path, _ in model.chain if step.kind == "merge_concat"]

    def inside(step: Any, path: tuple[int, ...]) -> bool:
        return any(path[:len(c)] == c and (len(path) > len(c) or step.kind == "branch")
                   for c in joined)

    labels = [f"y:{step.label}" if step.kind == "y_processing" else step.label
              for step, path, _ in model.chain if not inside(step, path) and (
                  step.kind in _SUMMARY_KINDS or (step.kind in ("branch", "merge_concat")
                                                  and step.name))]
    return " > ".join(labels) if labels else "raw"


def _validation_scores(model: FittedModel, dataset: SpectroDataset, rows: Rows,
                       aggregation: SampleAggregation | None = None,
                       ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The pooled out-of-fold scores of a model and the scores of each fold."""
    if not model.val:
        return {}, {}
    keys = sort_fold_keys(model.val)
    fold_scores = {k: _scores(dataset, rows.val[k], model.val[k], aggregation) for k in keys}
    all_rows = np.concatenate([rows.val[k] for k in keys])
    pooled_pred = np.concatenate([model.val[k][0] for k in keys])
    pooled_proba = None
    if all(model.val[k][1] is not None for k in keys):
        pooled_proba = np.concatenate([model.val[k][1] for k in keys])
    return _scores(dataset, all_rows, (pooled_pred, pooled_proba), aggregation), fold_scores


def build_records(
    models: list[FittedModel],
    *,
    pipeline_id: str,
    dataset: SpectroDataset,
    rows: Rows,
    emit_cv: bool,
    emit_final: bool,
    aggregation: SampleAggregation | None = None,
) -> tuple[tuple[ChainRecord, ...], tuple[PredictionRecord, ...], set[str]]:
    """Chain and prediction records of the fitted models, and the artifact keys they use.

    Only the fold keys asked for are emitted: a refit pass that recomputes CV folds (for
    stacking) emits only ``"final"``.
    """
    metric = DEFAULT_METRIC[dataset.task]
    _record = functools.partial(_prediction, aggregation=aggregation)  # @sample scores
    context = refit_context(models)
    chains, predictions, used = [], [], set()
    run_rows = rows
    for model in models:
        rows = run_rows if model.rows is None else model.rows  # a separation branch's own
        cv_keys = sort_fold_keys(model.val) if emit_cv else []
        folds = [*cv_keys, *([FINAL] if emit_final and FINAL in model.train else [])]
        for key in cv_keys:
            val_rows = rows.val[key]
            predictions.append(_record(model, pipeline_id, dataset, key, "val", val_rows,
                                           model.val[key], None))
            if key in model.test:
                predictions.append(_record(model, pipeline_id, dataset, key, "test",
                                               rows.test_rows(key), model.test[key], None))
        test_scores: dict[str, float] = {}
        if FINAL in folds:
            predictions.append(_record(model, pipeline_id, dataset, FINAL, "train",
                                           rows.train, model.train[FINAL], context))
            if FINAL in model.test:
                record = _record(model, pipeline_id, dataset, FINAL, "test",
                                     rows.test_rows(FINAL), model.test[FINAL], context)
                predictions.append(record)
                test_scores = dict(record.scores)
        cv_scores, fold_scores = _validation_scores(model, dataset, rows, aggregation)
        steps = _chain_steps(model, folds)
        for step in steps:
            used.update(step.artifacts.values())
        chains.append(ChainRecord(
            chain_id=model.chain_id,
            pipeline_id=pipeline_id,
            model_step=model.step.index,
            model_name=model.label or model.step.label,
            model_class=_class_path(model.step.operator),
            branch_path=model.path,
            steps=steps,
            source_chains=model.source_chains,
            fold_ids=tuple(folds),
            metric=metric,
            cv_scores=cv_scores,
            fold_scores=fold_scores,
            test_scores=test_scores,
            preprocessing=_summary(model),
        ))
    return tuple(chains), tuple(predictions), used


def _class_path(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"
