"""retrain (full and transfer) and the scikit-learn wrapper of a bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.api.retrain import retrain
from nirs4all.operators.frozen import FrozenStep
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.sklearn import NIRSPipeline


@pytest.fixture(scope="module")
def source():
    dataset = nirs4all.generate(90, random_state=0)
    result = nirs4all.run([SNV(), {"y_processing": StandardScaler()}, KFold(3),
                           SavitzkyGolay(deriv=1), {"model": PLSRegression(5), "name": "pls5"}],
                          dataset, random_state=0, verbose=0)
    return dataset, result


def test_full_retrain_refits_every_step_on_new_data(source) -> None:
    _, result = source
    new = nirs4all.generate(70, random_state=8)
    again = retrain(result, new, mode="full")
    assert again.best.model_name == "pls5"
    assert again.best.preprocessing == result.best.preprocessing
    assert again.stats["parent_chain_id"] == result.best.chain_id
    assert again.stats["retrain_mode"] == "full"
    assert again.outcomes[0].dataset_hash == new.content_hash()


def test_transfer_keeps_fitted_preprocessing(source) -> None:
    dataset, result = source
    new = nirs4all.generate(70, random_state=8)
    moved = retrain(result, new, mode="transfer")
    assert moved.best.preprocessing.startswith("frozen SNV > y:frozen StandardScaler")
    # The frozen y scaler is the source run's: fitted on the source targets, not the new.
    frozen = next(o for o in moved.outcomes[0].artifacts.values()
                  if isinstance(o, FrozenStep) and hasattr(o.fitted, "mean_"))
    np.testing.assert_allclose(frozen.fitted.mean_,
                               dataset.train.y.mean(axis=0), rtol=1e-12)


def test_frozen_steps_survive_cloning() -> None:
    scaler = StandardScaler().fit(np.arange(10.0).reshape(5, 2))
    frozen = FrozenStep(scaler, "digest")
    assert clone(frozen).fitted is scaler
    np.testing.assert_array_equal(clone(frozen).fit(np.zeros((2, 2))).transform([[0.0, 1.0]]),
                                  scaler.transform([[0.0, 1.0]]))


def test_unknown_mode(source) -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        retrain(source[1], source[0], mode="continue")


def test_transfer_refuses_branched_chains() -> None:
    dataset = nirs4all.generate(60, random_state=0)
    result = nirs4all.run([KFold(3), {"branch": [[SNV()], [StandardScaler()]]},
                           {"merge": "features"}, Ridge()], dataset, random_state=0, verbose=0)
    with pytest.raises(ValueError, match="transfer retraining supports"):
        retrain(result, dataset, mode="transfer")


def test_wrapper_predicts_like_the_run_and_works_with_sklearn_tools(source,
                                                                    tmp_path: Path) -> None:
    dataset, result = source
    path = result.export(tmp_path / "model.n4a")
    estimator = NIRSPipeline.from_bundle(path)
    np.testing.assert_array_equal(estimator.predict(dataset.test.x()),
                                  result.predict(dataset.test).to_numpy())
    assert estimator.n_features_in_ == 801
    with pytest.raises(ValueError, match="shape"):
        estimator.predict(np.ones((2, 5)))
    new = nirs4all.generate(60, random_state=3)
    predicted = cross_val_predict(NIRSPipeline(path), new.x(), new.y[:, 0], cv=3)
    assert np.corrcoef(predicted, new.y[:, 0])[0, 1] > 0.8


def test_wrapper_classifier_probabilities(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    dataset = nirs4all.generate(90, task="classification", random_state=2)
    result = nirs4all.run([SNV(), KFold(3), LogisticRegression(max_iter=500)], dataset,
                          random_state=0, verbose=0)
    estimator = NIRSPipeline.from_bundle(result.export(tmp_path / "clf.n4a"))
    proba = estimator.predict_proba(dataset.test.x())
    assert proba.shape == (dataset.test.n_samples, 2)
    np.testing.assert_array_equal(estimator.classes_, [0, 1])
