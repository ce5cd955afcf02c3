"""VIP, selectivity ratio, T² and Q of PLSDiagnosticsMixin, each checked by another route."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._diagnostics import (
    PLSDiagnosticsMixin,
    box_limit,
    jackson_mudholkar_limit,
    residual_theta,
)


class _DiagnosedPLS(PLSDiagnosticsMixin, PLSRegression):
    """scikit-learn's PLS with the mixin: exercises the ``_x_mean``/``_x_std`` fallback."""

    def fit(self, X, y):
        super().fit(X, y)
        X = np.asarray(X, dtype=np.float64)
        self._fit_diagnostics((X - self._x_mean) / self._x_std)
        return self


def _data(n: int, p: int, q: int, seed: int, noise: float = 0.3):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = latent @ rng.normal(size=(3, p)) + noise * rng.normal(size=(n, p)) + 5.0
    Y = latent @ rng.normal(size=(3, q)) + noise * rng.normal(size=(n, q))
    return X, Y


@pytest.mark.parametrize(("q", "scale"), [(1, False), (2, True)])
def test_vip_matches_explained_y_sum_of_squares_from_deflation(q: int, scale: bool) -> None:
    X, Y = _data(40, 15, q, seed=q)
    model = _DiagnosedPLS(n_components=4, scale=scale, tol=1e-14).fit(X, Y)
    Yk = (Y - Y.mean(axis=0)) / (Y.std(axis=0, ddof=1) if scale else 1.0)
    explained = []
    for a in range(4):  # the drop of the Y residual sum of squares component by component
        t, c = model.x_scores_[:, a], model.y_loadings_[:, a]
        after = Yk - np.outer(t, c)
        explained.append(np.sum(Yk**2) - np.sum(after**2))
        Yk = after
    explained = np.array(explained)
    w = model.x_weights_ / np.linalg.norm(model.x_weights_, axis=0)
    expected = np.sqrt(15 * (w**2 @ explained) / explained.sum())
    np.testing.assert_allclose(model.vip_, expected, rtol=1e-10)
    assert np.mean(model.vip_**2) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("q", [1, 3])
def test_selectivity_ratio_matches_target_projection_of_training_x(q: int) -> None:
    X, Y = _data(50, 12, q, seed=10 + q)
    model = _DiagnosedPLS(n_components=3, scale=True, tol=1e-14).fit(X, Y)
    Xp = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    b = model.x_rotations_ @ model.y_loadings_.T
    expected = np.empty((q, 12))
    for k in range(q):
        t = Xp @ (b[:, k] / np.linalg.norm(b[:, k]))
        loading = Xp.T @ t / (t @ t)
        fitted = np.outer(t, loading)
        expected[k] = np.sum(fitted**2, axis=0) / np.sum((Xp - fitted) ** 2, axis=0)
    assert model.selectivity_ratio_.shape == (q, 12)
    np.testing.assert_allclose(model.selectivity_ratio_, expected, rtol=1e-8)


def test_hotelling_t2_of_training_rows_sums_to_a_times_n_minus_one() -> None:
    X, Y = _data(60, 20, 1, seed=4)
    model = _DiagnosedPLS(n_components=5).fit(X, Y)
    t2 = model.hotelling_t2(X)
    assert t2.sum() == pytest.approx(5 * 59, rel=1e-10)
    scores = model.transform(X[:7])
    expected = np.sum(scores**2 / model.x_scores_.var(axis=0, ddof=1), axis=1)
    np.testing.assert_allclose(t2[:7], expected, rtol=1e-10)


def test_q_residuals_equal_reconstruction_error_of_sklearn_inverse_transform() -> None:
    X, Y = _data(40, 18, 2, seed=6)
    model = _DiagnosedPLS(n_components=3, scale=True).fit(X, Y)
    X_new, _ = _data(9, 18, 2, seed=99)
    rebuilt = model.inverse_transform(model.transform(X_new))
    expected = np.sum(((X_new - rebuilt) / model._x_std) ** 2, axis=1)
    np.testing.assert_allclose(model.q_residuals(X_new), expected, rtol=1e-10)
    # the Q of the training rows, stored at fit without forming the residual, are the same
    np.testing.assert_allclose(model.training_q_, model.q_residuals(X), rtol=1e-9)


