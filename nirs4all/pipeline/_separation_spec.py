"""Parsing separation branches: ``{"branch": {"by_metadata" | "by_tag" | "by_filter" |
"by_source": ..., "values": ..., "min_samples": ..., "steps": ...}}``.

A separation branch sends each sample to exactly one branch (``by_source``: each source to
one branch); see :mod:`nirs4all.pipeline._separation` for how it runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from nirs4all.errors import SpecError

__all__ = ["BY_KEYS", "FILTER_BRANCHES", "TAG_BRANCHES", "Separation", "parse_separation",
           "parse_source_branch"]

BY_KEYS = ("by_metadata", "by_tag", "by_filter", "by_source")
_OPTIONS = {"values", "min_samples", "steps"}
FILTER_BRANCHES = ("pass", "fail")  # kept by the filter, flagged by it
TAG_BRANCHES = ("untagged", "tagged")


@dataclass(frozen=True)
class Separation:
    """What a separation branch separates by.

    Parameters
    ----------
    by : {"metadata", "tag", "filter", "source"}
    key : Any
        The metadata column, the tag name, the filter object, or the source names
        (``None``: every source of the dataset).
    groups : tuple of (name, tuple of values), optional
        ``by_metadata`` with ``values``: the branch names and the metadata values of each.
        ``None``: one branch per distinct value.
    min_samples : int
        Fewest training rows a branch may be fitted on in any fold.
    shared : bool
        True when one list of steps runs in every branch (``Step.branches`` has one body);
        else ``Step.branch_names`` names the body of each branch.
    """

    by: str
    key: Any
    groups: tuple[tuple[str, tuple[Any, ...]], ...] | None
    min_samples: int
    shared: bool

    def fixed_names(self) -> tuple[str, ...] | None:
        """Branch names known before the data is seen (None for ``by_metadata`` without
        ``values`` and ``by_source`` over every source)."""
        if self.by == "filter":
            return FILTER_BRANCHES
        if self.by == "tag":
            return TAG_BRANCHES
        if self.by == "metadata" and self.groups is not None:
            return tuple(name for name, _ in self.groups)
        if self.by == "source" and self.key is not None:
            return tuple(self.key)
        return None


def _groups(values: Any, path: str) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    if not isinstance(values, Mapping) or not values:
        raise SpecError(f"{path}.values: expected a dict of branch name -> metadata value or "
                        f"list of values; got {values!r}")
    out, seen = [], {}
    for name, entry in values.items():
        members = tuple(entry) if isinstance(entry, (list, tuple)) else (entry,)
        if not members:
            raise SpecError(f"{path}.values[{name!r}]: no metadata value given")
        for member in members:
            if member in seen:
                raise SpecError(f"{path}.values: value {member!r} is in branches "
                                f"{seen[member]!r} and {name!r}; a sample goes to one branch")
            seen[member] = name
        out.append((str(name), members))
    return tuple(out)


def _source_names(value: Any, path: str) -> tuple[str, ...] | None:
    if value is True or value == "all":
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            raise SpecError(f"{path}.by_source: a source is named twice in {list(value)}")
        return tuple(value)
    raise SpecError(f"{path}.by_source: expected True, 'all' or a list of source names; "
                    f"got {value!r}")


def _key(by: str, value: Any, path: str, build: Any) -> Any:
    if by == "source":
        return _source_names(value, path)
    if by == "filter":
        obj = build(value, f"{path}.by_filter")
        if not (callable(getattr(obj, "fit", None)) and callable(getattr(obj, "get_mask",
                                                                         None))):
            raise SpecError(f"{path}.by_filter: {type(obj).__name__} is not a sample filter "
                            "(it needs fit(X, y, metadata=...) and get_mask(X, y, "
                            "metadata=...)); see nirs4all.operators.filters")
        return obj
    if not isinstance(value, str) or not value:
        what = "metadata column" if by == "metadata" else "tag"
        raise SpecError(f"{path}.by_{by}: expected a {what} name; got {value!r}")
    return value


def parse_separation(parser: Any, item: Mapping, value: Mapping, path: str,
                     build: Any) -> Any:
    """The branch step of a separation spec ``value`` (the dict under ``"branch"``)."""
    found = [k for k in BY_KEYS if k in value]
    if len(found) != 1:
        raise SpecError(f"{path}.branch: a separation branch takes exactly one of {BY_KEYS}; "
                        f"got {found}")
    extra = set(value) - _OPTIONS - {found[0]}
    if extra:
        raise SpecError(f"{path}.branch: unknown key(s) {sorted(extra)}; a separation branch "
                        f"takes {found[0]!r} and {sorted(_OPTIONS)}")
    by = found[0][3:]
    if "values" in value and by != "metadata":
        raise SpecError(f"{path}.branch.values: only by_metadata takes values")
    min_samples = value.get("min_samples", 1)
    if isinstance(min_samples, bool) or not isinstance(min_samples, int) or min_samples < 1:
        raise SpecError(f"{path}.branch.min_samples must be an integer >= 1; got "
                        f"{min_samples!r}")
    groups = _groups(value["values"], f"{path}.branch") if "values" in value else None
    body = value.get("steps", [])
    separation = Separation(by, _key(by, value[found[0]], f"{path}.branch", build), groups,
                            min_samples, shared=not isinstance(body, Mapping))
    step = parser._step("branch", path, item)  # numbered before the steps inside it
    if separation.shared:
        names: tuple[str, ...] = ()
        bodies = (tuple(parser.parse_item(body, f"{path}.branch.steps")),)
    else:
        names = tuple(str(k) for k in body)
        known = separation.fixed_names()
        unknown = [n for n in names if known is not None and n not in known]
        if unknown:
            raise SpecError(f"{path}.branch.steps: no branch named {unknown}; the branches "
                            f"are {list(known)}")
        bodies = tuple(tuple(parser.parse_item(b, f"{path}.branch.steps[{n!r}]"))
                       for n, b in zip(names, body.values(), strict=True))
    return replace(step, branches=bodies, branch_names=names, separation=separation)


def parse_source_branch(parser: Any, item: Mapping, path: str, build: Any) -> Any:
    """The deprecated 0.x ``{"source_branch": steps}``: ``by_source`` with those steps."""
    warnings.warn(f"{path}: 'source_branch' is deprecated; write "
                  "{'branch': {'by_source': True, 'steps': ...}}", DeprecationWarning,
                  stacklevel=4)
    extra = set(item) - {"source_branch"}
    if extra:
        raise SpecError(f"{path}: unknown key(s) {sorted(extra)}; source_branch takes none")
    steps = item["source_branch"]
    names = list(steps) if isinstance(steps, Mapping) else True
    return parse_separation(parser, item, {"by_source": names, "steps": steps}, path, build)
