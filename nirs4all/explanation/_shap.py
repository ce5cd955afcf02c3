"""SHAP values of a fitted model on its input features, with the explainer chosen for it.

- ``"linear"`` (regressors whose prediction is affine in their input: PLS and the other
  latent-variable regressors, linear models): SHAP's ``LinearExplainer`` on the model's
  affine map ``f(x) = b0 + x' b`` read from its predictions, with an independent masker on
  the background. The values are then exactly ``b_j (x_j - mean_j)``, the background mean
  (Lundberg & Lee 2017, "A unified approach to interpreting model predictions", NeurIPS).
- ``"tree"`` (tree ensembles: ``estimators_`` or ``tree_``): ``TreeExplainer``.
- ``"permutation"`` (anything else, the default for it): ``PermutationExplainer`` on
  ``predict`` (``predict_proba`` for classifiers), ``2 p + 1`` evaluations at least.
- ``"kernel"``: ``KernelExplainer`` (slow on full spectra; on request only).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nirs4all.explanation._importance import affine_map, is_affine

__all__ = ["EXPLAINERS", "choose_explainer", "shap_values"]

EXPLAINERS = ("auto", "linear", "tree", "permutation", "kernel")


def _shap() -> Any:
    try:
        import shap
    except ImportError as exc:
        raise ImportError("nirs4all.explain needs SHAP: pip install 'nirs4all[explain]' (the "
                          "model's own importances need no extra: model_importances)") from exc
    return shap


def _is_tree(model: Any) -> bool:
    return hasattr(model, "tree_") or (hasattr(model, "estimators_") and hasattr(
        model, "feature_importances_"))


def choose_explainer(model: Any, requested: str = "auto") -> str:
    """The explainer for ``model`` (``requested`` unless ``"auto"``)."""
    if requested not in EXPLAINERS:
        raise ValueError(f"explainer_type must be one of {EXPLAINERS}; got {requested!r}")
    if requested == "linear" and not is_affine(model):
        raise ValueError(f"explainer_type='linear' needs a regressor whose prediction is "
                         f"affine in its input; {type(model).__name__} is not one")
    if requested != "auto":
        return requested
    if is_affine(model):
        return "linear"
    return "tree" if _is_tree(model) else "permutation"


def _output(model: Any) -> Any:
    predict_proba = getattr(model, "predict_proba", None)
    return predict_proba if callable(predict_proba) else model.predict


def _linear(shap: Any, model: Any, X: NDArray, background: NDArray) -> tuple[NDArray, NDArray]:
    b, b0 = affine_map(model, X.shape[1])
    coefs = b[:, None] if b.ndim == 1 else b
    masker = shap.maskers.Independent(background, max_samples=background.shape[0])
    values, bases = [], []
    for k in range(coefs.shape[1]):
        explained = shap.LinearExplainer((coefs[:, k], float(b0[k])), masker)(X)
        values.append(np.asarray(explained.values, dtype=np.float64))
        bases.append(float(np.ravel(explained.base_values)[0]))
    if len(values) == 1:
        return values[0], np.asarray(bases)
    return np.stack(values, axis=-1), np.asarray(bases)


def shap_values(model: Any, X: NDArray, background: NDArray, kind: str, *,
                seed: int = 0, max_evals: int | None = None) -> tuple[NDArray, NDArray]:
    """``(values, base_value)`` of ``model`` on ``X`` with the explainer ``kind``."""
    shap = _shap()
    if kind == "linear":
        return _linear(shap, model, X, background)
    if kind == "tree":
        explained = shap.TreeExplainer(model)(X, check_additivity=False)
    elif kind == "permutation":
        masker = shap.maskers.Independent(background, max_samples=background.shape[0])
        explainer = shap.PermutationExplainer(_output(model), masker, seed=seed)
        explained = explainer(X, max_evals=max(max_evals or 0, 2 * X.shape[1] + 1),
                              silent=True)
    else:
        explainer = shap.KernelExplainer(_output(model), background, seed=seed)
        values = np.asarray(explainer.shap_values(X, nsamples=max_evals or "auto",
                                                  silent=True), dtype=np.float64)
        if values.ndim == 3 and values.shape[0] != X.shape[0]:
            values = np.moveaxis(values, 0, -1)  # older SHAP: one array per output
        return values, np.atleast_1d(np.asarray(explainer.expected_value, dtype=np.float64))
    base = np.asarray(explained.base_values, dtype=np.float64)
    return (np.asarray(explained.values, dtype=np.float64),
            np.atleast_1d(base[0] if base.ndim else base))
