"""Sample-weighted PLS (the kernel of the local, robust and recursive models)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._weighted import weighted_pls


def _data(n: int, p: int, q: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = 2.0 + latent @ rng.normal(size=(3, p)) + 0.05 * rng.normal(size=(n, p))
    Y = 1.0 + latent @ rng.normal(size=(3, q)) + 0.05 * rng.normal(size=(n, q))
    return X, Y


def _prediction(fit, X: np.ndarray) -> np.ndarray:
    return fit.y_mean + (X - fit.x_mean) @ fit.coef


@pytest.mark.parametrize("q", [1, 3])
def test_integer_weights_equal_sklearn_pls_on_replicated_rows(q: int) -> None:
    X, Y = _data(30, 12, q, seed=q)
    counts = np.random.default_rng(5).integers(1, 4, size=30)
    fit = weighted_pls(X, Y, 3, counts.astype(float))
    reference = PLSRegression(3, scale=False, tol=1e-28, max_iter=20000).fit(
        np.repeat(X, counts, axis=0), np.repeat(Y, counts, axis=0)
    )
    np.testing.assert_allclose(_prediction(fit, X), reference.predict(X).reshape(30, q), atol=1e-8)
    np.testing.assert_allclose(fit.coef.T, reference.coef_, atol=1e-8)


def test_zero_weights_equal_leaving_the_rows_out() -> None:
    X, Y = _data(25, 10, 1, seed=3)
    weights = np.ones(25)
    weights[[2, 7, 11]] = 0.0
    kept = weights > 0
    fit = weighted_pls(X, Y, 2, weights)
    reference = PLSRegression(2, scale=False).fit(X[kept], Y[kept])
    np.testing.assert_allclose(_prediction(fit, X), reference.predict(X).reshape(-1, 1), atol=1e-10)


def test_scaling_all_weights_leaves_the_model_unchanged() -> None:
    X, Y = _data(20, 8, 2, seed=4)
    weights = np.random.default_rng(1).uniform(0.1, 1.0, size=20)
    small, large = weighted_pls(X, Y, 3, weights), weighted_pls(X, Y, 3, 1e6 * weights)
    np.testing.assert_allclose(small.coef, large.coef, atol=1e-10)


def test_uncorrelated_x_and_y_give_the_weighted_mean() -> None:
    X = np.array([[1.0], [0.0], [1.0], [0.0]])
    Y = np.array([[1.0], [1.0], [0.0], [0.0]])
    fit = weighted_pls(X, Y, 1)
    assert np.all(np.isfinite(fit.coef))
    np.testing.assert_allclose(_prediction(fit, X), 0.5)
