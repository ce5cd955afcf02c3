"""The one write path: whole outcomes in one transaction, idempotent, never overwriting."""

from __future__ import annotations

import dataclasses
import json

import duckdb
import numpy as np
import pytest
from store_factories import make_dataset, make_outcome, sha

import nirs4all.workspace
from nirs4all.pipeline.folds import FoldKeyError
from nirs4all.pipeline.records import PredictionRecord
from nirs4all.workspace import (
    ArtifactIntegrityError,
    DuplicateKeyError,
    IdentityConflictError,
    PredictionConflictError,
    WorkspaceError,
)
from nirs4all.workspace.serialization import serialize_artifact


def _count(ws, table: str) -> int:
    return ws._writable().table(table).aggregate("count(*)").fetchall()[0][0]


def _assert_same_record(stored: PredictionRecord, original: PredictionRecord) -> None:
    assert stored.natural_key == original.natural_key
    assert stored.refit_context == original.refit_context
    assert stored.scores == original.scores
    for name in ("sample_ids", "y_true", "y_pred", "y_proba", "classes"):
        a, b = getattr(stored, name), getattr(original, name)
        if b is None:
            assert a is None
            continue
        assert a.dtype == b.dtype, name
        assert a.shape == b.shape, name
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("classification", [False, True], ids=["regression", "labels"])
def test_persisted_predictions_come_back_bit_for_bit(tmp_path, classification):
    dataset = make_dataset(classification=classification)
    outcome = make_outcome(dataset, with_final=True)
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        run_id = ws.begin_run("r", spec_json="{}", datasets=[dataset], seed=0)
        result = ws.persist(run_id, outcome)
        stored = {r.natural_key: r for r in ws.prediction_records()}
    assert result.predictions_written == len(outcome.predictions) == len(stored)
    for original in outcome.predictions:
        _assert_same_record(stored[original.natural_key], original)


def test_rerun_of_the_same_outcome_writes_no_new_rows(ws, run_id, dataset):
    outcome = make_outcome(dataset, with_final=True)
    first = ws.persist(run_id, outcome)
    counts = {t: _count(ws, t) for t in ("pipelines", "chains", "predictions", "artifacts")}
    again = ws.persist(run_id, make_outcome(dataset, with_final=True))
    assert first.predictions_written == len(outcome.predictions)
    assert again.predictions_written == 0
    assert again.predictions_existing == len(outcome.predictions)
    assert again.pipelines_written == again.chains_written == again.artifacts_written == 0
    assert {t: _count(ws, t) for t in counts} == counts


def test_cv_pass_then_refit_pass_merge_into_one_chain(ws, run_id, dataset):
    ws.persist(run_id, make_outcome(dataset))
    result = ws.persist(run_id, make_outcome(dataset, phase="refit"))
    assert result.chains_merged == 1
    chain = ws.chains().to_pylist()[0]
    assert chain["fold_ids"] == ["0", "1", "2", "final"]
    assert chain["test_score"] is not None
    assert chain["cv_score"] is not None
    assert set(ws.pipelines(run_id).column("phase").to_pylist()) == {"cv", "refit"}
    record = ws.resolve_chain(chain["chain_id"])
    assert list(record.steps[2].artifacts) == ["0", "1", "2", "final"]


