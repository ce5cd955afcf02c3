"""``rep_to_sources`` / ``rep_to_pp``: one row per sample through CV, refit, store, export
and predict on the raw per-scan rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.data import FeatureSource, SpectroDataset, reshape_repetitions
from nirs4all.errors import ReplayError
from nirs4all.operators.transforms import SNV

N_SAMPLES, REPS = 40, 3


def _scans() -> SpectroDataset:
    """Three noisy scans of each of 40 samples; the last 10 samples are the test rows."""
    base = nirs4all.generate(N_SAMPLES, random_state=4)
    sample = np.repeat(np.arange(N_SAMPLES), REPS)
    noise = np.random.default_rng(5).normal(scale=0.002, size=(sample.size, base.x().shape[1]))
    return SpectroDataset(
        FeatureSource("nir", base.x()[sample] + noise, base.sources[0].wavelengths,
                      base.sources[0].unit),
        base.y[sample], partition=np.where(sample < 30, "train", "test"),
        metadata={"Sample_ID": np.char.add("S", sample.astype(str)), "lot": sample % 4},
        repetition="Sample_ID", name="scans")


@pytest.mark.parametrize(("keyword", "mode"), [("rep_to_sources", "sources"),
                                               ("rep_to_pp", "pp")])
def test_a_reshaped_run_fits_one_row_per_sample_and_predicts_from_raw_scans(
        tmp_path: Path, keyword: str, mode: str) -> None:
    scans = _scans()
    pipeline = [{keyword: "Sample_ID"}, SNV(), KFold(3), PLSRegression(4)]
    result = nirs4all.run(pipeline, scans, random_state=0, verbose=0,
                          workspace=tmp_path / "ws")
    chain = result.top(1)[0]
    assert chain.preprocessing == f"{keyword} > SNV"
    val = list(result.predictions(chain_id=chain.chain_id, partition="val"))
    assert sum(p.n_samples for p in val) == 30  # one out-of-fold prediction per sample
    test = result.predictions(chain_id=chain.chain_id, fold_id="final", partition="test")[0]
    assert test.n_samples == 10
    # the same pipeline run on the dataset reshaped beforehand gives the same scores
    wide = reshape_repetitions(scans, mode=mode)
    manual = nirs4all.run([SNV(), KFold(3), PLSRegression(4)], wide, random_state=0,
                          verbose=0).top(1)[0]
    assert chain.cv_score == pytest.approx(manual.cv_score, rel=1e-12)
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        bundle = ws.export(chain.chain_id, tmp_path / "model.n4a")
    predicted = nirs4all.predict(bundle, scans.subset("test"))
    np.testing.assert_array_equal(predicted.y_pred, test.y_pred)
    np.testing.assert_array_equal(predicted.sample_ids, test.sample_ids)
    with pytest.raises(ReplayError, match="'Sample_ID' metadata column"):
        nirs4all.predict(bundle, scans.subset("test").x())


def test_a_rerun_of_a_reshaped_pipeline_restores_everything(tmp_path: Path) -> None:
    scans = _scans()
    pipeline = [{"rep_to_sources": True}, SNV(), KFold(3), PLSRegression(4)]
    first = nirs4all.run(pipeline, scans, random_state=1, verbose=0, workspace=tmp_path / "ws")
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        rows = ws.predictions().num_rows
    again = nirs4all.run(pipeline, scans, random_state=1, verbose=0, workspace=tmp_path / "ws")
    assert again.stats["fits"] == 0
    assert [c.chain_id for c in again.chains] == [c.chain_id for c in first.chains]
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.predictions().num_rows == rows


def test_new_samples_with_another_number_of_scans_are_refused_by_name(tmp_path: Path) -> None:
    scans = _scans()
    result = nirs4all.run([{"rep_to_pp": True}, KFold(3), PLSRegression(3)], scans,
                          random_state=0, verbose=0, workspace=None)
    test = scans.subset("test")
    short = test.select(np.arange(test.n_samples - 1))  # the last sample loses one scan
    with pytest.raises(ReplayError, match="every sample needs 3 scans; sample\\(s\\) 'S39' "
                                          "\\(2 scans\\) differ"):
        nirs4all.predict(result, short)
