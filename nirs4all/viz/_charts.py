"""Drawing the chart steps of a pipeline (``"chart_2d"``, ``"fold_chart"``, ...).

The executor hands a :class:`~nirs4all.pipeline._charts.ChartData` to a
:class:`ChartRenderer`, which draws it and saves it as ``<stem>.png`` in the run's charts
folder and/or keeps it open in ``pyplot`` to be shown. Saving alone uses a standalone
:class:`~matplotlib.figure.Figure` on the Agg canvas (headless, no pyplot state). Only
``show=True`` goes through ``pyplot``, whose figures live in the calling process: with
``n_jobs > 1`` charts drawn in worker processes are saved but not shown.

What each kind draws (multi-source data: one panel per source):

- ``chart_2d``: the spectra, coloured by target (at most ``max_samples``, evenly spaced in
  target order; default 200); ``chart_3d``: the same as a 3D line plot, samples sorted by
  target along the depth axis;
- ``spectra_dist``: mean, mean ± one standard deviation, the 5-95 % band and the range;
- ``y_chart``: the target distribution of training and test rows (a bar per class for a
  classifier's labels);
- ``fold_chart``: one row per CV fold, training rows sorted by target, fit or validation;
- ``augment_chart``: original spectra in grey, augmented copies in colour;
- ``exclusion_chart``: the first two principal components of the rows, the excluded ones
  (training rows that the fold does not fit on) marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.viz._figure import DEFAULT_DPI, Figure
from nirs4all.viz._spectra import AXIS_LABELS

__all__ = ["ChartRenderer", "draw_chart"]

_DEFAULT_MAX = 200
_ROLE_COLOURS = {"train": "tab:blue", "test": "tab:orange", "excluded": "tab:red",
                 "augmented": "tab:green"}


def _targets(y: np.ndarray | None) -> np.ndarray | None:
    if y is None:
        return None
    y = np.asarray(y)
    return y[:, 0] if y.ndim == 2 else y


def _numeric(y: np.ndarray | None) -> bool:
    return y is not None and y.dtype.kind in "fiu"


def _picked(n: int, y: np.ndarray | None, limit: int) -> np.ndarray:
    """At most ``limit`` row positions, evenly spaced in target order."""
    order = np.argsort(y, kind="stable") if _numeric(y) else np.arange(n)
    if n <= limit:
        return order
    return order[np.linspace(0, n - 1, limit).round().astype(int)]


def _colours(values: np.ndarray | None, n: int) -> Any:
    from matplotlib import colormaps

    if not _numeric(values) or n == 0:
        return ["tab:blue"] * n
    span = float(np.ptp(values)) or 1.0
    return colormaps["viridis"]((values - values.min()) / span)


def _xlabel(axis: tuple[np.ndarray, str]) -> str:
    return AXIS_LABELS.get(axis[1], axis[1])


def _spectra(fig: Any, data: Any, limit: int) -> None:
    y = _targets(data.y)
    base = np.flatnonzero(data.roles != "augmented")
    for i, (X, axis) in enumerate(zip(data.X, data.axes, strict=True)):
        ax = fig.add_subplot(1, len(data.X), i + 1)
        rows = base[_picked(base.size, None if y is None else y[base], limit)]
        for row, colour in zip(rows, _colours(None if y is None else y[rows], rows.size),
                               strict=True):
            ax.plot(axis[0], X[row], color=colour, linewidth=0.7)
        ax.set(xlabel=_xlabel(axis), ylabel="Signal", title=f"{rows.size} spectra")


def _spectra_3d(fig: Any, data: Any, limit: int) -> None:
    y = _targets(data.y)
    base = np.flatnonzero(data.roles != "augmented")
    for i, (X, axis) in enumerate(zip(data.X, data.axes, strict=True)):
        ax = fig.add_subplot(1, len(data.X), i + 1, projection="3d")
        rows = base[_picked(base.size, None if y is None else y[base], limit)]
        depth = np.arange(rows.size) if not _numeric(y) else y[rows]
        for row, z, colour in zip(rows, depth, _colours(depth, rows.size), strict=True):
            ax.plot(axis[0], np.full(axis[0].shape, z, dtype=float), X[row], color=colour,
                    linewidth=0.6)
        ax.set(xlabel=_xlabel(axis), ylabel="Target" if _numeric(y) else "Sample",
               zlabel="Signal")


def _distribution(fig: Any, data: Any, limit: int) -> None:
    base = np.flatnonzero(data.roles != "augmented")
    for i, (X, axis) in enumerate(zip(data.X, data.axes, strict=True)):
        ax = fig.add_subplot(1, len(data.X), i + 1)
        values, w = X[base], axis[0]
        mean, std = values.mean(axis=0), values.std(axis=0)
        low, high = np.percentile(values, [5, 95], axis=0)
        ax.fill_between(w, values.min(axis=0), values.max(axis=0), color="0.9", label="range")
        ax.fill_between(w, low, high, color="tab:blue", alpha=0.25, label="5-95 %")
        ax.fill_between(w, mean - std, mean + std, color="tab:blue", alpha=0.4,
                        label="mean ± std")
        ax.plot(w, mean, color="tab:blue", label="mean")
        ax.set(xlabel=_xlabel(axis), ylabel="Signal", title=f"{base.size} spectra")
        ax.legend(loc="best", fontsize="small")


def _y_chart(fig: Any, data: Any, limit: int) -> None:
    ax = fig.add_subplot(1, 1, 1)
    y = _targets(data.y)
    if y is None:
        ax.text(0.5, 0.5, "no targets", ha="center", va="center", transform=ax.transAxes)
        return
    parts = {role: y[data.roles == role] for role in ("train", "test")}
    if _numeric(y) and np.unique(y).size > 20:
        bins = np.histogram_bin_edges(y[data.roles != "augmented"], bins=30)
        for role, values in parts.items():
            if values.size:
                ax.hist(values, bins=bins, alpha=0.6, label=f"{role} ({values.size})",
                        color=_ROLE_COLOURS[role])
        ax.set(xlabel="Target", ylabel="Rows")
    else:
        labels = np.unique(y)
        width = 0.4
        for shift, (role, values) in zip((-width / 2, width / 2), parts.items(), strict=True):
            counts = [int(np.count_nonzero(values == label)) for label in labels]
            ax.bar(np.arange(labels.size) + shift, counts, width, label=role,
                   color=_ROLE_COLOURS[role])
        ax.set_xticks(np.arange(labels.size), [str(v) for v in labels])
        ax.set(xlabel="Class", ylabel="Rows")
    ax.legend(loc="best")


def _fold_chart(fig: Any, data: Any, limit: int) -> None:
    ax = fig.add_subplot(1, 1, 1)
    if not data.folds:
        ax.text(0.5, 0.5, "no cross-validation folds at this point (the splitter comes "
                "later)", ha="center", va="center", transform=ax.transAxes)
        return
    train = np.unique(np.concatenate([np.concatenate(f) for f in data.folds]))
    y = _targets(data.y)
    order = train[np.argsort(y[train], kind="stable")] if _numeric(y) else train
    grid = np.full((len(data.folds), order.size), np.nan)
    position = {int(row): j for j, row in enumerate(order)}
    for i, (fit, val) in enumerate(data.folds):
        grid[i, [position[int(r)] for r in fit]] = 0.0
        grid[i, [position[int(r)] for r in val]] = 1.0
    from matplotlib.colors import ListedColormap

    ax.imshow(grid, aspect="auto", interpolation="nearest",
              cmap=ListedColormap([_ROLE_COLOURS["train"], _ROLE_COLOURS["test"]]))
    ax.set_yticks(np.arange(len(data.folds)), [f"fold {i}" for i in range(len(data.folds))])
    ax.set(xlabel="Training rows" + (" (sorted by target)" if _numeric(y) else ""),
           title="fit (blue) / validation (orange)")


def _augment_chart(fig: Any, data: Any, limit: int) -> None:
    for i, (X, axis) in enumerate(zip(data.X, data.axes, strict=True)):
        ax = fig.add_subplot(1, len(data.X), i + 1)
        for role, colour in (("augmented", _ROLE_COLOURS["augmented"]), ("train", "0.3")):
            rows = np.flatnonzero(data.roles == role)[:limit]
            for row in rows:
                ax.plot(axis[0], X[row], color=colour, linewidth=0.6)
            ax.plot([], [], color=colour, label=f"{role} ({np.count_nonzero(data.roles == role)})")
        ax.set(xlabel=_xlabel(axis), ylabel="Signal")
        ax.legend(loc="best", fontsize="small")


def _exclusion_chart(fig: Any, data: Any, limit: int) -> None:
    ax = fig.add_subplot(1, 1, 1)
    rows = np.flatnonzero(data.roles != "augmented")
    X = np.hstack([x[rows] for x in data.X])
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    scores = centred @ vt[:2].T
    if scores.shape[1] < 2:
        scores = np.column_stack([scores, np.zeros(scores.shape[0])])
    roles = data.roles[rows]
    for role in ("train", "test", "excluded"):
        mask = roles == role
        ax.scatter(scores[mask, 0], scores[mask, 1], s=12, color=_ROLE_COLOURS[role],
                   label=f"{role} ({int(mask.sum())})", marker="x" if role == "excluded" else "o")
    ax.set(xlabel="PC 1", ylabel="PC 2")
    ax.legend(loc="best")


_DRAW = {"chart_2d": _spectra, "chart_3d": _spectra_3d, "spectra_dist": _distribution,
         "y_chart": _y_chart, "fold_chart": _fold_chart, "augment_chart": _augment_chart,
         "exclusion_chart": _exclusion_chart}


def draw_chart(data: Any, *, figure: Any | None = None) -> Figure:
    """Draw one chart step's data (see the module docstring) on ``figure`` or a new one."""
    draw = _DRAW.get(data.kind)
    if draw is None:
        raise ValueError(f"unknown chart kind {data.kind!r}; kinds are {sorted(_DRAW)}")
    fig = figure if figure is not None else Figure(figsize=(8, 4.5), layout="constrained")
    draw(fig, data, int(data.options.get("max_samples", _DEFAULT_MAX)))
    fig.suptitle(data.title, fontsize="medium")
    return fig


@dataclass(frozen=True)
class ChartRenderer:
    """Draw chart steps: save each as ``folder/<stem>.png`` and/or open it in pyplot."""

    folder: Path | None
    show: bool = False
    dpi: int = DEFAULT_DPI

    def __call__(self, data: Any) -> Path | None:
        """Draw ``data``; return the PNG written, if any."""
        figure = None
        if self.show:
            import matplotlib.pyplot as plt

            figure = plt.figure(figsize=(8, 4.5), layout="constrained")
        fig = draw_chart(data, figure=figure)
        if self.folder is None:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{data.stem}.png"
        fig.savefig(path, dpi=self.dpi)
        return path
