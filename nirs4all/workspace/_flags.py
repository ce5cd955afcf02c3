"""Rows of the ``sample_flags`` table: what ``exclude`` and ``tag`` steps flagged.

Written inside the transaction of :func:`~nirs4all.workspace._persist.persist_outcomes`;
a row whose natural key is stored already is skipped, so a rerun writes nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from nirs4all.pipeline.records import VariantOutcome
from nirs4all.workspace.queries import arrow

__all__ = ["FLAG_KEY", "sample_flags", "write_flags"]

FLAG_KEY = ("pipeline_id", "dataset_hash", "seed", "step_index", "branch_path", "fold_id",
            "sample_index", "tag_name")
_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("pipeline_id", pa.string()), ("dataset_hash", pa.string()),
    ("seed", pa.int64()), ("step_index", pa.int32()), ("branch_path", pa.string()),
    ("fold_id", pa.string()),
    ("action", pa.string()), ("sample_index", pa.int64()), ("sample_id", pa.string()),
    ("filter", pa.string()), ("tag_name", pa.string()), ("reason", pa.string()),
    ("created_at", pa.timestamp("us")),
])
_FILTERS = ("run_id", "pipeline_id", "dataset_hash", "action", "fold_id", "tag_name",
            "branch_path")


def _rows(run_id: str, outcomes: Sequence[VariantOutcome], now: datetime,
          ) -> list[dict[str, Any]]:
    rows: dict[tuple, dict[str, Any]] = {}
    for o in outcomes:
        for f in o.flags:
            row = {"run_id": run_id, "pipeline_id": o.pipeline_id,
                   "dataset_hash": o.dataset_hash, "seed": int(o.seed),
                   "step_index": f.step_index, "fold_id": f.fold_id, "action": f.action,
                   # "0.1" (a key column: DuckDB indexes no list); "" outside any branch
                   "branch_path": ".".join(map(str, f.branch_path)),
                   "sample_index": f.sample_index, "sample_id": f.sample_id,
                   "filter": f.filter, "tag_name": f.tag_name, "reason": f.reason,
                   "created_at": now}
            # The cv pass and the refit pass both see fold "final": one row.
            rows.setdefault(tuple(row[k] for k in FLAG_KEY), row)
    return list(rows.values())


def write_flags(con: duckdb.DuckDBPyConnection, run_id: str,
                outcomes: Sequence[VariantOutcome], now: datetime) -> int:
    """Insert the flags of ``outcomes`` not stored yet; return how many were written."""
    rows = _rows(run_id, outcomes, now)
    if not rows:
        return 0
    table = pa.Table.from_pylist(rows, schema=_SCHEMA)
    cols = ", ".join(_SCHEMA.names)
    keys = ", ".join(FLAG_KEY)
    before = con.execute("SELECT count(*) FROM sample_flags").fetchall()[0][0]
    con.register("incoming_flags", table)
    try:
        con.execute(f"INSERT INTO sample_flags ({cols}) SELECT {cols} "  # noqa: S608
                    f"FROM incoming_flags AS i ANTI JOIN sample_flags AS s USING ({keys})")
    finally:
        con.unregister("incoming_flags")
    return int(con.execute("SELECT count(*) FROM sample_flags").fetchall()[0][0] - before)


def sample_flags(con: duckdb.DuckDBPyConnection, **filters: Any) -> pa.Table:
    """Stored flags, filtered by equality on ``run_id``, ``pipeline_id``, ``dataset_hash``,
    ``action``, ``fold_id``, ``tag_name`` or ``branch_path`` (``"0.1"``; ``""`` outside any
    branch); in key order."""
    unknown = set(filters) - set(_FILTERS)
    if unknown:
        raise ValueError(f"unknown filter(s) {sorted(unknown)}; sample_flags filters on "
                         f"{list(_FILTERS)}")
    where = " AND ".join(f"{k} = ?" for k in sorted(filters)) or "TRUE"
    order = ", ".join(FLAG_KEY)
    return arrow(con, f"SELECT * FROM sample_flags WHERE {where} ORDER BY {order}",  # noqa: S608
                 [filters[k] for k in sorted(filters)])
