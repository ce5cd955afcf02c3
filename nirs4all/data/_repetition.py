"""Repeated scans of one physical sample: the dataset's repetition column.

A dataset declares which metadata column names the physical sample of each row
(``load_dataset(..., repetition="Sample_ID")``). Splitting then keeps the rows of one sample
together (:mod:`nirs4all.pipeline._repetition`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nirs4all.errors import DatasetConfigError

__all__ = ["check_repetition", "repetition_groups"]


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