def test_batch_with_a_natural_key_twice_is_rejected_before_duckdb(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    twin = dataclasses.replace(outcome, phase="refit",
                               predictions=outcome.predictions[:1], chains=outcome.chains)
    with pytest.raises(DuplicateKeyError) as info:
        ws.persist(run_id, [outcome, twin])
    assert info.value.key == outcome.predictions[0].natural_key
    assert _count(ws, "predictions") == _count(ws, "pipelines") == _count(ws, "chains") == 0


def test_different_predictions_under_a_stored_key_are_an_error_not_an_overwrite(
        ws, run_id, dataset):
    outcome = make_outcome(dataset)
    ws.persist(run_id, outcome)
    first = outcome.predictions[0]
    changed = dataclasses.replace(first, y_pred=first.y_pred + 1e-9)
    other = dataclasses.replace(outcome, predictions=(changed, *outcome.predictions[1:]))
    with pytest.raises(PredictionConflictError, match="never overwritten"):
        ws.persist(run_id, other)
    stored = ws.prediction_records(chain_id=first.chain_id, fold_id=first.fold_id,
                                   partition=first.partition)
    np.testing.assert_array_equal(stored[0].y_pred, first.y_pred)


def test_chain_id_reused_for_another_dataset_is_an_identity_conflict(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    ws.persist(run_id, outcome)
    other = make_dataset(seed=1)
    ws.register_dataset(other)
    moved = dataclasses.replace(outcome, dataset_hash=other.content_hash())
    with pytest.raises(IdentityConflictError, match="unique per dataset"):
        ws.persist(run_id, moved)


def test_same_variant_on_two_datasets_is_stored_twice(ws, dataset):
    other = make_dataset(seed=1, name="other")
    run_id = ws.begin_run("two", spec_json="{}", datasets=[dataset, other], seed=0)
    ws.persist(run_id, [make_outcome(dataset), make_outcome(other)])
    pipelines = ws.pipelines(run_id).to_pylist()
    assert len({p["pipeline_id"] for p in pipelines}) == 1
    assert {p["dataset_hash"] for p in pipelines} == {dataset.content_hash(),
                                                      other.content_hash()}
    assert _count(ws, "chains") == 2


def test_failed_write_leaves_nothing_behind(ws, run_id, dataset, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr("nirs4all.workspace._persist._write_predictions", boom)
    with pytest.raises(RuntimeError, match="disk gone"):
        ws.persist(run_id, make_outcome(dataset))
    for table in ("pipelines", "chains", "predictions", "artifacts"):
        assert _count(ws, table) == 0, table


def test_non_canonical_fold_id_is_refused_before_the_database(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    bad = dataclasses.replace(outcome.predictions[0], fold_id="fold_0")
    with pytest.raises(FoldKeyError, match="fold_0"):
        ws.persist(run_id, dataclasses.replace(outcome, predictions=(bad,)))


def test_outcome_of_an_unregistered_dataset_or_unstarted_run_is_refused(ws, run_id, dataset):
    stranger = make_outcome(make_dataset(seed=7))
    with pytest.raises(WorkspaceError, match="not registered"):
        ws.persist(run_id, stranger)
    with pytest.raises(WorkspaceError, match="begin_run"):
        ws.persist(sha("no run"), make_outcome(dataset))
    ws.complete_run(run_id)
    with pytest.raises(WorkspaceError, match="is completed"):
        ws.persist(run_id, make_outcome(dataset))


def test_failed_pass_is_recorded_then_replaced_by_a_completed_one(ws, run_id, dataset):
    ws.persist(run_id, make_outcome(dataset, status="failed"))
    row = ws.pipelines(run_id).to_pylist()[0]
    assert (row["status"], row["error"]) == ("failed", "boom")
    ws.persist(run_id, make_outcome(dataset))
    row = ws.pipelines(run_id).to_pylist()[0]
    assert (row["status"], row["error"]) == ("completed", None)
    assert _count(ws, "pipelines") == 1


def test_shared_fitted_object_is_stored_once(ws, run_id, dataset):
    ws.persist(run_id, make_outcome(dataset, n_chains=2))
    chains = ws.chains().to_pylist()
    scalers = {c["chain_id"]: _steps(c)[0]["artifacts"]["0"] for c in chains}
    assert len(set(scalers.values())) == 1
    assert _count(ws, "artifacts") == len(set().union(*(c["artifact_ids"] for c in chains)))


def _steps(chain_row: dict) -> list[dict]:
    return json.loads(chain_row["steps"])


def test_database_check_refuses_a_non_canonical_fold_written_around_the_store(ws):
    with pytest.raises(duckdb.ConstraintException, match="CHECK"):
        ws._writable().execute(
            "INSERT INTO predictions (pipeline_id, chain_id, fold_id, partition, metric, "
            "scores, n_samples, sample_ids, array_meta, created_at) VALUES "
            "('p', 'c', 'fold_0', 'val', 'rmse', MAP {}, 0, [], '{}', now())")


def test_persisted_artifacts_load_back_under_the_allow_list(ws, run_id, dataset):
    outcome = make_outcome(dataset, with_final=True)
    ws.persist(run_id, outcome)
    chain = ws.resolve_chain(outcome.chains[0].chain_id)
    model = ws.load_artifact(chain.steps[2].artifacts["final"])
    X = dataset.x()
    expected = outcome.artifacts["model:0:final"].predict(
        outcome.artifacts["scaler"].transform(X))
    scaler = ws.load_artifact(chain.steps[0].artifacts["final"])
    np.testing.assert_array_equal(model.predict(scaler.transform(X)), expected)
    assert ws.verify_artifacts() == []


def test_rerun_with_nan_scores_and_nan_predictions_is_still_a_no_op(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    first = outcome.predictions[0]
    y_pred = first.y_pred.copy()
    y_pred[0] = np.nan
    odd = dataclasses.replace(first, y_pred=y_pred, scores={**first.scores, "r2": np.nan})
    outcome = dataclasses.replace(outcome, predictions=(odd, *outcome.predictions[1:]))
    ws.persist(run_id, outcome)
    again = ws.persist(run_id, outcome)
    assert (again.predictions_written, again.predictions_existing) == (0, 6)


def test_bytes_serialized_by_a_worker_are_stored_as_they_are(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    shipped = {key: serialize_artifact(obj, "joblib") for key, obj in outcome.artifacts.items()}
    ws.persist(run_id, dataclasses.replace(outcome, artifacts=shipped))
    formats = {r["format"] for r in ws.sql("SELECT format FROM artifacts").to_pylist()}
    chain = ws.resolve_chain(outcome.chains[0].chain_id)
    model = ws.load_artifact(chain.steps[2].artifacts["0"], trusted=True)
    assert formats == {"joblib"}
    np.testing.assert_array_equal(model.coef_, outcome.artifacts["model:0:0"].coef_)


def test_lifecycle_and_artifact_calls_name_what_is_missing(ws, run_id):
    with pytest.raises(WorkspaceError, match="no run"):
        ws.complete_run(sha("unknown"))
    ws.fail_run(run_id, "out of memory")
    row = ws.runs().to_pylist()[0]
    assert (row["status"], row["error"]) == ("failed", "out of memory")
    with pytest.raises(ValueError, match="64-hex"):
        ws.load_artifact("abc")
    with pytest.raises(ArtifactIntegrityError, match="no artifact"):
        ws.load_artifact(sha("nothing"))
    with pytest.raises(ValueError, match="spec_json must be JSON"):
        ws.begin_run("x", spec_json="not json", datasets=[], seed=0)
    with pytest.raises(ValueError, match="artifact_format"):
        nirs4all.workspace.open(ws.path, artifact_format="yaml")
    ws.close()
    with pytest.raises(WorkspaceError, match="closed"):
        ws.runs()
