"""PLS (NIPALS) is a drop-in for scikit-learn's PLSRegression, with a true intercept_."""

from __future__ import annotations

import numpy as np
import pytest
from model_spectra import spectra
from sklearn.cross_decomposition import PLSRegression
from sklearn.exceptions import ConvergenceWarning

from nirs4all.operators.models._pls import PLS

FACTORS = ("x_weights_", "x_loadings_", "y_weights_", "y_loadings_", "x_scores_",
           "y_scores_", "x_rotations_")  # fmt: skip


@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("q", [1, 3])
def test_pls_reproduces_sklearn_pls_regression_attributes_and_predictions(
    q: int, scale: bool
) -> None:
    X, y = spectra(50, 30, q=q, seed=q)
    ours = PLS(n_components=5, scale=scale).fit(X, y)
    reference = PLSRegression(n_components=5, scale=scale).fit(X, y)
    for name in FACTORS:
        np.testing.assert_allclose(getattr(ours, name), getattr(reference, name), atol=1e-10)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=0, atol=1e-10)
    assert ours.n_iter_ == list(reference.n_iter_)
    assert ours.coef_.shape == (q, 30)


def test_intercept_is_the_intercept_on_raw_spectra() -> None:
    X, y = spectra(40, 20, q=2, seed=4)
    model = PLS(n_components=3).fit(X, y)
    np.testing.assert_allclose(X @ model.coef_.T + model.intercept_, model.predict(X), atol=1e-10)
    # scikit-learn stores the mean of y there instead (its predict centres X first)
    np.testing.assert_allclose(PLSRegression(3).fit(X, y).intercept_, y.mean(axis=0))
    assert not np.allclose(model.intercept_, y.mean(axis=0))


def test_multi_target_fit_that_stops_at_max_iter_warns() -> None:
    X, y = spectra(40, 20, q=3, seed=5)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        PLS(n_components=2, max_iter=1, tol=0.0).fit(X, y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_components": 0}, "n_components must be an integer >= 1"),
        ({"n_components": 11}, r"at most min\(n_samples, n_features\) = 10"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"tol": -1.0}, "tol must be a finite number >= 0"),
    ],
)
def test_bad_parameters_are_named_in_the_error(params: dict, message: str) -> None:
    X, y = spectra(30, 10)
    with pytest.raises(ValueError, match=message):
        PLS(**params).fit(X, y)


def test_diagnostics_are_available_on_the_fitted_model() -> None:
    X, y = spectra(60, 25, seed=6)
    model = PLS(n_components=4).fit(X, y)
    assert model.vip_.shape == (25,)
    assert model.selectivity_ratio_.shape == (1, 25)
    assert model.hotelling_t2(X[:5]).shape == (5,)
    assert np.all(model.q_residuals(X[:5]) >= 0)
    assert model.t2_limit(0.01) > model.t2_limit(0.05) > 0
    assert model.q_limit(0.01) > model.q_limit(0.05) > 0
