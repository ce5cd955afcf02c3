"""The HTML report of a run read back from its workspace (``nirs4all report RUN``).

:func:`write_run_report` builds the report of :func:`~nirs4all.viz.write_report` from the
store alone (a :class:`~nirs4all.api.stored_run.StoredRun`, passed in: this layer does not
import the API): the dataset rows, the ranking, the CV heatmap, the best chains' predicted vs
observed, residuals and fold scores (from the stored predictions and scores), the run's
counters and seed. The mean spectra need the spectra themselves: when the run recorded the
file its dataset came from and that file still loads with the same content hash, the best
chain's stored preprocessing is applied to it; otherwise the section says why it is
missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from nirs4all.viz.report import write_report

__all__ = ["write_run_report"]


def _spectra_source(origin: Mapping[str, Any] | None) -> tuple[Any, str]:
    """The dataset the run read, loaded again from its recorded file, or why not."""
    from nirs4all.data import load_dataset
    from nirs4all.errors import DataError

    if origin is None:
        return None, ("no spectra: the run did not record where its data came from (a run "
                      "stored by an earlier version)")
    path = origin.get("path")
    if path is None:
        return None, ("no spectra: the run was given its data in memory, not as a file; "
                      "call result.report(path, dataset=...) with the dataset instead")
    if not Path(path).exists():
        return None, f"no spectra: the run's data file {path} no longer exists"
    try:
        dataset = load_dataset(path)
    except (DataError, OSError, ValueError) as exc:
        return None, f"no spectra: the run's data file {path} no longer loads: {exc}"
    digest = dataset.content_hash()
    if digest != origin.get("file_hash"):
        return None, (f"no spectra: the run's data file {path} changed since the run (its "
                      f"content hash is {digest[:12]}, the run read "
                      f"{str(origin.get('file_hash'))[:12]})")
    return dataset, ""


def write_run_report(stored: Any, path: str | PathLike[str], *, n_best: int = 3,
                     n_rows: int = 50) -> tuple[Path, dict[str, str]]:
    """Write the HTML report of a stored run to ``path``.

    Parameters
    ----------
    stored : StoredRun
        What :func:`nirs4all.api.stored_run.read_stored_run` read from the workspace.
    path : str or PathLike
        The ``.html`` file to write.
    n_best, n_rows : int
        As in :func:`~nirs4all.viz.write_report`.

    Returns
    -------
    tuple
        The file written, and by dataset name why its spectra are missing (empty when
        every dataset's spectra are drawn).
    """
    result = stored.result
    given, described, missing = {}, {}, {}
    for digest, name in result.datasets.items():
        dataset, reason = _spectra_source(stored.origins.get(digest))
        described[digest] = dict(stored.datasets.get(digest, {}))
        if dataset is None:
            described[digest]["spectra_missing"] = reason
            missing[name] = reason
        else:
            given[digest] = dataset
    out = write_report(result, path, datasets=given, n_best=n_best, n_rows=n_rows,
                       described=described)
    return out, missing
