"""A chain predicts and exports with its own fitted objects, also in multi-dataset runs.

The same pipeline run on two datasets has the same ``pipeline_id`` and the same artifact
keys in both; each chain must still replay the objects fitted on its own dataset.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.data import SpectroDataset
from nirs4all.operators.transforms import SNV

PIPELINE = [SNV(), {"y_processing": StandardScaler()}, KFold(3), PLSRegression(4)]


@pytest.fixture(scope="module")
def two_dataset_run():
    first = nirs4all.generate(60, random_state=1, name="first")
    # Different spectra and targets on another scale: swapped objects cannot go unnoticed.
    second = nirs4all.generate(60, random_state=2, name="second")
    second = SpectroDataset(second.sources, second.y * 100.0 + 50.0,
                            partition=second.partition, name="second")
    result = nirs4all.run(PIPELINE, [first, second], random_state=0, verbose=0,
                          workspace=None)
    return result, {"first": first, "second": second}


def test_each_chain_replays_its_own_final_test_predictions(two_dataset_run) -> None:
    result, datasets = two_dataset_run
    assert len(result.chains) == 2
    for chain in result.chains:
        name = next(n for n, sub in result.per_dataset.items()
                    if any(c.chain_id == chain.chain_id for c in sub.chains))
        stored = result.predictions(chain_id=chain.chain_id, fold_id="final",
                                    partition="test")[0]
        replayed = result.predict(datasets[name].test, chain=chain.chain_id)
        np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)


def test_run_export_and_per_dataset_predict_agree_bit_for_bit(two_dataset_run,
                                                              tmp_path: Path) -> None:
    result, datasets = two_dataset_run
    for name, sub in result.per_dataset.items():
        (chain,) = sub.chains
        spectra = datasets[name].test
        from_run = result.predict(spectra, chain=chain.chain_id).y_pred
        from_sub = sub.predict(spectra, chain=chain.chain_id).y_pred
        bundle = result.export(tmp_path / f"{name}.n4a", chain.chain_id)
        from_bundle = nirs4all.predict(bundle, spectra).y_pred
        np.testing.assert_array_equal(from_run, from_sub)
        np.testing.assert_array_equal(from_run, from_bundle)

