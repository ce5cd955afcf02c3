"""The task a run scores by agrees with its models (sklearn estimator types)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.spec import SpecError
from nirs4all.pipeline.task import read_either_way

CLASSIFIER = [SNV(), KFold(3), LogisticRegression(max_iter=300)]


def _write_class_folder(path: Path, dataset: SpectroDataset) -> Path:
    """Xcal/Ycal/Xval/Yval files holding integer class codes, as sample folders do."""
    path.mkdir()
    header = ";".join(f"{w:g}" for w in dataset.wavelengths())
    for part, suffix in (("train", "cal"), ("test", "val")):
        rows = dataset.subset(part)
        lines = [";".join(repr(float(v)) for v in row) for row in rows.x()]
        (path / f"X{suffix}.csv").write_text("\n".join([header, *lines]) + "\n")
        (path / f"Y{suffix}.csv").write_text("\n".join(str(int(v)) for v in rows.y) + "\n")
    return path


@pytest.fixture(scope="module")
def labelled() -> SpectroDataset:
    return nirs4all.generate(60, task="classification", n_classes=3, random_state=6,
                             wavelengths=(1000, 2000, 20))


@pytest.fixture(scope="module")
def class_folder(labelled, tmp_path_factory) -> Path:
    return _write_class_folder(tmp_path_factory.mktemp("data") / "classes", labelled)


def test_integer_class_files_load_as_targets_that_read_either_way(class_folder) -> None:
    dataset = nirs4all.load_dataset(class_folder)
    assert dataset.task == "regression"
    assert read_either_way(dataset)
    assert not read_either_way(nirs4all.load_dataset(class_folder, task="regression"))


def test_a_regressor_on_a_classification_task_is_refused_with_the_fix(labelled) -> None:
    with pytest.raises(SpecError, match=r"steps\[2\] \(PLSRegression\(n_components=3\)\) is a "
                                        r"regressor.*PLS-DA.*task='regression'"):
        nirs4all.run([SNV(), KFold(3), PLSRegression(3)], labelled, random_state=0,
                     verbose=0, workspace=None)


def test_a_classifier_decides_the_task_of_integer_class_files(class_folder, labelled,
                                                              caplog) -> None:
    with caplog.at_level(logging.INFO, logger="nirs4all"):
        result = nirs4all.run(CLASSIFIER, class_folder, random_state=0, verbose=0,
                              workspace=None)
    assert result.best.metric == "balanced_accuracy"
    assert "accuracy" in result.best.cv_scores
    assert "rmse" not in result.best.cv_scores
    assert "read as 3 classes" in result.summary()
    assert any("read as 3 class labels" in r.getMessage() for r in caplog.records)
    # The same spectra given with text-free integer labels score the same.
    direct = nirs4all.run(CLASSIFIER, labelled, random_state=0, verbose=0, workspace=None)
    assert result.best.cv_score == direct.best.cv_score
    predicted = result.predict(labelled.test).y_pred
    assert predicted.dtype.kind == "i"


def test_regressors_keep_integer_targets_a_regression(class_folder) -> None:
    result = nirs4all.run([SNV(), KFold(3), PLSRegression(3)], class_folder,
                          random_state=0, verbose=0, workspace=None)
    assert result.best.metric == "rmse"
    assert "note:" not in result.summary()


def test_an_explicit_task_wins_over_the_models(class_folder) -> None:
    given = nirs4all.load_dataset(class_folder, task="regression")
    with pytest.raises(SpecError, match=r"is a classifier, but dataset 'classes' is a "
                                        r"regression task; use a regressor, or load the "
                                        r"dataset with task='classification'"):
        nirs4all.run(CLASSIFIER, given, random_state=0, verbose=0, workspace=None)


def test_classifiers_mixed_with_regressors_on_ambiguous_targets_ask_for_a_task(
        class_folder) -> None:
    pipeline = [SNV(), KFold(3), {"model": {"_or_": [PLSRegression(3),
                                                      LogisticRegression(max_iter=300)]}}]
    with pytest.raises(SpecError, match="read either way"):
        nirs4all.run(pipeline, class_folder, random_state=0, verbose=0, workspace=None)


def test_only_integer_valued_single_targets_read_either_way() -> None:
    X = np.zeros((6, 3))
    floats = SpectroDataset(FeatureSource("X", X), np.array([0.5, 1, 2, 0, 1, 2]))
    two = SpectroDataset(FeatureSource("X", X), np.array([[0, 1]] * 3 + [[1, 0]] * 3, float))
    constant = SpectroDataset(FeatureSource("X", X), np.ones(6))
    codes = SpectroDataset(FeatureSource("X", X), np.array([0.0, 1, 2, 0, 1, 2]))
    assert [read_either_way(d) for d in (floats, two, constant, codes)] == [
        False, False, False, True]
