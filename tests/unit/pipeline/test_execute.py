"""Executing one variant: folds, refit, y processing, branches, merges, augmentation."""

from __future__ import annotations

import numpy as np
import pytest
from executor_helpers import RecordingRegressor, grouped_dataset
from executor_helpers import execute as _execute
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import nirs4all
from nirs4all.data import SpectroDataset
from nirs4all.operators.augmentation import GaussianNoise
from nirs4all.operators.transforms import SNV, CropWavelengths
from nirs4all.pipeline.spec import SpecError


@pytest.fixture(scope="module")
def dataset() -> SpectroDataset:
    return nirs4all.generate(90, random_state=1, test_fraction=0.2)


def test_fold_ids_partitions_and_refit_labels(dataset) -> None:
    _, chains, predictions = _execute([SNV(), KFold(3), PLSRegression(4)], dataset)
    assert chains[0].fold_ids == ("0", "1", "2", "final")
    labels = [(p.fold_id, p.partition, p.refit_context) for p in predictions]
    assert labels == [("0", "val", None), ("0", "test", None), ("1", "val", None),
                      ("1", "test", None), ("2", "val", None), ("2", "test", None),
                      ("final", "train", "standalone"), ("final", "test", "standalone")]


def test_out_of_fold_rows_cover_the_training_rows_once(dataset) -> None:
    _, _, predictions = _execute([KFold(3), PLSRegression(4)], dataset)
    val_ids = np.concatenate([p.sample_ids for p in predictions if p.partition == "val"])
    train_ids = dataset.sample_ids[dataset.partition == "train"]
    assert sorted(val_ids) == sorted(train_ids)


def test_pooled_cv_score_is_computed_on_concatenated_out_of_fold_predictions(dataset) -> None:
    _, chains, predictions = _execute([KFold(3), PLSRegression(4)], dataset)
    val = [p for p in predictions if p.partition == "val"]
    residuals = np.concatenate([p.y_pred - p.y_true for p in val])
    assert chains[0].cv_scores["rmse"] == pytest.approx(np.sqrt(np.mean(residuals ** 2)),
                                                        abs=1e-12)
    assert chains[0].fold_scores["1"]["rmse"] == pytest.approx(val[1].scores["rmse"])


def test_steps_after_the_splitter_are_fitted_per_fold(dataset) -> None:
    executor, chains, _ = _execute([KFold(3), MinMaxScaler(), PLSRegression(3)], dataset)
    scaler_step = chains[0].steps[1]
    X = dataset.x()
    for key in ("0", "1", "2"):
        fitted = executor.artifacts[scaler_step.artifacts[key]][0]
        np.testing.assert_array_equal(fitted.data_min_, X[executor.rows.fit[key]].min(axis=0))
    final = executor.artifacts[scaler_step.artifacts["final"]][0]
    np.testing.assert_array_equal(final.data_min_, X[executor.rows.train].min(axis=0))


def test_steps_before_the_splitter_are_fitted_once_on_training_rows(dataset) -> None:
    executor, chains, _ = _execute([MinMaxScaler(), KFold(3), PLSRegression(3)], dataset)
    refs = set(chains[0].steps[0].artifacts.values())
    assert len(refs) == 1
    fitted = executor.artifacts[refs.pop()][0]
    np.testing.assert_array_equal(fitted.data_min_,
                                  dataset.x()[executor.rows.train].min(axis=0))


def test_y_processing_predictions_are_in_original_units(dataset) -> None:
    _, _, plain = _execute([KFold(3), PLSRegression(5)], dataset)
    _, _, scaled = _execute([{"y_processing": StandardScaler()}, KFold(3), PLSRegression(5)],
                            dataset)
    for a, b in zip(plain, scaled, strict=True):
        np.testing.assert_allclose(a.y_pred, b.y_pred, rtol=1e-9, atol=1e-12)


