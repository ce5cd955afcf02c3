"""SpectroDataset at its edges: refused constructions, X-only data, the partitions, a
source replaced by spectra of the wrong height, the summary and repr."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.data import FeatureSource, SpectroDataset

RNG = np.random.default_rng(11)


def _source(name: str = "X", n: int = 6) -> FeatureSource:
    return FeatureSource(name, RNG.random((n, 4)), np.linspace(1100, 1400, 4), "nm")


def test_a_dataset_needs_a_source() -> None:
    with pytest.raises(ValueError, match="at least one feature source"):
        SpectroDataset([])


def test_source_names_must_be_unique() -> None:
    with pytest.raises(ValueError, match=r"must be unique; got \['X', 'X'\]"):
        SpectroDataset([_source(), _source()])


def test_x_only_data_has_no_targets_task_or_classes() -> None:
    dataset = SpectroDataset(_source(), metadata={"lot": np.arange(6)})
    assert dataset.n_targets == 0
    assert dataset.task is None
    assert dataset.classes is None
    assert dataset.task_given is False
    text = dataset.summary()
    assert "targets:" not in text
    assert "metadata: lot" in text


def test_the_task_given_is_remembered() -> None:
    dataset = SpectroDataset(_source(), np.array([0, 1, 0, 1, 0, 1]), task="classification")
    assert dataset.task_given
    assert dataset.task == "binary"
    np.testing.assert_array_equal(dataset.classes, [0, 1])


def test_a_two_target_dataset_counts_its_columns() -> None:
    dataset = SpectroDataset(_source(), RNG.random((6, 2)))
    assert dataset.n_targets == 2
    assert "targets:" in dataset.summary()


def test_train_and_test_are_the_partitions_and_others_are_refused() -> None:
    partition = np.array(["train"] * 4 + ["test"] * 2)
    dataset = SpectroDataset(_source(), RNG.random(6), partition=partition)
    assert (dataset.train.n_samples, dataset.test.n_samples) == (4, 2)
    with pytest.raises(ValueError, match="partition must be one of"):
        dataset.subset("validation")


def test_replacing_a_source_with_spectra_of_another_height_is_refused() -> None:
    dataset = SpectroDataset(_source(), RNG.random(6))
    with pytest.raises(ValueError, match="new spectra have 5 rows; the dataset has 6"):
        dataset.with_source("X", RNG.random((5, 4)))


def test_the_repr_names_the_dataset_its_sources_and_task() -> None:
    dataset = SpectroDataset([_source("a"), _source("b")], RNG.random(6), name="wheat")
    assert repr(dataset) == ("SpectroDataset(name='wheat', n_samples=6, sources=['a', 'b'], "
                             "task='regression')")
