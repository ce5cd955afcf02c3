"""The vectorised band helpers reproduce numpy's per-row results exactly."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.operators.augmentation._bands import (
    band_means,
    band_slots,
    first_of_permutation,
    interpolate_masked,
)
from nirs4all.operators.augmentation._draws import RowDraws


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(1, 40), st.integers(0, 45), st.integers(0, 2**32 - 1))
def test_first_of_permutation_is_the_start_of_the_stable_argsort(rows, n, count, seed):
    rng = np.random.default_rng(seed)
    # few distinct values, so that ties at the partition boundary are common
    uniforms = rng.integers(0, max(2, n // 3), size=(rows, n)) / 8.0
    count = min(count, n)
    expected = np.argsort(uniforms, axis=1, kind="stable")[:, :count]
    assert np.array_equal(first_of_permutation(uniforms.copy(), count), expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(1, 50), st.floats(0.0, 1.0), st.booleans(),
       st.integers(0, 2**32 - 1))
def test_interpolate_masked_equals_np_interp_row_by_row(rows, n, share, decreasing, seed):
    rng = np.random.default_rng(seed)
    axis = np.cumsum(rng.uniform(0.1, 5.0, n))
    axis = axis[::-1].copy() if decreasing else axis
    values = rng.normal(size=(rows, n)) * 10.0 ** rng.integers(-3, 4, size=(rows, 1))
    masked = rng.random((rows, n)) < share
    masked[0] = True  # a row masked throughout stays as it is
    expected, order = values.copy(), np.argsort(axis)
    for row, mask in zip(expected, masked, strict=True):
        if mask.any() and not mask.all():
            kept = order[~mask[order]]
            row[mask] = np.interp(axis[mask], axis[kept], row[kept])
    assert np.array_equal(interpolate_masked(values.copy(), masked, axis), expected)


def test_interpolate_masked_leaves_rows_without_a_masked_value():
    values = np.arange(12.0).reshape(3, 4)
    masked = np.zeros((3, 4), dtype=bool)
    assert np.array_equal(interpolate_masked(values.copy(), masked, np.arange(4.0)), values)


def test_interpolation_with_an_overflowing_slope_falls_back_to_np_interp():
    axis = np.array([0.0, 1.0, 2.0])
    values = np.array([[-1e308, 0.0, 1e308]])
    masked = np.array([[False, True, False]])
    expected = np.interp(axis[1:2], axis[[0, 2]], values[0, [0, 2]])
    assert np.array_equal(interpolate_masked(values.copy(), masked, axis)[0, 1:2], expected)


def test_band_means_sum_as_the_mean_of_each_row():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(30, 400)) * 1e3
    rows = np.array([0, 4, 7, 9, 29])
    masks = rng.random((5, 400)) < np.array([0.0, 0.02, 0.3, 0.9, 1.0])[:, None]
    expected = [values[r][m].mean() if m.any() else 0.0 for r, m in zip(rows, masks, strict=True)]
    assert np.array_equal(band_means(values, rows, masks), expected)


def test_band_slots_draw_what_each_row_draws_alone():
    keys = np.arange(1, 7, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    counts = np.array([0, 3, 1, 2, 0, 3])
    together, alone = RowDraws(keys), RowDraws(keys)
    slots = {row: [] for row in range(6)}
    for rows, draws in band_slots(together, counts):
        for row, value in zip(rows, draws.uniform(2.0, 5.0, 3), strict=True):
            slots[row].append(value)
    for row in range(6):
        gen = alone[row]
        expected = [gen.uniform(2.0, 5.0, 3) for _ in range(counts[row])]
        assert np.array_equal(np.reshape(slots[row], (-1, 3)), np.reshape(expected, (-1, 3)))
    assert np.array_equal(together.calls, counts)
