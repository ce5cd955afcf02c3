"""PLSDA: PLS on one-hot classes, argmax labels, temperature-scaled softmax probabilities."""

from __future__ import annotations

import numpy as np
from model_spectra import spectra
from scipy.special import log_softmax

from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._plsda import PLSDA


def _classes(n: int, k: int, seed: int):
    X, y = spectra(n, 30, seed=seed, noise=0.2)
    codes = np.digitize(y, np.quantile(y, np.linspace(0, 1, k + 1)[1:-1]))
    return X, np.array(["low", "mid", "high", "top"])[codes]


def test_decision_function_is_pls_on_the_one_hot_indicator() -> None:
    X, labels = _classes(90, 3, seed=1)
    model = PLSDA(n_components=4).fit(X, labels)
    assert list(model.classes_) == ["high", "low", "mid"]
    onehot = (labels[:, None] == model.classes_).astype(float)
    indicator = PLS(n_components=4).fit(X, onehot).predict(X)
    np.testing.assert_allclose(model.decision_function(X), indicator, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), model.classes_[indicator.argmax(axis=1)])
    assert model.coef_.shape == (3, 30)


def test_probabilities_sum_to_one_and_agree_with_predict() -> None:
    X, labels = _classes(120, 4, seed=2)
    model = PLSDA(n_components=5).fit(X, labels)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X))


def test_temperature_maximises_the_training_likelihood() -> None:
    X, labels = _classes(120, 3, seed=3)
    model = PLSDA(n_components=3).fit(X, labels)
    indicators = model.decision_function(X)
    codes = np.searchsorted(model.classes_, labels)

    def loss(kappa: float) -> float:
        return -np.mean(log_softmax(kappa * indicators, axis=1)[np.arange(120), codes])

    kappa = model.temperature_
    assert 1e-3 < kappa < 1e3
    assert loss(kappa) <= min(loss(kappa * 0.99), loss(kappa * 1.01))


def test_two_classes_give_a_signed_decision_for_the_second_class() -> None:
    X, labels = _classes(60, 2, seed=4)
    model = PLSDA(n_components=3).fit(X, labels)
    decision = model.decision_function(X)
    assert decision.shape == (60,)
    np.testing.assert_array_equal(model.predict(X), model.classes_[(decision > 0).astype(int)])
    order = np.argsort(decision)
    assert np.all(np.diff(model.predict_proba(X)[order, 1]) >= 0)


def test_perfectly_separated_training_set_gets_confident_finite_probabilities() -> None:
    X, labels = _classes(40, 2, seed=5)
    X = X.copy()
    X[labels == "mid", 0] += 100.0  # one wavelength separates the classes
    model = PLSDA(n_components=2, scale=False).fit(X, labels)
    assert (model.predict(X) == labels).all()
    assert model.temperature_ <= 1e3
    proba = model.predict_proba(X)
    assert np.all(proba[np.arange(40), np.searchsorted(model.classes_, labels)] > 0.999)
