"""Versioned schema migrations of the workspace store.

The schema is the ordered list of SQL files ``NNNN_<name>.sql`` shipped in the package
folder ``nirs4all/workspace/migrations/`` (package data, inside the wheel). Opening a
workspace for writing applies the files it has not seen, in order, each in its own
transaction (a new store: all in one), and records each one in
``schema_migrations`` with the SHA-256 of the file, the nirs4all version and the DuckDB
version that applied it. A store that records a migration this library does not have (it
was written by a newer nirs4all), or whose recorded checksum differs from the shipped file,
is refused with :class:`~nirs4all.workspace.errors.WorkspaceVersionError`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version

import duckdb

from nirs4all.workspace.errors import WorkspaceVersionError

__all__ = [
    "Migration",
    "applied_versions",
    "available_migrations",
    "check_current",
    "library_version",
    "migrate",
    "schema_version",
]

MIGRATIONS_PACKAGE = "nirs4all.workspace"
MIGRATIONS_FOLDER = "migrations"
_FILE_PATTERN = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    checksum VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    nirs4all_version VARCHAR NOT NULL,
    duckdb_version VARCHAR NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str
    checksum: str


def library_version() -> str:
    """Return the installed nirs4all version (``"0.0.0+unknown"`` from a bare source tree)."""
    try:
        return version("nirs4all")
    except PackageNotFoundError:
        return "0.0.0+unknown"


@cache
def available_migrations() -> tuple[Migration, ...]:
    """Return the migrations shipped with this library, in order.

    Raises
    ------
    WorkspaceVersionError
        If the numbers are not 1, 2, ... without gaps (a packaging error).
    """
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).joinpath(MIGRATIONS_FOLDER).iterdir():
        match = _FILE_PATTERN.fullmatch(entry.name)
        if match is None:
            continue
        data = entry.read_bytes()
        found.append(Migration(int(match.group(1)), match.group(2), data.decode("utf-8"),
                               hashlib.sha256(data).hexdigest()))
    found.sort(key=lambda m: m.version)
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise WorkspaceVersionError(
            f"the migrations shipped in {MIGRATIONS_PACKAGE}/{MIGRATIONS_FOLDER} are numbered "
            f"{numbers}; they "
            "must be 1, 2, ... without gaps (reinstall nirs4all)"
        )
    return tuple(found)


def schema_version() -> int:
    """Return the schema version this library writes (the number of the last migration)."""
    return available_migrations()[-1].version


def applied_versions(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Return ``{version: checksum}`` of the migrations recorded in a store (empty if none)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database() AND table_name = 'schema_migrations'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    rows = con.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    return {int(v): str(c) for v, c in rows}


def _refuse_foreign(con: duckdb.DuckDBPyConnection, applied: dict[int, str],
                    where: str) -> None:
    """A store with tables but no migration record is not ours (a 0.x store, most often)."""
    if applied:
        return
    tables = {t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name <> 'schema_migrations'").fetchall()}
    if tables:
        legacy = {"runs", "pipelines", "predictions", "prediction_arrays"} <= tables
        hint = ("it looks like a nirs4all 0.x workspace: import it into a new folder with "
                "nirs4all.workspace.migrate_legacy(old, new) or `nirs4all workspace migrate "
                "--from-legacy OLD --to NEW`" if legacy else "it holds other tables")
        raise WorkspaceVersionError(f"{where} is not a nirs4all 0.8 workspace: {hint}")


def _pending(applied: dict[int, str], where: str) -> list[Migration]:
    known = {m.version: m for m in available_migrations()}
    newer = sorted(v for v in applied if v not in known)
    if newer:
        raise WorkspaceVersionError(
            f"{where} has schema version {max(applied)} but this nirs4all "
            f"({library_version()}) knows versions up to {schema_version()}: it was written "
            "by a newer nirs4all; upgrade nirs4all to open it"
        )
    for number, checksum in sorted(applied.items()):
        if known[number].checksum != checksum:
            raise WorkspaceVersionError(
                f"{where}: migration {number:04d}_{known[number].name}.sql was recorded with "
                f"checksum {checksum[:12]}... but this nirs4all ships {known[number].checksum[:12]}"
                "...; the store and the library disagree on the schema (was a migration "
                "edited after release?)"
            )
    return [m for m in available_migrations() if m.version not in applied]


def check_current(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """Check that a store opened read-only has exactly this library's schema.

    Raises
    ------
    WorkspaceVersionError
        If the store is newer than the library, its checksums differ, or it needs migrating
        (a read-only store cannot be migrated: open it once for writing).
    """
    applied = applied_versions(con)
    _refuse_foreign(con, applied, where)
    pending = _pending(applied, where)
    if pending:
        raise WorkspaceVersionError(
            f"{where} has schema version {len(available_migrations()) - len(pending)} and "
            f"needs migration to {schema_version()}; open it once with read_only=False (or "
            "run `nirs4all workspace migrate`) to upgrade it"
        )


def migrate(con: duckdb.DuckDBPyConnection, where: str) -> list[int]:
    """Apply the pending migrations to a store opened for writing.

    Each migration runs in its own transaction with its ``schema_migrations`` row (on a new
    store, all of them in one); the store is checkpointed afterwards so that no schema
    change waits in the write-ahead log.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A read-write connection.
    where : str
        The store's path, for messages.

    Returns
    -------
    list of int
        The versions applied (empty when the store was current).

    Raises
    ------
    WorkspaceVersionError
        If the store is newer than the library or its checksums differ.
    """
    applied = applied_versions(con)
    _refuse_foreign(con, applied, where)
    con.execute(_BOOTSTRAP)
    pending = _pending(applied, where)
    # A new store takes every migration in one transaction: the same statements in the same
    # order, so the same schema (tests/unit/workspace/test_workspace_migrations.py), with one
    # commit to wait for instead of one per file. A stored one keeps a commit per file.
    steps = [pending] if not applied else [[m] for m in pending]
    for group in steps:
        _apply(con, group)
    if pending:
        con.execute("CHECKPOINT")
    return [m.version for m in pending]


def _apply(con: duckdb.DuckDBPyConnection, migrations: list[Migration]) -> None:
    """Run ``migrations`` and record them, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for migration in migrations:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, ?, ?, ?)",
                [migration.version, migration.name, migration.checksum,
                 datetime.now(UTC).replace(tzinfo=None), library_version(),
                 duckdb.__version__],
            )
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
