"""How ``nirs4all.run`` reads a list of lists: several pipelines, or one.

A list step inside a pipeline is a sub-pipeline run in place, so ``[[A, B], M]`` is one
pipeline. At the top level the same shape could also mean several pipelines. The rule,
documented in ``docs/pipeline.md``:

- a list of **two or more** elements that are **all** lists is that many pipelines;
- anything else (a single list inside a list, or lists mixed with other steps) is one
  pipeline, its list elements being sub-pipelines.

Either way a list of lists is announced by an INFO line on the ``nirs4all`` logger that says
which reading was taken and how to write the other one.

A pipeline may also come wrapped as in 0.x pipeline files, ``{"pipeline": [...]}`` with an
optional ``name`` and ``description`` (:func:`unwrap_pipeline`); the wrapper's other keys
are refused, as 0.7 refused ``{"steps": [...]}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from nirs4all.errors import SpecError
from nirs4all.pipeline.imports import build_step, resolve_step_class

__all__ = ["WRAPPER_KEYS", "load_pipeline_file", "resolve_classes", "split_pipelines",
           "unwrap_pipeline"]

logger = logging.getLogger("nirs4all")

WRAPPER_KEYS = ("pipeline", "name", "description")
"""The keys of a wrapped pipeline: the steps, and the 0.x file's name and description."""


def unwrap_pipeline(pipeline: Any, where: str = "pipeline") -> Any:
    """The steps of ``{"pipeline": [...], "name": ..., "description": ...}``; anything else
    as given.

    ``name`` and ``description`` are documentation of the file: the run is named by
    ``run(name=...)``. A dict with ``pipeline`` and another key is a
    :class:`~nirs4all.errors.SpecError` naming ``where``.
    """
    if not isinstance(pipeline, Mapping) or "pipeline" not in pipeline:
        return pipeline
    extra = sorted(set(pipeline) - set(WRAPPER_KEYS))
    if extra:
        raise SpecError(f"{where}: a wrapped pipeline takes the keys {list(WRAPPER_KEYS)}; "
                        f"got also {extra}")
    for key in ("name", "description"):
        if not isinstance(pipeline.get(key, ""), str):
            raise SpecError(f"{where}.{key} must be a string; got "
                            f"{type(pipeline[key]).__name__}")
    return pipeline["pipeline"]


def split_pipelines(pipeline: Any) -> list[Any]:
    """The pipelines that ``pipeline`` stands for (see the module docstring).

    Parameters
    ----------
    pipeline : Any
        What the user passed to ``run``: one pipeline (a list of steps, or one step) or a
        list of pipelines.

    Returns
    -------
    list
        One element per pipeline, each as given (a wrapped pipeline unwrapped).
    """
    pipeline = unwrap_pipeline(pipeline)
    if not isinstance(pipeline, list):
        return [pipeline]
    lists = [p for p in pipeline if isinstance(p, list)]
    if len(pipeline) > 1 and len(lists) == len(pipeline):
        logger.info("run: a list of %d lists is read as %d separate pipelines; to run one "
                    "pipeline made of sub-pipelines, add a step that is not a list at the top "
                    "level", len(pipeline), len(pipeline),
                    extra={"pipelines": len(pipeline)})
        return list(pipeline)
    if lists:
        logger.info("run: one pipeline of %d step(s), %d of them sub-pipelines (lists run in "
                    "place); to run several pipelines, pass a list made only of lists",
                    len(pipeline), len(lists), extra={"pipelines": 1})
    return [pipeline]


def load_pipeline_file(path: Path) -> Any:
    """The steps of a ``.yaml``/``.yml``/``.json`` pipeline file, classes resolved."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot parse the pipeline file: {exc}") from None
    data = unwrap_pipeline(data, str(path))
    if not isinstance(data, list):
        raise SpecError(f"{path}: a pipeline file holds a list of steps (or "
                        "{'pipeline': [...], 'name': ..., 'description': ...})")
    return resolve_classes(data, f"{path}: steps")


_CLASS_KEYS = ("model", "y_processing", "preprocessing", "split")


def resolve_classes(node: Any, where: str = "steps") -> Any:
    """Turn the class references of a YAML/JSON pipeline into objects before expansion.

    ``{"class": path, "params": {...}}`` becomes an instance (parameters may hold generator
    keywords, which then sweep that parameter) and a dotted path or registered name under ``model``,
    ``y_processing``, ``preprocessing`` or ``split`` becomes its class. Paths resolve only
    inside the allow-list, and only to estimators and splitters (checked before anything
    is built); errors name the position ``where``.
    """
    if isinstance(node, list):
        return [resolve_classes(item, f"{where}[{i}]") for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if "class" in node and set(node) <= {"class", "params"}:
        cls = resolve_step_class(node["class"], where=where)
        params = {k: resolve_classes(v, f"{where}.params.{k}")
                  for k, v in dict(node.get("params") or {}).items()}
        return build_step(cls, params, where, node["class"])
    out = {}
    for key, value in node.items():
        if key in _CLASS_KEYS and isinstance(value, str):  # a dotted path or a short name
            out[key] = resolve_step_class(value, where=f"{where}.{key}")
        else:
            out[key] = resolve_classes(value, f"{where}.{key}")
    return out
