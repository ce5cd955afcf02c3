"""ROC curve of one classifier chain: binary, or one-vs-rest for every class."""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import auc, roc_curve

from nirs4all.viz._figure import DEFAULT_DPI, Figure, finish, new_figure, wrap
from nirs4all.viz._select import select_predictions

if TYPE_CHECKING:
    from nirs4all.pipeline.records import ChainRecord
    from nirs4all.viz._types import ResultView, SummaryView

__all__ = ["plot_roc", "roc_curves"]


def roc_curves(y_true: np.ndarray, y_proba: np.ndarray, classes: np.ndarray,
               ) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """``(label, fpr, tpr, auc)`` per curve, from stored class probabilities.

    Two classes give one curve, the second class (``classes[1]``) as positive; more give
    one one-vs-rest curve per class that occurs in ``y_true`` among others (a class with no
    sample, or the only class present, has no ROC curve and is skipped).
    """
    y_proba = np.asarray(y_proba, dtype=np.float64)
    if y_proba.ndim != 2 or y_proba.shape != (len(y_true), len(classes)):
        raise ValueError(f"y_proba must have shape (n_samples, n_classes) = "
                         f"({len(y_true)}, {len(classes)}); got {y_proba.shape}")
    positives = [1] if len(classes) == 2 else range(len(classes))
    curves = []
    for column in positives:
        hits = np.asarray(y_true) == classes[column]
        if hits.all() or not hits.any():
            continue
        fpr, tpr, _ = roc_curve(hits, y_proba[:, column])
        curves.append((str(classes[column]), fpr, tpr, float(auc(fpr, tpr))))
    return curves


def plot_roc(
    result: ResultView,
    chain: str | ChainRecord | SummaryView | None = None,
    *,
    partition: str = "test",
    figsize: tuple[float, float] = (6.0, 6.0),
    path: str | PathLike[str] | None = None,
    dpi: int = DEFAULT_DPI,
) -> Figure:
    """ROC curve of a classifier chain from its stored class probabilities, with its AUC.

    Binary tasks get one curve (the second class as positive); multiclass tasks one
    one-vs-rest curve per class. The chance diagonal is drawn for reference.

    Parameters
    ----------
    result : RunResult
        What :func:`nirs4all.run` returned.
    chain : str, ChainRecord or ChainSummary, optional
        The chain to plot (an id, a unique prefix of one, or a record); the best by default.
    partition : {"test", "val", "train"}
        Which predictions, as in :func:`plot_predicted_vs_observed`.
    figsize : tuple of float
        Figure size in inches.
    path : str or PathLike, optional
        Save the figure there.
    dpi : int
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For a regression chain, a chain whose model stored no probabilities (no
        ``predict_proba``), or predictions where no class has both positives and negatives.
    """
    selection = select_predictions(result, chain, partition)
    if not selection.is_classification or selection.classes is None:
        raise ValueError("plot_roc needs a classifier chain; this chain predicts a "
                         "regression target (plot it with plot_predicted_vs_observed)")
    if selection.y_proba is None:
        raise ValueError(f"chain {selection.chain.model_name} stored no class probabilities "
                         "(its model has no predict_proba), so it has no ROC curve")
    curves = roc_curves(selection.y_true, selection.y_proba, selection.classes)
    if not curves:
        raise ValueError(f"the predictions ({selection.source}) have a single class; a ROC "
                         "curve needs positives and negatives")
    fig, ax = new_figure(figsize)
    ax.plot([0, 1], [0, 1], color="0.5", linestyle="--", linewidth=1.0, label="chance")
    binary = len(selection.classes) == 2
    for i, (label, fpr, tpr, area) in enumerate(curves):
        name = f"positive class {label}" if binary else f"{label} vs rest"
        ax.plot(fpr, tpr, color=f"C{i % 10}", linewidth=1.6,
                label=f"{name} (AUC {area:.3f})", drawstyle="steps-post")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("False positive rate")
    ax.set_ylabel("True positive rate")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    kind = "ROC curve" if binary else "ROC curves, one vs rest"
    ax.set_title(f"{kind}\n{wrap(selection.title, 60)}\n{selection.source}", fontsize=10)
    return finish(fig, path, dpi)
