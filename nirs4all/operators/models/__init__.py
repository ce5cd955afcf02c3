"""Chemometric models: the PLS family and its relatives as scikit-learn estimators.

Every class is a plain scikit-learn estimator (``fit``/``predict``/``get_params``, cloneable,
checked with ``parametrize_with_checks``). The latent-variable models share one fitted
vocabulary (``x_weights_``, ``x_loadings_``, ``x_scores_``, ``coef_`` of shape
``(n_targets, n_features)``, ``intercept_``) and the diagnostics of
:class:`PLSDiagnosticsMixin` (``vip_``, ``selectivity_ratio_``, ``hotelling_t2``,
``q_residuals`` and their control limits).

Regression: :class:`PLS` (NIPALS), :class:`SIMPLS`, :class:`IKPLS`, :class:`PCR`,
:class:`OPLS`, :class:`MBPLS` (multi-block), :class:`KernelPLS`, :class:`KOPLS`; local and
robust: :class:`LWPLS`, :class:`RobustPLS`, :class:`RecursivePLS`, :class:`SparsePLS`; interval
selection: :class:`IntervalPLS`.
Classification: :class:`PLSDA`, :class:`OPLSDA`.

Regressors that declare a nested parameter (``_nested_param_ = "n_components"``) predict
every smaller model from one fit with :meth:`predict_nested`; see ``_latent.py``.

The 0.x path ``nirs4all.operators.models.sklearn`` re-exports the same classes.
"""

from nirs4all._lazy import attach

# Public name -> the module defining it ("module:name" for an alias); imported on first use.
_EXPORTS = {
    "BranchScope": "nirs4all.operators.models.meta",
    "CoverageStrategy": "nirs4all.operators.models.meta",
    "IKPLS": "nirs4all.operators.models._ikpls",
    "IntervalPLS": "nirs4all.operators.models._interval_pls",
    "KernelPLS": "nirs4all.operators.models._kernel_pls",
    "KOPLS": "nirs4all.operators.models._kopls",
    "LWPLS": "nirs4all.operators.models._lwpls",
    "MBPLS": "nirs4all.operators.models._mbpls",
    "MetaModel": "nirs4all.operators.models.meta",
    "nipals_pls": "nirs4all.operators.models._nipals",
    "OPLS": "nirs4all.operators.models._opls",
    "OPLSDA": "nirs4all.operators.models._opls",
    "PCR": "nirs4all.operators.models._pcr",
    "PLS": "nirs4all.operators.models._pls",
    "PLSDA": "nirs4all.operators.models._plsda",
    "PLSDiagnosticsMixin": "nirs4all.operators.models._diagnostics",
    "PLSFactors": "nirs4all.operators.models._nipals",
    "PredictionCombiner": "nirs4all.operators.models.meta",
    "RecursivePLS": "nirs4all.operators.models._recursive_pls",
    "RobustPLS": "nirs4all.operators.models._robust_pls",
    "SIMPLS": "nirs4all.operators.models._simpls",
    "SparsePLS": "nirs4all.operators.models._sparse_pls",
    "StackingConfig": "nirs4all.operators.models.meta",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = [*_EXPORTS]
