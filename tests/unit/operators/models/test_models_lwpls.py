"""Locally weighted PLS against global PLS, the weighted algorithm of Kim et al. written
out, and on a nonlinear calibration."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._lwpls import LWPLS


def _data(n: int, p: int, q: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = 1.0 + latent @ rng.normal(size=(3, p)) + 0.05 * rng.normal(size=(n, p))
    Y = latent @ rng.normal(size=(3, q)) + 0.05 * rng.normal(size=(n, q))
    return X, Y


def _kim_lwpls(X: np.ndarray, y: np.ndarray, query: np.ndarray, weights: np.ndarray, a: int):
    """LW-PLS prediction of one query as Kim et al. (2011) write it: weighted means, then per
    component w = X'Ωy/||X'Ωy||, t = Xw, p = X'Ωt/t'Ωt, q = y'Ωt/t'Ωt, with the query
    deflated alongside the training data."""
    omega = np.diag(weights)
    x_mean = weights @ X / weights.sum()
    y_mean = weights @ y / weights.sum()
    Xa, ya, xq = X - x_mean, y - y_mean, query - x_mean
    prediction = y_mean
    for _ in range(a):
        w = Xa.T @ omega @ ya
        w /= np.linalg.norm(w)
        t, tq = Xa @ w, xq @ w
        p = Xa.T @ omega @ t / (t @ omega @ t)
        q = ya @ omega @ t / (t @ omega @ t)
        prediction = prediction + tq * q
        Xa, ya, xq = Xa - np.outer(t, p), ya - t * q, xq - tq * p
    return prediction


@pytest.mark.parametrize("bandwidth", [np.inf, 1e12])
@pytest.mark.parametrize("distance", ["x", "scores"])
def test_huge_bandwidth_equals_sklearn_global_pls(bandwidth: float, distance: str) -> None:
    X, Y = _data(40, 20, 1, seed=1)
    model = LWPLS(3, bandwidth=bandwidth, distance=distance).fit(X, Y[:, 0])
    reference = PLSRegression(3, scale=False).fit(X, Y[:, 0])
    queries = X + 0.1
    np.testing.assert_allclose(model.predict(queries), reference.predict(queries), atol=1e-8)


def test_huge_bandwidth_equals_sklearn_global_pls_for_several_targets() -> None:
    X, Y = _data(40, 20, 3, seed=2)
    model = LWPLS(4, bandwidth=np.inf).fit(X, Y)
    reference = PLSRegression(4, scale=False, tol=1e-28, max_iter=20000).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-8)


def test_local_prediction_equals_kim_algorithm_written_out() -> None:
    X, Y = _data(30, 15, 1, seed=3)
    model = LWPLS(3, bandwidth=0.7).fit(X, Y[:, 0])
    queries = X[:5] + np.random.default_rng(0).normal(0, 0.2, size=(5, 15))
    weights = model.local_weights(queries)
    expected = [
        _kim_lwpls(X, Y[:, 0], query, row, 3) for query, row in zip(queries, weights, strict=True)
    ]
    np.testing.assert_allclose(model.predict(queries), expected, atol=1e-9)


def test_weights_follow_the_documented_kernel_in_x() -> None:
    X, Y = _data(25, 6, 1, seed=4)
    model = LWPLS(2, bandwidth=0.5).fit(X, Y)
    query = X[3] + 0.05
    distances = np.linalg.norm(X - query, axis=1)
    expected = np.exp(-(distances - distances.min()) / (distances.std() * 0.5))
    expected[expected < 1e-12] = 0.0
    np.testing.assert_allclose(model.local_weights(query[None, :])[0], expected, atol=1e-12)
    assert model.local_weights(query[None, :])[0, 3] == pytest.approx(1.0)


def test_score_distance_is_mahalanobis_in_the_global_score_space() -> None:
    X, Y = _data(25, 6, 1, seed=5)
    model = LWPLS(2, bandwidth=2.0, distance="scores").fit(X, Y[:, 0])
    reference = PLSRegression(2, scale=False).fit(X, Y[:, 0])
    query = X[:1] + 0.3
    scores, query_scores = reference.x_scores_, reference.transform(query)
    spread = scores.std(axis=0)
    distances = np.linalg.norm((scores - query_scores) / spread, axis=1)
    expected = np.exp(-(distances - distances.min()) / (distances.std() * 2.0))
    np.testing.assert_allclose(model.local_weights(query)[0], expected, atol=1e-10)


def test_local_models_beat_global_pls_on_a_nonlinear_calibration() -> None:
    rng = np.random.default_rng(6)
    concentration = rng.uniform(0, 3, size=200)
    axis = np.linspace(0, 1, 50)
    band = np.exp(-0.5 * ((axis - 0.5) / 0.1) ** 2)
    # Absorbance saturates with concentration: a curved calibration.
    X = np.outer(1 - np.exp(-concentration), band) + rng.normal(0, 1e-3, size=(200, 50))
    train, test = slice(0, 150), slice(150, None)
    local = LWPLS(2, bandwidth=0.3).fit(X[train], concentration[train])
    global_ = PLSRegression(2, scale=False).fit(X[train], concentration[train])
    local_error = np.sqrt(np.mean((local.predict(X[test]) - concentration[test]) ** 2))
    global_error = np.sqrt(np.mean((global_.predict(X[test]) - concentration[test]) ** 2))
    assert local_error < 0.5 * global_error


def test_bandwidth_must_be_positive() -> None:
    X, Y = _data(10, 4, 1, seed=7)
    with pytest.raises(ValueError, match="bandwidth must be a positive number"):
        LWPLS(bandwidth=0.0).fit(X, Y)


def test_a_query_far_from_all_but_one_sample_gets_that_samples_target() -> None:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [50.0, 50.0]])
    y = np.array([0.0, 1.0, 2.0, 7.0])
    model = LWPLS(1, bandwidth=1e-3).fit(X, y)
    assert model.predict([[50.0, 50.0]])[0] == pytest.approx(7.0)
