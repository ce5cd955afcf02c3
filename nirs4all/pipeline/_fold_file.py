"""Cross-validation folds read from a file: ``{"split": "folds.csv"}``.

A fold file assigns each training sample to the fold that holds it out:

- CSV (``.csv``): a header line, then one line per training sample with the columns
  ``sample_id`` and ``fold`` (a 0-based integer). Without a ``sample_id`` column the lines
  follow the training rows of the dataset in order;
- JSON (``.json``): ``{"folds": [[ids held out by fold 0], [ids of fold 1], ...]}``.

:func:`embed_fold_files` reads the file when the run prepares its variants and puts the
assignment in the pipeline in place of the path, so the folds are part of the pipeline's
identity and of the spec the workspace stores. Every training sample must be assigned once.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.errors import SpecError

__all__ = ["FoldAssignment", "embed_fold_files", "read_fold_file"]


class FoldAssignment:
    """Predefined folds: sample ``sample_ids[i]`` is held out by fold ``folds[i]``.

    ``split(X, y, groups)`` takes the sample ids of the rows as ``groups`` (the pipeline
    passes them). ``sample_ids`` may be None: ``folds`` then follows the rows in order.
    """

    def __init__(self, folds: Sequence[int], sample_ids: Sequence[str] | None = None,
                 source: str = "") -> None:
        self.folds = folds
        self.sample_ids = sample_ids
        self.source = source

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (what identifies the folds)."""
        return {"folds": self.folds, "sample_ids": self.sample_ids, "source": self.source}

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds in the file."""
        return int(max(self.folds)) + 1 if len(self.folds) else 0

    def split(self, X: Any, y: Any = None, groups: Any = None,
              ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(fit rows, held-out rows) of every fold, rows of ``X`` in order."""
        n = len(X)
        folds = np.asarray(self.folds, dtype=np.int64)
        if self.sample_ids is None:
            if folds.size != n:
                raise SpecError(f"fold file {self.source}: {folds.size} lines without "
                                f"sample_id for {n} training rows; give one per row")
            of_row = folds
        else:
            if groups is None:
                raise SpecError(f"fold file {self.source}: needs the rows' sample ids")
            lookup = dict(zip(map(str, self.sample_ids), folds.tolist(), strict=True))
            ids = [str(g) for g in groups]
            missing = [i for i in ids if i not in lookup]
            if missing:
                raise SpecError(f"fold file {self.source}: {len(missing)} training sample(s) "
                                f"have no fold, e.g. sample_id {missing[0]!r}")
            of_row = np.array([lookup[i] for i in ids], dtype=np.int64)
        for k in range(int(of_row.max()) + 1 if of_row.size else 0):
            held = of_row == k
            if not held.any():
                raise SpecError(f"fold file {self.source}: fold {k} holds out no sample")
            yield np.flatnonzero(~held), np.flatnonzero(held)


def _read_csv(path: Path) -> tuple[list[int], list[str] | None]:
    text = path.read_text(encoding="utf-8").splitlines()
    delimiter = ";" if ";" in text[0] else ","
    reader = csv.DictReader(text, delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "fold" not in fields:
        raise SpecError(f"fold file {path}: the header needs a 'fold' column (and optionally "
                        f"'sample_id'); got {reader.fieldnames}")
    rows = [{k.strip().lower(): (v or "").strip() for k, v in r.items()} for r in reader]
    folds = []
    for line, r in enumerate(rows, start=2):
        try:
            folds.append(int(r["fold"]))
        except ValueError:
            raise SpecError(f"fold file {path}, line {line}: fold {r['fold']!r} is not an "
                            "integer") from None
        if folds[-1] < 0:
            raise SpecError(f"fold file {path}, line {line}: folds count from 0")
    return folds, ([r["sample_id"] for r in rows] if "sample_id" in fields else None)


def read_fold_file(value: str, where: str) -> FoldAssignment:
    """The :class:`FoldAssignment` of a ``.csv`` or ``.json`` fold file."""
    path = Path(value)
    if not path.is_file():
        raise SpecError(f"{where}: fold file {value!r} does not exist (a string split is a "
                        "path to a .csv or .json fold file)")
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        held = data.get("folds") if isinstance(data, dict) else None
        if not isinstance(held, list) or not all(isinstance(f, list) for f in held):
            raise SpecError(f"{where}: {value}: expected {{'folds': [[ids], [ids], ...]}}")
        ids = [str(i) for fold in held for i in fold]
        if len(set(ids)) != len(ids):
            raise SpecError(f"{where}: {value}: a sample is held out by two folds")
        folds = [k for k, fold in enumerate(held) for _ in fold]
        return FoldAssignment(folds, ids, source=str(value))
    if path.suffix.lower() != ".csv":
        raise SpecError(f"{where}: fold files are .csv or .json; got {value!r}")
    folds, ids = _read_csv(path)
    if ids is not None and len(set(ids)) != len(ids):
        raise SpecError(f"{where}: {value}: a sample_id appears on two lines")
    return FoldAssignment(folds, ids, source=str(value))


def embed_fold_files(spec: Any) -> Any:
    """``spec`` with every ``{"split": "<file>.csv|json"}`` holding the file's folds instead
    of its path, so that the pipeline's identity and stored spec carry the folds."""
    if isinstance(spec, list):
        return [embed_fold_files(item) for item in spec]
    if isinstance(spec, tuple):
        return tuple(embed_fold_files(item) for item in spec)
    if isinstance(spec, dict):
        value = spec.get("split")
        if isinstance(value, str) and value.lower().endswith((".csv", ".json")):
            return {**spec, "split": read_fold_file(value, "split")}
        return {k: embed_fold_files(v) for k, v in spec.items()}
    return spec
