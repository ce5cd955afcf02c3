"""Scores of predictions: regression and classification metrics, ranking, pooled CV scores.

Regression metrics accept ``y_true`` and ``y_pred`` of shape ``(n,)`` or ``(n, k)``; a 1D
array and a one-column 2D array are the same thing. With ``k`` targets each metric is computed
per target and the ``k`` values are averaged with equal weight (so ``rmse`` of two targets is
the mean of the two RMSEs, as in scikit-learn's ``multioutput="uniform_average"``).
Residuals are ``e = y_pred - y_true``. Non-finite predictions give a non-finite score, which
:func:`sort_key` ranks last.

Classification metrics take one label per sample; probabilities have one column per class in
the order of the sorted class list (scikit-learn's ``classes_`` order).

Cross-validation scores are pooled: :func:`pooled_score` concatenates the out-of-fold
predictions of all folds and computes the metric once, so ``pooled_score("rmse", ...)`` is the
chemometric RMSECV, ``sqrt(PRESS / n)`` (Wold 1978; Mevik & Wehrens 2007, R ``pls``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from types import MappingProxyType

import numpy as np

__all__ = [
    "DEFAULT_METRIC", "HIGHER_IS_BETTER", "accuracy", "available_metrics", "balanced_accuracy",
    "bias", "f1", "is_better", "log_loss", "mae", "mse", "pooled_score", "r2", "rmse", "rpd",
    "score", "score_all", "sep", "sort_key",
]  # fmt: skip

DEFAULT_METRIC = MappingProxyType(
    {"regression": "rmse", "binary": "balanced_accuracy", "multiclass": "balanced_accuracy"}
)
"""Metric used to rank variants of each task (read-only mapping)."""

HIGHER_IS_BETTER = frozenset({"r2", "rpd", "accuracy", "balanced_accuracy", "f1"})
"""Metrics for which a larger value is better; every other metric is better when smaller."""


def _pair(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return both arrays as float ``(n, k)`` after checking that their shapes agree."""
    t = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    t2 = t.reshape(-1, 1) if t.ndim == 1 else t
    p2 = p.reshape(-1, 1) if p.ndim == 1 else p
    if t2.ndim != 2 or t2.shape != p2.shape:
        raise ValueError(
            f"y_true has shape {t.shape} but y_pred has shape {p.shape}; both must be (n,) "
            "or (n, k) with the same n and k"
        )
    if t2.shape[0] == 0:
        raise ValueError("cannot score zero samples")
    return t2, p2


def mse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean squared error, ``mean(e**2)``."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.mean((p - t) ** 2, axis=0)))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error, ``sqrt(mean(e**2))``."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.sqrt(np.mean((p - t) ** 2, axis=0))))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error, ``mean(|e|)``."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.mean(np.abs(p - t), axis=0)))


