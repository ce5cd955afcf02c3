"""0.7 style: preview, count, sample and compare generator expansions before running."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.transforms import MSC, SNV
from nirs4all.pipeline.config.generator import (
    ARRANGE_KEYWORD,
    PICK_KEYWORD,
    THEN_ARRANGE_KEYWORD,
    THEN_PICK_KEYWORD,
    batch_iter,
    clear_presets,
    count_combinations,
    diff_configs,
    expand_spec,
    expand_spec_iter,
    is_generator_node,
    list_presets,
    print_expansion_tree,
    register_preset,
    resolve_presets_recursive,
    sample_with_seed,
    summarize_configs,
    to_dataframe,
)
from nirs4all.pipeline.generators import GeneratorSpecError, expand

PIPELINE = [
    {"_or_": [SNV(), MSC()]},
    {"model": PLSRegression(), "_range_": [2, 6, 2], "param": "n_components"},
]


@pytest.fixture(autouse=True)
def _no_presets():
    clear_presets()
    yield
    clear_presets()


def test_keyword_constants_have_their_07_spelling():
    assert (PICK_KEYWORD, ARRANGE_KEYWORD, THEN_PICK_KEYWORD, THEN_ARRANGE_KEYWORD) == (
        "pick", "arrange", "then_pick", "then_arrange")


def test_count_and_expand_agree_with_the_engine_expander():
    configs = expand_spec(PIPELINE)
    assert count_combinations(PIPELINE) == len(configs) == 6
    assert [c[1]["model"].n_components for c in configs] == [2, 4, 6, 2, 4, 6]
    engine = [v.spec for v in expand(PIPELINE)]
    assert [type(c[0]).__name__ for c in configs] == [type(c[0]).__name__ for c in engine]


def test_pick_counts_combinations_as_in_07():
    node = {"_or_": ["a", "b", "c"], "pick": 2}
    assert expand_spec(node) == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert count_combinations({"_or_": ["a", "b", "c"], "pick": [1, 2]}) == 6


def test_expand_iter_and_batches_give_the_same_variants_lazily():
    node = {"_range_": [1, 7]}
    assert list(expand_spec_iter(node)) == expand_spec(node) == [1, 2, 3, 4, 5, 6, 7]
    assert list(batch_iter(node, 3)) == [[1, 2, 3], [4, 5, 6], [7]]
    with pytest.raises(GeneratorSpecError, match="batch_size"):
        list(batch_iter(node, 0))


def test_sample_with_seed_is_reproducible_and_distinct():
    node = {"_grid_": {"a": list(range(10)), "b": list(range(10))}}
    first = sample_with_seed(node, 7, seed=3)
    assert first == sample_with_seed(node, 7, seed=3)
    assert len({(c["a"], c["b"]) for c in first}) == 7
    assert first != sample_with_seed(node, 7, seed=4)
    assert len(sample_with_seed(node, 500, seed=0)) == 100


def test_seeded_count_subsets_repeat():
    node = {"_or_": list(range(20)), "count": 5}
    assert expand_spec(node, seed=11) == expand_spec(node, seed=11)
    assert len(expand_spec(node, seed=11)) == 5


def test_is_generator_node():
    assert is_generator_node({"_or_": [1, 2]})
    assert is_generator_node({"_preset_": "x"})
    assert not is_generator_node({"model": PLSRegression()})
    assert not is_generator_node([{"_or_": [1]}])


def test_diff_configs_names_the_changed_paths():
    a, b = expand_spec([{"x": {"_or_": [1, 2]}, "y": 0}])
    assert diff_configs(a, b) == {"[0].x": (1, 2)}
    assert diff_configs([1], [1, 2]) == {"[1]": (None, 2)}


def test_summarize_configs_and_dataframe_show_what_varies():
    configs = expand_spec(PIPELINE)
    summary = summarize_configs(configs)
    assert summary["count"] == 6
    assert summary["varying"]["[0]"] == {"MSC": 3, "SNV": 3}
    pytest.importorskip("pandas")
    frame = to_dataframe(configs)
    assert frame.shape == (6, len(summary["varying"]))
    assert sorted(frame["[0]"].unique()) == ["MSC", "SNV"]


def test_print_expansion_tree_shows_each_generator_with_its_count():
    out = io.StringIO()
    text = print_expansion_tree([{"_or_": ["a", "b"]}, {"_range_": [1, 3]}], file=out)
    assert out.getvalue().strip() == text
    assert text.splitlines()[0] == "total: 6 variant(s)"
    assert "[0]: _or_ -> 2 variant(s)" in text
    assert "[1]: _range_ -> 3 variant(s)" in text


def test_presets_are_registered_by_the_caller_and_resolved_recursively():
    assert list_presets() == []
    register_preset("scatter", {"_or_": [SNV(), MSC()]})
    register_preset("two_scatters", [{"_preset_": "scatter"}, {"_preset_": "scatter"}])
    assert list_presets() == ["scatter", "two_scatters"]
    assert count_combinations({"_preset_": "two_scatters"}) == 4
    resolved = resolve_presets_recursive([{"_preset_": "scatter"}])
    assert "_or_" in resolved[0]
    with pytest.raises(GeneratorSpecError, match="already registered"):
        register_preset("scatter", [])
    register_preset("scatter", ["snv"], overwrite=True)
    assert expand_spec({"_preset_": "scatter"}) == [["snv"]]


def test_unknown_and_cyclic_presets_are_errors_that_say_where():
    with pytest.raises(GeneratorSpecError, match=r"spec\[1\]: unknown preset 'nope'"):
        expand_spec([1, {"_preset_": "nope"}])
    register_preset("a", {"_preset_": "b"})
    register_preset("b", [{"_preset_": "a"}])
    with pytest.raises(GeneratorSpecError, match="cycle: a -> b -> a"):
        count_combinations({"_preset_": "a"})
    with pytest.raises(GeneratorSpecError, match="stands alone"):
        resolve_presets_recursive({"_preset_": "a", "extra": 1})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), min_size=1, max_size=4), min_size=1, max_size=3),
       st.integers(0, 20), st.integers(0, 2**16))
def test_every_helper_sees_the_same_variants(choice_lists, n, seed):
    spec = [{"_or_": choices} for choices in choice_lists]
    everything = expand_spec(spec)
    assert count_combinations(spec) == len(everything) == len(list(expand_spec_iter(spec)))
    assert [v for batch in batch_iter(spec, 2) for v in batch] == everything
    drawn = sample_with_seed(spec, n, seed=seed)
    assert len(drawn) == min(n, len(everything))
    remaining = list(everything)
    for variant in drawn:  # a sub-multiset of the variants, in enumeration order
        remaining.remove(variant)
