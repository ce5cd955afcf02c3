"""Model-intrinsic importances per feature, without SHAP: coefficients, VIP, selectivity ratio.

- ``coefficients``: the regression vector of a linear regressor on its *input* features
  (the model's own centring and scaling folded in): ``f(x) = b0 + x' b``. It is read from
  the model's predictions (``b = f(I) - f(0)``), so it holds for any model whose
  prediction is affine in its input (PLS, PCR, ridge, ...) and carries no assumption about
  where a class keeps its coefficients.
- ``vip``: variable importance in projection of a PLS model (Wold, Johansson & Cocchi 1993;
  Chong & Jun 2005, Chemometr. Intell. Lab. Syst. 78, 103-112), from its weights, scores and
  Y loadings, as :attr:`nirs4all.operators.models.PLSDiagnosticsMixin.vip_` computes it.
- ``selectivity_ratio``: target projection on the regression vector (Rajalahti et al. 2009,
  Chemometr. Intell. Lab. Syst. 95, 35-48): ``t = X b``, ``p_j = x_j' t / t' t``, ``SR_j =
  ||t p_j||² / ||x_j - t p_j||²`` on the centred X given. The nirs4all PLS models keep it
  for their training data (``selectivity_ratio_``), which is used when present.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nirs4all.operators.models import PLSDiagnosticsMixin

__all__ = ["affine_map", "is_affine", "model_importances", "selectivity_ratio"]

_LINEAR_MODULES = ("sklearn.linear_model", "sklearn.cross_decomposition")


def is_affine(model: Any) -> bool:
    """Whether the model is a regressor whose prediction is affine in its input."""
    from sklearn.base import is_regressor

    from nirs4all.operators.models._latent import LatentVariableRegressor

    if not is_regressor(model) or type(model).__name__.endswith(("DA", "Classifier")):
        return False
    module = type(model).__module__
    return isinstance(model, LatentVariableRegressor) or module.startswith(_LINEAR_MODULES)


def affine_map(model: Any, n_features: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(b, b0)`` with ``model.predict(X) == X @ b + b0``: ``b`` (p,) or (p, n_targets)."""
    probe = np.vstack([np.zeros((1, n_features)), np.eye(n_features)])
    out = np.asarray(model.predict(probe), dtype=np.float64)
    out = out.reshape(n_features + 1, -1)
    b = out[1:] - out[0]
    return (b[:, 0], out[0, :1]) if b.shape[1] == 1 else (b, out[0])


def selectivity_ratio(X: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Selectivity ratio of every column of ``X`` (centred here) for regression vector ``b``."""
    Xc = np.asarray(X, dtype=np.float64) - np.mean(X, axis=0)
    t = Xc @ b
    tt = float(t @ t)
    if tt == 0:
        return np.zeros(Xc.shape[1])
    p = Xc.T @ t / tt
    explained = tt * p**2
    residual = np.maximum(np.einsum("ij,ij->j", Xc, Xc) - explained, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = explained / residual
    ratio[explained == 0] = 0.0
    return ratio


def _has_pls_factors(model: Any) -> bool:
    return all(hasattr(model, a) for a in ("x_weights_", "x_scores_", "y_loadings_"))


def model_importances(model: Any, X: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """Every intrinsic importance the model has, per input feature (see the module docstring).

    ``X`` is the model input the importances refer to (the explained data after the
    chain's preprocessing); the selectivity ratio of a model that does not keep its own is
    computed on it. Keys: ``"coefficients"`` (affine regressors), ``"vip"`` (PLS models)
    and ``"selectivity_ratio"`` (single-target affine regressors), and
    ``"feature_importances"`` for models that expose ``feature_importances_`` (forests).
    """
    found: dict[str, NDArray[np.float64]] = {}
    if is_affine(model):
        b, _ = affine_map(model, X.shape[1])
        found["coefficients"] = b
        own = getattr(model, "selectivity_ratio_", None) if isinstance(
            model, PLSDiagnosticsMixin) else None
        if own is not None and np.asarray(own).shape[0] == 1:
            found["selectivity_ratio"] = np.asarray(own, dtype=np.float64)[0]
        elif b.ndim == 1:
            found["selectivity_ratio"] = selectivity_ratio(X, b)
    if _has_pls_factors(model):
        found["vip"] = np.asarray(PLSDiagnosticsMixin.vip_.fget(model), dtype=np.float64)
    if hasattr(model, "feature_importances_"):
        found["feature_importances"] = np.asarray(model.feature_importances_, dtype=np.float64)
    return found
