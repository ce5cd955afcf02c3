"""Robust PLS: ordinary PLS in the limit, and planted outliers downweighted."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.exceptions import ConvergenceWarning

from nirs4all.operators.models._robust_pls import RobustPLS, huber_weights, tukey_weights


def _spectra(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-band spectra, the target the first band's amount; also the clean coefficients."""
    rng = np.random.default_rng(seed)
    axis = np.linspace(0, 1, 40)
    bands = np.exp(-0.5 * ((axis[None, :] - np.array([[0.3], [0.7]])) / 0.08) ** 2)
    amounts = rng.uniform(0.2, 1.0, size=(n, 2))
    X = 0.1 + amounts @ bands + rng.normal(0, 2e-3, size=(n, 40))
    return X, amounts[:, 0] + rng.normal(0, 5e-3, size=n), bands


@pytest.mark.parametrize("downweight", ["both", "residuals", "leverage"])
def test_huber_with_a_huge_constant_equals_sklearn_pls(downweight: str) -> None:
    X, y, _ = _spectra(50, seed=1)
    model = RobustPLS(3, c=1e12, downweight=downweight).fit(X, y)
    reference = PLSRegression(3, scale=False).fit(X, y)
    np.testing.assert_array_equal(model.sample_weight_, 1.0)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-8)


def test_huge_constant_equals_sklearn_pls_for_several_targets() -> None:
    X, y, _ = _spectra(50, seed=2)
    Y = np.column_stack([y, X[:, 30] * 2 + 0.1 * X[:, 5]])
    model = RobustPLS(3, c=1e12).fit(X, Y)
    reference = PLSRegression(3, scale=False, tol=1e-28, max_iter=20000).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)


@pytest.mark.parametrize("weighting", ["huber", "tukey"])
def test_planted_response_outliers_are_downweighted(weighting: str) -> None:
    X, y, _ = _spectra(60, seed=3)
    clean = PLSRegression(2, scale=False).fit(X, y)
    dirty = y.copy()
    outliers = [4, 17, 33]
    dirty[outliers] += 2.0
    model = RobustPLS(2, weighting=weighting).fit(X, dirty)
    inliers = np.setdiff1d(np.arange(60), outliers)
    assert model.sample_weight_[outliers].max() < 0.05
    assert np.median(model.sample_weight_[inliers]) > 0.75
    plain = PLSRegression(2, scale=False).fit(X, dirty)
    robust_error = np.abs(model.predict(X[inliers]) - clean.predict(X[inliers])).max()
    plain_error = np.abs(plain.predict(X[inliers]) - clean.predict(X[inliers])).max()
    assert robust_error < 0.1 * plain_error


def test_tukey_gives_gross_outliers_zero_weight() -> None:
    X, y, _ = _spectra(60, seed=4)
    y[[5, 6]] += 10.0
    model = RobustPLS(2, weighting="tukey").fit(X, y)
    np.testing.assert_array_equal(model.sample_weight_[[5, 6]], 0.0)


def test_bad_leverage_points_are_downweighted_only_when_leverage_counts() -> None:
    X, y, bands = _spectra(60, seed=5)
    X[[10, 20]] += 3.0 * bands[1]  # far in X along the interferent band, y unchanged
    both = RobustPLS(2, downweight="both").fit(X, y)
    residuals = RobustPLS(2, downweight="residuals").fit(X, y)
    assert both.sample_weight_[[10, 20]].max() < 0.5
    assert residuals.sample_weight_[[10, 20]].min() > 0.9


def test_weight_functions_follow_their_formulas() -> None:
    u = np.array([0.0, 0.5, 1.345, 2.69, -4.0])
    np.testing.assert_allclose(huber_weights(u, 1.345), [1, 1, 1, 0.5, 1.345 / 4])
    np.testing.assert_allclose(
        tukey_weights(u, 4.0),
        [1, (1 - 1 / 64) ** 2, (1 - (1.345 / 4) ** 2) ** 2, (1 - (2.69 / 4) ** 2) ** 2, 0],
    )


def test_final_weights_are_a_fixed_point_of_the_reweighting() -> None:
    X, y, _ = _spectra(60, seed=6)
    y[[1, 2]] += 1.0
    model = RobustPLS(2, tol=1e-12, max_iter=500).fit(X, y)
    refit = RobustPLS(2, tol=1e-12, max_iter=500).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=0)
    residual = y - model.predict(X)
    scale = 1.4826 * np.median(np.abs(residual - np.median(residual)))
    expected = huber_weights((residual - np.median(residual)) / scale, 1.345)
    scores = model.x_scores_ / np.sqrt(model.sample_weight_)[:, None]
    centred = scores - np.median(scores, axis=0)
    distance = np.linalg.norm(centred, axis=1)
    expected *= huber_weights(distance / np.median(distance), 1.345)
    np.testing.assert_allclose(model.sample_weight_, expected, atol=1e-6)


def test_unsettled_weights_warn() -> None:
    X, y, _ = _spectra(40, seed=7)
    y[:4] += 1.0
    with pytest.warns(ConvergenceWarning, match="raise max_iter"):
        RobustPLS(2, max_iter=2, tol=1e-15).fit(X, y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weighting": "cauchy"}, "weighting must be one of"),
        ({"downweight": "x"}, "downweight must be one of"),
        ({"c": -1.0}, "c must be a positive number"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
    ],
)
def test_bad_parameters_are_named(params: dict, message: str) -> None:
    X, y, _ = _spectra(10, seed=8)
    with pytest.raises(ValueError, match=message):
        RobustPLS(**params).fit(X, y)


def test_diagnostics_of_a_unit_weight_fit_equal_those_computed_from_sklearn_pls() -> None:
    X, y, _ = _spectra(50, seed=9)
    model = RobustPLS(3, c=1e12).fit(X, y)
    reference = PLSRegression(3, scale=False).fit(X, y)
    new = X[:6] + 0.01
    scores = reference.transform(new)
    variance = reference.x_scores_.var(axis=0, ddof=1)
    np.testing.assert_allclose(
        model.hotelling_t2(new), np.sum(scores**2 / variance, axis=1), rtol=1e-8
    )
    residual = (new - X.mean(axis=0)) - scores @ reference.x_loadings_.T
    np.testing.assert_allclose(model.q_residuals(new), np.sum(residual**2, axis=1), rtol=1e-8)
    np.testing.assert_allclose(model.training_q_, model.q_residuals(X), rtol=1e-12)


def test_weighted_diagnostics_ignore_a_rejected_outlier() -> None:
    X, y, bands = _spectra(60, seed=10)
    X[7] += 5.0 * bands[1]
    y[7] += 3.0
    model = RobustPLS(2, weighting="tukey").fit(X, y)
    assert model.sample_weight_[7] == 0.0
    np.testing.assert_array_equal(model.x_scores_[7], 0.0)
    assert model.hotelling_t2(X[7:8])[0] > model.t2_limit(0.01)
