"""Reading options, and the reader of spectra files (a wavelength header, one spectrum per row).

Targets and metadata files are read by :mod:`nirs4all.data._columns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nirs4all.data._axis import infer_unit, looks_like_axis, validate_axis
from nirs4all.data._csv import RawTable, is_numeric_row, parse_numeric, read_table
from nirs4all.errors import DatasetConfigError, RepeatedHeaderError

__all__ = ["CsvOptions", "FeatureFile", "read_features", "refuse_repeated_header"]

_UNITS = ("nm", "cm-1", "index")
_NUMBER_IN_NAME = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class CsvOptions:
    """Options for reading one file; ``None`` means "detect"."""

    delimiter: str | None = None
    decimal: str | None = None
    header: bool | None = None
    encoding: str | None = None
    wavelength_unit: str | None = None

    def merged(self, overrides: dict) -> CsvOptions:
        """Return these options with some fields replaced."""
        fields = {k: getattr(self, k) for k in self.__dataclass_fields__}
        fields.update(overrides)
        return CsvOptions(**fields)


@dataclass(frozen=True)
class FeatureFile:
    """Spectra read from a file, with the line number of each data row."""

    path: Path
    X: np.ndarray
    wavelengths: np.ndarray
    unit: str
    lines: np.ndarray
    decimal: str


def _numbers_in_header(cells: list[str]) -> np.ndarray | None:
    """Read an axis from names like ``"1000nm"`` or ``"X_1000.5"``: one number per cell."""
    values = []
    for cell in cells:
        found = _NUMBER_IN_NAME.findall(cell)
        if len(found) != 1:
            return None
        values.append(float(found[0]))
    return np.asarray(values, dtype=np.float64)


def read_features(path: str | Path, options: CsvOptions,
                  sibling_decimal: str | None = None) -> FeatureFile:
    """Read a spectra file: an optional wavelength header, then one spectrum per row.

    A header line that occurs again among the data rows, and (when the header is detected
    rather than declared) a row reading ``0..n-1`` or ``1..n`` in a header-less file, raise
    :class:`~nirs4all.errors.RepeatedHeaderError`: both are headers of files joined together,
    not spectra.
    """
    table = read_table(path, delimiter=options.delimiter, decimal=options.decimal,
                       encoding=options.encoding, sibling_decimal=sibling_decimal)
    first = table.rows[0]
    decimal = table.dialect.decimal
    axis = None
    if options.header is False:
        has_header = False
    elif not is_numeric_row(first, decimal):
        has_header = True
        axis = _numbers_in_header(first)
    else:
        values = parse_numeric(RawTable(table.path, table.dialect, [first],
                                        table.line_numbers[:1]), 0)[0]
        has_header = options.header is True or looks_like_axis(values)
        axis = values if has_header else None
    if has_header:
        refuse_repeated_header(table)
    X = parse_numeric(table, 1 if has_header else 0)
    if has_header and axis is not None and axis.shape[0] == X.shape[1]:
        _refuse_rows_equal_to(X, axis, table, 1, "repeats the wavelength header of line "
                              f"{table.line_numbers[0]}")
    elif not has_header and options.header is None and X.shape[1] >= 3:
        index = np.arange(X.shape[1], dtype=np.float64)
        for offset in (0, 1):
            _refuse_rows_equal_to(X, index + offset, table, 0,
                                  "reads 0..n-1 or 1..n: an index header inside the data")
    if axis is not None and axis.shape[0] != X.shape[1]:
        axis = None
    if axis is None:
        if options.wavelength_unit not in (None, "index"):
            raise DatasetConfigError(
                f"wavelength_unit={options.wavelength_unit!r} was given but the file has no "
                "numeric wavelength header; add the header or drop wavelength_unit",
                path=table.path,
            )
        axis, unit = np.arange(X.shape[1], dtype=np.float64), "index"
    else:
        validate_axis(axis, table.path, table.line_numbers[0])
        unit = options.wavelength_unit or infer_unit(axis)
        if unit not in _UNITS:
            raise DatasetConfigError(f"wavelength_unit must be one of {_UNITS}; got {unit!r}")
    lines = np.asarray(table.line_numbers[1 if has_header else 0:], dtype=np.int64)
    return FeatureFile(table.path, X, axis, unit, lines, decimal)


_JOINED = ("the file looks like several files joined together; delete the repeated header "
           "lines")


def refuse_repeated_header(table: RawTable) -> None:
    """Raise :class:`RepeatedHeaderError` when a data row is the header line again."""
    header = table.rows[0]
    for row, line in zip(table.rows[1:], table.line_numbers[1:], strict=True):
        if row == header:
            raise RepeatedHeaderError(
                f"this line repeats the header line {table.line_numbers[0]}; {_JOINED}",
                path=table.path, line=line)


def _refuse_rows_equal_to(X: np.ndarray, values: np.ndarray, table: RawTable, start: int,
                          what: str) -> None:
    hits = np.flatnonzero((values == X).all(axis=1))
    if hits.size:
        raise RepeatedHeaderError(f"this line {what}; {_JOINED}", path=table.path,
                                  line=table.line_numbers[start + int(hits[0])])
