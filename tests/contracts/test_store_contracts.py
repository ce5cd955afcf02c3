"""Contracts 1-4, 8 and 10 as the workspace store keeps them (issue 5, "Done when")."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

import nirs4all.workspace
from nirs4all.pipeline.folds import FoldKeyError
from nirs4all.workspace import (
    ArtifactIntegrityError,
    DuplicateKeyError,
    WorkspaceError,
    WorkspaceLockedError,
    migrate_legacy,
)

_HELPERS = Path(__file__).resolve().parents[1] / "unit" / "workspace"


def _helper(name: str):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _HELPERS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


f = _helper("store_factories")


@pytest.fixture
def dataset():
    return f.make_dataset()


@pytest.fixture
def ws(tmp_path):
    with nirs4all.workspace.open(tmp_path / "ws") as workspace:
        yield workspace


@pytest.fixture
def run_id(ws, dataset):
    return ws.begin_run("contract", spec_json=f.spec_json(1), datasets=[dataset], seed=0)


def _one(ws, query: str, params=None):
    return next(iter(ws.sql(query, params).to_pylist()[0].values()))


def test_dataset_hash_is_the_dataset_content_hash_never_a_pipeline_hash(ws, run_id, dataset):
    outcome = f.make_outcome(dataset, with_final=True)
    ws.persist(run_id, outcome)
    content = dataset.content_hash()
    for table in ("pipelines", "chains", "predictions"):
        hashes = {h for (h,) in ws._writable().table(table).select("dataset_hash").fetchall()}
        assert hashes == {content}, table
    assert _one(ws, "SELECT name FROM datasets WHERE dataset_hash = ?", [content]) == "tiny"
    assert outcome.pipeline_id != content
    with pytest.raises(WorkspaceError, match="not registered"):
        ws.persist(run_id, dataclasses.replace(outcome, dataset_hash=outcome.pipeline_id))


def test_fold_keys_round_trip_canonical_and_others_are_refused(ws, run_id, dataset):
    outcome = f.make_outcome(dataset, with_final=True)
    ws.persist(run_id, outcome)
    stored = {(r.fold_id, r.partition) for r in ws.prediction_records()}
    assert stored == {(p.fold_id, p.partition) for p in outcome.predictions}
    assert {fold for fold, _ in stored} == {"0", "1", "2", "final"}
    chain = ws.resolve_chain(outcome.chains[0].chain_id)
    assert chain.fold_ids == ("0", "1", "2", "final")
    assert all(list(step.artifacts) in ([], ["0", "1", "2", "final"]) for step in chain.steps)
    record = outcome.predictions[0]
    with pytest.raises(FoldKeyError):
        ws.persist(run_id, dataclasses.replace(
            outcome, predictions=(dataclasses.replace(record, fold_id="fold_0"),)))
    for spelling in ("01", "fold_0", "", "avg", "w_avg", "fold_final"):
        with pytest.raises(duckdb.ConstraintException):
            ws._writable().execute(
                "INSERT INTO predictions (pipeline_id, chain_id, fold_id, partition, metric, "
                "scores, n_samples, sample_ids, array_meta, created_at) VALUES "
                "('p', 'c', ?, 'val', 'rmse', MAP {}, 0, [], '{}', now())", [spelling])


def test_refit_labels_are_persisted_exactly_as_the_records_say(ws, run_id, dataset):
    cv = f.make_outcome(dataset, variant=0)
    refit = f.make_outcome(dataset, variant=0, phase="refit")
    stacking = f.make_outcome(dataset, variant=1, phase="refit")
    stacking = dataclasses.replace(stacking, predictions=tuple(
        dataclasses.replace(p, refit_context="stacking") for p in stacking.predictions))
    ws.persist(run_id, [cv, refit, stacking])
    rows = ws.predictions().to_pylist()
    expected = {p.natural_key: p.refit_context
                for o in (cv, refit, stacking) for p in o.predictions}
    assert {(r["pipeline_id"], r["chain_id"], r["fold_id"], r["partition"]):
            r["refit_context"] for r in rows} == expected
    assert {r["refit_context"] for r in rows if r["fold_id"] != "final"} == {None}
    assert _one(ws, "SELECT max(n_folds) FROM chain_cv_scores") == 3


def test_rerunning_the_same_run_writes_zero_new_rows(tmp_path, dataset):
    outcomes = [f.make_outcome(dataset, variant=v, with_final=True) for v in range(2)]

    def run() -> tuple[str, list[int]]:
        with nirs4all.workspace.open(tmp_path / "ws") as ws:
            run_id = ws.begin_run("r", spec_json=f.spec_json(2), datasets=[dataset], seed=0)
            written = [ws.persist(run_id, o).predictions_written for o in outcomes]
            ws.complete_run(run_id)
            return run_id, written

    first_id, first = run()
    second_id, second = run()
    assert first_id == second_id
    assert first == [len(o.predictions) for o in outcomes]
    assert second == [0, 0]
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.predictions().num_rows == sum(first)


def test_a_batch_holding_a_natural_key_twice_is_rejected_whole(ws, run_id, dataset):
    outcome = f.make_outcome(dataset)
    copy = dataclasses.replace(outcome, phase="refit")
    with pytest.raises(DuplicateKeyError):
        ws.persist(run_id, [outcome, copy])
    assert _one(ws, "SELECT count(*) FROM predictions") == 0


def test_tampered_artifact_is_detected_refused_and_repaired_on_reuse(ws, run_id, dataset):
    outcome = f.make_outcome(dataset, with_final=True)
    ws.persist(run_id, outcome)
    chain = ws.resolve_chain(outcome.chains[0].chain_id)
    artifact_id = chain.steps[2].artifacts["final"]
    path = ws.files.path(artifact_id, "skops")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert ws.verify_artifacts() == [artifact_id]
    with pytest.raises(ArtifactIntegrityError):
        ws.load_artifact(artifact_id)
    result = ws.persist(run_id, f.make_outcome(dataset, with_final=True))
    assert result.artifacts_repaired == 1
    assert ws.verify_artifacts() == []
    model = ws.load_artifact(artifact_id)
    np.testing.assert_array_equal(model.coef_, outcome.artifacts["model:0:final"].coef_)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_second_writer_gets_a_typed_error_naming_the_holder(tmp_path):
    with nirs4all.workspace.open(tmp_path / "ws"):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: report and leave without returning into pytest
            try:
                nirs4all.workspace.open(tmp_path / "ws").close()
                os.write(write_fd, b"opened")
            except WorkspaceLockedError as exc:
                os.write(write_fd, json.dumps({"pid": exc.pid}).encode())
            finally:
                os._exit(0)
        os.close(write_fd)
        answer = os.read(read_fd, 1024)
        os.waitpid(pid, 0)
    assert json.loads(answer) == {"pid": os.getpid()}


def test_legacy_workspace_migrates_with_its_report(tmp_path):
    legacy = _helper("legacy_factories")
    old = tmp_path / "old"
    legacy.build_legacy_workspace(old)
    before = legacy.tree_digest(old)
    report = migrate_legacy(old, tmp_path / "new")
    assert legacy.tree_digest(old) == before
    saved = json.loads((tmp_path / "new" / "migration-report.json").read_text())
    assert set(saved["tables"]) == {"runs", "pipelines", "chains", "predictions",
                                    "prediction_arrays", "artifacts", "logs"}
    for counts in saved["tables"].values():
        assert set(counts) == {"read", "written", "normalized", "flagged", "quarantined"}
        assert counts["read"] == counts["written"] + counts["quarantined"]
    assert report.findings["logical_duplicate"] > 0
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        assert {r["fold_id"] for r in ws.predictions().to_pylist()} <= {"0", "1", "final"}
        assert ws.verify_artifacts() == []
