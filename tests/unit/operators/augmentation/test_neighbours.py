"""nearest_rows: the exact k nearest rows (LocalMixup's partners) without an n x n x d array."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.operators.augmentation import LocalMixupAugmenter, _neighbours
from nirs4all.operators.augmentation._neighbours import nearest_rows


def _dense(X: np.ndarray, k: int) -> np.ndarray:
    """The definition: all direct differences, the row itself excluded, stable order."""
    squared = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(squared, np.inf)
    return np.argsort(squared, axis=1, kind="stable")[:, :k]


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 60), d=st.integers(1, 30), kind=st.sampled_from(["normal", "ties", "far"]),
       dtype=st.sampled_from([np.float64, np.float32]), block=st.integers(1, 4000),
       exact=st.integers(1, 2000), data=st.data())
def test_nearest_rows_are_those_of_the_direct_differences(n, d, kind, dtype, block, exact, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    if kind == "normal":
        X = rng.normal(size=(n, d))
    elif kind == "ties":  # many rows at exactly equal distances, and duplicates
        X = rng.integers(0, 3, (n, d)).astype(np.float64)
    else:  # distances 1e-6 of norms 100: where the Gram form's rounding matters
        X = 100.0 + rng.normal(scale=1e-6, size=(n, d))
    X = X.astype(dtype)
    k = data.draw(st.integers(0, n - 1))
    original = (_neighbours._BLOCK_VALUES, _neighbours._EXACT_VALUES)
    try:
        _neighbours._BLOCK_VALUES, _neighbours._EXACT_VALUES = block, exact
        np.testing.assert_array_equal(nearest_rows(X, k), _dense(X, k))
    finally:
        _neighbours._BLOCK_VALUES, _neighbours._EXACT_VALUES = original


def test_local_mixup_of_many_rows_holds_no_n_by_n_by_d_array():
    # the first version formed all differences: 1,500 x 1,500 x 200 floats = 3.6 GB here
    X = np.random.default_rng(0).normal(size=(1500, 200))
    tracemalloc.start()
    try:
        X_new, _, origin = LocalMixupAugmenter(k_neighbors=3).fit(X).augment(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100e6  # the Gram distances and their argpartition, 18 MB each
    assert X_new.shape == X.shape
    assert np.array_equal(origin, np.arange(1500))


@pytest.mark.parametrize("k", [1, 4])
def test_local_mixup_partners_are_among_the_exact_nearest_rows(k):
    X = np.random.default_rng(1).normal(size=(40, 7))
    augmenter = LocalMixupAugmenter(k_neighbors=k, random_state=3).fit(X)
    streams = augmenter._copy_generators(X, np.arange(40), np.zeros(40, dtype=np.intp))
    weights, partners = augmenter._partners(X, np.arange(40), streams)
    nearest = _dense(X, k)
    assert all(partner in nearest[row] for row, partner in enumerate(partners))
    assert np.all((weights >= 0.5) & (weights <= 1.0))
