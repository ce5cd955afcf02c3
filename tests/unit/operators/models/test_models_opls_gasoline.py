"""OPLS, KOPLS and KernelPLS on real NIR data: the gasoline spectra of R ``pls``.

60 gasoline samples, 401 wavelengths (900-1700 nm), octane number (Kalivas 1997; see
``tests/golden/r_pls/README.md``). References: pyopls (test-only) and the
predictions R ``pls`` 2.8 made with NIPALS (``oscorespls``) on rows 1-50 for rows 51-60.
An OPLS model with one predictive and ``k`` orthogonal components predicts as PLS with
``k + 1`` components, and so do the linear-kernel K-OPLS and kernel PLS.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nirs4all.operators.models._kernel_pls import KernelPLS
from nirs4all.operators.models._kopls import KOPLS
from nirs4all.operators.models._opls import OPLS

GOLDEN = Path(__file__).parents[3] / "golden" / "r_pls"
TOLERANCE = {"rtol": 1e-8, "atol": 1e-8}
TRAIN, TEST = slice(0, 50), slice(50, 60)


@pytest.fixture(scope="module")
def gasoline() -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(GOLDEN / "gasoline.csv", delimiter=",", skiprows=1)
    return table[:, 1:], table[:, 0]


@pytest.fixture(scope="module")
def r_predictions() -> np.ndarray:
    """R ``pls`` NIPALS predictions of rows 51-60, one column per number of components."""
    return np.loadtxt(GOLDEN / "gasoline_oscorespls_pred.csv", delimiter=",", skiprows=1)


@pytest.mark.parametrize("n_orthogonal", [1, 3, 6])
def test_opls_filter_equals_pyopls(gasoline, n_orthogonal: int) -> None:
    pyopls = pytest.importorskip("pyopls")
    X, y = gasoline
    reference = pyopls.OPLS(n_orthogonal).fit(X, y)
    model = OPLS(n_orthogonal=n_orthogonal).fit(X, y)
    np.testing.assert_allclose(model.orthogonal_weights_, reference.W_ortho_, atol=1e-8)
    np.testing.assert_allclose(model.orthogonal_scores_, reference.T_ortho_, atol=1e-8)
    filtered = (model.transform(X) - model.x_mean_) / model.x_scale_
    np.testing.assert_allclose(filtered, reference.transform(X), atol=1e-8)


@pytest.mark.parametrize("n_orthogonal", range(10))
def test_opls_and_linear_kopls_predict_as_r_pls_with_one_more_component(
    gasoline, r_predictions, n_orthogonal: int
) -> None:
    X, y = gasoline
    expected = r_predictions[:, n_orthogonal]
    opls = OPLS(n_orthogonal=n_orthogonal, scale=False).fit(X[TRAIN], y[TRAIN])
    np.testing.assert_allclose(opls.predict(X[TEST]), expected, **TOLERANCE)
    kopls = KOPLS(n_orthogonal=n_orthogonal, kernel="linear").fit(X[TRAIN], y[TRAIN])
    np.testing.assert_allclose(kopls.predict(X[TEST]), expected, **TOLERANCE)


@pytest.mark.parametrize("n_components", range(1, 11))
def test_linear_kernel_pls_predicts_as_r_pls(gasoline, r_predictions, n_components) -> None:
    X, y = gasoline
    model = KernelPLS(n_components, kernel="linear").fit(X[TRAIN], y[TRAIN])
    np.testing.assert_allclose(
        model.predict(X[TEST]), r_predictions[:, n_components - 1], **TOLERANCE
    )
