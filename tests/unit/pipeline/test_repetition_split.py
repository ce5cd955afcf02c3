"""A dataset's repetitions never straddle a fold, whatever the splitter."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from executor_helpers import RecordingRegressor
from executor_helpers import execute as _execute
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    LeaveOneOut,
    PredefinedSplit,
    ShuffleSplit,
    StratifiedKFold,
)

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.splitters import KennardStone, SPXYGFold
from nirs4all.pipeline.spec import SpecError


def _repeated(n_samples: int = 30, reps: int = 4, *, classes: bool = False,
              seed: int = 0) -> SpectroDataset:
    """Real-shaped spectra: ``reps`` noisy scans of each of ``n_samples`` samples, shuffled."""
    base = nirs4all.generate(n_samples, random_state=seed)
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_samples * reps)
    sample = np.repeat(np.arange(n_samples), reps)[order]
    X = base.sources[0].X[sample] + 0.001 * rng.normal(size=(sample.size,
                                                             base.sources[0].X.shape[1]))
    y = (sample % 3).astype(str) if classes else np.asarray(base.y)[sample, 0]
    ids = np.array([f"S{s:03d}" for s in sample])
    return SpectroDataset(FeatureSource("nir", X, base.sources[0].wavelengths,
                                        base.sources[0].unit), y,
                          metadata={"Sample_ID": ids, "lot": (sample // 10).astype(str)},
                          repetition="Sample_ID", name="repeated")


@pytest.mark.parametrize("splitter", [
    KFold(5), KFold(4, shuffle=True), ShuffleSplit(4, test_size=0.25), GroupKFold(5),
    SPXYGFold(n_splits=3),
], ids=lambda s: type(s).__name__)
def test_no_sample_has_scans_on_both_sides_of_any_fold(splitter) -> None:
    dataset = _repeated()
    executor, _, predictions = _execute([splitter, RecordingRegressor()], dataset)
    ids = dataset.metadata["Sample_ID"]
    assert executor.rows.fit
    for key, fit in executor.rows.fit.items():
        assert not set(ids[fit]) & set(ids[executor.rows.val[key]])
    for p in predictions:
        if p.partition == "val":  # each held-out sample is predicted with all 4 scans
            _, counts = np.unique(ids[np.isin(dataset.sample_ids, p.sample_ids)],
                                  return_counts=True)
            assert set(counts.tolist()) == {4}


def test_stratified_classification_splits_keep_repetitions_together() -> None:
    dataset = _repeated(classes=True)
    executor, _, _ = _execute([StratifiedKFold(3), {"model": "sklearn.neighbors."
                                                             "KNeighborsClassifier"}], dataset)
    ids = dataset.metadata["Sample_ID"]
    for key, fit in executor.rows.fit.items():
        assert not set(ids[fit]) & set(ids[executor.rows.val[key]])


def test_a_group_column_that_contains_the_samples_is_used_as_the_groups() -> None:
    dataset = _repeated()
    executor, _, _ = _execute([{"split": GroupKFold(3), "group": "lot"},
                               RecordingRegressor()], dataset)
    lots = dataset.metadata["lot"]
    for key, fit in executor.rows.fit.items():
        assert not set(lots[fit]) & set(lots[executor.rows.val[key]])


def test_a_group_column_that_splits_a_sample_is_refused() -> None:
    dataset = _repeated()
    meta = dict(dataset.metadata)
    meta["scan"] = np.arange(dataset.n_samples).astype(str)
    split_by_scan = SpectroDataset(dataset.sources, dataset.y, metadata=meta,
                                   repetition="Sample_ID")
    with pytest.raises(SpecError, match="different values to the repetitions of 30"):
        _execute([{"split": KFold(3), "group": "scan"}, RecordingRegressor()], split_by_scan)


@pytest.mark.parametrize(("splitter", "alternative"), [
    (LeaveOneOut(), "LeaveOneGroupOut"),
    (PredefinedSplit(np.zeros(120)), "fold file"),
])
def test_a_row_splitter_is_refused_with_its_grouped_alternative(splitter, alternative) -> None:
    with pytest.raises(SpecError, match=f"separate the repetitions.*{alternative}"):
        _execute([splitter, RecordingRegressor()], _repeated())


def test_the_run_log_says_repetitions_are_kept_together(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        _execute([KennardStone(test_size=0.25), RecordingRegressor()], _repeated())
    assert any("repetitions of each sample (column 'Sample_ID') kept on one side" in
               r.getMessage() and "30 samples, 120 scans" in r.getMessage()
               for r in caplog.records)
