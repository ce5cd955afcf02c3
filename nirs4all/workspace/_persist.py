"""The one write path: outcomes of pipeline variants -> one transaction (contracts 3 and 4).

Order of work for a batch of :class:`~nirs4all.pipeline.records.VariantOutcome`:

1. Validate everything before the transaction: identities, canonical fold keys and artifact
   references (each distinct key once), and natural keys unique across the whole batch (one
   group-by of the batch's Arrow rows; DuckDB's upsert would silently keep the first of two
   equal keys, so duplicates never reach it).
2. Serialize the fitted objects (content-addressed bytes) outside the transaction.
3. In one transaction: pipeline rows, chain rows (inserted, or merged with the stored row of
   the same chain), artifact files and rows, prediction rows. Rows go in through registered
   Arrow tables (``INSERT ... SELECT``), never one ``execute`` per row. When anything fails
   (a full disk included) the transaction is rolled back and the artifact files the batch
   created are removed, so no row and no file of the batch remains.

Idempotency: a prediction whose natural key is stored already is not written again; it is
compared with the stored row first and any difference raises
:class:`~nirs4all.workspace.errors.PredictionConflictError`. There is no update path for
predictions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from nirs4all.pipeline.canonical import canonical_json
from nirs4all.pipeline.folds import FoldKeyError, is_fold_key
from nirs4all.pipeline.records import VariantOutcome
from nirs4all.workspace._arrow import PREDICTION_COLUMNS, prediction_table, registered
from nirs4all.workspace._chains import (
    chain_row,
    chain_table,
    merge_chain_rows,
    row_from_db,
)
from nirs4all.workspace._flags import write_flags
from nirs4all.workspace._trials import write_trials
from nirs4all.workspace.artifacts import ArtifactFiles, sha256_hex
from nirs4all.workspace.errors import (
    DuplicateKeyError,
    IdentityConflictError,
    PredictionConflictError,
)
from nirs4all.workspace.queries import arrow
from nirs4all.workspace.schema import is_sha256_hex
from nirs4all.workspace.serialization import FORMATS, SerializedArtifact, serialize_artifact

__all__ = ["PersistResult", "insert_rows", "persist_outcomes", "registered", "rollback"]

logger = logging.getLogger("nirs4all.workspace")

_KEY = ("pipeline_id", "chain_id", "fold_id", "partition")
_FILE_WRITERS = 8
_COMPARED = tuple(c for c in PREDICTION_COLUMNS if c not in (*_KEY, "created_at"))
_CHAIN_MUTABLE = ("steps", "artifact_ids", "fold_ids", "cv_score", "test_score", "cv_scores",
                  "fold_scores", "test_scores", "updated_at")


@dataclass(frozen=True)
class PersistResult:
    """What one call to :meth:`Workspace.persist` wrote (and found already written)."""

    pipelines_written: int
    pipelines_existing: int
    chains_written: int
    chains_merged: int
    artifacts_written: int
    artifacts_repaired: int
    predictions_written: int
    predictions_existing: int
    warnings: tuple[str, ...] = ()


def _require_id(value: object, what: str) -> None:
    if not is_sha256_hex(value):
        raise ValueError(f"{what} must be a full 64-hex SHA-256 identity; got {value!r}")


def _validate_chains(outcome: VariantOutcome) -> set[str]:
    chain_ids: set[str] = set()
    folds: set[object] = set()
    refs: set[str] = set()
    for chain in outcome.chains:
        _require_id(chain.chain_id, "chain_id")
        if chain.chain_id in chain_ids:
            raise DuplicateKeyError("chains", (chain.chain_id,))
        if chain.pipeline_id != outcome.pipeline_id:
            raise ValueError(f"chain {chain.chain_id[:10]}... belongs to pipeline "
                             f"{chain.pipeline_id[:10]}..., not to its outcome's "
                             f"{outcome.pipeline_id[:10]}...")
        chain_ids.add(chain.chain_id)
        try:
            folds.update(chain.fold_ids)
            for step in chain.steps:
                folds.update(step.artifacts)
                refs.update(step.artifacts.values())
        except TypeError:  # an unhashable key: certainly not a fold key
            _locate_chain_fault(outcome)
    # Chains share their fold keys and artifact keys: each distinct one is checked once, and
    # the chain and step at fault are looked for only when one fails.
    if not all(map(is_fold_key, folds)) or not refs <= outcome.artifacts.keys():
        _locate_chain_fault(outcome)
    return chain_ids


def _locate_chain_fault(outcome: VariantOutcome) -> None:
    for chain in outcome.chains:
        for fold in chain.fold_ids:
            _require_fold(fold, f"chain {chain.chain_id[:10]}...")
        for step in chain.steps:
            for fold, ref in step.artifacts.items():
                _require_fold(fold, f"chain {chain.chain_id[:10]}... step {step.index}")
                if ref not in outcome.artifacts:
                    raise ValueError(
                        f"chain {chain.chain_id[:10]}... step {step.index} fold {fold} "
                        f"refers to artifact {ref!r}, which the outcome does not hold")


def _validate(outcomes: Sequence[VariantOutcome]) -> None:
    pipeline_keys: set[tuple] = set()
    for outcome in outcomes:  # their type is checked by Workspace.persist
        _require_id(outcome.pipeline_id, "pipeline_id")
        _require_id(outcome.dataset_hash, "dataset_hash")
        key = (outcome.pipeline_id, outcome.dataset_hash, outcome.phase)
        if key in pipeline_keys:
            raise DuplicateKeyError("pipelines", key)
        pipeline_keys.add(key)
        chain_ids = _validate_chains(outcome)
        records = outcome.predictions
        strangers = sorted({r.chain_id for r in records} - chain_ids) or sorted(
            {r.pipeline_id for r in records} - {outcome.pipeline_id})
        if strangers:
            raise ValueError(f"a prediction refers to {strangers[0][:10]}..., which is not a "
                             f"chain of its outcome (pipeline {outcome.pipeline_id[:10]}...)")
        for fold in {r.fold_id for r in records}:
            _require_fold(fold, "a prediction")


def _require_unique_keys(table: pa.Table) -> None:
    """Refuse a batch holding two predictions under one natural key (one hash pass)."""
    if table.num_rows == 0 or table.group_by(list(_KEY)).aggregate([]).num_rows == table.num_rows:
        return
    seen: set[tuple] = set()
    keys = zip(*(table.column(c).to_pylist() for c in _KEY), strict=True)
    raise DuplicateKeyError("predictions", next(k for k in keys if k in seen or seen.add(k)))


def _require_fold(fold: object, where: str) -> None:
    if not is_fold_key(fold):
        raise FoldKeyError(f"{where}: {fold!r} is not a fold key ('0', '1', ... or 'final')")


def _serialize_artifacts(outcomes: Sequence[VariantOutcome], fmt: str,
                         ) -> tuple[list[dict[str, str]], dict[str, SerializedArtifact]]:
    """Return each outcome's ``{key: artifact_id}`` and the bytes of every artifact by id.

    Objects are written in ``fmt``; a :class:`SerializedArtifact` (bytes made by a worker)
    is stored as it is.
    """
    per_outcome: list[dict[str, str]] = []
    blobs: dict[str, SerializedArtifact] = {}
    # Variants that share a prefix share its fitted objects: serialize each object once.
    memo: dict[int, str] = {}
    for outcome in outcomes:
        keys = sorted({ref for chain in outcome.chains for step in chain.steps
                       for ref in step.artifacts.values()})
        ids: dict[str, str] = {}
        for key in keys:
            obj = outcome.artifacts[key]
            artifact_id = memo.get(id(obj))
            if artifact_id is None:
                blob = (obj if isinstance(obj, SerializedArtifact)
                        else serialize_artifact(obj, fmt))
                artifact_id = memo[id(obj)] = sha256_hex(blob.data)
                blobs.setdefault(artifact_id, blob)
            ids[key] = artifact_id
        per_outcome.append(ids)
    return per_outcome, blobs


def insert_rows(con: duckdb.DuckDBPyConnection, target: str, rows: pa.Table) -> None:
    """``INSERT INTO target (columns) SELECT columns FROM rows``: one statement for the batch."""
    if rows.num_rows == 0:
        return
    cols = ", ".join(rows.column_names)
    with registered(con, rows) as view:
        con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {view}")  # noqa: S608


def _pipeline_rows(run_id: str, outcomes: Sequence[VariantOutcome],
                   now: datetime) -> list[dict[str, Any]]:
    return [{
        "run_id": run_id,
        "pipeline_id": o.pipeline_id,
        "dataset_hash": o.dataset_hash,
        "phase": o.phase,
        "name": o.name,
        "spec": o.pipeline_json,
        "choices": canonical_json([list(choice) for choice in o.choices]),
        "seed": int(o.seed),
        "status": o.status,
        "error": o.error,
        "failed_step": o.failed_step,
        "failed_fold": o.failed_fold,
        "duration_s": float(o.duration_s),
        "n_chains": len(o.chains),
        "n_predictions": len(o.predictions),
        "created_at": now,
    } for o in outcomes]


def _write_pipelines(con: duckdb.DuckDBPyConnection, run_id: str,
                     rows: list[dict[str, Any]], warnings: list[str]) -> tuple[int, int]:
    stored = {(p, d, ph): (status, spec) for p, d, ph, status, spec in con.execute(
        "SELECT pipeline_id, dataset_hash, phase, status, spec::VARCHAR FROM pipelines "
        "WHERE run_id = ? AND list_contains(?, pipeline_id)",
        [run_id, sorted({r["pipeline_id"] for r in rows})]).fetchall()}
    new, replace = [], []
    for row in rows:
        before = stored.get((row["pipeline_id"], row["dataset_hash"], row["phase"]))
        if before is None:
            new.append(row)
        elif before[1] != row["spec"]:
            raise IdentityConflictError(
                f"pipeline {row['pipeline_id'][:10]}... is stored with another spec; a "
                "pipeline_id must be the SHA-256 of its canonical spec")
        elif before[0] == "failed" and row["status"] == "completed":
            replace.append(row)
        elif before[0] == "completed" and row["status"] == "failed":
            warnings.append(f"pipeline {row['pipeline_id'][:10]}... ({row['phase']}) failed "
                            f"on rerun ({row['error']}); the completed pass stays stored")
    if new:
        insert_rows(con, "pipelines", pa.Table.from_pylist(new))
    if replace:
        with registered(con, pa.Table.from_pylist(replace)) as view:
            con.execute(
                "UPDATE pipelines SET status = u.status, error = u.error, "  # noqa: S608
                "failed_step = u.failed_step, failed_fold = u.failed_fold, "
                "duration_s = u.duration_s, n_chains = u.n_chains, "
                f"n_predictions = u.n_predictions, created_at = u.created_at FROM {view} AS u "
                "WHERE pipelines.run_id = u.run_id AND pipelines.pipeline_id = u.pipeline_id "
                "AND pipelines.dataset_hash = u.dataset_hash AND pipelines.phase = u.phase")
    return len(new) + len(replace), len(rows) - len(new) - len(replace)


def _write_chains(con: duckdb.DuckDBPyConnection, incoming: list[dict[str, Any]],
                  warnings: list[str],
                  ) -> tuple[list[dict[str, Any]], int, int]:
    """Insert new chains, merge stored ones; return the resulting rows and the counts."""
    merged: dict[str, dict[str, Any]] = {}
    for row in incoming:
        before = merged.get(row["chain_id"])
        merged[row["chain_id"]] = row if before is None else merge_chain_rows(before, row,
                                                                               warnings)
    stored = arrow(con, "SELECT * FROM chains WHERE list_contains(?, chain_id)",
                   [sorted(merged)]).to_pylist()
    stored_rows = {r["chain_id"]: row_from_db(r) for r in stored}
    new, changed, result = [], [], []
    for chain_id, row in merged.items():
        old = stored_rows.get(chain_id)
        if old is None:
            new.append(row)
            result.append(row)
            continue
        union = merge_chain_rows(old, row, warnings)
        if any(union[c] != old[c] for c in _CHAIN_MUTABLE if c != "updated_at"):
            changed.append(union)
        result.append(union)
    insert_rows(con, "chains", chain_table(new))
    if changed:
        sets = ", ".join(f"{c} = u.{c}" for c in _CHAIN_MUTABLE)
        with registered(con, chain_table(changed)) as view:
            con.execute(f"UPDATE chains SET {sets} FROM {view} AS u "  # noqa: S608
                        "WHERE chains.chain_id = u.chain_id")
    return result, len(new), len(changed)


def _write_artifacts(con: duckdb.DuckDBPyConnection, files: ArtifactFiles,
                     chains: list[dict[str, Any]], blobs: dict[str, SerializedArtifact],
                     now: datetime, created: list[Path]) -> tuple[int, int]:
    """Write the files and rows of the artifacts; the new files are appended to ``created``."""
    needed = sorted({a for row in chains for a in row["artifact_ids"]} & blobs.keys())

    def write(artifact_id: str) -> str:
        blob = blobs[artifact_id]
        outcome = files.write(artifact_id, blob.data, FORMATS[blob.format])
        if outcome == "written":
            created.append(files.path(artifact_id, FORMATS[blob.format]))
        return outcome

    # Each file is flushed to disk before the commit that references it; the flushes wait on
    # the disk, not on Python, so a few threads overlap them.
    with ThreadPoolExecutor(max_workers=_FILE_WRITERS) as pool:
        outcomes = list(pool.map(write, needed))
    written, repaired = outcomes.count("written"), outcomes.count("repaired")
    stored = {a for (a,) in con.execute(
        "SELECT artifact_id FROM artifacts WHERE list_contains(?, artifact_id)",
        [needed]).fetchall()}
    insert_rows(con, "artifacts", pa.Table.from_pylist([{
        "artifact_id": a, "format": blobs[a].format, "extension": FORMATS[blobs[a].format],
        "size_bytes": len(blobs[a].data), "class_name": blobs[a].class_name, "created_at": now,
    } for a in needed if a not in stored]))
    return written, repaired


def _write_predictions(con: duckdb.DuckDBPyConnection, table: pa.Table,
                       maybe_stored: list[str]) -> tuple[int, int]:
    if table.num_rows == 0 or not maybe_stored:
        insert_rows(con, "predictions", table)
        return table.num_rows, 0
    with registered(con, table) as view:
        return _verify_and_insert(con, view, table.num_rows, maybe_stored)


def _verify_and_insert(con: duckdb.DuckDBPyConnection, view: str, n_rows: int,
                       maybe_stored: list[str]) -> tuple[int, int]:
    cols = ", ".join(PREDICTION_COLUMNS)
    keys = ", ".join(_KEY)
    same = " AND ".join(
        f"i.{c}::VARCHAR IS NOT DISTINCT FROM p.{c}::VARCHAR" if c == "array_meta"
        else f"i.{c} IS NOT DISTINCT FROM p.{c}" for c in _COMPARED)
    stored = "(SELECT * FROM predictions WHERE list_contains(?, pipeline_id))"
    existing, conflicts = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE NOT ({same})) "  # noqa: S608
        f"FROM {view} AS i JOIN {stored} AS p USING ({keys})", [maybe_stored]).fetchall()[0]
    if conflicts:
        sample = con.execute(
            f"SELECT {keys} FROM {view} AS i JOIN {stored} AS p USING ({keys}) "  # noqa: S608
            f"WHERE NOT ({same}) ORDER BY {keys} LIMIT 5", [maybe_stored]).fetchall()
        raise PredictionConflictError(
            f"{conflicts} predictions differ from the rows stored under the same natural key "
            f"(pipeline_id, chain_id, fold_id, partition), e.g. {sample}; stored predictions "
            "are never overwritten (chain ids must change when the dataset or the seed "
            "changes)")
    con.execute(f"INSERT INTO predictions ({cols}) SELECT {cols} FROM {view} AS i "  # noqa: S608
                f"ANTI JOIN {stored} AS p USING ({keys})", [maybe_stored])
    return n_rows - existing, existing


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll the open transaction back; a COMMIT that failed (a full disk) has ended it."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as exc:
        if "no transaction is active" not in str(exc):
            raise


def persist_outcomes(con: duckdb.DuckDBPyConnection, files: ArtifactFiles, run_id: str,
                     outcomes: Sequence[VariantOutcome], fmt: str) -> PersistResult:
    """Write a batch of outcomes in one transaction (see the module docstring)."""
    _validate(outcomes)
    per_outcome, blobs = _serialize_artifacts(outcomes, fmt)
    now = datetime.now(UTC).replace(tzinfo=None)
    chain_rows = [chain_row(c, dataset_hash=o.dataset_hash, artifact_ids=ids, now=now)
                  for o, ids in zip(outcomes, per_outcome, strict=True) for c in o.chains]
    chain_meta = {r["chain_id"]: (r["metric"], r["dataset_hash"]) for r in chain_rows}
    records = [p for o in outcomes for p in o.predictions]
    table = prediction_table(records, metrics={k: v[0] for k, v in chain_meta.items()},
                             dataset_hashes={k: v[1] for k, v in chain_meta.items()},
                             created_at=now)
    _require_unique_keys(table)
    warnings: list[str] = []
    created: list[Path] = []
    con.execute("BEGIN TRANSACTION")
    try:
        maybe_stored = [p for (p,) in con.execute(
            "SELECT DISTINCT pipeline_id FROM pipelines WHERE list_contains(?, pipeline_id)",
            [sorted({o.pipeline_id for o in outcomes})]).fetchall()]
        pipes = _write_pipelines(con, run_id, _pipeline_rows(run_id, outcomes, now), warnings)
        chains, chains_new, chains_merged = _write_chains(con, chain_rows, warnings)
        artifacts = _write_artifacts(con, files, chains, blobs, now, created)
        predictions = _write_predictions(con, table, maybe_stored)
        write_trials(con, run_id, outcomes, now)
        write_flags(con, run_id, outcomes, now)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        for path in created:  # no committed row refers to a file the batch created
            path.unlink(missing_ok=True)
        raise
    for message in warnings:
        logger.warning(message)
    return PersistResult(pipes[0], pipes[1], chains_new, chains_merged, artifacts[0],
                         artifacts[1], predictions[0], predictions[1], tuple(warnings))
