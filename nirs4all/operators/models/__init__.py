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

Stacking at the model step: :class:`MetaModel` with :class:`StackingConfig`,
:class:`CoverageStrategy` and :class:`BranchScope` (``meta.py``).

The 0.x path ``nirs4all.operators.models.sklearn`` re-exports the same classes.
"""

from nirs4all.operators.models._diagnostics import PLSDiagnosticsMixin
from nirs4all.operators.models._ikpls import IKPLS
from nirs4all.operators.models._interval_pls import IntervalPLS
from nirs4all.operators.models._kernel_pls import KernelPLS
from nirs4all.operators.models._kopls import KOPLS
from nirs4all.operators.models._lwpls import LWPLS
from nirs4all.operators.models._mbpls import MBPLS
from nirs4all.operators.models._nipals import PLSFactors, nipals_pls
from nirs4all.operators.models._opls import OPLS, OPLSDA
from nirs4all.operators.models._pcr import PCR
from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._plsda import PLSDA
from nirs4all.operators.models._recursive_pls import RecursivePLS
from nirs4all.operators.models._robust_pls import RobustPLS
from nirs4all.operators.models._simpls import SIMPLS
from nirs4all.operators.models._sparse_pls import SparsePLS
from nirs4all.operators.models.meta import (
    BranchScope,
    CoverageStrategy,
    MetaModel,
    PredictionCombiner,
    StackingConfig,
)

__all__ = [
    "IKPLS",
    "KOPLS",
    "LWPLS",
    "MBPLS",
    "OPLS",
    "OPLSDA",
    "PCR",
    "PLS",
    "PLSDA",
    "SIMPLS",
    "BranchScope",
    "CoverageStrategy",
    "IntervalPLS",
    "KernelPLS",
    "MetaModel",
    "PLSDiagnosticsMixin",
    "PLSFactors",
    "PredictionCombiner",
    "RecursivePLS",
    "RobustPLS",
    "SparsePLS",
    "StackingConfig",
    "nipals_pls",
]
