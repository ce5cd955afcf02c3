"""Readers for the three kinds of file a dataset is made of: spectra, targets, metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nirs4all.data._axis import infer_unit, looks_like_axis, validate_axis
from nirs4all.data._csv import (
    RawTable,
    check_rectangular,
    columns_of,
    is_numeric_row,
    parse_numeric,
    read_table,
)
from nirs4all.errors import DatasetConfigError, EmptyFileError, NonNumericCellError

__all__ = ["CsvOptions", "FeatureFile", "MetadataFile", "TargetFile", "read_features",
           "read_metadata", "read_targets"]

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


@dataclass(frozen=True)
class TargetFile:
    """Targets read from a file: float (n, k) or text labels (n,)."""

    path: Path
    y: np.ndarray
    names: tuple[str, ...]
    lines: np.ndarray


@dataclass(frozen=True)
class MetadataFile:
    """Metadata columns read from a file."""

    path: Path
    columns: dict[str, np.ndarray]


def _numbers_in_header(cells: list[str]) -> np.ndarray | None:
    """Read an axis from names like ``"1000nm"`` or ``"X_1000.5"``: one number per cell."""
    values = []
    for cell in cells:
        found = _NUMBER_IN_NAME.findall(cell)
        if len(found) != 1:
            return None
        values.append(float(found[0]))
    return np.asarray(values, dtype=np.float64)


def read_features(path: str | Path, options: CsvOptions) -> FeatureFile:
    """Read a spectra file: an optional wavelength header, then one spectrum per row."""
    table = read_table(path, delimiter=options.delimiter, decimal=options.decimal,
                       encoding=options.encoding)
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
    X = parse_numeric(table, 1 if has_header else 0)
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


def _text_header(table: RawTable, header: bool | None, decimal: str) -> bool:
    """Whether the first row of a target or metadata file names its columns.

    It does when the caller says so, or when its cells are all text and either a column
    below it is numeric or none of its cells occurs again in its column (class labels
    repeat, column names do not).
    """
    if header is not None:
        return header
    first = table.rows[0]
    if any(_is_plain_number(c, decimal) for c in first) or len(table.rows) < 2:
        return False
    rest = table.rows[1:]
    for j, name in enumerate(first):
        column = [row[j] for row in rest if j < len(row)]
        if is_numeric_row(column, decimal) or name in column:
            return is_numeric_row(column, decimal)
    return True


def _is_plain_number(cell: str, decimal: str) -> bool:
    return is_numeric_row([cell], decimal) if cell else False


def _table_columns(
    path: str | Path, options: CsvOptions, prefix: str
) -> tuple[RawTable, list[str], int]:
    table = read_table(path, delimiter=options.delimiter, decimal=options.decimal,
                       encoding=options.encoding)
    check_rectangular(table)
    has_header = _text_header(table, options.header, table.dialect.decimal)
    if has_header and len(table.rows) == 1:
        raise EmptyFileError("the file has a header line but no data rows", path=table.path)
    width = len(table.rows[0])
    if has_header:
        names = table.rows[0]
    else:
        names = [prefix] if width == 1 else [f"{prefix}{j}" for j in range(width)]
    return table, names, 1 if has_header else 0


def read_targets(
    path: str | Path, options: CsvOptions, target_columns: list[str | int] | None
) -> TargetFile:
    """Read a targets file: numeric columns (regression) or one column of text labels."""
    table, names, start = _table_columns(path, options, "y")
    selected = _select_columns(names, target_columns, table.path)
    decimal = table.dialect.decimal
    lines = np.asarray(table.line_numbers[start:], dtype=np.int64)
    text_columns = [
        j for j in selected
        if not is_numeric_row([row[j] for row in table.rows[start:]], decimal)
    ]
    if not text_columns:
        values = parse_numeric(columns_of(table, selected, start))
        return TargetFile(table.path, values, tuple(names[j] for j in selected), lines)
    j = text_columns[0]
    if len(selected) > 1:
        raise NonNumericCellError(
            f"column {names[j]!r} holds text labels but several target columns were "
            "selected; classification takes one label column (set target_columns)",
            path=table.path, line=table.line_numbers[start], column=j + 1,
        )
    labels = np.asarray([row[j] for row in table.rows[start:]], dtype=str)
    return TargetFile(table.path, labels, (names[j],), lines)


def _select_columns(names: list[str], wanted: list[str | int] | None, path: Path) -> list[int]:
    if wanted is None:
        return list(range(len(names)))
    selected = []
    for item in wanted:
        if isinstance(item, int) and not isinstance(item, bool):
            if not -len(names) <= item < len(names):
                raise DatasetConfigError(
                    f"target column {item} is out of range: the file has {len(names)} columns",
                    path=path,
                )
            selected.append(item % len(names))
        elif item in names:
            selected.append(names.index(item))
        else:
            raise DatasetConfigError(
                f"target column {item!r} not found; columns are {names}", path=path
            )
    return selected


def read_metadata(path: str | Path, options: CsvOptions) -> MetadataFile:
    """Read a metadata file: numeric columns become float64, the others text."""
    table, names, start = _table_columns(path, options, "m")
    decimal = table.dialect.decimal
    columns: dict[str, np.ndarray] = {}
    for j, name in enumerate(names):
        cells = [row[j] for row in table.rows[start:]]
        if is_numeric_row(cells, decimal):
            columns[name] = parse_numeric(columns_of(table, [j], start))[:, 0]
        else:
            columns[name] = np.asarray(cells, dtype=str)
    return MetadataFile(table.path, columns)
