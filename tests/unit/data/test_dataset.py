"""SpectroDataset: read-only storage, selections as views, task detection, validation."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.data import FeatureSource, SpectroDataset, detect_task

RNG = np.random.default_rng(3)


def _dataset(n: int = 10, **kwargs) -> SpectroDataset:
    source = FeatureSource("X", RNG.random((n, 6)), np.linspace(1000, 1500, 6), "nm")
    return SpectroDataset(source, RNG.random(n), **kwargs)


def test_feature_arrays_are_read_only_and_copied_from_caller() -> None:
    X = RNG.random((4, 3))
    dataset = SpectroDataset(FeatureSource("X", X))
    assert not dataset.x().flags.writeable
    X[0, 0] = 99.0
    assert dataset.x()[0, 0] != 99.0
    with pytest.raises(ValueError, match="read-only"):
        dataset.x()[0, 0] = 1.0


def test_read_only_input_is_not_copied() -> None:
    X = RNG.random((4, 3))
    X.flags.writeable = False
    assert SpectroDataset(FeatureSource("X", X)).x() is X


def test_partition_selection_of_contiguous_rows_is_a_view() -> None:
    dataset = _dataset(partition=["train"] * 7 + ["test"] * 3)
    test = dataset.test
    assert test.n_samples == 3
    assert np.shares_memory(test.x(), dataset.x())
    assert not test.x().flags.writeable
    assert list(test.sample_ids) == [7, 8, 9]


def test_scattered_selection_copies_only_selected_rows() -> None:
    dataset = _dataset()
    picked = dataset.select([0, 5, 2])
    assert picked.x().shape == (3, 6)
    assert not picked.x().flags.writeable
    np.testing.assert_array_equal(picked.x(), dataset.x()[[0, 5, 2]])
    np.testing.assert_array_equal(picked.sample_ids, [0, 5, 2])


def test_boolean_mask_selection() -> None:
    dataset = _dataset()
    mask = np.zeros(10, dtype=bool)
    mask[[1, 3]] = True
    assert list(dataset.select(mask).sample_ids) == [1, 3]


def test_with_source_shares_untouched_parts() -> None:
    dataset = _dataset()
    new = dataset.with_source("X", dataset.x() * 2)
    assert new.y is dataset.y
    np.testing.assert_array_equal(new.wavelengths(), dataset.wavelengths())
    assert new.content_hash() != dataset.content_hash()


def test_with_source_of_other_width_uses_given_axis() -> None:
    dataset = _dataset()
    new = dataset.with_source(0, dataset.x()[:, :3], np.array([1.0, 2.0, 3.0]), "nm")
    assert new.x().shape == (10, 3)
    assert new.unit() == "nm"


@pytest.mark.parametrize(
    ("y", "task"),
    [
        (np.array([0.5, 1.5, 2.0]), "regression"),
        (np.array([1.0, 2.0, 3.0]), "regression"),
        (np.array([0, 1, 1]), "binary"),
        (np.array([0, 1, 2]), "multiclass"),
        (np.array(["a", "b", "a"]), "binary"),
        (np.array([True, False, True]), "binary"),
    ],
)
def test_task_detection(y: np.ndarray, task: str) -> None:
    assert detect_task(y) == task


def test_integer_valued_floats_stay_regression_unless_overridden() -> None:
    source = FeatureSource("X", RNG.random((4, 2)))
    assert SpectroDataset(source, [1.0, 2.0, 3.0, 4.0]).task == "regression"
    forced = SpectroDataset(source, [1.0, 2.0, 3.0, 1.0], task="classification")
    assert forced.task == "multiclass"
    assert forced.y.dtype == np.int64


def test_classification_override_rejects_fractional_labels() -> None:
    with pytest.raises(ValueError, match="integer-valued labels"):
        SpectroDataset(FeatureSource("X", RNG.random((2, 2))), [0.5, 1.0], task="binary")


def test_binary_override_rejects_three_classes() -> None:
    with pytest.raises(ValueError, match="does not fit targets with 3 distinct labels"):
        SpectroDataset(FeatureSource("X", RNG.random((3, 2))), [0, 1, 2], task="binary")


def test_regression_targets_are_2d_with_names() -> None:
    dataset = SpectroDataset(FeatureSource("X", RNG.random((3, 2))), RNG.random((3, 2)),
                             target_names=["fat", "protein"])
    assert dataset.y.shape == (3, 2)
    assert dataset.target_names == ("fat", "protein")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partition": ["train", "val", "test"]}, "'train' or 'test'"),
        ({"sample_ids": [1, 1, 2]}, "unique"),
        ({"metadata": {"lot": [1, 2]}}, "metadata column 'lot'"),
        ({"task": "ranking"}, "task must be one of"),
        ({"target_names": ["a", "b"]}, "2 target names given for 1"),
    ],
)
def test_invalid_construction_is_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpectroDataset(FeatureSource("X", RNG.random((3, 2))), RNG.random(3), **kwargs)


def test_sources_must_agree_on_rows() -> None:
    with pytest.raises(ValueError, match="has 2 rows"):
        SpectroDataset([FeatureSource("a", RNG.random((3, 2))),
                        FeatureSource("b", RNG.random((2, 2)))])


def test_feature_source_checks_axis_and_unit() -> None:
    with pytest.raises(ValueError, match="wavelength axis has 2 values"):
        FeatureSource("X", RNG.random((3, 3)), np.array([1.0, 2.0]), "nm")
    with pytest.raises(ValueError, match="unit must be one of"):
        FeatureSource("X", RNG.random((3, 3)), np.arange(3.0), "um")
    with pytest.raises(TypeError, match="float32 or float64"):
        FeatureSource("X", np.array([["a", "b"]]))


def test_float32_is_preserved() -> None:
    X = RNG.random((3, 4)).astype(np.float32)
    assert SpectroDataset(FeatureSource("X", X)).x().dtype == np.float32


def test_summary_mentions_shape_axis_and_hash() -> None:
    text = _dataset(partition=["train"] * 8 + ["test"] * 2).summary()
    assert "10 samples (8 train, 2 test)" in text
    assert "1000..1500 nm" in text
    assert "content hash" in text


def test_source_lookup_by_unknown_name() -> None:
    with pytest.raises(KeyError, match="no feature source named 'mir'"):
        _dataset().source("mir")
