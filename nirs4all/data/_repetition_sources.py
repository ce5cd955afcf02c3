"""The scans of each sample as extra sources or processings (0.7 ``rep_to_sources`` /
``rep_to_pp``): one row per sample.

Kept apart from :mod:`nirs4all.data._repetition`, which the dataset itself imports: these
functions build datasets, so they import the dataset module. The pipeline keywords
(:mod:`nirs4all.pipeline._rep_reshape`) and the replay of a chain use the same functions, so
new per-scan rows are reshaped exactly as the training rows were.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nirs4all.data._repetition import check_repetition
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.errors import DatasetConfigError

__all__ = ["RESHAPE_MODES", "UNEQUAL", "repetitions_to_processings", "repetitions_to_sources",
           "reshape_repetitions", "scan_table", "widen"]

RESHAPE_MODES = ("sources", "pp")
#: What to do with samples that have a different number of scans than the others.
UNEQUAL = ("error", "truncate")

Axis = tuple[np.ndarray, str]


def _named(samples: list[str], counts: list[int]) -> str:
    shown = ", ".join(f"{s!r} ({c} scan{'s' if c != 1 else ''})"
                      for s, c in zip(samples[:5], counts[:5], strict=True))
    return shown + (f" and {len(samples) - 5} more" if len(samples) > 5 else "")


def scan_table(ids: np.ndarray, *, column: str, unequal: str = "error",
               reps: int | None = None) -> np.ndarray:
    """Row positions of the scans of every sample: shape ``(n_samples, r)``.

    Samples are in the order of their first scan, scans in row order. ``r`` is ``reps``
    when given (new data for a trained chain), else the samples' common number of scans.

    Parameters
    ----------
    ids : ndarray of shape (n_rows,)
        The sample id of each row (the repetition column).
    column : str
        The column's name, for messages.
    unequal : {"error", "truncate"}
        Samples whose number of scans differs from ``r``: an error naming them, or the first
        ``r`` scans of each (``r`` the smallest count, or ``reps``); a sample with fewer
        than ``reps`` scans is an error either way.
    reps : int, optional
        The number of scans per sample the training rows had.
    """
    if unequal not in UNEQUAL:
        raise ValueError(f"unequal must be one of {UNEQUAL}; got {unequal!r}")
    labels = np.asarray(ids).astype(str)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # samples in order of their first scan
    scans = [np.flatnonzero(inverse == g) for g in order]
    names = [str(labels[s[0]]) for s in scans]
    counts = [s.size for s in scans]
    trained = reps is not None
    if reps is None:
        reps = min(counts) if unequal == "truncate" else max(set(counts), key=counts.count)
    short = sorted((i for i, c in enumerate(counts)
                    if c < reps or (unequal == "error" and c != reps)), key=names.__getitem__)
    if short:
        fix = (f"the chain was trained on {reps} scans per sample" if trained else
               "pass unequal='truncate' to keep the first scans of each sample, or remove "
               "those samples")
        raise DatasetConfigError(
            f"repetition column {column!r}: every sample needs {reps} scans; sample(s) "
            f"{_named([names[i] for i in short], [counts[i] for i in short])} differ; {fix}")
    return np.stack([s[:reps] for s in scans])


def widen(sources: Sequence[np.ndarray], axes: Sequence[Axis], table: np.ndarray,
          mode: str) -> tuple[tuple[np.ndarray, ...], tuple[Axis, ...]]:
    """The spectra of every sample's scans side by side.

    ``"sources"``: the ``k``-th scan of every source is its own source (source-major order,
    each on its source's axis). ``"pp"``: each source holds its ``r`` scans concatenated on
    the feature axis, on an ``"index"`` axis (as a feature augmentation's output).
    """
    if mode not in RESHAPE_MODES:
        raise ValueError(f"mode must be one of {RESHAPE_MODES}; got {mode!r}")
    r = table.shape[1]
    if mode == "sources":
        return (tuple(np.asarray(X)[table[:, k]] for X in sources for k in range(r)),
                tuple(axis for axis in axes for _ in range(r)))
    wide = tuple(np.hstack([np.asarray(X)[table[:, k]] for k in range(r)]) for X in sources)
    return wide, tuple((np.arange(x.shape[1], dtype=np.float64), "index") for x in wide)


def reshape_repetitions(dataset: SpectroDataset, *, mode: str = "sources",
                        column: str | None = None, unequal: str = "error",
                        ) -> SpectroDataset:
    """One row per sample, whose scans become extra sources or processings.

    Targets, partition, sample id and metadata come from a sample's first scan; its scans
    must agree on the target and the partition. The result declares no repetition column
    (each row is one sample).

    Parameters
    ----------
    dataset : SpectroDataset
    mode : {"sources", "pp"}
        ``"sources"``: the ``k``-th scan of source ``nir`` becomes source ``"nir_rep<k>"``;
        ``"pp"``: source ``nir`` holds the scans side by side (see :func:`widen`).
    column : str, optional
        The metadata column of sample ids; the dataset's repetition column by default.
    unequal : {"error", "truncate"}
        See :func:`scan_table`.
    """
    column = column if column is not None else dataset.repetition
    if column is None:
        raise DatasetConfigError(
            f"dataset {dataset.name!r} declares no repetition column; name the column of "
            "sample ids (load_dataset(..., repetition='Sample_ID'), or the column in the "
            "keyword: {'rep_to_sources': 'Sample_ID'})")
    check_repetition(column, dataset.metadata)
    table = scan_table(dataset.metadata[column], column=column, unequal=unequal)
    for name, values in (("partition", dataset.partition), ("target", dataset.y)):
        if values is not None and np.any(values[table] != values[table[:, :1]]):
            raise DatasetConfigError(f"the scans of a sample of {column!r} have different "
                                     f"{name} values")
    X, axes = widen([s.X for s in dataset.sources],
                    [(s.wavelengths, s.unit) for s in dataset.sources], table, mode)
    names = ([f"{s.name}_rep{k}" for s in dataset.sources for k in range(table.shape[1])]
             if mode == "sources" else list(dataset.source_names))
    heads = table[:, 0]
    return SpectroDataset(
        [FeatureSource(n, x, a[0], a[1]) for n, x, a in zip(names, X, axes, strict=True)],
        None if dataset.y is None else dataset.y[heads],
        partition=dataset.partition[heads], sample_ids=dataset.sample_ids[heads],
        metadata={k: v[heads] for k, v in dataset.metadata.items()},
        task=dataset.task if dataset.task_given else "auto",
        target_names=dataset.target_names or None, name=dataset.name)


def repetitions_to_sources(dataset: SpectroDataset, *, unequal: str = "error",
                           ) -> SpectroDataset:
    """One row per sample, whose repetitions become extra sources (0.7 ``rep_to_sources``).

    The ``k``-th scan of every sample (in row order) forms source ``"<name>_rep<k>"`` of
    each source; see :func:`reshape_repetitions`.
    """
    return reshape_repetitions(dataset, mode="sources", unequal=unequal)


def repetitions_to_processings(dataset: SpectroDataset, *, unequal: str = "error",
                               ) -> SpectroDataset:
    """One row per sample, its scans side by side in each source (0.7 ``rep_to_pp``).

    See :func:`reshape_repetitions` with ``mode="pp"``.
    """
    return reshape_repetitions(dataset, mode="pp", unequal=unequal)
