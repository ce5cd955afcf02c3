"""Wavelength axes read from file headers: detection, unit inference and validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nirs4all.errors import AxisMismatchError, WavelengthAxisError

__all__ = ["check_same_axis", "infer_unit", "looks_like_axis", "validate_axis"]

_NM_RANGE = (100.0, 3000.0)


def is_index_axis(values: np.ndarray) -> bool:
    """Whether values are exactly ``0, 1, ..., n-1`` or ``1, 2, ..., n``."""
    n = values.shape[0]
    return bool(
        np.array_equal(values, np.arange(n)) or np.array_equal(values, np.arange(1, n + 1))
    )


def looks_like_axis(values: np.ndarray) -> bool:
    """Whether a numeric first row of a feature file is a wavelength header, not a spectrum.

    A header is an index (``0..n-1`` or ``1..n``) or a run of values of at least 100 (nm or
    cm-1) that is mostly monotonic: at most one step in ten (and at least one step) goes the
    other way or repeats a value. Requiring only
    "mostly" lets a slightly broken header be reported as broken instead of read as data.
    """
    if values.shape[0] < 3 or not np.all(np.isfinite(values)):
        return False
    if is_index_axis(values):
        return True
    if values.min() < _NM_RANGE[0]:
        return False
    steps = np.sign(np.diff(values))
    against = steps.size - max(np.count_nonzero(steps > 0), np.count_nonzero(steps < 0))
    return bool(against <= max(1, steps.size // 10))


def infer_unit(values: np.ndarray) -> str:
    """Infer the unit of a wavelength axis from its range and direction.

    ``0..n-1`` or ``1..n`` is ``"index"``. A descending axis, or one reaching above 3000, is
    in wavenumbers (``"cm-1"``): instruments export wavenumbers high to low and NIR
    wavelengths stop near 2500 nm. An ascending axis within 100-3000 is in ``"nm"``.
    """
    if is_index_axis(values):
        return "index"
    descending = values.shape[0] > 1 and values[-1] < values[0]
    if descending or values.max() > _NM_RANGE[1]:
        return "cm-1"
    return "nm"


def validate_axis(values: np.ndarray, path: Path | None, line: int | None) -> None:
    """Raise :class:`WavelengthAxisError` for a duplicate or non-monotonic axis."""
    steps = np.diff(values)
    duplicate = np.flatnonzero(steps == 0)
    if duplicate.size:
        j = int(duplicate[0])
        raise WavelengthAxisError(
            f"wavelength {values[j]:g} appears twice in the header (columns {j + 1} and "
            f"{j + 2}); every column needs its own wavelength",
            path=path, line=line, column=j + 2,
        )
    if steps.size and not (np.all(steps > 0) or np.all(steps < 0)):
        direction = np.sign(np.median(steps))
        j = int(np.flatnonzero(np.sign(steps) != direction)[0])
        raise WavelengthAxisError(
            f"wavelength header is not monotonic: {values[j]:g} (column {j + 1}) is followed "
            f"by {values[j + 1]:g} (column {j + 2}); fix the header or pass header=False",
            path=path, line=line, column=j + 2,
        )


def check_same_axis(
    reference: np.ndarray, reference_name: str, other: np.ndarray, other_name: str
) -> None:
    """Raise :class:`AxisMismatchError` when two axes that must match differ."""
    if reference.shape == other.shape and np.array_equal(reference, other):
        return
    if reference.shape != other.shape:
        detail = f"{reference.shape[0]} wavelengths in {reference_name} but {other.shape[0]}"
    else:
        j = int(np.flatnonzero(reference != other)[0])
        detail = (
            f"column {j + 1} is {reference[j]:g} in {reference_name} but {other[j]:g}"
        )
    span = (
        f"{reference_name} spans {reference[0]:g}..{reference[-1]:g}, "
        f"{other_name} spans {other[0]:g}..{other[-1]:g}"
        if reference.size and other.size
        else "one axis is empty"
    )
    raise AxisMismatchError(
        f"wavelength axes differ: {detail} in {other_name} ({span}); both partitions must be "
        "measured on the same axis (resample one of them first)",
        path=other_name,
    )
