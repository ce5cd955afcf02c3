"""Contracts 9 and 11: a bundle replays its run's final test predictions exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import nirs4all
from nirs4all.operators.transforms import SNV, CropWavelengths, SavitzkyGolay

PIPELINES = {
    "plain": [SNV(), KFold(3), PLSRegression(5)],
    "y_processed": [CropWavelengths(1000, 2200), {"y_processing": StandardScaler()},
                    KFold(3), MinMaxScaler(), PLSRegression(5)],
    "branched": [SNV(), KFold(3), {"branch": [[SavitzkyGolay(deriv=1)], [MinMaxScaler()]]},
                 {"merge": "features"}, PLSRegression(6)],
    "stacked": [SNV(), KFold(3), {"branch": [[SavitzkyGolay(deriv=1), PLSRegression(6)],
                                             [MinMaxScaler(), Ridge()]]},
                {"merge": "predictions"}, LinearRegression()],
    "feature_augmented": [{"feature_augmentation": [None, SNV(), SavitzkyGolay(deriv=1)]},
                          KFold(3), PLSRegression(4)],
}


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(100, random_state=0)


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_bundle_replays_final_test_predictions(name: str, dataset, tmp_path: Path) -> None:
    result = nirs4all.run(PIPELINES[name], dataset, random_state=0, verbose=0, refit="all")
    for chain in result.chains:
        stored = result.predictions(chain_id=chain.chain_id, fold_id="final",
                                    partition="test")[0]
        bundle = result.export(tmp_path / f"{chain.chain_id[:8]}.n4a", chain.chain_id)
        replayed = nirs4all.predict(bundle, dataset.test)
        assert np.max(np.abs(replayed.y_pred - stored.y_pred)) <= 1e-12
        np.testing.assert_array_equal(replayed.sample_ids, stored.sample_ids)


def test_classifier_bundle_replays_labels_and_probabilities(tmp_path: Path) -> None:
    dataset = nirs4all.generate(90, task="classification", n_classes=3, random_state=4)
    result = nirs4all.run([SNV(), KFold(3), LogisticRegression(max_iter=500)], dataset,
                          random_state=0, verbose=0)
    stored = result.predictions(fold_id="final", partition="test")[0]
    replayed = nirs4all.predict(result.export(tmp_path / "clf.n4a"), dataset.test)
    np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)
    assert np.max(np.abs(replayed.y_proba - stored.y_proba)) <= 1e-12


def test_wavelength_aware_steps_receive_the_axis_at_replay(dataset, tmp_path: Path) -> None:
    result = nirs4all.run(PIPELINES["y_processed"], dataset, random_state=0, verbose=0)
    bundle = result.export(tmp_path / "crop.n4a")
    cropped = nirs4all.predict(bundle, dataset.test)
    assert cropped.y_pred.shape == (dataset.test.n_samples, 1)
