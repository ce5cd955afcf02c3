"""Properties of SpectroDataset.content_hash (contract 1: identity by content)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.data import hashing as hashing_module

finite = st.floats(-1e6, 1e6, allow_nan=False, width=64)


@st.composite
def datasets(draw: st.DrawFn) -> dict:
    n = draw(st.integers(2, 12))
    p = draw(st.integers(1, 10))
    X = draw(hnp.arrays(np.float64, (n, p), elements=finite))
    axis = np.cumsum(draw(hnp.arrays(np.float64, p, elements=st.floats(0.5, 10))))
    y = draw(hnp.arrays(np.float64, n, elements=finite))
    partition = draw(st.lists(st.sampled_from(["train", "test"]), min_size=n, max_size=n))
    return {"X": X, "axis": 900.0 + axis, "y": y, "partition": partition}


def _build(parts: dict, X: np.ndarray | None = None) -> SpectroDataset:
    return SpectroDataset(
        FeatureSource("X", parts["X"] if X is None else X, parts["axis"], "nm"),
        parts["y"],
        partition=parts["partition"],
    )


@given(datasets())
@settings(max_examples=50, deadline=None)
def test_equal_content_gives_equal_hash_whatever_the_layout(parts: dict) -> None:
    reference = _build(parts).content_hash()
    fortran = np.asfortranarray(parts["X"])
    assert _build(parts, fortran).content_hash() == reference
    big_endian = parts["X"].astype(">f8")
    assert _build(parts, big_endian.astype("<f8")).content_hash() == reference
    padded = np.zeros((parts["X"].shape[0], parts["X"].shape[1] * 2))
    padded[:, ::2] = parts["X"]
    assert _build(parts, padded[:, ::2]).content_hash() == reference
    assert len(reference) == 64


@given(datasets(), st.data())
@settings(max_examples=50, deadline=None)
def test_changing_one_value_changes_the_hash(parts: dict, data: st.DataObject) -> None:
    reference = _build(parts).content_hash()
    n, p = parts["X"].shape
    i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, p - 1))
    X = parts["X"].copy()
    X[i, j] = np.nextafter(X[i, j], np.inf)
    assert _build(parts, X).content_hash() != reference


@given(datasets(), st.data())
@settings(max_examples=50, deadline=None)
def test_changing_a_wavelength_target_or_label_changes_the_hash(
    parts: dict, data: st.DataObject
) -> None:
    reference = _build(parts).content_hash()
    n, p = parts["X"].shape
    axis = parts["axis"].copy()
    axis[data.draw(st.integers(0, p - 1))] += 0.25
    assert _build({**parts, "axis": axis}).content_hash() != reference
    y = parts["y"].copy()
    y[data.draw(st.integers(0, n - 1))] += 1.0
    assert _build({**parts, "y": y}).content_hash() != reference
    flipped = list(parts["partition"])
    k = data.draw(st.integers(0, n - 1))
    flipped[k] = "test" if flipped[k] == "train" else "train"
    assert _build({**parts, "partition": flipped}).content_hash() != reference


def test_unit_and_dtype_are_content() -> None:
    X = np.arange(6.0).reshape(2, 3)
    base = SpectroDataset(FeatureSource("X", X, np.arange(3.0) + 1000, "nm"))
    other_unit = SpectroDataset(FeatureSource("X", X, np.arange(3.0) + 1000, "cm-1"))
    other_dtype = SpectroDataset(FeatureSource("X", X.astype(np.float32),
                                               np.arange(3.0) + 1000, "nm"))
    hashes = {base.content_hash(), other_unit.content_hash(), other_dtype.content_hash()}
    assert len(hashes) == 3


def test_metadata_enters_the_hash_and_no_metadata_hashes_as_before() -> None:
    X = np.ones((2, 2))
    a = SpectroDataset(FeatureSource("X", X), metadata={"lot": ["a", "b"]})
    b = SpectroDataset(FeatureSource("X", X), metadata={"lot": ["a", "c"]})
    plain = SpectroDataset(FeatureSource("X", X))
    assert a.content_hash() != b.content_hash()  # a group column edited: new identity
    assert a.content_hash(include_metadata=False) == b.content_hash(include_metadata=False)
    assert a.content_hash(include_metadata=False) == plain.content_hash()
    reordered = SpectroDataset(FeatureSource("X", X), metadata={"z": [1, 2], "lot": ["a", "b"]})
    same = SpectroDataset(FeatureSource("X", X), metadata={"lot": ["a", "b"], "z": [1, 2]})
    assert reordered.content_hash() == same.content_hash()  # column order is not content


def test_names_and_sample_ids_are_labels_not_content() -> None:
    X = np.ones((2, 2))
    a = SpectroDataset(FeatureSource("X", X), name="a", sample_ids=[0, 1])
    b = SpectroDataset(FeatureSource("nir", X), name="b", sample_ids=[10, 11])
    assert a.content_hash() == b.content_hash()


def test_hash_streams_in_blocks_without_a_full_copy(monkeypatch) -> None:
    monkeypatch.setattr(hashing_module, "_BLOCK_BYTES", 64)
    X = np.arange(200.0).reshape(20, 10)
    streamed = SpectroDataset(FeatureSource("X", X)).content_hash()
    monkeypatch.setattr(hashing_module, "_BLOCK_BYTES", 1 << 30)
    whole = SpectroDataset(FeatureSource("X", X)).content_hash()
    assert streamed == whole


def test_hash_is_cached() -> None:
    dataset = SpectroDataset(FeatureSource("X", np.ones((2, 2))))
    assert dataset.content_hash() is dataset.content_hash()


def test_hash_is_identical_in_another_process() -> None:
    code = textwrap.dedent("""
        import numpy as np
        from nirs4all.data import FeatureSource, SpectroDataset
        X = np.linspace(0, 1, 60).reshape(6, 10)
        d = SpectroDataset(FeatureSource("X", X, np.arange(10) + 1000.0, "nm"),
                           np.arange(6.0), partition=["train"] * 4 + ["test"] * 2)
        print(d.content_hash())
    """)
    X = np.linspace(0, 1, 60).reshape(6, 10)
    here = SpectroDataset(FeatureSource("X", X, np.arange(10) + 1000.0, "nm"), np.arange(6.0),
                          partition=["train"] * 4 + ["test"] * 2).content_hash()
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert there == here


def test_an_integer_metadata_column_read_back_as_floats_hashes_the_same() -> None:
    X = np.ones((3, 2))
    ints = SpectroDataset(FeatureSource("X", X), metadata={"batch": np.array([0, 1, 2])})
    floats = SpectroDataset(FeatureSource("X", X), metadata={"batch": np.array([0.0, 1.0, 2.0])})
    text = SpectroDataset(FeatureSource("X", X), metadata={"batch": np.array(["0", "1", "2"])})
    assert ints.content_hash() == floats.content_hash()
    assert ints.content_hash() != text.content_hash()
