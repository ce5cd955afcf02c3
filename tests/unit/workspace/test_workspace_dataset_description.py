"""The dataset's description (targets, classes, wavelength axes) is stored once, in `datasets`.

Export reads it from there; pipeline passes no longer carry a copy of the axes; stores older
than migration 0005 are filled from what they hold.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.workspace.bundle import read_bundle
from nirs4all.workspace.migrate import available_migrations
from nirs4all.workspace.schema import STORE_FILE


def _spectra(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)), np.linspace(1100.0, 2400.0, p)


def _dataset(y: np.ndarray, X: np.ndarray, axis: np.ndarray, **kwargs) -> SpectroDataset:
    n = X.shape[0]
    partition = np.array(["train"] * (n - 10) + ["test"] * 10)
    return SpectroDataset(FeatureSource("nir", X, wavelengths=axis, unit="nm"), y,
                          partition=partition, **kwargs)


def _export(tmp_path: Path, pipeline: list, dataset: SpectroDataset) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = nirs4all.run(pipeline, dataset, random_state=0, verbose=0,
                              workspace=tmp_path / "ws")
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        bundle = ws.export(result.best.chain_id, tmp_path / "best.n4a")
    return read_bundle(bundle).manifest


def test_multi_target_export_takes_the_targets_from_the_dataset_row(tmp_path):
    X, axis = _spectra(60, 12, 0)
    y = np.column_stack([X[:, 0] + X[:, 1], X[:, 2] - X[:, 3]])
    dataset = _dataset(y, X, axis, target_names=["protein", "moisture"], name="two")
    manifest = _export(tmp_path, [KFold(3), PLSRegression(2)], dataset)
    assert manifest["n_targets"] == 2
    assert manifest["target_names"] == ["protein", "moisture"]
    assert manifest["sources"] == [{"name": "nir", "unit": "nm", "wavelengths": axis.tolist()}]


def test_classification_export_keeps_integer_class_labels(tmp_path):
    X, axis = _spectra(60, 8, 1)
    y = np.digitize(X[:, 0], [-0.5, 0.5])  # 0, 1, 2
    dataset = _dataset(y, X, axis, task="multiclass", name="three")
    manifest = _export(tmp_path, [KFold(3), LogisticRegression()], dataset)
    assert manifest["task"] == "multiclass"
    assert manifest["classes"] == [0, 1, 2]
    assert manifest["n_targets"] == 1
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        row = ws.sql("SELECT classes, n_targets FROM datasets").to_pylist()
    assert [json.loads(r["classes"]) for r in row] == [[0, 1, 2]]


def test_classes_missing_from_an_older_row_are_read_from_the_final_predictions(tmp_path):
    X, axis = _spectra(60, 8, 1)
    dataset = _dataset(np.digitize(X[:, 0], [-0.5, 0.5]), X, axis, task="multiclass")
    _export(tmp_path, [KFold(3), LogisticRegression()], dataset)
    con = duckdb.connect(str(tmp_path / "ws" / STORE_FILE))
    con.execute("UPDATE datasets SET classes = NULL, n_targets = NULL")  # as 0005 may leave it
    con.close()
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        chain = ws.top(1).to_pylist()[0]["chain_id"]
        bundle = ws.export(chain, tmp_path / "again.n4a")
    manifest = read_bundle(bundle).manifest
    assert manifest["classes"] == [0, 1, 2]
    assert manifest["n_targets"] == 1


def test_a_pipeline_pass_no_longer_carries_a_copy_of_the_axes(ws, dataset, run_id):
    from store_factories import make_outcome

    ws.persist(run_id, make_outcome(dataset))
    columns = ws.sql("SELECT column_name FROM duckdb_columns() WHERE table_name = 'pipelines'"
                     ).column("column_name").to_pylist()
    assert "wavelengths" not in columns
    row = ws.sql("SELECT n_targets, classes, wavelengths FROM datasets").to_pylist()[0]
    assert row["n_targets"] == 1
    assert row["classes"] is None
    assert row["wavelengths"] == [{"source": "nir", "unit": "nm",
                                   "axis": dataset.sources[0].wavelengths.tolist()}]


def _version_4_store(folder: Path) -> None:
    """A store as 0004 left it: the axes on the pipeline pass, classes on predictions."""
    folder.mkdir()
    con = duckdb.connect(str(folder / STORE_FILE))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR "
                "NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, "
                "nirs4all_version VARCHAR NOT NULL, duckdb_version VARCHAR NOT NULL)")
    for migration in available_migrations()[:4]:
        con.execute(migration.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, now(), '0.8.0', ?)",
                    [migration.version, migration.name, migration.checksum,
                     duckdb.__version__])
    hashes = {"classified": "a" * 64, "regressed": "b" * 64, "imported": "c" * 64}
    for name, task, targets in (("classified", "multiclass", ["y"]),
                                ("regressed", "regression", ["a", "b"]),
                                ("imported", "regression", ["y"])):
        con.execute("INSERT INTO datasets VALUES (?, ?, ?, 10, 8, 2, ?, [], now())",
                    [hashes[name], name, task, targets])
    for name, axis in (("classified", [1000.0, 1500.0]), ("regressed", [900.0]),
                       ("imported", None)):
        con.execute(
            "INSERT INTO pipelines VALUES (repeat('d', 64), ?, ?, 'cv', 'p', '{}', "
            "'[]', 0, 'completed', NULL, 0.1, ?, 0, 0, now())",
            ["e" * 64, hashes[name],
             [] if axis is None else [{"source": "nir", "unit": "nm", "axis": axis}]])
    con.execute(
        "INSERT INTO predictions (pipeline_id, chain_id, fold_id, partition, dataset_hash, "
        "metric, scores, n_samples, classes, array_meta, created_at) VALUES "
        "(?, ?, '0', 'val', ?, 'accuracy', MAP {}, 0, ['0', '2', '5'], "
        "'{\"classes\": {\"dtype\": \"<i8\", \"shape\": []}}', now())",
        ["e" * 64, "f" * 64, hashes["classified"]])
    con.close()


def test_an_older_store_fills_the_description_from_its_rows(tmp_path):
    _version_4_store(tmp_path / "old")
    with nirs4all.workspace.open(tmp_path / "old") as ws:
        rows = {r["name"]: r for r in ws.sql(
            "SELECT name, n_targets, classes, wavelengths FROM datasets").to_pylist()}
        columns = ws.sql("SELECT column_name FROM duckdb_columns() "
                         "WHERE table_name = 'pipelines'").column("column_name").to_pylist()
        indexes = ws.sql("SELECT index_name FROM duckdb_indexes()").column(
            "index_name").to_pylist()
    assert json.loads(rows["classified"]["classes"]) == [0, 2, 5]
    assert rows["classified"]["wavelengths"] == [{"source": "nir", "unit": "nm",
                                                  "axis": [1000.0, 1500.0]}]
    assert rows["regressed"]["n_targets"] == 2
    assert rows["regressed"]["classes"] is None
    assert rows["imported"]["wavelengths"] is None  # no pass recorded an axis: NULL
    assert "wavelengths" not in columns
    assert "pipelines_by_pipeline" in indexes


@pytest.mark.parametrize("dtype", ["<f8", "|b1", "<U4"])
def test_class_labels_of_older_stores_keep_their_type(tmp_path, dtype):
    _version_4_store(tmp_path / "old")
    labels = {"<f8": ["0.5", "1.5"], "|b1": ["False", "True"], "<U4": ["high", "low"]}[dtype]
    con = duckdb.connect(str(tmp_path / "old" / STORE_FILE))
    con.execute("UPDATE predictions SET classes = ?, array_meta = ?",
                [labels, json.dumps({"classes": {"dtype": dtype, "shape": []}})])
    con.close()
    with nirs4all.workspace.open(tmp_path / "old") as ws:
        stored = ws.sql("SELECT classes FROM datasets WHERE name = 'classified'").to_pylist()
    expected = {"<f8": [0.5, 1.5], "|b1": [False, True], "<U4": ["high", "low"]}[dtype]
    assert json.loads(stored[0]["classes"]) == expected
