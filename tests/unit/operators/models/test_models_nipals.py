"""The NIPALS kernel against scikit-learn's PLSRegression and PLS algebra."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._nipals import PLSFactors, nipals_pls


def _centred(n: int, p: int, q: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 4))
    X = latent @ rng.normal(size=(4, p)) + 0.1 * rng.normal(size=(n, p))
    Y = latent @ rng.normal(size=(4, q)) + 0.1 * rng.normal(size=(n, q))
    return X - X.mean(axis=0), Y - Y.mean(axis=0)


@pytest.mark.parametrize(("q", "tol"), [(1, 1e-6), (3, 1e-6), (3, 1e-14)])
def test_factors_equal_sklearn_pls_regression(q: int, tol: float) -> None:
    X, Y = _centred(40, 25, q, seed=q)
    reference = PLSRegression(n_components=5, scale=False, tol=tol, max_iter=1000).fit(X, Y)
    factors = nipals_pls(X, Y, 5, tol=tol, max_iter=1000)
    np.testing.assert_allclose(factors.x_weights, reference.x_weights_, atol=1e-10)
    np.testing.assert_allclose(factors.x_loadings, reference.x_loadings_, atol=1e-10)
    np.testing.assert_allclose(factors.y_loadings, reference.y_loadings_, atol=1e-10)
    np.testing.assert_allclose(factors.x_scores, reference.x_scores_, atol=1e-10)
    np.testing.assert_allclose(factors.y_scores, reference.y_scores_, atol=1e-10)
    np.testing.assert_allclose(factors.x_rotations, reference.x_rotations_, atol=1e-10)
    np.testing.assert_array_equal(factors.n_iter, reference.n_iter_)


def test_factors_satisfy_pls_algebra() -> None:
    X, Y = _centred(30, 50, 2, seed=7)
    f = nipals_pls(X, Y, 6)
    np.testing.assert_allclose(f.x_weights.T @ f.x_weights, np.eye(6), atol=1e-12)
    gram = f.x_scores.T @ f.x_scores
    np.testing.assert_allclose(gram - np.diag(np.diag(gram)), 0.0, atol=1e-9)
    np.testing.assert_allclose(X @ f.x_rotations, f.x_scores, atol=1e-10)
    np.testing.assert_allclose(f.x_loadings.T @ f.x_rotations, np.eye(6), atol=1e-10)
    largest = np.argmax(np.abs(f.x_weights), axis=0)
    assert np.all(f.x_weights[largest, np.arange(6)] > 0)


def test_first_components_do_not_depend_on_later_ones() -> None:
    X, Y = _centred(30, 20, 3, seed=3)
    big = nipals_pls(X, Y, 8, tol=1e-14)
    small = nipals_pls(X, Y, 3, tol=1e-14)
    for name in ("x_weights", "x_loadings", "y_loadings", "x_scores", "x_rotations"):
        np.testing.assert_allclose(getattr(big, name)[:, :3], getattr(small, name), atol=1e-12)


def test_inputs_are_left_unchanged_and_factors_read_only() -> None:
    X, Y = _centred(20, 10, 1, seed=1)
    X_before, Y_before = X.copy(), Y.copy()
    factors = nipals_pls(X, Y, 3)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)
    assert isinstance(factors, PLSFactors)
    with pytest.raises(ValueError, match="read-only"):
        factors.x_weights[0, 0] = 1.0


def test_exactly_fitted_y_leaves_remaining_components_zero() -> None:
    rng = np.random.default_rng(0)
    u = rng.normal(size=12)
    u -= u.mean()
    X = np.outer(u, rng.normal(size=6))  # rank one: one component reproduces Y exactly
    Y = 2.0 * u[:, None]
    f = nipals_pls(X, Y, 4)
    assert np.all(f.n_iter[1:] == 0)
    np.testing.assert_array_equal(f.x_weights[:, 1:], 0.0)
    coef = f.x_rotations @ f.y_loadings.T
    np.testing.assert_allclose(X @ coef, Y, atol=1e-10)


def test_multi_response_reports_iterations_and_stops_at_max_iter() -> None:
    X, Y = _centred(30, 20, 3, seed=5)
    f = nipals_pls(X, Y, 2, tol=0.0, max_iter=4)
    np.testing.assert_array_equal(f.n_iter, [4, 4])


def test_components_beyond_the_rank_of_x_are_left_zero() -> None:
    # After one component a rank-one X is exhausted; a further "component" would be noise.
    rng = np.random.default_rng(0)
    X = np.outer(rng.normal(size=20), rng.normal(size=8))
    X -= X.mean(axis=0)
    Y = rng.normal(size=(20, 1))
    Y -= Y.mean()
    f = nipals_pls(X, Y, 3)
    np.testing.assert_array_equal(f.x_weights[:, 1:], 0.0)
    one = nipals_pls(X, Y, 1)
    np.testing.assert_allclose(
        f.x_rotations @ f.y_loadings.T, one.x_rotations @ one.y_loadings.T, atol=1e-12
    )
