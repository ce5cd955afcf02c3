"""Walk a spec and turn each node into its sequence of variants.

Lists, tuples and plain dicts are Cartesian products of their parts; estimator instances
whose parameters hold generators are products over those parameters; dicts with a
generator keyword go to the keyword's builder in :mod:`._keywords`, wrapped here with the
node's choice record and its ``count``. A part without generators stays the very object the
user wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sklearn.base import clone

from nirs4all.pipeline._generators._keywords import BUILDERS
from nirs4all.pipeline._generators._node import (
    SELECTION_KEYS,
    NodeContext,
    as_int,
    fail,
    key_path,
)
from nirs4all.pipeline._generators._seeding import RandomSource
from nirs4all.pipeline._generators._sequences import (
    Collected,
    Const,
    Head,
    Product,
    Record,
    Seq,
    Subset,
)

__all__ = ["GENERATOR_KEYWORDS", "build_spec", "is_wrapped", "root_path"]

GENERATOR_KEYWORDS = tuple(BUILDERS)
CONSTRAINT_KEYS = ("_mutex_", "_requires_", "_exclude_")
WRAPPED_MODIFIERS = (*CONSTRAINT_KEYS, "_seed_")
MODIFIER_WORDS = (*SELECTION_KEYS, "count", "param")
ALLOWED_MODIFIERS = {
    "_or_": {*SELECTION_KEYS, *CONSTRAINT_KEYS, "count", "_seed_"},
    "_cartesian_": {*SELECTION_KEYS, "count", "_seed_"},
    "_range_": {"count", "_seed_"},
    "_log_range_": {"count", "_seed_"},
    "_grid_": {"count", "_seed_"},
    "_zip_": {"count", "_seed_"},
    "_sample_": {"count", "_seed_"},
    "_chain_": {"count"},
}
SWEEP_KEYWORDS = ("_or_", "_range_", "_log_range_", "_sample_")
# numpy draws subset indices as int64.
MAX_SAMPLED_POPULATION = 2**63 - 1


def is_wrapped(key: Any) -> bool:
    """True for a key spelled like a generator keyword: ``_name_``."""
    return isinstance(key, str) and len(key) > 2 and key[0] == "_" and key[-1] == "_"


def is_estimator(value: Any) -> bool:
    """True for an estimator instance (it has get_params and set_params), not a class."""
    return (
        not isinstance(value, type)
        and callable(getattr(value, "get_params", None))
        and callable(getattr(value, "set_params", None))
    )


def root_path(spec: Any) -> str:
    """``steps`` for a pipeline (a list or tuple of steps), ``spec`` for anything else."""
    return "steps" if isinstance(spec, (list, tuple)) else "spec"


def build_spec(spec: Any, random: RandomSource) -> Seq:
    """The variants of ``spec``, unbuilt; draws come from ``random`` on first access."""
    return _Walker(random).build(spec, root_path(spec))


def _with_param(target: Any, param: str, value: Any, path: str) -> Any:
    """A new estimator: ``target`` (class or instance) with ``param`` set to ``value``."""
    try:
        if isinstance(target, type):
            return target(**{param: value})
        if is_estimator(target):
            estimator = clone(target)
            estimator.set_params(**{param: value})
            return estimator
    except (TypeError, ValueError) as exc:
        fail(path, f"cannot set {param}={value!r} on {target!r}: {exc}")
    return fail(path, f"'param' sweeps need a class or an estimator instance to set {param!r} "
                      f"on, got {type(target).__name__} {target!r}")


class _Walker:
    def __init__(self, random: RandomSource) -> None:
        self._random = random

    def build(self, node: Any, path: str) -> Seq:
        if isinstance(node, dict):
            return self._dict(node, path)
        if isinstance(node, (list, tuple)):
            parts = [self.build(item, f"{path}[{i}]") for i, item in enumerate(node)]
            return self._combine(node, parts, list if isinstance(node, list) else tuple)
        if is_estimator(node):
            return self._estimator(node, path)
        return Const(node)

    @staticmethod
    def _combine(node: Any, parts: list[Seq], build: Callable[[list[Any]], Any]) -> Seq:
        if all(isinstance(part, Const) for part in parts):
            return Const(node)
        return Product(parts, build)

    def _estimator(self, estimator: Any, path: str) -> Seq:
        params = estimator.get_params(deep=False)
        varying = {}
        for name, value in params.items():
            part = self.build(value, f"{path}.{name}")
            if not isinstance(part, Const):
                varying[name] = part
        if not varying:
            return Const(estimator)
        names = list(varying)

        def rebuild(values: list[Any]) -> Any:
            new = clone(estimator)
            new.set_params(**dict(zip(names, values, strict=True)))
            return new

        return Product(list(varying.values()), rebuild)

    def _plain_dict(self, node: dict, path: str) -> Seq:
        parts = []
        for key, value in node.items():
            where = key_path(path, key)
            if key == "branch" and isinstance(value, dict) and any(map(is_wrapped, value)):
                # A generator directly under "branch" enumerates branches of one pipeline.
                parts.append(Collected(self.build(value, where)))
            else:
                parts.append(self.build(value, where))
        keys = list(node)
        return self._combine(node, parts, lambda values: dict(zip(keys, values, strict=True)))

    def _dict(self, node: dict, path: str) -> Seq:
        wrapped = [key for key in node if is_wrapped(key)]
        if not wrapped:
            return self._plain_dict(node, path)
        known = (*GENERATOR_KEYWORDS, *WRAPPED_MODIFIERS)
        unknown = [key for key in wrapped if key not in known]
        if unknown:
            fail(path, f"unknown generator keyword {unknown[0]!r}; the keywords are "
                       f"{', '.join(GENERATOR_KEYWORDS)} and the modifiers "
                       f"{', '.join(WRAPPED_MODIFIERS)}")
        keywords = [key for key in wrapped if key in GENERATOR_KEYWORDS]
        if not keywords:
            fail(path, f"{wrapped[0]} modifies a generator, but this dict has no generator "
                       f"keyword ({', '.join(GENERATOR_KEYWORDS)})")
        if len(keywords) > 1:
            fail(path, f"one generator keyword per dict, found {' and '.join(keywords)}; nest "
                       "one inside the other")
        keyword = keywords[0]
        modifiers = {k: v for k, v in node.items() if k in MODIFIER_WORDS or k in WRAPPED_MODIFIERS}
        misplaced = [k for k in modifiers if k != "param" and k not in ALLOWED_MODIFIERS[keyword]]
        if misplaced:
            fail(path, f"{misplaced[0]!r} does not apply to {keyword}; it takes "
                       f"{', '.join(sorted(ALLOWED_MODIFIERS[keyword]))}")
        seed = modifiers.get("_seed_")
        count = modifiers.get("count")
        context = NodeContext(
            path=path,
            build=self.build,
            random=self._random,
            seed=None if seed is None else as_int(seed, at_least=0, what="_seed_", path=path),
            count=None if count is None else as_int(count, at_least=1, what="count", path=path),
            modifiers=modifiers,
        )
        ordinary = {k: v for k, v in node.items() if k != keyword and k not in modifiers}
        if "param" in modifiers:
            return self._sweep(keyword, node[keyword], ordinary, context)
        if ordinary and keyword == "_or_":
            return self._merged_or(node[keyword], ordinary, context)
        if ordinary:
            fail(path, f"{keyword} sits next to ordinary keys ({', '.join(map(repr, ordinary))}); "
                       "add 'param' to sweep a parameter of the 'model' value, or move the "
                       "generator under one of the keys")
        return self._limit(Record(BUILDERS[keyword](node[keyword], context), path), keyword,
                           context)

    def _limit(self, seq: Seq, keyword: str, node: NodeContext) -> Seq:
        """Apply ``count``: the first ones for _chain_, a random subset otherwise."""
        if node.count is None or seq.size <= node.count or keyword == "_sample_":
            return seq
        if keyword == "_chain_":
            return Head(seq, node.count)
        if seq.size > MAX_SAMPLED_POPULATION:
            fail(node.path, f"count draws from {seq.size} candidates, more than can be sampled "
                            f"({MAX_SAMPLED_POPULATION}); narrow the node")
        random, path, seed = self._random, node.path, node.seed
        return Subset(seq, node.count, lambda: random.generator(path, seed))

    def _sweep(self, keyword: str, body: Any, ordinary: dict, node: NodeContext) -> Seq:
        """Sibling form ``{"model": M, "_range_": [...], "param": name}``."""
        path, param = node.path, node.modifiers["param"]
        if keyword not in SWEEP_KEYWORDS:
            fail(path, f"'param' sweeps take {', '.join(SWEEP_KEYWORDS)}, not {keyword}")
        if not isinstance(param, str) or not param.isidentifier():
            fail(path, f"'param' must name a parameter, got {param!r}")
        if not ordinary:
            fail(path, f"'param' sweeps {param!r} of the value next to it; add "
                       "'model': <class or estimator>")
        if "model" in ordinary:
            target = "model"
        elif len(ordinary) == 1:
            target = next(iter(ordinary))
        else:
            fail(path, f"'param' does not know which of {', '.join(map(repr, ordinary))} to "
                       "sweep; put the estimator under 'model'")
        base = self._plain_dict(ordinary, path)
        value = ordinary[target]
        if isinstance(base, Const) and not (isinstance(value, type) or is_estimator(value)):
            fail(path, f"'param' sweeps need a class or an estimator instance under {target!r}, "
                       f"got {type(value).__name__} {value!r}")
        values = self._limit(BUILDERS[keyword](body, node), keyword, node)
        sweep = Record(values, f"{key_path(path, target)}.{param}")

        def make(parts: list[Any]) -> dict:
            expanded, chosen = parts
            return {**expanded, target: _with_param(expanded[target], param, chosen, path)}

        return Product([base, sweep], make)

    def _merged_or(self, body: Any, ordinary: dict, node: NodeContext) -> Seq:
        """``{"class": X, "_or_": [{"a": 1}, {"a": 2}]}``: each choice merged into the base."""
        path = node.path
        selecting = [key for key in SELECTION_KEYS if key in node.modifiers]
        if selecting:
            fail(path, f"{selecting[0]!r} cannot be used when _or_ sits next to ordinary keys: "
                       "each choice is a dict merged into them")
        if isinstance(body, (list, tuple)):
            for i, choice in enumerate(body):
                if not isinstance(choice, dict):
                    fail(path, f"_or_ next to ordinary keys merges dict choices into them, but "
                               f"choice {i} is {choice!r}")
                clash = [key for key in choice if key in ordinary]
                if clash:
                    fail(path, f"_or_ choice {i} sets {clash[0]!r}, which the dict around it "
                               "already sets; keep each key in one place")

        def merge(parts: list[Any]) -> dict:
            base, choice = parts
            if not isinstance(choice, dict):
                fail(path, f"_or_ next to ordinary keys needs dict choices, got {choice!r}")
            clash = [key for key in choice if key in base]
            if clash:
                fail(path, f"_or_ choice {choice!r} sets {clash[0]!r}, which the dict around "
                           "it already sets; keep each key in one place")
            return {**base, **choice}

        choices = Record(BUILDERS["_or_"](body, node), path)
        return self._limit(Product([self._plain_dict(ordinary, path), choices], merge), "_or_",
                           node)
