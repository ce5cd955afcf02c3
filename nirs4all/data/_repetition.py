"""Repeated scans of one physical sample: the dataset's repetition column.

A dataset declares which metadata column names the physical sample of each row
(``load_dataset(..., repetition="Sample_ID")``). Splitting then keeps the rows of one sample
together (:mod:`nirs4all.pipeline._repetition`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nirs4all.errors import DatasetConfigError

__all__ = ["check_repetition", "repetition_groups", "repetitions_to_sources"]


def check_repetition(column: str | None, metadata: Mapping[str, np.ndarray]) -> str | None:
    """``column`` if it names a metadata column without missing values, else an error."""
    if column is None:
        return None
    if not isinstance(column, str) or not column:
        raise DatasetConfigError(f"repetition must be the name of a metadata column; got "
                                 f"{column!r}")
    if column not in metadata:
        raise DatasetConfigError(
            f"repetition column {column!r} is not in the metadata; columns are "
            f"{sorted(metadata)} (give the metadata file or metadata={{{column!r}: ids}})")
    values = metadata[column]
    missing = [i for i, v in enumerate(values.tolist())
               if v is None or v == "" or (isinstance(v, float) and v != v)]
    if missing:
        raise DatasetConfigError(f"repetition column {column!r} has no sample id on "
                                 f"{len(missing)} row(s), first at row {missing[0]}; every "
                                 "scan needs the id of its sample")
    return column


def repetition_groups(values: np.ndarray) -> np.ndarray:
    """Integer group of each row (``0 .. n_samples - 1`` in sorted order of the ids)."""
    return np.unique(np.asarray(values).astype(str), return_inverse=True)[1]


def repetitions_to_sources(dataset: Any, *, unequal: str = "error") -> Any:
    """One row per sample, whose repetitions become extra sources (0.7 ``rep_to_sources``).

    The ``k``-th scan of every sample (in row order) forms source ``"<name>_rep<k>"`` of each
    source. Targets, partition, sample id and metadata come from a sample's first scan; its
    scans must agree on the target and the partition.

    Parameters
    ----------
    dataset : SpectroDataset
        A dataset that declares its repetition column.
    unequal : {"error", "truncate"}
        Samples with different numbers of scans: refuse, or keep the first ``r`` scans of
        every sample, ``r`` the smallest count.
    """
    from nirs4all.data.dataset import FeatureSource, SpectroDataset

    if dataset.repetition is None:
        raise DatasetConfigError("repetitions_to_sources needs a dataset that declares its "
                                 "repetition column (load_dataset(..., repetition=...))")
    if unequal not in ("error", "truncate"):
        raise ValueError(f"unequal must be 'error' or 'truncate'; got {unequal!r}")
    ids = np.asarray(dataset.metadata[dataset.repetition]).astype(str)
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # samples in order of their first scan
    scans = [np.flatnonzero(inverse == g) for g in order]
    counts = sorted({s.size for s in scans})
    if len(counts) > 1 and unequal == "error":
        raise DatasetConfigError(f"samples of {dataset.repetition!r} have {counts} scans; "
                                 "pass unequal='truncate' to keep the first "
                                 f"{counts[0]} of each")
    r = counts[0]
    table = np.stack([s[:r] for s in scans])  # (n_samples, r) row positions
    for name, values in (("partition", dataset.partition), ("target", dataset.y)):
        if values is not None and np.any(values[table] != values[table[:, :1]]):
            raise DatasetConfigError(f"the scans of a sample of {dataset.repetition!r} have "
                                     f"different {name} values")
    heads = table[:, 0]
    sources = [FeatureSource(f"{s.name}_rep{k}", s.X[table[:, k]], s.wavelengths, s.unit)
               for s in dataset.sources for k in range(r)]
    return SpectroDataset(
        sources, None if dataset.y is None else dataset.y[heads],
        partition=dataset.partition[heads], sample_ids=dataset.sample_ids[heads],
        metadata={k: v[heads] for k, v in dataset.metadata.items()},
        task=dataset.task or "auto",
        target_names=dataset.target_names or None, name=dataset.name)
