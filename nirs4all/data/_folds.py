"""Fold files, and a dataset's own folds (the ``folds`` key of a dataset description).

A fold file assigns each training sample to the fold that holds it out: a CSV file with a
``fold`` column (0-based) and optionally ``sample_id``, or a JSON file ``{"folds": [[ids
held out by fold 0], [ids of fold 1], ...]}``. :func:`read_folds` reads both; the pipeline
(``{"split": "folds.csv"}``, :mod:`nirs4all.pipeline._fold_file`) and the dataset loader
(``load_dataset(..., folds="folds.csv")``) share it.

A dataset's folds are kept as the metadata column :data:`FOLD_COLUMN` (the fold that holds
each training row out, ``-1`` on test rows), so they are part of its content hash; a
pipeline without a splitter then cross-validates on them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import DatasetConfigError, SpecError

__all__ = ["FOLD_COLUMN", "read_folds", "with_folds"]

FOLD_COLUMN = "_folds"


def _read_csv(path: Path, error: type[Exception]) -> tuple[list[int], list[str] | None]:
    text = path.read_text(encoding="utf-8").splitlines()
    delimiter = ";" if ";" in text[0] else ","
    reader = csv.DictReader(text, delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "fold" not in fields:
        raise error(f"fold file {path}: the header needs a 'fold' column (and optionally "
                    f"'sample_id'); got {reader.fieldnames}")
    rows = [{k.strip().lower(): (v or "").strip() for k, v in r.items()} for r in reader]
    folds = []
    for line, r in enumerate(rows, start=2):
        try:
            folds.append(int(r["fold"]))
        except ValueError:
            raise error(f"fold file {path}, line {line}: fold {r['fold']!r} is not an "
                        "integer") from None
        if folds[-1] < 0:
            raise error(f"fold file {path}, line {line}: folds count from 0")
    return folds, ([r["sample_id"] for r in rows] if "sample_id" in fields else None)


def read_folds(value: str | Path, where: str, error: type[Exception] = SpecError,
               ) -> tuple[list[int], list[str] | None]:
    """``(fold of each line, sample ids or None)`` of a ``.csv`` or ``.json`` fold file."""
    path = Path(value)
    if not path.is_file():
        raise error(f"{where}: fold file {str(value)!r} does not exist (a string split is a "
                    "path to a .csv or .json fold file)")
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        held = data.get("folds") if isinstance(data, dict) else None
        if not isinstance(held, list) or not all(isinstance(f, list) for f in held):
            raise error(f"{where}: {value}: expected {{'folds': [[ids], [ids], ...]}}")
        ids = [str(i) for fold in held for i in fold]
        if len(set(ids)) != len(ids):
            raise error(f"{where}: {value}: a sample is held out by two folds")
        return [k for k, fold in enumerate(held) for _ in fold], ids
    if path.suffix.lower() != ".csv":
        raise error(f"{where}: fold files are .csv or .json; got {str(value)!r}")
    folds, ids = _read_csv(path, error)
    if ids is not None and len(set(ids)) != len(ids):
        raise error(f"{where}: {value}: a sample_id appears on two lines")
    return folds, ids


def with_folds(dataset: SpectroDataset, folds: str | Path | None) -> SpectroDataset:
    """``dataset`` with the folds of a fold file as its :data:`FOLD_COLUMN` column."""
    if folds is None:
        return dataset
    where = f"dataset {dataset.name!r} folds"
    if FOLD_COLUMN in dataset.metadata:
        raise DatasetConfigError(f"{where}: the metadata already has a {FOLD_COLUMN!r} column")
    fold, ids = read_folds(folds, where, DatasetConfigError)
    train = np.flatnonzero(dataset.partition == "train")
    if ids is None:
        if len(fold) != train.size:
            raise DatasetConfigError(f"{where}: {folds}: {len(fold)} lines without sample_id "
                                     f"for {train.size} training rows; give one per row")
        of_train = np.asarray(fold, dtype=np.int64)
    else:
        lookup = dict(zip(ids, fold, strict=True))
        names = [str(i) for i in dataset.sample_ids[train]]
        missing = [n for n in names if n not in lookup]
        extra = sorted(set(lookup) - set(names))
        if missing or extra:
            what = (f"training sample_id {missing[0]!r} has no fold" if missing else
                    f"sample_id {extra[0]!r} is not a training sample")
            raise DatasetConfigError(f"{where}: {folds}: {what}")
        of_train = np.array([lookup[n] for n in names], dtype=np.int64)
    empty = sorted(set(range(int(of_train.max()) + 1)) - set(of_train.tolist()))
    if empty:
        raise DatasetConfigError(f"{where}: {folds}: fold {empty[0]} holds out no sample")
    column = np.full(dataset.n_samples, -1, dtype=np.int64)
    column[train] = of_train
    return SpectroDataset(dataset.sources, dataset.y, partition=dataset.partition,
                          sample_ids=dataset.sample_ids,
                          metadata={**dataset.metadata, FOLD_COLUMN: column},
                          task=dataset.task if dataset.task_given else "auto",
                          target_names=dataset.target_names or None, name=dataset.name,
                          repetition=dataset.repetition)