def test_residual_theta_equals_power_sums_of_covariance_eigenvalues() -> None:
    rng = np.random.default_rng(2)
    for shape in [(30, 8), (8, 30)]:
        E = rng.normal(size=shape)
        eigenvalues = np.linalg.eigvalsh(E.T @ E / (shape[0] - 1))
        expected = [np.sum(eigenvalues**k) for k in (1, 2, 3)]
        np.testing.assert_allclose(residual_theta(E), expected, rtol=1e-10)


@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_q_limits_reproduce_the_exact_scaled_chi_square_of_isotropic_residuals(
    alpha: float,
) -> None:
    # m eigenvalues equal to lam: Q / lam is chi-square with m degrees of freedom, of mean
    # m lam and variance 2 m lam². Box is then exact, Jackson-Mudholkar close.
    m, lam = 40, 0.5
    exact = lam * stats.chi2.ppf(1 - alpha, m)
    assert box_limit(m * lam, 2 * m * lam**2, alpha) == pytest.approx(exact, rel=1e-12)
    theta = m * np.array([lam, lam**2, lam**3])
    assert jackson_mudholkar_limit(theta, alpha) == pytest.approx(exact, rel=2e-3)


def test_control_limits_hold_their_false_alarm_rate_on_gaussian_data() -> None:
    rng = np.random.default_rng(0)
    loadings = rng.normal(size=(4, 30))

    def sample(n):
        latent = rng.normal(size=(n, 4)) * [3.0, 2.0, 1.5, 1.0]
        X = latent @ loadings + 0.5 * rng.normal(size=(n, 30))
        return X, latent[:, :1] + 0.1 * rng.normal(size=(n, 1))

    X, y = sample(400)
    model = _DiagnosedPLS(n_components=3, scale=False).fit(X, y)
    X_new, _ = sample(20000)
    t2_rate = np.mean(model.hotelling_t2(X_new) > model.t2_limit(0.05))
    q_new = model.q_residuals(X_new)
    box_rate = np.mean(q_new > model.q_limit(0.05))
    jm_rate = np.mean(q_new > model.q_limit(0.05, method="jackson-mudholkar", X=X))
    assert t2_rate == pytest.approx(0.05, abs=0.015)
    assert box_rate == pytest.approx(0.05, abs=0.015)
    assert jm_rate == pytest.approx(0.05, abs=0.015)


def test_limits_reject_bad_alpha_and_method() -> None:
    X, Y = _data(20, 6, 1, seed=1)
    model = _DiagnosedPLS(n_components=2).fit(X, Y)
    with pytest.raises(ValueError, match="alpha must be a number in"):
        model.t2_limit(1.5)
    with pytest.raises(ValueError, match="method must be one of"):
        model.q_limit(0.05, method="normal")
    with pytest.raises(ValueError, match="needs the training spectra"):
        model.q_limit(0.05, method="jackson-mudholkar")


def test_diagnostics_of_a_new_sample_need_a_fitted_model_of_the_same_width() -> None:
    X, Y = _data(20, 6, 1, seed=1)
    model = _DiagnosedPLS(n_components=2).fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        model.q_residuals(X[:, :5])


def test_jackson_mudholkar_falls_back_to_box_when_h0_is_not_positive() -> None:
    # one dominant eigenvalue and a long tail: h0 = 1 - 2 θ1 θ3 / (3 θ2²) < 0
    eigenvalues = np.concatenate([[10.0], np.full(1000, 0.01)])
    theta = np.array([np.sum(eigenvalues**k) for k in (1, 2, 3)])
    limit = jackson_mudholkar_limit(theta, 0.05)
    assert limit == box_limit(theta[0], 2 * theta[1], 0.05)
    assert limit > 10.0


def test_limits_of_a_model_that_reproduces_x_exactly_are_zero() -> None:
    assert box_limit(0.0, 0.0, 0.05) == 0.0
    assert jackson_mudholkar_limit(np.zeros(3), 0.05) == 0.0
