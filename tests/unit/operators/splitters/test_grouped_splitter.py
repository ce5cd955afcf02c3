"""GroupedSplitter: groups stay together, aggregation, errors, scikit-learn interop."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    LeaveOneOut,
    ShuffleSplit,
    StratifiedKFold,
    cross_val_score,
)

from nirs4all.operators.splitters import (
    GroupedSplitter,
    GroupedSplitterWrapper,
    KennardStone,
)


@pytest.fixture
def repeated_scans():
    """Ten samples scanned three times each, rows shuffled."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(10, 6))
    sample_id = np.repeat(np.arange(10), 3)
    order = rng.permutation(30)
    X = base[sample_id] + rng.normal(scale=0.01, size=(30, 6))
    y = base[sample_id, 0] * 3.0
    return X[order], y[order], sample_id[order]


@pytest.mark.filterwarnings("error")
def test_groups_are_never_split_across_sides(repeated_scans):
    X, y, groups = repeated_scans
    for inner in (KFold(5), ShuffleSplit(4, test_size=0.3, random_state=1), KennardStone(0.3)):
        for train, test in GroupedSplitter(inner).split(X, y, groups):
            assert not set(groups[train]) & set(groups[test])
            assert sorted([*train, *test]) == list(range(len(X)))


def test_wrapped_kennard_stone_selects_the_groups_it_would_select_on_group_means(
    repeated_scans,
):
    X, _, groups = repeated_scans
    means = np.stack([X[groups == g].mean(axis=0) for g in range(10)])
    train_groups, test_groups = next(KennardStone(test_size=3).split(means))
    train, test = next(GroupedSplitter(KennardStone(test_size=3)).split(X, groups=groups))
    assert sorted(set(groups[train])) == train_groups.tolist()
    assert sorted(set(groups[test])) == test_groups.tolist()


def test_median_aggregation_is_used_for_the_representatives():
    X = np.array([[0.0], [1.0], [10.0], [5.0], [6.0], [7.0], [20.0], [21.0], [22.0]])
    groups = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    # Group medians 1, 6, 21: Kennard-Stone picks groups 0 and 2 as the farthest pair.
    _, test = next(GroupedSplitter(KennardStone(1), aggregation="median").split(X, None, groups))
    assert test.tolist() == [3, 4, 5]
    # Group means 3.67, 6, 21: group 1 is still the one left for the test set.
    _, test = next(GroupedSplitter(KennardStone(1)).split(X, None, groups))
    assert test.tolist() == [3, 4, 5]


def test_integer_class_labels_are_aggregated_by_mode_for_stratified_splitters():
    X = np.arange(24.0).reshape(12, 2)
    groups = np.repeat(np.arange(6), 2)
    labels = np.array([0, 0, 1, 1] * 3)
    cv = GroupedSplitter(StratifiedKFold(n_splits=3))
    for train, test in cv.split(X, labels, groups):
        assert sorted(labels[test].tolist()) == [0, 0, 1, 1]
        assert not set(groups[train]) & set(groups[test])


def test_string_labels_are_aggregated_by_mode_with_ties_to_the_lowest_label():
    X = np.zeros((9, 1))
    groups = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3])
    labels = np.array(["b", "b", "a", "a", "a", "b", "b", "b", "a"])
    # Group labels by mode: 0 -> b, 1 -> a, 2 -> a (tie), 3 -> b.
    for _, test in GroupedSplitter(StratifiedKFold(n_splits=2)).split(X, labels, groups):
        test_groups = set(groups[test])
        assert len(test_groups & {1, 2}) == 1
        assert len(test_groups & {0, 3}) == 1


def test_missing_groups_raise_an_error_naming_the_parameter():
    with pytest.raises(ValueError, match="needs groups"):
        next(GroupedSplitter(KFold(2)).split(np.zeros((4, 2))))


def test_groups_of_the_wrong_length_are_rejected():
    with pytest.raises(ValueError, match="one label per row"):
        next(GroupedSplitter(KFold(2)).split(np.zeros((4, 2)), groups=[0, 1, 2]))


