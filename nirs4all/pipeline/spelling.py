"""One spelling per step, so that a pipeline's identity does not depend on how it was written.

A step can be written as an instance (``SNV()``), a class (``SNV``), a dotted path
(``"nirs4all.operators.transforms.SNV"``), a bare registered name (``"SNV"``) or a class
entry (``{"class": "SNV", "params": {}}``); a model's parameters can sit in the instance
or beside it (``{"model": PLSRegression, "params": {"n_components": 5}}``). All of these
build the same object, so :func:`normalize_spelling` rewrites each of them as that object
before :func:`~nirs4all.pipeline.canonical.canonical_json` hashes the variant (contract 1:
the same pipeline has the same ``pipeline_id``).

Only step positions are rewritten (list items and the values of ``model``, ``split``,
``preprocessing``, ``y_processing``, ``branch``, ``feature_augmentation`` and
``sample_augmentation``); strings elsewhere (``name``, ``group``, ``merge`` ...) are data.
A spelling that does not build is left as written, so the parser reports it at its
position.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.base import clone

from nirs4all.errors import Nirs4allError
from nirs4all.pipeline.imports import is_step_class, resolve_step_class

__all__ = ["normalize_spelling"]

_ENTRY_LISTS = ("y_processing", "feature_augmentation")


def _build(value: Any) -> Any:
    """The object a class, path, name or class entry builds; ``value`` itself otherwise."""
    try:
        if isinstance(value, str):
            return resolve_step_class(value)()
        if isinstance(value, type) and is_step_class(value):
            return value()
        if isinstance(value, Mapping) and "class" in value and set(value) <= {"class",
                                                                              "params"}:
            cls = resolve_step_class(value["class"])
            params = {k: _param(v) for k, v in dict(value.get("params") or {}).items()}
            return cls(**params)
    except (Nirs4allError, TypeError, ValueError):
        return value
    return value


def _param(value: Any) -> Any:
    if isinstance(value, Mapping) and "class" in value:
        return _build(value)
    if isinstance(value, list):
        return [_param(v) for v in value]
    return value


def _entries(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_build(v) for v in value]
    return _build(value)


def _model(item: Mapping) -> dict:
    out = dict(item)
    model = _build(item["model"])
    params = {**dict(item.get("params") or {}), **dict(item.get("model_params") or {})}
    if params and hasattr(model, "set_params") and not isinstance(model, type):
        try:
            model = clone(model).set_params(**params)
        except (TypeError, ValueError):
            return {**out, "model": model}
        out.pop("params", None)
        out.pop("model_params", None)
    out["model"] = model
    return out


def _keyword(item: Mapping) -> Any:
    out = dict(item)
    if "model" in item:
        return _model(item)
    if "split" in item:
        out["split"] = _build(item["split"])
    elif "preprocessing" in item:
        out["preprocessing"] = normalize_spelling(item["preprocessing"])
    elif "branch" in item:
        value = item["branch"]
        if isinstance(value, Mapping):
            out["branch"] = {k: normalize_spelling(v) for k, v in value.items()}
        elif isinstance(value, (list, tuple)):
            out["branch"] = [normalize_spelling(v) for v in value]
    elif "sample_augmentation" in item:
        value = item["sample_augmentation"]
        if isinstance(value, Mapping) and "transformers" in value:
            out["sample_augmentation"] = {**value, "transformers": _entries(value[
                "transformers"])}
        else:
            out["sample_augmentation"] = _entries(value)
    else:
        for key in _ENTRY_LISTS:
            if key in item:
                out[key] = _entries(item[key])
    return out


def normalize_spelling(spec: Any) -> Any:
    """Rewrite every step of an expanded variant in one spelling (see the module).

    Parameters
    ----------
    spec : list, dict or step
        One expanded variant (no generator keywords left), or ``{"pipeline": [...]}``.

    Returns
    -------
    The same structure with classes, paths, names and class entries replaced by the
    objects they build; the input is not changed.
    """
    if isinstance(spec, (list, tuple)):
        return [normalize_spelling(item) for item in spec]
    if isinstance(spec, Mapping):
        if set(spec) == {"pipeline"}:
            return {"pipeline": normalize_spelling(spec["pipeline"])}
        if "class" in spec:
            return _build(spec)
        return _keyword(spec)
    return _build(spec)
