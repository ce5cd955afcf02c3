"""Runs and datasets: identity and lifecycle rows (the status columns are all that change).

Run identity
------------
:func:`run_identity` is the SHA-256 of the run's spec (canonical JSON), the sorted content
hashes of its datasets and its seed. The same spec on the same data with the same seed is
the same run: starting it again resumes it (status back to ``running``, ``attempts`` + 1)
and every outcome already stored is verified and skipped, so a run interrupted by a crash
is completed by running it again, without duplicates. The name is not part of the identity.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from nirs4all.data.dataset import SpectroDataset
from nirs4all.workspace.migrate import library_version

__all__ = ["LINEAGE_COLUMNS", "begin_run", "finish_run", "mark_interrupted", "now",
           "record_lineage", "register_dataset", "run_identity", "stamp"]

_RUN_DOMAIN = b"nirs4all.run/1\n"
LINEAGE_COLUMNS = ("parent_chain_id", "parent_run_id", "parent_bundle", "parent_bundle_sha256",
                   "retrain_mode")
"""Columns of ``runs`` that say where a retrained run came from (migration 0004)."""


def now() -> datetime:
    """The current UTC time, naive (the store's TIMESTAMP columns are UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def run_identity(spec_json: str, dataset_hashes: Iterable[str], seed: int) -> str:
    """Return the run id: SHA-256 of the spec, the sorted dataset hashes and the seed."""
    payload = json.dumps({"spec": spec_json, "datasets": sorted(dataset_hashes),
                          "seed": int(seed)}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(_RUN_DOMAIN + payload.encode("utf-8")).hexdigest()


def register_dataset(con: duckdb.DuckDBPyConnection, dataset: SpectroDataset) -> str:
    """Insert the dataset's row unless present; return its content hash.

    The row is the dataset's description, stored once (migration 0005): its task, target
    names and number of targets, class labels (JSON, keeping their type), and every source
    with its full wavelength axis.
    """
    dataset_hash = dataset.content_hash()
    partition = dataset.partition
    row = {
        "dataset_hash": dataset_hash, "name": dataset.name, "task": dataset.task,
        "n_samples": dataset.n_samples,
        "n_train": int((partition == "train").sum()),
        "n_test": int((partition == "test").sum()),
        "target_names": list(dataset.target_names),
        "n_targets": dataset.n_targets,
        "classes": None if dataset.classes is None else json.dumps(dataset.classes.tolist()),
        "wavelengths": [{"source": s.name, "unit": s.unit,
                         "axis": [float(v) for v in s.wavelengths]} for s in dataset.sources],
        "sources": [{"name": s.name, "n_features": s.n_features, "unit": s.unit,
                     "first": float(s.wavelengths[0]) if s.n_features else None,
                     "last": float(s.wavelengths[-1]) if s.n_features else None}
                    for s in dataset.sources],
        "created_at": now(),
    }
    con.register("_n4a_dataset", pa.Table.from_pylist([row]))
    try:
        con.execute("INSERT INTO datasets BY NAME SELECT * FROM _n4a_dataset "
                    "ANTI JOIN datasets USING (dataset_hash)")
    finally:
        con.unregister("_n4a_dataset")
    return dataset_hash


def begin_run(con: duckdb.DuckDBPyConnection, name: str, spec_json: str,
              dataset_hashes: list[str], seed: int, config: Mapping[str, Any] | None) -> str:
    """Insert a run, or set a stored run with the same identity running again."""
    try:
        json.loads(spec_json)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"spec_json must be JSON text (the canonical spec); {exc}") from exc
    run_id = run_identity(spec_json, dataset_hashes, seed)
    time = now()
    updated = con.execute(
        "UPDATE runs SET status = 'running', attempts = attempts + 1, updated_at = ?, "
        "completed_at = NULL, error = NULL WHERE run_id = ? RETURNING run_id",
        [time, run_id]).fetchall()
    if not updated:
        con.execute(
            "INSERT INTO runs (run_id, name, seed, spec, dataset_hashes, config, "
            "nirs4all_version, status, attempts, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', 1, ?, ?)",
            [run_id, name, int(seed), spec_json, sorted(set(dataset_hashes)),
             json.dumps(dict(config or {}), sort_keys=True), library_version(), time, time])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str,
               error: str | None, stats: Mapping[str, Any] | None = None) -> bool:
    """Set a run's final status (and its counters); return whether the run exists."""
    time = now()
    counters = None if stats is None else json.dumps(dict(stats), sort_keys=True,
                                                     default=float)
    return bool(con.execute(
        "UPDATE runs SET status = ?, updated_at = ?, completed_at = ?, error = ?, "
        "stats = ? WHERE run_id = ? RETURNING run_id",
        [status, time, time, error, counters, run_id]).fetchall())


def mark_interrupted(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Mark every ``running`` run ``interrupted``; the caller holds the writer lock, so no
    live process runs them. Return their ids."""
    rows = con.execute("UPDATE runs SET status = 'interrupted', updated_at = ? "
                       "WHERE status = 'running' RETURNING run_id", [now()]).fetchall()
    return sorted(r for (r,) in rows)


def stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Record the nirs4all and DuckDB versions writing the store (and those that created it)."""
    stamps = {"nirs4all_version": library_version(), "duckdb_version": duckdb.__version__}
    stored = dict(con.execute("SELECT key, value FROM store_info").fetchall())
    if all(stored.get(k) == v for k, v in stamps.items()):
        return
    if "created_with_duckdb" not in stored:
        stamps["created_with_duckdb"] = duckdb.__version__
        stamps["created_with_nirs4all"] = library_version()
    con.execute("INSERT OR REPLACE INTO store_info SELECT * FROM "
                "(SELECT unnest(?) AS key, unnest(?) AS value)",
                [list(stamps), list(stamps.values())])


def record_lineage(con: duckdb.DuckDBPyConnection, run_id: str,
                   lineage: Mapping[str, str | None]) -> bool:
    """Record where a retrained run came from; return whether the run exists.

    A column already recorded keeps its value: the same run (same spec, data and seed)
    reached again from another source is the same computation, and its first lineage stays.
    """
    unknown = sorted(set(lineage) - set(LINEAGE_COLUMNS))
    if unknown:
        raise ValueError(f"unknown lineage fields {unknown}; fields are {list(LINEAGE_COLUMNS)}")
    sets = ", ".join(f"{c} = coalesce({c}, ?)" for c in LINEAGE_COLUMNS)
    return bool(con.execute(
        f"UPDATE runs SET {sets}, updated_at = ? WHERE run_id = ? RETURNING run_id",  # noqa: S608
        [*(lineage.get(c) for c in LINEAGE_COLUMNS), now(), run_id]).fetchall())
