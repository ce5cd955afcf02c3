"""The 0.x generator helpers (``nirs4all.pipeline.config.generator``) over the one expander.

Scripts written for 0.7 import these names to preview, count, sample and compare the
variants of a spec before running it. Each helper is a thin function over
:mod:`nirs4all.pipeline.generators`, so the variants it shows are exactly the ones
:func:`nirs4all.run` executes. What changed from 0.7 (and why):

- ``seed=None`` draws from OS entropy instead of the global :mod:`random` module: the
  library never reads or seeds global random state (contract 6). Pass ``seed`` to
  reproduce a ``count`` subset or a ``_sample_`` draw.
- A preset is a named spec registered by the caller (:func:`register_preset`) and written
  ``{"_preset_": name}``. The registry starts empty; importing the library registers
  nothing. An unknown name is an error that lists the registered ones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from nirs4all.pipeline._generators._seeding import RandomSource
from nirs4all.pipeline._generators._walk import GENERATOR_KEYWORDS, build_spec
from nirs4all.pipeline.generators import (
    DEFAULT_MAX_VARIANTS,
    GeneratorSpecError,
    count_variants,
    expand,
)
from nirs4all.utils.seeding import child_rng

__all__ = [
    "ARRANGE_KEYWORD",
    "CARTESIAN_KEYWORD",
    "CHAIN_KEYWORD",
    "COUNT_KEYWORD",
    "GRID_KEYWORD",
    "LOG_RANGE_KEYWORD",
    "OR_KEYWORD",
    "PICK_KEYWORD",
    "PRESET_KEYWORD",
    "RANGE_KEYWORD",
    "SAMPLE_KEYWORD",
    "THEN_ARRANGE_KEYWORD",
    "THEN_PICK_KEYWORD",
    "ZIP_KEYWORD",
    "batch_iter",
    "clear_presets",
    "count_combinations",
    "diff_configs",
    "expand_spec",
    "expand_spec_iter",
    "is_generator_node",
    "list_presets",
    "print_expansion_tree",
    "register_preset",
    "resolve_presets_recursive",
    "sample_with_seed",
    "summarize_configs",
    "to_dataframe",
]

OR_KEYWORD = "_or_"
RANGE_KEYWORD = "_range_"
LOG_RANGE_KEYWORD = "_log_range_"
GRID_KEYWORD = "_grid_"
ZIP_KEYWORD = "_zip_"
CHAIN_KEYWORD = "_chain_"
SAMPLE_KEYWORD = "_sample_"
CARTESIAN_KEYWORD = "_cartesian_"
PRESET_KEYWORD = "_preset_"
PICK_KEYWORD = "pick"
ARRANGE_KEYWORD = "arrange"
THEN_PICK_KEYWORD = "then_pick"
THEN_ARRANGE_KEYWORD = "then_arrange"
COUNT_KEYWORD = "count"

_PRESETS: dict[str, Any] = {}


def register_preset(name: str, spec: Any, *, overwrite: bool = False) -> None:
    """Register ``spec`` under ``name``, for ``{"_preset_": name}`` references.

    Parameters
    ----------
    name : str
        The preset's name.
    spec : Any
        Any spec, generators included (a list of preprocessings, an ``_or_`` node ...).
    overwrite : bool, default=False
        Replace an existing preset of that name instead of refusing it.
    """
    if not isinstance(name, str) or not name:
        raise GeneratorSpecError("register_preset", f"a preset name is a non-empty string, "
                                 f"got {name!r}")
    if name in _PRESETS and not overwrite:
        raise GeneratorSpecError("register_preset", f"preset {name!r} is already registered; "
                                 "pass overwrite=True to replace it")
    _PRESETS[name] = spec


def list_presets() -> list[str]:
    """The registered preset names, sorted."""
    return sorted(_PRESETS)


def clear_presets() -> None:
    """Forget every registered preset."""
    _PRESETS.clear()


def resolve_presets_recursive(node: Any) -> Any:
    """``node`` with every ``{"_preset_": name}`` replaced by the registered spec.

    Presets may reference presets; a cycle is an error naming it. ``node`` itself is not
    modified: containers on the way are rebuilt, leaves are shared.
    """
    return _resolve(node, (), "spec")


def _resolve(node: Any, seen: tuple[str, ...], path: str) -> Any:
    if isinstance(node, dict):
        if PRESET_KEYWORD in node:
            if set(node) != {PRESET_KEYWORD}:
                raise GeneratorSpecError(path, "a preset reference stands alone: "
                                         f"{{'_preset_': name}}, got the keys "
                                         f"{sorted(map(str, node))}")
            name = node[PRESET_KEYWORD]
            if name in seen:
                raise GeneratorSpecError(path, "presets reference each other in a cycle: "
                                         f"{' -> '.join((*seen, name))}")
            if name not in _PRESETS:
                raise GeneratorSpecError(path, f"unknown preset {name!r}; registered presets: "
                                         f"{list_presets() or 'none (see register_preset)'}")
            return _resolve(_PRESETS[name], (*seen, name), path)
        return {key: _resolve(value, seen, f"{path}.{key}")
                for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, seen, f"{path}[{i}]")
                for i, item in enumerate(node)]
    if isinstance(node, tuple):
        return tuple(_resolve(item, seen, f"{path}[{i}]")
                     for i, item in enumerate(node))
    return node


def is_generator_node(node: Any) -> bool:
    """Whether ``node`` is a dict holding a generator keyword (``_or_``, ``_range_`` ...)."""
    return isinstance(node, dict) and any(
        key in node for key in (*GENERATOR_KEYWORDS, PRESET_KEYWORD))


def count_combinations(node: Any) -> int:
    """The number of variants ``node`` expands to (presets resolved), without building them."""
    return count_variants(resolve_presets_recursive(node))


def expand_spec(node: Any, seed: int | None = None,
                max_variants: int = DEFAULT_MAX_VARIANTS) -> list[Any]:
    """Every variant of ``node``, in enumeration order.

    Parameters
    ----------
    node : Any
        A spec with generator keywords (presets resolved first).
    seed : int, optional
        Seed of ``count`` subsets and ``_sample_`` draws.
    max_variants : int, default=10000
        Refuse a spec that expands to more.
    """
    return [v.spec for v in expand(resolve_presets_recursive(node), random_state=seed,
                                   max_variants=max_variants)]


def expand_spec_iter(node: Any, seed: int | None = None) -> Iterator[Any]:
    """The variants of ``node`` one at a time, built on demand (no size limit)."""
    variants = build_spec(resolve_presets_recursive(node), RandomSource(seed))
    for index in range(variants.size):
        yield variants.item(index)[0]


def batch_iter(node: Any, batch_size: int, seed: int | None = None) -> Iterator[list[Any]]:
    """The variants of ``node`` in lists of ``batch_size`` (the last may be shorter)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise GeneratorSpecError("batch_iter",
                                 f"batch_size must be a positive int, got {batch_size!r}")
    batch: list[Any] = []
    for variant in expand_spec_iter(node, seed):
        batch.append(variant)
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def sample_with_seed(node: Any, n: int, seed: int = 0) -> list[Any]:
    """``n`` distinct variants of ``node`` drawn without replacement, in enumeration order.

    The same seed gives the same variants. All variants are returned when ``n`` is at
    least their number. Only the drawn variants are built.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise GeneratorSpecError("sample_with_seed", f"n must be a non-negative int, got {n!r}")
    variants = build_spec(resolve_presets_recursive(node), RandomSource(seed))
    if n >= variants.size:
        indices = range(variants.size)
    else:
        rng = child_rng(seed, 0x5A)
        indices = sorted(int(i) for i in rng.choice(variants.size, size=n, replace=False))
    return [variants.item(i)[0] for i in indices]


def _flatten(node: Any, path: str, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(value, f"{path}.{key}" if path else str(key), out)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            _flatten(value, f"{path}[{index}]", out)
    else:
        out[path] = node
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays compare element-wise
        return a is b


def diff_configs(first: Any, second: Any) -> dict[str, tuple[Any, Any]]:
    """Where two variants differ: ``{path: (value in first, value in second)}``.

    Paths are written ``[0].model.n_components``; a path present on one side only has
    ``None`` on the other.
    """
    a, b = _flatten(first, "", {}), _flatten(second, "", {})
    return {path: (a.get(path), b.get(path)) for path in sorted({*a, *b})
            if path not in a or path not in b or not _same(a[path], b[path])}


def _label(value: Any) -> str:
    if isinstance(value, type):
        return value.__name__
    if hasattr(value, "get_params"):
        return type(value).__name__
    return repr(value)


def summarize_configs(configs: Sequence[Any]) -> dict[str, Any]:
    """How a list of variants varies.

    Returns
    -------
    dict
        ``count`` (number of variants), ``fixed`` (paths equal in every variant) and
        ``varying`` (``{path: {value label: number of variants}}``).
    """
    flat = [_flatten(c, "", {}) for c in configs]
    paths = sorted({p for f in flat for p in f})
    varying: dict[str, dict[str, int]] = {}
    fixed: list[str] = []
    for path in paths:
        labels = Counter(_label(f.get(path)) for f in flat)
        if len(labels) > 1:
            varying[path] = dict(sorted(labels.items()))
        else:
            fixed.append(path)
    return {"count": len(configs), "fixed": fixed, "varying": varying}


def _tree_lines(node: Any, path: str, depth: int, emit: Callable[[str], None]) -> None:
    if is_generator_node(node):
        keyword = next(k for k in node if k in (*GENERATOR_KEYWORDS, PRESET_KEYWORD))
        emit(f"{'  ' * depth}{path or '<root>'}: {keyword} -> "
             f"{count_combinations(node)} variant(s)")
        depth += 1
    if isinstance(node, Mapping):
        for key, value in node.items():
            _tree_lines(value, f"{path}.{key}" if path else str(key), depth, emit)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            _tree_lines(value, f"{path}[{index}]", depth, emit)


def print_expansion_tree(node: Any, file: TextIO | None = None) -> str:
    """Print (and return) the generator nodes of ``node`` with their variant counts."""
    lines = [f"total: {count_combinations(node)} variant(s)"]
    _tree_lines(resolve_presets_recursive(node), "", 0, lines.append)
    text = "\n".join(lines)
    print(text, file=file)
    return text


def to_dataframe(configs: Sequence[Any]) -> Any:
    """A pandas DataFrame with one row per variant and one column per varying path.

    Needs pandas (``pip install pandas``).
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - exercised only without pandas
        raise ImportError("to_dataframe needs pandas: pip install pandas") from None
    varying = summarize_configs(configs)["varying"]
    rows = []
    for config in configs:
        flat = _flatten(config, "", {})
        rows.append({path: _label(flat.get(path)) for path in varying})
    return pd.DataFrame(rows, columns=list(varying))
