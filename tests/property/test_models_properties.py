"""Properties of the PLS family on random data: linear predictions, nesting, VIP, T²."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.operators.models._ikpls import IKPLS
from nirs4all.operators.models._pcr import PCR
from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._simpls import SIMPLS

SETTINGS = settings(max_examples=15, deadline=None)
MODELS = st.sampled_from([PLS, SIMPLS, IKPLS, PCR])


@st.composite
def problems(draw):
    n, p, q = draw(st.integers(5, 30)), draw(st.integers(2, 25)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(size=(n, p)) * rng.uniform(0.1, 10, size=p) + rng.normal(size=p)
    Y = X @ rng.normal(size=(p, q)) + rng.normal(size=(n, q))
    a = draw(st.integers(1, min(n - 1, p)))
    return X, (Y[:, 0] if q == 1 else Y), a, draw(st.booleans())


@SETTINGS
@given(problem=problems(), model=MODELS)
def test_predictions_are_linear_in_raw_x_and_nested_at_the_top(problem, model) -> None:
    X, y, a, scale = problem
    fitted = model(n_components=a, scale=scale).fit(X, y)
    prediction = fitted.predict(X)
    linear = (X @ fitted.coef_.T + fitted.intercept_).reshape(prediction.shape)
    np.testing.assert_allclose(prediction, linear, atol=1e-8 * (1 + np.abs(linear).max()))
    nested = fitted.predict_nested(X, [a])[a]
    np.testing.assert_allclose(nested, prediction, atol=1e-8 * (1 + np.abs(linear).max()))


@SETTINGS
@given(problem=problems(), model=MODELS)
def test_vip_mean_square_is_one_and_training_t2_sums_to_a_n_minus_one(problem, model) -> None:
    X, y, a, scale = problem
    fitted = model(n_components=a, scale=scale).fit(X, y)
    assert np.isclose(np.mean(fitted.vip_**2), 1.0)
    components = int(np.sum(np.var(fitted.x_scores_, axis=0, ddof=1) > 0))
    total = fitted.hotelling_t2(X).sum()
    assert np.isclose(total, components * (X.shape[0] - 1), rtol=1e-6)


@SETTINGS
@given(problem=problems())
def test_ikpls_and_simpls_predict_like_nipals_for_one_target(problem) -> None:
    X, y, a, scale = problem
    y = y if y.ndim == 1 else y[:, 0]
    nipals = PLS(n_components=a, scale=scale).fit(X, y).predict(X)
    tolerance = 1e-6 * (1 + np.abs(nipals).max())
    for model in (IKPLS(n_components=a, scale=scale), SIMPLS(n_components=a, scale=scale)):
        np.testing.assert_allclose(model.fit(X, y).predict(X), nipals, atol=tolerance)
