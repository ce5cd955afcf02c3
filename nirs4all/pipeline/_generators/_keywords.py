"""Keywords that combine choices: ``_or_``, ``_grid_``, ``_zip_``, ``_chain_``, ``_cartesian_``.

A builder returns the node's variants *before* ``count`` and before the node records its
choice; :mod:`._walk` adds both. Nested specs are built through ``node.build`` so that
generators inside choices expand too. :data:`BUILDERS` maps every keyword to its builder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nirs4all.pipeline._generators._node import (
    SELECTION_KEYS,
    NodeContext,
    as_int,
    fail,
    key_path,
    non_empty_list,
)
from nirs4all.pipeline._generators._numeric import build_log_range, build_range, build_sample
from nirs4all.pipeline._generators._sequences import (
    Concat,
    Const,
    Mapped,
    Product,
    Selection,
    Seq,
)

__all__ = ["BUILDERS"]


def _candidates(value: Any, path: str, node: NodeContext) -> Seq:
    """A ``_grid_`` axis: a list of candidates (each expanded) or one generator node."""
    if isinstance(value, (list, tuple)) and value:
        return Concat([node.build(v, f"{path}[{i}]") for i, v in enumerate(value)])
    if isinstance(value, dict):
        axis = node.build(value, path)
        if not isinstance(axis, Const):
            return axis
    return fail(path, f"_grid_ values are non-empty lists of candidates (or a generator), got "
                      f"{value!r}; wrap a single value in a list")


def _as_dict(keys: list[Any]) -> Callable[[list[Any]], dict]:
    return lambda values: dict(zip(keys, values, strict=True))


def build_grid(body: Any, node: NodeContext) -> Seq:
    """``_grid_``: every combination of one candidate per key, as a dict."""
    if not isinstance(body, dict) or not body:
        fail(node.path, f"_grid_ takes a non-empty dict of candidate lists, got {body!r}")
    base = f"{node.path}._grid_"
    axes = [_candidates(value, key_path(base, key), node) for key, value in body.items()]
    return Product(axes, _as_dict(list(body)))


def build_zip(body: Any, node: NodeContext) -> Seq:
    """``_zip_``: the i-th values of every list together, as a dict; lists of equal length."""
    path = node.path
    if not isinstance(body, dict) or not body:
        fail(path, f"_zip_ takes a non-empty dict of equally long lists, got {body!r}")
    for key, value in body.items():
        if not isinstance(value, (list, tuple)) or not value:
            fail(path, f"_zip_ values must be non-empty lists; {key!r} is {value!r}")
    lengths = {key: len(value) for key, value in body.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{key!r} has {n}" for key, n in lengths.items())
        fail(path, f"_zip_ pairs values by position, so its lists must have the same length: "
                   f"{detail}")
    base, keys = f"{node.path}._zip_", list(body)

    def position(i: int) -> Seq:
        parts = [node.build(body[key][i], f"{key_path(base, key)}[{i}]") for key in keys]
        return Product(parts, _as_dict(keys))

    return Concat([position(i) for i in range(lengths[keys[0]])])


def build_chain(body: Any, node: NodeContext) -> Seq:
    """``_chain_``: every choice in order (``count`` keeps the first ones)."""
    choices = non_empty_list(body, "_chain_", node.path)
    return Concat([node.build(c, f"{node.path}._chain_[{i}]") for i, c in enumerate(choices)])


def _sizes(value: Any, available: int, what: str, items: str, path: str) -> range:
    """``k`` or ``[lo, hi]`` as the range of selection sizes, checked against ``available``."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low = as_int(value[0], at_least=0, what=f"{what} lower bound", path=path)
        high = as_int(value[1], at_least=low, what=f"{what} upper bound", path=path)
    else:
        low = high = as_int(value, at_least=0, what=f"{what} (or [lo, hi])", path=path)
    if high > available:
        fail(path, f"{what} {high} is impossible with {available} {items}")
    return range(low, high + 1)


