"""A run read back from its workspace as a :class:`~nirs4all.api.result.RunResult`.

:func:`load_run` needs the store alone: the run's passes, chains, predictions, counters and
seed are rebuilt by the code that resumes a run (:class:`~nirs4all.api._resume.StoredPasses`),
so a stored run's result ranks, plots and reports exactly as the result the run returned.
Fitted objects are loaded from the workspace when a chain is asked to predict.

A run is named by its full id or a prefix of at least 4 hex digits (the policy of
:mod:`nirs4all.pipeline.selection`); ``None`` or ``"latest"`` is the newest completed run
(:func:`resolve_run`, from :mod:`nirs4all.workspace._run_reads`, which holds the SQL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nirs4all.api._resume import StoredPasses
from nirs4all.api.result import RunResult
from nirs4all.workspace._run_reads import dataset_rows, resolve_run, run_passes

if TYPE_CHECKING:
    from nirs4all.pipeline.records import VariantOutcome
    from nirs4all.workspace.store import Workspace

__all__ = ["StoredRun", "load_run", "read_stored_run", "resolve_run"]


@dataclass(frozen=True)
class _StoredVariant:
    """What :class:`StoredPasses` reads of a variant, from its ``pipelines`` row."""

    pipeline_id: str
    spec_json: str
    name: str
    choices: tuple[tuple[str, Any], ...]
    # A stacking refit restored without its CV scores still ranks by them: the result
    # merges the refit pass into the CV pass's chain, whose scores it keeps.
    has_stacking: bool = False


@dataclass(frozen=True)
class _StoredData:
    """The dataset as :class:`StoredPasses` asks for it: its hash and its axes."""

    dataset_hash: str
    sources: tuple[Any, ...]

    def content_hash(self) -> str:
        return self.dataset_hash


@dataclass(frozen=True)
class _Source:
    name: str
    wavelengths: Any
    unit: str


def _outcomes(ws: Workspace, run: dict[str, Any]) -> list[VariantOutcome]:
    """Every completed pass of the run, the CV pass of a variant before its refit."""
    passes = StoredPasses(ws, run["run_id"], int(run["seed"]))
    outcomes: list[VariantOutcome] = []
    current = None
    for row in run_passes(ws, run["run_id"]):
        if row["dataset_hash"] != current:
            current = row["dataset_hash"]
            axes = tuple(_Source(w["source"], w["axis"], w["unit"])
                         for w in row["wavelengths"] or ())
            passes.for_dataset(_StoredData(current, axes))  # type: ignore[arg-type]
        variant = _StoredVariant(row["pipeline_id"], row["spec"], row["name"], tuple(
            tuple(choice) for choice in json.loads(row["choices"])))
        outcome = (passes(variant, row["phase"], False)  # type: ignore[arg-type]
                   or passes(variant, row["phase"], True))  # type: ignore[arg-type]
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


@dataclass(frozen=True)
class StoredRun:
    """A stored run: its result, its ``runs`` row, where its datasets came from (the run's
    ``config["data"]`` records, by dataset hash) and each dataset's ``datasets`` row."""

    result: RunResult
    row: dict[str, Any]
    origins: dict[str, dict[str, Any]]
    datasets: dict[str, dict[str, Any]]


def read_stored_run(workspace: str | PathLike[str], run: str | None = None) -> StoredRun:
    """The stored run ``run`` of ``workspace`` with what the store knows of its data; see
    :func:`load_run`."""
    from nirs4all import workspace as stores
    from nirs4all.workspace.export import _training  # the dataset row as TrainingInfo

    with stores.open(workspace, read_only=True) as ws:
        row = resolve_run(ws, run)
        outcomes = _outcomes(ws, row)
        described = dataset_rows(ws, row["dataset_hashes"])
        training = {}
        for outcome in outcomes:
            if outcome.chains and outcome.dataset_hash not in training:
                training[outcome.dataset_hash] = _training(ws, outcome.chains[0],
                                                           outcome.dataset_hash)
    names = {h: described[h]["name"] for h in sorted(
        described, key=lambda h: (described[h]["name"], h))}
    result = RunResult(outcomes, names, seed=int(row["seed"]),
                       stats=json.loads(row["stats"] or "{}"), name=row["name"],
                       training=training)
    result.workspace, result.run_id = Path(workspace), row["run_id"]
    config = json.loads(row["config"] or "{}")
    origins = {o["dataset_hash"]: o for o in config.get("data", [])}
    return StoredRun(result, row, origins, described)


def load_run(workspace: str | PathLike[str], run: str | None = None) -> RunResult:
    """The stored run ``run`` of ``workspace`` as a :class:`RunResult`.

    Parameters
    ----------
    workspace : str or PathLike
        The workspace folder.
    run : str, optional
        A run id or a prefix of it (4+ hex digits); ``None`` or ``"latest"`` for the newest
        completed run.

    Returns
    -------
    RunResult
        Ranked, plotted and reported like the result the run returned; ``workspace`` and
        ``run_id`` are set, and fitted objects load from the workspace when needed.
    """
    return read_stored_run(workspace, run).result
