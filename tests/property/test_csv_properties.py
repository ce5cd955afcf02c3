"""Property: whatever the dialect, spectra written as text load back exactly."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nirs4all.data import load_dataset

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
