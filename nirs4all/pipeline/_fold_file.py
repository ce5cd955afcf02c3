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

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from nirs4all.data._folds import FOLD_COLUMN, read_folds
from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import SpecError
from nirs4all.pipeline._step import Step
from nirs4all.pipeline.canonical import canonical_json

__all__ = ["FoldAssignment", "embed_fold_files", "read_fold_file", "with_dataset_folds"]


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


def read_fold_file(value: str, where: str) -> FoldAssignment:
    """The :class:`FoldAssignment` of a ``.csv`` or ``.json`` fold file."""
    folds, ids = read_folds(value, where)
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


def _every_step(steps: Sequence[Any]) -> Iterator[Any]:
    for step in steps:
        yield step
        for body in step.branches:
            yield from _every_step(body)


def with_dataset_folds(variants: list[Any], dataset: SpectroDataset) -> list[Any]:
    """The variants cross-validated on the dataset's own folds (its ``folds`` key), when it
    has them: a splitter on them is inserted first (after a ``rep_to_sources``/``rep_to_pp``
    step), so every later step is fitted per fold. A pipeline with its own splitter as well
    is an error naming both."""
    if FOLD_COLUMN not in dataset.metadata:
        return variants
    train = dataset.partition == "train"
    assignment = FoldAssignment(dataset.metadata[FOLD_COLUMN][train].tolist(),
                                [str(i) for i in dataset.sample_ids[train]],
                                source=f"dataset {dataset.name!r} folds")
    out = []
    for variant in variants:
        every = list(_every_step(variant.steps))
        split = next((s for s in every if s.kind == "split"), None)
        if split is not None:
            raise SpecError(f"{split.path}: the pipeline's splitter and dataset "
                            f"{dataset.name!r}'s folds (its folds key) both give the folds; "
                            "remove one of them")
        step = Step(kind="split", index=1 + max(s.index for s in every), path="dataset.folds",
                    spec_json=canonical_json(assignment), operator=assignment)
        at = next((i + 1 for i, s in enumerate(variant.steps) if s.kind == "rep_reshape"), 0)
        out.append(dataclasses.replace(
            variant, steps=(*variant.steps[:at], step, *variant.steps[at:])))
    return out
