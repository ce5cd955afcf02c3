"""Dialect detection: which character separates the cells of a file, and which marks decimals.

Every file is sniffed on its own. The one hard case is a file whose only candidate delimiter
is a comma that occurs at most once per line: ``15,56`` is either one number written with a
decimal comma or two integer columns. :func:`settle_comma` decides from the file's content
and, when the content cannot tell, refuses with :class:`~nirs4all.errors.DialectError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nirs4all.errors import DialectError

__all__ = ["COMMA_DECIMAL", "DELIMITERS", "MISSING", "CsvDialect", "is_number", "settle_comma",
           "sniff_dialect"]

DELIMITERS = ("\t", ";", "|", ",")
MISSING = frozenset({"", "na", "nan", "n/a", "null", "none", "-nan"})
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$", re.I)
COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
# A fraction that starts with a zero ("9,05") or an exponent ("1,5e-3") is never an integer
# column, so either one proves the comma is a decimal mark.
_SURELY_DECIMAL = re.compile(r"^[+-]?\d*,(0\d|\d+[eE])")
_SNIFF_LINES = 50


@dataclass(frozen=True)
class CsvDialect:
    """How a delimited text file is written."""

    delimiter: str | None
    decimal: str


def is_number(cell: str, decimal: str) -> bool:
    """Whether a cell reads as a number (or inf/nan) with this decimal mark."""
    if decimal == ",":
        cell = cell.replace(",", ".")
    return bool(_NUMBER.match(cell))


def sniff_dialect(
    lines: list[str],
    *,
    path: Path | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    sibling_decimal: str | None = None,
    line_numbers: list[int] | None = None,
) -> CsvDialect:
    """Guess the delimiter and decimal mark of a file from its non-blank lines.

    A delimiter is a candidate when it occurs on at least half of the first 50 lines, so that
    a ragged line cannot hide it. Candidates that occur the same number of times on every
    line come first, then those on more lines, then the first of tab, ``;``, ``|``, ``,``.
    A comma is not a candidate when the decimal mark is known to be a comma. No candidate
    means one column. ``delimiter`` and ``decimal`` given by the caller are kept as they are.
    ``sibling_decimal``, the decimal mark of the dataset's spectra file, only settles a file
    that reads both ways (see :func:`settle_comma`); ``line_numbers`` are the lines' numbers
    in the file, for the error that refuses such a file.
    """
    sample = lines[:_SNIFF_LINES]
    found = delimiter
    if found is None:
        found = _pick_delimiter(sample, decimal)
        if (found == "," and decimal is None and all(line.count(",") <= 1 for line in lines)
                and settle_comma(lines, path, sibling_decimal, line_numbers) == "decimal"):
            return CsvDialect(None, ",")
    mark = decimal or "."
    if decimal is None and found != ",":
        cells = [c.strip().strip('"') for line in sample for c in line.split(found)]
        if any(COMMA_DECIMAL.match(c) for c in cells):
            mark = ","
    return CsvDialect(found, mark)


def _pick_delimiter(sample: list[str], decimal: str | None) -> str | None:
    candidates = []
    for rank, candidate in enumerate(DELIMITERS):
        if candidate == "," and decimal == ",":
            continue
        counts = [line.count(candidate) for line in sample]
        present = sum(1 for c in counts if c > 0) / len(counts)
        if present >= 0.5:
            candidates.append((len(set(counts)) > 1, -present, rank, candidate))
    return min(candidates)[-1] if candidates else None


def settle_comma(lines: list[str], path: Path | None, sibling_decimal: str | None,
                 line_numbers: list[int] | None = None) -> str:
    """Say whether the comma of a file with at most one comma per line is a decimal mark.

    Returns ``"decimal"`` (one column of decimal-comma numbers) or ``"delimiter"``. The
    comma is a delimiter when a line cannot be one decimal-comma number (``1.5,2``,
    ``a,b``), including a text first line holding a comma (two column names). It is a
    decimal mark when a line has no comma while others have one (the two-column reading
    would be ragged), when a fraction starts with a zero or carries an exponent, or, failing
    those, when the dataset's spectra use a decimal comma. Otherwise the file reads both
    ways and :class:`~nirs4all.errors.DialectError` names its first such line.
    """
    cells = [line.strip().strip('"') for line in lines]
    start = 0 if is_number(cells[0], ",") or cells[0].lower() in MISSING else 1
    if start == 1 and "," in cells[0]:
        return "delimiter"
    body = [c for c in cells[start:] if c.lower() not in MISSING]
    if not body or not all(COMMA_DECIMAL.match(c) or _NUMBER.match(c) for c in body):
        return "delimiter"
    if len({c.count(",") for c in cells}) > 1 or any(_SURELY_DECIMAL.match(c) for c in body):
        return "decimal"
    if sibling_decimal == ",":
        return "decimal"
    index = next(i for i, c in enumerate(cells) if i >= start and "," in c)
    whole, fraction = cells[index].split(",")
    raise DialectError(
        f"{cells[index]!r} reads either as one number with a decimal comma "
        f"({cells[index].replace(',', '.')}) or as two columns ({whole} and {fraction}), and "
        "no line of the file tells which. Add a header line naming the column(s), or give "
        "this file its own option in a dict description: "
        "{'path': ..., 'decimal': ','} or {'path': ..., 'delimiter': ','}",
        path=path, line=index + 1 if line_numbers is None else line_numbers[index],
    )
