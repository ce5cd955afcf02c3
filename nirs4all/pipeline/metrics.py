"""Scores of predictions: regression and classification metrics, ranking, pooled CV scores.

Regression metrics accept ``y_true`` and ``y_pred`` of shape ``(n,)`` or ``(n, k)``; a 1D
array and a one-column 2D array are the same thing. With ``k`` targets each metric is computed
per target and the ``k`` values are averaged with equal weight (so ``rmse`` of two targets is
the mean of the two RMSEs, as in scikit-learn's ``multioutput="uniform_average"``).
Residuals are ``e = y_pred - y_true``. Non-finite predictions give a non-finite score, which
:func:`sort_key` ranks last.

Per-target keys. :func:`score_all` of a run with several targets also reports each target's
value under ``"<metric>[<target name>]"``, e.g. ``"rmse[moisture]"`` (``"rmse[y1]"`` for
unnamed targets), beside the mean under the plain name. Scores are stored in
``MAP(VARCHAR, DOUBLE)`` columns, so these keys need no schema change, and every ranking
(``top(by=...)``, ``top(rank_metric=...)``, :func:`sort_key`) accepts them.

Classification metrics take one label per sample; probabilities have one column per class in
the order of the sorted class list (scikit-learn's ``classes_`` order). ``precision``,
``recall``, ``specificity`` and ``f1`` are those of the positive (sorted-last) class for two
classes and macro averages for more; ``f1_macro`` and ``f1_weighted`` average over every
class with equal weights or by support. :func:`confusion_matrix` gives the counts, and
:func:`confusion_table` the pooled matrix of a chain's stored predictions.

Cross-validation scores are pooled: :func:`pooled_score` concatenates the out-of-fold
predictions of all folds and computes the metric once, so ``pooled_score("rmse", ...)`` is the
chemometric RMSECV, ``sqrt(PRESS / n)`` (Wold 1978; Mevik & Wehrens 2007, R ``pls``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from nirs4all.pipeline import _classification_metrics as _cls
from nirs4all.pipeline._regression_metrics import REGRESSION, pair

__all__ = [
    "DEFAULT_METRIC", "HIGHER_IS_BETTER", "accuracy", "available_metrics", "balanced_accuracy",
    "base_metric", "bias", "confusion_matrix", "confusion_table", "f1", "f1_macro",
    "f1_weighted", "is_better", "log_loss", "mae", "mape", "mse", "pooled_score", "precision",
    "r2", "recall", "rmse", "roc_auc", "rpd", "rpiq", "score", "score_all", "sep", "sort_key",
    "specificity",
]  # fmt: skip

DEFAULT_METRIC = MappingProxyType(
    {"regression": "rmse", "binary": "balanced_accuracy", "multiclass": "balanced_accuracy"}
)
"""Metric used to rank variants of each task (read-only mapping)."""



def base_metric(key: str) -> str:
    """The metric of a score key: ``"rmse"`` for ``"rmse"`` and for ``"rmse[moisture]"``."""
    if key.endswith("]") and "[" in key:
        return key[:key.index("[")]
    return key


class _MetricSet(frozenset):
    """A set of metric names whose membership test also answers for per-target keys."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and frozenset.__contains__(self, base_metric(key))


HIGHER_IS_BETTER = _MetricSet({
    "r2", "rpd", "rpiq", "accuracy", "balanced_accuracy", "precision", "recall",
    "specificity", "f1", "f1_macro", "f1_weighted", "roc_auc",
})
"""Metrics for which a larger value is better (``"r2[y0]"`` is in it too); ``bias`` is
best closest to 0; every other metric is better when smaller."""


def _mean(name: str, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(REGRESSION[name](*pair(y_true, y_pred))))


def mse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean squared error, ``mean(e**2)``."""
    return _mean("mse", y_true, y_pred)


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error, ``sqrt(mean(e**2))``."""
    return _mean("rmse", y_true, y_pred)


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error, ``mean(|e|)``."""
    return _mean("mae", y_true, y_pred)


def bias(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Bias, ``mean(y_pred - y_true)`` (positive when the model over-predicts)."""
    return _mean("bias", y_true, y_pred)


