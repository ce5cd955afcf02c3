"""Numbered migrations: applied in order, checksummed, refused when newer, snapshot-checked.

Regenerate the schema snapshot after adding a migration with
``python tests/unit/workspace/test_workspace_migrations.py``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import duckdb
import pytest
from legacy_factories import build_legacy_workspace

import nirs4all.workspace
from nirs4all.workspace import WorkspaceVersionError
from nirs4all.workspace.migrate import (
    _BOOTSTRAP,
    MIGRATIONS_FOLDER,
    MIGRATIONS_PACKAGE,
    Migration,
    available_migrations,
    migrate,
    schema_version,
)
from nirs4all.workspace.schema import STORE_FILE, dump_schema

SNAPSHOT = Path(__file__).with_name("schema_snapshot.txt")
REPO = Path(__file__).resolve().parents[3]


def _fresh_schema() -> str:
    con = duckdb.connect()
    migrate(con, ":memory:")
    return dump_schema(con)


def test_live_schema_matches_the_checked_in_snapshot():
    assert _fresh_schema() == SNAPSHOT.read_text(encoding="utf-8"), (
        "the schema changed: add a numbered migration for it, then regenerate the snapshot "
        "with `python tests/unit/workspace/test_workspace_migrations.py`")


def test_migrations_ship_as_package_data_numbered_without_gaps():
    folder = resources.files(MIGRATIONS_PACKAGE).joinpath(MIGRATIONS_FOLDER)
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".sql"))
    assert names == ["0001_initial.sql", "0002_legacy_import.sql", "0003_run_stats.sql",
                     "0004_run_lineage.sql", "0005_dataset_description.sql",
                     "0006_tuning_failures_trials.sql", "0007_sample_flags.sql",
                     "0008_sample_flags_branch_path.sql",
                     "0009_trial_intermediate_values.sql"]
    assert [m.version for m in available_migrations()] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert schema_version() == 9
    assert "nirs4all/workspace/migrations" in (REPO / "migrations" / "README.md").read_text()


def test_new_store_records_each_migration_with_checksum_and_versions(tmp_path):
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        rows = ws.sql("SELECT version, name, checksum, duckdb_version FROM schema_migrations "
                      "ORDER BY version").to_pylist()
        info = {r["key"]: r["value"] for r in ws.sql("SELECT * FROM store_info").to_pylist()}
    assert [(r["version"], r["name"]) for r in rows] == [(1, "initial"), (2, "legacy_import"),
                                                         (3, "run_stats"), (4, "run_lineage"),
                                                         (5, "dataset_description"),
                                                         (6, "tuning_failures_trials"),
                                                         (7, "sample_flags"),
                                                         (8, "sample_flags_branch_path"),
                                                         (9, "trial_intermediate_values")]
    assert [r["checksum"] for r in rows] == [m.checksum for m in available_migrations()]
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["checksum"]) for r in rows)
    assert {r["duckdb_version"] for r in rows} == {duckdb.__version__}
    assert info["duckdb_version"] == duckdb.__version__
    assert info["created_with_duckdb"] == duckdb.__version__


def _store(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    nirs4all.workspace.open(folder).close()
    return folder


@pytest.mark.parametrize("read_only", [False, True])
def test_store_written_by_a_newer_library_is_refused(tmp_path, read_only):
    folder = _store(tmp_path)
    con = duckdb.connect(str(folder / STORE_FILE))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'ab', now(), '9.0', '9.0')")
    con.close()
    with pytest.raises(WorkspaceVersionError, match="newer nirs4all"):
        nirs4all.workspace.open(folder, read_only=read_only)


def test_store_whose_migration_checksum_differs_is_refused(tmp_path):
    folder = _store(tmp_path)
    con = duckdb.connect(str(folder / STORE_FILE))
    con.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    con.close()
    with pytest.raises(WorkspaceVersionError, match="checksum"):
        nirs4all.workspace.open(folder)


def _version_1_store(folder: Path) -> None:
    folder.mkdir()
    con = duckdb.connect(str(folder / STORE_FILE))
    first = available_migrations()[0]
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR "
                "NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, "
                "nirs4all_version VARCHAR NOT NULL, duckdb_version VARCHAR NOT NULL)")
    con.execute(first.sql)
    con.execute("INSERT INTO schema_migrations VALUES (1, ?, ?, now(), '0.8.0', ?)",
                [first.name, first.checksum, duckdb.__version__])
    con.execute("INSERT INTO store_info VALUES ('marker', 'kept')")
    con.close()


def test_older_store_is_migrated_on_open_and_keeps_its_rows(tmp_path):
    folder = tmp_path / "old"
    _version_1_store(folder)
    with nirs4all.workspace.open(folder) as ws:
        versions = ws.sql("SELECT version FROM schema_migrations ORDER BY 1").to_pydict()
        marker = ws.sql("SELECT value FROM store_info WHERE key = 'marker'").to_pylist()
        dump = dump_schema(ws.connection)
    assert versions["version"] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert marker == [{"value": "kept"}]
    assert dump == _fresh_schema()


def test_version_7_sample_flags_keep_their_rows_outside_any_branch(tmp_path):
    folder = tmp_path / "v7"
    folder.mkdir()
    con = duckdb.connect(str(folder / STORE_FILE))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR "
                "NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, "
                "nirs4all_version VARCHAR NOT NULL, duckdb_version VARCHAR NOT NULL)")
    for m in available_migrations()[:7]:
        con.execute(m.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, now(), '0.9.0', ?)",
                    [m.version, m.name, m.checksum, duckdb.__version__])
    con.execute("INSERT INTO sample_flags VALUES ('r', ?, ?, 7, 2, 'exclude', '0', 5, 's5', "
                "'YOutlierFilter()', 'y_outlier', 'iqr', now())", ["a" * 64, "b" * 64])
    con.close()
    with nirs4all.workspace.open(folder) as ws:
        rows = ws.sample_flags().to_pylist()
    assert [(r["branch_path"], r["sample_index"], r["step_index"]) for r in rows] == \
        [("", 5, 2)]


def test_older_store_opened_read_only_asks_for_a_migration(tmp_path):
    folder = tmp_path / "old"
    _version_1_store(folder)
    with pytest.raises(WorkspaceVersionError, match="needs migration"):
        nirs4all.workspace.open(folder, read_only=True)


def test_read_only_open_of_a_missing_workspace_is_a_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nirs4all.workspace.open(tmp_path / "nothing", read_only=True)


@pytest.mark.parametrize("read_only", [False, True])
def test_a_0x_workspace_is_refused_with_the_way_to_import_it(tmp_path, read_only):
    old = tmp_path / "old"
    build_legacy_workspace(old)
    with pytest.raises(WorkspaceVersionError, match="migrate_legacy"):
        nirs4all.workspace.open(old, read_only=read_only)


def _one_transaction_per_file(path: Path) -> str:
    con = duckdb.connect(str(path))
    con.execute(_BOOTSTRAP)
    for m in available_migrations():
        con.execute("BEGIN TRANSACTION")
        con.execute(m.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, now(), '0.8.0', ?)",
                    [m.version, m.name, m.checksum, duckdb.__version__])
        con.execute("COMMIT")
    dump = dump_schema(con)
    con.close()
    return dump


def test_a_new_store_has_the_schema_of_every_migration_applied_on_its_own(tmp_path):
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        bootstrapped = dump_schema(ws.connection)
    assert bootstrapped == _one_transaction_per_file(tmp_path / "by_file.duckdb")


def test_a_new_store_whose_bootstrap_fails_keeps_no_migration(tmp_path, monkeypatch):
    # One transaction for every file of a new store: a failing last file leaves nothing of
    # the others (one commit per file used to leave the first ones applied).
    broken = Migration(len(available_migrations()) + 1, "broken", "SELECT * FROM nowhere",
                       "0" * 64)
    shipped = (*available_migrations(), broken)
    monkeypatch.setattr("nirs4all.workspace.migrate.available_migrations", lambda: shipped)
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    with pytest.raises(duckdb.CatalogException):
        migrate(con, "store.duckdb")
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchall() == [(0,)]
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"schema_migrations"}


if __name__ == "__main__":
    SNAPSHOT.write_text(_fresh_schema(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
