"""Pipeline files: their line numbers, a check that builds nothing, and their JSON Schema.

:func:`validate_pipeline_file` reads a ``.yaml``/``.yml``/``.json`` pipeline the way
``nirs4all run`` does (classes resolved inside the allow-list, generators expanded, every
variant parsed) but fits nothing, and reports the first problem as a :class:`FileProblem`
naming the YAML path (``pipeline[3].model.params.n_components``) and its line, taken from
the YAML node marks (JSON is read by the same composer, so its lines are known too).
:func:`pipeline_schema` is the JSON Schema of the format (draft 2020-12).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nirs4all.errors import Nirs4allError, SpecError
from nirs4all.pipeline.imports import resolve_step_class

__all__ = ["FileProblem", "line_map", "pipeline_schema", "validate_pipeline_file"]

_PATH_IN_MESSAGE = re.compile(r"(?:^|: )(steps(?:\[[^\]]+\]|\.[A-Za-z_][\w]*)*)")


@dataclass(frozen=True)
class FileProblem:
    """The first problem of a pipeline file: where it is, and what to do."""

    file: str
    where: str
    line: int | None
    message: str

    def __str__(self) -> str:
        line = f":{self.line}" if self.line is not None else ""
        return f"{self.file}{line}: {self.where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The problem as plain data (for ``--json``)."""
        return {"file": self.file, "where": self.where, "line": self.line,
                "message": self.message}


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{path}[{i}]", lines)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{path}.{key.value}" if path else str(key.value)
            lines[name] = key.start_mark.line + 1
            _walk(value, name, lines)


def line_map(text: str) -> dict[str, int]:
    """Map each YAML path of a pipeline document (``pipeline[0].model``) to its 1-based line.

    A document that is a bare list of steps is read as ``pipeline: [...]``, so paths start
    with ``pipeline`` either way.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[str, int] = {}
    if root is None:
        return lines
    if isinstance(root, yaml.MappingNode):
        _walk(root, "", lines)
    else:
        _walk(root, "pipeline", lines)
    return lines


def _line_of(where: str, lines: dict[str, int]) -> int | None:
    """The line of ``where`` or of its nearest enclosing node."""
    probe = where
    while probe:
        if probe in lines:
            return lines[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return None


def _problem(file: Path, exc: Exception, lines: dict[str, int]) -> FileProblem:
    text = str(exc).replace(f"{file}: ", "")
    found = _PATH_IN_MESSAGE.search(text)
    where = "pipeline"
    if found:
        where = "pipeline" + found.group(1)[len("steps"):]
        text = text[:found.start()] + text[found.end():]
        text = text.removeprefix(": ").lstrip(": ")
    return FileProblem(str(file), where, _line_of(where, lines), text)


def _param_names(params: dict) -> list[str]:
    """The parameter names ``params`` sets, looking inside ``_grid_`` and ``_zip_``."""
    names = []
    for key, value in params.items():
        if key in ("_grid_", "_zip_") and isinstance(value, dict):
            names += [str(k) for k in value]
        elif not (str(key).startswith("_") and str(key).endswith("_")):
            names.append(str(key))
    return names


def _check_params(node: Any, where: str) -> None:
    """Refuse an unknown parameter name before anything is built, naming its path."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_params(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    target = node.get("class", node.get("model"))
    params = node.get("params") or node.get("model_params")
    if isinstance(target, str) and isinstance(params, dict):
        cls = resolve_step_class(target, where=where)
        known = set(cls().get_params(deep=False)) if hasattr(cls, "get_params") else None
        for name in _param_names(params):
            if known is not None and name not in known:
                close = difflib.get_close_matches(str(name), sorted(known), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise SpecError(f"{where}.params.{name}: {cls.__name__} has no parameter "
                                f"{name!r}{hint} (its parameters: {', '.join(sorted(known))})")
    for key, value in node.items():
        if key != "params":
            _check_params(value, f"{where}.{key}")


def _read(path: Path) -> tuple[Any, dict[str, int]] | FileProblem:
    """The file's data and line map, or the problem that it does not parse."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        lines = line_map(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(exc, "lineno", None) or (mark.line + 1 if mark is not None else None)
        return FileProblem(str(path), "pipeline", line, f"cannot parse the file: {exc}")
    return data, lines


def validate_pipeline_file(path: str | Path, *, max_variants: int = 10_000,
                           ) -> tuple[FileProblem | None, int]:
    """Check a pipeline file without fitting anything.

    Returns
    -------
    problem : FileProblem or None
        The first problem found, or None when the file is valid.
    n_variants : int
        The number of variants the file expands into (0 when it is not valid).
    """
    from nirs4all.pipeline.reading import load_pipeline_file
    from nirs4all.pipeline.runner import prepare_variants

    path = Path(path)
    read = _read(path)
    if isinstance(read, FileProblem):
        return read, 0
    data, lines = read
    try:
        steps = data.get("pipeline", data) if isinstance(data, dict) else data
        _check_params(steps, f"{path}: steps")
        pipeline = load_pipeline_file(path)
        variants = prepare_variants(pipeline, seed=0, max_variants=max_variants)
    except (Nirs4allError, ValueError, TypeError) as exc:
        return _problem(path, exc, lines), 0
    return None, len(variants)


def _step_schema() -> dict[str, Any]:
    from nirs4all.pipeline.spec import KEYWORDS

    step_ref = {"$ref": "#/$defs/step"}
    keyword_forms = [{"type": "object", "required": [k], "properties": {k: True}}
                     for k in KEYWORDS]
    return {
        "description": "a step: a class name or dotted path, a class entry, a keyword dict, "
                       "a generator, a sub-pipeline (list) or null",
        "anyOf": [
            {"type": "null"},
            {"type": "string", "description": "a registered name (SNV, PLSRegression, "
                                              "KFold) or a dotted path under a trusted prefix"},
            {"type": "array", "items": step_ref},
            {"$ref": "#/$defs/class_entry"},
            *keyword_forms,
            {"$ref": "#/$defs/generator"},
        ],
    }


def pipeline_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a pipeline file's document."""
    from nirs4all.pipeline.generators import GENERATOR_KEYWORDS

    steps = {"type": "array", "items": {"$ref": "#/$defs/step"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "nirs4all pipeline file",
        "description": "A list of steps, or {pipeline: [...], name:, description:}; see "
                       "docs/pipeline-files.md.",
        "anyOf": [steps, {"type": "object", "required": ["pipeline"],
                          "properties": {"pipeline": steps, "name": {"type": "string"},
                                         "description": {"type": "string"}},
                          "additionalProperties": False}],  # the 0.x wrapper's keys
        "$defs": {
            "step": _step_schema(),
            "class_entry": {
                "type": "object", "required": ["class"], "additionalProperties": False,
                "properties": {"class": {"type": "string"},
                               "params": {"type": "object"}},
            },
            "generator": {
                "type": "object",
                "anyOf": [{"required": [k]} for k in GENERATOR_KEYWORDS],
                "properties": dict.fromkeys(GENERATOR_KEYWORDS, True),
            },
            "registered_names": {"enum": sorted(_registered())},
        },
    }


def _registered() -> list[str]:
    from nirs4all.pipeline.imports import step_registry

    return list(step_registry())

