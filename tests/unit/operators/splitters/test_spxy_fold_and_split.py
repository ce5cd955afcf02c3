"""SPXYGFold (group-aware SPXY k-fold) and SPlitSplitter (twinning)."""

from __future__ import annotations

import builtins

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_predict, cross_validate

from nirs4all.operators.splitters import SPlitSplitter, SPXYGFold


@pytest.fixture
def data():
    rng = np.random.default_rng(2)
    return rng.normal(size=(45, 6)), rng.normal(size=45), np.repeat(np.arange(15), 3)


def _reference_spxy_order(X, y):
    """Plain max-min selection on the full normalised SPXY matrix."""
    d_x, d_y = cdist(X, X), cdist(y[:, None], y[:, None])
    d = d_x / d_x.max() + d_y / d_y.max()
    first, second = np.unravel_index(np.argmax(np.triu(d, 1)), d.shape)
    order = [int(first), int(second)]
    while len(order) < len(X):
        nearest = d[:, order].min(axis=1)
        nearest[order] = -1
        order.append(int(np.argmax(nearest)))
    return order


def test_folds_deal_the_group_means_along_the_spxy_order(data):
    X, y, groups = data
    means_X = X.reshape(15, 3, 6).mean(axis=1)
    means_y = y.reshape(15, 3).mean(axis=1)
    order = _reference_spxy_order(means_X, means_y)
    folds = list(SPXYGFold(3).split(X, y, groups))
    for fold, (train, test) in enumerate(folds):
        expected_groups = sorted(order[fold::3])
        assert sorted(set(groups[test].tolist())) == expected_groups
        assert not set(groups[train]) & set(groups[test])
        assert sorted([*train, *test]) == list(range(45))


def test_without_groups_each_row_is_dealt(data):
    X, y, _ = data
    order = _reference_spxy_order(X, y)
    _, test = next(SPXYGFold(5).split(X, y))
    assert test.tolist() == sorted(order[0::5])


def test_spxy_fold_is_deterministic_and_works_with_cross_val_predict(data):
    X, y, groups = data
    cv = SPXYGFold(3)
    first = [t.tolist() for _, t in cv.split(X, y, groups)]
    assert first == [t.tolist() for _, t in cv.split(X, y, groups)]
    assert cross_val_predict(Ridge(), X, y, cv=cv, groups=groups).shape == (45,)
    assert cross_validate(Ridge(), X, y, cv=cv, groups=groups)["test_score"].shape == (3,)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"n_splits": 1}, "n_splits"),
        ({"n_splits": 16}, "n_splits"),
        ({"aggregation": "max"}, "aggregation"),
    ],
)
def test_spxy_fold_invalid_parameters_are_named(data, kwargs, parameter):
    X, y, groups = data
    with pytest.raises(ValueError, match=parameter):
        next(SPXYGFold(**kwargs).split(X, y, groups))


def test_spxy_fold_needs_y(data):
    with pytest.raises(ValueError, match="needs y"):
        next(SPXYGFold(3).split(data[0]))


def test_split_splitter_test_rows_are_the_twinning_twin():
    twinning = pytest.importorskip("twinning")
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(80, 4)), rng.normal(size=80)
    train, test = next(SPlitSplitter(0.25, random_state=6).split(X, y))
    start = np.random.RandomState(6).randint(80)
    expected = twinning.twin(np.column_stack([X, y]), 4, u1=start)
    assert test.tolist() == sorted(expected.tolist())
    assert len(test) == 20
    assert sorted([*train, *test]) == list(range(80))


def test_split_splitter_is_seeded_validates_and_works_in_cross_validate():
    pytest.importorskip("twinning")
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    splitter = SPlitSplitter(0.2, random_state=1)
    assert np.array_equal(next(splitter.split(X, y))[1], next(splitter.split(X, y))[1])
    assert cross_validate(Ridge(), X, y, cv=splitter)["test_score"].shape == (1,)
    with pytest.raises(ValueError, match="test_size"):
        next(SPlitSplitter(0.7).split(X, y))


def test_split_splitter_without_twinning_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_twinning(name, *args, **kwargs):
        if name == "twinning":
            raise ImportError("No module named 'twinning'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_twinning)
    with pytest.raises(ImportError, match=r"nirs4all\[split\]"):
        SPlitSplitter()
