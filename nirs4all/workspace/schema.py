"""Facts about the stored schema: the layout of a workspace folder and a readable dump.

:func:`dump_schema` renders every table (columns, types, nullability, defaults,
constraints), index and view of a store as stable text. A test compares the dump of a
freshly migrated store with a checked-in snapshot, so that a schema change without a new
migration file fails.
"""

from __future__ import annotations

import re

import duckdb

from nirs4all.pipeline.metrics import HIGHER_IS_BETTER

__all__ = [
    "ARTIFACTS_DIR",
    "LOCK_FILE",
    "STORE_FILE",
    "dump_schema",
    "higher_is_better",
    "is_sha256_hex",
]

STORE_FILE = "store.duckdb"
LOCK_FILE = "store.lock"
ARTIFACTS_DIR = "artifacts"

_HEX64 = re.compile(r"[0-9a-f]{64}")


def is_sha256_hex(value: object) -> bool:
    """Return whether ``value`` is a full identity: 64 lowercase hex characters."""
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def higher_is_better(metric: str) -> bool:
    """Return whether a larger value of ``metric`` is better (same rule as the pipeline;
    ``"r2@sample"``, a score per sample, like ``"r2"``)."""
    return metric.partition("@")[0] in HIGHER_IS_BETTER


_USER = ("database_name = current_database() AND schema_name = 'main' AND NOT internal "
         "AND NOT temporary")


def dump_schema(con: duckdb.DuckDBPyConnection) -> str:
    """Return the live schema of a store as stable text (one item per line).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection to the store.

    Returns
    -------
    str
        Tables with their columns and constraints, indexes and views, sorted by name.
    """
    lines: list[str] = []
    tables = con.execute(  # _USER is a constant filter, no outside text enters the query
        f"SELECT table_name FROM duckdb_tables() WHERE {_USER} ORDER BY table_name"  # noqa: S608
    ).fetchall()
    for (table,) in tables:
        lines.append(f"table {table}")
        columns = con.execute(
            "SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
        for name, dtype, nullable, default in columns:
            null = "NULL" if nullable else "NOT NULL"
            extra = f" DEFAULT {default}" if default is not None else ""
            lines.append(f"  column {name} {dtype} {null}{extra}")
        constraints = con.execute(
            "SELECT constraint_type, constraint_text FROM duckdb_constraints() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND table_name = ? AND constraint_type <> 'NOT NULL'",
            [table],
        ).fetchall()
        lines.extend(f"  {ctype} {text}" for ctype, text in sorted(constraints))
    indexes = con.execute(
        "SELECT index_name, table_name, expressions FROM duckdb_indexes() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "ORDER BY index_name"
    ).fetchall()
    lines.extend(f"index {name} ON {table} {expr}" for name, table, expr in indexes)
    views = con.execute(
        f"SELECT view_name, sql FROM duckdb_views() WHERE {_USER} ORDER BY view_name"  # noqa: S608
    ).fetchall()
    for name, sql in views:
        body = " ".join(sql.split())
        lines.append(f"view {name}: {body}")
    return "\n".join(lines) + "\n"