def test_y_of_the_wrong_length_is_rejected():
    with pytest.raises(ValueError, match="y has 3 rows but X has 4"):
        next(GroupedSplitter(KFold(2)).split(np.zeros((4, 2)), [1, 2, 3], [0, 0, 1, 1]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"aggregation": "sum"}, "aggregation must be one of"),
        ({"y_aggregation": "max"}, "y_aggregation must be None or one of"),
    ],
)
def test_unknown_aggregations_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        next(GroupedSplitter(KFold(2), **kwargs).split(np.zeros((4, 1)), groups=[0, 0, 1, 1]))


def test_an_object_that_is_not_a_splitter_is_rejected():
    with pytest.raises(TypeError, match="split\\(\\) and get_n_splits\\(\\)"):
        GroupedSplitter("kfold").get_n_splits()


def test_get_n_splits_counts_the_splits_of_the_wrapped_splitter_over_groups():
    groups = [0, 0, 1, 1, 2, 2, 3]
    assert GroupedSplitter(KFold(3)).get_n_splits() == 3
    assert GroupedSplitter(LeaveOneOut()).get_n_splits(np.zeros((7, 1)), None, groups) == 4
    assert GroupedSplitter(GroupKFold(2)).get_n_splits(groups=groups) == 2


def test_wrapped_group_splitters_see_one_group_per_representative():
    X = np.arange(16.0).reshape(8, 2)
    groups = np.repeat([3, 1, 2, 0], 2)
    tests = [test.tolist() for _, test in GroupedSplitter(LeaveOneOut()).split(X, None, groups)]
    # Representatives follow the sorted group labels 0, 1, 2, 3.
    assert tests == [[6, 7], [2, 3], [4, 5], [0, 1]]
    splits = list(GroupedSplitter(GroupKFold(2)).split(X, None, groups))
    assert len(splits) == 2


def test_works_as_cv_of_cross_val_score_and_grid_search(repeated_scans):
    X, y, groups = repeated_scans
    cv = GroupedSplitter(KFold(n_splits=3, shuffle=True, random_state=0))
    scores = cross_val_score(PLSRegression(n_components=2), X, y, groups=groups, cv=cv)
    assert scores.shape == (3,)
    search = GridSearchCV(PLSRegression(), {"n_components": [1, 2]}, cv=cv)
    search.fit(X, y, groups=groups)
    assert search.best_params_["n_components"] in (1, 2)
    assert len(search.cv_results_["split2_test_score"]) == 2


def test_kennard_stone_works_as_cv_of_grid_search():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 5))
    y = X @ rng.normal(size=5)
    search = GridSearchCV(PLSRegression(), {"n_components": [1, 3]}, cv=KennardStone(0.25))
    search.fit(X, y)
    assert search.best_params_ == {"n_components": 3}


def test_same_call_twice_gives_identical_splits(repeated_scans):
    X, y, groups = repeated_scans
    cv = GroupedSplitter(ShuffleSplit(3, test_size=0.2, random_state=4))
    first = [(a.tolist(), b.tolist()) for a, b in cv.split(X, y, groups)]
    assert first == [(a.tolist(), b.tolist()) for a, b in cv.split(X, y, groups)]


def test_the_0_7_name_is_an_alias():
    assert GroupedSplitterWrapper is GroupedSplitter


def test_a_splitter_without_metadata_routing_still_receives_group_ids():
    class FirstGroupOut:
        def split(self, X, y=None, groups=None):
            yield np.flatnonzero(groups != 0), np.flatnonzero(groups == 0)

        def get_n_splits(self, X=None, y=None, groups=None):
            return 1

    X = np.zeros((4, 1))
    train, test = next(GroupedSplitter(FirstGroupOut()).split(X, groups=["b", "a", "b", "a"]))
    assert test.tolist() == [1, 3]
    assert train.tolist() == [0, 2]
