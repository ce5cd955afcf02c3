"""Prediction plots of one chain: predicted vs observed (or a confusion matrix), residuals."""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING

import numpy as np

from nirs4all.pipeline import metrics
from nirs4all.viz._figure import (
    DEFAULT_DPI,
    Figure,
    finish,
    metric_label,
    metric_text,
    new_figure,
    wrap,
)
from nirs4all.viz._select import Selection, select_predictions

if TYPE_CHECKING:
    from nirs4all.pipeline.records import ChainRecord
    from nirs4all.viz._types import ResultView, SummaryView

__all__ = ["plot_predicted_vs_observed", "plot_residuals"]

_REGRESSION_BOX = ("rmse", "r2", "bias", "sep", "rpd")
_CLASSIFICATION_LINE = ("accuracy", "balanced_accuracy", "f1", "log_loss")
_BOX = {"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7", "alpha": 0.9}


def plot_predicted_vs_observed(
    result: ResultView,
    chain: str | ChainRecord | SummaryView | None = None,
    *,
    partition: str = "test",
    target: int = 0,
    figsize: tuple[float, float] = (6.0, 6.0),
    path: str | PathLike[str] | None = None,
    dpi: int = DEFAULT_DPI,
) -> Figure:
    """Predicted against observed values of one chain, with the 1:1 line and its metrics.

    For a classifier the figure is a confusion matrix (true label in rows, predicted label
    in columns) with accuracy, balanced accuracy and F1 in the title.

    Parameters
    ----------
    result : RunResult
        What :func:`nirs4all.run` returned.
    chain : str, ChainRecord or ChainSummary, optional
        The chain to plot: a chain id, a unique prefix of one (``short_id``), or a record.
        Defaults to the best chain.
    partition : {"test", "val", "train"}
        ``"test"``: the final (refitted) model on the test partition, or the pooled
        out-of-fold predictions when the chain has none; ``"val"``: the pooled out-of-fold
        predictions; ``"train"``: the final model on its own training rows. The title says
        which predictions are shown.
    target : int
        Target column of a multi-target regression.
    figsize : tuple of float
        Figure size in inches.
    path : str or PathLike, optional
        Save the figure there (format from the suffix, PNG for ``.png``).
    dpi : int
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the metrics in its text box are the stored scores of these rows (RMSE,
        R², bias, SEP, RPD; for one target of several, computed for that target).

    Raises
    ------
    ValueError
        For an unknown partition or chain, or a chain without such predictions.
    """
    selection = select_predictions(result, chain, partition, target)
    if selection.is_classification:
        fig = _confusion_matrix(selection, figsize)
        return finish(fig, path, dpi)
    t, p = selection.y_true, selection.y_pred
    finite = np.isfinite(t) & np.isfinite(p)
    if not finite.any():
        raise ValueError(f"the predictions ({selection.source}) are all NaN or infinite; "
                         "nothing to plot")
    t, p = t[finite], p[finite]
    fig, ax = new_figure(figsize)
    low, high = float(min(t.min(), p.min())), float(max(t.max(), p.max()))
    pad = 0.05 * (high - low) or 1.0
    limits = (low - pad, high + pad)
    ax.plot(limits, limits, color="0.2", linestyle="--", linewidth=1.2, label="1:1 line",
            zorder=2)
    if len(t) > 1 and np.ptp(t) > 0:
        slope, intercept = np.polyfit(t, p, 1)
        ax.plot(limits, [slope * x + intercept for x in limits], color="C3", linewidth=1.0,
                alpha=0.8, label=f"least-squares fit (slope {slope:.3g})", zorder=2)
    ax.scatter(t, p, s=24, alpha=0.8, edgecolors="white", linewidths=0.5, color="C0",
               label="samples", zorder=3)
    ax.set_xlim(limits)
    ax.set_ylim(limits)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("Observed")
    ax.set_ylabel("Predicted")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.set_title(f"Predicted vs observed\n{wrap(selection.title, 60)}\n{selection.source}",
                 fontsize=10)
    box = metric_text(selection.scores, _REGRESSION_BOX)
    ax.text(0.03, 0.97, box, transform=ax.transAxes, va="top", ha="left", fontsize=9,
            bbox=_BOX, zorder=4)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return finish(fig, path, dpi)


