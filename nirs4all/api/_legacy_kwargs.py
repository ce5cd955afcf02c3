"""The 0.x keywords of ``nirs4all.run``: what each one means in this release.

Kept with their meaning: ``name``, ``verbose``, ``random_state``, ``refit``, ``session``,
``continue_on_error``, ``show_progress_bar``, ``log_file``. Renamed: ``workspace_path``
(now ``workspace``; one :class:`DeprecationWarning`). ``save_charts`` and
``plots_visible`` make the pipeline's chart steps draw (see :func:`chart_renderer`). Moot
in the hardened core, accepted and documented as no-ops: ``cache`` (every run uses one
bounded step cache) and ``keep_datasets`` (a run never keeps dataset snapshots).
``save_artifacts`` is a real policy of ``nirs4all.run``
(:mod:`nirs4all.pipeline.artifact_policy`).
See ``docs/migration-from-0.x.md``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nirs4all.pipeline.artifact_policy import artifact_policy

__all__ = ["chart_renderer", "check_moot", "deprecated", "log_to_file", "resolve_workspace",
           "session_workspace", "show_charts"]


_WARNED: set[tuple[str, str, int]] = set()
"""(spelling, file, line) of the deprecation warnings already shown in this process."""


def _action(message: str, module: str, lineno: int) -> str:
    """The action of the first warnings filter that applies to this DeprecationWarning."""
    for action, text, category, mod, line in warnings.filters:
        if ((text is None or text.match(message)) and issubclass(DeprecationWarning, category)
                and (mod is None or mod.match(module)) and line in (0, lineno)):
            return action
    return "default"


def deprecated(old: str, new: str, stacklevel: int = 3) -> None:
    """One :class:`DeprecationWarning`: ``old`` still works, ``new`` replaces it.

    ``stacklevel`` points at the user's line (3: the caller of the function that calls
    this), so the warning is attributed to the user's module. It is shown once per line of
    user code and process: scikit-learn enters ``warnings.catch_warnings`` in every
    ``check_array``, which resets Python's own once-per-line registry, so a 0.x call in a
    loop would otherwise warn on every turn. Under an ``"always"`` or ``"error"`` filter
    (``pytest.warns``, ``-W error``) every call warns, as asked.
    """
    message = f"{old} is deprecated; use {new}"
    frame = sys._getframe(stacklevel - 1)  # the user's frame; cheap, unlike inspect.stack
    key = (old, frame.f_code.co_filename, frame.f_lineno)
    action = _action(message, str(frame.f_globals.get("__name__", "")), frame.f_lineno)
    if action not in ("always", "error"):
        if key in _WARNED:
            return
        _WARNED.add(key)
    warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)


def _stamped(folder: Path, name: str, suffix: str = "") -> Path:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name or "run")
    return folder / f"{stem}_{time.strftime('%Y%m%dT%H%M%S')}{suffix}"


def chart_renderer(save_charts: bool, plots_visible: bool, workspace: Path | None,
                   name: str) -> Any:
    """What draws the chart steps of a run, or None when the run asks for no chart.

    ``save_charts=True`` writes each chart as a PNG into
    ``<workspace>/charts/<name>_<timestamp>/``; ``plots_visible=True`` opens each one in
    ``pyplot`` (shown by :func:`show_charts` when the run is over). Both need the ``viz``
    extra (matplotlib).
    """
    if not (save_charts or plots_visible):
        return None
    folder = None
    if save_charts:
        if workspace is None:
            raise ValueError("save_charts=True writes into the workspace's charts/ folder, "
                             "and this run has none (workspace=None); pass a workspace or "
                             "save_charts=False")
        folder = _stamped(workspace / "charts", name)
    from nirs4all.viz._charts import ChartRenderer

    return ChartRenderer(folder, show=bool(plots_visible))


def show_charts(renderer: Any) -> None:
    """Show the charts a run opened in pyplot, on an interactive backend only.

    On a non-interactive backend (Agg, in scripts and tests) the figures stay open in
    pyplot, where a notebook displays them; nothing blocks.
    """
    if renderer is None or not renderer.show:
        return
    import matplotlib
    import matplotlib.pyplot as plt

    interactive = matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps",
                                                           "cairo", "template")
    if interactive and plt.get_fignums():
        plt.show()

def resolve_workspace(workspace: Any, workspace_path: Any, default: Any,
                      stacklevel: int = 3) -> Any:
    """``workspace=``, with the 0.x ``workspace_path=`` as a deprecated alias."""
    if workspace_path is None:
        return workspace
    deprecated("run(workspace_path=...)", "run(workspace=...)", stacklevel=stacklevel + 1)
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
        return _stamped(workspace / "logs", name, ".log")
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
