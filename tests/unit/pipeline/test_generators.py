"""Tests of generator expansion: every keyword and modifier, with exact counts and values."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from nirs4all.errors import Nirs4allError
from nirs4all.pipeline.generators import (
    GeneratorSpecError,
    TooManyVariantsError,
    Variant,
    count_variants,
    expand,
    expand_with_seed,
)


def specs(spec: object, **kwargs: object) -> list:
    """The expanded specs, after checking that count_variants agrees with expand."""
    variants = expand(spec, **kwargs)
    assert count_variants(spec) == len(variants)
    return [variant.spec for variant in variants]


# -- structure ----------------------------------------------------------------------------


def test_spec_without_generators_is_one_variant_holding_the_same_object() -> None:
    scaler = StandardScaler()
    spec = [scaler, {"model": Ridge(), "name": "ridge"}]
    (variant,) = expand(spec)
    assert variant.spec is spec
    assert variant.choices == ()


def test_list_is_the_product_of_its_elements_first_element_slowest() -> None:
    spec = [{"_or_": ["a", "b"]}, "fixed", {"_or_": [1, 2, 3]}]
    assert specs(spec) == [
        ["a", "fixed", 1], ["a", "fixed", 2], ["a", "fixed", 3],
        ["b", "fixed", 1], ["b", "fixed", 2], ["b", "fixed", 3],
    ]


def test_tuple_stays_a_tuple_and_dict_keeps_its_key_order() -> None:
    assert specs(("x", {"_or_": [1, 2]})) == [("x", 1), ("x", 2)]
    expanded = specs({"b": {"_or_": [1, 2]}, "a": "fixed"})
    assert expanded == [{"b": 1, "a": "fixed"}, {"b": 2, "a": "fixed"}]
    assert [list(d) for d in expanded] == [["b", "a"], ["b", "a"]]


def test_parts_without_generators_are_shared_not_copied() -> None:
    scaler = StandardScaler()
    variants = specs([scaler, {"_or_": ["a", "b"]}])
    assert all(v[0] is scaler for v in variants)


def test_modifier_words_are_ordinary_keys_outside_generator_nodes() -> None:
    spec = [{"sample_augmentation": {"count": 2, "pick": 1, "transformers": ["noise"]}}]
    (variant,) = expand(spec)
    assert variant.spec is spec


# -- _or_ ---------------------------------------------------------------------------------


def test_or_gives_one_variant_per_choice() -> None:
    assert specs({"_or_": ["a", "b", None]}) == ["a", "b", None]


def test_or_flattens_nested_generators_in_choices() -> None:
    spec = {"_or_": ["a", {"_or_": ["b", "c"]}, {"_range_": [1, 3]}]}
    assert specs(spec) == ["a", "b", "c", 1, 2, 3]


def test_nested_or_in_a_list_of_steps_is_a_product() -> None:
    spec = [{"_or_": ["snv", "msc"]}, [{"_or_": ["sg", "d1"]}, "scale"], "pls"]
    assert specs(spec) == [
        ["snv", ["sg", "scale"], "pls"], ["snv", ["d1", "scale"], "pls"],
        ["msc", ["sg", "scale"], "pls"], ["msc", ["d1", "scale"], "pls"],
    ]


def test_pick_gives_combinations_as_lists() -> None:
    assert specs({"_or_": ["a", "b", "c"], "pick": 2}) == [["a", "b"], ["a", "c"], ["b", "c"]]


def test_pick_range_gives_every_size_in_it() -> None:
    expanded = specs({"_or_": ["a", "b", "c"], "pick": [1, 2]})
    assert expanded == [["a"], ["b"], ["c"], ["a", "b"], ["a", "c"], ["b", "c"]]
    assert specs({"_or_": ["a", "b", "c"], "pick": (0, 1)}) == [[], ["a"], ["b"], ["c"]]


def test_size_is_the_legacy_spelling_of_pick() -> None:
    assert specs({"_or_": ["a", "b", "c"], "size": [1, 2]}) == specs(
        {"_or_": ["a", "b", "c"], "pick": [1, 2]}
    )


def test_arrange_gives_permutations() -> None:
    assert specs({"_or_": ["a", "b", "c"], "arrange": 2}) == [
        ["a", "b"], ["a", "c"], ["b", "a"], ["b", "c"], ["c", "a"], ["c", "b"],
    ]
    assert count_variants({"_or_": ["a", "b", "c"], "arrange": [1, 3]}) == 3 + 6 + 6


def test_pick_expands_the_chosen_choices() -> None:
    spec = {"_or_": ["a", {"_or_": ["b1", "b2"]}, "c"], "pick": 2}
    assert specs(spec) == [["a", "b1"], ["a", "b2"], ["a", "c"], ["b1", "c"], ["b2", "c"]]


def test_then_pick_combines_the_picked_results() -> None:
    assert specs({"_or_": ["a", "b", "c"], "pick": 2, "then_pick": 2}) == [
        [["a", "b"], ["a", "c"]], [["a", "b"], ["b", "c"]], [["a", "c"], ["b", "c"]],
    ]


def test_then_arrange_unwraps_singletons_and_orders_them() -> None:
    assert specs({"_or_": ["a", "b", "c"], "pick": 1, "then_arrange": 2}) == [
        ["a", "b"], ["a", "c"], ["b", "a"], ["b", "c"], ["c", "a"], ["c", "b"],
    ]


def test_then_pick_over_a_pick_range_counts_pairs_of_all_results() -> None:
    expanded = specs({"_or_": ["a", "b", "c"], "pick": [1, 2], "then_pick": 2})
    assert len(expanded) == 15
    assert expanded[0] == ["a", "b"]
    assert expanded[-1] == [["a", "c"], ["b", "c"]]


def test_mutex_keeps_grouped_choices_apart() -> None:
    spec = {"_or_": ["a", "b", "c"], "pick": 2, "_mutex_": [["a", "b"]]}
    assert specs(spec) == [["a", "c"], ["b", "c"]]


def test_requires_keeps_a_choice_only_with_its_companion() -> None:
    spec = {"_or_": ["a", "b", "c"], "pick": [1, 2], "_requires_": [["a", "b"]]}
    assert specs(spec) == [["b"], ["c"], ["a", "b"], ["b", "c"]]


def test_exclude_drops_exactly_the_listed_selection_in_any_order() -> None:
    spec = {"_or_": ["a", "b", "c"], "arrange": 2, "_exclude_": [["b", "a"]]}
    assert specs(spec) == [["a", "c"], ["b", "c"], ["c", "a"], ["c", "b"]]


def test_constraints_match_classes_and_instances_by_equality() -> None:
    scaler = StandardScaler()
    spec = {"_or_": [scaler, Ridge, "x"], "pick": 2, "_mutex_": [[scaler, Ridge]]}
    assert specs(spec) == [[scaler, "x"], [Ridge, "x"]]


def test_or_next_to_ordinary_keys_merges_each_choice() -> None:
    spec = {"class": "SG", "deriv": 1, "_or_": [{"window": 5}, {"window": 7, "order": 3}]}
    assert specs(spec) == [
        {"class": "SG", "deriv": 1, "window": 5},
        {"class": "SG", "deriv": 1, "window": 7, "order": 3},
    ]


def test_count_keeps_a_seeded_subset_in_enumeration_order() -> None:
    spec = {"_or_": list(range(10)), "pick": 2, "count": 5}
    expanded = specs(spec, random_state=3)
    assert len(expanded) == 5
    assert expanded == sorted(expanded)
    assert all(pair in specs({"_or_": list(range(10)), "pick": 2}) for pair in expanded)
    assert specs(spec, random_state=3) == expanded


def test_count_larger_than_the_choices_keeps_all_and_draws_nothing() -> None:
    variants, seed = expand_with_seed({"_or_": ["a", "b"], "count": 5})
    assert [v.spec for v in variants] == ["a", "b"]
    assert seed is None


def test_count_on_a_huge_selection_builds_only_the_kept_variants() -> None:
    spec = {"_or_": list(range(40)), "pick": 10, "count": 3}
    assert count_variants({"_or_": list(range(40)), "pick": 10}) == 847_660_528
    expanded = specs(spec, random_state=0)
    assert len(expanded) == 3
    assert all(len(pick) == 10 and pick == sorted(pick) for pick in expanded)


# -- _range_ and _log_range_ --------------------------------------------------------------


def test_int_range_includes_its_end() -> None:
    assert specs({"_range_": [2, 20, 2]}) == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert specs({"_range_": [1, 3]}) == [1, 2, 3]
    assert specs({"_range_": {"from": 1, "to": 7, "step": 3}}) == [1, 4, 7]


def test_float_range_is_rounded_to_ten_decimals() -> None:
    values = specs({"_range_": [0, 1, 0.25]})
    assert values == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert all(isinstance(v, float) for v in values)
    assert specs({"_range_": [-1, 1, 0.1]})[10] == 0.0
    assert len(specs({"_range_": [0, 1, 0.1]})) == 11


def test_range_counts_down_with_a_negative_step() -> None:
    assert specs({"_range_": [10, 2, -4]}) == [10, 6, 2]
    assert specs({"_range_": [1.0, 0.0, -0.5]}) == [1.0, 0.5, 0.0]


def test_range_with_count_keeps_a_sorted_subset() -> None:
    values = specs({"_range_": [1, 100], "count": 4}, random_state=1)
    assert len(values) == 4
    assert values == sorted(values)


def test_log_range_includes_both_ends() -> None:
    assert specs({"_log_range_": [0.001, 1, 4]}) == [0.001, 0.01, 0.1, 1.0]
    assert specs({"_log_range_": {"from": 1, "to": 100, "num": 3}}) == [1.0, 10.0, 100.0]
    assert len(specs({"_log_range_": {"from": 1, "to": 100}})) == 10


def test_log_range_keeps_tiny_values() -> None:
    assert specs({"_log_range_": [1e-12, 1e-10, 3]}) == [1e-12, 1e-11, 1e-10]


# -- _grid_, _zip_, _chain_, _cartesian_ --------------------------------------------------


def test_grid_is_the_product_of_its_lists_as_dicts() -> None:
    expanded = specs({"_grid_": {"alpha": [0.1, 1.0], "solver": ["auto", "svd", "lsqr"]}})
    assert expanded == [
        {"alpha": 0.1, "solver": "auto"}, {"alpha": 0.1, "solver": "svd"},
        {"alpha": 0.1, "solver": "lsqr"}, {"alpha": 1.0, "solver": "auto"},
        {"alpha": 1.0, "solver": "svd"}, {"alpha": 1.0, "solver": "lsqr"},
    ]


def test_grid_axis_may_be_a_generator() -> None:
    assert count_variants({"_grid_": {"a": {"_range_": [1, 5]}, "b": ["x", "y"]}}) == 10


def test_zip_pairs_values_by_position() -> None:
    expanded = specs({"_zip_": {"window": [5, 7, 9], "order": [2, 2, 3]}})
    assert expanded == [
        {"window": 5, "order": 2}, {"window": 7, "order": 2}, {"window": 9, "order": 3},
    ]


def test_zip_position_with_a_generator_expands_in_place() -> None:
    expanded = specs({"_zip_": {"window": [5, {"_or_": [7, 9]}], "order": [2, 3]}})
    assert expanded == [
        {"window": 5, "order": 2}, {"window": 7, "order": 3}, {"window": 9, "order": 3},
    ]


def test_chain_keeps_the_written_order_and_count_keeps_the_first() -> None:
    assert specs({"_chain_": ["c", "a", {"_or_": ["b1", "b2"]}]}) == ["c", "a", "b1", "b2"]
    variants, seed = expand_with_seed({"_chain_": ["c", "a", "b"], "count": 2})
    assert [v.spec for v in variants] == ["c", "a"]
    assert seed is None


def test_cartesian_gives_one_pipeline_per_stage_combination() -> None:
    spec = {"_cartesian_": [{"_or_": ["snv", "msc"]}, {"_or_": ["sg", "d1"]}]}
    assert specs(spec) == [["snv", "sg"], ["snv", "d1"], ["msc", "sg"], ["msc", "d1"]]


def test_cartesian_count_keeps_a_subset_of_the_pipelines() -> None:
    spec = {"_cartesian_": [{"_or_": ["snv", "msc"]}, {"_or_": ["sg", "d1"]}], "count": 3}
    expanded = specs(spec, random_state=2)
    assert len(expanded) == 3
    full = specs({"_cartesian_": spec["_cartesian_"]})
    assert [full.index(p) for p in expanded] == sorted(full.index(p) for p in expanded)


def test_cartesian_pick_combines_the_pipelines() -> None:
    spec = {"_cartesian_": [{"_or_": ["snv", "msc"]}, {"_or_": ["sg", "d1"]}], "pick": 2}
    expanded = specs(spec)
    assert len(expanded) == 6
    assert expanded[0] == [["snv", "sg"], ["snv", "d1"]]
    assert expanded[-1] == [["msc", "sg"], ["msc", "d1"]]


# -- _sample_ -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ({"distribution": "uniform", "from": 2, "to": 3, "num": 6}, lambda x: 2 <= x <= 3),
        ({"distribution": "log_uniform", "from": 1e-4, "to": 1e-2}, lambda x: 1e-4 <= x <= 1e-2),
        ({"distribution": "normal", "mean": 100, "std": 1, "num": 4}, lambda x: 90 < x < 110),
        ({"distribution": "gaussian", "num": 3}, lambda x: isinstance(x, float)),
        ({"distribution": "choice", "values": ["a", "b"], "num": 7}, lambda x: x in "ab"),
    ],
)
def test_sample_draws_num_values_from_its_distribution(body: dict, check: object) -> None:
    spec = {"_sample_": body}
    values = specs(spec, random_state=5)
    assert len(values) == body.get("num", 10)
    assert all(check(v) for v in values)
    assert specs(spec, random_state=5) == values
    assert specs(spec, random_state=6) != values


def test_sample_rounds_to_ten_significant_digits() -> None:
    values = specs({"_sample_": {"distribution": "uniform", "num": 20}}, random_state=0)
    assert all(float(f"{v:.10g}") == v for v in values)


def test_count_caps_the_number_of_draws() -> None:
    assert count_variants({"_sample_": {"num": 10}, "count": 3}) == 3
    assert len(specs({"_sample_": {"num": 10}, "count": 3}, random_state=0)) == 3


@pytest.mark.parametrize(
    "spec",
    [{"_sample_": {"num": 3}, "_seed_": 42}, {"_range_": [1, 50], "count": 3, "_seed_": 42}],
)
def test_node_seed_gives_the_same_draws_whatever_the_run_seed(spec: dict) -> None:
    first, seed = expand_with_seed(spec, random_state=1)
    second, _ = expand_with_seed(spec, random_state=2)
    assert [v.spec for v in first] == [v.spec for v in second]
    assert seed is None


def test_unseeded_expansion_returns_the_seed_it_drew_and_replays_with_it() -> None:
    spec = [{"_sample_": {"num": 4}}, {"_or_": list(range(20)), "count": 3}]
    variants, seed = expand_with_seed(spec)
    assert isinstance(seed, int)
    replayed, same_seed = expand_with_seed(spec, random_state=seed)
    assert same_seed == seed
    assert [v.spec for v in replayed] == [v.spec for v in variants]


def test_expansion_without_random_nodes_reports_no_seed() -> None:
    assert expand_with_seed({"_or_": [1, 2]}, random_state=7)[1] is None
    assert expand_with_seed({"_sample_": {"num": 2}}, random_state=7)[1] == 7


def test_a_node_draws_by_its_path_not_by_what_else_is_in_the_spec() -> None:
    sample = {"_sample_": {"num": 3}}
    alone = specs([sample, "fixed"], random_state=11)
    with_other = specs([sample, {"_sample_": {"num": 2}}], random_state=11)
    assert [v[0] for v in with_other[::2]] == [v[0] for v in alone]


# -- estimators ---------------------------------------------------------------------------


def test_or_inside_an_estimator_parameter_clones_the_estimator() -> None:
    pls = PLSRegression(n_components={"_or_": [2, 4, 8]}, scale=False)
    variants = expand([pls])
    assert count_variants([pls]) == 3
    models = [v.spec[0] for v in variants]
    assert [m.n_components for m in models] == [2, 4, 8]
    assert all(m.scale is False and m is not pls for m in models)
    assert pls.n_components == {"_or_": [2, 4, 8]}
    assert variants[1].choices == (("steps[0].n_components", 4),)


def test_generators_inside_nested_estimators_expand() -> None:
    pipe = Pipeline([("pls", PLSRegression(n_components={"_range_": [1, 3]}))])
    models = specs(pipe)
    assert [m.steps[0][1].n_components for m in models] == [1, 2, 3]


def test_sibling_sweep_of_a_class_instantiates_it() -> None:
    expanded = specs({"model": PLSRegression, "_range_": [2, 20, 2], "param": "n_components"})
    assert len(expanded) == 10
    assert all(list(step) == ["model"] for step in expanded)
    assert [s["model"].n_components for s in expanded] == list(range(2, 21, 2))
    assert all(isinstance(s["model"], PLSRegression) for s in expanded)


def test_sibling_sweep_of_an_instance_clones_it_and_leaves_it_untouched() -> None:
    ridge = Ridge(fit_intercept=False)
    spec = {"model": ridge, "name": "ridge", "_or_": [0.1, 1.0], "param": "alpha"}
    variants = expand(spec)
    assert [v.spec["model"].alpha for v in variants] == [0.1, 1.0]
    assert all(v.spec["model"] is not ridge for v in variants)
    assert all(v.spec["model"].fit_intercept is False for v in variants)
    assert all(v.spec["name"] == "ridge" for v in variants)
    assert ridge.alpha == 1.0
    assert variants[0].choices == (("spec.model.alpha", 0.1),)


def test_sibling_sweep_takes_log_range_and_sample() -> None:
    spec = {"model": Ridge, "_log_range_": [0.01, 1, 3], "param": "alpha"}
    assert [s["model"].alpha for s in specs(spec)] == [0.01, 0.1, 1.0]
    spec = {"model": Ridge, "_sample_": {"from": 1, "to": 2, "num": 4}, "param": "alpha"}
    assert all(1 <= s["model"].alpha <= 2 for s in specs(spec, random_state=0))


def test_sibling_sweep_of_a_generated_model_sweeps_each_model() -> None:
    spec = {"model": {"_or_": [PLSRegression, Ridge]}, "_range_": [10, 20, 10],
            "param": "max_iter"}
    models = [s["model"] for s in specs(spec)]
    assert [(type(m), m.max_iter) for m in models] == [
        (PLSRegression, 10), (PLSRegression, 20), (Ridge, 10), (Ridge, 20),
    ]


def test_legacy_model_params_form_expands_as_an_ordinary_dict() -> None:
    pls = PLSRegression()
    spec = {"model": pls, "model_params": {"n_components": {"_range_": [2, 6, 2]}}}
    expanded = specs(spec)
    assert [s["model_params"] for s in expanded] == [
        {"n_components": 2}, {"n_components": 4}, {"n_components": 6},
    ]
    assert all(s["model"] is pls for s in expanded)


def test_w2_workload_gives_40_variants() -> None:
    spec = [
        {"_or_": ["A", "B", "C", "D"]},
        "scaler",
        {"model": PLSRegression, "_range_": [2, 20, 2], "param": "n_components"},
    ]
    variants = expand(spec)
    assert len(variants) == count_variants(spec) == 40
    assert variants[-1].choices == (("steps[0]", "D"), ("steps[2].model.n_components", 20))
    assert variants[-1].spec[2]["model"].n_components == 20


# -- choices, branches --------------------------------------------------------------------


def test_choices_record_outer_node_before_nested_ones() -> None:
    spec = [{"_or_": ["snv", {"class": "sg", "window": {"_or_": [5, 7]}}]}]
    variants = expand(spec)
    assert variants[2].choices == (
        ("steps[0]", {"class": "sg", "window": 7}),
        ("steps[0]._or_[1].window", 7),
    )


def test_generator_directly_under_branch_enumerates_branches_of_one_pipeline() -> None:
    spec = [{"branch": {"_or_": [["snv"], ["msc", {"_or_": ["sg", "d1"]}]]}}, "pls"]
    assert specs(spec) == [[{"branch": [["snv"], ["msc", "sg"], ["msc", "d1"]]}, "pls"]]


def test_generator_inside_a_branch_body_makes_pipeline_variants() -> None:
    spec = [{"branch": [[{"_or_": ["snv", "msc"]}], ["d1"]]}]
    assert specs(spec) == [[{"branch": [["snv"], ["d1"]]}], [{"branch": [["msc"], ["d1"]]}]]


def test_variant_is_frozen() -> None:
    variant = Variant(spec=["a"], choices=())
    with pytest.raises(AttributeError):
        variant.spec = ["b"]  # type: ignore[misc]


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ([{"_foo_": [1, 2]}], "steps[0]: unknown generator keyword '_foo_'"),
        ({"_or_": [1], "_tags_": ["x"]}, "'_tags_'"),
        ({"_range_": [1]}, "_range_ takes [from, to, step]"),
        ({"_range_": [1, "5"]}, "_range_ to must be a finite number"),
        ({"_range_": {"from": 1, "stop": 5}}, "unknown key 'stop'"),
        ({"_range_": [1, 5, 0]}, "step is 0"),
        ({"_range_": [5, 1]}, "is empty"),
        ({"_log_range_": [0, 1, 3]}, "from > 0"),
        ({"_zip_": {"a": [1, 2, 3], "b": [1, 2]}}, "'a' has 3, 'b' has 2"),
        ({"_or_": []}, "non-empty list"),
        ({"_or_": ["a", "b"], "pick": 3}, "pick 3 is impossible with 2 choices"),
        ({"_or_": ["a", "b"], "count": 0}, "count must be an integer >= 1"),
        ({"_range_": [1, 5], "pick": 2}, "'pick' does not apply to _range_"),
        ({"_or_": [1, 2], "_range_": [1, 2]}, "one generator keyword per dict"),
        ({"_seed_": 3, "a": 1}, "has no generator keyword"),
        ({"_range_": [1, 5], "window": 3}, "add 'param'"),
        ({"_or_": ["a", "b"], "_mutex_": [["a", "b"]]}, "add 'pick' or 'arrange'"),
        ({"_or_": ["a", "b"], "pick": 1, "_mutex_": [["a", "z"]]}, "'z', which is not one of"),
        ({"_or_": ["a", "b"], "then_pick": 1}, "add one of them"),
        ({"_sample_": {"distribution": "beta"}}, "'beta' is unknown"),
        ({"_sample_": {"distribution": "uniform", "mean": 1}}, "does not take 'mean'"),
        ({"_chain_": ["a"], "_seed_": 1}, "'_seed_' does not apply to _chain_"),
        ({"_grid_": {"a": 1}}, "wrap a single value in a list"),
        ({"x": 1, "_or_": ["a", "b"]}, "choice 0 is 'a'"),
        ({"model": "pls", "_range_": [1, 3], "param": "n_components"}, "class or an estimator"),
        ({"model": Ridge, "_grid_": {"a": [1]}, "param": "alpha"}, "'param' sweeps take"),
        ({"a": 1, "_or_": [{"a": 2}]}, "choice 0 sets 'a', which the dict around it"),
        ({"_log_range_": [1, 10, 1]}, "num must be an integer >= 2"),
        ({"_or_": ["a", "b"], "pick": 1, "arrange": 1}, "use one of pick / arrange"),
    ],
)
def test_malformed_generator_nodes_are_errors_naming_the_problem(
    spec: object, fragment: str
) -> None:
    with pytest.raises(GeneratorSpecError) as caught:
        expand(spec)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, Nirs4allError)
    assert isinstance(caught.value, ValueError)


def test_error_path_locates_a_nested_node() -> None:
    spec = [{"model": {"_or_": [1, {"_range_": [1, 2, 0]}]}}]
    with pytest.raises(GeneratorSpecError, match=r"^steps\[0\]\.model\._or_\[1\]: "):
        count_variants(spec)


def test_sweep_of_an_unknown_parameter_names_it() -> None:
    with pytest.raises(GeneratorSpecError, match="cannot set n_comp=2"):
        expand({"model": PLSRegression, "_or_": [2], "param": "n_comp"})


def test_too_many_variants_is_refused_before_building_with_the_numbers() -> None:
    spec = [{"_range_": [1, 200]}, {"_range_": [1, 100]}]
    with pytest.raises(TooManyVariantsError) as caught:
        expand(spec)
    message = str(caught.value)
    assert "20000" in message
    assert "max_variants=10000" in message
    assert "'count'" in message
    assert caught.value.n_variants == 20000
    assert len(expand(spec, max_variants=20_000)) == 20_000


def test_errors_survive_pickling() -> None:
    for error in (GeneratorSpecError("steps[0]", "bad"), TooManyVariantsError(5, 2)):
        restored = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
        assert str(restored) == str(error)


@pytest.mark.parametrize("random_state", [-1, 1.5, True, np.random.default_rng(0)])
def test_invalid_random_state_is_refused(random_state: object) -> None:
    with pytest.raises((TypeError, ValueError), match="random_state"):
        expand({"_or_": [1]}, random_state=random_state)  # type: ignore[arg-type]
