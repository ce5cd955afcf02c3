"""Targets of a dataset: the task they imply and their one stored form."""

from __future__ import annotations

from typing import Any

import numpy as np

from nirs4all.utils.arrays import frozen_copy

__all__ = ["TASKS", "TASK_OVERRIDES", "coerce_targets", "detect_task"]

TASKS = ("regression", "binary", "multiclass")
TASK_OVERRIDES = (*TASKS, "classification", "auto")


def detect_task(y: np.ndarray | None) -> str | None:
    """Detect the learning task from targets.

    Floating-point targets are regression, whatever their values (a count of days stays a
    regression target). Integer, boolean and text labels are classification: ``"binary"``
    with at most two distinct labels, ``"multiclass"`` otherwise. Pass ``task=`` to override.
    """
    if y is None:
        return None
    if y.dtype.kind == "f":
        return "regression"
    n_labels = np.unique(y).shape[0]
    return "binary" if n_labels <= 2 else "multiclass"


def coerce_targets(y: Any, task: str, n_samples: int) -> tuple[np.ndarray, str]:
    array = np.asarray(y)
    if array.shape[0] != n_samples:
        raise ValueError(f"targets have {array.shape[0]} rows but the features have {n_samples}")
    wants_labels = task in ("classification", "binary", "multiclass")
    if array.ndim == 2 and array.shape[1] == 1 and (array.dtype.kind != "f" or wants_labels):
        array = array[:, 0]
    if array.dtype.kind == "O":
        array = array.astype(str)
    if task == "regression":
        if array.dtype.kind in "US":
            try:
                array = array.astype(np.float64)
            except ValueError as exc:
                raise ValueError(f"task='regression' needs numeric targets: {exc}") from None
        array = array.astype(np.float64, copy=False)
        detected = "regression"
    elif wants_labels:
        if array.ndim != 1:
            raise ValueError(
                f"classification needs one target column; got {array.shape[1]} columns"
            )
        if array.dtype.kind == "f":
            if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
                raise ValueError(
                    "task='classification' with float targets needs integer-valued labels; "
                    "found non-integer values (pass task='regression' or give text labels)"
                )
            array = array.astype(np.int64)
        detected = detect_task(array) or "binary"
        if task != "classification" and task != detected:
            n_labels = np.unique(array).shape[0]
            if task == "binary" or n_labels < 2:
                raise ValueError(
                    f"task={task!r} does not fit targets with {n_labels} distinct labels"
                )
            detected = task
    else:
        detected = detect_task(array) or "regression"
        if detected == "regression" and array.ndim == 1:
            array = array.astype(np.float64, copy=False)
    if detected == "regression" and array.ndim == 1:
        array = array.reshape(-1, 1)
    return frozen_copy(array), detected
