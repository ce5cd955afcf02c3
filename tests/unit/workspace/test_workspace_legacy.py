"""Import of nirs4all 0.x workspaces: quirks normalized, reported, nothing lost or modified."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest
from legacy_factories import build_legacy_workspace, tree_digest

import nirs4all.workspace
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.pipeline.folds import is_fold_key
from nirs4all.workspace import LegacyImportError, UntrustedArtifactError, migrate_legacy
from nirs4all.workspace._legacy_read import legacy_id
from nirs4all.workspace.legacy import REPORT_FILE


@pytest.fixture
def legacy(tmp_path):
    old = tmp_path / "old"
    facts = build_legacy_workspace(old)
    return old, facts


def _rows(ws, query: str, params=None) -> list[dict]:
    return ws.sql(query, params).to_pylist()


def test_old_workspace_is_left_byte_for_byte_untouched(legacy, tmp_path):
    old, _ = legacy
    before = tree_digest(old)
    migrate_legacy(old, tmp_path / "new", trusted=True)
    assert tree_digest(old) == before


def test_report_counts_every_row_and_is_written_as_json(legacy, tmp_path):
    old, facts = legacy
    report = migrate_legacy(old, tmp_path / "new")
    saved = json.loads((tmp_path / "new" / REPORT_FILE).read_text())
    assert saved == json.loads(json.dumps(report.to_dict()))
    for table, counts in report.tables.items():
        assert counts["read"] == counts["written"] + counts["quarantined"], table
    assert report.tables["predictions"]["read"] == facts["n_predictions"]
    assert report.tables["predictions"]["quarantined"] == 2
    assert report.tables["runs"] == {"read": 2, "written": 2, "normalized": 1, "flagged": 0,
                                     "quarantined": 0}
    assert "predictions" in report.summary()
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        stored = _rows(ws, "SELECT report FROM legacy_imports")[0]["report"]
        quarantined = _rows(ws, "SELECT count(*) AS n FROM legacy_findings "
                                "WHERE kind = 'quarantined_row'")[0]["n"]
    assert json.loads(stored)["tables"] == report.tables
    # arrays travel inside the finding of their quarantined prediction
    assert quarantined == sum(c["quarantined"] for t, c in report.tables.items()
                              if t != "prediction_arrays")


def test_fold_ids_become_canonical_and_aggregates_stay_aggregates(legacy, tmp_path):
    old, _ = legacy
    migrate_legacy(old, tmp_path / "new")
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        folds = {r["fold_id"] for r in _rows(ws, "SELECT fold_id FROM predictions")}
        chain_folds = {f for r in _rows(ws, "SELECT fold_ids FROM chains") for f in r["fold_ids"]}
        aggregates = _rows(ws, "SELECT aggregate FROM legacy_aggregate_predictions")
        step_keys = {k for r in _rows(ws, "SELECT steps FROM chains")
                     for s in json.loads(r["steps"]) for k in s["artifacts"]}
    assert folds == {"0", "1", "final"}
    assert all(is_fold_key(k) for k in chain_folds | step_keys)
    assert sorted(r["aggregate"] for r in aggregates) == ["avg", "avg", "w_avg", "w_avg"]


def test_refit_rows_are_final_with_their_context_and_no_zero_validation_score(legacy, tmp_path):
    old, facts = legacy
    migrate_legacy(old, tmp_path / "new")
    refit = legacy_id("pipeline", facts["refit_pipeline"])
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        rows = _rows(ws, "SELECT fold_id, partition, refit_context, scores FROM predictions "
                         "WHERE pipeline_id = ? ORDER BY partition", [refit])
        phase = _rows(ws, "SELECT phase FROM pipelines WHERE pipeline_id = ?", [refit])
        chain = ws.resolve_chain({"pipeline_id": refit})
    assert [(r["fold_id"], r["partition"], r["refit_context"]) for r in rows] == [
        ("final", "test", "standalone"), ("final", "train", "standalone")]
    assert all(dict(r["scores"]) == {"rmse": 0.05} for r in rows)
    assert phase == [{"phase": "refit"}]
    assert chain.fold_ids == ("final",)


def test_refit_rows_of_stores_without_a_refit_column_are_inferred(tmp_path):
    old = tmp_path / "old"
    build_legacy_workspace(old, with_refit_column=False)
    report = migrate_legacy(old, tmp_path / "new")
    assert report.findings["inferred_refit"] == 4
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        rows = _rows(ws, "SELECT DISTINCT fold_id, refit_context FROM predictions "
                         "WHERE pipeline_id IN (SELECT pipeline_id FROM pipelines "
                         "WHERE phase = 'refit')")
    assert rows == [{"fold_id": "final", "refit_context": "standalone"}]


def test_dataset_hash_is_unknown_unless_the_dataset_is_given(legacy, tmp_path):
    old, facts = legacy
    migrate_legacy(old, tmp_path / "unknown")
    with nirs4all.workspace.open(tmp_path / "unknown", read_only=True) as ws:
        assert {r["dataset_hash"] for r in _rows(ws, "SELECT dataset_hash FROM pipelines")} \
            == {None}
        kept = {r["legacy_dataset_hash"] for r in _rows(
            ws, "SELECT legacy_dataset_hash FROM legacy_ids WHERE kind = 'pipeline'")}
    assert "0cc972" in kept
    assert len(kept) == 2
    corn = SpectroDataset(FeatureSource("x", facts["X"]), facts["X"].sum(axis=1), name="corn")
    migrate_legacy(old, tmp_path / "known", dataset=corn)
    with nirs4all.workspace.open(tmp_path / "known", read_only=True) as ws:
        hashes = {r["dataset_hash"] for r in _rows(ws, "SELECT dataset_hash FROM chains")}
        registered = _rows(ws, "SELECT dataset_hash, name FROM datasets")
    assert hashes == {corn.content_hash()}
    assert registered == [{"dataset_hash": corn.content_hash(), "name": "corn"}]


def test_logical_duplicates_and_id_collisions_are_reported_and_kept_apart(legacy, tmp_path):
    old, _ = legacy
    report = migrate_legacy(old, tmp_path / "new")
    assert report.findings["logical_duplicate"] == 7
    assert report.findings["artifact_id_collision"] > 0
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        links = _rows(ws, "SELECT legacy_id, related_id FROM legacy_findings "
                          "WHERE kind = 'logical_duplicate' ORDER BY legacy_id")
        pipelines = _rows(ws, "SELECT count(DISTINCT pipeline_id) AS n FROM predictions")
    assert {"legacy_id": "1-v0", "related_id": "0-v0"} in links
    assert pipelines == [{"n": 4}]


def test_artifacts_are_re_addressed_by_the_sha256_of_their_bytes(legacy, tmp_path):
    old, facts = legacy
    report = migrate_legacy(old, tmp_path / "new")
    assert report.findings["file_without_row"] == 1
    assert report.findings["unverified_artifact_reference"] == 2
    with nirs4all.workspace.open(tmp_path / "new") as ws:
        assert ws.verify_artifacts() == []
        formats = {r["format"] for r in _rows(ws, "SELECT format FROM artifacts")}
        chain = ws.resolve_chain({"pipeline_id": legacy_id("pipeline", facts["cv_pipeline"])})
        model_id = chain.steps[-1].artifacts["0"]
        with pytest.raises(UntrustedArtifactError, match="joblib"):
            ws.load_artifact(model_id)
        model = ws.load_artifact(model_id, trusted=True)
    assert formats == {"joblib"}
    X = facts["scaler"].transform(facts["X"])
    np.testing.assert_array_equal(model.predict(X), facts["models"][0].predict(X))


def test_trusted_import_converts_joblib_to_skops_loadable_without_trust(legacy, tmp_path):
    old, facts = legacy
    report = migrate_legacy(old, tmp_path / "new", trusted=True)
    assert report.tables["artifacts"]["normalized"] == 4
    with nirs4all.workspace.open(tmp_path / "new") as ws:
        assert {r["format"] for r in _rows(ws, "SELECT format FROM artifacts")} == {"skops"}
        chain = ws.resolve_chain({"pipeline_id": legacy_id("pipeline", facts["cv_pipeline"])})
        scaler = ws.load_artifact(chain.steps[0].artifacts["0"])
        model = ws.load_artifact(chain.steps[-1].artifacts["1"])
    X = scaler.transform(facts["X"])
    np.testing.assert_array_equal(model.predict(X), facts["models"][1].predict(X))


def test_import_refuses_a_missing_store_or_a_used_target(legacy, tmp_path):
    old, _ = legacy
    with pytest.raises(LegacyImportError, match=r"no 0\.x store"):
        migrate_legacy(tmp_path / "nothing", tmp_path / "new")
    with pytest.raises(LegacyImportError, match="another folder"):
        migrate_legacy(old, old)
    migrate_legacy(old, tmp_path / "new")
    with pytest.raises(LegacyImportError, match="already holds runs"):
        migrate_legacy(old, tmp_path / "new")


def test_imported_runs_are_queryable_like_native_ones(legacy, tmp_path):
    old, _ = legacy
    migrate_legacy(old, tmp_path / "new")
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        runs = ws.runs().to_pylist()
        top = ws.top(2).to_pylist()
        records = ws.prediction_records(fold_id="0", partition="val")
    assert sorted(r["status"] for r in runs) == ["completed", "interrupted"]
    assert [r["cv_score"] for r in top] == [pytest.approx(0.1581138830084)] * 2
    assert all(np.all(r.sample_ids == -1) for r in records)


def test_a_store_without_the_0x_tables_is_not_imported(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    con = duckdb.connect(str(old / "store.duckdb"))
    con.execute("CREATE TABLE runs (run_id VARCHAR, name VARCHAR)")
    con.close()
    with pytest.raises(LegacyImportError, match="no 'pipelines' table"):
        migrate_legacy(old, tmp_path / "new")
    con = duckdb.connect(str(old / "store.duckdb"))
    con.execute("CREATE TABLE pipelines (pipeline_id VARCHAR)")
    con.close()
    with pytest.raises(LegacyImportError, match="lacks columns"):
        migrate_legacy(old, tmp_path / "new2")


def test_artifact_paths_outside_the_artifacts_folder_are_never_read(legacy, tmp_path):
    old, _ = legacy
    (tmp_path / "secret.joblib").write_bytes(b"not yours")
    con = duckdb.connect(str(old / "store.duckdb"))
    con.execute("INSERT INTO artifacts (artifact_id, artifact_path, content_hash) VALUES "
                "('escape', '../../secret.joblib', 'sha256:00')")
    con.close()
    migrate_legacy(old, tmp_path / "new")
    with nirs4all.workspace.open(tmp_path / "new", read_only=True) as ws:
        reasons = [json.loads(r["detail"])["reason"] for r in _rows(
            ws, "SELECT detail FROM legacy_findings WHERE legacy_id = 'escape'")]
    assert reasons == ["path outside artifacts/"]
