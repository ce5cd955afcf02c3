"""OPLS and OPLS-DA against pyopls, against PLS, and against the algebra of the method."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression

import nirs4all
from nirs4all.errors import DataWarning
from nirs4all.operators.models._diagnostics import jackson_mudholkar_limit, residual_theta
from nirs4all.operators.models._opls import OPLS, OPLSDA
from nirs4all.operators.models._orthogonal import orthogonal_components


@pytest.fixture(scope="module")
def spectra() -> tuple[np.ndarray, np.ndarray]:
    """Synthetic NIR spectra of known mixtures (801 wavelengths) and two concentrations."""
    dataset = nirs4all.generate(120, n_targets=2, random_state=3)
    return np.array(dataset.x()), np.array(dataset.y)


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("n_orthogonal", [1, 2, 5])
def test_orthogonal_filter_equals_pyopls(spectra, scale: bool, n_orthogonal: int) -> None:
    pyopls = pytest.importorskip("pyopls")
    X, Y = spectra
    reference = pyopls.OPLS(n_orthogonal, scale=scale).fit(X, Y[:, 0])
    model = OPLS(n_orthogonal=n_orthogonal, scale=scale).fit(X, Y[:, 0])
    np.testing.assert_allclose(model.orthogonal_weights_, reference.W_ortho_, atol=1e-8)
    np.testing.assert_allclose(model.orthogonal_loadings_, reference.P_ortho_, atol=1e-8)
    np.testing.assert_allclose(model.orthogonal_scores_, reference.T_ortho_, atol=1e-8)
    # pyopls returns the filtered X centred and scaled; ours is in the units of X.
    ours = (model.transform(X[:40]) - model.x_mean_) / model.x_scale_
    np.testing.assert_allclose(ours, reference.transform(X[:40]), atol=1e-8)


@pytest.mark.parametrize("scale", [False, True])
def test_predictions_equal_pls_on_pyopls_filtered_spectra(spectra, scale: bool) -> None:
    pyopls = pytest.importorskip("pyopls")
    X, Y = spectra
    y = Y[:, 0]
    train, test = slice(0, 90), slice(90, None)
    filt = pyopls.OPLS(3, scale=scale).fit(X[train], y[train])
    pls = PLSRegression(1, scale=False).fit(
        filt.transform(X[train]), (y[train] - filt.y_mean_) / filt.y_std_
    )
    expected = pls.predict(filt.transform(X[test])).ravel() * filt.y_std_ + filt.y_mean_
    model = OPLS(n_components=1, n_orthogonal=3, scale=scale).fit(X[train], y[train])
    np.testing.assert_allclose(model.predict(X[test]), expected, atol=1e-8)


@pytest.mark.parametrize("n_orthogonal", [0, 1, 4])
def test_one_response_predicts_like_pls_with_one_more_component(spectra, n_orthogonal) -> None:
    X, Y = spectra
    model = OPLS(n_orthogonal=n_orthogonal, scale=False).fit(X[:90], Y[:90, 1])
    pls = PLSRegression(1 + n_orthogonal, scale=False).fit(X[:90], Y[:90, 1])
    np.testing.assert_allclose(model.predict(X[90:]), pls.predict(X[90:]).ravel(), atol=1e-8)


def test_orthogonal_scores_are_uncorrelated_with_every_response(spectra) -> None:
    X, Y = spectra
    model = OPLS(n_components=2, n_orthogonal=3).fit(X, Y)
    centred = Y - Y.mean(axis=0)
    scores = model.orthogonal_scores_
    assert np.abs(scores.T @ centred).max() < 1e-10 * np.linalg.norm(scores) * np.linalg.norm(
        centred
    )
    gram = scores.T @ scores
    np.testing.assert_allclose(gram - np.diag(np.diag(gram)), 0.0, atol=1e-10 * gram.max())
    assert model.predict(X).shape == Y.shape


def test_transform_removes_exactly_the_orthogonal_part(spectra) -> None:
    X, Y = spectra
    model = OPLS(n_orthogonal=2, scale=False).fit(X, Y[:, 0])
    filtered = model.transform(X)
    orthogonal = model.orthogonal_scores_ @ model.orthogonal_loadings_.T
    np.testing.assert_allclose(X - filtered, orthogonal * model.x_scale_, atol=1e-12)
    # A PLS with one component on the filtered spectra is the predictive part of OPLS.
    pls = PLSRegression(1, scale=False).fit(filtered, Y[:, 0])
    np.testing.assert_allclose(pls.predict(filtered).ravel(), model.predict(X), atol=1e-10)


def test_coefficients_per_wavelength_reproduce_predict(spectra) -> None:
    X, Y = spectra
    model = OPLS(n_orthogonal=2, scale=True).fit(X, Y[:, 0])
    assert model.coef_.shape == (1, X.shape[1])
    np.testing.assert_allclose(
        X @ model.coef_[0] + model.intercept_[0], model.predict(X), atol=1e-12
    )


def test_training_q_residuals_leave_out_the_orthogonal_variation(spectra) -> None:
    X, Y = spectra
    model = OPLS(n_orthogonal=2).fit(X, Y[:, 0])
    processed = (X - model.x_mean_) / model.x_scale_
    residual = (
        processed
        - model.orthogonal_scores_ @ model.orthogonal_loadings_.T
        - model.x_scores_ @ model.x_loadings_.T
    )
    np.testing.assert_allclose(model.q_residuals(X), np.sum(residual**2, axis=1), atol=1e-12)
    np.testing.assert_allclose(model.training_q_, model.q_residuals(X), atol=1e-12)
    expected_limit = jackson_mudholkar_limit(residual_theta(residual), 0.05)
    assert model.q_limit(0.05, "jackson-mudholkar", X=X) == pytest.approx(expected_limit)
    assert model.q_limit(0.05) > 0
    variance = np.var(model.x_scores_, axis=0, ddof=1)
    np.testing.assert_allclose(model.hotelling_t2(X), np.sum(model.x_scores_**2 / variance, axis=1))
    assert model.vip_.shape == (X.shape[1],)
    np.testing.assert_allclose(np.mean(model.vip_**2), 1.0)


def test_nested_predictions_equal_refits_with_fewer_predictive_components(spectra) -> None:
    X, Y = spectra
    model = OPLS(n_components=3, n_orthogonal=2).fit(X[:90], Y[:90])
    nested = model.predict_nested(X[90:], [1, 2, 3])
    for a in (1, 2, 3):
        refit = OPLS(n_components=a, n_orthogonal=2).fit(X[:90], Y[:90])
        np.testing.assert_allclose(nested[a], refit.predict(X[90:]), atol=1e-10)
    with pytest.raises(ValueError, match=r"integer in \[1, 3\]"):
        model.predict_nested(X[90:], [4])


def test_selectivity_ratio_is_the_target_projection_on_the_whole_spectra(spectra) -> None:
    X, Y = spectra
    model = OPLS(n_orthogonal=2).fit(X, Y[:, 0])
    processed = (X - model.x_mean_) / model.x_scale_
    target_score = processed @ (model.coef_[0] * model.x_scale_)  # T_p q in processed units
    loading = processed.T @ target_score / (target_score @ target_score)
    explained = np.sum(np.outer(target_score, loading) ** 2, axis=0)
    residual = np.sum((processed - np.outer(target_score, loading)) ** 2, axis=0)
    np.testing.assert_allclose(model.selectivity_ratio_[0], explained / residual, rtol=1e-8)


def test_missing_orthogonal_variation_gives_zero_components_and_a_warning() -> None:
    X = np.linspace(0.0, 1.0, 12)[:, None]
    with pytest.warns(DataWarning, match="n_orthogonal"):
        model = OPLS(n_orthogonal=1).fit(X, 2 * X[:, 0] + 1)
    np.testing.assert_array_equal(model.orthogonal_weights_, 0.0)
    np.testing.assert_allclose(model.predict(X), 2 * X[:, 0] + 1, atol=1e-12)


def test_filter_of_zero_components_returns_x_unchanged() -> None:
    X = np.arange(12.0).reshape(4, 3)
    weights, _, scores, residual = orthogonal_components(X, X[:, :1], 0)
    assert weights.shape == (3, 0)
    assert scores.shape == (4, 0)
    assert residual is X


@pytest.mark.parametrize("bad", [{"n_components": 0}, {"n_orthogonal": -1}, {"scale": "yes"}])
def test_bad_parameters_name_themselves(spectra, bad) -> None:
    X, Y = spectra
    with pytest.raises(ValueError, match=next(iter(bad))):
        OPLS(**bad).fit(X, Y[:, 0])


@pytest.fixture(scope="module")
def classes() -> tuple[np.ndarray, np.ndarray]:
    dataset = nirs4all.generate(150, task="classification", n_classes=3, random_state=5)
    labels = np.array(["low", "mid", "high"])[np.asarray(dataset.y).ravel().astype(int)]
    return np.array(dataset.x()), labels


def test_oplsda_predicts_the_largest_indicator_and_ranks_probabilities_alike(classes) -> None:
    X, labels = classes
    model = OPLSDA(n_orthogonal=2).fit(X[:120], labels[:120])
    np.testing.assert_array_equal(model.classes_, ["high", "low", "mid"])
    assert model.x_weights_.shape[1] == 2  # n_classes - 1 predictive components
    decision = model.decision_function(X[120:])
    probabilities = model.predict_proba(X[120:])
    np.testing.assert_array_equal(model.predict(X[120:]), model.classes_[decision.argmax(axis=1)])
    np.testing.assert_array_equal(probabilities.argmax(axis=1), decision.argmax(axis=1))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X[120:])), probabilities)
    assert model.score(X[120:], labels[120:]) >= 0.7  # chance is 1/3


def test_oplsda_equals_opls_on_the_indicator_matrix(classes) -> None:
    X, labels = classes
    model = OPLSDA(n_orthogonal=1).fit(X, labels)
    indicators = (labels[:, None] == model.classes_).astype(float)
    regression = OPLS(n_components=2, n_orthogonal=1).fit(X, indicators)
    np.testing.assert_allclose(model.decision_function(X), regression.predict(X), atol=1e-12)


def test_oplsda_nested_labels_equal_refits(classes) -> None:
    X, labels = classes
    model = OPLSDA(n_components=3).fit(X[:120], labels[:120])
    nested = model.predict_nested(X[120:], [1, 2])
    for a in (1, 2):
        refit = OPLSDA(n_components=a).fit(X[:120], labels[:120])
        np.testing.assert_array_equal(nested[a], refit.predict(X[120:]))


def test_oplsda_binary_decision_is_positive_for_the_second_class(classes) -> None:
    X, labels = classes
    keep = labels != "mid"
    model = OPLSDA().fit(X[keep], labels[keep])
    decision = model.decision_function(X[keep])
    assert decision.shape == (keep.sum(),)
    np.testing.assert_array_equal(model.predict(X[keep]) == model.classes_[1], decision > 0)
    order = np.argsort(decision)
    assert np.all(np.diff(model.predict_proba(X[keep])[order, 1]) >= 0)


def test_oplsda_inverse_temperature_maximises_the_training_likelihood(classes) -> None:
    X, labels = classes
    model = OPLSDA().fit(X, labels)
    indicators = X @ model.coef_.T + model.intercept_
    codes = np.searchsorted(model.classes_, labels)

    def log_likelihood(factor: float) -> float:
        scaled = factor * indicators
        scaled -= scaled.max(axis=1, keepdims=True)
        log_proba = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        return float(log_proba[np.arange(len(codes)), codes].sum())

    best = model.temperature_
    assert log_likelihood(best) >= max(log_likelihood(best * 0.9), log_likelihood(best * 1.1))


def test_oplsda_needs_two_classes(classes) -> None:
    X, _ = classes
    with pytest.raises(ValueError, match="at least 2 classes"):
        OPLSDA().fit(X, np.zeros(len(X)))
