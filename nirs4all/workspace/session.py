"""A run's write session: the one object through which ``nirs4all.run`` writes a workspace.

:meth:`Workspace.session <nirs4all.workspace.store.Workspace.session>` starts (or resumes)
a run and returns a :class:`RunSession`. The engine hands it every outcome as it comes; the
session writes them in deterministic order, ``batch`` variant passes per transaction
(:meth:`~nirs4all.workspace.store.Workspace.persist`), and counts what it wrote. Leaving
the ``with`` block closes the run:

- without an error, the pending outcomes are written and the run is marked ``completed``
  with the counters the caller recorded (:meth:`RunSession.record`) plus the session's own;
- with an error (``KeyboardInterrupt`` included), the complete outcomes still pending are
  written first, so that running the same run again resumes after them, and the run is
  marked ``failed`` with the error. A second fault while doing so is logged, never raised
  over the run's own error.

A process killed inside the block leaves the run ``running``; the next writer to open the
workspace marks it ``interrupted`` (see :mod:`nirs4all.workspace.store`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from nirs4all.data.dataset import SpectroDataset
from nirs4all.pipeline.artifact_policy import ARTIFACT_POLICIES, keep_artifacts
from nirs4all.pipeline.records import TrialRecord, VariantOutcome

if TYPE_CHECKING:
    import pyarrow as pa

    from nirs4all.workspace._persist import PersistResult

__all__ = ["DEFAULT_BATCH", "WRITE_COUNTERS", "RunSession", "SessionStore"]

logger = logging.getLogger("nirs4all.workspace")

DEFAULT_BATCH = 8
"""Variant passes written per transaction: fewer commits, little lost to a crash."""

WRITE_COUNTERS = ("predictions_written", "predictions_existing", "artifacts_written",
                  "artifacts_reused", "artifacts_repaired", "chains_written")
"""What a session counts; :attr:`RunSession.written` adds ``persist_s``,
``artifact_bytes_written`` and ``trials_written`` (trials written as they completed)."""


class SessionStore(Protocol):
    """What a session calls of a :class:`~nirs4all.workspace.store.Workspace`.

    A protocol, so that this module does not import the store back (the store's
    ``session`` method makes a :class:`RunSession`).
    """

    def begin_run(self, name: str, *, spec_json: str, datasets: Sequence[SpectroDataset],
                  seed: int, config: Mapping[str, Any] | None = None) -> str:
        """Start or resume a run."""

    def persist(self, run_id: str, outcomes: Sequence[VariantOutcome]) -> PersistResult:
        """Write outcomes in one transaction."""

    def persist_trials(self, run_id: str, trials: Sequence[TrialRecord]) -> int:
        """Write fine-tuning trials."""

    def complete_run(self, run_id: str, stats: Mapping[str, Any] | None = None) -> None:
        """Mark the run completed."""

    def fail_run(self, run_id: str, error: str) -> None:
        """Mark the run failed."""

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None,
            ) -> pa.Table:
        """A read-only query."""


class RunSession:
    """Write one run's outcomes into a workspace and close the run (a context manager).

    Made by :meth:`Workspace.session <nirs4all.workspace.store.Workspace.session>`; the
    run is started (or resumed) when the session is made.

    Attributes
    ----------
    workspace : SessionStore
        The workspace written (the session does not close it).
    run_id : str
        The run's id (:func:`~nirs4all.workspace.runs.run_identity`).
    written : dict
        The write counters, complete once the block is left.
    """

    def __init__(self, workspace: SessionStore, name: str, *, spec_json: str,
                 datasets: Sequence[SpectroDataset], seed: int,
                 config: Mapping[str, Any] | None = None, batch: int = DEFAULT_BATCH,
                 artifacts: str = "all") -> None:
        if batch < 1:
            raise ValueError(f"batch must be at least 1 variant pass; got {batch}")
        self.workspace = workspace
        self.batch = int(batch)
        if artifacts not in ARTIFACT_POLICIES:
            raise ValueError(f"artifacts must be one of {ARTIFACT_POLICIES} (see "
                             f"nirs4all.pipeline.artifact_policy); got {artifacts!r}")
        self.artifacts = artifacts  # which fitted objects are kept
        self.run_id = workspace.begin_run(name or "run", spec_json=spec_json,
                                          datasets=datasets, seed=seed, config=config)
        self.written: dict[str, Any] = dict.fromkeys(WRITE_COUNTERS, 0)
        self.written["persist_s"] = 0.0
        self.written["trials_written"] = 0
        self._pending: list[VariantOutcome] = []
        self._stats: dict[str, Any] = {}
        self._bytes_before = self._artifact_bytes()

    def _artifact_bytes(self) -> int:
        row = self.workspace.sql("SELECT coalesce(sum(size_bytes), 0) AS b FROM artifacts")
        return int(row.to_pylist()[0]["b"])

    def add(self, outcome: VariantOutcome) -> None:
        """Queue an outcome; a full batch is written at once (restored outcomes are not)."""
        if outcome.restored:  # read from this store: nothing to write
            return
        self._pending.append(keep_artifacts(outcome, self.artifacts))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the pending outcomes in one transaction."""
        if not self._pending:
            return
        start = time.perf_counter()
        result = self.workspace.persist(self.run_id, self._pending)
        self.written["persist_s"] += time.perf_counter() - start
        for name in WRITE_COUNTERS:
            if name != "artifacts_reused":
                self.written[name] += getattr(result, name)
        # Every fitted object of the batch either got a new file or matched one stored.
        offered = sum(len(o.artifacts) for o in self._pending)
        self.written["artifacts_reused"] += offered - result.artifacts_written
        self._pending = []

    def add_trials(self, trials: Sequence[TrialRecord]) -> None:
        """Write fine-tuning trials at once, ahead of their pass (a resumed run replays them)."""
        if trials:
            self.written["trials_written"] += self.workspace.persist_trials(self.run_id, trials)

    def record(self, stats: Mapping[str, Any]) -> None:
        """Counters of the run (variants, timings ...) to store when it completes."""
        self._stats = dict(stats)

    def _keep_completed(self) -> None:
        """Write the complete outcomes still pending, so that a rerun resumes after them."""
        try:
            self.flush()
        except Exception as exc:  # the run failed already; its own error is what matters
            logger.warning("could not store %d completed variant pass(es) of the failed run: "
                           "%s: %s", len(self._pending), type(exc).__name__, exc)

    def close(self, error: BaseException | None = None) -> None:
        """Write what is pending and mark the run completed (or failed with ``error``)."""
        if error is None:
            self.flush()
            self.written["artifact_bytes_written"] = (self._artifact_bytes()
                                                      - self._bytes_before)
            self.workspace.complete_run(self.run_id, {**self._stats, **self.written})
        else:
            self._keep_completed()
            self.workspace.fail_run(self.run_id, f"{type(error).__name__}: {error}")

    def __enter__(self) -> RunSession:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(exc)
