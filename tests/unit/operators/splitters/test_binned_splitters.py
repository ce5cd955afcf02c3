"""KBinsStratifiedSplitter and BinnedStratifiedGroupKFold against scikit-learn references."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    StratifiedGroupKFold,
    StratifiedShuffleSplit,
    cross_val_predict,
    cross_validate,
)
from sklearn.preprocessing import KBinsDiscretizer

from nirs4all.operators.splitters import BinnedStratifiedGroupKFold, KBinsStratifiedSplitter
from nirs4all.operators.splitters._binned import bin_targets


@pytest.fixture
def data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(120, 5)), rng.gamma(2.0, size=120), np.repeat(np.arange(40), 3)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_bins_equal_sklearn_kbins_discretizer(data, strategy):
    y = data[1]
    options = {"quantile_method": "linear"} if strategy == "quantile" else {}
    reference = KBinsDiscretizer(n_bins=7, encode="ordinal", strategy=strategy, **options)
    expected = reference.fit_transform(y[:, None])[:, 0]
    assert np.array_equal(bin_targets(y, 7, strategy, "test"), expected)


def test_kbins_split_equals_stratified_shuffle_split_on_the_bins(data):
    X, y, _ = data
    train, test = next(KBinsStratifiedSplitter(0.25, random_state=4, n_bins=5).split(X, y))
    bins = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="uniform").fit_transform(
        y[:, None]
    )[:, 0]
    ref_train, ref_test = next(
        StratifiedShuffleSplit(1, test_size=30, random_state=4).split(X, bins)
    )
    assert train.tolist() == sorted(ref_train)
    assert test.tolist() == sorted(ref_test)


def test_kbins_seeded_split_is_repeatable_and_rejects_sparse_bins(data):
    X, y, _ = data
    splitter = KBinsStratifiedSplitter(random_state=2, n_bins=4)
    assert np.array_equal(next(splitter.split(X, y))[1], next(splitter.split(X, y))[1])
    y_outlier = y.copy()
    y_outlier[0] = 1e3  # alone in the top uniform bin
    with pytest.raises(ValueError, match="n_bins"):
        next(splitter.split(X, y_outlier))


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"n_bins": 1}, "n_bins"),
        ({"strategy": "kmeans"}, "strategy"),
        ({"test_size": 1.5}, "test_size"),
    ],
)
def test_kbins_invalid_parameters_are_named(data, kwargs, parameter):
    with pytest.raises(ValueError, match=parameter):
        next(KBinsStratifiedSplitter(**kwargs).split(data[0], data[1]))


def test_binned_group_kfold_equals_stratified_group_kfold_on_the_quantile_bins(data):
    X, y, groups = data
    ours = list(
        BinnedStratifiedGroupKFold(4, n_bins=5, shuffle=True, random_state=3).split(X, y, groups)
    )
    bins = bin_targets(y, 5, "quantile", "test")
    ref = list(StratifiedGroupKFold(4, shuffle=True, random_state=3).split(X, bins, groups))
    assert len(ours) == 4
    for (train, test), (ref_train, ref_test) in zip(ours, ref, strict=True):
        assert np.array_equal(train, ref_train)
        assert np.array_equal(test, ref_test)
        assert not set(groups[train]) & set(groups[test])


def test_binned_group_kfold_works_in_cross_val_predict_and_needs_groups(data):
    X, y, groups = data
    cv = BinnedStratifiedGroupKFold(3)
    assert cross_val_predict(Ridge(), X, y, cv=cv, groups=groups).shape == (120,)
    assert cross_validate(Ridge(), X, y, cv=cv, groups=groups)["test_score"].shape == (3,)
    with pytest.raises(ValueError, match="needs groups"):
        next(cv.split(X, y))
    with pytest.raises(ValueError, match="n_splits"):
        BinnedStratifiedGroupKFold(1).get_n_splits()


def test_binned_group_kfold_names_n_bins_when_every_bin_is_smaller_than_n_splits():
    X, y = np.zeros((6, 2)), np.array([0.0, 0.0, 1.0, 1.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="n_bins"):
        next(BinnedStratifiedGroupKFold(3, n_bins=3).split(X, y, np.arange(6)))
