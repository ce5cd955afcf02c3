"""The task a run scores by: the dataset's, or its models' when the targets read both ways.

Float targets load as regression (``docs/architecture.md``), but files of integer class codes
(``0, 1, 2`` in a ``Ycal.csv``) are float targets that are also class labels. For those, and
only when nobody gave ``task=`` to :func:`nirs4all.load_dataset`, the estimator type of the
models (scikit-learn's ``is_classifier`` / ``is_regressor``) decides: a run whose models are
all classifiers reads the targets as classes, and says so. Otherwise a model that contradicts
the task is refused before anything is fitted, with the fix in the message; a regressor
scored by accuracy (or a classifier by RMSE) would give numbers that mean nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import numpy as np
from sklearn.base import is_classifier, is_regressor

from nirs4all.data.dataset import SpectroDataset
from nirs4all.pipeline.spec import SpecError, Step, iter_steps

__all__ = ["check_model_types", "read_either_way", "resolve_task"]

logger = logging.getLogger(__name__)


def _models(steps_of_variants: Iterable[tuple[Step, ...]]) -> Iterator[Step]:
    for steps in steps_of_variants:
        yield from (s for s in iter_steps(steps) if s.kind == "model")


def read_either_way(dataset: SpectroDataset) -> bool:
    """Whether the targets are class codes as much as numbers, and no task was given.

    True for inferred regression targets of one column whose values are all integers
    (at least two distinct ones).
    """
    y = dataset.y
    if dataset.task_given or dataset.task != "regression" or y is None:
        return False
    if y.ndim == 2 and y.shape[1] != 1:
        return False
    values = y.reshape(-1)
    return bool(np.all(values == np.round(values)) and np.unique(values).size >= 2)


def resolve_task(dataset: SpectroDataset,
                 steps_of_variants: Iterable[tuple[Step, ...]]) -> SpectroDataset:
    """The dataset as the run reads it: classification when its targets read both ways
    and every model of every variant is a classifier; the dataset itself otherwise."""
    models = [s.operator for s in _models(steps_of_variants)]
    if not read_either_way(dataset) or not models or not all(map(is_classifier, models)):
        return dataset
    labels = dataset.y.reshape(-1).astype(np.int64)
    read = SpectroDataset(dataset.sources, labels, partition=dataset.partition,
                          sample_ids=dataset.sample_ids, metadata=dataset.metadata,
                          task="classification", target_names=dataset.target_names,
                          name=dataset.name)
    logger.info("dataset %r: the integer-valued targets are read as %d class labels because "
                "every model is a classifier (task=%s); pass task= to load_dataset to decide",
                dataset.name, read.classes.size, read.task,
                extra={"dataset": dataset.name, "task": read.task})
    return read


def check_model_types(dataset: SpectroDataset,
                      steps_of_variants: Iterable[tuple[Step, ...]]) -> None:
    """Refuse a regressor on a classification task and a classifier on a regression task.

    Estimators that declare neither type (no ``_estimator_type`` tag) are not checked.
    """
    for step in _models(steps_of_variants):
        model = step.operator
        where = f"{step.path} ({step.label})"
        if dataset.is_classification and is_regressor(model):
            raise SpecError(
                f"{where} is a regressor, but dataset {dataset.name!r} is a classification "
                f"task ({dataset.task}, classes {dataset.classes.tolist()}); its accuracy "
                "would mean nothing. Use a classifier (a PLS-DA, LogisticRegression ...), or "
                "load the dataset with task='regression' if the labels are quantities")
        if dataset.task == "regression" and is_classifier(model):
            either = read_either_way(dataset)
            raise SpecError(
                f"{where} is a classifier, but dataset {dataset.name!r} is a regression task"
                + (" (its integer-valued targets read either way, and other models of this "
                   "run are regressors)" if either else "")
                + "; use a regressor, or load the dataset with task='classification' if the "
                "targets are class labels")
