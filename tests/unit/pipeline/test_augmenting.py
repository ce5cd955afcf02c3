"""The sample_augmentation options: parsing, selection, seeds, scope and balancing."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.augmentation import BaselineShift, GaussianNoise
from nirs4all.pipeline._augmenting import AugmentOptions, balance_plan, parse_augment_options
from nirs4all.pipeline.canonical import identity
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.spec import SpecError, parse_pipeline
from nirs4all.pipeline.state import StepCache


class PlainAugmenter(BaseEstimator):
    """An object with augment(X, y, n) but no variation_scope."""

    def fit(self, X, wavelengths=None):
        return self

    def augment(self, X, y=None, n_samples=None):
        origin = np.arange(n_samples) % len(X)
        return X[origin] + 1.0, None if y is None else y[origin], origin


def _dataset(y, metadata=None):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(len(y), 5))
    X[:, 0] = np.arange(len(y))
    return SpectroDataset(FeatureSource("X", X), np.asarray(y), metadata=metadata or {})


def _augmented(dataset, options, transformers=None, *, split=False):
    """The shared block after the augmentation step: origins and spectra of every row."""
    step = {"sample_augmentation": {"transformers": transformers or [GaussianNoise()],
                                    **options}}
    spec = [KFold(2), step, Ridge()] if split else [step, Ridge()]
    executor = VariantExecutor(dataset, parse_pipeline(spec), pipeline_id=identity(spec),
                               seed=1, with_cv=split, with_final=True, cache=StepCache())
    lanes = executor._do_sample_augmentation(executor.steps[-2], [_base_lane(executor)])
    return lanes[0].blocks["*"]


def _base_lane(executor):
    from nirs4all.pipeline.state import SHARED, Lane

    return Lane((), {SHARED: executor._base_block()})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"transformers": [], "bin_balancing": True}, "bins are always balanced"),
        ({"transformers": [], "ref_percentage": 0.5}, "target_size"),
        ({"transformers": [], "colour": 1}, "not supported"),
        ({"transformers": [], "balance": True, "count": 2}, "exclude each other"),
        ({"transformers": [], "balance": 3}, "balance must be"),
        ({"transformers": [], "selection": "best"}, "selection"),
        ({"transformers": [], "variation_scope": "global"}, "variation_scope"),
        ({"transformers": [], "binning_strategy": "kmeans"}, "binning_strategy"),
        ({"transformers": [], "bins": 0}, "bins"),
        ({"transformers": [], "target_size": 0}, "target_size"),
        ({"transformers": [], "max_factor": 0.5}, "max_factor"),
        ({"transformers": [], "random_state": -1}, "random_state"),
        ({"transformers": [], "count": True}, "count"),
    ],
)
def test_invalid_options_name_the_key_and_the_fix(value, message):
    with pytest.raises(SpecError, match=message):
        parse_augment_options(value, "steps[0]")


def test_options_are_parsed_with_their_defaults():
    assert parse_augment_options({"transformers": []}, "s") == AugmentOptions()
    parsed = parse_augment_options({"balance": True, "max_factor": 3, "random_state": 2}, "s")
    assert (parsed.balance, parsed.max_factor, parsed.random_state) == ("y", 3.0, 2)
    assert parse_augment_options({"balance": False}, "s").balance is None


def test_batch_scope_needs_an_augmenter_that_takes_it():
    with pytest.raises(SpecError, match="variation_scope"):
        parse_pipeline([{"sample_augmentation": {"transformers": [PlainAugmenter()],
                                                 "variation_scope": "batch"}}, Ridge()])


def test_balance_plan_fills_each_group_to_the_largest():
    rows, copies = balance_plan(np.array([0, 0, 0, 1, 2, 2]), AugmentOptions(balance="y"))
    assert rows.tolist() == [3, 3, 4]
    assert copies.tolist() == [0, 1, 0]


def test_balance_plan_respects_target_size_and_max_factor():
    labels = np.array([0, 0, 0, 1, 2, 2])
    rows, copies = balance_plan(labels, AugmentOptions(balance="y", max_factor=1.5))
    assert rows.tolist() == [4]  # group 1 may not grow past 1.5 rows; group 2 reaches 3
    rows, copies = balance_plan(labels, AugmentOptions(balance="y", target_size=5))
    assert np.bincount(labels[rows], minlength=3).tolist() == [2, 4, 3]
    assert copies.tolist() == [0, 0, 0, 1, 2, 3, 0, 0, 1]


def test_default_options_copy_every_row_count_times_per_augmenter():
    block = _augmented(_dataset(np.arange(10.0)), {"count": 2},
                       [GaussianNoise(), BaselineShift()])
    assert block.origin.shape[0] == 10 + 2 * 2 * 10
    assert np.bincount(block.origin).tolist() == [5] * 10


def test_random_selection_makes_each_copy_with_one_augmenter():
    data = _dataset(np.arange(20.0))
    options = {"count": 3, "selection": "random", "random_state": 5}
    block = _augmented(data, options, [BaselineShift(), PlainAugmenter()])
    extra = block.X[0][20:]
    by_plain = np.isclose(extra - block.X[0][block.origin[20:]], 1.0).all(axis=1)
    assert extra.shape[0] == 60  # not 3 x 20 x 2
    assert 0 < by_plain.sum() < 60
    again = _augmented(data, options, [BaselineShift(), PlainAugmenter()])
    np.testing.assert_array_equal(again.X[0], block.X[0])
    other = _augmented(data, {**options, "random_state": 6}, [BaselineShift(), PlainAugmenter()])
    assert not np.array_equal(other.X[0], block.X[0])


def test_step_random_state_decides_the_augmenters_seeds():
    data = _dataset(np.arange(8.0))
    one = _augmented(data, {"random_state": 3}, [GaussianNoise(random_state=0)])
    two = _augmented(data, {"random_state": 3}, [GaussianNoise(random_state=11)])
    three = _augmented(data, {"random_state": 4}, [GaussianNoise(random_state=0)])
    np.testing.assert_array_equal(one.X[0], two.X[0])
    assert not np.array_equal(one.X[0], three.X[0])


def test_batch_scope_gives_every_copy_of_a_round_the_same_perturbation():
    data = _dataset(np.arange(8.0))
    shift = [BaselineShift(offset_range=(-1, 1), slope_range=(0, 0))]
    block = _augmented(data, {"count": 2, "variation_scope": "batch"}, shift)
    offsets = block.X[0][8:] - block.X[0][block.origin[8:]]
    rounds = offsets[:, 0].reshape(2, 8)
    np.testing.assert_allclose(rounds, rounds[:, :1] * np.ones((1, 8)), atol=1e-12)
    assert rounds[0, 0] != rounds[1, 0]
    sample = _augmented(data, {"count": 2}, shift)
    moved = sample.X[0][8:, 1] - sample.X[0][sample.origin[8:], 1]
    assert np.unique(np.round(moved, 12)).size > 2


def test_classes_are_balanced_to_the_largest_class():
    y = np.array(["a"] * 12 + ["b"] * 4 + ["c"] * 2)
    block = _augmented(_dataset(y), {"balance": True})
    counts = {label: int(np.sum(y[block.origin] == label)) for label in "abc"}
    assert counts == {"a": 12, "b": 12, "c": 12}


def test_regression_targets_are_balanced_over_equal_width_bins():
    y = np.concatenate([np.linspace(0, 1, 15), np.linspace(9, 10, 5)])
    block = _augmented(_dataset(y), {"balance": True, "bins": 2})
    high = y[block.origin] > 5
    assert (int(np.sum(~high)), int(np.sum(high))) == (15, 15)
    quantile = _augmented(_dataset(y), {"balance": True, "bins": 2,
                                        "binning_strategy": "quantile"})
    assert quantile.origin.shape[0] == 20  # equal-count bins are already balanced


def test_metadata_balance_and_unknown_column():
    site = np.array(["x"] * 9 + ["y"] * 3)
    block = _augmented(_dataset(np.arange(12.0), {"site": site}), {"balance": "site"})
    assert np.sum(site[block.origin] == "y") == 9
    with pytest.raises(SpecError, match="no metadata column 'lab'"):
        _augmented(_dataset(np.arange(12.0), {"site": site}), {"balance": "lab"})


def test_balancing_in_a_fold_uses_that_fold_s_rows_only():
    y = np.array(["a"] * 12 + ["b"] * 4)
    block = _augmented(_dataset(y), {"balance": True}, split=True)
    assert block.origin.shape[0] == 24
