"""A retrained run records in the store which run, chain or bundle it came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.api.retrain import retrain
from nirs4all.operators.transforms import SNV
from nirs4all.workspace.errors import WorkspaceError

LINEAGE = "parent_chain_id, parent_run_id, parent_bundle, parent_bundle_sha256, retrain_mode"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("source")
    dataset = nirs4all.generate(70, random_state=0)
    result = nirs4all.run([SNV(), KFold(3), PLSRegression(4)], dataset, random_state=0,
                          verbose=0, workspace=folder / "ws")
    return result, result.export(folder / "model.n4a")


def _lineage(folder: Path, run_id: str) -> dict:
    with nirs4all.workspace.open(folder, read_only=True) as ws:
        rows = ws.sql(f"SELECT {LINEAGE} FROM runs WHERE run_id = ?", [run_id]).to_pylist()  # noqa: S608
    assert len(rows) == 1
    return rows[0]


def test_a_retrain_from_a_stored_run_records_the_run_and_the_chain(source, tmp_path):
    result, _ = source
    new = nirs4all.generate(60, random_state=4)
    again = retrain(result, new, mode="full", workspace=tmp_path / "ws")
    assert _lineage(tmp_path / "ws", again.run_id) == {
        "parent_chain_id": result.best.chain_id, "parent_run_id": result.run_id,
        "parent_bundle": None, "parent_bundle_sha256": None, "retrain_mode": "full"}
    assert again.stats["parent_run_id"] == result.run_id


def test_a_retrain_from_a_bundle_records_its_path_and_hash(source, tmp_path):
    result, bundle = source
    new = nirs4all.generate(60, random_state=4)
    moved = retrain(bundle, new, mode="transfer", workspace=tmp_path / "ws")
    lineage = _lineage(tmp_path / "ws", moved.run_id)
    assert lineage == {
        "parent_chain_id": result.best.chain_id, "parent_run_id": None,
        "parent_bundle": str(Path(bundle).resolve()),
        "parent_bundle_sha256": hashlib.sha256(Path(bundle).read_bytes()).hexdigest(),
        "retrain_mode": "transfer"}


def test_running_the_same_retrain_again_keeps_one_run_and_its_lineage(source, tmp_path):
    result, _ = source
    new = nirs4all.generate(60, random_state=4)
    first = retrain(result, new, workspace=tmp_path / "ws")
    second = retrain(result, new, workspace=tmp_path / "ws")
    assert second.run_id == first.run_id
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.runs().num_rows == 1
    assert _lineage(tmp_path / "ws", first.run_id)["parent_run_id"] == result.run_id


def test_an_in_memory_retrain_keeps_its_lineage_in_stats_only(source, tmp_path,
                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    result, _ = source
    again = retrain(result, nirs4all.generate(60, random_state=4), workspace=None)
    assert again.workspace is None
    assert again.stats["parent_chain_id"] == result.best.chain_id
    assert again.stats["retrain_mode"] == "full"
    assert list(tmp_path.iterdir()) == []


def test_record_lineage_refuses_unknown_fields_and_runs(tmp_path):
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        with pytest.raises(ValueError, match="unknown lineage fields"):
            ws.record_lineage("a" * 64, parent="x")
        with pytest.raises(WorkspaceError, match="no run"):
            ws.record_lineage("a" * 64, retrain_mode="full")
