"""Plots of spectra and run results (optional: ``pip install "nirs4all[viz]"``).

Every function returns a :class:`matplotlib.figure.Figure` and, given ``path=``, also saves
it (``fig.savefig(path, dpi=dpi)``). Figures are built without ``pyplot``: nothing is shown,
no backend is selected and no global matplotlib state (rcParams, pyplot's figure list) is
touched, so the plots work on headless machines and inside other applications. In a
notebook, a figure left as a cell's value is displayed.

- :func:`plot_spectra`: spectra on their wavelength axis, raw and after preprocessing.
- :func:`plot_predicted_vs_observed`: one chain's predictions against the truth (a confusion
  matrix for classifiers).
- :func:`plot_roc`: a classifier chain's ROC curve from its stored class probabilities
  (binary, or one-vs-rest per class), with the AUC.
- :func:`plot_residuals`: residuals against predictions, with a ``bias ± 2·SEP`` band.
- :func:`plot_cv_heatmap`: pooled CV scores of every chain, preprocessing x model parameter.
- :func:`plot_fold_scores`: one chain's validation score per CV fold.
- :func:`plot_spectral_importance`, :func:`plot_beeswarm`, :func:`plot_waterfall`: an
  :class:`~nirs4all.explanation.ExplainResult` (``nirs4all.explain``).
- :func:`write_report`: one self-contained HTML report of a run (:mod:`.report`);
  :func:`write_run_report` the same for a run stored in a workspace.

Importing this package without matplotlib raises an ImportError naming the extra to install.
"""

from nirs4all.viz._explain import plot_beeswarm, plot_spectral_importance, plot_waterfall
from nirs4all.viz._predictions import plot_predicted_vs_observed, plot_residuals
from nirs4all.viz._roc import plot_roc
from nirs4all.viz._scores import plot_cv_heatmap, plot_fold_scores
from nirs4all.viz._spectra import AXIS_LABELS, plot_spectra
from nirs4all.viz.report import write_report
from nirs4all.viz.stored_report import write_run_report

__all__ = [
    "AXIS_LABELS",
    "plot_beeswarm",
    "plot_cv_heatmap",
    "plot_fold_scores",
    "plot_predicted_vs_observed",
    "plot_residuals",
    "plot_roc",
    "plot_spectra",
    "plot_spectral_importance",
    "plot_waterfall",
    "write_report",
    "write_run_report",
]
