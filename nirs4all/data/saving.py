"""`save_dataset`: write a dataset as a ``Xcal/Ycal/Xval/Yval`` folder that loads back exactly.

Numbers are written with Python's shortest round-trip representation, so reading the folder
back with :func:`nirs4all.load_dataset` gives the same float64 values, the same wavelength axis
and the same :meth:`~nirs4all.data.SpectroDataset.content_hash`. A small sidecar file
(``nirs4all_dataset.json``) records what CSV cannot say unambiguously: the task, the axis
units, the dataset name, and that every file starts with a header line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from nirs4all.data._folder import SIDECAR
from nirs4all.data.dataset import SpectroDataset

__all__ = ["save_dataset"]

_FILE_WORDS = {"train": "cal", "test": "val"}


def _format_row(values: np.ndarray) -> str:
    return ";".join(map(repr, values.tolist()))


def _write_features(path: Path, X: np.ndarray, axis: np.ndarray) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(_format_row(axis) + "\n")
        for row in np.asarray(X, dtype=np.float64):
            handle.write(_format_row(row) + "\n")


def _write_columns(path: Path, header: list[str], columns: list[np.ndarray]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        as_lists = [c.tolist() for c in columns]
        for row in zip(*as_lists, strict=True):
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])


def save_dataset(dataset: SpectroDataset, folder: str | Path) -> Path:
    """Write ``dataset`` to ``folder`` (created if needed) and return the folder path.

    Writes ``Xcal.csv`` (``Xcal_<source>.csv`` for each source of a multi-source dataset,
    or when the single source is not named ``"X"``), ``Ycal.csv``, ``Mcal.csv`` and their
    ``val`` counterparts for the test partition, delimited by ``;``. Train rows come before
    test rows when loaded back; sample ids are not written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    named = dataset.n_sources > 1 or dataset.source_names != ("X",)
    for partition, word in _FILE_WORDS.items():
        rows = np.flatnonzero(dataset.partition == partition)
        if rows.size == 0:
            continue
        part = dataset.select(rows)
        for source in part.sources:
            stem = f"X{word}_{source.name}" if named else f"X{word}"
            _write_features(folder / f"{stem}.csv", source.X, source.wavelengths)
        if part.y is not None:
            y = part.y
            columns = [y] if y.ndim == 1 else [y[:, j] for j in range(y.shape[1])]
            _write_columns(folder / f"Y{word}.csv", list(part.target_names), columns)
        if part.metadata:
            _write_columns(folder / f"M{word}.csv", list(part.metadata),
                           list(part.metadata.values()))
    sidecar = {
        "format": 1,
        "header": True,
        "name": dataset.name,
        "task": dataset.task,
        "units": {s.name: s.unit for s in dataset.sources},
    }
    (folder / SIDECAR).write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return folder
