"""Parsing of the sample steps (``exclude``, ``tag``) and the splitter rules, for ``spec``.

Kept apart from :mod:`nirs4all.pipeline.spec` so that the parser stays one module of one
job; these helpers receive the parser's ``build`` (a spec entry -> an object) instead of
importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sklearn.base import clone

from nirs4all.errors import SpecError

__all__ = ["check_splitters", "exclude_filters", "is_holdout", "sample_filters"]


def sample_filters(value: Any, path: str, build: Callable[[Any, str], Any]) -> list[Any]:
    """Unfitted copies of the filters of a ``tag``/``exclude`` entry (one or a list)."""
    entries = value if isinstance(value, (list, tuple)) else [value]
    filters = []
    for i, entry in enumerate(entries):
        op = build(entry, f"{path}[{i}]")
        if not (callable(getattr(op, "fit", None)) and callable(getattr(op, "get_mask",
                                                                        None))):
            raise SpecError(f"{path}[{i}]: {type(op).__name__} is not a sample filter "
                            "(fit / get_mask); use one from nirs4all.operators.filters")
        filters.append(clone(op))
    if not filters:
        raise SpecError(f"{path}: no sample filter given")
    return filters


def exclude_filters(item: Mapping, path: str, build: Callable[[Any, str], Any]) -> list[Any]:
    """The filters of ``{"exclude": F or [F...], "mode": "any" | "all"}``."""
    mode = item.get("mode", "any")
    if mode not in ("any", "all"):
        raise SpecError(f"{path}.mode: expected 'any' or 'all'; got {mode!r}")
    filters = sample_filters(item["exclude"], f"{path}.exclude", build)
    if mode == "all" and len(filters) > 1:  # one rule: flagged when every filter flags
        from nirs4all.operators.filters import CompositeFilter

        filters = [CompositeFilter(filters, mode="all")]
    return filters


def check_splitters(steps: Sequence[Any], every_step: Sequence[Any]) -> list[Any]:
    """The top-level splitters: one, or a hold-out followed by the CV splitter; no
    splitter inside a branch."""
    splits = [s for s in steps if s.kind == "split"]
    nested = [s for s in every_step if s.kind == "split" and s not in splits]
    if nested:
        raise SpecError(f"{nested[0].path}: a splitter inside a branch is not supported; put "
                        "the splitter before the branch so every branch sees the same folds")
    if len(splits) > 2 or (len(splits) == 2 and not is_holdout(splits[0].operator)):
        raise SpecError(f"{splits[1].path}: only one splitter per pipeline (the first is at "
                        f"{splits[0].path}), or a hold-out splitter (one split, e.g. "
                        "KennardStone(test_size=0.25)) followed by the CV splitter")
    return splits


def is_holdout(splitter: Any) -> bool:
    """Whether a splitter makes a single train/test split (a hold-out)."""
    try:
        return int(splitter.get_n_splits()) == 1
    except (TypeError, ValueError):  # needs the data to count its splits: a CV splitter
        return False
