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

import logging
from collections.abc import Mapping
from typing import Any

from nirs4all.errors import SpecError

__all__ = ["WRAPPER_KEYS", "split_pipelines", "unwrap_pipeline"]

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
