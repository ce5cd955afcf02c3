"""Figure plumbing shared by the plots: the matplotlib import guard, creation and saving.

Figures are built with :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no global figure registry, no backend selection, no ``show()``. Saving a PNG
uses the Agg canvas that ``Figure.savefig`` picks for the format, so every plot works on a
machine without a display.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

try:
    from matplotlib.figure import Figure
except ImportError as exc:  # the optional ``viz`` extra is not installed
    raise ImportError(
        'nirs4all.viz needs matplotlib, which is not installed; install the plotting extra '
        'with: pip install "nirs4all[viz]"'
    ) from exc

__all__ = ["DEFAULT_DPI", "Figure", "finish", "metric_label", "metric_text", "new_figure", "wrap"]

DEFAULT_DPI = 150

_METRIC_LABELS = {
    "rmse": "RMSE", "mse": "MSE", "mae": "MAE", "r2": "R²", "rpd": "RPD", "bias": "Bias",
    "sep": "SEP", "accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy",
    "f1": "F1", "log_loss": "Log loss",
}  # fmt: skip


def new_figure(figsize: tuple[float, float], nrows: int = 1, ncols: int = 1,
               **subplot_kw: Any) -> tuple[Figure, Any]:
    """A standalone figure (no pyplot state) and its axes, with constrained layout."""
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def finish(fig: Figure, path: str | PathLike[str] | None, dpi: int) -> Figure:
    """Save ``fig`` as an image at ``path`` when one is given, and return it."""
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig


def wrap(text: str, width: int = 70) -> str:
    """Break a long label (a preprocessing chain) onto several lines."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def metric_label(name: str) -> str:
    """Display name of a metric (``"r2"`` -> ``"R²"``)."""
    return _METRIC_LABELS.get(name, name)


def metric_text(scores: Mapping[str, float], names: Iterable[str]) -> str:
    """One ``"RMSE = 0.0123"`` line per metric present in ``scores``."""
    lines = []
    for name in names:
        value = scores.get(name)
        if value is not None and not math.isnan(value):
            lines.append(f"{metric_label(name)} = {value:.4g}")
    return "\n".join(lines)
