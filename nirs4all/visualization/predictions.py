"""``PredictionAnalyzer``: the 0.x plot object over a run's predictions (``viz`` extra).

0.7 scripts build ``PredictionAnalyzer(result.predictions)`` and call its ``plot_*``
methods. Each method here returns a :class:`matplotlib.figure.Figure` built without
``pyplot`` (nothing is shown, no backend is selected, headless-safe) and saves it when given
``path=``. Scores are read from the run's records, never recomputed: a bar or a cell shows
exactly what :meth:`RunResult.top` reports.

Argument names follow 0.7 (``rank_metric``, ``display_metric``, ``display_partition``,
``x_var``/``y_var`` with the 0.7 field names ``preprocessings``, ``model_name``,
``model_classname``, ``dataset_name``, or a swept parameter such as ``n_components``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from os import PathLike
from typing import Any

import numpy as np

from nirs4all.api.predictions import Predictions
from nirs4all.api.result import ChainSummary, RunResult
from nirs4all.pipeline.folds import sort_fold_keys
from nirs4all.pipeline.metrics import HIGHER_IS_BETTER
from nirs4all.viz import plot_cv_heatmap
from nirs4all.viz._figure import DEFAULT_DPI, Figure, finish, metric_label, new_figure, wrap
from nirs4all.viz._select import Selection, select_predictions

__all__ = ["PredictionAnalyzer"]

_FIELDS = {"preprocessings": "preprocessing", "model_classname": "model_class",
           "dataset_name": "dataset", "model_name": "model_name"}
_PARTITIONS = ("val", "test")
Path = str | PathLike[str] | None


def _branch_label(path: tuple[int, ...]) -> str:
    return "branch " + ".".join(map(str, path)) if path else "(no branch)"


class PredictionAnalyzer:
    """Plots over one run's ranked chains and their predictions.

    Parameters
    ----------
    predictions : RunResult or Predictions
        What :func:`nirs4all.run` returned, or its ``predictions`` facade.
    default_aggregate : str, optional
        0.7's repetition column for per-sample aggregation. Repetitions arrive with
        issue 14; until then a value other than None is refused rather than ignored.
    dpi : int, default=150
        Resolution of saved images.
    """

    def __init__(self, predictions: RunResult | Predictions, default_aggregate: str | None =
                 None, *, dpi: int = DEFAULT_DPI) -> None:
        if default_aggregate is not None:
            # Repetitions arrive with issue 14: refused rather than silently ignored.
            refused = ("default_aggregate= needs repetition aggregation, which this release "
                       "does not have yet; plot per spectrum")
            raise NotImplementedError(refused)  # a 0.x option refused, never ignored
        result = getattr(predictions, "_result", predictions)
        if not isinstance(result, RunResult):
            raise TypeError("PredictionAnalyzer takes a RunResult or its .predictions; got "
                            f"{type(predictions).__name__}")
        self.result = result
        self.dpi = dpi

    # -- helpers ------------------------------------------------------------------------

    def _runs(self) -> list[RunResult]:
        return list(self.result.per_dataset.values())

    def _summaries(self) -> list[ChainSummary]:
        out: list[ChainSummary] = []
        for run in self._runs():
            out.extend(run.top(len(run.chains)))
        if not out:
            raise ValueError("this result has no chains to plot (did every variant fail?)")
        return out

    def _single(self) -> RunResult:
        runs = self._runs()
        if len(runs) != 1:
            raise ValueError(f"this run covers {len(runs)} datasets; build the analyzer on "
                             "one of them: PredictionAnalyzer(result.per_dataset[name])")
        return runs[0]

    @staticmethod
    def _partition(partition: str) -> str:
        if partition not in _PARTITIONS:
            raise ValueError(f"display_partition must be one of {_PARTITIONS}; got "
                             f"{partition!r}")
        return partition

    @staticmethod
    def _score(summary: ChainSummary, metric: str, partition: str) -> float:
        scores = summary.cv_scores if partition == "val" else summary.test_scores
        return float(scores.get(metric, math.nan))

    def _fold_values(self, chain_id: str, metric: str) -> list[float]:
        record = self.result.chain(chain_id)
        return [float(record.fold_scores[f].get(metric, math.nan))
                for f in sort_fold_keys(record.fold_scores)]

    # -- plots of chains ----------------------------------------------------------------

    def plot_top_k(self, k: int = 5, rank_metric: str | None = None,
                   rank_partition: str = "val", display_partition: str = "test", *,
                   path: Path = None) -> Figure:
        """Predicted vs observed (confusion matrices for classifiers) of the ``k`` best chains.

        Each panel is the figure :func:`nirs4all.viz.plot_predicted_vs_observed` draws
        for one chain, laid out in one row per chain group of three.
        """
        run = self._single()
        entries = Predictions(run).top(k, rank_metric=rank_metric,
                                       rank_partition=rank_partition)
        partition = self._partition(display_partition)
        ncols = min(3, len(entries))
        nrows = math.ceil(len(entries) / ncols)
        fig, axes = new_figure((4.4 * ncols, 4.4 * nrows), nrows, ncols)
        axes = np.atleast_1d(axes).ravel()
        for index, entry in enumerate(entries):
            selection = select_predictions(run, entry["chain_id"], partition)
            _draw_selection(axes[index], selection, f"#{index + 1}")
        for ax in axes[len(entries):]:
            ax.set_axis_off()
        fig.suptitle(f"Top {len(entries)} chains by {rank_partition} "
                     f"{metric_label(entries[0]['rank_metric'])}", fontsize=11)
        return finish(fig, path, self.dpi)

    def plot_heatmap(self, x_var: str = "model_name", y_var: str = "preprocessings",
                     display_metric: str | None = None, display_partition: str = "val", *,
                     path: Path = None, **kwargs: Any) -> Figure:
        """Scores on a grid of ``y_var`` (rows) x ``x_var`` (columns), best outlined."""
        return plot_cv_heatmap(self._single(), rows=_FIELDS.get(y_var, y_var),
                               cols=_FIELDS.get(x_var, x_var), metric=display_metric,
                               partition=self._partition(display_partition), path=path,
                               dpi=self.dpi, **kwargs)

    def plot_candlestick(self, variable: str = "model_name", display_metric: str | None = None,
                         *, path: Path = None) -> Figure:
        """Distribution of the CV fold scores of every chain, per value of ``variable``.

        One box per value: the box spans the quartiles of the fold scores of all chains
        with that value, the whiskers their range, the line the median.
        """
        summaries = self._summaries()
        metric = display_metric or summaries[0].metric
        field = _FIELDS.get(variable, variable)
        groups: dict[str, list[float]] = {}
        for summary in summaries:
            key = _group_value(summary, field)
            groups.setdefault(key, []).extend(self._fold_values(summary.chain_id, metric))
        groups = {k: [v for v in vs if not math.isnan(v)] for k, vs in groups.items()}
        groups = {k: vs for k, vs in groups.items() if vs}
        if not groups:
            raise ValueError(f"no chain has cross-validation {metric!r} fold scores")
        return self._boxes(groups, metric, f"CV fold {metric_label(metric)} by {variable}",
                           path, whisker=(0, 100))

    def plot_histogram(self, display_metric: str | None = None,
                       display_partition: str = "val", bins: int = 20, *,
                       path: Path = None) -> Figure:
        """Histogram of one score over every chain, the best marked."""
        summaries = self._summaries()
        metric = display_metric or summaries[0].metric
        partition = self._partition(display_partition)
        values = np.array([self._score(s, metric, partition) for s in summaries])
        values = values[~np.isnan(values)]
        if values.size == 0:
            raise ValueError(f"no chain has a {partition} {metric!r} score")
        fig, ax = new_figure((6.5, 4.0))
        ax.hist(values, bins=min(bins, max(1, values.size)), color="C0", alpha=0.85)
        best = values.max() if metric in HIGHER_IS_BETTER else values.min()
        ax.axvline(best, color="C3", linestyle="--", label=f"best = {best:.4g}")
        ax.set_xlabel(f"{partition} {metric_label(metric)}")
        ax.set_ylabel("chains")
        ax.legend(fontsize=8)
        ax.set_title(f"{values.size} chain(s)", fontsize=10)
        return finish(fig, path, self.dpi)

    def plot_confusion_matrix(self, k: int = 1, rank_metric: str | None = None,
                              display_partition: str = "test", *, path: Path = None) -> Figure:
        """Confusion matrices of the ``k`` best chains of a classification run."""
        run = self._single()
        if run.chains and run.chains[0].metric not in ("accuracy", "balanced_accuracy", "f1",
                                                       "log_loss"):
            raise ValueError("plot_confusion_matrix needs a classification run; this run's "
                             f"metric is {run.chains[0].metric!r} (use plot_top_k)")
        return self.plot_top_k(k, rank_metric=rank_metric,
                               display_partition=display_partition, path=path)

    # -- plots of branches --------------------------------------------------------------

    def _best_per_branch(self, metric: str, partition: str) -> dict[str, ChainSummary]:
        best: dict[str, ChainSummary] = {}
        for summary in self._summaries():  # best first within each dataset
            best.setdefault(_branch_label(summary.branch_path), summary)
        if all(math.isnan(self._score(s, metric, partition)) for s in best.values()):
            raise ValueError(f"no branch has a {partition} {metric!r} score")
        return dict(sorted(best.items()))

    def plot_branch_comparison(self, display_metric: str | None = None,
                               display_partition: str = "val", *, path: Path = None) -> Figure:
        """The best chain's score per branch, with the spread of its CV folds (± 1 SD)."""
        metric = display_metric or self._summaries()[0].metric
        partition = self._partition(display_partition)
        best = self._best_per_branch(metric, partition)
        values = [self._score(s, metric, partition) for s in best.values()]
        spread = [float(np.nanstd(f)) if (f := self._fold_values(s.chain_id, metric)) else 0.0
                  for s in best.values()]
        fig, ax = new_figure((max(5.0, 1.2 * len(best) + 2.5), 4.2))
        bars = ax.bar(range(len(best)), values, yerr=spread, capsize=4, color="C0", alpha=0.85)
        ax.bar_label(bars, fmt="%.4g", fontsize=8, padding=2)
        ax.set_xticks(range(len(best)), [wrap(b, 16) for b in best])
        ax.set_ylabel(f"{partition} {metric_label(metric)}")
        ax.set_title("Best chain per branch (error bars: SD over CV folds)", fontsize=10)
        return finish(fig, path, self.dpi)

    def plot_branch_boxplot(self, display_metric: str | None = None, *,
                            path: Path = None) -> Figure:
        """CV fold scores of every chain, one box per branch."""
        summaries = self._summaries()
        metric = display_metric or summaries[0].metric
        groups: dict[str, list[float]] = {}
        for summary in summaries:
            values = [v for v in self._fold_values(summary.chain_id, metric)
                      if not math.isnan(v)]
            groups.setdefault(_branch_label(summary.branch_path), []).extend(values)
        groups = {k: v for k, v in sorted(groups.items()) if v}
        if not groups:
            raise ValueError(f"no chain has cross-validation {metric!r} fold scores")
        return self._boxes(groups, metric, f"CV fold {metric_label(metric)} per branch", path)

    def plot_branch_heatmap(self, display_metric: str | None = None, *,
                            path: Path = None) -> Figure:
        """Fold scores of the best chain of each branch: branches in rows, folds in columns."""
        metric = display_metric or self._summaries()[0].metric
        best = self._best_per_branch(metric, "val")
        folds = sorted({f for s in best.values()
                        for f in self.result.chain(s.chain_id).fold_scores},
                       key=lambda f: int(f) if f.isdigit() else math.inf)
        grid = np.full((len(best), len(folds)), np.nan)
        for i, summary in enumerate(best.values()):
            scores = self.result.chain(summary.chain_id).fold_scores
            for j, fold in enumerate(folds):
                grid[i, j] = float(scores.get(fold, {}).get(metric, math.nan))
        fig, ax = new_figure((max(4.5, 0.9 * len(folds) + 3.0), max(3.0, 0.6 * len(best) + 2)))
        cmap = "viridis" if metric in HIGHER_IS_BETTER else "viridis_r"
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, aspect="auto")
        for (i, j), value in np.ndenumerate(grid):
            if not math.isnan(value):
                ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(len(folds)), [f"fold {f}" for f in folds])
        ax.set_yticks(range(len(best)), list(best))
        fig.colorbar(image, ax=ax, label=metric_label(metric))
        ax.set_title(f"Validation {metric_label(metric)} per fold, best chain per branch",
                     fontsize=10)
        return finish(fig, path, self.dpi)

    # -- drawing ------------------------------------------------------------------------

    def _boxes(self, groups: dict[str, Sequence[float]], metric: str, title: str,
               path: Path, whisker: Any = 1.5) -> Figure:
        fig, ax = new_figure((max(5.0, 1.1 * len(groups) + 2.5), 4.2))
        ax.boxplot(list(groups.values()), whis=whisker)
        ax.set_xticks(range(1, len(groups) + 1), [wrap(str(k), 18) for k in groups])
        direction = "higher" if metric in HIGHER_IS_BETTER else "lower"
        ax.set_ylabel(f"{metric_label(metric)} ({direction} is better)")
        ax.grid(True, axis="y", linewidth=0.4, alpha=0.5)
        ax.set_title(title, fontsize=10)
        return finish(fig, path, self.dpi)


