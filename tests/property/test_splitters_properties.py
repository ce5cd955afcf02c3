"""Properties of the splitters on arbitrary data: partition, sizes, groups, determinism."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.model_selection import KFold, ShuffleSplit

from nirs4all.operators.splitters import (
    SPXY,
    BinnedStratifiedGroupKFold,
    GroupedSplitter,
    KennardStone,
    KMeansSplitter,
    SPXYGFold,
    SystematicCircularSplitter,
)
from nirs4all.operators.splitters._binned import bin_targets

SETTINGS = settings(max_examples=50, deadline=None)

# Rounded values make ties and duplicate spectra common.
values = st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 1))


@st.composite
def spectra_and_test_size(draw):
    n = draw(st.integers(3, 40))
    X = draw(arrays(np.float64, (n, draw(st.integers(1, 6))), elements=values))
    n_test = draw(st.integers(1, n - 2))
    # A float test_size of (n_test - 0.5) / n rounds up to n_test.
    test_size = draw(st.sampled_from([n_test, (n_test - 0.5) / n]))
    y = draw(arrays(np.float64, n, elements=values))
    return X, y, test_size, n_test


def assert_partition(train, test, n):
    assert train.dtype.kind == test.dtype.kind == "i"
    assert not set(train.tolist()) & set(test.tolist())
    assert sorted([*train.tolist(), *test.tolist()]) == list(range(n))


@SETTINGS
@given(spectra_and_test_size(), st.sampled_from(["kennard_stone", "spxy"]))
def test_split_is_a_partition_of_the_requested_size_and_repeatable(data, kind):
    X, y, test_size, n_test = data
    splitter = KennardStone(test_size) if kind == "kennard_stone" else SPXY(test_size)
    (train, test), *rest = list(splitter.split(X, y))
    assert not rest
    assert_partition(train, test, len(X))
    assert len(test) == n_test
    again, again_test = next(splitter.split(X, y))
    assert again.tolist() == train.tolist()
    assert again_test.tolist() == test.tolist()


@SETTINGS
@given(spectra_and_test_size())
def test_kennard_stone_training_set_contains_a_farthest_pair(data):
    X, _, test_size, _ = data
    train, _ = next(KennardStone(test_size).split(X))
    distances = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=-1))
    inside = distances[np.ix_(train, train)]
    np.testing.assert_allclose(inside.max(), distances.max(), rtol=1e-9, atol=1e-9)


@st.composite
def grouped_data(draw):
    n = draw(st.integers(6, 40))
    X = draw(arrays(np.float64, (n, draw(st.integers(1, 4))), elements=values))
    # Labels 0, 1, 2 always occur: every group splitter needs at least three groups here.
    drawn = draw(arrays(np.int64, n - 3, elements=st.integers(0, draw(st.integers(2, 12)))))
    groups = np.concatenate([drawn, [0, 1, 2]])
    return X, groups[draw(st.permutations(range(n)))]


@SETTINGS
@given(grouped_data(), st.sampled_from(["kfold", "shuffle", "kennard_stone"]), st.integers(0, 99))
def test_grouped_splitter_keeps_every_group_on_one_side(data, kind, seed):
    X, groups = data
    n_groups = len(np.unique(groups))
    if kind == "kfold":
        inner = KFold(n_splits=min(3, n_groups), shuffle=True, random_state=seed)
    elif kind == "shuffle":
        inner = ShuffleSplit(n_splits=3, test_size=0.3, random_state=seed)
    else:
        inner = KennardStone(test_size=1)
    cv = GroupedSplitter(inner)
    splits = list(cv.split(X, None, groups))
    assert len(splits) == cv.get_n_splits(X, None, groups)
    for train, test in splits:
        assert_partition(train, test, len(X))
        assert not set(groups[train].tolist()) & set(groups[test].tolist())
    again = list(cv.split(X, None, groups))
    for (train, test), (train2, test2) in zip(splits, again, strict=True):
        assert train.tolist() == train2.tolist()
        assert test.tolist() == test2.tolist()


@SETTINGS
@given(grouped_data())
def test_grouped_kfold_tests_every_group_exactly_once(data):
    X, groups = data
    n_splits = min(3, len(np.unique(groups)))
    seen = []
    for _, test in GroupedSplitter(KFold(n_splits)).split(X, None, groups):
        seen.extend(np.unique(groups[test]).tolist())
    assert sorted(seen) == np.unique(groups).tolist()


@SETTINGS
@given(grouped_data(), st.sampled_from(["binned", "spxy_fold"]), st.integers(0, 99))
def test_group_kfolds_keep_groups_whole_test_each_row_once_and_repeat(data, kind, seed):
    X, groups = data
    y = X.sum(axis=1)
    if kind == "binned":
        # StratifiedGroupKFold needs one bin with at least n_splits rows.
        assume(np.bincount(bin_targets(y, 3, "quantile", "test")).max() >= 3)
        cv = BinnedStratifiedGroupKFold(3, n_bins=3, shuffle=True, random_state=seed)
    else:
        cv = SPXYGFold(3)
    splits = list(cv.split(X, y, groups))
    assert len(splits) == cv.get_n_splits(X, y, groups)
    tested = []
    for train, test in splits:
        assert_partition(train, test, len(X))
        assert not set(groups[train].tolist()) & set(groups[test].tolist())
        tested.extend(test.tolist())
    assert sorted(tested) == list(range(len(X)))
    again = [test.tolist() for _, test in cv.split(X, y, groups)]
    assert again == [test.tolist() for _, test in splits]


@SETTINGS
@given(spectra_and_test_size(), st.sampled_from(["kmeans", "systematic"]), st.integers(0, 99))
def test_seeded_single_splits_are_partitions_of_at_most_the_requested_size(data, kind, seed):
    X, y, test_size, n_test = data
    if kind == "kmeans":
        splitter = KMeansSplitter(test_size, random_state=seed)
    else:
        splitter = SystematicCircularSplitter(test_size, random_state=seed)
    train, test = next(splitter.split(X, y))
    assert_partition(train, test, len(X))
    if kind == "kmeans":
        # K-means finds fewer clusters than asked on duplicate spectra: never more rows.
        assert len(train) <= len(X) - n_test
    else:
        assert len(test) == n_test
    train2, test2 = next(splitter.split(X, y))
    assert train.tolist() == train2.tolist()
    assert test.tolist() == test2.tolist()
