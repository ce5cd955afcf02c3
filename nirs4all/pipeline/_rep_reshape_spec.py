"""Parsing the ``rep_to_sources`` / ``rep_to_pp`` keywords, for ``spec``.

Kept apart from :mod:`nirs4all.pipeline._rep_reshape` (the executor mixin and the replay),
which imports the executor's state; the parser imports only this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nirs4all.data._repetition_sources import UNEQUAL
from nirs4all.errors import SpecError

__all__ = ["KEYWORD_MODES", "KIND", "ReshapeOptions", "check_reshape_position",
           "parse_reshape"]

#: The pipeline keywords and the layout each gives.
KEYWORD_MODES = {"rep_to_sources": "sources", "rep_to_pp": "pp"}
KIND = "rep_reshape"  # the step kind of both keywords


@dataclass(frozen=True)
class ReshapeOptions:
    """A parsed ``rep_to_sources`` / ``rep_to_pp`` step."""

    mode: str
    column: str | None  # None: the dataset's repetition column
    unequal: str = "error"


def parse_reshape(keyword: str, item: Mapping, path: str) -> ReshapeOptions:
    """The options of ``{keyword: True | "column" | {"column": ..., "unequal": ...}}``."""
    extra = set(item) - {keyword}
    if extra:
        raise SpecError(f"{path}: unknown key(s) {sorted(extra)}; this step takes "
                        f"[{keyword!r}]")
    value = item[keyword]
    unequal = "error"
    if isinstance(value, Mapping):
        unknown = set(value) - {"column", "unequal"}
        if unknown:
            raise SpecError(f"{path}.{keyword}: unknown key(s) {sorted(unknown)}; it takes "
                            "['column', 'unequal']")
        unequal = value.get("unequal", "error")
        if unequal not in UNEQUAL:
            raise SpecError(f"{path}.{keyword}.unequal: expected one of {UNEQUAL}; got "
                            f"{unequal!r}")
        value = value.get("column", True)
    if value is True:
        return ReshapeOptions(KEYWORD_MODES[keyword], None, unequal)
    if isinstance(value, str) and value:
        return ReshapeOptions(KEYWORD_MODES[keyword], value, unequal)
    raise SpecError(f"{path}.{keyword}: expected True (the dataset's repetition column), a "
                    f"metadata column name or {{'column': ..., 'unequal': ...}}; got {value!r}")


def check_reshape_position(steps: Sequence[Any], every_step: Sequence[Any]) -> None:
    """A reshaping step changes the rows of everything after it: first, and only once."""
    reshapes = [s for s in every_step if s.kind == KIND]
    if not reshapes:
        return
    first = next(s for s in steps if s.kind != "chart")
    for step in reshapes:
        if step is not first:
            raise SpecError(f"{step.path}: {_keyword(step)} reshapes the dataset (one row per "
                            "sample), so it must be the pipeline's first step, once; move it "
                            "before every other step")


def _keyword(step: Any) -> str:
    return next(k for k, m in KEYWORD_MODES.items() if m == step.options.mode)
