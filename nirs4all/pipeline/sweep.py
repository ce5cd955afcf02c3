"""Fast component sweeps: one fit per fold for variants that differ only in a nested parameter.

An estimator declares a *nested parameter* (``_nested_param_ = "n_components"``, see
``nirs4all/operators/models/_latent.py``) when the model fitted with a smaller value is
the first part of the model fitted with the largest: the first ``a`` PLS components do not
depend on how many follow. The engine recognises that capability, not a class:

1. :func:`sweep_plan` groups the variants of a run that differ only in the nested
   parameter of one model step (same steps before it, so the same fold keys and the same
   inputs) and gives each member the largest value of its group.
2. In the CV pass, :func:`fit_nested` fits the largest model once per fold (kept in the
   step cache, keyed by the input block, the step with the parameter masked and the fold)
   and returns, for each member, that fit *truncated* to the member's value: a fitted copy
   whose attributes are the first ``a`` components and whose ``coef_`` and diagnostics are
   recomputed. Its predictions are those of a separate fit to rounding (the tests check
   1e-10 against ``predict_nested`` and against separate fits); it is stored, replayed and
   exported like any fitted model.
3. The final refit (``"final"``) is always a separate fit of its own value.
4. When the largest fit fails on a fold (a value larger than the fold's features or
   samples allow), each member of the group fits its own value on that fold, as outside a
   sweep: the invalid members fail alone with their own error (recorded as failed variants
   under ``continue_on_error``), the valid ones are exactly their separate fits.

An estimator is grouped when it declares the parameter, has ``predict_nested``, has no
``random_state`` (its fits would draw different seeds per variant) and a truncation is known
for it (:func:`truncate`): the latent-variable regressors whose ``fit`` is the shared template
(PLS, SIMPLS, IKPLS, PCR) and scikit-learn's ``PLSRegression`` (NIPALS with deflation, so
the same nesting holds; it has no ``_nested_param_`` of its own, so it is adapted here). Any
other estimator runs one fit per variant, as before.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.linalg import pinv
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._latent import LatentVariableRegressor
from nirs4all.pipeline.spec import Step
from nirs4all.pipeline.state import StepCache, chain_key

__all__ = ["SweepMember", "fit_nested", "nested_param", "sweep_plan", "truncate"]

logger = logging.getLogger("nirs4all.pipeline")

_LATENT_COMPONENTS = ("x_weights_", "x_loadings_", "y_loadings_", "y_weights_",
                      "x_scores_", "y_scores_", "x_rotations_")


def _latent_template(model: Any) -> bool:
    return (isinstance(model, LatentVariableRegressor)
            and type(model).fit is LatentVariableRegressor.fit
            and type(model)._fit_latent is LatentVariableRegressor._fit_latent)


def _sklearn_pls(model: Any) -> bool:
    return type(model) is PLSRegression


def nested_param(operator: Any) -> str | None:
    """The nested parameter the engine may sweep with one fit, or None."""
    if operator is None or isinstance(operator, type):
        return None
    try:
        params = operator.get_params(deep=False)
    except (AttributeError, TypeError):
        return None
    if "random_state" in params:
        return None
    if _sklearn_pls(operator):
        return "n_components"
    name = getattr(type(operator), "_nested_param_", None)
    if (isinstance(name, str) and name in params and callable(getattr(operator,
                                                                      "predict_nested", None))
            and _latent_template(operator)):
        return name
    return None


def _masked_step(step: Step, param: str) -> str | None:
    """The model step's canonical JSON without the nested parameter, or None."""
    decoded = json.loads(step.spec_json)
    estimator = decoded.get("model") if isinstance(decoded, dict) else None
    if not isinstance(estimator, dict) or not isinstance(estimator.get("params"), dict):
        return None
    estimator["params"].pop(param, None)
    return json.dumps(decoded, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class SweepMember:
    """A variant's place in a component sweep: its model step's ``param`` is ``value``, the
    group's largest is ``largest``; ``masked`` is the step's JSON without the parameter."""

    param: str
    value: int
    largest: int
    masked: str


def _sweep_key(steps: tuple[Step, ...]) -> tuple[str, int, SweepMember] | None:
    """(group key, model step index, member with largest unset) of a variant that can join
    a sweep."""
    models = [s for s in steps if s.kind == "model"]
    if len(models) != 1 or any(s.kind in ("branch", "merge_predictions") for s in steps):
        return None
    step = models[0]
    param = nested_param(step.operator)
    if param is None:
        return None
    value = step.operator.get_params(deep=False)[param]
    masked = _masked_step(step, param)
    if masked is None or isinstance(value, bool) or not isinstance(value, int | np.integer):
        return None
    key = json.dumps([s.spec_json if s is not step else masked for s in steps])
    return key, step.index, SweepMember(param, int(value), int(value), masked)


def sweep_plan(variants: Iterable[Any]) -> dict[str, dict[int, SweepMember]]:
    """For each variant in a sweep of two or more: ``{model step index: its member}``.

    ``variants`` are :class:`~nirs4all.pipeline.runner.PreparedVariant` (``pipeline_id``
    and ``steps``). Variants not listed fit their model once per fold as usual.
    """
    members: dict[str, list[tuple[str, int, SweepMember]]] = {}
    for variant in variants:
        found = _sweep_key(variant.steps)
        if found is not None:
            members.setdefault(found[0], []).append((variant.pipeline_id, found[1], found[2]))
    plan: dict[str, dict[int, SweepMember]] = {}
    for group in members.values():
        if len({member.value for _, _, member in group}) < 2:
            continue
        largest = max(member.value for _, _, member in group)
        for pipeline_id, index, member in group:
            plan[pipeline_id] = {index: replace(member, largest=largest)}
    return plan


def _q_basis(model: Any, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the training Q residuals of every truncation need: ``||x||²`` per row and
    ``X P`` (n, A), in the processed space (the terms of ``PLSDiagnosticsMixin``)."""
    # X is the input the model was just fitted on (already validated): no second check
    processed = (np.asarray(X, dtype=np.float64) - model.x_mean_) / model.x_scale_
    return (np.einsum("ij,ij->i", processed, processed), processed @ model.x_loadings_)


def _truncate_latent(model: Any, value: int, basis: tuple[np.ndarray, np.ndarray]) -> Any:
    small = copy.copy(model)
    small.n_components = value
    for name in _LATENT_COMPONENTS:
        setattr(small, name, np.array(getattr(model, name)[:, :value]))
    small._n_iter = np.array(model._n_iter[:value])
    if hasattr(model, "n_iter_"):  # the NIPALS models also keep it as a list
        small.n_iter_ = list(model.n_iter_[:value])
    small.coef_ = small._coefficients(value)
    small.intercept_ = small.y_mean_ - small.x_mean_ @ small.coef_.T
    # _fit_diagnostics on the first components: ||x - P t||² = ||x||² - 2 x'P t + t'P'P t;
    # x_sum_squares_ does not depend on the components and is kept
    row_ss, projected = basis
    scores, loadings = small.x_scores_, small.x_loadings_
    cross = np.einsum("ia,ia->i", projected[:, :value], scores)
    rebuilt = np.einsum("ia,ia->i", scores @ (loadings.T @ loadings), scores)
    small.training_q_ = np.maximum(row_ss - 2 * cross + rebuilt, 0.0)
    return small


def _truncate_sklearn_pls(model: PLSRegression, value: int) -> PLSRegression:
    small = copy.copy(model)
    small.n_components = value
    for name in ("x_weights_", "y_weights_", "x_loadings_", "y_loadings_", "x_rotations_"):
        setattr(small, name, np.array(getattr(model, name)[:, :value]))
    # y_rotations_ = C (Q'C)^+ is not nested (Q'C has rank 1 for one target): recompute
    # it as scikit-learn's fit does
    small.y_rotations_ = small.y_weights_ @ pinv(small.y_loadings_.T @ small.y_weights_,
                                                 check_finite=False)
    for name in ("_x_scores", "_y_scores", "x_scores_", "y_scores_"):
        if hasattr(model, name):
            setattr(small, name, np.array(getattr(model, name)[:, :value]))
    if hasattr(model, "_n_features_out"):
        small._n_features_out = value
    small.n_iter_ = list(model.n_iter_[:value])
    # scikit-learn's fit: coef_ = (x_rotations_ @ y_loadings_.T * y_std).T / x_std
    coef = small.x_rotations_ @ small.y_loadings_.T
    small.coef_ = (coef * model._y_std).T / model._x_std
    return small


def truncate(model: Any, value: int, X_fit: np.ndarray | None = None, *,
             basis: tuple[np.ndarray, np.ndarray] | None = None) -> Any:
    """A fitted copy of ``model`` restricted to its first ``value`` components.

    ``X_fit``, the training input of ``model``, is needed to recompute the diagnostics of
    a latent-variable model, unless ``basis`` (from a previous truncation of the same fit)
    is given. The copy predicts what a separate fit with ``n_components=value`` predicts,
    to rounding.
    """
    fitted = model.n_components
    if not 1 <= value <= fitted:
        raise ValueError(f"cannot truncate {type(model).__name__}(n_components={fitted}) to "
                         f"{value} components; the value must be in [1, {fitted}]")
    if _sklearn_pls(model):
        return _truncate_sklearn_pls(model, value)
    if _latent_template(model):
        if basis is None:
            if X_fit is None:
                raise ValueError(f"truncating {type(model).__name__} needs its training X")
            basis = _q_basis(model, X_fit)
        return _truncate_latent(model, value, basis)
    raise TypeError(f"no truncation is known for {type(model).__name__}")


def _nbytes(model: Any) -> int:
    return sum(v.nbytes for v in vars(model).values() if isinstance(v, np.ndarray))


def fit_nested(step: Step, member: SweepMember, data: Callable[[], tuple[np.ndarray, Any]],
               *, block_key: str, fold: str, cache: StepCache) -> tuple[Any, bool]:
    """The fold's model of this variant, truncated from the group's largest fit.

    ``data()`` returns the fold's training X and y (called only when the largest model is
    not in ``cache`` yet). Returns the model and whether a fit was made.
    """
    largest = member.largest
    key = chain_key(block_key, member.masked, f"fold{fold}", "nested", str(largest))
    hit = cache.get(key)
    made = hit is None
    if made:
        X, y = data()
        big = clone(step.operator).set_params(**{member.param: largest})
        try:
            big.fit(X, y)
        except Exception as exc:  # the member's own fit below raises its own error
            # The largest value does not fit this fold (more components than the fold has
            # features or samples): every member fits alone, so only the invalid ones fail.
            logger.debug("component sweep falls back to separate fits: %s(%s=%d) failed: %s",
                         type(big).__name__, member.param, largest, exc)
            cache.put(key, _FAILED, 0)
            return _fit_alone(step, X, y), True
        basis = _q_basis(big, X) if _latent_template(big) else None
        hit = (big, basis)
        cache.put(key, hit, _nbytes(big) + sum(b.nbytes for b in basis or ()))
    if hit is _FAILED:
        return _fit_alone(step, *data()), True
    big, basis = hit
    if member.value == largest:
        return big, made
    return truncate(big, member.value, basis=basis), made


_FAILED = ("failed",)
"""The cache's note that a group's largest fit failed on a block and fold."""


def _fit_alone(step: Step, X: np.ndarray, y: Any) -> Any:
    """The member's own fit, as a variant outside a sweep is fitted (its error, if any)."""
    model = clone(step.operator)
    model.fit(X, y)
    return model
