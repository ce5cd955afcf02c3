"""What every keyword builder shares: the node's context and argument checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, NoReturn

from nirs4all.pipeline._generators._errors import GeneratorSpecError
from nirs4all.pipeline._generators._seeding import RandomSource
from nirs4all.pipeline._generators._sequences import Seq

__all__ = [
    "SELECTION_KEYS",
    "NodeContext",
    "as_int",
    "as_number",
    "fail",
    "key_path",
    "non_empty_list",
    "unpack",
]

SELECTION_KEYS = ("pick", "size", "arrange", "then_pick", "then_arrange")


@dataclass(frozen=True)
class NodeContext:
    """What a keyword builder knows about its node besides the keyword's body."""

    path: str
    build: Callable[[Any, str], Seq]
    random: RandomSource
    seed: int | None
    count: int | None
    modifiers: dict[str, Any]


def key_path(path: str, key: Any) -> str:
    """Path of ``key`` inside the dict at ``path``: ``a.b`` or ``a['not an identifier']``."""
    if isinstance(key, str) and key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def fail(path: str, problem: str) -> NoReturn:
    """Raise the GeneratorSpecError of the node at ``path``."""
    raise GeneratorSpecError(path, problem)


def as_int(value: Any, *, at_least: int, what: str, path: str) -> int:
    """``value`` as an int >= ``at_least``, or a GeneratorSpecError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < at_least:
        fail(path, f"{what} must be an integer >= {at_least}, got {value!r}")
    return int(value)


def as_number(value: Any, what: str, path: str) -> int | float:
    """``value`` as a finite int or float (bools refused), or a GeneratorSpecError."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        fail(path, f"{what} must be a finite number, got {value!r}")
    return int(value) if isinstance(value, Integral) else float(value)


def non_empty_list(body: Any, keyword: str, path: str, what: str = "choices") -> list[Any]:
    """``body`` as a list, refusing anything but a non-empty list or tuple."""
    if not isinstance(body, (list, tuple)) or not body:
        fail(path, f"{keyword} takes a non-empty list of {what}, got {body!r}")
    return list(body)


def unpack(body: Any, keyword: str, path: str, names: Sequence[str], defaults: dict) -> list:
    """Read ``[a, b(, c)]`` or ``{"a": .., "b": ..}`` into values in the order of ``names``."""
    form = f"[{', '.join(names)}] or {{{', '.join(repr(n) for n in names)}}}"
    if isinstance(body, dict):
        unknown = [key for key in body if key not in names]
        missing = [name for name in names if name not in body and name not in defaults]
        if unknown or missing:
            problem = f"unknown key {unknown[0]!r}" if unknown else f"missing {missing[0]!r}"
            fail(path, f"{keyword}: {problem}; it takes {form}")
        return [body.get(name, defaults.get(name)) for name in names]
    required = len([name for name in names if name not in defaults])
    if not isinstance(body, (list, tuple)) or not required <= len(body) <= len(names):
        fail(path, f"{keyword} takes {form}, got {body!r}")
    return [*body, *(defaults[name] for name in names[len(body) :])]
