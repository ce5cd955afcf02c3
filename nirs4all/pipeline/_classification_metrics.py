"""Classification metrics from a confusion matrix or from class probabilities.

Labels are one per sample. The class list is sorted (scikit-learn's ``classes_`` order);
with two classes the positive class is the last one (``1`` of ``{0, 1}``). Per-class
scores whose denominator is 0 count as 0, as scikit-learn's ``zero_division=0``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["classes_of", "confusion_matrix", "labels_of", "per_class", "proba_matrix", "roc_auc"]


def labels_of(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays as ``(n,)`` after checking that their shapes agree."""
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


def classes_of(t: np.ndarray, p: np.ndarray, labels: Sequence | None) -> np.ndarray:
    """The sorted class list: ``labels``, or every label seen in ``t`` or ``p``."""
    return np.unique(np.concatenate([t, p]) if labels is None else np.asarray(labels))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, *,
                     labels: Sequence | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of class ``i`` predicted as class ``j`` (int64).

    Rows and columns follow the sorted class list (``labels`` or the labels seen). Labels
    outside ``labels`` are an error.
    """
    t, p = labels_of(y_true, y_pred)
    classes = classes_of(t, p, labels)
    rows, cols = np.searchsorted(classes, t), np.searchsorted(classes, p)
    for name, index, values in (("y_true", rows, t), ("y_pred", cols, p)):
        inside = index < classes.size
        if not inside.all() or np.any(classes[index[inside]] != values[inside]):
            raise ValueError(f"{name} holds labels outside the class list {classes.tolist()}")
    matrix = np.zeros((classes.size, classes.size), dtype=np.int64)
    np.add.at(matrix, (rows, cols), 1)
    return matrix


def per_class(matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, specificity, F1 and support of each class of a confusion matrix."""
    tp = np.diag(matrix).astype(np.float64)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    fp, fn = predicted - tp, actual - tp
    tn = matrix.sum() - tp - fp - fn

    def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.zeros_like(num), where=den > 0)

    return {"precision": share(tp, tp + fp), "recall": share(tp, tp + fn),
            "specificity": share(tn, tn + fp), "f1": share(2 * tp, 2 * tp + fp + fn),
            "support": actual.astype(np.float64)}


def proba_matrix(y_true: np.ndarray, y_proba: np.ndarray,
                 labels: Sequence | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(labels (n,), proba (n, n_classes), classes)`` after checking shapes and labels.

    A ``(n,)`` ``y_proba`` is the probability of the positive class of a binary task.
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
    column = np.searchsorted(classes, t)
    if np.any(column >= classes.size) or np.any(classes[np.minimum(column, classes.size - 1)] != t):
        raise ValueError(f"y_true holds labels outside the class list {classes.tolist()}")
    return t, proba, classes


def _auc(positive: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve by the Mann-Whitney statistic (ties count one half)."""
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return np.nan
    from scipy.stats import rankdata  # scipy.stats is slow to import; only AUC needs it

    ranks = rankdata(score)  # average ranks: a tie between classes counts one half
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_auc(y_true: np.ndarray, y_proba: np.ndarray, *, labels: Sequence | None = None) -> float:
    """Area under the ROC curve (Hanley and McNeil, 1982).

    Binary: the AUC of the positive-class probability. More classes: the mean of the
    one-vs-rest AUCs (each class's probability against all others; scikit-learn's
    ``multi_class="ovr", average="macro"``) over the classes that occur in ``y_true`` and
    do not make up all of it. NaN when no class qualifies.
    """
    t, proba, classes = proba_matrix(y_true, y_proba, labels)
    if classes.size == 2:
        return _auc(t == classes[1], proba[:, 1])
    aucs = [_auc(t == c, proba[:, k]) for k, c in enumerate(classes)]
    defined = [a for a in aucs if not np.isnan(a)]
    return float(np.mean(defined)) if defined else np.nan
