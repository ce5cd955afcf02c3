"""Reading delimited text tables: dialect detection and cell parsing with precise errors.

The numeric fast path hands the text to ``numpy.loadtxt``. When that fails, a slow pass walks
the rows once to find the first ragged row or unreadable cell and raises a typed error that
names the file, the 1-based line and column, and the fix.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nirs4all.errors import (
    DataFileNotFoundError,
    EmptyFileError,
    NonNumericCellError,
    RaggedRowError,
)

__all__ = [
    "CsvDialect",
    "RawTable",
    "check_rectangular",
    "columns_of",
    "is_numeric_row",
    "parse_numeric",
    "read_table",
]

DELIMITERS = ("\t", ";", "|", ",")
_MISSING = frozenset({"", "na", "nan", "n/a", "null", "none", "-nan"})
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$", re.I)
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
_SNIFF_LINES = 50


@dataclass(frozen=True)
class CsvDialect:
    """How a delimited text file is written."""

    delimiter: str | None
    decimal: str


@dataclass(frozen=True)
class RawTable:
    """A text table split into cells, before any numeric conversion.

    ``rows`` holds every non-blank line split into stripped, unquoted cells, and
    ``line_numbers`` the 1-based line in the file of each row.
    """

    path: Path
    dialect: CsvDialect
    rows: list[list[str]]
    line_numbers: list[int]
    column_numbers: list[int] | None = None

    def __post_init__(self) -> None:
        if self.column_numbers is None:
            width = len(self.rows[0]) if self.rows else 0
            object.__setattr__(self, "column_numbers", list(range(1, width + 1)))


def _read_text(path: Path, encoding: str | None) -> str:
    if not path.exists():
        raise DataFileNotFoundError(
            "file not found (check the path, or the folder's file names)", path=path
        )
    if path.is_dir():
        raise DataFileNotFoundError("expected a file but found a folder", path=path)
    payload = path.read_bytes()
    if payload[:2] == b"\x1f\x8b":
        payload = gzip.decompress(payload)
    if encoding is not None:
        return payload.decode(encoding)
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def _is_number(cell: str, decimal: str) -> bool:
    if decimal == ",":
        cell = cell.replace(",", ".")
    return bool(_NUMBER.match(cell))


def sniff_dialect(lines: list[str], decimal_hint: str | None = None) -> CsvDialect:
    """Guess the delimiter and decimal mark from the first lines of a file.

    A delimiter is a candidate when it occurs on at least half of the sampled lines, so that
    a ragged line cannot hide it. Candidates that occur the same number of times on every
    line come first, then those on more lines, then the first of tab, ``;``, ``|``, ``,``.
    A comma is not a candidate when the decimal mark is known to be a comma. No candidate
    means one column.
    """
    sample = lines[:_SNIFF_LINES]
    candidates = []
    for rank, candidate in enumerate(DELIMITERS):
        if candidate == "," and decimal_hint == ",":
            continue
        counts = [line.count(candidate) for line in sample]
        present = sum(1 for c in counts if c > 0) / len(counts)
        if present >= 0.5:
            candidates.append((len(set(counts)) > 1, -present, rank, candidate))
    delimiter = min(candidates)[-1] if candidates else None
    decimal = decimal_hint or "."
    if decimal_hint is None and delimiter != ",":
        cells = [c.strip().strip('"') for line in sample for c in line.split(delimiter)]
        if any(_COMMA_DECIMAL.match(c) for c in cells):
            decimal = ","
    return CsvDialect(delimiter, decimal)


def read_table(
    path: str | Path,
    *,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> RawTable:
    """Read a ``.csv`` or gzip-compressed ``.csv.gz`` file into rows of text cells.

    Parameters
    ----------
    path : str or Path
        The file. Gzip compression is recognised by its magic bytes, not its name.
    delimiter, decimal : str, optional
        Force the dialect instead of detecting it.
    encoding : str, optional
        Text encoding; by default UTF-8 (with or without BOM), falling back to latin-1.
    """
    path = Path(path)
    text = _read_text(path, encoding)
    numbered = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip()]
    if not numbered:
        raise EmptyFileError("the file is empty (no data rows)", path=path)
    lines = [line for _, line in numbered]
    sniffed = sniff_dialect(lines, decimal)
    dialect = CsvDialect(delimiter if delimiter is not None else sniffed.delimiter,
                         decimal or sniffed.decimal)
    if dialect.delimiter is None:
        rows = [[line.strip().strip('"')] for line in lines]
    else:
        reader = csv.reader(lines, delimiter=dialect.delimiter, quotechar='"')
        rows = [[cell.strip() for cell in row] for row in reader]
        if all(row and row[-1] == "" for row in rows):
            # Instrument exports often end every line with the delimiter.
            rows = [row[:-1] for row in rows]
    return RawTable(path, dialect, rows, [n for n, _ in numbered])


def is_numeric_row(cells: list[str], decimal: str) -> bool:
    """Whether every cell of a row reads as a number (missing cells do not count)."""
    return all(_is_number(c, decimal) for c in cells if c.lower() not in _MISSING) and any(
        c.lower() not in _MISSING for c in cells
    )


def check_rectangular(table: RawTable) -> None:
    """Raise :class:`RaggedRowError` at the first row whose width differs from the first."""
    if not table.rows:
        return
    width = len(table.rows[0])
    for row, line in zip(table.rows, table.line_numbers, strict=True):
        if len(row) != width:
            raise RaggedRowError(
                f"this row has {len(row)} cells but the first row has {width} "
                f"(check for a missing or extra {_describe(table.dialect.delimiter)})",
                path=table.path, line=line,
            )


def columns_of(table: RawTable, columns: list[int], first_row: int) -> RawTable:
    """Return the rows from ``first_row`` on, restricted to some columns."""
    return RawTable(
        table.path,
        table.dialect,
        [[row[j] for j in columns] for row in table.rows[first_row:]],
        table.line_numbers[first_row:],
        column_numbers=[table.column_numbers[j] for j in columns],
    )


def parse_numeric(table: RawTable, first_row: int = 0) -> np.ndarray:
    """Convert the rows from ``first_row`` on into a float64 matrix.

    Missing cells (empty, ``NA``, ``NaN``...) become NaN. A ragged row raises
    :class:`RaggedRowError`; text in a numeric cell raises :class:`NonNumericCellError`.
    """
    check_rectangular(table)
    rows = table.rows[first_row:]
    if not rows:
        raise EmptyFileError("the file has a header line but no data rows", path=table.path)
    try:
        return _fast_numeric(rows, table.dialect.decimal)
    except ValueError:
        return _slow_numeric(rows, table.line_numbers[first_row:], table)


def _fast_numeric(rows: list[list[str]], decimal: str) -> np.ndarray:
    text = "\n".join(";".join(row) for row in rows)
    if decimal == ",":
        text = text.replace(",", ".")
    return np.loadtxt(io.StringIO(text), delimiter=";", dtype=np.float64, ndmin=2,
                      comments=None)


def _slow_numeric(rows: list[list[str]], lines: list[int], table: RawTable) -> np.ndarray:
    decimal = table.dialect.decimal
    out = np.empty((len(rows), len(rows[0])), dtype=np.float64)
    for i, (row, line) in enumerate(zip(rows, lines, strict=True)):
        for j, cell in enumerate(row):
            if cell.lower() in _MISSING:
                out[i, j] = np.nan
            elif _is_number(cell, decimal):
                out[i, j] = float(cell.replace(",", ".") if decimal == "," else cell)
            else:
                hint = ""
                if decimal == "." and _COMMA_DECIMAL.match(cell):
                    hint = " (it looks like a decimal comma: pass decimal=',')"
                raise NonNumericCellError(
                    f"expected a number but found {cell!r}{hint}",
                    path=table.path, line=line, column=table.column_numbers[j],
                )
    return out


def _describe(delimiter: str | None) -> str:
    names = {"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}
    return names.get(delimiter or "", "delimiter")
