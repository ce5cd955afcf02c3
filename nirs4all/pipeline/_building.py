"""Objects from the spellings of a pipeline step, and what kind of step an object is.

A class, a dotted path inside the allow-list or a ``{"class": ..., "params": ...}`` entry
becomes an instance (:func:`_build`); :func:`_is_splitter`, :func:`_is_model` and
:func:`_is_transformer` tell the parser which step an object makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.base import clone, is_classifier, is_regressor

from nirs4all.errors import SpecError
from nirs4all.pipeline.imports import resolve_step_class

__all__ = ["_build", "_fresh", "_is_model", "_is_splitter", "_is_transformer"]


def _build(value: Any, path: str) -> Any:
    """Turn a class, a dotted path or a ``{"class": ...}`` dict into an object."""
    if isinstance(value, str):
        return _instantiate(resolve_step_class(value, where=path), {}, path)
    if isinstance(value, type):
        return _instantiate(value, {}, path)
    if isinstance(value, Mapping) and "class" in value:
        extra = set(value) - {"class", "params"}
        if extra:
            raise SpecError(f"{path}: a class entry takes 'class' and 'params'; "
                            f"got {sorted(extra)}")
        cls = resolve_step_class(value["class"], where=path)  # before building any param
        params = {k: _build_param(v, f"{path}.params.{k}") for k, v in
                  dict(value.get("params") or {}).items()}
        return _instantiate(cls, params, path)
    return value


def _build_param(value: Any, path: str) -> Any:
    if isinstance(value, Mapping) and "class" in value:
        return _build(value, path)
    if isinstance(value, list):
        return [_build_param(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _instantiate(cls: type, params: dict, path: str) -> Any:
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{path}: cannot build {cls.__name__}: {exc}") from None


def _is_splitter(obj: Any) -> bool:
    return callable(getattr(obj, "split", None)) and callable(getattr(obj, "get_n_splits", None))


def _is_model(obj: Any) -> bool:
    if hasattr(obj, "__sklearn_tags__") and (is_regressor(obj) or is_classifier(obj)):
        return True
    return callable(getattr(obj, "predict", None)) and not callable(getattr(obj, "transform",
                                                                            None))


def _is_transformer(obj: Any) -> bool:
    return callable(getattr(obj, "fit", None)) and callable(getattr(obj, "transform", None))


def _fresh(obj: Any) -> Any:
    """An unfitted copy, so the user's object is never fitted or changed."""
    return clone(obj) if hasattr(obj, "get_params") else obj