def _unwrap_singleton(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _select(
    n: int,
    fetch: Callable[[int, int], Any],
    weights: Sequence[int] | None,
    node: NodeContext,
    items: str,
    accept: Callable[[tuple[int, ...]], bool] | None = None,
) -> Seq:
    """First-order pick/arrange over ``n`` items, then optional then_pick/then_arrange."""
    modifiers, path = node.modifiers, node.path
    first = [key for key in ("pick", "size", "arrange") if key in modifiers]
    then = [key for key in ("then_pick", "then_arrange") if key in modifiers]
    if len(first) > 1 or len(then) > 1:
        fail(path, f"use one of {' / '.join(first if len(first) > 1 else then)}, not both")
    if not first:
        fail(path, f"{then[0]} selects among the results of pick or arrange; add one of them")
    ordered = first[0] == "arrange"
    sizes = _sizes(modifiers[first[0]], n, first[0], items, path)
    primary = Concat(
        [Selection(n, k, fetch, weights=weights, ordered=ordered, accept=accept) for k in sizes]
    )
    if primary.size == 0:
        fail(path, "the _mutex_/_requires_/_exclude_ constraints exclude every selection")
    if not then:
        return primary
    results = Mapped(primary, _unwrap_singleton)
    count = primary.size
    then_sizes = _sizes(modifiers[then[0]], count, then[0], f"{first[0]} results", path)

    def fetch_result(j: int, _inner: int) -> Any:
        return results.item(j)

    ordered_then = then[0] == "then_arrange"
    return Concat([Selection(count, m, fetch_result, ordered=ordered_then) for m in then_sizes])


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        equal = a == b
    except Exception:  # an operand whose == raises is simply not the same item
        return False
    return isinstance(equal, (bool, np.bool_)) and bool(equal)


_CONSTRAINTS = {"_mutex_": 2, "_requires_": 2, "_exclude_": 1}


def _constraint_filter(
    choices: list[Any], node: NodeContext
) -> Callable[[tuple[int, ...]], bool] | None:
    """The selections the constraints allow, matching constraint items to choices by ==."""
    path, groups = node.path, {}
    for key, minimum in _CONSTRAINTS.items():
        if key not in node.modifiers:
            continue
        value = node.modifiers[key]
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(g, (list, tuple)) and len(g) >= minimum for g in value
        ):
            fail(path, f"{key} takes a list of groups of at least {minimum} choices, e.g. "
                       f"[[a, b]], got {value!r}")
        resolved = []
        for group in value:
            indices = []
            for item in group:
                matched = frozenset(j for j, c in enumerate(choices) if _same(c, item))
                if not matched:
                    fail(path, f"{key} names {item!r}, which is not one of the _or_ choices")
                indices.append(matched)
            resolved.append(indices)
        groups[key] = resolved
    if not groups:
        return None

    def accept(selection: tuple[int, ...]) -> bool:
        chosen = set(selection)
        for group in groups.get("_mutex_", ()):
            if sum(1 for matched in group if matched & chosen) > 1:
                return False
        for first, *needed in groups.get("_requires_", ()):
            if first & chosen and not all(matched & chosen for matched in needed):
                return False
        for group in groups.get("_exclude_", ()):
            if len(group) == len(selection) and all(m & chosen for m in group) and all(
                any(j in m for m in group) for j in selection
            ):
                return False
        return True

    return accept


def build_or(body: Any, node: NodeContext) -> Seq:
    """``_or_``: one variant per choice, or pick/arrange selections of choices."""
    choices = non_empty_list(body, "_or_", node.path)
    parts = [node.build(c, f"{node.path}._or_[{i}]") for i, c in enumerate(choices)]
    accept = _constraint_filter(choices, node)
    if not any(key in node.modifiers for key in SELECTION_KEYS):
        if accept is not None:
            fail(node.path, "_mutex_/_requires_/_exclude_ filter pick or arrange selections; "
                            "add 'pick' or 'arrange'")
        return Concat(parts)

    def fetch(j: int, i: int) -> Any:
        return parts[j].item(i)

    weights = [part.size for part in parts]
    return _select(len(parts), fetch, weights, node, "choices", accept)


def build_cartesian(body: Any, node: NodeContext) -> Seq:
    """``_cartesian_``: one sub-pipeline (list) per combination of stage variants."""
    stages = non_empty_list(body, "_cartesian_", node.path, "stages")
    parts = [node.build(s, f"{node.path}._cartesian_[{i}]") for i, s in enumerate(stages)]
    pipelines = Product(parts, list)
    if not any(key in node.modifiers for key in SELECTION_KEYS):
        return pipelines

    def fetch(j: int, _inner: int) -> Any:
        return pipelines.item(j)

    return _select(pipelines.size, fetch, None, node, "pipelines")


BUILDERS: dict[str, Callable[[Any, NodeContext], Seq]] = {
    "_or_": build_or,
    "_range_": build_range,
    "_log_range_": build_log_range,
    "_grid_": build_grid,
    "_zip_": build_zip,
    "_chain_": build_chain,
    "_sample_": build_sample,
    "_cartesian_": build_cartesian,
}
