"""The ``trials`` table: every fine-tuning trial of a run (``finetune_params``).

Each trial is written as it completes (:func:`write_trial_records`, through
:meth:`RunSession.add_trials <nirs4all.workspace.session.RunSession.add_trials>`), and again
in the transaction of the pass that ran it (:func:`write_trials`, called by
:func:`~nirs4all.workspace._persist.persist_outcomes`); a trial stored already under its key
``(run, pipeline, dataset, model step, branch path, study, trial number)`` is not written
again, so neither that second write nor a rerun adds a row. :func:`read_trials` rebuilds
the records: a resumed run restores a tuned pass with its trials, and gives the trials of a
pass interrupted in the middle of its search back to the study (see
:class:`~nirs4all.pipeline._finetune_steps.Replay`), which then runs only the missing ones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from nirs4all.pipeline.canonical import canonical_json
from nirs4all.pipeline.records import TrialRecord, VariantOutcome
from nirs4all.workspace.queries import arrow


def registered(con: duckdb.DuckDBPyConnection, rows: pa.Table):
    from nirs4all.workspace._arrow import registered as register  # the one helper

    return register(con, rows)

__all__ = ["read_trials", "write_trial_records", "write_trials"]

_KEY = ("run_id", "pipeline_id", "dataset_hash", "model_step", "branch_path", "study",
        "trial_number")
_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("pipeline_id", pa.string()), ("dataset_hash", pa.string()),
    ("model_step", pa.int32()), ("branch_path", pa.list_(pa.int32())), ("study", pa.string()),
    ("trial_number", pa.int32()), ("params", pa.string()), ("score", pa.float64()),
    ("metric", pa.string()), ("state", pa.string()), ("duration_s", pa.float64()),
    ("created_at", pa.timestamp("us")), ("intermediate", pa.string()),
])


def write_trials(con: duckdb.DuckDBPyConnection, run_id: str,
                 outcomes: Sequence[VariantOutcome], now: datetime) -> int:
    """Insert the outcomes' trials not stored yet (inside the caller's transaction)."""
    return write_trial_records(con, run_id, [t for o in outcomes if not o.restored
                                             for t in o.trials], now)


def _intermediate(pairs: Sequence[tuple[int, float]]) -> str:
    return json.dumps([[int(k), None if math.isnan(v) else float(v)] for k, v in pairs])


def write_trial_records(con: duckdb.DuckDBPyConnection, run_id: str,
                        trials: Sequence[TrialRecord], now: datetime | None = None) -> int:
    """Insert the trials not stored yet under their key, in one statement (so in the
    caller's transaction, or in one of its own); ``now`` defaults to the current UTC time."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    rows = [{"run_id": run_id, "pipeline_id": t.pipeline_id, "dataset_hash": t.dataset_hash,
             "model_step": t.model_step, "branch_path": list(t.branch_path),
             "study": t.study, "trial_number": t.number,
             "params": canonical_json(dict(t.params)), "score": t.score, "metric": t.metric,
             "state": t.state, "duration_s": float(t.duration_s), "created_at": now,
             "intermediate": _intermediate(t.intermediate)}
            for t in trials]
    if not rows:
        return 0
    table = pa.Table.from_pylist(rows, schema=_SCHEMA)
    cols = ", ".join(_SCHEMA.names)
    match = " AND ".join(f"t.{k} = n.{k}" for k in _KEY)
    with registered(con, table) as view:
        inserted = con.execute(
            f"INSERT INTO trials ({cols}) SELECT {cols} FROM {view} AS n "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM trials AS t WHERE {match})").fetchall()
    return int(inserted[0][0]) if inserted else 0


def read_trials(con: duckdb.DuckDBPyConnection, run_id: str,
                dataset_hash: str | None = None) -> list[TrialRecord]:
    """The stored trials of a run (of one dataset), ordered by pipeline, step and number."""
    query = ("SELECT * FROM trials WHERE run_id = $run AND ($data IS NULL OR dataset_hash = "
             "$data) ORDER BY pipeline_id, dataset_hash, model_step, branch_path, study, "
             "trial_number")
    params = {"run": run_id, "data": dataset_hash}
    return [TrialRecord(
        pipeline_id=r["pipeline_id"], dataset_hash=r["dataset_hash"],
        model_step=int(r["model_step"]), branch_path=tuple(r["branch_path"]),
        study=r["study"], number=int(r["trial_number"]), params=json.loads(r["params"]),
        score=r["score"], metric=r["metric"], state=r["state"],
        duration_s=float(r["duration_s"] or 0.0),
        intermediate=tuple((int(k), math.nan if v is None else float(v))
                           for k, v in json.loads(r["intermediate"] or "[]")))
        for r in arrow(con, query, params).to_pylist()]
