"""KennardStone and SPXY: equality with a brute-force reference, parameters, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA

from nirs4all.operators.splitters import SPXY, KennardStone, KennardStoneSplitter, _maxmin


def brute_force_kennard_stone(distances: np.ndarray, n_train: int) -> list[int]:
    """Textbook Kennard-Stone on a full distance matrix, with plain loops."""
    n = len(distances)
    best, selected = -1.0, []
    for i in range(n):
        for j in range(i + 1, n):
            if distances[i, j] > best:
                best, selected = distances[i, j], [i, j]
    while len(selected) < n_train:
        best_min, best_k = -1.0, -1
        for k in range(n):
            if k in selected:
                continue
            nearest = min(distances[k, s] for s in selected)
            if nearest > best_min:
                best_min, best_k = nearest, k
        selected.append(best_k)
    return sorted(selected)


def euclidean_matrix(X: np.ndarray) -> np.ndarray:
    n = len(X)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = np.sqrt(np.sum((X[i] - X[j]) ** 2))
    return out


def only_split(splitter, X, y=None):
    splits = list(splitter.split(X, y))
    assert len(splits) == 1
    return splits[0]


@pytest.mark.parametrize("seed", range(6))
def test_kennard_stone_matches_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25 + seed, 6)) * rng.uniform(0.5, 3.0, size=6) + 10.0
    train, test = only_split(KennardStone(test_size=0.3), X)
    n_test = int(np.ceil(0.3 * len(X)))
    assert train.tolist() == brute_force_kennard_stone(euclidean_matrix(X), len(X) - n_test)
    assert sorted([*train, *test]) == list(range(len(X)))


@pytest.mark.parametrize("seed", range(6))
def test_spxy_matches_brute_force_reference(seed):
    rng = np.random.default_rng(100 + seed)
    X = rng.normal(size=(24, 5))
    y = X[:, 0] * 2.0 + rng.normal(scale=0.5, size=24)
    d_x = euclidean_matrix(X)
    d_y = np.abs(y[:, None] - y[None, :])
    joint = d_x / d_x.max() + d_y / d_y.max()
    train, _ = only_split(SPXY(test_size=6), X, y)
    assert train.tolist() == brute_force_kennard_stone(joint, 18)


def test_spxy_with_several_targets_uses_their_euclidean_distance():
    rng = np.random.default_rng(7)
    X, Y = rng.normal(size=(20, 4)), rng.normal(size=(20, 2))
    d_x, d_y = euclidean_matrix(X), euclidean_matrix(Y)
    train, _ = only_split(SPXY(test_size=5), X, Y)
    assert train.tolist() == brute_force_kennard_stone(d_x / d_x.max() + d_y / d_y.max(), 15)


def test_kennard_stone_with_another_metric_matches_reference():
    X = np.random.default_rng(3).uniform(size=(22, 5))
    train, _ = only_split(KennardStone(test_size=0.25, metric="cityblock"), X)
    assert train.tolist() == brute_force_kennard_stone(cdist(X, X, "cityblock"), 16)


def test_kennard_stone_with_pca_selects_on_the_scores():
    X = np.random.default_rng(4).normal(size=(30, 12))
    scores = PCA(n_components=3, svd_solver="full").fit_transform(X)
    train, _ = only_split(KennardStone(test_size=10, pca_components=3), X)
    assert train.tolist() == brute_force_kennard_stone(euclidean_matrix(scores), 20)


@pytest.mark.parametrize("dense_bytes", [0, 2**30], ids=["rows-on-demand", "dense-matrix"])
def test_blocked_scan_and_short_lookahead_give_the_reference_split(monkeypatch, dense_bytes):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(60, 8)), rng.normal(size=60)
    monkeypatch.setattr(_maxmin, "_DENSE_BYTES", dense_bytes)
    monkeypatch.setattr(_maxmin, "_BLOCK_BYTES", 8 * 60 * 7)  # blocks of 7 rows
    monkeypatch.setattr(_maxmin, "_LOOKAHEAD", 3)
    d_x = euclidean_matrix(X)
    train = only_split(KennardStone(test_size=0.2), X)[0]
    assert train.tolist() == brute_force_kennard_stone(d_x, 48)
    d_y = np.abs(y[:, None] - y[None, :])
    train = only_split(SPXY(test_size=0.2), X, y)[0]
    assert train.tolist() == brute_force_kennard_stone(d_x / d_x.max() + d_y / d_y.max(), 48)


def test_ties_go_to_the_lowest_index():
    # Corners of a square plus its centre, all duplicated: every choice is a tie.
    square = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.5]])
    X = np.vstack([square, square])
    train, test = only_split(KennardStone(test_size=5), X)
    # Farthest pair: the diagonal (0, 3); then corners 1 and 2; then the centre 4.
    assert train.tolist() == [0, 1, 2, 3, 4]
    assert test.tolist() == [5, 6, 7, 8, 9]


def test_identical_spectra_still_give_a_split_of_the_requested_size():
    train, test = only_split(KennardStone(test_size=2), np.ones((6, 3)))
    assert train.tolist() == [0, 1, 2, 3]
    assert test.tolist() == [4, 5]


def test_spxy_with_constant_targets_reduces_to_kennard_stone():
    X = np.random.default_rng(8).normal(size=(15, 3))
    spxy = only_split(SPXY(test_size=4), X, np.full(15, 2.5))[0]
    assert spxy.tolist() == only_split(KennardStone(test_size=4), X)[0].tolist()


def test_float_test_size_is_rounded_up_and_int_is_a_count():
    X = np.random.default_rng(0).normal(size=(10, 2))
    assert len(only_split(KennardStone(test_size=0.25), X)[1]) == 3
    assert len(only_split(KennardStone(test_size=4), X)[1]) == 4


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, 0, 9, -1])
def test_test_size_that_leaves_no_test_or_under_two_training_rows_is_rejected(test_size):
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="test_size"):
        only_split(KennardStone(test_size=test_size), X)


@pytest.mark.parametrize("test_size", ["0.2", None, True])
def test_test_size_of_the_wrong_type_is_rejected(test_size):
    with pytest.raises(TypeError, match="test_size"):
        only_split(KennardStone(test_size=test_size), np.zeros((5, 2)))


def test_spxy_without_y_raises_a_clear_error():
    with pytest.raises(ValueError, match=r"SPXY\.split needs y"):
        only_split(SPXY(), np.zeros((8, 2)))


def test_spxy_with_y_of_the_wrong_length_raises():
    with pytest.raises(ValueError, match="y has 7 rows but X has 8"):
        only_split(SPXY(), np.random.default_rng(0).normal(size=(8, 2)), np.zeros(7))


def test_non_finite_spectra_are_rejected():
    X = np.random.default_rng(0).normal(size=(8, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        only_split(KennardStone(), X)


def test_splitters_report_one_split_and_a_readable_repr():
    assert KennardStone().get_n_splits() == 1
    assert SPXY().get_n_splits(np.zeros((5, 2))) == 1
    assert repr(KennardStone(test_size=3)) == (
        "KennardStone(metric='euclidean', pca_components=None, test_size=3)"
    )


def test_the_0_7_name_is_an_alias():
    assert KennardStoneSplitter is KennardStone


def test_groups_given_to_kennard_stone_trigger_a_warning_pointing_to_grouped_splitter():
    X = np.random.default_rng(0).normal(size=(8, 2))
    with pytest.warns(UserWarning, match="wrap it in GroupedSplitter"):
        next(KennardStone().split(X, groups=np.arange(8)))