def bias(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Bias, ``mean(y_pred - y_true)`` (positive when the model over-predicts)."""
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.mean(p - t, axis=0)))


def _sd(values: np.ndarray) -> np.ndarray:
    """Column standard deviations with ``ddof=1``; NaN for fewer than two rows."""
    if values.shape[0] < 2:
        return np.full(values.shape[1], np.nan)
    return np.std(values, axis=0, ddof=1)


def sep(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Standard error of prediction, ``SD(e)`` with ``ddof=1``: the bias-corrected error.

    ``SEP**2 = sum((e - bias)**2) / (n - 1)`` (ISO 12099; ICC chemometrics convention).
    NaN for a single sample.
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(_sd(p - t)))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` per target, with ``x / 0 = inf`` for ``x > 0`` and ``0 / 0 = nan``."""
    out = np.full(num.shape, np.nan)
    nonzero = den != 0
    out[nonzero] = num[nonzero] / den[nonzero]
    out[~nonzero & (num > 0)] = np.inf
    return out


def rpd(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Ratio of performance to deviation, ``SD(y_true) / SEP`` (both ``ddof=1``; Williams 1987).

    ``inf`` when the residuals are constant and ``y_true`` is not; NaN for a single sample.
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(_ratio(_sd(t), _sd(p - t))))


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination, ``1 - SS_res / SS_tot``.

    ``SS_res = sum(e**2)``, ``SS_tot = sum((y_true - mean(y_true))**2)``. NaN when ``y_true``
    is constant (scikit-learn returns 0 or 1 there; an undefined score should not rank).
    """
    t, p = _pair(y_true, y_pred)
    ss_res = np.sum((p - t) ** 2, axis=0)
    ss_tot = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
    ratio = _ratio(ss_res, ss_tot)
    ratio[ss_tot == 0] = np.nan
    return float(np.mean(1.0 - ratio))


def _labels(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t, p = np.asarray(y_true), np.asarray(y_pred)
    t1 = t.ravel() if t.ndim == 2 and t.shape[1] == 1 else t
    p1 = p.ravel() if p.ndim == 2 and p.shape[1] == 1 else p
    if t1.ndim != 1 or t1.shape != p1.shape:
        raise ValueError(
            f"y_true has shape {t.shape} but y_pred has shape {p.shape}; classification "
            "metrics take one label per sample, (n,) or (n, 1), for the same n"
        )
    if t1.size == 0:
        raise ValueError("cannot score zero samples")
    return t1, p1


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of samples whose predicted label equals the true label."""
    t, p = _labels(y_true, y_pred)
    return float(np.mean(t == p))


def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean over the classes present in ``y_true`` of the recall ``TP_c / n_c`` (Brodersen 2010)."""
    t, p = _labels(y_true, y_pred)
    return float(np.mean([np.mean(p[t == c] == c) for c in np.unique(t)]))


def f1(y_true: np.ndarray, y_pred: np.ndarray, *, labels: Sequence | None = None) -> float:
    """F1 score, ``2 TP / (2 TP + FP + FN)`` (0 when the denominator is 0).

    With two classes this is the binary F1 of the positive class, the last of the sorted class
    list (``1`` for ``{0, 1}``); with more it is the macro average over all classes.

    Parameters
    ----------
    labels : sequence, optional
        The task's class list. Defaults to the classes seen in ``y_true`` or ``y_pred``; pass
        it so that a sample set missing a class is scored like the others.
    """
    t, p = _labels(y_true, y_pred)
    classes = np.unique(np.concatenate([t, p]) if labels is None else np.asarray(labels))
    scored = classes[-1:] if classes.size == 2 else classes
    per_class = []
    for c in scored:
        tp = np.sum((p == c) & (t == c))
        wrong = np.sum((p == c) != (t == c))
        per_class.append(0.0 if tp + wrong == 0 else 2 * tp / (2 * tp + wrong))
    return float(np.mean(per_class))


def log_loss(y_true: np.ndarray, y_proba: np.ndarray, *, labels: Sequence | None = None) -> float:
    """Cross-entropy, ``-mean(log p_i)`` with ``p_i`` the probability given to the true class.

    ``y_proba`` is ``(n, n_classes)`` with columns in sorted-class order, or ``(n,)`` holding
    the probability of the positive (sorted-last) class of a binary task. Probabilities are
    clipped to ``[eps, 1]`` with ``eps`` the float64 machine epsilon, as scikit-learn does.

    Parameters
    ----------
    labels : sequence, optional
        The sorted class list; defaults to the classes seen in ``y_true``.
    """
    t = np.asarray(y_true)
    t = t.ravel() if t.ndim == 2 and t.shape[1] == 1 else t
    proba = np.asarray(y_proba, dtype=np.float64)
    if proba.ndim == 1:
        proba = np.column_stack([1.0 - proba, proba])
    classes = np.unique(t if labels is None else np.asarray(labels))
    if t.ndim != 1 or proba.ndim != 2 or proba.shape != (t.size, classes.size) or t.size == 0:
        raise ValueError(
            f"y_true has shape {np.shape(y_true)} and y_proba {np.shape(y_proba)}; expected "
            f"(n,) and (n, {classes.size}) for classes {classes.tolist()} (pass labels= when "
            "y_true does not show every class)"
        )
    if not np.allclose(proba.sum(axis=1), 1.0, rtol=0.0, atol=1e-6):
        raise ValueError("each row of y_proba must sum to 1")
    column = np.searchsorted(classes, t)
    if np.any(column >= classes.size) or np.any(classes[np.minimum(column, classes.size - 1)] != t):
        raise ValueError(f"y_true holds labels outside the class list {classes.tolist()}")
    chosen = np.clip(proba[np.arange(t.size), column], np.finfo(np.float64).eps, 1.0)
    return float(-np.mean(np.log(chosen)))


_METRICS: dict[str, Callable[..., float]] = {
    "rmse": rmse, "mse": mse, "mae": mae, "r2": r2, "rpd": rpd, "bias": bias, "sep": sep,
    "accuracy": accuracy, "balanced_accuracy": balanced_accuracy, "f1": f1, "log_loss": log_loss,
}  # fmt: skip
_TASK_METRICS = MappingProxyType(
    {
        "regression": ("rmse", "mse", "mae", "r2", "rpd", "bias", "sep"),
        "binary": ("accuracy", "balanced_accuracy", "f1"),
        "multiclass": ("accuracy", "balanced_accuracy", "f1"),
    }
)


def available_metrics() -> tuple[str, ...]:
    """Return the names of every metric, sorted."""
    return tuple(sorted(_METRICS))


def _metric(name: str) -> Callable[..., float]:
    if name not in _METRICS:
        raise ValueError(f"unknown metric {name!r}; available: {', '.join(available_metrics())}")
    return _METRICS[name]


def score(metric: str, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Compute the metric called ``metric`` (probabilities as ``y_pred`` for ``log_loss``)."""
    return _metric(metric)(y_true, y_pred)


def score_all(
    task: str,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    y_proba: np.ndarray | None = None,
    *,
    labels: Sequence | None = None,
) -> dict[str, float]:
    """Compute every metric of ``task`` (``"regression"``, ``"binary"`` or ``"multiclass"``).

    ``log_loss`` is included for classification tasks only when ``y_proba`` is given.
    ``labels`` (the task's class list) is passed to ``f1`` and ``log_loss``.
    """
    if task not in _TASK_METRICS:
        raise ValueError(f"unknown task {task!r}; available: {', '.join(_TASK_METRICS)}")
    if task == "regression":
        return {name: _METRICS[name](y_true, y_pred) for name in _TASK_METRICS[task]}
    scores = {
        "accuracy": accuracy(y_true, y_pred),
        "balanced_accuracy": balanced_accuracy(y_true, y_pred),
        "f1": f1(y_true, y_pred, labels=labels),
    }
    if y_proba is not None:
        scores["log_loss"] = log_loss(y_true, y_proba, labels=labels)
    return scores


def pooled_score(
    metric: str, y_true_folds: Sequence[np.ndarray], y_pred_folds: Sequence[np.ndarray]
) -> float:
    """Score out-of-fold predictions pooled over all folds: concatenate, then compute once.

    For ``rmse`` this is RMSECV ``= sqrt(PRESS / n)``, which is not the mean of per-fold RMSEs
    (for leave-one-out that mean is the MAE).
    """
    function = _metric(metric)
    if len(y_true_folds) != len(y_pred_folds) or not y_true_folds:
        raise ValueError(
            f"got {len(y_true_folds)} folds of y_true and {len(y_pred_folds)} of y_pred; "
            "need the same, non-zero, number"
        )
    return function(np.concatenate(y_true_folds), np.concatenate(y_pred_folds))


def sort_key(metric: str, value: float) -> float:
    """Return a key such that sorting ascending ranks the best value first and NaN last.

    ``"rmse@sample"`` (a score on predictions aggregated per sample) ranks like ``"rmse"``.
    """
    metric = metric.partition("@")[0]
    _metric(metric)
    if math.isnan(value):
        return math.inf
    return -value if metric in HIGHER_IS_BETTER else value


def is_better(metric: str, a: float, b: float) -> bool:
    """Return whether score ``a`` is strictly better than ``b`` (any number beats NaN)."""
    if math.isnan(a):
        _metric(metric)
        return False
    return math.isnan(b) or sort_key(metric, a) < sort_key(metric, b)
