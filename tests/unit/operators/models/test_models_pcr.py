"""PCR equals scikit-learn's PCA + least squares, for wide and tall X."""

from __future__ import annotations

import numpy as np
import pytest
from model_spectra import spectra
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nirs4all.operators.models._pcr import PCR


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize(("n", "p"), [(40, 120), (150, 30)])
@pytest.mark.parametrize("q", [1, 2])
def test_pcr_equals_pca_then_least_squares(n: int, p: int, q: int, scale: bool) -> None:
    X, y = spectra(n, p, q=q, seed=n + q)
    X_new, _ = spectra(12, p, q=q, seed=7)
    for a in (1, 4, 9):
        steps = [StandardScaler()] if scale else []  # a common column factor: same axes
        reference = make_pipeline(*steps, PCA(a, svd_solver="full"), LinearRegression())
        ours = PCR(n_components=a, scale=scale).fit(X, y)
        np.testing.assert_allclose(
            ours.predict(X_new), reference.fit(X, y).predict(X_new), rtol=0, atol=1e-10
        )


def test_pcr_axes_are_orthonormal_principal_axes_and_scores_explain_x() -> None:
    X, y = spectra(30, 80, seed=3)
    model = PCR(n_components=5, scale=False).fit(X, y)
    V = model.x_loadings_
    np.testing.assert_allclose(V.T @ V, np.eye(5), atol=1e-12)
    _, _, vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    np.testing.assert_allclose(np.abs(V), np.abs(vt[:5].T), atol=1e-10)
    assert model.hotelling_t2(X).sum() == pytest.approx(5 * 29, rel=1e-10)
