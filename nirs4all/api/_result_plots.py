"""The plots and the HTML report of a :class:`~nirs4all.api.result.RunResult`.

A mixin: each method imports :mod:`nirs4all.viz` (the optional ``viz`` extra:
``pip install "nirs4all[viz]"``) only when called, so a result needs no plotting library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["ResultPlots"]


class ResultPlots:
    """``plot_*`` and ``report`` methods of a run's result."""

    def plot_predicted_vs_observed(self, chain: Any = None, **kwargs: Any) -> Any:
        """Predicted vs observed of a chain (a confusion matrix for classifiers); see
        :func:`nirs4all.viz.plot_predicted_vs_observed`."""
        from nirs4all.viz import plot_predicted_vs_observed

        return plot_predicted_vs_observed(self, chain, **kwargs)

    def plot_residuals(self, chain: Any = None, **kwargs: Any) -> Any:
        """Residuals vs predicted of a regression chain; see
        :func:`nirs4all.viz.plot_residuals`."""
        from nirs4all.viz import plot_residuals

        return plot_residuals(self, chain, **kwargs)

    def plot_cv_heatmap(self, **kwargs: Any) -> Any:
        """Pooled CV scores of every chain on a grid; see :func:`nirs4all.viz.plot_cv_heatmap`."""
        from nirs4all.viz import plot_cv_heatmap

        return plot_cv_heatmap(self, **kwargs)

    def plot_fold_scores(self, chain: Any = None, **kwargs: Any) -> Any:
        """Validation score per CV fold of a chain; see :func:`nirs4all.viz.plot_fold_scores`."""
        from nirs4all.viz import plot_fold_scores

        return plot_fold_scores(self, chain, **kwargs)

    def report(self, path: str | Path, dataset: Any = None) -> Path:
        """Write one self-contained HTML report of the run; see
        :func:`nirs4all.viz.write_report` (``dataset`` adds counts and spectra)."""
        from nirs4all.viz import write_report

        return write_report(self, path, datasets=dataset)
