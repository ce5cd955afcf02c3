"""Workspace.delete_run and `nirs4all workspace runs --delete`: no orphans, others intact."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import nirs4all
import nirs4all.workspace
from nirs4all.cli import EXIT_BAD_INPUT, EXIT_OK, main
from nirs4all.operators.transforms import SNV, Detrend
from nirs4all.workspace import RunNotFoundError

ORPHANS = ("SELECT count(*) AS n FROM {table} AS t WHERE NOT EXISTS (SELECT 1 FROM pipelines "
           "AS p WHERE p.pipeline_id = t.pipeline_id AND p.dataset_hash IS NOT DISTINCT FROM "
           "t.dataset_hash)")


def _count(ws, sql: str) -> int:
    return ws.sql(sql).to_pylist()[0]["n"]


def _artifact_bytes(path) -> int:
    return sum(p.stat().st_size for p in (path / "artifacts").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(50, random_state=2)


def _run(dataset, steps, path, name):
    return nirs4all.run([*steps, KFold(3), Ridge(alpha=1.0)], dataset, random_state=0,
                        verbose=0, workspace=path, name=name)


def test_deleting_a_run_removes_its_rows_and_files_and_keeps_the_other_replayable(
        dataset, tmp_path) -> None:
    path = tmp_path / "ws"
    gone = _run(dataset, [Detrend(), StandardScaler()], path, "gone")
    kept = _run(dataset, [SNV()], path, "kept")
    before = _artifact_bytes(path)
    with nirs4all.workspace.open(path) as ws:
        report = ws.delete_run(gone.run_id)
        assert _count(ws, "SELECT count(*) AS n FROM runs") == 1
        assert [r["run_id"] for r in ws.runs().to_pylist()] == [kept.run_id]
        for table in ("chains", "predictions"):
            assert _count(ws, ORPHANS.format(table=table)) == 0, table
        assert _count(ws, "SELECT count(*) AS n FROM artifacts WHERE artifact_id NOT IN "
                          "(SELECT DISTINCT unnest(artifact_ids) FROM chains)") == 0
        assert ws.verify_artifacts() == []
    assert report.run_id == gone.run_id
    assert report.chains_removed == len(gone.chains)
    assert report.predictions_removed == len(gone.predictions())
    assert report.pipelines_removed >= 1
    assert report.files_removed == report.artifacts_removed > 0
    assert report.bytes_freed == before - _artifact_bytes(path) > 0
    again = nirs4all.predict(kept.best.chain_id, dataset.test, workspace=path)
    np.testing.assert_array_equal(
        np.asarray(again.y_pred).ravel(),
        np.asarray(kept.predict(dataset.test).y_pred).ravel())


def test_chains_another_run_also_produced_survive_the_deletion(dataset, tmp_path) -> None:
    path = tmp_path / "ws"
    first = _run(dataset, [SNV()], path, "first")
    both = nirs4all.run([{"_or_": [SNV(), Detrend()]}, KFold(3), Ridge(alpha=1.0)], dataset,
                        random_state=0, verbose=0, workspace=path, name="both")
    shared = first.best.chain_id
    assert shared in {c.chain_id for c in both.chains}
    with nirs4all.workspace.open(path) as ws:
        report = ws.delete_run(first.run_id)
        assert ws.resolve_chain(shared).chain_id == shared
        for table in ("chains", "predictions"):
            assert _count(ws, ORPHANS.format(table=table)) == 0, table
    assert report.chains_removed == report.predictions_removed == report.files_removed == 0
    assert len(nirs4all.predict(shared, dataset.test, workspace=path)) == dataset.test.n_samples


def test_an_unknown_run_is_refused_and_changes_nothing(dataset, tmp_path) -> None:
    path = tmp_path / "ws"
    _run(dataset, [SNV()], path, "only")
    with nirs4all.workspace.open(path) as ws:
        with pytest.raises(RunNotFoundError, match="workspace runs"):
            ws.delete_run("0" * 64)
        assert _count(ws, "SELECT count(*) AS n FROM runs") == 1
        assert _count(ws, "SELECT count(*) AS n FROM predictions") > 0


def test_cli_runs_delete_reports_what_it_removed(dataset, tmp_path, capsys) -> None:
    path = tmp_path / "ws"
    result = _run(dataset, [SNV()], path, "cli")
    assert main(["workspace", "runs", str(path), "--delete", result.run_id, "--json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert report["run_id"] == result.run_id
    assert report["bytes_freed"] > 0
    assert main(["workspace", "runs", str(path), "--delete", result.run_id]) == EXIT_BAD_INPUT
    assert "no run" in capsys.readouterr().err
