"""Reading delimited text tables: dialect detection and cell parsing with precise errors.

The numeric fast path hands the text to ``numpy.loadtxt``. When that fails, a slow pass walks
the rows once to find the first ragged row or unreadable cell and raises a typed error that
names the file, the 1-based line and column, and the fix.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nirs4all.data._dialect import COMMA_DECIMAL, MISSING, CsvDialect, is_number, sniff_dialect
from nirs4all.errors import (
    CorruptFileError,
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

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class RawTable:
    """A text table split into cells, before any numeric conversion.

    ``rows`` holds one row per line between the first and the last non-blank line, split
    into stripped, unquoted cells; a blank line inside the data is a row of empty cells, so
    that it keeps its place (and its line number) instead of shifting the rows below it.
    ``line_numbers`` is the 1-based line in the file of each row; ``trailing_blank_lines``
    the blank lines after the last row, which are not rows (files end with newlines).
    """

    path: Path
    dialect: CsvDialect
    rows: list[list[str]]
    line_numbers: list[int]
    column_numbers: list[int] | None = None
    trailing_blank_lines: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.column_numbers is None:
            width = len(self.rows[0]) if self.rows else 0
            object.__setattr__(self, "column_numbers", list(range(1, width + 1)))

    def empty_lines(self) -> list[int]:
        """Line numbers of the rows whose cells are all empty."""
        return [n for row, n in zip(self.rows, self.line_numbers, strict=True)
                if not any(row)]


def _decompress(payload: bytes, path: Path) -> bytes:
    try:
        return gzip.decompress(payload)
    except EOFError:
        raise CorruptFileError(
            "the gzip data is truncated (the file ends before the end of the compressed "
            "stream); copy or download the file again", path=path) from None
    except (OSError, zlib.error) as exc:
        raise CorruptFileError(
            f"the gzip data is damaged ({exc}); copy or download the file again",
            path=path) from None


def _decode(payload: bytes, path: Path, encoding: str | None) -> str:
    if encoding is None and payload[:2] in _UTF16_BOMS:
        encoding = "utf-16"
    if encoding is not None:
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError as exc:
            line = payload.count(b"\n", 0, exc.start) + 1
            raise CorruptFileError(
                f"byte {payload[exc.start]:#04x} cannot be decoded as {encoding}; pass the "
                "file's real encoding (encoding='latin-1', 'cp1252'...)",
                path=path, line=line) from None
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def _read_text(path: Path, encoding: str | None) -> str:
    if not path.exists():
        raise DataFileNotFoundError(
            "file not found (check the path, or the folder's file names)", path=path
        )
    if path.is_dir():
        raise DataFileNotFoundError("expected a file but found a folder", path=path)
    payload = path.read_bytes()
    if payload[:2] == _GZIP_MAGIC:
        payload = _decompress(payload, path)
    if payload[:4] in _ZIP_MAGICS:
        raise CorruptFileError(
            "this is a zip archive (or an .xlsx workbook), not a text table; extract the "
            "CSV file from it (or export the sheet as CSV) and load that", path=path)
    text = _decode(payload, path, encoding)
    nul = text.find("\x00")
    if nul >= 0:
        raise CorruptFileError(
            "binary content (a NUL character): this is not a text table; check that the "
            "file is a CSV export", path=path, line=text.count("\n", 0, nul) + 1)
    return text


def _split(lines: list[str], dialect: CsvDialect) -> list[list[str]]:
    if dialect.delimiter is None:
        return [[line.strip().strip('"')] for line in lines]
    reader = csv.reader(lines, delimiter=dialect.delimiter, quotechar='"')
    rows = [[cell.strip() for cell in row] for row in reader]
    if all(row and row[-1] == "" for row in rows):
        # Instrument exports often end every line with the delimiter.
        rows = [row[:-1] for row in rows]
    return rows


def read_table(
    path: str | Path,
    *,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sibling_decimal: str | None = None,
) -> RawTable:
    """Read a ``.csv`` or gzip-compressed ``.csv.gz`` file into rows of text cells.

    Parameters
    ----------
    path : str or Path
        The file. Gzip compression is recognised by its magic bytes, not its name.
    delimiter, decimal : str, optional
        Force the dialect instead of detecting it.
    encoding : str, optional
        Text encoding; by default UTF-8 (with or without BOM), UTF-16 when the file starts
        with its byte-order mark, falling back to latin-1.
    sibling_decimal : str, optional
        Decimal mark of the dataset's spectra; settles only a file whose commas read both as
        decimal marks and as delimiters (see :mod:`nirs4all.data._dialect`).
    """
    path = Path(path)
    text = _read_text(path, encoding)
    all_lines = text.splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(all_lines) if line.strip()]
    if not numbered:
        raise EmptyFileError("the file is empty (no data rows)", path=path)
    lines = [line for _, line in numbered]
    numbers = [n for n, _ in numbered]
    dialect = sniff_dialect(lines, path=path, delimiter=delimiter, decimal=decimal,
                            sibling_decimal=sibling_decimal, line_numbers=numbers)
    filled = _split(lines, dialect)
    if dialect.delimiter == "," and decimal is None and any(
            COMMA_DECIMAL.match(cell) for row in filled[:50] for cell in row):
        # Only a quoted cell can hold a comma here: "0,5","0,7" is a decimal-comma export.
        dialect = CsvDialect(",", ",")
    width = len(filled[0])
    rows, line_numbers = [], []
    for (number, _), row in zip(numbered, filled, strict=True):
        for blank in range(line_numbers[-1] + 1 if line_numbers else number, number):
            rows.append([""] * width)
            line_numbers.append(blank)
        rows.append(row)
        line_numbers.append(number)
    trailing = tuple(range(line_numbers[-1] + 1, len(all_lines) + 1))
    return RawTable(path, dialect, rows, line_numbers, trailing_blank_lines=trailing)


def is_numeric_row(cells: list[str], decimal: str) -> bool:
    """Whether every cell of a row reads as a number (missing cells do not count)."""
    return all(is_number(c, decimal) for c in cells if c.lower() not in MISSING) and any(
        c.lower() not in MISSING for c in cells
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
        trailing_blank_lines=table.trailing_blank_lines,
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
        values = _fast_numeric(rows, table.dialect.decimal)
    except ValueError:
        values = None
    # loadtxt skips empty lines, so a one-column file with a blank row comes back short.
    if values is None or values.shape[0] != len(rows):
        values = _slow_numeric(rows, table.line_numbers[first_row:], table)
    return values


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
            if cell.lower() in MISSING:
                out[i, j] = np.nan
            elif is_number(cell, decimal):
                out[i, j] = float(cell.replace(",", ".") if decimal == "," else cell)
            else:
                hint = ""
                if decimal == "." and COMMA_DECIMAL.match(cell):
                    hint = " (it looks like a decimal comma: pass decimal=',')"
                raise NonNumericCellError(
                    f"expected a number but found {cell!r}{hint}",
                    path=table.path, line=line, column=table.column_numbers[j],
                )
    return out


def _describe(delimiter: str | None) -> str:
    names = {"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}
    return names.get(delimiter or "", "delimiter")
