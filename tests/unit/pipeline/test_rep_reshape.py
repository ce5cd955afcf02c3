"""Parsing and executing ``rep_to_sources`` / ``rep_to_pp``; replaying their chains."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, LeaveOneOut
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.data import FeatureSource, SpectroDataset, reshape_repetitions
from nirs4all.errors import DatasetConfigError, ReplayError, SpecError
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline._rep_reshape import replay_reshape, reshaped_rows
from nirs4all.pipeline._rep_reshape_spec import ReshapeOptions
from nirs4all.pipeline.spec import parse_pipeline


def _scans(counts, *, classes: bool = False, seed: int = 0) -> SpectroDataset:
    """Real-shaped scans: ``counts[i]`` noisy scans of sample ``i``, interleaved."""
    base = nirs4all.generate(len(counts), random_state=seed)
    sample = np.concatenate([np.full(c, i) for i, c in enumerate(counts)])
    order = np.random.default_rng(seed).permutation(sample.size)  # scans not contiguous
    sample = sample[order]
    X = base.x()[sample] + np.random.default_rng(seed + 1).normal(
        scale=1e-3, size=(sample.size, base.x().shape[1]))
    y = (base.y[:, 0] > np.median(base.y[:, 0])).astype(int)[sample] if classes else \
        base.y[sample]
    return SpectroDataset(FeatureSource("nir", X, base.sources[0].wavelengths,
                                        base.sources[0].unit), y,
                          metadata={"id": np.char.add("s", sample.astype(str))},
                          repetition="id", name="scans")


@pytest.mark.parametrize(("value", "expected"), [
    (True, ReshapeOptions("sources", None)),
    ("id", ReshapeOptions("sources", "id")),
    ({"column": "id", "unequal": "truncate"}, ReshapeOptions("sources", "id", "truncate")),
    ({"unequal": "truncate"}, ReshapeOptions("sources", None, "truncate")),
])
def test_the_keyword_takes_true_a_column_or_a_dict(value, expected) -> None:
    steps = parse_pipeline([{"rep_to_sources": value}, PLSRegression(2)])
    assert steps[0].kind == "rep_reshape"
    assert steps[0].options == expected
    assert parse_pipeline([{"rep_to_pp": value}, PLSRegression(2)])[0].options.mode == "pp"


@pytest.mark.parametrize(("step", "match"), [
    ({"rep_to_pp": 3}, "expected True .* a metadata column name"),
    ({"rep_to_pp": {"unequal": "pad"}}, "unequal: expected one of \\('error', 'truncate'\\)"),
    ({"rep_to_pp": {"col": "id"}}, "unknown key\\(s\\) \\['col'\\]"),
    ({"rep_to_pp": True, "unequal": "truncate"}, "unknown key\\(s\\) \\['unequal'\\]"),
])
def test_a_bad_keyword_value_is_refused_with_its_position(step, match) -> None:
    with pytest.raises(SpecError, match=f"steps\\[0\\].*{match}"):
        parse_pipeline([step, PLSRegression(2)])


def test_the_reshape_must_be_the_first_step() -> None:
    with pytest.raises(SpecError, match="steps\\[1\\]: rep_to_sources reshapes the dataset"):
        parse_pipeline([SNV(), {"rep_to_sources": True}, PLSRegression(2)])
    with pytest.raises(SpecError, match="first step, once"):
        parse_pipeline([{"rep_to_pp": True}, {"rep_to_pp": True}, PLSRegression(2)])
    assert parse_pipeline(["chart_2d", {"rep_to_pp": True}, PLSRegression(2)])[1].kind == \
        "rep_reshape"


def test_unequal_scans_are_refused_naming_the_samples_or_truncated() -> None:
    scans = _scans([3, 3, 2, 3, 3, 3, 3, 3, 3, 1, 3, 3])
    with pytest.raises(SpecError, match="steps\\[0\\]: repetition column 'id': every sample "
                                        "needs 3 scans; sample\\(s\\) 's2' \\(2 scans\\), 's9' "
                                        "\\(1 scan\\) differ; pass unequal='truncate'"):
        nirs4all.run([{"rep_to_sources": True}, KFold(3), PLSRegression(2)], scans,
                     random_state=0, verbose=0)
    result = nirs4all.run([{"rep_to_sources": {"unequal": "truncate"}}, KFold(3),
                           PLSRegression(2)], scans, random_state=0, verbose=0)
    assert result.predictions(fold_id="final", partition="train")[0].n_samples == 12
    assert len(nirs4all.predict(result, scans)) == 12  # the first scan of each sample


def test_without_a_repetition_column_the_error_says_how_to_name_it() -> None:
    plain = nirs4all.generate(20, random_state=0)
    with pytest.raises(SpecError, match="declares no repetition column; name the column"):
        nirs4all.run([{"rep_to_pp": True}, KFold(3), PLSRegression(2)], plain,
                     random_state=0, verbose=0)


def test_a_row_splitter_is_allowed_after_the_reshape() -> None:
    # one row per sample: LeaveOneOut leaves one sample out, never part of one
    scans = _scans([2] * 12)
    with pytest.raises(SpecError, match="LeaveOneOut splits single rows"):
        nirs4all.run([LeaveOneOut(), PLSRegression(2)], scans, random_state=0, verbose=0)
    result = nirs4all.run([{"rep_to_pp": True}, LeaveOneOut(), PLSRegression(2)], scans,
                          random_state=0, verbose=0)
    assert len([p for p in result.predictions() if p.partition == "val"]) == 12


def test_reshaped_scans_are_in_first_scan_order_with_the_first_scans_ids() -> None:
    scans = _scans([2, 2, 2])
    ids = scans.metadata["id"]
    wide = reshape_repetitions(scans, mode="pp")
    heads = [int(np.flatnonzero(ids == s)[0]) for s in dict.fromkeys(ids.tolist())]
    np.testing.assert_array_equal(wide.sample_ids, scans.sample_ids[heads])
    second = [int(np.flatnonzero(ids == s)[1]) for s in dict.fromkeys(ids.tolist())]
    np.testing.assert_array_equal(wide.x()[:, scans.source(0).n_features:],
                                  scans.x()[second])
    assert wide.unit() == "index"
    assert wide.repetition is None


def test_a_classifier_on_reshaped_scans_replays_its_probabilities() -> None:
    scans = _scans([2] * 24, classes=True)
    result = nirs4all.run([{"rep_to_sources": True}, StandardScaler(), KFold(3),
                           LogisticRegression(max_iter=500)], scans, random_state=0,
                          verbose=0)
    stored = result.predictions(fold_id="final", partition="train")[0]
    replayed = nirs4all.predict(result, scans)
    np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)
    np.testing.assert_allclose(replayed.y_proba, stored.y_proba, rtol=0, atol=0)


def test_a_chain_without_a_reshape_replays_its_input_unchanged() -> None:
    class Chain:
        steps = ()

    X = (np.zeros((3, 2)),)
    axes = ((np.arange(2.0), "nm"),)
    assert replay_reshape(Chain(), dict.__getitem__, X, axes, None) == (X, axes, None)
    assert reshaped_rows(Chain(), dict.__getitem__, None, 3) is None


def test_replay_checks_the_metadata_rows() -> None:
    class Step:
        kind, artifacts = "rep_reshape", {"final": "k"}

    class Chain:
        steps = (Step(),)

    plan = {"mode": "pp", "column": "id", "unequal": "error", "reps": 2}
    with pytest.raises(ReplayError, match="'id' has 2 rows; the spectra have 4"):
        replay_reshape(Chain(), {"k": plan}.__getitem__, (np.zeros((4, 2)),),
                       ((np.arange(2.0), "nm"),), {"id": np.array(["a", "b"])})
    X, axes, meta = replay_reshape(Chain(), {"k": plan}.__getitem__,
                                   (np.arange(8.0).reshape(4, 2),), ((np.arange(2.0), "nm"),),
                                   {"id": np.array(["a", "b", "a", "b"])})
    np.testing.assert_array_equal(X[0], [[0, 1, 4, 5], [2, 3, 6, 7]])
    assert axes[0][1] == "index"
    assert meta["id"].tolist() == ["a", "b"]


def test_scans_disagreeing_on_their_target_are_refused() -> None:
    scans = _scans([2, 2])
    y = np.asarray(scans.y, dtype=float).copy()
    y[0] += 1.0
    bad = SpectroDataset(scans.sources, y, metadata=scans.metadata, repetition="id")
    with pytest.raises(DatasetConfigError, match="different target values"):
        reshape_repetitions(bad)


def test_fine_tuning_trials_of_a_reshaped_chain_are_stored_under_the_runs_dataset(tmp_path):
    pytest.importorskip("optuna")
    import nirs4all.workspace

    data = _scans([2] * 24)
    pipeline = [{"rep_to_pp": True}, KFold(3),
                {"model": PLSRegression(), "finetune_params": {
                    "n_trials": 3, "model_params": {"n_components": [1, 4]}}}]
    result = nirs4all.run(pipeline, data, random_state=0, verbose=0, workspace=tmp_path)
    with nirs4all.workspace.open(tmp_path) as ws:
        stored = ws.trials(result.run_id, data.content_hash())
    # a resume looks its trials up by the dataset the run was given, not the reshaped one
    assert len(stored) == 3
    rerun = nirs4all.run(pipeline, data, random_state=0, verbose=0, workspace=tmp_path)
    assert rerun.stats["fits"] == 0
