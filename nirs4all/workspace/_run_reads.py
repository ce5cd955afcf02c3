"""The reads that bring a stored run back (:mod:`nirs4all.api.stored_run`): which run a
selector names, its completed passes and its datasets' rows.

A run is named by its full id or a prefix of at least 4 hex digits (the policy of
:mod:`nirs4all.pipeline.selection`); ``None`` or ``"latest"`` is the newest completed run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from nirs4all.errors import AmbiguousRunError, RunNotFoundError
from nirs4all.pipeline.selection import check_selector

if TYPE_CHECKING:
    from nirs4all.workspace.store import Workspace

__all__ = ["dataset_rows", "resolve_run", "run_passes"]

_RUN_COLUMNS = "run_id, name, seed, status, stats, config, dataset_hashes, completed_at"


def resolve_run(ws: Workspace, selector: str | None = None) -> dict[str, Any]:
    """The ``runs`` row that ``selector`` names (see the module docstring).

    Raises
    ------
    RunNotFoundError
        If no run matches (or, for ``"latest"``, no run has completed).
    AmbiguousRunError
        If a prefix matches several runs.
    ValueError
        If ``selector`` is not 4 to 64 lowercase hex digits nor ``"latest"``.
    """
    if selector is None or selector == "latest":
        rows = ws.sql(f"SELECT {_RUN_COLUMNS} FROM runs WHERE status = 'completed' "  # noqa: S608
                      "ORDER BY completed_at DESC, run_id LIMIT 1").to_pylist()
        if not rows:
            raise RunNotFoundError("no completed run in this workspace; `nirs4all workspace "
                                   "runs` lists its runs and their status")
        return rows[0]
    check_selector(selector, "run_id")
    rows = ws.sql(f"SELECT {_RUN_COLUMNS} FROM runs WHERE starts_with(run_id, ?) "  # noqa: S608
                  "ORDER BY run_id", [selector]).to_pylist()
    exact = [r for r in rows if r["run_id"] == selector]
    if exact or len(rows) == 1:
        return (exact or rows)[0]
    if not rows:
        raise RunNotFoundError(f"no run {selector!r} in this workspace; `nirs4all workspace "
                               "runs` lists the run ids")
    raise AmbiguousRunError(selector, [f"run {r['run_id'][:12]}  {r['status']}  "
                                       f"{r['name']!r}" for r in rows])


def run_passes(ws: Workspace, run_id: str) -> list[dict[str, Any]]:
    """The run's completed passes with their dataset's axes, by dataset, CV before refit."""
    rows = ws.sql("SELECT p.pipeline_id, p.dataset_hash, p.phase, p.name, p.spec, p.choices, "
                  "d.wavelengths FROM pipelines AS p JOIN datasets AS d USING (dataset_hash) "
                  "WHERE p.run_id = ? AND p.status = 'completed' "
                  "ORDER BY p.dataset_hash, p.created_at, p.pipeline_id, p.phase",
                  [run_id]).to_pylist()
    return sorted(rows, key=lambda r: (r["dataset_hash"], r["phase"] != "cv"))


def dataset_rows(ws: Workspace, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Name, task and sample counts of each dataset, by dataset hash."""
    return {r["dataset_hash"]: r for r in ws.sql(
        "SELECT dataset_hash, name, task, n_samples, n_train, n_test FROM datasets "
        "WHERE list_contains(?, dataset_hash)", [list(hashes)]).to_pylist()}
