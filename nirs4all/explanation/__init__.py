"""Explaining trained chains: SHAP values per wavelength and the models' own importances.

:func:`nirs4all.explain` (SHAP, the ``explain`` extra) returns an :class:`ExplainResult`;
:func:`model_importances` gives coefficients, PLS VIP and the selectivity ratio without
SHAP. See ``docs/explain.md``.
"""

from nirs4all.explanation._importance import model_importances, selectivity_ratio
from nirs4all.explanation._result import ExplainResult
from nirs4all.explanation._shap import EXPLAINERS, choose_explainer

__all__ = ["EXPLAINERS", "ExplainResult", "choose_explainer", "model_importances",
           "selectivity_ratio"]
