"""OSC against a direct implementation with a dense SVD and explicit deflation."""

import numpy as np
import pytest

from nirs4all.operators.transforms import OSC, _supervised

ATOL = 1e-10


def _osc_reference(X, y, n_components, X_new):
    """Fearn's direct OSC, written out: SVD of the y-orthogonal part, deflate, repeat."""
    mean = X.mean(axis=0)
    residual = X - mean
    yc = y.reshape(len(y), -1) - y.reshape(len(y), -1).mean(axis=0)
    q, _ = np.linalg.qr(residual.T @ yc)
    weights, loadings = [], []
    for _ in range(n_components):
        w = np.linalg.svd(residual - residual @ q @ q.T)[2][0]
        t = residual @ w
        p = residual.T @ t / (t @ t)
        residual = residual - np.outer(t, p)
        weights.append(w)
        loadings.append(p)
    new = X_new - mean
    for w, p in zip(weights, loadings, strict=True):
        new = new - np.outer(new @ w, p)
    return new + mean


@pytest.fixture
def data(spectra):
    rng = np.random.default_rng(11)
    X = np.vstack([spectra, spectra * rng.uniform(0.8, 1.2, size=(12, 1))])[:, ::2]
    y = X[:, 5] - 2 * X[:, 20] + rng.normal(0, 0.01, size=X.shape[0])
    return X, y


@pytest.mark.parametrize("n_components", [1, 2, 3])
def test_osc_matches_direct_svd_and_deflation(data, n_components) -> None:
    X, y = data
    X_new = X[::3] * 1.05 + 0.01
    fitted = OSC(n_components).fit(X, y)
    expected = _osc_reference(X, y, n_components, X_new)
    np.testing.assert_allclose(fitted.transform(X_new), expected, rtol=0, atol=ATOL)
    np.testing.assert_allclose(
        OSC(n_components).fit_transform(X, y), _osc_reference(X, y, n_components, X), atol=ATOL
    )


def test_osc_lanczos_path_matches_dense_path(data, monkeypatch) -> None:
    X, y = data
    dense = OSC(2).fit(X, y).transform(X)
    monkeypatch.setattr(_supervised, "DENSE_SVD_MAX", 2)
    np.testing.assert_allclose(OSC(2).fit(X, y).transform(X), dense, rtol=0, atol=ATOL)


def test_osc_removes_only_variation_orthogonal_to_y(data) -> None:
    X, y = data
    fitted = OSC(2).fit(X, y)
    scores = (X - fitted.mean_) @ fitted.rotations_
    np.testing.assert_allclose(scores.T @ (y - y.mean()), 0.0, atol=1e-10)
    corrected = fitted.transform(X)
    np.testing.assert_allclose(
        (corrected - corrected.mean(axis=0)).T @ (y - y.mean()),
        (X - X.mean(axis=0)).T @ (y - y.mean()),
        atol=1e-10,
    )
    np.testing.assert_allclose(corrected.mean(axis=0), X.mean(axis=0), atol=1e-12)


def test_osc_accepts_several_targets(data) -> None:
    X, y = data
    Y = np.column_stack([y, X[:, 7]])
    fitted = OSC(1).fit(X, Y)
    scores = (X - fitted.mean_) @ fitted.rotations_
    np.testing.assert_allclose(scores.T @ (Y - Y.mean(axis=0)), 0.0, atol=1e-10)


def test_osc_requires_y(data) -> None:
    with pytest.raises(ValueError, match="requires y to be passed"):
        OSC().fit(data[0])


def test_osc_with_more_components_than_variation_says_how_many(data) -> None:
    X, y = data
    with pytest.raises(ValueError, match=r"only 3 component\(s\) of variation orthogonal to y"):
        OSC(4).fit(X[:5], y[:5])
