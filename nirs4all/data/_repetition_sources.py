"""The scans of each sample as extra feature sources (0.7 ``rep_to_sources``).

Kept apart from :mod:`nirs4all.data._repetition`, which the dataset itself imports: this
function builds datasets, so it imports the dataset module.
"""

from __future__ import annotations

import numpy as np

from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.errors import DatasetConfigError

__all__ = ["repetitions_to_sources"]


def repetitions_to_sources(dataset: SpectroDataset, *, unequal: str = "error",
                           ) -> SpectroDataset:
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
