"""A hold-out splitter before the CV splitter makes the test partition of a dataset."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from executor_helpers import RecordingRegressor, grouped_dataset
from executor_helpers import execute as _execute
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold, ShuffleSplit
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.splitters import KennardStone
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.spec import SpecError, parse_pipeline


@pytest.fixture(scope="module")
def dataset() -> SpectroDataset:
    base = nirs4all.generate(80, random_state=5)
    source = base.sources[0]
    return SpectroDataset(FeatureSource("nir", source.X, source.wavelengths, source.unit),
                          base.y, name="all-train")  # every row is "train"


def test_kennard_stone_then_kfold_tests_on_the_ks_selection(dataset) -> None:
    executor, chains, predictions = _execute(
        [SNV(), KennardStone(test_size=0.25), KFold(4), RecordingRegressor()], dataset)
    snv = SNV().fit(dataset.x()).transform(dataset.x())
    expected_test = np.sort(next(KennardStone(test_size=0.25).split(snv))[1])
    np.testing.assert_array_equal(executor.rows.test, expected_test)
    assert executor.rows.train.size == 60
    assert not set(executor.rows.train) & set(executor.rows.test)
    assert len(executor.rows.fit) == 4
    for key, fit in executor.rows.fit.items():
        assert not set(fit) & set(executor.rows.test)
        assert not set(executor.rows.val[key]) & set(executor.rows.test)
    tests = [p for p in predictions if p.partition == "test"]
    assert {p.fold_id for p in tests} == {"0", "1", "2", "3", "final"}
    assert all(sorted(p.sample_ids) == sorted(dataset.sample_ids[expected_test])
               for p in tests)
    assert chains[0].test_scores


def test_steps_before_the_hold_out_are_fitted_on_the_remaining_rows_only(dataset) -> None:
    executor, chains, _ = _execute(
        [StandardScaler(), KennardStone(test_size=0.25), KFold(3), RecordingRegressor()],
        dataset)
    scaler = executor.artifacts[chains[0].steps[0].artifacts["final"]][0]
    np.testing.assert_allclose(scaler.mean_, dataset.x()[executor.rows.train].mean(axis=0),
                               atol=1e-12)


def test_a_random_hold_out_is_seeded_and_reproducible(dataset) -> None:
    pipeline = [ShuffleSplit(1, test_size=0.2), KFold(3), RecordingRegressor()]
    first, _, _ = _execute(pipeline, dataset)
    second, _, _ = _execute(pipeline, dataset)
    np.testing.assert_array_equal(first.rows.test, second.rows.test)
    assert first.rows.test.size == 16


def test_a_run_scores_the_test_partition_the_hold_out_made(dataset, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        result = nirs4all.run([SNV(), KennardStone(test_size=0.25), KFold(3),
                               PLSRegression(4)], dataset, random_state=0, verbose=0,
                              workspace=None)
    assert np.isfinite(result.best_rmse)
    assert any("holds out 20 of 80 rows" in r.getMessage() for r in caplog.records)


def test_a_hold_out_on_a_dataset_with_a_test_partition_is_refused() -> None:
    with_test = nirs4all.generate(60, random_state=1, test_fraction=0.2)
    with pytest.raises(SpecError, match="has a test partition already"):
        _execute([KennardStone(test_size=0.25), KFold(3), RecordingRegressor()], with_test)


def test_two_cv_splitters_or_three_splitters_are_refused() -> None:
    with pytest.raises(SpecError, match="only one splitter per pipeline"):
        parse_pipeline([KFold(3), KFold(4), PLSRegression(2)])
    with pytest.raises(SpecError, match="only one splitter per pipeline"):
        parse_pipeline([KennardStone(test_size=0.2), ShuffleSplit(1), KFold(3),
                        PLSRegression(2)])


def test_group_split_form_keeps_groups_together_after_a_hold_out() -> None:
    dataset, lots = grouped_dataset(15, 4, "lot")
    executor, _, _ = _execute([{"split": ShuffleSplit(1, test_size=0.2), "group": "lot"},
                               {"split": KFold(3), "group": "lot"}, RecordingRegressor()],
                              dataset)
    assert not set(lots[executor.rows.train]) & set(lots[executor.rows.test])
    for key, fit in executor.rows.fit.items():
        assert not set(lots[fit]) & set(lots[executor.rows.val[key]])