def sep(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Standard error of prediction, ``SD(e)`` with ``ddof=1``: the bias-corrected error.

    ``SEP**2 = sum((e - bias)**2) / (n - 1)`` (ISO 12099; ICC chemometrics convention).
    NaN for a single sample.
    """
    return _mean("sep", y_true, y_pred)


def rpd(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Ratio of performance to deviation, ``SD(y_true) / SEP`` (both ``ddof=1``; Williams 1987).

    ``inf`` when the residuals are constant and ``y_true`` is not; NaN for a single sample.
    """
    return _mean("rpd", y_true, y_pred)


def rpiq(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Ratio of performance to inter-quartile distance, ``(Q3 - Q1) / SEP``.

    Quartiles of ``y_true`` by linear interpolation (NumPy's default); robust to skewed
    reference values where RPD is not (Bellon-Maurel et al., 2010, TrAC 29(9), 1073-1081).
    """
    return _mean("rpiq", y_true, y_pred)


def mape(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute percentage error as a fraction, ``mean(|e| / max(|y_true|, eps))``.

    ``eps`` is the float64 machine epsilon, as in scikit-learn, so a zero reference value
    gives a huge but finite term.
    """
    return _mean("mape", y_true, y_pred)


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination, ``1 - SS_res / SS_tot``.

    ``SS_res = sum(e**2)``, ``SS_tot = sum((y_true - mean(y_true))**2)``. NaN when ``y_true``
    is constant (scikit-learn returns 0 or 1 there; an undefined score should not rank).
    """
    return _mean("r2", y_true, y_pred)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of samples whose predicted label equals the true label."""
    t, p = _cls.labels_of(y_true, y_pred)
    return float(np.mean(t == p))


def balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean over the classes present in ``y_true`` of the recall ``TP_c / n_c`` (Brodersen 2010)."""
    t, p = _cls.labels_of(y_true, y_pred)
    return float(np.mean([np.mean(p[t == c] == c) for c in np.unique(t)]))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, *,
                     labels: Sequence | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of class ``i`` predicted as ``j``, sorted class order."""
    return _cls.confusion_matrix(y_true, y_pred, labels=labels)


def _class_score(name: str, y_true: np.ndarray, y_pred: np.ndarray,
                 labels: Sequence | None, average: str = "auto") -> float:
    """``name`` of the positive class for two classes (``average="auto"``), else averaged."""
    matrix = _cls.confusion_matrix(y_true, y_pred, labels=labels)
    values = _cls.per_class(matrix)
    if average == "auto" and matrix.shape[0] == 2:
        return float(values[name][1])
    if average == "weighted":
        support = values["support"]
        return float(np.sum(values[name] * support) / support.sum())
    return float(np.mean(values[name]))


def precision(y_true: np.ndarray, y_pred: np.ndarray, *, labels: Sequence | None = None) -> float:
    """Precision ``TP / (TP + FP)``: positive class of two, macro average of more."""
    return _class_score("precision", y_true, y_pred, labels)


def recall(y_true: np.ndarray, y_pred: np.ndarray, *, labels: Sequence | None = None) -> float:
    """Recall (sensitivity) ``TP / (TP + FN)``: positive class of two, macro of more."""
    return _class_score("recall", y_true, y_pred, labels)


def specificity(y_true: np.ndarray, y_pred: np.ndarray, *,
                labels: Sequence | None = None) -> float:
    """Specificity ``TN / (TN + FP)``: positive class of two, macro average of more."""
    return _class_score("specificity", y_true, y_pred, labels)


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
    return _class_score("f1", y_true, y_pred, labels)


def f1_macro(y_true: np.ndarray, y_pred: np.ndarray, *, labels: Sequence | None = None) -> float:
    """Unweighted mean of every class's F1 (both classes of a binary task)."""
    return _class_score("f1", y_true, y_pred, labels, average="macro")


def f1_weighted(y_true: np.ndarray, y_pred: np.ndarray, *,
                labels: Sequence | None = None) -> float:
    """Mean of every class's F1 weighted by its number of true samples."""
    return _class_score("f1", y_true, y_pred, labels, average="weighted")


def roc_auc(y_true: np.ndarray, y_proba: np.ndarray, *, labels: Sequence | None = None) -> float:
    """ROC AUC: binary, or the mean one-vs-rest AUC (see ``_classification_metrics``)."""
    return _cls.roc_auc(y_true, y_proba, labels=labels)


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
    t, proba, classes = _cls.proba_matrix(y_true, y_proba, labels)
    if not np.allclose(proba.sum(axis=1), 1.0, rtol=0.0, atol=1e-6):
        raise ValueError("each row of y_proba must sum to 1")
    column = np.searchsorted(classes, t)
    chosen = np.clip(proba[np.arange(t.size), column], np.finfo(np.float64).eps, 1.0)
    return float(-np.mean(np.log(chosen)))


_LABEL_METRICS = ("accuracy", "balanced_accuracy", "precision", "recall", "specificity", "f1",
                  "f1_macro", "f1_weighted")
_METRICS: dict[str, Callable[..., float]] = {
    "rmse": rmse, "mse": mse, "mae": mae, "r2": r2, "rpd": rpd, "rpiq": rpiq, "bias": bias,
    "sep": sep, "mape": mape, "accuracy": accuracy, "balanced_accuracy": balanced_accuracy,
    "precision": precision, "recall": recall, "specificity": specificity, "f1": f1,
    "f1_macro": f1_macro, "f1_weighted": f1_weighted, "roc_auc": roc_auc, "log_loss": log_loss,
}  # fmt: skip
_TASK_METRICS = MappingProxyType(
    {
        "regression": tuple(REGRESSION),
        "binary": _LABEL_METRICS,
        "multiclass": _LABEL_METRICS,
    }
)


def available_metrics() -> tuple[str, ...]:
    """Return the names of every metric, sorted."""
    return tuple(sorted(_METRICS))


def _metric(name: str, *, per_target: bool = False) -> Callable[..., float]:
    """The function of a metric name; a per-target key (``"rmse[y0]"``) only if allowed."""
    base = base_metric(name)
    if base != name and not per_target and base in _METRICS:
        raise ValueError(f"{name!r} is a per-target score key, reported by score_all; "
                         f"compute {base!r} on that target's column instead")
    if base not in _METRICS:
        raise ValueError(f"unknown metric {name!r}; available: {', '.join(available_metrics())}"
                         " (per target: 'rmse[<target name>]')")
    return _METRICS[base]


def score(metric: str, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Compute the metric called ``metric`` (probabilities as ``y_pred`` for ``log_loss``
    and ``roc_auc``)."""
    return _metric(metric)(y_true, y_pred)


def score_all(
    task: str,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    y_proba: np.ndarray | None = None,
    *,
    labels: Sequence | None = None,
    target_names: Sequence[str] | None = None,
) -> dict[str, float]:
    """Compute every metric of ``task`` (``"regression"``, ``"binary"`` or ``"multiclass"``).

    Regression: the mean over targets of each metric and, with several targets, each
    target's value as ``"<metric>[<name>]"`` (names from ``target_names``, ``y0, y1, ...``
    by default). Classification: every label metric, with ``roc_auc`` and ``log_loss`` when
    ``y_proba`` is given; ``labels`` (the task's class list) fixes the classes scored.
    """
    if task not in _TASK_METRICS:
        raise ValueError(f"unknown task {task!r}; available: {', '.join(_TASK_METRICS)}")
    if task == "regression":
        t, p = pair(y_true, y_pred)
        per_target = {name: REGRESSION[name](t, p) for name in _TASK_METRICS[task]}
        scores = {name: float(np.mean(values)) for name, values in per_target.items()}
        if t.shape[1] > 1:
            names = [f"y{k}" for k in range(t.shape[1])] if target_names is None \
                else [str(n) for n in target_names]
            if len(names) != t.shape[1]:
                raise ValueError(f"{len(names)} target names for {t.shape[1]} targets")
            for name, values in per_target.items():
                scores.update({f"{name}[{target}]": float(v)
                               for target, v in zip(names, values, strict=True)})
        return scores
    scores = {"accuracy": accuracy(y_true, y_pred),
              "balanced_accuracy": balanced_accuracy(y_true, y_pred)}
    scores.update({name: _METRICS[name](y_true, y_pred, labels=labels)
                   for name in _LABEL_METRICS[2:]})
    if y_proba is not None:
        scores["roc_auc"] = roc_auc(y_true, y_proba, labels=labels)
        scores["log_loss"] = log_loss(y_true, y_proba, labels=labels)
    return scores


def confusion_table(records: Iterable[Any], *, labels: Sequence | None = None) -> np.ndarray:
    """Confusion matrix pooled over prediction records (``y_true``, ``y_pred``, ``classes``).

    The records are those of one chain, e.g. its out-of-fold ``"val"`` predictions over all
    folds or its final ``"test"`` predictions; classes are ``labels`` or the records' own.
    """
    records = list(records)
    if not records:
        raise ValueError("no prediction records to count; check the chain and partition")
    if labels is None and getattr(records[0], "classes", None) is not None:
        labels = list(records[0].classes)
    y_true = np.concatenate([np.asarray(r.y_true).ravel() for r in records])
    y_pred = np.concatenate([np.asarray(r.y_pred).ravel() for r in records])
    return confusion_matrix(y_true, y_pred, labels=labels)


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

    ``"rmse@sample"`` (a score on predictions aggregated per sample) ranks like ``"rmse"``;
    ``bias`` ranks by ``|bias|``: a bias of -0.5 is worse than one of 0.1.
    """
    metric = metric.partition("@")[0]
    _metric(metric, per_target=True)
    if math.isnan(value):
        return math.inf
    if base_metric(metric) == "bias":
        return abs(value)
    return -value if metric in HIGHER_IS_BETTER else value


def is_better(metric: str, a: float, b: float) -> bool:
    """Return whether score ``a`` is strictly better than ``b`` (any number beats NaN)."""
    if math.isnan(a):
        _metric(metric, per_target=True)
        return False
    return math.isnan(b) or sort_key(metric, a) < sort_key(metric, b)
