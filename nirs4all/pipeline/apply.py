"""Applying fitted steps: shared by training and by replay, so both compute the same bits.

Training (:mod:`nirs4all.pipeline.execute`) and replay (:mod:`nirs4all.pipeline.replay`)
call these functions for every fitted transform, feature augmentation and model, which is
what makes replayed predictions equal to the stored ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nirs4all.operators.transforms import is_wavelength_aware
from nirs4all.utils.arrays import readonly_view as readonly

__all__ = ["align_proba", "augment_features", "model_input", "predict",
           "prediction_features", "readonly", "transform_source"]

Axis = tuple[np.ndarray, str]


def transform_source(op: Any, X: np.ndarray, axis: Axis) -> tuple[np.ndarray, Axis]:
    """Apply a fitted transform to one source; return the result and its axis.

    A wavelength-aware operator receives the axis and reports the output axis in
    ``wavelengths_out_``; otherwise the axis is kept when the width is, and becomes an index
    axis when it is not.
    """
    values, unit = axis
    aware = is_wavelength_aware(op)
    result = np.asarray(op.transform(X, wavelengths=values) if aware else op.transform(X))
    if result.ndim != 2 or result.shape[0] != X.shape[0]:
        raise ValueError(f"{type(op).__name__} returned shape {result.shape} for input "
                         f"{X.shape}")
    new_axis = getattr(op, "wavelengths_out_", None) if aware else None
    if new_axis is not None and len(new_axis) == result.shape[1]:
        out_axis = (np.asarray(new_axis, dtype=np.float64), unit)
    elif result.shape[1] == X.shape[1]:
        out_axis = (values, unit)
    else:
        out_axis = (np.arange(result.shape[1], dtype=np.float64), "index")
    return readonly(result), out_axis


def augment_features(fitted: list, sources: tuple[np.ndarray, ...],
                     axes: tuple[Axis, ...]) -> tuple[tuple[np.ndarray, ...], tuple[Axis, ...]]:
    """Apply a fitted feature augmentation: each preprocessing's output side by side.

    ``fitted`` holds, per preprocessing, None (the input kept) or one fitted operator per
    source.
    """
    parts = []
    for ops in fitted:
        if ops is None:
            parts.append(sources)
        else:
            parts.append(tuple(transform_source(op, X, axis)[0]
                               for op, X, axis in zip(ops, sources, axes, strict=True)))
    out = tuple(readonly(np.hstack([p[i] for p in parts])) for i in range(len(sources)))
    return out, tuple((np.arange(x.shape[1], dtype=np.float64), "index") for x in out)


def model_input(sources: tuple[np.ndarray, ...]) -> np.ndarray:
    """The sources side by side (no copy for a single source)."""
    return sources[0] if len(sources) == 1 else np.hstack(sources)


def align_proba(proba: np.ndarray, model_classes: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Probabilities with one column per dataset class (zeros for classes a fold lacked)."""
    proba = np.asarray(proba, dtype=np.float64)
    if np.array_equal(model_classes, classes):
        return proba
    out = np.zeros((proba.shape[0], classes.shape[0]))
    out[:, np.searchsorted(classes, model_classes)] = proba
    return out


def predict(model: Any, X: np.ndarray, y_steps: tuple, *, classes: np.ndarray | None,
            n_targets: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Predictions in original units: class labels (+ probabilities) or float targets.

    ``classes`` is the dataset's sorted class list for classification, None for regression;
    ``y_steps`` are the fitted target transformers, inverted in reverse order.
    """
    if classes is not None:
        pred = np.asarray(model.predict(X))
        proba = None
        if callable(getattr(model, "predict_proba", None)):
            proba = align_proba(model.predict_proba(X), model.classes_, classes)
        return pred, proba
    pred = np.asarray(model.predict(X), dtype=np.float64).reshape(-1, n_targets)
    for op in reversed(y_steps):
        pred = np.asarray(op.inverse_transform(pred), dtype=np.float64).reshape(-1, n_targets)
    return pred, None


def prediction_features(pred: tuple[np.ndarray, np.ndarray | None],
                        classes: np.ndarray | None) -> np.ndarray:
    """Meta-features from one prediction: probabilities, class codes, or target values.

    ``classes`` is the dataset's sorted class list for classification, None for regression.
    """
    y_pred, proba = pred
    if proba is not None:
        return proba
    if classes is not None:
        return np.searchsorted(classes, y_pred).astype(np.float64).reshape(-1, 1)
    return np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
