"""Properties of OPLS, MBPLS and kernel PLS on arbitrary well-conditioned data."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.operators.models._kernel_pls import KernelPLS
from nirs4all.operators.models._mbpls import MBPLS
from nirs4all.operators.models._opls import OPLS

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def latent_data(draw):
    """X and y from a few latent factors plus noise, drawn from a seed."""
    n = draw(st.integers(12, 40))
    p = draw(st.integers(6, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    latent = rng.normal(size=(n, 4))
    X = latent @ rng.normal(size=(4, p)) + 0.05 * rng.normal(size=(n, p))
    y = latent @ rng.normal(size=4) + 0.05 * rng.normal(size=n)
    return X, y


@SETTINGS
@given(latent_data(), st.integers(1, 3), st.booleans())
def test_opls_orthogonal_scores_are_orthogonal_to_y_and_to_each_other(data, k, scale):
    X, y = data
    model = OPLS(n_orthogonal=k, scale=scale).fit(X, y)
    scores = model.orthogonal_scores_
    centred = y - y.mean()
    bound = 1e-8 * max(np.linalg.norm(scores), 1.0) * np.linalg.norm(centred)
    assert np.all(np.abs(scores.T @ centred) <= bound)
    gram = scores.T @ scores
    off_diagonal = gram - np.diag(np.diag(gram))
    assert np.all(np.abs(off_diagonal) <= 1e-8 * max(gram.max(), 1.0))
    np.testing.assert_allclose(X @ model.coef_[0] + model.intercept_[0], model.predict(X))


@SETTINGS
@given(latent_data(), st.integers(1, 4))
def test_linear_kernel_pls_and_one_block_mbpls_agree(data, a):
    X, y = data
    kernel = KernelPLS(a, kernel="linear").fit(X, y)
    mbpls = MBPLS(a, scale=False, block_scaling=False).fit(X, y)
    np.testing.assert_allclose(kernel.predict(X), mbpls.predict(X), atol=1e-8 * np.abs(y).max())


@SETTINGS
@given(latent_data(), st.integers(1, 5), st.integers(1, 3))
def test_mbpls_block_importances_sum_to_one_and_rebuild_super_scores(data, first_width, a):
    X, y = data
    first_width = min(first_width, X.shape[1] - 1)
    model = MBPLS(a, blocks=[first_width, X.shape[1] - first_width]).fit(X, y)
    np.testing.assert_allclose(model.block_importances_.sum(axis=0), 1.0)
    combined = np.einsum("ba,bna->na", model.super_weights_, model.block_scores_)
    np.testing.assert_allclose(
        combined, model.super_scores_, atol=1e-10 * np.abs(model.super_scores_).max()
    )
