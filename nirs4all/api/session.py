"""Sessions: several runs that share one workspace (the 0.x ``nirs4all.session``).

A :class:`Session` holds a workspace, default run options and, optionally, a pipeline; its
:meth:`Session.run` calls :func:`nirs4all.run` with them and keeps every result in
``history``. It is a thin convenience: each run is an ordinary run of the one engine,
written to the one store (``nirs4all.run(..., session=s)`` is the same).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nirs4all.api.predict import PredictResult
from nirs4all.api.result import RunResult

__all__ = ["Session", "load_session", "session"]


class Session:
    """Runs sharing one workspace and default options.

    Parameters
    ----------
    pipeline : list, optional
        The pipeline :meth:`run` uses when none is given.
    name : str
        Default run name.
    workspace : str, Path or None
        The shared workspace (``./workspace`` by default; None keeps results in memory).
    **run_options
        Defaults for :func:`nirs4all.run` (``verbose``, ``random_state``, ``refit``...).
    """

    def __init__(self, pipeline: Any = None, name: str = "", *,
                 workspace: str | Path | None = "./workspace", **run_options: Any) -> None:
        if "workspace_path" in run_options:
            from nirs4all.api._legacy_kwargs import resolve_workspace

            workspace = resolve_workspace(workspace, run_options.pop("workspace_path"),
                                          "./workspace", stacklevel=3)
        self.pipeline = pipeline
        self.name = name
        self.workspace = workspace
        self.run_options = run_options
        self.history: list[RunResult] = []
        self.status = "initialized"
        self._bundle: Path | None = None

    @property
    def last_result(self) -> RunResult | None:
        """The latest run's result (None before the first run)."""
        return self.history[-1] if self.history else None

    def run(self, dataset: Any, pipeline: Any = None, **options: Any) -> RunResult:
        """Run ``pipeline`` (the session's by default) on ``dataset`` in this session."""
        from nirs4all.api.run import run

        pipeline = self.pipeline if pipeline is None else pipeline
        if pipeline is None:
            raise ValueError("this session has no pipeline: pass one to Session(...) or run()")
        kwargs = {"name": self.name, **self.run_options, **options}
        try:
            result = run(pipeline, dataset, session=self, **kwargs)
        except BaseException:
            self.status = "error"
            raise
        self.status = "trained"
        return result

    def _source(self) -> RunResult | Path:
        if self.last_result is not None:
            return self.last_result
        if self._bundle is not None:
            return self._bundle
        raise ValueError("this session has not been trained: call run() first")

    def predict(self, data: Any, **options: Any) -> PredictResult:
        """Predict with the latest run's best chain (or the loaded bundle)."""
        from nirs4all.api.predict import predict

        return predict(self._source(), data, **options)

    def retrain(self, data: Any, mode: str = "full", **options: Any) -> RunResult:
        """Train the latest chain again on ``data`` (see :func:`nirs4all.retrain`)."""
        from nirs4all.api.retrain import retrain

        result = retrain(self._source(), data, mode=mode,
                         **{"workspace": self.workspace, **options})
        self.history.append(result)
        return result

    def save(self, path: str | Path) -> Path:
        """Export the latest run's best chain as a ``.n4a`` bundle."""
        if self.last_result is None:
            raise ValueError("this session has not been trained: call run() first")
        return self.last_result.export(path)

    def close(self) -> None:
        """Forget the results held in memory (the workspace keeps them)."""
        self.history.clear()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"Session(name={self.name!r}, workspace={self.workspace!r}, "
                f"status={self.status!r}, runs={len(self.history)})")


@contextmanager
def session(pipeline: Any = None, name: str = "", **options: Any) -> Iterator[Session]:
    """A :class:`Session` for a ``with`` block (closed at its end)."""
    with Session(pipeline, name, **options) as s:
        yield s


def load_session(path: str | Path, **options: Any) -> Session:
    """A trained session over a ``.n4a`` bundle: it predicts and retrains from it."""
    from nirs4all.workspace.bundle import read_bundle

    path = Path(path)
    read_bundle(path)  # refuse a file that is not a bundle now, not at first use
    out = Session(name=path.stem, **options)
    out._bundle = path
    out.status = "trained"
    return out
