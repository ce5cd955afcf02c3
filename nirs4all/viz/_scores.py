"""Score plots across chains and folds: the CV heatmap and per-fold bars."""

from __future__ import annotations

import math
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.pipeline.canonical import short_id
from nirs4all.pipeline.folds import sort_fold_keys
from nirs4all.pipeline.metrics import HIGHER_IS_BETTER, is_better
from nirs4all.viz._figure import DEFAULT_DPI, Figure, finish, metric_label, new_figure, wrap
from nirs4all.viz._grid import CHAIN_KEYS, infer_columns, last_segment, resolve_key, score_grid
from nirs4all.viz._select import find_chain

if TYPE_CHECKING:
    from nirs4all.pipeline.records import ChainRecord
    from nirs4all.viz._types import ResultView, SummaryView

__all__ = ["plot_cv_heatmap", "plot_fold_scores"]


def plot_cv_heatmap(
    result: ResultView,
    *,
    rows: str = "preprocessing",
    cols: str | None = None,
    metric: str | None = None,
    partition: str = "val",
    figsize: tuple[float, float] | None = None,
    path: str | PathLike[str] | None = None,
    dpi: int = DEFAULT_DPI,
) -> Figure:
    """Pooled cross-validation scores of every chain on a grid (rows x columns), annotated.

    The colour map follows the metric's direction, so the best cell has the same colour
    (yellow, at the top of the colour bar) whether the metric is better high (R², accuracy)
    or low (RMSE); the best cell is outlined. Combinations that were not run stay blank.
    When several chains fall in one cell (branches of one variant grouped on a key they
    share) the best is shown and the title counts the others.

    Parameters
    ----------
    result : RunResult
        What :func:`nirs4all.run` returned, for one dataset.
    rows, cols : str
        What the rows and columns group by: ``"preprocessing"``, ``"model_name"``,
        ``"model_class"``, ``"dataset"``, or a generator choice path such as
        ``"steps[2].model.n_components"`` (its last segment, ``"n_components"``, suffices).
        ``cols`` defaults to the first swept parameter (a choice path ending in a name),
        else ``"model_name"``.
    metric : str, optional
        A metric of the chains' pooled CV scores; the ranking metric by default.
    partition : {"val", "test"}, default="val"
        ``"test"`` shows the refitted models' test scores instead (chains that were not
        refitted stay blank).
    figsize : tuple of float, optional
        Figure size in inches; by default it grows with the grid.
    path : str or PathLike, optional
        Save the figure there.
    dpi : int
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[0].images[0].get_array()`` holds the grid (masked where blank).

    Raises
    ------
    ValueError
        For a result without CV scores, an unknown metric, or a key that names no chain
        field or generator choice.
    """
    if not result.chains:
        raise ValueError("this result has no chains to plot (did every variant fail?)")
    if partition not in ("val", "test"):
        raise ValueError(f"partition must be 'val' or 'test'; got {partition!r}")
    summaries = result.top(len(result.chains))
    metric = metric or summaries[0].metric
    testing = partition == "test"
    _check_metric(summaries, metric, testing)
    rows = resolve_key(rows, summaries)
    cols = infer_columns(summaries, rows) if cols is None else resolve_key(cols, summaries)
    row_labels, col_labels, grid, hidden = score_grid(result, rows, cols, metric, partition)
    higher = metric in HIGHER_IS_BETTER
    longest = max(len(label) for label in row_labels)
    if figsize is None:
        width = 3.0 + 0.09 * min(longest, 40) + 1.1 * len(col_labels)
        figsize = (min(max(width, 6.0), 16.0), min(max(2.2 + 0.55 * len(row_labels), 3.5), 14.0))
    fig, ax = new_figure(figsize)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="viridis" if higher else "viridis_r",
                      aspect="auto")
    best = _annotate(ax, image, grid, metric)
    if best is not None:
        from matplotlib.patches import Rectangle

        inset = 0.04  # keeps the outline off the axes frame
        ax.add_patch(Rectangle((best[1] - 0.5 + inset, best[0] - 0.5 + inset), 1 - 2 * inset,
                               1 - 2 * inset, fill=False, edgecolor="red", linewidth=2.0))
    ax.set_xticks(range(len(col_labels)), [wrap(c, 18) for c in col_labels])
    ax.set_yticks(range(len(row_labels)), [wrap(r, 40) for r in row_labels])
    ax.set_xlabel(CHAIN_KEYS.get(cols, last_segment(cols)))
    ax.set_ylabel(CHAIN_KEYS.get(rows, last_segment(rows)))
    colorbar = fig.colorbar(image, ax=ax, label=f"{'test' if testing else 'CV'} "
                            f"{metric_label(metric)}")
    if not higher:
        colorbar.ax.invert_yaxis()  # best at the top of the bar, whatever the direction
    direction = "higher" if higher else "lower"
    title = (f"{'Final-model test' if testing else 'Pooled cross-validation'} "
             f"{metric_label(metric)}\n"
             f"{direction} is better; best outlined")
    if hidden:
        title += f"\n{hidden} chain(s) hidden behind a better one in the same cell"
    ax.set_title(title, fontsize=10)
    return finish(fig, path, dpi)


