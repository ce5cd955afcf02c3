"""Recursive PLS: batch PLS with a forgetting factor of 1, replicated rows otherwise."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._diagnostics import box_limit, residual_theta
from nirs4all.operators.models._recursive_pls import RecursivePLS
from nirs4all.operators.models._robust_pls import RobustPLS


def _data(n: int, p: int, q: int, seed: int, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3)) + shift
    X = (
        3.0
        + latent @ np.random.default_rng(99).normal(size=(3, p))
        + 0.05 * rng.normal(size=(n, p))
    )
    Y = latent @ np.random.default_rng(98).normal(size=(3, q)) + 0.05 * rng.normal(size=(n, q))
    return X, Y


@pytest.mark.parametrize("q", [1, 2])
def test_one_batch_with_forgetting_factor_one_equals_sklearn_pls(q: int) -> None:
    X, Y = _data(40, 25, q, seed=1)
    model = RecursivePLS(3, forgetting_factor=1.0).fit(X, Y)
    reference = PLSRegression(3, scale=False, tol=1e-28, max_iter=20000).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-8)
    np.testing.assert_allclose(np.abs(model.x_weights_), np.abs(reference.x_weights_), atol=1e-8)


def test_batches_with_forgetting_factor_one_equal_batch_pls_of_all() -> None:
    X, Y = _data(60, 20, 1, seed=2)
    model = RecursivePLS(4)
    for rows in (slice(0, 10), slice(10, 11), slice(11, 45), slice(45, 60)):
        model.partial_fit(X[rows], Y[rows, 0])
    reference = PLSRegression(4, scale=False).fit(X, Y[:, 0])
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    assert model.n_samples_seen_ == 60
    assert model.n_batches_ == 4


def test_forgetting_factor_weighs_older_batches_like_fewer_replicated_rows() -> None:
    X, Y = _data(45, 12, 1, seed=3)
    first, second, third = slice(0, 15), slice(15, 30), slice(30, 45)
    model = RecursivePLS(3, forgetting_factor=0.5)
    for rows in (first, second, third):
        model.partial_fit(X[rows], Y[rows])
    # Weights 0.25, 0.5, 1 give the same PLS as replicating the batches 1, 2 and 4 times.
    replicated = [X[first], X[second], X[second], *[X[third]] * 4]
    targets = [Y[first], Y[second], Y[second], *[Y[third]] * 4]
    reference = PLSRegression(3, scale=False).fit(np.vstack(replicated), np.vstack(targets))
    np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=1e-8)
    assert model.n_samples_seen_ == pytest.approx(15 * 0.25 + 15 * 0.5 + 15)


def test_the_summary_stays_bounded_by_the_number_of_columns() -> None:
    X, Y = _data(200, 6, 1, seed=4)
    model = RecursivePLS(2)
    for start in range(0, 200, 20):
        model.partial_fit(X[start : start + 20], Y[start : start + 20])
    assert model.summary_.shape == (7, 7)
    reference = PLSRegression(2, scale=False).fit(X, Y)
    np.testing.assert_allclose(model.predict(X), reference.predict(X).reshape(-1, 1), atol=1e-8)


def test_forgetting_tracks_a_drifting_process() -> None:
    old_X, old_Y = _data(100, 10, 1, seed=5)
    rng = np.random.default_rng(6)
    new_X = old_X + rng.normal(0, 0.01, size=old_X.shape)
    new_Y = old_Y + 2.0 * (new_X[:, :1] - 3.0)  # the calibration has changed
    remembering, forgetting = (
        RecursivePLS(3, forgetting_factor=1.0),
        RecursivePLS(3, forgetting_factor=0.1),
    )
    for model in (remembering, forgetting):
        model.partial_fit(old_X, old_Y)
        for start in range(0, 80, 20):
            model.partial_fit(new_X[start : start + 20], new_Y[start : start + 20])

    def error(model: RecursivePLS) -> float:
        return float(np.sqrt(np.mean((model.predict(new_X[80:]) - new_Y[80:]) ** 2)))

    assert error(forgetting) < 0.5 * error(remembering)


def test_fit_forgets_earlier_batches() -> None:
    X, Y = _data(40, 8, 1, seed=7)
    model = RecursivePLS(2).partial_fit(X[:20], Y[:20]).fit(X[20:], Y[20:])
    reference = PLSRegression(2, scale=False).fit(X[20:], Y[20:])
    np.testing.assert_allclose(model.predict(X), reference.predict(X).reshape(-1, 1), atol=1e-8)
    assert model.n_batches_ == 1


def test_diagnostics_after_batches_equal_those_of_batch_pls() -> None:
    X, Y = _data(50, 15, 1, seed=8)
    model = RecursivePLS(3).partial_fit(X[:30], Y[:30, 0]).partial_fit(X[30:], Y[30:, 0])
    batch = RobustPLS(3, c=1e12).fit(X, Y[:, 0])  # ordinary PLS with the same diagnostics
    new = X[:5] + 0.2
    np.testing.assert_allclose(model.hotelling_t2(new), batch.hotelling_t2(new), rtol=1e-8)
    np.testing.assert_allclose(model.q_residuals(new), batch.q_residuals(new), rtol=1e-8)
    assert model.t2_limit(0.05) == pytest.approx(batch.t2_limit(0.05), rel=1e-10)
    jackson = batch.q_limit(0.05, "jackson-mudholkar", X=X)
    assert model.q_limit(0.05, "jackson-mudholkar") == pytest.approx(jackson, rel=1e-8)
    centred = X - X.mean(axis=0)
    theta = residual_theta(centred - centred @ batch.x_rotations_ @ batch.x_loadings_.T)
    assert model.q_limit(0.05) == pytest.approx(box_limit(theta[0], 2 * theta[1], 0.05), rel=1e-8)
    np.testing.assert_allclose(model.vip_, batch.vip_, rtol=1e-8)
    np.testing.assert_allclose(model.selectivity_ratio_, batch.selectivity_ratio_, rtol=1e-6)


def test_a_batch_with_other_targets_or_features_is_refused() -> None:
    X, Y = _data(20, 5, 2, seed=9)
    model = RecursivePLS(2).partial_fit(X, Y)
    with pytest.raises(ValueError, match="y has 1 target"):
        model.partial_fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :4], Y)


@pytest.mark.parametrize("factor", [0.0, 1.5, -0.2])
def test_forgetting_factor_outside_the_unit_interval_is_refused(factor: float) -> None:
    X, Y = _data(10, 4, 1, seed=10)
    with pytest.raises(ValueError, match=r"forgetting_factor must be in \(0, 1\]"):
        RecursivePLS(forgetting_factor=factor).fit(X, Y)


def test_predict_nested_equals_separate_models_with_fewer_components() -> None:
    X, Y = _data(40, 10, 2, seed=11)
    model = RecursivePLS(4, forgetting_factor=0.8).partial_fit(X[:20], Y[:20])
    model.partial_fit(X[20:], Y[20:])
    for a, prediction in model.predict_nested(X, [1, 3]).items():
        alone = RecursivePLS(a, forgetting_factor=0.8).partial_fit(X[:20], Y[:20])
        alone.partial_fit(X[20:], Y[20:])
        np.testing.assert_allclose(prediction, alone.predict(X), atol=1e-8)
