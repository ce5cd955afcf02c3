"""Interval PLS: PLS with one interval, RMSECV as scikit-learn computes it, and the
informative intervals found on synthetic spectra."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold, cross_val_predict

from nirs4all.operators.models._interval_pls import IntervalPLS, split_intervals


def _spectra(n: int, seed: int, informative: tuple[float, ...] = (70.0,)) -> tuple:
    """200-point spectra: strong interferent bands, and the target's band(s) at
    ``informative`` (the target is their common amount)."""
    rng = np.random.default_rng(seed)
    axis = np.arange(200.0)
    interferents = np.exp(-0.5 * ((axis[None, :] - np.array([[15.0], [130.0], [175.0]])) / 6) ** 2)
    target = np.exp(-0.5 * ((axis[None, :] - np.array(informative)[:, None]) / 4) ** 2).sum(0)
    amount = rng.uniform(0.1, 1.0, size=n)
    X = rng.uniform(0, 3, size=(n, 3)) @ interferents + 0.3 * np.outer(amount, target)
    return X + rng.normal(0, 2e-3, size=X.shape), amount


def test_one_interval_covering_all_equals_sklearn_pls() -> None:
    X, y = _spectra(60, seed=1)
    model = IntervalPLS(4, n_intervals=1).fit(X, y)
    reference = PLSRegression(4, scale=False).fit(X, y)
    assert model.support_.all()
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-8)


def test_interval_scores_equal_rmsecv_of_sklearn_pls() -> None:
    X, y = _spectra(50, seed=2)
    model = IntervalPLS(3, n_intervals=8, cv=5, random_state=4).fit(X, y)
    folds = KFold(5, shuffle=True, random_state=4)
    for columns, score in zip(model.intervals_, model.interval_scores_, strict=True):
        predicted = cross_val_predict(PLSRegression(3, scale=False), X[:, columns], y, cv=folds)
        assert score == pytest.approx(np.sqrt(np.mean((predicted - y) ** 2)), abs=1e-8)


def test_single_mode_finds_the_informative_interval() -> None:
    X, y = _spectra(120, seed=3)
    model = IntervalPLS(2, n_intervals=10).fit(X, y)
    np.testing.assert_array_equal(model.selected_intervals_, [3])
    np.testing.assert_array_equal(model.get_support(indices=True), np.arange(60, 80))
    assert model.interval_scores_[3] < 0.2 * np.delete(model.interval_scores_, 3).min()
    np.testing.assert_array_equal(model.coef_[:, ~model.support_], 0.0)


def test_forward_mode_adds_the_informative_intervals() -> None:
    X, y = _spectra(120, seed=4, informative=(50.0, 110.0))
    model = IntervalPLS(3, n_intervals=10, mode="forward").fit(X, y)
    assert {2, 5} <= set(model.selected_intervals_.tolist())
    assert np.all(np.diff(model.score_path_) < 0)
    assert model.score_path_[0] == pytest.approx(model.interval_scores_.min())


def test_backward_mode_drops_intervals_and_keeps_the_informative_one() -> None:
    X, y = _spectra(120, seed=5)
    model = IntervalPLS(3, n_intervals=5, mode="backward").fit(X, y)
    assert 1 in model.selected_intervals_
    assert model.selected_intervals_.size < 5
    assert np.all(np.diff(model.score_path_) < 0)


def test_forward_mode_stops_at_max_intervals() -> None:
    X, y = _spectra(80, seed=6, informative=(50.0, 110.0))
    model = IntervalPLS(2, n_intervals=10, mode="forward", max_intervals=1).fit(X, y)
    assert model.selected_intervals_.size == 1


def test_interval_width_sets_the_intervals() -> None:
    assert [len(i) for i in split_intervals(10, 3, None)] == [4, 3, 3]
    assert [len(i) for i in split_intervals(10, 3, 4)] == [4, 4, 2]
    X, y = _spectra(40, seed=7)
    model = IntervalPLS(2, interval_width=50).fit(X, y)
    assert len(model.intervals_) == 4


def test_the_inner_cross_validation_is_seeded() -> None:
    X, y = _spectra(40, seed=8)
    first = IntervalPLS(2, random_state=1).fit(X, y).interval_scores_
    again = IntervalPLS(2, random_state=1).fit(X, y).interval_scores_
    other = IntervalPLS(2, random_state=2).fit(X, y).interval_scores_
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_a_splitter_can_be_given_as_cv() -> None:
    X, y = _spectra(40, seed=9)
    splitter = KFold(4)
    model = IntervalPLS(2, n_intervals=4, cv=splitter).fit(X, y)
    predicted = cross_val_predict(
        PLSRegression(2, scale=False), X[:, model.intervals_[0]], y, cv=splitter
    )
    assert model.interval_scores_[0] == pytest.approx(np.sqrt(np.mean((predicted - y) ** 2)))


def test_mode_must_be_known() -> None:
    X, y = _spectra(20, seed=10)
    with pytest.raises(ValueError, match="mode must be one of"):
        IntervalPLS(mode="genetic").fit(X, y)


def test_importance_is_zero_off_the_selected_interval() -> None:
    X, y = _spectra(60, seed=11)
    model = IntervalPLS(2, n_intervals=10).fit(X, y)
    np.testing.assert_array_equal(model.vip_[~model.support_], 0.0)
    np.testing.assert_array_equal(model.selectivity_ratio_[:, ~model.support_], 0.0)
    assert model.vip_[model.support_].max() > 1.0
