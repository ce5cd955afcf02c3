"""The 0.x keywords of ``nirs4all.run``: what each one means in this release.

Kept with their meaning: ``name``, ``verbose``, ``random_state``, ``refit``, ``session``,
``continue_on_error``, ``show_progress_bar``, ``log_file``. Renamed: ``workspace_path``
(now ``workspace``; one :class:`DeprecationWarning`). Recorded on the result for chart
steps: ``plots_visible``, ``save_charts``. Moot in the hardened core, accepted and
documented as no-ops: ``cache`` (every run uses one bounded step cache) and
``keep_datasets`` (a run never keeps dataset snapshots). ``save_artifacts`` is a real
policy of ``nirs4all.run`` (:mod:`nirs4all.pipeline.artifact_policy`).
See ``docs/migration-from-0.x.md``.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nirs4all.pipeline.artifact_policy import artifact_policy

__all__ = ["check_moot", "log_to_file", "resolve_workspace", "session_workspace"]

def resolve_workspace(workspace: Any, workspace_path: Any, default: Any,
                      stacklevel: int = 3) -> Any:
    """``workspace=``, with the 0.x ``workspace_path=`` as a deprecated alias."""
    if workspace_path is None:
        return workspace
    warnings.warn("run(workspace_path=...) is deprecated; use run(workspace=...)",
                  DeprecationWarning, stacklevel=stacklevel)
    if workspace != default and Path(workspace) != Path(workspace_path):
        raise ValueError(f"workspace={workspace!r} and workspace_path={workspace_path!r} "
                         "disagree; pass only workspace=")
    return workspace_path


def session_workspace(session: Any, workspace: Any, default: Any) -> Any:
    """The workspace of a run in ``session`` (which must not contradict ``workspace=``)."""
    if session is None:
        return workspace
    if workspace not in (default, session.workspace):
        raise ValueError(f"workspace={workspace!r} and session (workspace "
                         f"{session.workspace!r}) disagree; pass one of them")
    return session.workspace


def check_moot(*, cache: Any, keep_datasets: Any, save_artifacts: Any) -> None:
    """Validate the 0.x keywords the hardened core makes moot (see the module docstring)."""
    if not isinstance(keep_datasets, bool):
        raise TypeError(f"keep_datasets must be True or False; got {keep_datasets!r}")
    artifact_policy(save_artifacts)  # raises for a value that is no policy
    if cache is not None and not isinstance(cache, bool) and type(cache).__name__ != (
            "CacheConfig"):
        raise TypeError(f"cache must be None, a bool or a CacheConfig; got "
                        f"{type(cache).__name__} (it is accepted for 0.x scripts and has no "
                        "effect: every run uses one bounded step cache)")


def _log_path(log_file: Any, workspace: Path | None, name: str) -> Path | None:
    if log_file is None or log_file is False:
        return None
    if log_file is True:
        if workspace is None:
            raise ValueError("log_file=True writes into the workspace's logs/ folder, and "
                             "this run has none (workspace=None); pass log_file=<path>")
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name or "run")
        return workspace / "logs" / f"{stem}_{time.strftime('%Y%m%dT%H%M%S')}.log"
    if isinstance(log_file, (str, Path)):
        return Path(log_file)
    raise TypeError(f"log_file must be True, False, None or a path; got {log_file!r}")


@contextmanager
def log_to_file(log_file: Any, workspace: Path | None, name: str,
                verbose: int) -> Iterator[Path | None]:
    """A ``FileHandler`` on the ``nirs4all`` logger for the duration (removed after).

    The file gets INFO records (DEBUG with ``verbose >= 2``), appended to.
    """
    path = _log_path(log_file, workspace, name)
    if path is None:
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("nirs4all")
    level = logging.DEBUG if verbose >= 2 else logging.INFO
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    before = logger.level
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    logger.addHandler(handler)
    try:
        yield path
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(before)
