"""predict_nested: one fit with the most components predicts like separate smaller fits."""

from __future__ import annotations

import numpy as np
import pytest
from model_spectra import spectra

from nirs4all.operators.models._ikpls import IKPLS
from nirs4all.operators.models._pcr import PCR
from nirs4all.operators.models._pls import PLS
from nirs4all.operators.models._plsda import PLSDA
from nirs4all.operators.models._simpls import SIMPLS

REGRESSORS = {
    "PLS": PLS,
    "SIMPLS": SIMPLS,
    "IKPLS-1": lambda **kw: IKPLS(algorithm=1, **kw),
    "IKPLS-2": lambda **kw: IKPLS(algorithm=2, **kw),
    "PCR": PCR,
}


@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("name", sorted(REGRESSORS))
def test_predict_nested_equals_separate_fits(name: str, scale: bool, q: int) -> None:
    X, y = spectra(60, 40, q=q, seed=q)
    X_new, _ = spectra(15, 40, q=q, seed=100)
    make = REGRESSORS[name]
    nested = make(n_components=8, scale=scale).fit(X, y).predict_nested(X_new, range(1, 9))
    assert sorted(nested) == list(range(1, 9))
    for a, prediction in nested.items():
        separate = make(n_components=a, scale=scale).fit(X, y).predict(X_new)
        assert prediction.shape == separate.shape
        np.testing.assert_allclose(prediction, separate, rtol=0, atol=1e-10)


def test_plsda_predict_nested_labels_equal_separate_fits() -> None:
    X, y = spectra(90, 30, q=1, seed=2)
    labels = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    nested = PLSDA(n_components=6).fit(X, labels).predict_nested(X, [1, 3, 6])
    for a in (1, 3, 6):
        np.testing.assert_array_equal(nested[a], PLSDA(n_components=a).fit(X, labels).predict(X))


@pytest.mark.parametrize("cls", [PLS, SIMPLS, IKPLS, PCR, PLSDA])
def test_models_declare_n_components_as_their_nested_parameter(cls) -> None:
    assert cls._nested_param_ == "n_components"
    assert "n_components" in cls().get_params()


@pytest.mark.parametrize("bad", [0, 5, 2.5, True])
def test_predict_nested_rejects_values_outside_the_fitted_range(bad) -> None:
    X, y = spectra(20, 10)
    model = PLS(n_components=4).fit(X, y)
    with pytest.raises(ValueError, match=r"integer in \[1, 4\]"):
        model.predict_nested(X, [1, bad])
