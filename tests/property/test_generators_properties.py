"""Properties of generator expansion: exact counts, determinism, seeded randomness."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.pipeline.generators import count_variants, expand, expand_with_seed

SETTINGS = settings(max_examples=50, deadline=None)

leaves = st.one_of(st.integers(0, 9), st.sampled_from(["a", "b", "snv"]), st.none())
ranges = st.builds(
    lambda start, span, step: {"_range_": [start, start + span, step]},
    st.integers(-5, 5),
    st.integers(0, 4),
    st.integers(1, 3),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(children, min_size=0, max_size=3),
        st.builds(lambda choices: {"_or_": choices}, st.lists(children, min_size=1, max_size=3)),
        st.builds(
            lambda values: {f"k{i}": v for i, v in enumerate(values)},
            st.lists(children, min_size=1, max_size=2),
        ),
    )


specs = st.recursive(st.one_of(leaves, ranges), _extend, max_leaves=8)


def _rebuild(node: Any, path: str, chosen: dict[str, Any]) -> Any:
    """The variant that the recorded choices describe: each node replaced by its choice."""
    if isinstance(node, dict) and ("_or_" in node or "_range_" in node):
        return chosen[path]
    if isinstance(node, dict):
        return {key: _rebuild(value, f"{path}.{key}", chosen) for key, value in node.items()}
    if isinstance(node, list):
        return [_rebuild(item, f"{path}[{i}]", chosen) for i, item in enumerate(node)]
    return node


def _has_generator_key(value: Any) -> bool:
    if isinstance(value, dict):
        return any(
            isinstance(k, str) and k.startswith("_") and k.endswith("_") for k in value
        ) or any(_has_generator_key(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_generator_key(v) for v in value)
    return False


@given(specs)
@SETTINGS
def test_count_variants_equals_the_number_of_expanded_variants(spec: Any) -> None:
    assert count_variants(spec) == len(expand(spec))


@given(specs)
@SETTINGS
def test_expansion_is_deterministic(spec: Any) -> None:
    assert expand(spec) == expand(spec)


@given(specs)
@SETTINGS
def test_variants_hold_no_generator_keys(spec: Any) -> None:
    assert not any(_has_generator_key(variant.spec) for variant in expand(spec))


@given(specs)
@SETTINGS
def test_recorded_choices_reproduce_each_variant(spec: Any) -> None:
    root = "steps" if isinstance(spec, list) else "spec"
    for variant in expand(spec):
        chosen: dict[str, Any] = {}
        for path, value in variant.choices:
            chosen.setdefault(path, value)
        assert _rebuild(spec, root, chosen) == variant.spec


@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=4),
    st.data(),
    st.booleans(),
)
@SETTINGS
def test_pick_and_arrange_match_nested_itertools_loops(
    widths: list[int], data: st.DataObject, ordered: bool
) -> None:
    pools = [[f"c{i}v{j}" for j in range(w)] for i, w in enumerate(widths)]
    choices = [pool[0] if len(pool) == 1 else {"_or_": pool} for pool in pools]
    low = data.draw(st.integers(0, len(pools)))
    high = data.draw(st.integers(low, len(pools)))
    spec = {"_or_": choices, ("arrange" if ordered else "pick"): [low, high]}
    select = itertools.permutations if ordered else itertools.combinations
    expected = [
        list(values)
        for k in range(low, high + 1)
        for chosen in select(range(len(pools)), k)
        for values in itertools.product(*(pools[j] for j in chosen))
    ]
    assert [variant.spec for variant in expand(spec)] == expected
    assert count_variants(spec) == len(expected)


random_specs = st.one_of(
    st.builds(
        lambda num: {"_sample_": {"distribution": "uniform", "num": num}}, st.integers(1, 6)
    ),
    st.builds(
        lambda n, count: {"_or_": list(range(n)), "pick": 2, "count": count},
        st.integers(4, 12),
        st.integers(1, 5),
    ),
    st.builds(
        lambda count: [{"_range_": [1, 50]}, {"_range_": [1, 50], "count": count}],
        st.integers(1, 10),
    ),
)


@given(random_specs, st.integers(0, 2**32 - 1))
@SETTINGS
def test_same_random_state_gives_identical_variants(spec: Any, seed: int) -> None:
    first, used = expand_with_seed(spec, random_state=seed)
    second, _ = expand_with_seed(spec, random_state=seed)
    assert first == second
    assert used == seed


@given(random_specs, st.integers(0, 2**32 - 1))
@SETTINGS
def test_count_keeps_a_subsequence_of_the_full_enumeration(spec: Any, seed: int) -> None:
    kept = [variant.spec for variant in expand(spec, random_state=seed)]
    if isinstance(spec, dict) and "count" in spec:
        full = [variant.spec for variant in expand({**spec, "count": 10**6})]
        assert len(kept) == min(spec["count"], len(full))
        positions = [full.index(value) for value in kept]
        assert positions == sorted(set(positions))


@given(st.integers(1, 6), st.integers(0, 2**32 - 1), st.integers(1, 2**32 - 1))
@SETTINGS
def test_different_random_states_give_different_draws(num: int, seed: int, offset: int) -> None:
    spec = {"_sample_": {"distribution": "uniform", "num": num}}
    assert expand(spec, random_state=seed) != expand(spec, random_state=seed + offset)


def test_different_random_states_usually_pick_different_subsets() -> None:
    spec = {"_or_": list(range(10)), "pick": 2, "count": 5}
    subsets = {tuple(map(tuple, (v.spec for v in expand(spec, random_state=s)))) for s in range(20)}
    assert len(subsets) > 10