def _group_value(summary: ChainSummary, field: str) -> str:
    if field in ("preprocessing", "model_class", "dataset", "model_name"):
        return str(getattr(summary, field) or "(none)")
    for path, value in summary.choices:
        if path == field or path.rsplit(".", 1)[-1] == field:
            return f"{value:g}" if isinstance(value, float) else str(value)
    raise ValueError(f"cannot group chains by {field!r}: use one of {sorted(_FIELDS)} or a "
                     "swept parameter name")


def _draw_selection(ax: Any, selection: Selection, label: str) -> None:
    """Predicted vs observed (or a confusion matrix) of one chain on ``ax``."""
    t, p = selection.y_true, selection.y_pred
    if selection.is_classification:
        classes = (selection.classes if selection.classes is not None
                   else np.unique(np.concatenate([t, p])))
        index = {c: i for i, c in enumerate(classes.tolist())}
        counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
        np.add.at(counts, ([index[v] for v in t.tolist()], [index[v] for v in p.tolist()]), 1)
        ax.imshow(counts, cmap="Blues", vmin=0)
        for (row, col), count in np.ndenumerate(counts):
            ax.text(col, row, str(count), ha="center", va="center", fontsize=9)
        ax.set_xticks(range(len(classes)), [str(c) for c in classes])
        ax.set_yticks(range(len(classes)), [str(c) for c in classes])
        ax.set_xlabel("Predicted label")
        ax.set_ylabel("True label")
        metric = "balanced_accuracy"
    else:
        ax.scatter(t, p, s=14, alpha=0.7, color="C0")
        low, high = float(min(t.min(), p.min())), float(max(t.max(), p.max()))
        ax.plot([low, high], [low, high], color="0.4", linewidth=1, linestyle="--")
        ax.set_xlabel("Observed")
        ax.set_ylabel("Predicted")
        metric = "rmse"
    value = selection.scores.get(metric, math.nan)
    ax.set_title(f"{label} {wrap(selection.title, 40)}\n{metric_label(metric)} = {value:.4g}",
                 fontsize=9)
