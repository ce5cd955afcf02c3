"""``BranchAnalyzer``: which branch of a pipeline wins, and by how much (0.7 path).

Built on the same ranked chains as :class:`~nirs4all.visualization.predictions.
PredictionAnalyzer` (whose ``plot_branch_*`` methods it inherits). A branch is a branch
path of the run's chains (``"(no branch)"`` for chains outside any branch); its score is
that of its best chain by pooled cross-validation, and its spread is the SD of that
chain's per-fold scores. :meth:`compare` tests two branches on their best chains' fold
scores, paired by fold (Wilcoxon signed-rank by default, or a paired t-test).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nirs4all.pipeline.metrics import is_better
from nirs4all.visualization.predictions import PredictionAnalyzer, _branch_label

__all__ = ["BranchAnalyzer"]

_TESTS = ("wilcoxon", "ttest")


class BranchAnalyzer(PredictionAnalyzer):
    """Per-branch summaries, rankings and paired tests over one run's chains.

    Parameters
    ----------
    predictions : RunResult or Predictions
        What :func:`nirs4all.run` returned, or its ``predictions`` facade.
    metric : str, optional
        Metric of the summaries (the run's ranking metric by default).
    """

    def __init__(self, predictions: Any, metric: str | None = None, **options: Any) -> None:
        super().__init__(predictions, **options)
        self.metric = metric or self._summaries()[0].metric

    def get_branch_names(self) -> list[str]:
        """The branch labels, sorted."""
        return sorted({_branch_label(s.branch_path) for s in self._summaries()})

    def _branch_chains(self) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for summary in self._summaries():  # best first
            out.setdefault(_branch_label(summary.branch_path), []).append(summary)
        return out

    def summary(self, metric: str | None = None, partition: str = "val",
                ) -> list[dict[str, Any]]:
        """One row per branch: chains, best chain and model, its score, fold mean and SD."""
        metric = metric or self.metric
        partition = self._partition(partition)
        rows = []
        for branch, chains in sorted(self._branch_chains().items()):
            best = chains[0]
            folds = [v for v in self._fold_values(best.chain_id, metric) if not math.isnan(v)]
            rows.append({
                "branch": branch, "n_chains": len(chains), "best_chain": best.chain_id,
                "best_model": best.model_name, "preprocessings": best.preprocessing,
                "metric": metric, "partition": partition,
                "score": self._score(best, metric, partition),
                "fold_mean": float(np.mean(folds)) if folds else math.nan,
                "fold_std": float(np.std(folds)) if folds else math.nan,
                "n_folds": len(folds)})
        return rows

    def rank_branches(self, metric: str | None = None, partition: str = "val",
                      ) -> list[dict[str, Any]]:
        """:meth:`summary` rows best first (NaN scores last), with their ``rank``."""
        metric = metric or self.metric
        rows = self.summary(metric, partition)
        higher = is_better(metric, 1.0, 0.0)
        rows.sort(key=lambda r: (math.isnan(r["score"]),
                                 -r["score"] if higher else r["score"], r["branch"]))
        for rank, row in enumerate(rows, start=1):
            row["rank"] = rank
        return rows

    def compare(self, branch_a: str, branch_b: str, metric: str | None = None,
                test: str = "wilcoxon") -> dict[str, Any]:
        """Paired test of two branches on their best chains' CV fold scores.

        Returns the mean difference ``a - b``, the statistic, the p-value and the number
        of folds. Needs at least two folds (a p-value from fewer would mean nothing).
        """
        if test not in _TESTS:
            raise ValueError(f"test must be one of {_TESTS}; got {test!r}")
        metric = metric or self.metric
        chains = self._branch_chains()
        for name in (branch_a, branch_b):
            if name not in chains:
                raise ValueError(f"unknown branch {name!r}; branches are {sorted(chains)}")
        a = np.asarray(self._fold_values(chains[branch_a][0].chain_id, metric))
        b = np.asarray(self._fold_values(chains[branch_b][0].chain_id, metric))
        if a.size != b.size or a.size < 2:
            raise ValueError(f"comparing branches needs the same two or more CV folds on "
                             f"both; got {a.size} and {b.size}")
        from scipy import stats

        outcome = (stats.wilcoxon(a, b) if test == "wilcoxon" else stats.ttest_rel(a, b))
        return {"branch_a": branch_a, "branch_b": branch_b, "metric": metric, "test": test,
                "mean_difference": float(np.mean(a - b)),
                "statistic": float(outcome.statistic), "p_value": float(outcome.pvalue),
                "n_folds": int(a.size)}

    def to_dataframe(self, metric: str | None = None, partition: str = "val") -> Any:
        """:meth:`rank_branches` as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rank_branches(metric, partition))
