"""KMeansSplitter and SystematicCircularSplitter: references, seeding, validation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_validate

from nirs4all.operators.splitters import KMeansSplitter, SystematicCircularSplitter


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(60, 8)), rng.normal(size=60)


def test_kmeans_training_rows_are_the_members_nearest_to_sklearn_kmeans_centroids(data):
    X, y = data
    train, test = next(KMeansSplitter(test_size=15, random_state=3).split(X, y))
    reference = KMeans(n_clusters=45, n_init=1, random_state=3).fit(X)
    expected = []
    for cluster in range(45):
        members = np.flatnonzero(reference.labels_ == cluster)
        gaps = np.linalg.norm(X[members] - reference.cluster_centers_[cluster], axis=1)
        expected.append(members[np.argmin(gaps)])
    assert train.tolist() == sorted(expected)
    assert len(test) == 15


def test_kmeans_with_an_int_seed_gives_the_same_split_on_every_call(data):
    X, y = data
    splitter = KMeansSplitter(random_state=7)
    first, second = next(splitter.split(X, y)), next(splitter.split(X, y))
    assert np.array_equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])


def test_kmeans_on_pca_scores_clusters_the_scores(data):
    X, _y = data
    train, test = next(KMeansSplitter(test_size=0.5, random_state=0, pca_components=3).split(X))
    assert len(train) == len(test) == 30


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [({"test_size": 0}, "test_size"), ({"n_init": 0}, "n_init"), ({"max_iter": 1.5}, "max_iter")],
)
def test_kmeans_invalid_parameters_are_named(data, kwargs, parameter):
    with pytest.raises((ValueError, TypeError), match=parameter):
        next(KMeansSplitter(**kwargs).split(data[0]))


def test_systematic_split_takes_every_fourth_row_of_the_sorted_target_from_the_seeded_start():
    y = np.array([5.0, 1.0, 7.0, 3.0, 0.0, 2.0, 6.0, 4.0])
    X = np.zeros((8, 2))
    train, test = next(SystematicCircularSplitter(test_size=4, random_state=0).split(X, y))
    start = np.random.RandomState(0).randint(8)
    sorted_rows = np.argsort(y)
    assert train.tolist() == sorted(sorted_rows[[(start + k) % 8 for k in (0, 2, 4, 6)]].tolist())
    assert sorted([*train, *test]) == list(range(8))


def test_systematic_training_targets_span_the_range(data):
    X, y = data
    train, _ = next(SystematicCircularSplitter(test_size=0.75, random_state=1).split(X, y))
    ranks = np.argsort(np.argsort(y))[train]
    # One training row in each run of four consecutive ranks.
    assert sorted((ranks // 4).tolist()) == list(range(15))


def test_systematic_same_seed_same_split_and_needs_y(data):
    X, y = data
    splitter = SystematicCircularSplitter(random_state=5)
    assert np.array_equal(next(splitter.split(X, y))[0], next(splitter.split(X, y))[0])
    with pytest.raises(ValueError, match="needs y"):
        next(splitter.split(X))
    with pytest.raises(ValueError, match="one target column"):
        next(splitter.split(X, np.c_[y, y]))


@pytest.mark.parametrize(
    "splitter", [KMeansSplitter(random_state=0), SystematicCircularSplitter(random_state=0)]
)
def test_single_splitters_work_as_cv_of_cross_validate_and_warn_on_groups(data, splitter):
    X, y = data
    scores = cross_validate(Ridge(), X, y, cv=splitter)
    assert scores["test_score"].shape == (1,)
    with pytest.warns(UserWarning, match="GroupedSplitter"):
        next(splitter.split(X, y, groups=np.arange(60)))
