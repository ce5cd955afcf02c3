"""Model-intrinsic importances: golden values against their formulas."""

from __future__ import annotations

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge

from nirs4all.explanation import model_importances, selectivity_ratio
from nirs4all.operators.models import PLS


def _data(n: int = 40, p: int = 12):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, p)) * np.linspace(1.0, 3.0, p)
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=n)
    return X, y


def test_vip_follows_the_chong_and_jun_formula() -> None:
    X, y = _data()
    model = PLSRegression(3).fit(X, y)
    w, t, q = model.x_weights_, model.x_scores_, model.y_loadings_.ravel()
    ss = np.array([q[a] ** 2 * t[:, a] @ t[:, a] for a in range(3)])
    expected = np.array([np.sqrt(X.shape[1] * sum(ss[a] * (w[j, a] / np.linalg.norm(w[:, a]))
                                                  ** 2 for a in range(3)) / ss.sum())
                         for j in range(X.shape[1])])
    np.testing.assert_allclose(model_importances(model, X)["vip"], expected, rtol=1e-12)
    assert abs(np.mean(expected**2) - 1) < 1e-12  # the usual 'VIP > 1' rule rests on it


def test_coefficients_are_the_regression_vector_on_the_raw_input() -> None:
    X, y = _data()
    model = Ridge(alpha=0.5).fit(X, y)
    np.testing.assert_allclose(model_importances(model, X)["coefficients"], model.coef_,
                               rtol=0, atol=1e-12)


def test_selectivity_ratio_follows_the_target_projection_formula() -> None:
    X, y = _data()
    model = Ridge(alpha=0.5).fit(X, y)
    Xc = X - X.mean(axis=0)
    t = Xc @ model.coef_
    expected = []
    for j in range(X.shape[1]):
        p = Xc[:, j] @ t / (t @ t)
        explained = np.sum((t * p) ** 2)
        expected.append(explained / np.sum((Xc[:, j] - t * p) ** 2))
    np.testing.assert_allclose(selectivity_ratio(X, model.coef_), expected, rtol=1e-10)
    assert np.all(selectivity_ratio(X, np.zeros(X.shape[1])) == 0)


def test_nirs4all_pls_keeps_its_training_selectivity_ratio_and_sklearn_pls_agrees() -> None:
    X, y = _data()
    ours = model_importances(PLS(3).fit(X, y), X)
    theirs = model_importances(PLSRegression(3).fit(X, y), X)
    for name in ("coefficients", "vip", "selectivity_ratio"):
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-8, atol=1e-12)
