"""The workspace: a DuckDB store plus content-addressed artifact files, with one writer.

Layout of a workspace folder::

    store.duckdb        runs, datasets, pipelines, chains, predictions, artifacts
    store.lock          the writer's lock (PID, host, start time)
    artifacts/ab/<sha256>.skops

Runs are identified by :func:`~nirs4all.workspace.runs.run_identity` (spec, dataset hashes,
seed): running the same run again resumes it and writes no duplicate.

Crash safety
------------
Each :meth:`Workspace.persist` is one transaction. A writer killed at any point leaves the
store as it was before or after a whole batch. Opening a workspace for writing marks runs
still ``running`` as ``interrupted``: the writer lock proves their process is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from nirs4all.data.dataset import SpectroDataset
from nirs4all.pipeline.records import (
    ChainRecord,
    PredictionRecord,
    TrialRecord,
    VariantOutcome,
)
from nirs4all.workspace import _flags, queries
from nirs4all.workspace import runs as _runs
from nirs4all.workspace._delete import DeleteReport, GcReport, collect_garbage, delete_run_rows
from nirs4all.workspace._faults import typed_method
from nirs4all.workspace._persist import PersistResult, persist_outcomes
from nirs4all.workspace._trials import read_trials, write_trial_records
from nirs4all.workspace.artifacts import ArtifactFiles
from nirs4all.workspace.errors import ArtifactIntegrityError, WorkspaceError
from nirs4all.workspace.lock import WriterLock, open_store
from nirs4all.workspace.queries import ReadOnlyConnection
from nirs4all.workspace.resolver import resolve_chain
from nirs4all.workspace.schema import ARTIFACTS_DIR, STORE_FILE, is_sha256_hex
from nirs4all.workspace.serialization import FORMATS, deserialize
from nirs4all.workspace.session import DEFAULT_BATCH, RunSession

__all__ = ["GcReport", "Workspace"]

logger = logging.getLogger("nirs4all.workspace")
_typed = typed_method(lambda ws: ws.path / STORE_FILE)


class Workspace:
    """A workspace folder opened for reading or writing.

    Use :func:`nirs4all.workspace.open`; close it (or use ``with``) to release the lock.

    Parameters
    ----------
    path : str or PathLike
        The workspace folder (created when opened for writing).
    read_only : bool
        Open for queries only. Works while no process holds the workspace for writing.
    lock_timeout : float
        Seconds to wait for another process to release the workspace before raising
        :class:`~nirs4all.workspace.errors.WorkspaceLockedError`.
    artifact_format : {"skops", "joblib", "pickle"}
        Format of the artifacts this workspace writes.
    """

    def __init__(self, path: str | PathLike[str], *, read_only: bool = False,
                 lock_timeout: float = 0.0, artifact_format: str = "skops") -> None:
        if artifact_format not in FORMATS:
            raise ValueError(
                f"artifact_format must be one of {sorted(FORMATS)}; got {artifact_format!r}")
        self.path = Path(path)
        self.read_only = read_only
        self.artifact_format = artifact_format
        self.files = ArtifactFiles(self.path / ARTIFACTS_DIR)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock: WriterLock | None = None
        self._con, self._lock = open_store(self.path, read_only, lock_timeout, self._prepare)

    @staticmethod
    def _prepare(con: duckdb.DuckDBPyConnection) -> None:
        _runs.stamp(con)
        for run_id in _runs.mark_interrupted(con):
            logger.warning("run %s was interrupted; run it again to complete it", run_id[:10])

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the store and release the writer lock."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Workspace({str(self.path)!r}, {mode})"

    @property
    def connection(self) -> ReadOnlyConnection:
        """The store's connection for queries: ``.sql()`` and ``.execute()`` of one SELECT.

        Writes are refused with :class:`~nirs4all.workspace.errors.ReadOnlyQueryError`;
        the store changes only through :meth:`persist` and the other methods of this class.
        """
        return ReadOnlyConnection(self._reader(), self.path / STORE_FILE)

    def _reader(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise WorkspaceError(f"workspace {self.path} is closed")
        return self._con

    def _writable(self) -> duckdb.DuckDBPyConnection:
        """The raw connection, for the workspace's own write path only."""
        if self.read_only:
            raise WorkspaceError(f"workspace {self.path} was opened read-only")
        return self._reader()

    # -- runs and datasets ------------------------------------------------------------------

    @_typed("recording a dataset")
    def register_dataset(self, dataset: SpectroDataset) -> str:
        """Record a dataset (once) and return its ``dataset_hash``: its content hash."""
        return _runs.register_dataset(self._writable(), dataset)

    @_typed("starting a run")
    def begin_run(self, name: str, *, spec_json: str, datasets: Sequence[SpectroDataset],
                  seed: int, config: Mapping[str, Any] | None = None) -> str:
        """Start (or resume) a run; return its id (see :mod:`nirs4all.workspace.runs`).

        Parameters
        ----------
        name : str
            Display name (kept from the first attempt).
        spec_json : str
            Canonical JSON of the pipeline(s) as the user gave them.
        datasets : sequence of SpectroDataset
            The datasets of the run; each is registered.
        seed : int
            The run's root seed.
        config : mapping, optional
            Other run settings (refit policy, n_jobs ...), stored as JSON.
        """
        con = self._writable()
        hashes = [_runs.register_dataset(con, d) for d in datasets]
        return _runs.begin_run(con, name, spec_json, hashes, seed, config)

    @_typed("completing a run")
    def complete_run(self, run_id: str, stats: Mapping[str, Any] | None = None) -> None:
        """Mark a run completed, with its counters (variants, cache hits, timings...)."""
        if not _runs.finish_run(self._writable(), run_id, "completed", None, stats):
            raise WorkspaceError(f"no run {run_id[:10]}... in workspace {self.path}")

    def session(self, name: str, *, spec_json: str, datasets: Sequence[SpectroDataset],
                seed: int, config: Mapping[str, Any] | None = None,
                batch: int = DEFAULT_BATCH, artifacts: str = "all") -> RunSession:
        """Start (or resume) a run and return its write session (see :mod:`.session`).

        Parameters are those of :meth:`begin_run`, ``batch`` (variant passes written per
        transaction) and ``artifacts`` (the fitted objects kept, by default all those given;
        ``nirs4all.run`` passes its ``save_artifacts``:
        :mod:`nirs4all.pipeline.artifact_policy`). Use it as
        ``with ws.session(...) as s: s.add(outcome)``.
        """
        return RunSession(self, name, spec_json=spec_json, datasets=datasets, seed=seed,
                          config=config, batch=batch, artifacts=artifacts)

    @_typed("recording a run's lineage")
    def record_lineage(self, run_id: str, **lineage: str | None) -> None:
        """Record where a retrained run came from (``nirs4all.retrain`` calls this).

        Keyword arguments are the columns of :data:`~nirs4all.workspace.runs.LINEAGE_COLUMNS`
        (``parent_chain_id``, ``parent_run_id``, ``parent_bundle``, ``parent_bundle_sha256``,
        ``retrain_mode``); a column already recorded keeps its first value.
        """
        if not _runs.record_lineage(self._writable(), run_id, lineage):
            raise WorkspaceError(f"no run {run_id[:10]}... in workspace {self.path}")

    @_typed("recording a failed run")
    def fail_run(self, run_id: str, error: str) -> None:
        """Mark a run failed, with the error message."""
        if not _runs.finish_run(self._writable(), run_id, "failed", error):
            raise WorkspaceError(f"no run {run_id[:10]}... in workspace {self.path}")

    # -- the write path ---------------------------------------------------------------------

    @_typed("writing outcomes")
    def persist(self, run_id: str,
                outcomes: VariantOutcome | Sequence[VariantOutcome]) -> PersistResult:
        """Write outcomes of pipeline variants in one transaction.

        Pipeline rows, chains, artifacts and predictions of every outcome given are written
        together or not at all. Predictions already stored under the same natural key are
        verified (a difference raises
        :class:`~nirs4all.workspace.errors.PredictionConflictError`) and not written again.

        Parameters
        ----------
        run_id : str
            A run started with :meth:`begin_run` and still running.
        outcomes : VariantOutcome or sequence of VariantOutcome
            One outcome, or a batch written in the given order.

        Returns
        -------
        PersistResult
            Counts of rows written and rows found already stored.

        Raises
        ------
        DuplicateKeyError
            If the batch holds a natural key twice (nothing is written).
        PredictionConflictError, IdentityConflictError
            If the batch contradicts what is stored (nothing is written).
        """
        con = self._writable()
        batch = [outcomes] if isinstance(outcomes, VariantOutcome) else list(outcomes)
        if not all(isinstance(o, VariantOutcome) for o in batch):
            kind = next(type(o).__name__ for o in batch if not isinstance(o, VariantOutcome))
            raise TypeError(f"persist takes VariantOutcome objects; got {kind}")
        rows = con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchall()
        status = rows[0] if rows else None
        if status is None or status[0] != "running":
            state = "does not exist" if status is None else f"is {status[0]}"
            raise WorkspaceError(
                f"run {run_id[:10]}... {state}; call begin_run() before persisting outcomes")
        unknown = sorted({o.dataset_hash for o in batch} - {h for (h,) in con.execute(
            "SELECT dataset_hash FROM datasets WHERE list_contains(?, dataset_hash)",
            [sorted({o.dataset_hash for o in batch})]).fetchall()})
        if unknown:
            raise WorkspaceError(
                f"dataset {unknown[0][:10]}... is not registered in {self.path}; outcomes must "
                "carry SpectroDataset.content_hash() of a dataset given to begin_run()")
        return persist_outcomes(con, self.files, run_id, batch, self.artifact_format)

    @_typed("reading the stored passes")
    def completed_variants(self, run_id: str) -> set[tuple[str, str, str]]:
        """Return ``(pipeline_id, dataset_hash, phase)`` of the passes a run has stored."""
        rows = self._reader().execute(
            "SELECT pipeline_id, dataset_hash, phase FROM pipelines "
            "WHERE run_id = ? AND status = 'completed'", [run_id]).fetchall()
        return {(p, d, ph) for p, d, ph in rows}

    # -- artifacts --------------------------------------------------------------------------

    def _artifact_row(self, artifact_id: str) -> tuple[str, str]:
        if not is_sha256_hex(artifact_id):
            raise ValueError(f"artifact ids are 64-hex SHA-256 strings; got {artifact_id!r}")
        row = self._reader().execute(
            "SELECT format, extension FROM artifacts WHERE artifact_id = ?",
            [artifact_id]).fetchall()
        if not row:
            raise ArtifactIntegrityError(f"no artifact {artifact_id[:10]}... in {self.path}")
        return row[0][0], row[0][1]

    @_typed("loading an artifact")
    def load_artifact(self, artifact_id: str, *, trusted: bool | Iterable[str] = False) -> Any:
        """Load a fitted object after verifying its file's hash.

        Parameters
        ----------
        artifact_id : str
            Full SHA-256 id (from a chain's steps).
        trusted : bool or iterable of str
            See :func:`nirs4all.workspace.serialization.deserialize`: by default skops
            artifacts load under the allow-list and joblib/pickle artifacts are refused.

        Raises
        ------
        ArtifactIntegrityError
            If the file is missing or was modified.
        UntrustedArtifactError
            If loading needs types or a format nobody vouched for.
        """
        fmt, extension = self._artifact_row(artifact_id)
        data = self.files.read(artifact_id, extension)
        return deserialize(data, fmt, artifact_id=artifact_id, trusted=trusted)

    @_typed("verifying artifacts")
    def verify_artifacts(self) -> list[str]:
        """Return the ids of stored artifacts whose file is missing or damaged."""
        rows = self._reader().execute(
            "SELECT artifact_id, extension FROM artifacts ORDER BY artifact_id").fetchall()
        return [a for a, ext in rows if not self.files.verify(a, ext)]

    @_typed("collecting unreferenced artifacts")
    def gc(self) -> GcReport:
        """Remove artifacts no chain references: their rows, their files, stray files.

        Returns
        -------
        GcReport
        """
        return collect_garbage(self._writable(), self.files)

    @_typed("deleting a run")
    def delete_run(self, run_id: str) -> DeleteReport:
        """Delete a run, the chains and predictions no other run needs (one transaction,
        see :mod:`._delete`), then :meth:`gc` the files; ``RunNotFoundError`` if unknown."""
        removed = delete_run_rows(self._writable(), run_id)
        freed = self.gc()
        return DeleteReport(run_id, *removed, freed.rows_removed, freed.files_removed,
                            freed.bytes_freed)

    # -- queries ----------------------------------------------------------------------------

    @_typed("querying runs")
    def runs(self) -> pa.Table:
        """All runs, newest first (read-only: a ``running`` run shows as ``interrupted``)."""
        return queries.runs(self._reader(), writer_alive=not self.read_only)

    @_typed("querying pipelines")
    def pipelines(self, run_id: str | None = None) -> pa.Table:
        """Pipeline passes, optionally of one run."""
        return queries.pipelines(self._reader(), run_id)

    @_typed("writing trials")
    def persist_trials(self, run_id: str, trials: Sequence[TrialRecord]) -> int:
        """Write fine-tuning trials as they complete (the ones stored already are kept)."""
        return write_trial_records(self._writable(), run_id, list(trials))

    @_typed("querying trials")
    def trials(self, run_id: str, dataset_hash: str | None = None) -> list[TrialRecord]:
        """The fine-tuning trials of a run (the ``trials`` table, as records)."""
        return read_trials(self._reader(), run_id, dataset_hash)

    @_typed("querying chains")
    def chains(self, **filters: Any) -> pa.Table:
        """Chains matching equality filters on their columns (see :func:`queries.chains`)."""
        return queries.chains(self._reader(), **filters)

    @_typed("querying predictions")
    def predictions(self, *, with_arrays: bool = False, **filters: Any) -> pa.Table:
        """Prediction rows matching filters; arrays only when ``with_arrays``."""
        return queries.predictions(self._reader(), with_arrays=with_arrays, **filters)

    @_typed("querying predictions")
    def prediction_records(self, **filters: Any) -> list[PredictionRecord]:
        """Stored predictions as :class:`PredictionRecord` objects, arrays included."""
        return queries.prediction_records(self._reader(), **filters)

    @_typed("querying sample flags")
    def sample_flags(self, **filters: Any) -> pa.Table:
        """Samples ``exclude``/``tag`` steps flagged (see :func:`_flags.sample_flags`)."""
        return _flags.sample_flags(self._reader(), **filters)

    @_typed("ranking chains")
    def top(self, n: int = 10, *, dataset_hash: str | None = None,
            metric: str | None = None) -> pa.Table:
        """The ``n`` best chains by pooled CV score (direction aware, ties by chain_id)."""
        return queries.top(self._reader(), n, dataset_hash=dataset_hash, metric=metric)

    @_typed("running a query")
    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None,
            ) -> pa.Table:
        """Run a SQL query on the store and return an Arrow table."""
        return queries.sql(self._reader(), query, params)

    @_typed("resolving a chain")
    def resolve_chain(self, selector: str | Mapping[str, Any]) -> ChainRecord:
        """Return the one chain a selector designates (see :func:`resolver.resolve_chain`)."""
        return resolve_chain(self._reader(), selector)

    def export(self, selector: str | Mapping[str, Any], path: str | PathLike[str], *,
               key: str | bytes | None = None, trusted: bool | list[str] = False) -> Path:
        """Write a stored chain's final refit as a verified ``.n4a`` bundle.

        Parameters
        ----------
        selector : str or mapping
            A chain id (or a selector :meth:`resolve_chain` accepts).
        path : str or PathLike
            The bundle to write.
        key : str or bytes, optional
            HMAC key to sign it (``NIRS4ALL_BUNDLE_KEY`` by default).
        trusted : bool or list of str
            Types to load beyond the allow-list while reading the stored objects.
        """
        from nirs4all.workspace.export import export_chain

        return export_chain(self, selector, path, key=key, trusted=trusted)