def _confusion_matrix(selection: Selection, figsize: tuple[float, float]) -> Figure:
    t, p = selection.y_true, selection.y_pred
    classes = (selection.classes if selection.classes is not None
               else np.unique(np.concatenate([t, p])))
    index = {label: i for i, label in enumerate(classes.tolist())}
    counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(counts, ([index[v] for v in t.tolist()], [index[v] for v in p.tolist()]), 1)
    fig, ax = new_figure(figsize)
    image = ax.imshow(counts, cmap="Blues", vmin=0)
    threshold = counts.max() / 2
    for (row, col), count in np.ndenumerate(counts):
        ax.text(col, row, str(count), ha="center", va="center", fontsize=10,
                color="white" if count > threshold else "black")
    labels = [str(c) for c in classes]
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    fig.colorbar(image, ax=ax, shrink=0.8, label="samples")
    scores = " · ".join(line.replace(" = ", " ")
                        for line in metric_text(selection.scores, _CLASSIFICATION_LINE)
                        .splitlines())
    ax.set_title(f"Confusion matrix\n{wrap(selection.title, 60)}\n{selection.source}\n{scores}",
                 fontsize=10)
    return fig


def plot_residuals(
    result: ResultView,
    chain: str | ChainRecord | SummaryView | None = None,
    *,
    partition: str = "test",
    target: int = 0,
    figsize: tuple[float, float] = (7.0, 4.5),
    path: str | PathLike[str] | None = None,
    dpi: int = DEFAULT_DPI,
) -> Figure:
    """Residuals (predicted - observed) against predicted values of one regression chain.

    The band is ``bias ± 2·SEP``: SEP is the bias-corrected standard deviation of the
    residuals (ISO 12099), so about 95 % of normally distributed residuals fall inside it
    and the points outside are drawn in another colour as candidate outliers. The zero
    line and the bias line are drawn too.

    Parameters
    ----------
    result : RunResult
        What :func:`nirs4all.run` returned.
    chain : str, ChainRecord or ChainSummary, optional
        The chain to plot (see :func:`plot_predicted_vs_observed`); the best by default.
    partition : {"test", "val", "train"}
        Which predictions, as in :func:`plot_predicted_vs_observed`.
    target : int
        Target column of a multi-target regression.
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
        For a classifier, an unknown partition or chain, or a chain without such predictions.
    """
    selection = select_predictions(result, chain, partition, target)
    if selection.is_classification:
        raise ValueError("residuals need a regression chain; this chain is a classifier (plot "
                         "its confusion matrix with plot_predicted_vs_observed)")
    t, p = selection.y_true, selection.y_pred
    residuals = p - t
    bias = float(selection.scores.get("bias", metrics.bias(t, p)))
    sep = float(selection.scores.get("sep", metrics.sep(t, p)))
    fig, ax = new_figure(figsize)
    ax.axhline(0.0, color="0.2", linewidth=1.0, label="zero", zorder=2)
    outside = np.zeros(len(t), dtype=bool)
    if np.isfinite(sep):
        ax.axhspan(bias - 2 * sep, bias + 2 * sep, color="C0", alpha=0.12, linewidth=0,
                   label=f"bias ± 2·SEP (SEP = {sep:.3g})", zorder=1)
        outside = np.abs(residuals - bias) > 2 * sep
    ax.axhline(bias, color="C1", linestyle="--", linewidth=1.0,
               label=f"{metric_label('bias').lower()} = {bias:.3g}", zorder=2)
    ax.scatter(p[~outside], residuals[~outside], s=22, alpha=0.8, color="C0",
               edgecolors="white", linewidths=0.5, label="samples", zorder=3)
    if outside.any():
        ax.scatter(p[outside], residuals[outside], s=30, color="C3", edgecolors="white",
                   linewidths=0.5, label=f"outside the band ({int(outside.sum())})", zorder=3)
    ax.set_xlabel("Predicted")
    ax.set_ylabel("Residual (predicted - observed)")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.set_title(f"Residuals\n{wrap(selection.title, 70)}\n{selection.source}", fontsize=10)
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return finish(fig, path, dpi)
