"""The branches of opening a store that need a fault: DuckDB refusing the file, a lock
conflict that ends or lasts, a read-only open of an absent or outdated store, and a writer
whose set-up fails after connecting."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nirs4all.workspace import lock as lock_module
from nirs4all.workspace.errors import (
    WorkspaceLockedError,
    WorkspaceNotFoundError,
    WorkspaceVersionError,
)
from nirs4all.workspace.lock import connect_store, open_store
from nirs4all.workspace.schema import LOCK_FILE, STORE_FILE


class _Refusing:
    """``duckdb.connect`` raising ``messages`` in turn, then connecting for real."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        self.calls = 0
        self.real = duckdb.connect

    def __call__(self, path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        self.calls += 1
        if self.messages:
            raise duckdb.IOException(self.messages.pop(0))
        return self.real(path, read_only=read_only)


def test_a_file_of_another_duckdb_version_is_a_version_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(lock_module.duckdb, "connect", _Refusing(
        "IO Error: Trying to read a database file with version number 99"))
    with pytest.raises(WorkspaceVersionError, match="another DuckDB version"):
        connect_store(tmp_path / STORE_FILE, False, 0.0, "ws")


def test_an_io_error_that_is_no_lock_conflict_is_raised_as_is(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(lock_module.duckdb, "connect", _Refusing("IO Error: disk on fire"))
    with pytest.raises(duckdb.IOException, match="disk on fire"):
        connect_store(tmp_path / STORE_FILE, False, 5.0, "ws")


def test_a_lock_conflict_that_ends_within_the_timeout_connects(tmp_path, monkeypatch) -> None:
    refusing = _Refusing("IO Error: Could not set lock on file (PID 4242)")
    monkeypatch.setattr(lock_module.duckdb, "connect", refusing)
    con = connect_store(tmp_path / STORE_FILE, False, 5.0, "ws")
    con.close()
    assert refusing.calls == 2


def test_a_lasting_lock_conflict_names_duckdbs_holder(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(lock_module.duckdb, "connect", _Refusing(
        *["IO Error: Could not set lock on file (PID 4242)"] * 1000))
    with pytest.raises(WorkspaceLockedError) as caught:
        connect_store(tmp_path / STORE_FILE, False, 0.1, "ws")
    assert caught.value.pid == 4242


def test_reading_a_folder_without_a_store_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFoundError, match=f"{STORE_FILE} missing"):
        open_store(tmp_path, True, 0.0)


def test_a_reader_of_an_outdated_store_closes_its_connection(tmp_path, monkeypatch) -> None:
    con, held = open_store(tmp_path / "ws", False, 0.0)
    con.close()
    held.release()
    opened: list[duckdb.DuckDBPyConnection] = []
    real = duckdb.connect

    def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        opened.append(real(path, read_only=read_only))
        return opened[-1]

    def outdated(con: duckdb.DuckDBPyConnection, where: str) -> None:
        raise WorkspaceVersionError(f"{where}: schema behind")

    monkeypatch.setattr(lock_module.duckdb, "connect", connect)
    monkeypatch.setattr(lock_module, "check_current", outdated)
    with pytest.raises(WorkspaceVersionError, match="schema behind"):
        open_store(tmp_path / "ws", True, 0.0)
    with pytest.raises(duckdb.ConnectionException):
        opened[0].execute("SELECT 1")  # closed by the failed open


def test_a_writer_without_prepare_holds_the_lock(tmp_path: Path) -> None:
    con, held = open_store(tmp_path / "ws", False, 0.0)
    try:
        assert held is not None
        assert held.held
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    finally:
        con.close()
        held.release()


def test_a_failing_prepare_closes_releases_and_removes_what_it_created(tmp_path) -> None:
    seen: list[duckdb.DuckDBPyConnection] = []

    def prepare(con: duckdb.DuckDBPyConnection) -> None:
        seen.append(con)
        raise RuntimeError("set-up failed")

    folder = tmp_path / "new" / "ws"
    with pytest.raises(RuntimeError, match="set-up failed"):
        open_store(folder, False, 0.0, prepare)
    with pytest.raises(duckdb.ConnectionException):
        seen[0].execute("SELECT 1")
    assert not (tmp_path / "new").exists()  # folders, store and lock file all removed
    con, held = open_store(folder, False, 0.0)  # the lock was released
    con.close()
    held.release()
    assert (folder / LOCK_FILE).exists()
