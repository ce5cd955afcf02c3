"""KernelPLS and KOPLS: linear kernels against linear PLS/OPLS, explicit feature maps."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.preprocessing import KernelCenterer

import nirs4all
from nirs4all.errors import DataWarning
from nirs4all.operators.models._kernel_pls import KernelPLS
from nirs4all.operators.models._kopls import KOPLS
from nirs4all.operators.models._opls import OPLS
from nirs4all.operators.models._pls import PLS


@pytest.fixture(scope="module")
def spectra() -> tuple[np.ndarray, np.ndarray]:
    """Synthetic NIR spectra of known mixtures (801 wavelengths) and two concentrations."""
    dataset = nirs4all.generate(120, n_targets=2, random_state=7)
    return np.array(dataset.x()), np.array(dataset.y)


def _quadratic_features(X: np.ndarray) -> np.ndarray:
    """The feature map of the kernel ``(x'z)^2``: every product ``x_i x_j``."""
    return np.einsum("ni,nj->nij", X, X).reshape(len(X), -1)


@pytest.mark.parametrize("n_components", [1, 3, 8])
def test_linear_kernel_predicts_like_linear_pls(spectra, n_components: int) -> None:
    X, Y = spectra
    model = KernelPLS(n_components, kernel="linear").fit(X[:90], Y[:90, 0])
    pls = PLSRegression(n_components, scale=False).fit(X[:90], Y[:90, 0])
    np.testing.assert_allclose(model.predict(X[90:]), pls.predict(X[90:]).ravel(), atol=1e-8)
    # Scores are the NIPALS scores normalised to unit length.
    unit = pls.x_scores_ / np.linalg.norm(pls.x_scores_, axis=0)
    np.testing.assert_allclose(np.abs(model.x_scores_), np.abs(unit), atol=1e-8)


def test_linear_kernel_predicts_like_converged_linear_pls2(spectra) -> None:
    X, Y = spectra
    model = KernelPLS(4, kernel="linear").fit(X[:90], Y[:90])
    pls = PLSRegression(4, scale=False, tol=1e-15, max_iter=10_000).fit(X[:90], Y[:90])
    np.testing.assert_allclose(model.predict(X[90:]), pls.predict(X[90:]), atol=1e-8)


def test_polynomial_kernel_is_linear_pls_on_its_feature_map(spectra) -> None:
    X, Y = spectra
    X = X[:, ::40]  # 21 wavelengths, 441 quadratic features
    model = KernelPLS(4, kernel="polynomial", degree=2, gamma=1.0, coef0=0.0).fit(X[:90], Y[:90, 1])
    features = _quadratic_features(X)
    pls = PLSRegression(4, scale=False).fit(features[:90], Y[:90, 1])
    np.testing.assert_allclose(model.predict(X[90:]), pls.predict(features[90:]).ravel(), atol=1e-8)


def test_rbf_kernel_fits_a_nonlinear_response_that_linear_pls_cannot() -> None:
    """The sinc example of Rosipal & Trejo (2001, section 5.1)."""
    x = np.linspace(-10, 10, 201)[:, None]
    y = np.sinc(x[:, 0] / np.pi)
    rbf = KernelPLS(8, kernel="rbf", gamma=0.5).fit(x, y)
    linear = KernelPLS(1, kernel="linear").fit(x, y)
    assert np.abs(rbf.predict(x) - y).max() < 0.02
    assert linear.score(x, y) < 0.1


def test_transform_of_the_training_rows_gives_their_scores(spectra) -> None:
    X, Y = spectra
    model = KernelPLS(5, gamma=1e-2).fit(X, Y)
    np.testing.assert_allclose(model.transform(X), model.x_scores_, atol=1e-10)
    np.testing.assert_allclose(model.x_scores_.T @ model.x_scores_, np.eye(5), atol=1e-10)


@pytest.mark.parametrize("kernel", ["rbf", "linear"])
def test_nested_predictions_equal_refits_with_fewer_components(spectra, kernel: str) -> None:
    X, Y = spectra
    model = KernelPLS(6, kernel=kernel, gamma=1e-2).fit(X[:90], Y[:90])
    nested = model.predict_nested(X[90:], [1, 3, 6])
    for a in (1, 3, 6):
        refit = KernelPLS(a, kernel=kernel, gamma=1e-2).fit(X[:90], Y[:90])
        np.testing.assert_allclose(nested[a], refit.predict(X[90:]), atol=1e-10)
    with pytest.raises(ValueError, match=r"integer in \[1, 6\]"):
        model.predict_nested(X[90:], [7])


def test_linear_kernel_t2_and_q_equal_those_of_linear_pls(spectra) -> None:
    X, Y = spectra
    model = KernelPLS(4, kernel="linear").fit(X[:90], Y[:90, 0])
    pls = PLS(4, scale=False).fit(X[:90], Y[:90, 0])
    np.testing.assert_allclose(model.hotelling_t2(X[90:]), pls.hotelling_t2(X[90:]), rtol=1e-8)
    q = pls.q_residuals(X[90:])
    np.testing.assert_allclose(model.q_residuals(X[90:]), q, rtol=1e-6, atol=1e-10 * q.max())


def test_q_residuals_of_a_polynomial_kernel_equal_pls_on_its_feature_map(spectra) -> None:
    X, Y = spectra
    X = X[:, ::40]
    model = KernelPLS(3, kernel="polynomial", degree=2, gamma=1.0, coef0=0.0)
    model.fit(X[:90], Y[:90, 0])
    features = _quadratic_features(X)
    pls = PLS(3, scale=False).fit(features[:90], Y[:90, 0])
    q = pls.q_residuals(features[90:])
    np.testing.assert_allclose(model.q_residuals(X[90:]), q, rtol=1e-6, atol=1e-10 * q.max())


def test_training_q_residuals_of_an_rbf_kernel_are_the_deflated_kernel_diagonal(spectra):
    X, Y = spectra
    model = KernelPLS(3, gamma=1e-2).fit(X[:90], Y[:90, 0])
    K = KernelCenterer().fit_transform(rbf_kernel(X[:90], gamma=1e-2))
    deflate = np.eye(90) - model.x_scores_ @ model.x_scores_.T
    expected = np.diag(deflate @ K @ deflate)
    np.testing.assert_allclose(model.q_residuals(X[:90]), expected, atol=1e-10)


def test_more_components_than_the_kernel_holds_are_left_at_zero() -> None:
    X = np.linspace(0.0, 1.0, 10)[:, None]
    model = KernelPLS(3, kernel="linear").fit(X, 3 * X[:, 0])
    np.testing.assert_array_equal(model.x_scores_[:, 1:], 0.0)
    np.testing.assert_allclose(model.predict(X), 3 * X[:, 0], atol=1e-12)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"kernel": "sigmoid"}, "kernel must be one of"),
        ({"gamma": 0.0}, "gamma must be a positive number"),
        ({"degree": 0}, "degree must be an integer"),
        ({"coef0": np.inf}, "coef0 must be a finite number"),
        ({"n_components": 200}, "exceeds n_samples - 1"),
    ],
)
def test_bad_kernel_parameters_name_themselves(spectra, params, match) -> None:
    X, Y = spectra
    with pytest.raises(ValueError, match=match):
        KernelPLS(**params).fit(X, Y)


