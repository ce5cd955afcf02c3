"""IKPLS agrees with the ikpls package and with scikit-learn's PLSRegression to 1e-10."""

from __future__ import annotations

import ikpls.numpy as ikpls_numpy  # test-only reference (dev extra)
import numpy as np
import pytest
from model_spectra import spectra
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._ikpls import IKPLS


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize("algorithm", [1, 2])
def test_ikpls_matches_the_ikpls_package(algorithm: int, q: int, scale: bool) -> None:
    X, y = spectra(60, 35, q=q, seed=algorithm + q)
    X_new, _ = spectra(10, 35, q=q, seed=50)
    reference = ikpls_numpy.PLS(algorithm=algorithm, scale_X=scale, scale_Y=scale, ddof=1)
    reference.fit(X, y, 7)
    ours = IKPLS(n_components=7, algorithm=algorithm, scale=scale).fit(X, y)
    for a in range(1, 8):
        model = IKPLS(n_components=a, algorithm=algorithm, scale=scale).fit(X, y)
        expected = reference.predict(X_new, n_components=a).reshape(10, -1)
        np.testing.assert_allclose(model.predict(X_new).reshape(10, -1), expected, atol=1e-10)
    np.testing.assert_allclose(np.abs(ours.x_weights_), np.abs(reference.W), atol=1e-10)
    np.testing.assert_allclose(np.abs(ours.x_rotations_), np.abs(reference.R), atol=1e-10)


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize("algorithm", [1, 2])
def test_ikpls_matches_sklearn_pls_regression(algorithm: int, q: int, scale: bool) -> None:
    X, y = spectra(60, 35, q=q, seed=algorithm + 10 * q)
    # scikit-learn's NIPALS iterates for several targets; run it to convergence
    reference = PLSRegression(6, scale=scale, tol=1e-30, max_iter=100_000).fit(X, y)
    ours = IKPLS(n_components=6, algorithm=algorithm, scale=scale).fit(X, y)
    for name in ("x_weights_", "x_loadings_", "y_loadings_", "x_rotations_", "x_scores_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(reference, name), atol=1e-10)
    np.testing.assert_allclose(ours.coef_, reference.coef_, atol=1e-10)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), atol=1e-10)


def test_algorithms_1_and_2_give_the_same_model() -> None:
    X, y = spectra(200, 20, q=2, seed=9)
    one = IKPLS(n_components=8, algorithm=1).fit(X, y)
    two = IKPLS(n_components=8, algorithm=2).fit(X, y)
    for name in ("x_weights_", "x_loadings_", "y_loadings_", "x_scores_", "y_scores_", "coef_"):
        np.testing.assert_allclose(getattr(one, name), getattr(two, name), atol=1e-10)


def test_algorithm_must_be_1_or_2() -> None:
    X, y = spectra(20, 10)
    with pytest.raises(ValueError, match="algorithm must be one of 1, 2; got 3"):
        IKPLS(algorithm=3).fit(X, y)
