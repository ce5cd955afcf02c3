"""Properties of reading text tables: exact round trips, and no silent misreads."""

from __future__ import annotations

import gzip
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nirs4all.data import load_dataset
from nirs4all.errors import DialectError, NonFiniteValueError, RepeatedHeaderError

values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)


@given(
    X=hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(3, 12)), elements=values),
    dialect=st.sampled_from([(";", "."), (",", "."), ("\t", "."), ("|", "."), (";", ","),
                             ("\t", ",")]),
    header=st.booleans(),
    compress=st.booleans(),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-8-sig"]),
)
@settings(max_examples=60, deadline=None)
def test_any_dialect_round_trips(X: np.ndarray, dialect: tuple[str, str], header: bool,
                                 compress: bool, encoding: str) -> None:
    delimiter, decimal = dialect
    axis = 1000.0 + 2.5 * np.arange(X.shape[1])

    def line(row: np.ndarray) -> str:
        cells = [repr(float(v)) for v in row]
        return delimiter.join(c.replace(".", ",") if decimal == "," else c for c in cells)

    lines = ([line(axis)] if header else []) + [line(row) for row in X]
    payload = ("\n".join(lines) + "\n").encode(encoding)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("Xcal.csv.gz" if compress else "Xcal.csv")
        path.write_bytes(gzip.compress(payload) if compress else payload)
        # A header-less file whose first row happens to look like an axis is ambiguous;
        # the caller settles it with header=False, as documented.
        dataset = load_dataset(folder, header=None if header else False)
    np.testing.assert_array_equal(dataset.x(), X)
    if header:
        np.testing.assert_array_equal(dataset.wavelengths(), axis)
        assert dataset.unit() == "nm"


def _spectra_lines(X: np.ndarray, axis: np.ndarray) -> list[str]:
    return [";".join(repr(float(v)) for v in axis)] + [
        ";".join(repr(float(v)) for v in row) for row in X]


targets = hnp.arrays(np.float64, st.integers(2, 30),
                     elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False))


@given(y=targets, header=st.booleans())
@settings(max_examples=60, deadline=None)
def test_decimal_comma_targets_beside_point_spectra_round_trip_or_are_refused(
        y: np.ndarray, header: bool) -> None:
    """A decimal-comma target file is never split into two columns beside '.' spectra.

    With a header line naming the column it always loads exactly. Without one it loads
    exactly unless every line is ``<digits>,<digits>`` with no fraction starting with a zero
    (then nothing tells a decimal comma from a delimiter, and DialectError names the file).
    """
    X = np.linspace(0.1, 0.9, y.size * 4).reshape(y.size, 4)
    cells = [repr(float(v)).replace(".", ",") for v in y]
    undecidable = not header and all(
        re.fullmatch(r"-?\d+,(?!0\d)\d+", c) for c in cells)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "Xcal.csv").write_text(
            "\n".join(_spectra_lines(X, 1000.0 + 10 * np.arange(4))) + "\n", encoding="utf-8")
        Path(folder, "Ycal.csv").write_text(
            "\n".join((["protein"] if header else []) + cells) + "\n", encoding="utf-8")
        if undecidable:
            with pytest.raises(DialectError, match=r"Ycal\.csv, line 1"):
                load_dataset(folder)
            return
        dataset = load_dataset(folder)
    assert dataset.y.shape == (y.size, 1)
    np.testing.assert_array_equal(dataset.y[:, 0], y)


@given(
    X=hnp.arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(3, 8)),
                 elements=st.floats(0.0, 2.0, allow_nan=False, width=32)),
    data=st.data(),
    text_header=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_a_header_repeated_anywhere_inside_a_spectra_file_is_refused(
        X: np.ndarray, data: st.DataObject, text_header: bool) -> None:
    axis = 1100.0 + 2.0 * np.arange(X.shape[1])
    lines = _spectra_lines(X, axis)
    if text_header:
        lines[0] = ";".join(f"X{v:g}" for v in axis)
    position = data.draw(st.integers(2, len(lines)), label="position")
    lines.insert(position, lines[0])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "scan.csv")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(RepeatedHeaderError) as info:
            load_dataset(path)
    assert info.value.line == position + 1


@given(y=targets.filter(lambda v: v.size >= 3), data=st.data())
@settings(max_examples=40, deadline=None)
def test_a_blank_line_inside_a_target_file_is_a_missing_target_at_its_line(
        y: np.ndarray, data: st.DataObject) -> None:
    X = np.linspace(0.1, 0.9, y.size * 3).reshape(y.size, 3)
    line = data.draw(st.integers(2, y.size - 1), label="blank line")
    cells = [repr(float(v)) for v in y]
    cells[line - 1] = ""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "Xcal.csv").write_text(
            "\n".join(_spectra_lines(X, 1000.0 + 10 * np.arange(3))) + "\n", encoding="utf-8")
        Path(folder, "Ycal.csv").write_text("\n".join(cells) + "\n", encoding="utf-8")
        with pytest.raises(NonFiniteValueError) as info:
            load_dataset(folder)
    assert info.value.line == line
