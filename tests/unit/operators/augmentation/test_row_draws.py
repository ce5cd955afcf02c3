"""RowDraws: the augmenters' per-row streams, drawn for all rows at once or row by row."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.utils.seeding import row_keys


def _draws(n: int = 6, seed: int = 4) -> RowDraws:
    return RowDraws(row_keys(seed, np.arange(n)))


def test_a_call_for_all_rows_equals_the_same_call_row_by_row():
    together, apart = _draws(), _draws()
    expected = [together.uniform(2.0, 3.0), together.standard_normal(4),
                together.integers(3, 9), together.beta(0.4, 0.4), together.random(2)]
    for row, gen in enumerate(apart):
        got = [gen.uniform(2.0, 3.0), gen.standard_normal(4), gen.integers(3, 9),
               gen.beta(0.4, 0.4), gen.random(2)]
        for value, column in zip(got, expected, strict=True):
            np.testing.assert_array_equal(value, column[row])


def test_rows_that_make_more_calls_do_not_shift_the_draws_of_the_others():
    draws, reference = _draws(), _draws()
    draws[1].uniform(size=5)  # row 1 alone makes an extra call
    after = draws.uniform()
    reference_after = reference.uniform()
    np.testing.assert_array_equal(np.delete(after, 1), np.delete(reference_after, 1))
    assert after[1] != reference_after[1]


def test_standard_normal_writes_into_out_and_scalars_are_floats():
    gen, twin = _draws()[0], _draws()[0]
    out = np.empty((2, 3))
    assert gen.standard_normal(out=out) is out
    np.testing.assert_array_equal(out.ravel(), twin.standard_normal(6))
    assert isinstance(gen.uniform(), float)
    assert isinstance(gen.standard_normal(), float)
    assert isinstance(gen.integers(4), int)
    assert isinstance(gen.beta(2.0, 3.0), float)


def test_integers_cover_their_range_uniformly():
    draws = RowDraws(row_keys(1, np.arange(60_000)))
    values = draws.integers(2, 7)
    assert values.min() == 2
    assert values.max() == 6
    counts = np.bincount(values - 2)
    assert stats.chisquare(counts).pvalue > 1e-3
    single = draws.integers(3)
    assert set(np.unique(single).tolist()) == {0, 1, 2}


def test_beta_draws_follow_the_beta_law():
    values = RowDraws(row_keys(2, np.arange(20_000))).beta(0.3, 0.7)
    assert values.min() >= 0.0
    assert values.max() <= 1.0
    assert stats.kstest(values, "beta", args=(0.3, 0.7)).pvalue > 1e-3


def test_choice_takes_distinct_entries_uniformly():
    gen = _draws()[2]
    picked = gen.choice(np.arange(10, 30), 7)
    assert len(set(picked.tolist())) == 7
    assert set(picked.tolist()) <= set(range(10, 30))
    firsts = [RowDraws(row_keys(3, [k]))[0].choice(5, 1)[0] for k in range(5000)]
    assert stats.chisquare(np.bincount(firsts)).pvalue > 1e-3
    with pytest.raises(ValueError, match="cannot take 6 of 5"):
        gen.choice(5, 6)


@pytest.mark.parametrize("bad", [np.nan, -np.inf])
def test_a_non_finite_value_in_any_block_is_refused_by_transform_and_augment(bad):
    from nirs4all.operators.augmentation import GaussianNoise, Mixup

    X = np.random.default_rng(0).normal(size=(60, 3000))  # several blocks of rows
    spoiled = X.copy()
    spoiled[-1, -1] = bad
    match = "NaN" if np.isnan(bad) else "infinity"
    for augmenter in (GaussianNoise(), Mixup()):
        fitted = augmenter.fit(X)
        with pytest.raises(ValueError, match=match):
            fitted.transform(spoiled)
        with pytest.raises(ValueError, match=match):
            fitted.augment(spoiled)
