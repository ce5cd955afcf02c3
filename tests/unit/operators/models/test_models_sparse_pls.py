"""Sparse PLS: PLS at alpha=0, sparse weights otherwise, informative wavelengths kept."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._sparse_pls import SparsePLS, soft_threshold


def _spectra(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """100-point spectra of three bands; the target is the amount of the band at 20-30."""
    rng = np.random.default_rng(seed)
    axis = np.arange(100.0)
    centres = np.array([[25.0], [55.0], [80.0]])
    bands = np.exp(-0.5 * ((axis[None, :] - centres) / 3.0) ** 2)
    amounts = rng.uniform(0.1, 1.0, size=(n, 3))
    X = 0.2 + amounts @ bands + rng.normal(0, 1e-3, size=(n, 100))
    return X, amounts[:, 0]


@pytest.mark.parametrize("q", [1, 3])
def test_alpha_zero_equals_sklearn_pls(q: int) -> None:
    rng = np.random.default_rng(q)
    X = rng.normal(size=(40, 30))
    Y = X[:, :q] @ rng.normal(size=(q, q)) + 0.1 * rng.normal(size=(40, q))
    model = SparsePLS(4, alpha=0.0).fit(X, Y)
    reference = PLSRegression(4, scale=False, tol=1e-28, max_iter=20000).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-8)
    np.testing.assert_allclose(model.x_weights_, reference.x_weights_, atol=1e-8)
    np.testing.assert_allclose(model.x_scores_, reference.x_scores_, atol=1e-8)
    assert model.support_.all()


def test_first_weight_for_one_target_is_the_soft_thresholded_covariance() -> None:
    X, y = _spectra(50, seed=1)
    model = SparsePLS(2, alpha=0.4).fit(X, y)
    covariance = (X - X.mean(axis=0)).T @ (y - y.mean())
    lam = 0.4 * np.abs(covariance).max()
    expected = np.sign(covariance) * np.maximum(np.abs(covariance) - lam, 0)
    expected /= np.linalg.norm(expected)
    expected *= np.sign(expected[np.argmax(np.abs(expected))])
    np.testing.assert_allclose(model.x_weights_[:, 0], expected, atol=1e-12)


def test_weights_are_sparse_and_coefficients_vanish_off_the_support() -> None:
    X, y = _spectra(60, seed=2)
    model = SparsePLS(3, alpha=0.5).fit(X, y)
    assert 0 < model.support_.sum() < 40
    np.testing.assert_array_equal(model.coef_[:, ~model.support_], 0.0)
    np.testing.assert_array_equal(model.get_support(indices=True), np.flatnonzero(model.support_))
    assert model.score(X, y) > 0.99


def test_selected_wavelengths_lie_on_the_informative_band() -> None:
    X, y = _spectra(80, seed=3)
    model = SparsePLS(1, alpha=0.0, n_nonzero=8).fit(X, y)
    selected = model.get_support(indices=True)
    assert selected.size == 8
    assert np.all((selected >= 18) & (selected <= 32))


def test_n_nonzero_keeps_that_many_wavelengths_per_component() -> None:
    X, y = _spectra(60, seed=4)
    model = SparsePLS(3, n_nonzero=5).fit(X, y)
    np.testing.assert_array_equal(np.count_nonzero(model.x_weights_, axis=0), 5)


def test_soft_threshold_follows_its_formula() -> None:
    z = np.array([3.0, -1.0, 0.5, -4.0])
    np.testing.assert_allclose(soft_threshold(z, 0.5, None), [1.0, 0.0, 0.0, -2.0])
    np.testing.assert_allclose(soft_threshold(z, 0.0, 2), [2.0, 0.0, 0.0, -3.0])
    np.testing.assert_allclose(soft_threshold(z, 0.9, 10), z)


@pytest.mark.parametrize("alpha", [1.0, -0.1, "0.5"])
def test_alpha_outside_the_unit_interval_is_refused(alpha: object) -> None:
    X, y = _spectra(10, seed=5)
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\)"):
        SparsePLS(alpha=alpha).fit(X, y)


def test_importance_is_zero_off_the_support() -> None:
    X, y = _spectra(60, seed=6)
    model = SparsePLS(2, alpha=0.5).fit(X, y)
    np.testing.assert_array_equal(model.vip_[~model.support_], 0.0)
    assert np.all(model.vip_[model.support_] > 0)


def test_predict_nested_equals_separate_fits_with_fewer_components() -> None:
    X, y = _spectra(50, seed=7)
    model = SparsePLS(4, alpha=0.3).fit(X, y)
    nested = model.predict_nested(X[:10], [1, 2, 4])
    for a, prediction in nested.items():
        alone = SparsePLS(a, alpha=0.3).fit(X, y).predict(X[:10])
        np.testing.assert_allclose(prediction, alone, atol=1e-10)
    with pytest.raises(ValueError, match=r"integer in \[1, 4\]"):
        model.predict_nested(X, [5])
