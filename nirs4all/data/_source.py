"""Feature sources and row selections of a dataset: read-only arrays, one axis each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nirs4all.data.signal_type import SignalType, normalize_signal_type
from nirs4all.utils.arrays import frozen_copy, readonly_view

__all__ = ["PARTITIONS", "UNITS", "FeatureSource", "RowSelection", "check_metadata",
           "check_partition", "check_sample_ids", "normalize_rows"]

UNITS = ("nm", "cm-1", "index")
PARTITIONS = ("train", "test")

RowSelection = slice | Sequence[int] | np.ndarray


def _as_feature_matrix(X: Any, name: str) -> np.ndarray:
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"feature source {name!r} must be a 2D array (samples x wavelengths); "
            f"got {array.ndim} dimension(s) with shape {array.shape}"
        )
    if array.dtype.kind in "iub":
        array = array.astype(np.float64)
    elif array.dtype not in (np.float32, np.float64):
        raise TypeError(
            f"feature source {name!r} must hold float32 or float64 values; got dtype {array.dtype}"
        )
    return frozen_copy(array)


@dataclass(frozen=True, eq=False)
class FeatureSource:
    """One block of spectra measured on one wavelength axis.

    Parameters
    ----------
    name : str
        Name of the source (``"X"``, ``"nir"``, ``"mir"``...).
    X : ndarray of shape (n_samples, n_wavelengths)
        Spectra, float32 or float64, stored read-only.
    wavelengths : ndarray of shape (n_wavelengths,), optional
        The axis. Defaults to ``0, 1, ..., n_wavelengths - 1`` with unit ``"index"``.
    unit : {"nm", "cm-1", "index"}
        Unit of ``wavelengths``.
    signal_type : SignalType or str, default="unknown"
        What the values are (see :mod:`nirs4all.data.signal_type`); a label, not content.
    """

    name: str
    X: np.ndarray
    wavelengths: np.ndarray | None = None
    unit: str = "index"
    signal_type: SignalType | str = SignalType.UNKNOWN
    _checked: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._checked:
            return
        X = _as_feature_matrix(self.X, self.name)
        if self.unit not in UNITS:
            raise ValueError(
                f"feature source {self.name!r}: unit must be one of {UNITS}; got {self.unit!r}"
            )
        if self.wavelengths is None:
            if self.unit != "index":
                raise ValueError(
                    f"feature source {self.name!r}: unit {self.unit!r} needs a wavelength axis"
                )
            axis = np.arange(X.shape[1], dtype=np.float64)
        else:
            axis = np.asarray(self.wavelengths, dtype=np.float64).reshape(-1)
        if axis.shape[0] != X.shape[1]:
            raise ValueError(
                f"feature source {self.name!r} has {X.shape[1]} columns but its wavelength axis "
                f"has {axis.shape[0]} values"
            )
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "wavelengths", frozen_copy(axis))
        object.__setattr__(self, "signal_type", normalize_signal_type(self.signal_type))
        object.__setattr__(self, "_checked", True)

    @property
    def n_features(self) -> int:
        """Number of wavelengths (columns)."""
        return int(self.X.shape[1])

    def rows(self, selection: RowSelection) -> FeatureSource:
        """Return this source restricted to some rows (a view when the rows are contiguous)."""
        return FeatureSource(
            self.name, readonly_view(self.X[selection]), self.wavelengths, self.unit,
            self.signal_type, _checked=True,
        )


def check_partition(partition: Any, n_samples: int) -> np.ndarray:
    if partition is None:
        return frozen_copy(np.full(n_samples, "train", dtype="<U5"))
    labels = np.asarray(partition).astype(str)
    if labels.shape != (n_samples,):
        raise ValueError(f"partition must have one label per sample ({n_samples})")
    unknown = sorted(set(np.unique(labels)) - set(PARTITIONS))
    if unknown:
        raise ValueError(f"partition labels must be 'train' or 'test'; got {unknown}")
    return frozen_copy(labels.astype("<U5"))

def check_sample_ids(sample_ids: Any, n_samples: int) -> np.ndarray:
    if sample_ids is None:
        return frozen_copy(np.arange(n_samples, dtype=np.int64))
    ids = np.asarray(sample_ids)
    if ids.shape != (n_samples,) or ids.dtype.kind not in "iu":
        raise ValueError(f"sample_ids must be {n_samples} integers")
    if np.unique(ids).shape[0] != n_samples:
        raise ValueError("sample_ids must be unique")
    return frozen_copy(ids.astype(np.int64, copy=False))

def check_metadata(metadata: Mapping[str, Any], n_samples: int) -> dict[str, np.ndarray]:
    columns = {}
    for key, values in metadata.items():
        column = np.asarray(values)
        if column.shape != (n_samples,):
            raise ValueError(
                f"metadata column {key!r} has shape {column.shape}; expected ({n_samples},)"
            )
        columns[str(key)] = frozen_copy(column)
    return columns


def normalize_rows(rows: RowSelection, n_samples: int) -> slice | np.ndarray:
    """Turn a row selection into a slice when it is contiguous, else an index array."""
    if isinstance(rows, slice):
        return rows
    index = np.asarray(rows)
    if index.dtype == bool:
        if index.shape != (n_samples,):
            raise IndexError(f"boolean row mask must have length {n_samples}")
        index = np.flatnonzero(index)
    elif index.dtype.kind not in "iu":
        raise IndexError(f"rows must be a slice, a boolean mask or integers; got {index.dtype}")
    index = index.astype(np.int64, copy=False).reshape(-1)
    if index.size and (index.min() < -n_samples or index.max() >= n_samples):
        raise IndexError(f"row index out of range for {n_samples} samples")
    index = np.where(index < 0, index + n_samples, index)
    if index.size == 0:
        return slice(0, 0)
    if index.size == index[-1] - index[0] + 1 and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index
