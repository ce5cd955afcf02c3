"""Readers of targets and metadata files: named columns of numbers or text, one row per sample.

Whether the first line names the columns is settled by :func:`has_header_line` (the rule is
in ``docs/data-formats.md``). A target column is numbers or text labels, never a mix of the
two by accident: a text cell among numbers is an error at that cell unless the caller says
the task is classification.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nirs4all.data._csv import (
    RawTable,
    check_rectangular,
    columns_of,
    is_numeric_row,
    parse_numeric,
    read_table,
)
from nirs4all.data._dialect import MISSING, is_number
from nirs4all.data._readers import CsvOptions, refuse_repeated_header
from nirs4all.errors import DatasetConfigError, DataWarning, EmptyFileError, NonNumericCellError

__all__ = ["MetadataFile", "TargetFile", "has_header_line", "read_metadata", "read_targets"]

_LABEL_TASKS = ("classification", "binary", "multiclass")


@dataclass(frozen=True)
class TargetFile:
    """Targets read from a file: float (n, k) or text labels (n,).

    ``lines`` is the file line of each row. ``blank`` holds the blank lines inside the data
    (rows of missing values) and the blank lines after the last row (not rows), for
    row-count errors.
    """

    path: Path
    y: np.ndarray
    names: tuple[str, ...]
    lines: np.ndarray
    has_header: bool
    blank: tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class MetadataFile:
    """Metadata columns read from a file."""

    path: Path
    columns: dict[str, np.ndarray]
    has_header: bool
    blank: tuple[tuple[int, ...], tuple[int, ...]]


def _kinds(cells: list[str], decimal: str) -> tuple[int, int]:
    """Count the numeric and the text cells of a column (missing cells count as neither)."""
    present = [c for c in cells if c.lower() not in MISSING]
    numbers = sum(1 for c in present if is_number(c, decimal))
    return numbers, len(present) - numbers


def has_header_line(table: RawTable, declared: bool | None,
                    expected_rows: int | None) -> bool:
    """Whether the first line of a targets or metadata file names its columns.

    Declared (``True``/``False``) wins. Otherwise a first line holding a number, or only
    empty cells, is data. A first line of text names the columns when a column below it
    holds mostly numbers (the first cell cannot be a value of that column, the others can).
    When every column holds text, the first line could be a row of labels: it is data when
    one of its cells recurs in its column, or when the file has ``expected_rows`` rows (the
    spectra count; a :class:`~nirs4all.errors.DataWarning` then says a unique first value
    was kept, when the other values of its column repeat). It is names when the file has
    one row more, with a warning saying so, and names without a word when the count fits
    neither reading (the row-count error that follows then counts data rows).
    """
    if declared is not None:
        return declared
    decimal = table.dialect.decimal
    first, rest = table.rows[0], table.rows[1:]
    if not rest or not any(first) or any(c and is_number(c, decimal) for c in first):
        return False
    columns = [[row[j] for row in rest] for j in range(len(first))]
    for column in columns:
        numbers, texts = _kinds(column, decimal)
        if numbers > texts:
            return True
    recurs = any(name in column for name, column in zip(first, columns, strict=True))
    if expected_rows is None or recurs:
        return False
    where = f"{table.path}: line {table.line_numbers[0]} {', '.join(map(repr, first))}"
    if len(table.rows) == expected_rows:
        # Uniqueness only hints at a column name where the other values repeat (labels);
        # in a column of sample ids every value is unique.
        if all(len(set(column)) == len(column) for column in columns):
            return False
        warnings.warn(
            f"{where} is read as data although its value occurs nowhere else in its column; "
            "the file has one row per spectrum that way, but if the line names the columns "
            "a sample is missing from the file. Pass header=False to silence this",
            DataWarning, stacklevel=2)
        return False
    if len(table.rows) != expected_rows + 1:
        return True  # a row-count error follows; reading names makes its count the data's
    warnings.warn(
        f"{where} is read as column names, because the file has one line more than there "
        f"are spectra ({expected_rows}) and every column holds text; declare it with "
        "header=True (or header=False if it is a row of data) to silence this",
        DataWarning, stacklevel=2)
    return True


def _table_columns(path: str | Path, options: CsvOptions, prefix: str,
                   expected_rows: int | None,
                   sibling_decimal: str | None) -> tuple[RawTable, list[str], int]:
    table = read_table(path, delimiter=options.delimiter, decimal=options.decimal,
                       encoding=options.encoding, sibling_decimal=sibling_decimal)
    check_rectangular(table)
    has_header = has_header_line(table, options.header, expected_rows)
    if has_header and len(table.rows) == 1:
        raise EmptyFileError("the file has a header line but no data rows", path=table.path)
    width = len(table.rows[0])
    if has_header:
        refuse_repeated_header(table)
        names = table.rows[0]
    else:
        names = [prefix] if width == 1 else [f"{prefix}{j}" for j in range(width)]
    return table, names, 1 if has_header else 0


def read_targets(
    path: str | Path,
    options: CsvOptions,
    target_columns: list[str | int] | None,
    *,
    expected_rows: int | None = None,
    task: str | None = None,
    sibling_decimal: str | None = None,
) -> TargetFile:
    """Read a targets file: numeric columns (regression) or one column of text labels.

    A column mixing numbers and text raises :class:`~nirs4all.errors.NonNumericCellError`
    at the first cell of the rarer kind, unless ``task`` is a classification task (the
    column is then read as text labels); under ``task="regression"`` any text cell does.
    """
    table, names, start = _table_columns(path, options, "y", expected_rows, sibling_decimal)
    selected = _select_columns(names, target_columns, table.path)
    data = columns_of(table, selected, start)
    lines = np.asarray(data.line_numbers, dtype=np.int64)
    empty = (tuple(data.empty_lines()), data.trailing_blank_lines)
    labels = task in _LABEL_TASKS
    text_columns = []
    for k, j in enumerate(selected):
        cells = [row[k] for row in data.rows]
        numbers, texts = _kinds(cells, data.dialect.decimal)
        if texts and (task == "regression" or (numbers and not labels)):
            _refuse_mixed(data, k, cells, (numbers, texts), names[j],
                          want_numbers=task == "regression" or numbers >= texts)
        if texts or (labels and not numbers):
            text_columns.append(k)
    if not text_columns:
        values = parse_numeric(data)
        return TargetFile(table.path, values, tuple(names[j] for j in selected), lines,
                          bool(start), empty)
    k = text_columns[0]
    if len(selected) > 1:
        raise NonNumericCellError(
            f"column {names[selected[k]]!r} holds text labels but several target columns "
            "were selected; classification takes one label column (set target_columns)",
            path=table.path, line=int(lines[0]), column=data.column_numbers[k],
        )
    y = np.asarray([row[k] for row in data.rows], dtype=str)
    return TargetFile(table.path, y, (names[selected[k]],), lines, bool(start), empty)


def _refuse_mixed(data: RawTable, k: int, cells: list[str], counts: tuple[int, int],
                  name: str, *, want_numbers: bool) -> None:
    decimal = data.dialect.decimal
    numbers, texts = counts
    i = next(i for i, c in enumerate(cells) if c.lower() not in MISSING
             and is_number(c, decimal) != want_numbers)
    found = "text" if want_numbers else "a number"
    raise NonNumericCellError(
        f"target column {name!r} holds {numbers} number(s) and {texts} text cell(s); this "
        f"cell is {found}: {cells[i]!r}. Fix the cell (write NA for a missing value), or "
        "pass task='classification' if the column holds class labels",
        path=data.path, line=data.line_numbers[i], column=data.column_numbers[k])


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


def read_metadata(path: str | Path, options: CsvOptions, *, expected_rows: int | None = None,
                  sibling_decimal: str | None = None) -> MetadataFile:
    """Read a metadata file: numeric columns become float64, the others text."""
    table, names, start = _table_columns(path, options, "m", expected_rows, sibling_decimal)
    decimal = table.dialect.decimal
    columns: dict[str, np.ndarray] = {}
    for j, name in enumerate(names):
        cells = [row[j] for row in table.rows[start:]]
        if is_numeric_row(cells, decimal):
            columns[name] = parse_numeric(columns_of(table, [j], start))[:, 0]
        else:
            columns[name] = np.asarray(cells, dtype=str)
    empty = (tuple(columns_of(table, list(range(len(names))), start).empty_lines()),
             table.trailing_blank_lines)
    return MetadataFile(table.path, columns, bool(start), empty)