@pytest.mark.parametrize("n_orthogonal", [0, 1, 3])
def test_kopls_with_linear_kernel_predicts_like_opls(spectra, n_orthogonal: int) -> None:
    X, Y = spectra
    model = KOPLS(n_orthogonal=n_orthogonal, kernel="linear").fit(X[:90], Y[:90, 0])
    opls = OPLS(n_orthogonal=n_orthogonal, scale=False).fit(X[:90], Y[:90, 0])
    np.testing.assert_allclose(model.predict(X[90:]), opls.predict(X[90:]), atol=1e-8)
    # The orthogonal scores are those of OPLS, normalised.
    unit = opls.orthogonal_scores_ / np.linalg.norm(opls.orthogonal_scores_, axis=0)
    np.testing.assert_allclose(np.abs(model.orthogonal_scores_), np.abs(unit), atol=1e-8)


def test_kopls_with_polynomial_kernel_is_opls_on_its_feature_map(spectra) -> None:
    X, Y = spectra
    X = X[:, ::40]
    model = KOPLS(n_orthogonal=2, kernel="polynomial", degree=2, gamma=1.0, coef0=0.0)
    model.fit(X[:90], Y[:90, 0])
    features = _quadratic_features(X)
    opls = OPLS(n_orthogonal=2, scale=False).fit(features[:90], Y[:90, 0])
    np.testing.assert_allclose(model.predict(X[90:]), opls.predict(features[90:]), atol=1e-8)


@pytest.mark.parametrize("kernel", ["rbf", "polynomial"])
def test_kopls_predicts_the_training_rows_as_fitted(spectra, kernel: str) -> None:
    """The test-kernel deflations reproduce the training deflations on the training rows."""
    X, Y = spectra
    model = KOPLS(n_components=2, n_orthogonal=4, kernel=kernel, gamma=1e-2).fit(X, Y)
    fitted = model.x_scores_ @ model.regression_coef_ @ model.y_loadings_.T + model.y_mean_
    np.testing.assert_allclose(model.predict(X), fitted, atol=1e-10)
    assert model.score(X, Y) > 0.9


def test_kopls_t2_with_linear_kernel_equals_opls_t2(spectra) -> None:
    X, Y = spectra
    model = KOPLS(n_orthogonal=2, kernel="linear").fit(X[:90], Y[:90, 0])
    opls = OPLS(n_orthogonal=2, scale=False).fit(X[:90], Y[:90, 0])
    np.testing.assert_allclose(model.hotelling_t2(X[90:]), opls.hotelling_t2(X[90:]), rtol=1e-8)


def test_kopls_limits_predictive_components_to_the_targets(spectra) -> None:
    X, Y = spectra
    with pytest.raises(ValueError, match="exceeds the number of targets"):
        KOPLS(n_components=2).fit(X, Y[:, 0])


def test_kopls_warns_when_no_orthogonal_variation_is_left() -> None:
    X = np.linspace(0.0, 1.0, 10)[:, None]
    with pytest.warns(DataWarning, match="n_orthogonal"):
        model = KOPLS(n_orthogonal=2, kernel="linear").fit(X, 2 * X[:, 0])
    np.testing.assert_allclose(model.predict(X), 2 * X[:, 0], atol=1e-12)
