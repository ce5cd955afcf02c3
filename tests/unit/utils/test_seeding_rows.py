"""Counter-based row streams (nirs4all.utils.seeding.row_*): per-row independence and quality."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nirs4all.utils.seeding import _bits, row_keys, row_normals, row_uniforms, value_keys

_KEYS = st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=12, unique=True)


def test_each_draw_is_the_splitmix64_sequence_of_its_stream():
    # Published SplitMix64 outputs of state 0 (Steele, Lea and Flood 2014; Vigna's reference).
    first = _bits(np.array([0], dtype=np.uint64), 3)[0].tolist()
    assert first == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


@settings(max_examples=60, deadline=None)
@given(keys=_KEYS, n=st.integers(1, 9), call=st.integers(0, 5), data=st.data())
def test_a_row_draws_the_same_numbers_whatever_the_other_rows_and_their_order(
    keys, n, call, data
):
    keys = np.array(keys, dtype=np.uint64)
    order = np.array(data.draw(st.permutations(range(len(keys)))))
    for draw in (row_uniforms, row_normals):
        whole = draw(keys, n, call)
        np.testing.assert_array_equal(draw(keys[order], n, call), whole[order])
        for row, key in enumerate(keys):
            np.testing.assert_array_equal(draw(key[None], n, call)[0], whole[row])


@settings(max_examples=30, deadline=None)
@given(keys=_KEYS, n=st.integers(1, 7))
def test_a_longer_call_starts_with_the_draws_of_a_shorter_one(keys, n):
    keys = np.array(keys, dtype=np.uint64)
    np.testing.assert_array_equal(row_uniforms(keys, n + 3)[:, :n], row_uniforms(keys, n))
    np.testing.assert_array_equal(row_normals(keys, n + 3)[:, :n], row_normals(keys, n))


def test_per_row_call_numbers_read_each_row_at_its_own_call():
    keys = row_keys(3, np.arange(4))
    calls = np.array([0, 2, 1, 5])
    mixed = row_uniforms(keys, 6, calls)
    for row, call in enumerate(calls):
        np.testing.assert_array_equal(mixed[row], row_uniforms(keys, 6, call)[row])


def test_uniforms_lie_in_zero_one_and_pass_a_kolmogorov_smirnov_test():
    draws = row_uniforms(row_keys(0, np.arange(100)), 1000).ravel()
    assert draws.min() >= 0.0
    assert draws.max() < 1.0
    assert stats.kstest(draws, "uniform").pvalue > 1e-3
    # across rows at one position, and across calls of one row: the same law
    assert stats.kstest(row_uniforms(row_keys(1, np.arange(100_000)), 1)[:, 0],
                        "uniform").pvalue > 1e-3
    one_row = row_keys(2, [7])
    by_call = np.array([row_uniforms(one_row, 1, call)[0, 0] for call in range(2000)])
    assert stats.kstest(by_call, "uniform").pvalue > 1e-3


def test_normals_have_mean_zero_variance_one_and_a_normal_law():
    draws = row_normals(row_keys(5, np.arange(100)), 1001).ravel()
    n = draws.size
    assert abs(draws.mean()) < 5.0 / np.sqrt(n)
    assert abs(draws.var() - 1.0) < 5.0 * np.sqrt(2.0 / n)
    assert abs(stats.skew(draws)) < 0.05
    assert abs(stats.kurtosis(draws)) < 0.1
    assert stats.kstest(draws, "norm").pvalue > 1e-3
    # the cos and sin halves of each Box-Muller pair are uncorrelated
    pairs = row_normals(row_keys(6, np.arange(50_000)), 2)
    assert abs(np.corrcoef(pairs.T)[0, 1]) < 5.0 / np.sqrt(50_000)


@pytest.mark.parametrize("draw", [row_uniforms, row_normals])
def test_draws_of_neighbouring_keys_and_calls_are_uncorrelated(draw):
    n = 20_000
    keys = row_keys(9, np.arange(64))
    rows = draw(keys, n)
    correlation = np.corrcoef(rows)[np.triu_indices(len(keys), 1)]
    assert np.abs(correlation).max() < 5.0 / np.sqrt(n)
    raw = draw(np.arange(8, dtype=np.uint64), n)  # adjacent raw keys, no key mixing
    assert np.abs(np.corrcoef(raw)[np.triu_indices(8, 1)]).max() < 5.0 / np.sqrt(n)
    calls = np.stack([draw(keys[:1], n, call)[0] for call in range(8)])
    assert np.abs(np.corrcoef(calls)[np.triu_indices(8, 1)]).max() < 5.0 / np.sqrt(n)
    lagged = rows[0]
    assert abs(np.corrcoef(lagged[:-1], lagged[1:])[0, 1]) < 5.0 / np.sqrt(n)


def test_row_keys_depend_on_the_root_and_on_every_identity_in_its_place():
    base = row_keys(1, [5, 5], [0, 1], [0, 0])
    assert base[0] != base[1]
    assert row_keys(2, [5], [0], [0])[0] != row_keys(1, [5], [0], [0])[0]
    assert row_keys(1, [0], [1])[0] != row_keys(1, [1], [0])[0]
    assert row_keys(1, [1])[0] != row_keys(1, [1], [0])[0]
    np.testing.assert_array_equal(row_keys(-1, [3]), row_keys(2**64 - 1, [3]))
    assert row_keys(7, np.arange(10_000)).tolist() == row_keys(7, np.arange(10_000)).tolist()
    assert len(set(row_keys(7, np.arange(10_000)).tolist())) == 10_000


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30),
       data=st.data())
def test_a_value_key_depends_on_the_row_values_and_their_positions_only(values, data):
    row = np.array(values)
    others = np.array(data.draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False),
                                         min_size=len(values), max_size=len(values))))
    keys = value_keys(np.stack([others, row, others]))
    assert keys[1] == value_keys(row[None])[0]
    assert value_keys(row[None].astype(np.float32))[0] == value_keys(
        row[None].astype(np.float32).astype(np.float64))[0]
    column = data.draw(st.integers(0, len(values) - 1))
    changed = row.copy()
    changed[column] = np.nextafter(changed[column], np.inf)
    assert value_keys(changed[None])[0] != keys[1]


def test_value_keys_tell_swapped_columns_of_round_numbers_apart():
    rows = np.array([[0.5, 0.25, 1.0, 2.0], [0.25, 0.5, 1.0, 2.0], [0.5, 0.25, 2.0, 1.0]])
    assert len(set(value_keys(rows).tolist())) == 3
    many = np.random.default_rng(0).integers(0, 4, (20_000, 8)).astype(np.float64)
    distinct = np.unique(many, axis=0)
    assert len(set(value_keys(distinct).tolist())) == len(distinct)