def _check_metric(summaries: list[SummaryView], metric: str, testing: bool) -> None:
    """Refuse a metric no chain scored, listing those scored."""
    available = sorted({m for s in summaries for m in (s.test_scores if testing
                                                        else s.cv_scores)})
    if metric not in available:
        what = "final-model test" if testing else "cross-validation"
        why = ("none (no chain was refitted, or the dataset has no test partition)"
               if testing else "none (the pipeline has no splitter)")
        raise ValueError(f"no chain has a {what} {metric!r} score; available: "
                         f"{available or why}")


def _annotate(ax: Any, image: Any, grid: np.ndarray, metric: str) -> tuple[int, int] | None:
    """Write each cell's value in a colour readable on it; return the best cell."""
    best = None
    for (i, j), value in np.ndenumerate(grid):
        if math.isnan(value):
            continue
        if best is None or is_better(metric, value, grid[best]):
            best = (i, j)
        red, green, blue, _ = image.cmap(image.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(j, i, f"{value:.4g}", ha="center", va="center", fontsize=9,
                color="white" if dark else "black")
    return best


def plot_fold_scores(
    result: ResultView,
    chain: str | ChainRecord | SummaryView | None = None,
    *,
    metric: str | None = None,
    figsize: tuple[float, float] = (6.5, 4.0),
    path: str | PathLike[str] | None = None,
    dpi: int = DEFAULT_DPI,
) -> Figure:
    """Validation score of each CV fold of one chain, with its pooled CV score as a line.

    The pooled score is computed once on all out-of-fold predictions, so it is not the mean
    of the bars (for RMSE it is the root of the mean of the squared bars, weighted by fold
    size). The final model's test score is drawn too when the chain has one.

    Parameters
    ----------
    result : RunResult
        What :func:`nirs4all.run` returned.
    chain : str, ChainRecord or ChainSummary, optional
        The chain to plot (a chain id or a unique prefix of one); the best by default.
    metric : str, optional
        The metric to show; the ranking metric by default.
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
        For an unknown chain, a chain without CV folds, or a metric the folds lack.
    """
    record = find_chain(result, chain)
    metric = metric or record.metric
    folds = sort_fold_keys(record.fold_scores)
    if not folds:
        raise ValueError(f"chain {short_id(record.chain_id)} has no cross-validation folds "
                         "(the pipeline has no splitter)")
    if any(metric not in record.fold_scores[f] for f in folds):
        raise ValueError(f"the folds have no {metric!r} score; available: "
                         f"{sorted(record.fold_scores[folds[0]])}")
    values = [float(record.fold_scores[f][metric]) for f in folds]
    fig, ax = new_figure(figsize)
    bars = ax.bar(range(len(folds)), values, color="C0", alpha=0.85, width=0.6)
    ax.bar_label(bars, fmt="%.4g", fontsize=8, padding=2)
    pooled = record.cv_scores.get(metric, math.nan)
    if not math.isnan(pooled):
        ax.axhline(pooled, color="C1", linestyle="--", linewidth=1.5,
                   label=f"pooled CV = {pooled:.4g}")
    test = record.test_scores.get(metric, math.nan)
    if not math.isnan(test):
        ax.axhline(test, color="C2", linestyle=":", linewidth=1.5,
                   label=f"final model, test = {test:.4g}")
    ax.set_xticks(range(len(folds)), [f"fold {f}" for f in folds])
    direction = "higher" if metric in HIGHER_IS_BETTER else "lower"
    ax.set_ylabel(f"{metric_label(metric)} ({direction} is better)")
    ax.margins(y=0.15)
    ax.grid(True, axis="y", linewidth=0.4, alpha=0.5)
    pre = record.preprocessing or "no preprocessing"
    ax.set_title(f"Validation {metric_label(metric)} per fold\n"
                 f"{wrap(f'{record.model_name} / {pre}', 70)}", fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return finish(fig, path, dpi)
