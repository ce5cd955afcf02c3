"""The single-writer lock of a workspace.

A writer holds an exclusive operating-system lock on ``store.lock`` beside the database and
writes its PID, host and start time into the file. The lock dies with its process (the
kernel releases it, even after SIGKILL), so there is no stale lock to clean up, and a
waiting process reads the holder's PID to name it in
:class:`~nirs4all.workspace.errors.WorkspaceLockedError`. DuckDB's own file lock stays in
force underneath; :func:`duckdb_holder_pid` reads the PID from its message for the cases our
lock does not cover (a reader, or a process using DuckDB directly).
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import duckdb

from nirs4all.workspace._faults import remove_created, typed_faults
from nirs4all.workspace.errors import (
    WorkspaceLockedError,
    WorkspaceNotFoundError,
    WorkspaceVersionError,
)
from nirs4all.workspace.migrate import check_current, migrate
from nirs4all.workspace.schema import LOCK_FILE, STORE_FILE

__all__ = ["WriterLock", "connect_store", "duckdb_holder_pid", "open_store", "read_holder_pid"]

_DUCKDB_PID = re.compile(r"\(PID (\d+)\)")
_POLL_S = 0.05
_WINDOWS_LOCK_OFFSET = 1 << 20  # locked byte far past the PID text, which others must read


def duckdb_holder_pid(message: str) -> int | None:
    """Return the PID DuckDB names in a lock-conflict message, or None."""
    match = _DUCKDB_PID.search(message)
    return int(match.group(1)) if match else None


def read_holder_pid(lock_path: Path) -> int | None:
    """Return the PID written in a lock file, or None when it is empty or unreadable."""
    try:
        first = lock_path.read_text(encoding="utf-8").split("\n", 1)[0].strip()
    except OSError:
        return None
    return int(first) if first.isdigit() else None


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class WriterLock:
    """Exclusive lock of one workspace for one writer.

    Parameters
    ----------
    path : Path
        The lock file (created if missing).
    workspace : str
        The workspace folder, for messages.
    """

    def __init__(self, path: Path, workspace: str) -> None:
        self.path = path
        self.workspace = workspace
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._handle is not None

    def acquire(self, timeout: float) -> None:
        """Take the lock, waiting up to ``timeout`` seconds.

        Raises
        ------
        WorkspaceLockedError
            If another process still holds it after ``timeout`` seconds; the error names
            that process's PID.
        """
        if self._handle is not None:
            return
        handle = self.path.open("a+", encoding="utf-8")
        start = time.monotonic()
        while not _try_lock(handle):
            waited = time.monotonic() - start
            if waited >= timeout:
                handle.close()
                raise WorkspaceLockedError(self.workspace, read_holder_pid(self.path), waited)
            time.sleep(min(_POLL_S, max(0.0, timeout - waited)))
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).isoformat(timespec="seconds")
        handle.write(f"{os.getpid()}\n{socket.gethostname()}\n{started}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock up (the file stays, emptied, for the next writer)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.seek(0)
            handle.truncate()
            handle.flush()
        finally:
            _unlock(handle)
            handle.close()


def connect_store(db: Path, read_only: bool, timeout: float,
                  where: str) -> duckdb.DuckDBPyConnection:
    """Connect to a store, waiting up to ``timeout`` seconds for another process's lock.

    Raises
    ------
    WorkspaceLockedError
        If DuckDB still reports a conflicting lock after ``timeout``; names its PID.
    WorkspaceVersionError
        If the file was written by a DuckDB whose format this one cannot read.
    """
    start = time.monotonic()
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if "version number" in message or "incompatible" in message.lower():
                raise WorkspaceVersionError(
                    f"{where}: the DuckDB file was written by another DuckDB version "
                    f"({message}); this nirs4all uses duckdb {duckdb.__version__}") from exc
            if "lock" not in message.lower():
                raise
            waited = time.monotonic() - start
            if waited >= timeout:
                raise WorkspaceLockedError(where, duckdb_holder_pid(message), waited) from exc
            time.sleep(_POLL_S)


def _open_reader(folder: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    db = folder / STORE_FILE
    if not db.is_file():
        raise WorkspaceNotFoundError(f"no workspace at {folder} ({STORE_FILE} missing)")
    con = connect_store(db, True, timeout, str(folder))
    try:
        check_current(con, str(folder))
    except BaseException:
        con.close()
        raise
    return con


def open_store(folder: Path, read_only: bool, timeout: float,
               prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
               ) -> tuple[duckdb.DuckDBPyConnection, WriterLock | None]:
    """Connect to a workspace's store (migrated when writing) and take the writer lock.

    ``prepare`` runs on a writer's connection after the migrations, inside the same
    clean-up guarantee.

    A failure leaves nothing behind: the lock is released and the files and folders this
    call created are removed (only while it held the lock, so a lock file another process
    made is never deleted). Storage faults are raised typed (see
    :mod:`nirs4all.workspace._faults`).

    Raises
    ------
    WorkspaceCorruptError, WorkspaceStorageError
        If the store is damaged or the file system refuses the folder or a file.
    WorkspaceLockedError, WorkspaceVersionError, WorkspaceNotFoundError
    """
    store = folder / STORE_FILE
    if read_only:
        with typed_faults(store, "opening the workspace for reading"):
            return _open_reader(folder, timeout), None
    folders = [p for p in (folder, *folder.parents) if not p.exists()]
    files = [p for p in (folder / LOCK_FILE, store, store.with_name(STORE_FILE + ".wal"))
             if not p.exists()]
    lock = WriterLock(folder / LOCK_FILE, str(folder))
    con = None
    with typed_faults(store, "opening the workspace for writing"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock.acquire(timeout)
            con = connect_store(store, False, timeout, str(folder))
            migrate(con, str(folder))
            if prepare is not None:
                prepare(con)
        except BaseException:
            if con is not None:
                con.close()
            if lock.held:
                lock.release()
                remove_created(files, folders)
            raise
        return con, lock
