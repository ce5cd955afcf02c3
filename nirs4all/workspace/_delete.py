"""Deleting a run from a workspace: its rows, then whatever no remaining run needs.

A run owns its ``runs`` row and its ``pipelines`` rows (one per pass of a variant on a
dataset). Chains and predictions have no run id: they belong to a (pipeline_id,
dataset_hash) pair, and two runs of the same pipeline on the same data share them. So a
chain or a prediction is deleted only when no remaining ``pipelines`` row names its pair;
the artifact files nothing references any more are then freed by ``Workspace.gc``.
Everything happens in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from nirs4all.errors import RunNotFoundError
from nirs4all.workspace._persist import rollback
from nirs4all.workspace.artifacts import TEMP_PREFIX, ArtifactFiles

__all__ = ["DeleteReport", "GcReport", "RunNotFoundError", "collect_garbage", "delete_run_rows"]

# Rows of `table` whose (pipeline_id, dataset_hash) no pipelines row names any more.
_ORPHANS = ("DELETE FROM {table} AS t WHERE NOT EXISTS (SELECT 1 FROM pipelines AS p "
            "WHERE p.pipeline_id = t.pipeline_id AND p.dataset_hash IS NOT DISTINCT FROM "
            "t.dataset_hash)")


@dataclass(frozen=True)
class DeleteReport:
    """What :meth:`Workspace.delete_run` removed (rows per table, then the files)."""

    run_id: str
    pipelines_removed: int
    chains_removed: int
    predictions_removed: int
    artifacts_removed: int
    files_removed: int
    bytes_freed: int


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    return len(con.execute(sql + " RETURNING 1", params).fetchall())


def delete_run_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, int, int]:
    """Delete the run's rows and the chains and predictions only it needed, in one
    transaction (rolled back on any error). Returns the pipelines, chains and predictions
    rows removed.

    Raises
    ------
    RunNotFoundError
        If no run has this id.
    """
    if con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchone()[0] == 0:
        raise RunNotFoundError(f"no run {run_id!r} in this workspace; `nirs4all workspace "
                               "runs` lists the run ids")
    con.execute("BEGIN TRANSACTION")
    try:
        pipelines = _count(con, "DELETE FROM pipelines WHERE run_id = ?", [run_id])
        predictions = _count(con, _ORPHANS.format(table="predictions"), [])
        chains = _count(con, _ORPHANS.format(table="chains"), [])
        con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return pipelines, chains, predictions


@dataclass(frozen=True)
class GcReport:
    """What :meth:`Workspace.gc` removed."""

    rows_removed: int
    files_removed: int
    bytes_freed: int


def collect_garbage(con: duckdb.DuckDBPyConnection, files: ArtifactFiles) -> GcReport:
    """Remove artifacts no chain references (their rows, in one transaction), then every
    file that is not a kept artifact (theirs, stray or temporary files); report the bytes."""
    con.execute("BEGIN TRANSACTION")
    try:
        removed = con.execute(
            "DELETE FROM artifacts WHERE artifact_id NOT IN "
            "(SELECT DISTINCT unnest(artifact_ids) FROM chains) RETURNING artifact_id"
        ).fetchall()
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    kept = {a for (a,) in con.execute("SELECT artifact_id FROM artifacts").fetchall()}
    count = freed = 0
    for path in list(files.files()):
        stem = path.name.split(".", 1)[0]
        if stem in kept and not path.name.startswith(TEMP_PREFIX):
            continue
        freed += path.stat().st_size
        path.unlink()
        count += 1
    return GcReport(rows_removed=len(removed), files_removed=count, bytes_freed=freed)