def test_branches_share_the_parent_state_and_produce_one_chain_each(dataset) -> None:
    executor, chains, _ = _execute(
        [SNV(), KFold(2), {"branch": [[PLSRegression(3)], [Ridge()]]}], dataset)
    assert [c.branch_path for c in chains] == [(0,), (1,)]
    assert chains[0].preprocessing == chains[1].preprocessing == "SNV"
    # The step before the branch was fitted once; both branches reference that one object.
    assert chains[0].steps[0].artifacts == chains[1].steps[0].artifacts
    assert len(set(chains[0].steps[0].artifacts.values())) == 1
    assert executor.fits == 1 + 2 * 3


def test_merge_features_concatenates_branch_outputs(dataset) -> None:
    pipeline = [KFold(2), {"branch": [[SNV()], [StandardScaler()]]}, {"merge": "features"},
                RecordingRegressor()]
    executor, chains, _ = _execute(pipeline, dataset)
    fitted = executor.artifacts[chains[0].steps[-1].artifacts["final"]]
    assert fitted.X_fit_.shape[1] == 2 * dataset.x().shape[1]


def test_classification_with_probabilities() -> None:
    dataset = nirs4all.generate(80, task="classification", n_classes=3, random_state=2)
    _, chains, predictions = _execute([SNV(), KFold(3), LogisticRegression(max_iter=500)],
                                      dataset)
    assert chains[0].metric == "balanced_accuracy"
    assert predictions[0].y_proba.shape[1] == 3
    assert "log_loss" in predictions[0].scores
    assert chains[0].cv_scores["accuracy"] > 0.5


def test_sample_augmentation_copies_training_rows_of_each_fold_only(dataset) -> None:
    pipeline = [KFold(3), {"sample_augmentation": {"transformers": [GaussianNoise()],
                                                    "count": 2}}, RecordingRegressor()]
    executor, chains, predictions = _execute(pipeline, dataset)
    model_refs = chains[0].steps[-1].artifacts
    for key in ("0", "1", "2"):
        n_fit = executor.rows.fit[key].size
        assert executor.artifacts[model_refs[key]].X_fit_.shape[0] == 3 * n_fit
    val = [p for p in predictions if p.partition == "val"]
    assert sum(p.n_samples for p in val) == executor.rows.train.size


def test_wavelength_aware_crop_receives_the_axis(dataset) -> None:
    executor, chains, _ = _execute([CropWavelengths(1000, 1800), KFold(2), PLSRegression(3)],
                                   dataset)
    crop = executor.artifacts[chains[0].steps[0].artifacts["final"]][0]
    assert crop.wavelengths_out_.min() >= 1000
    assert crop.wavelengths_out_.max() <= 1800


def test_no_splitter_fits_only_the_final_model(dataset) -> None:
    _, chains, predictions = _execute([SNV(), PLSRegression(4)], dataset, cv=False)
    assert chains[0].fold_ids == ("final",)
    assert not chains[0].cv_scores
    assert {p.partition for p in predictions} == {"train", "test"}


def test_user_objects_are_never_fitted_or_changed(dataset) -> None:
    model = PLSRegression(3)
    splitter = KFold(3, shuffle=True)
    _execute([splitter, model], dataset)
    assert not hasattr(model, "x_weights_")
    assert splitter.random_state is None


def test_group_column_keeps_groups_together() -> None:
    dataset, groups = grouped_dataset(10, 4, "sample")
    executor, _, _ = _execute([{"split": KFold(3), "group": "sample"}, Ridge()], dataset)
    for key, fit in executor.rows.fit.items():
        assert not set(groups[fit]) & set(groups[executor.rows.val[key]])


def test_missing_group_column_is_an_error(dataset) -> None:
    with pytest.raises(SpecError, match="group column 'lot' is not in the metadata"):
        _execute([{"split": KFold(3), "group": "lot"}, Ridge()], dataset)


def test_y_processing_on_classification_is_an_error() -> None:
    dataset = nirs4all.generate(30, task="classification", random_state=2)
    with pytest.raises(SpecError, match="y_processing applies to regression"):
        _execute([{"y_processing": StandardScaler()}, LogisticRegression()], dataset)
