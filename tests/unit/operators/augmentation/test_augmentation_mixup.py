"""Mixup: pairs, weights and targets of the new samples; transform is the identity."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.operators.augmentation import Mixup


@pytest.fixture
def spectra():
    return np.random.default_rng(1).normal(size=(12, 20))


def test_mixup_rows_and_targets_are_the_same_convex_combination_of_a_pair():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 15))
    y = rng.normal(size=8)
    X_new, y_new, origin = Mixup(alpha=1.0).fit(X).augment(X, y, n_samples=40)
    for new_x, new_y, i in zip(X_new, y_new, origin, strict=True):
        found = False
        for j in set(range(8)) - {i}:
            direction = X[i] - X[j]
            lam = direction @ (new_x - X[j]) / (direction @ direction)
            if np.allclose(lam * X[i] + (1 - lam) * X[j], new_x, atol=1e-10):
                found = True
                assert 0.5 <= lam <= 1.0
                assert new_y == pytest.approx(lam * y[i] + (1 - lam) * y[j], abs=1e-10)
                assert min(y[i], y[j]) - 1e-12 <= new_y <= max(y[i], y[j]) + 1e-12
        assert found


def test_mixup_mixes_each_column_of_two_dimensional_targets():
    X = np.eye(4)
    Y = np.column_stack([np.arange(4.0), 10 * np.arange(4.0)])
    X_new, Y_new, origin = Mixup().fit(X).augment(X, Y, n_samples=8)
    # With X = I, row k of X_new holds the weights of each source row.
    np.testing.assert_allclose(Y_new, X_new @ Y)
    assert np.all(X_new[np.arange(8), origin] >= 0.5)


def test_mixup_transform_returns_an_unchanged_copy(spectra):
    mixup = Mixup().fit(spectra)
    out = mixup.transform(spectra)
    np.testing.assert_array_equal(out, spectra)
    assert out is not spectra


def test_mixup_of_a_single_row_copies_it():
    X = np.arange(5.0)[None, :]
    X_new, y_new, _ = Mixup().fit(X).augment(X, [3.0], n_samples=3)
    np.testing.assert_array_equal(X_new, np.repeat(X, 3, axis=0))
    np.testing.assert_array_equal(y_new, [3.0, 3.0, 3.0])


def test_mixup_rejects_class_labels_and_a_bad_alpha(spectra):
    with pytest.raises(ValueError, match="y must be numeric"):
        Mixup().fit(spectra).augment(spectra, np.array(list("abcdefghijkl")))
    with pytest.raises(ValueError, match="alpha must be a finite number > 0"):
        Mixup(alpha=0).fit(spectra)
