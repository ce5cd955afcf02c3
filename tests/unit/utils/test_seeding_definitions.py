"""The row keys and draws equal their definitions, computed here in Python integers.

``value_keys`` (a dot product modulo 2**64 over a reused buffer), ``row_uniforms`` (int64
conversion) and ``row_normals`` are written for speed; these tests pin what they compute to
the formulas of their docstrings, with nothing but Python's exact integers and floats.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.utils import seeding
from nirs4all.utils.seeding import row_keys, row_normals, row_uniforms, value_keys

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & _MASK
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _value_key(row: list[float]) -> int:
    total = 0
    for column, value in enumerate(row, start=1):
        bits = int(np.float64(value).view(np.uint64))
        multiplier = _mix((column * _GOLDEN) & _MASK) | 1
        total = (total + (bits ^ (bits >> 29)) * multiplier) & _MASK
    return _mix(total)


def _draw(key: int, call: int, position: int) -> int:
    stream = _mix(key ^ _mix(((call + 1) * _GOLDEN) & _MASK))
    return _mix((stream + (position + 1) * _GOLDEN) & _MASK)


_ROWS = st.lists(
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=3, max_size=3),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(rows=_ROWS)
def test_value_keys_are_the_documented_sum_of_mixed_bits(rows):
    keys = value_keys(np.array(rows, dtype=np.float64))
    assert keys.tolist() == [_value_key(row) for row in rows]


def test_value_keys_read_blocks_that_cover_every_row_once_and_see_the_check(monkeypatch):
    monkeypatch.setattr(seeding, "_BLOCK", 8)  # 2 rows of 4 values a block
    X = np.arange(28, dtype=np.float64).reshape(7, 4) / 3.0
    seen: list[np.ndarray] = []
    keys = value_keys(X, check=seen.append)
    np.testing.assert_array_equal(np.vstack(seen), X)
    assert [block.shape[0] for block in seen] == [2, 2, 2, 1]
    assert keys.tolist() == [_value_key(row) for row in X.tolist()]


def test_value_keys_of_float32_rows_and_of_a_strided_view_are_those_of_their_float64_values():
    X = np.random.default_rng(3).normal(size=(9, 12))
    as32 = X.astype(np.float32)
    np.testing.assert_array_equal(value_keys(as32), value_keys(as32.astype(np.float64)))
    np.testing.assert_array_equal(value_keys(X[:, ::2]), value_keys(X[:, ::2].copy()))


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(st.integers(0, _MASK), min_size=1, max_size=5),
       n=st.integers(1, 6), call=st.integers(0, 4))
def test_uniforms_are_the_top_53_bits_of_each_draw(keys, n, call):
    draws = row_uniforms(np.array(keys, dtype=np.uint64), n, call)
    expected = [[(_draw(key, call, p) >> 11) * 2.0**-53 for p in range(n)] for key in keys]
    assert draws.tolist() == expected


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(st.integers(0, _MASK), min_size=1, max_size=4), n=st.integers(1, 4),
       low=st.floats(-1e3, 1e3), width=st.floats(0.0, 1e3))
def test_bounded_uniforms_scale_then_shift_each_draw(keys, n, low, width):
    high = low + width
    draws = row_uniforms(np.array(keys, dtype=np.uint64), n, 2, low, high)
    expected = [[(_draw(key, 2, p) >> 11) * 2.0**-53 * (high - low) + low for p in range(n)]
                for key in keys]
    assert draws.tolist() == expected


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(st.integers(0, _MASK), min_size=1, max_size=5), n=st.integers(1, 5))
def test_normals_are_box_muller_of_each_draw(keys, n):
    draws = row_normals(np.array(keys, dtype=np.uint64), n, 0)
    for key, row in zip(keys, draws, strict=True):
        for index, value in enumerate(row):
            bits = _draw(key, 0, index // 2)
            radius = math.sqrt(-2.0 * math.log(((bits >> 32) + 0.5) * 2.0**-32))
            angle = 2.0 * math.pi * (bits & 0xFFFFFFFF) * 2.0**-32
            exact = radius * (math.cos(angle) if index % 2 == 0 else math.sin(angle))
            assert abs(value - exact) <= 1e-12 * max(1.0, abs(exact))


def test_row_keys_feed_value_keys_unchanged_by_the_block_size(monkeypatch):
    X = np.random.default_rng(5).normal(size=(33, 7))
    whole = row_keys(1, value_keys(X), np.zeros(33, dtype=np.intp))
    monkeypatch.setattr(seeding, "_BLOCK", 7)
    np.testing.assert_array_equal(row_keys(1, value_keys(X), np.zeros(33, dtype=np.intp)), whole)
