"""Where a run's datasets came from, recorded so that a stored run's report can redraw
their spectra (``nirs4all report RUN``).

A dataset given as a path (folder, CSV or YAML/JSON description) is recorded with its
absolute path and the content hash it loaded with; anything given in memory (arrays, a
``SpectroDataset``, a dict) has no file to return to and is recorded without a path, so the
report can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nirs4all.data.dataset import SpectroDataset

__all__ = ["data_origins"]


def _given(dataset: Any) -> list[Any]:
    """The inputs in the order the run loads them (``run._datasets``)."""
    if hasattr(dataset, "as_datasets"):  # the 0.x DatasetConfigs: its own list of inputs
        return [None]
    if isinstance(dataset, list) and dataset and not all(
            type(d).__module__ == "numpy" for d in dataset):
        return list(dataset)
    return [dataset]


def data_origins(dataset: Any, loaded: Sequence[SpectroDataset],
                 read: Sequence[SpectroDataset]) -> list[dict[str, Any]]:
    """One record per dataset of the run: ``dataset_hash`` (as the run read it), ``path``
    (absolute, or None for data given in memory) and ``file_hash`` (as loaded from it)."""
    given = _given(dataset)
    if len(given) != len(loaded):
        given = [None] * len(loaded)
    out = []
    for source, as_loaded, as_read in zip(given, loaded, read, strict=True):
        path = str(Path(source).resolve()) if isinstance(source, (str, Path)) else None
        out.append({"dataset_hash": as_read.content_hash(), "path": path,
                    "file_hash": as_loaded.content_hash()})
    return out
