"""SIMPLS: the NIPALS model for one target, de Jong's algebra for several."""

from __future__ import annotations

import numpy as np
from model_spectra import spectra

from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._simpls import SIMPLS, simpls


def test_simpls_equals_nipals_for_a_single_target() -> None:
    X, y = spectra(50, 40, seed=1)
    X_new, _ = spectra(10, 40, seed=2)
    for scale in (False, True):
        ours = SIMPLS(n_components=6, scale=scale).fit(X, y)
        nipals = PLS(n_components=6, scale=scale).fit(X, y)
        np.testing.assert_allclose(ours.coef_, nipals.coef_, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(ours.predict(X_new), nipals.predict(X_new), atol=1e-10)
        # same score space, scores scaled per component: T² and Q do not change
        np.testing.assert_allclose(ours.hotelling_t2(X_new), nipals.hotelling_t2(X_new))
        np.testing.assert_allclose(ours.q_residuals(X_new), nipals.q_residuals(X_new))


def test_simpls_factors_satisfy_de_jong_properties() -> None:
    X, Y = spectra(40, 30, q=3, seed=3)
    X, Y = X - X.mean(axis=0), Y - Y.mean(axis=0)
    f = simpls(X, Y, 5)
    np.testing.assert_allclose(f.x_scores.T @ f.x_scores, np.eye(5), atol=1e-12)
    np.testing.assert_allclose(X @ f.x_rotations, f.x_scores, atol=1e-12)
    np.testing.assert_allclose(f.x_loadings, X.T @ f.x_scores, atol=1e-12)
    np.testing.assert_allclose(f.y_loadings, Y.T @ f.x_scores, atol=1e-12)
    # r_a maximises covariance: the first is the dominant left singular vector of X'Y
    u, _, _ = np.linalg.svd(X.T @ Y, full_matrices=False)
    r = f.x_rotations[:, 0] / np.linalg.norm(f.x_rotations[:, 0])
    assert abs(r @ u[:, 0]) > 1 - 1e-12


def test_simpls_and_nipals_differ_for_several_targets() -> None:
    X, Y = spectra(40, 30, q=3, seed=3)
    a = SIMPLS(n_components=3, scale=False).fit(X, Y).coef_
    b = PLS(n_components=3, scale=False, tol=1e-20, max_iter=10_000).fit(X, Y).coef_
    assert np.max(np.abs(a - b)) > 1e-6 * np.max(np.abs(b))


def test_exhausted_cross_product_leaves_remaining_components_zero() -> None:
    rng = np.random.default_rng(0)
    u = rng.normal(size=12)
    u -= u.mean()
    X = np.outer(u, rng.normal(size=6))
    f = simpls(X, 2.0 * u[:, None], 3)
    np.testing.assert_array_equal(f.x_rotations[:, 1:], 0.0)
    np.testing.assert_allclose(X @ f.x_rotations @ f.y_loadings.T, 2.0 * u[:, None], atol=1e-12)
