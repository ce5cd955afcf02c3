"""MBPLS against the mbpls package, against PLS, and against the multi-block algebra."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.utils import check_array

import nirs4all
from nirs4all.operators.models._mbpls import MBPLS

SPLIT = 500  # two blocks: 900-1898 nm and 1900-2500 nm
GOLDEN = Path(__file__).parents[3] / "golden" / "r_pls"


@pytest.fixture(scope="module")
def spectra() -> tuple[np.ndarray, np.ndarray]:
    """Synthetic NIR spectra of known mixtures (801 wavelengths) and two concentrations."""
    dataset = nirs4all.generate(120, n_targets=2, random_state=11)
    return np.array(dataset.x()), np.array(dataset.y)


@pytest.fixture
def reference(monkeypatch):
    """``mbpls.mbpls.MBPLS``, made to run on scikit-learn >= 1.8.

    mbpls 1.0.4 passes ``force_all_finite`` to ``check_array``, a keyword scikit-learn
    renamed ``ensure_all_finite``; only that keyword is translated.
    """
    module = pytest.importorskip("mbpls.mbpls")

    def translated(*args, force_all_finite=True, **kwargs):
        return check_array(*args, ensure_all_finite=force_all_finite, **kwargs)

    monkeypatch.setattr(module, "check_array", translated)
    return module.MBPLS


def _blocks(X: np.ndarray) -> list[np.ndarray]:
    return [X[:, :SPLIT].copy(), X[:, SPLIT:].copy()]


@pytest.mark.parametrize("method", ["NIPALS", "UNIPALS", "KERNEL"])
def test_predictions_and_importances_equal_mbpls_standardized(spectra, reference, method) -> None:
    X, Y = spectra
    ref = reference(n_components=3, method=method, standardize=True).fit(
        _blocks(X[:90]), Y[:90, :1]
    )
    model = MBPLS(3, scale=True, block_scaling=False).fit(_blocks(X[:90]), Y[:90, 0])
    np.testing.assert_allclose(
        model.predict(_blocks(X[90:])), ref.predict(_blocks(X[90:])).ravel(), atol=1e-8
    )
    if method == "NIPALS":
        np.testing.assert_allclose(model.block_importances_, ref.A_, atol=1e-8)


def test_block_factors_equal_mbpls_on_centred_blocks(spectra, reference) -> None:
    """With no scaling on either side the conventions differ only by norms and signs."""
    X, Y = spectra
    X = X - X.mean(axis=0)
    y = Y[:, :1] - Y[:, :1].mean(axis=0)
    ref = reference(n_components=3, standardize=False).fit(_blocks(X), y.copy())
    blocks = [SPLIT, X.shape[1] - SPLIT]
    model = MBPLS(3, blocks=blocks, scale=False, block_scaling=False).fit(X, Y[:, 0])
    unit_super_scores = model.super_scores_ / np.linalg.norm(model.super_scores_, axis=0)
    signs = np.sign(np.sum(unit_super_scores * ref.Ts_, axis=0))
    np.testing.assert_allclose(unit_super_scores * signs, ref.Ts_, atol=1e-8)
    np.testing.assert_allclose(model.block_importances_, ref.A_, atol=1e-8)
    for b, (start, stop) in enumerate(model.block_bounds_):
        np.testing.assert_allclose(model.block_scores_[b] * signs, ref.T_[b], atol=1e-8)
        np.testing.assert_allclose(model.block_weights_[start:stop] * signs, ref.W_[b], atol=1e-8)
    np.testing.assert_allclose(
        model.predict(X), ref.predict(_blocks(X)).ravel() + Y[:, 0].mean(), atol=1e-8
    )


def test_block_scaling_equals_mbpls_on_blocks_divided_by_their_norms(spectra, reference) -> None:
    X, Y = spectra
    centred = [block - block.mean(axis=0) for block in _blocks(X)]
    scaled = [block / np.linalg.norm(block) for block in centred]
    y_mean = Y[:, 0].mean()
    ref = reference(n_components=4, standardize=False).fit(scaled, Y[:, :1] - y_mean)
    model = MBPLS(4, blocks=[slice(0, SPLIT), slice(SPLIT, None)], scale=False).fit(X, Y[:, 0])
    np.testing.assert_allclose(model.predict(X), ref.predict(scaled).ravel() + y_mean, atol=1e-8)
    np.testing.assert_allclose(model.block_importances_, ref.A_, atol=1e-8)


def test_super_score_is_the_super_weighted_sum_of_block_scores(spectra) -> None:
    X, Y = spectra
    model = MBPLS(4, blocks=[(0, 300), (300, SPLIT), (SPLIT, X.shape[1])]).fit(X, Y)
    combined = np.einsum("ba,bna->na", model.super_weights_, model.block_scores_)
    np.testing.assert_allclose(combined, model.super_scores_, atol=1e-10)
    np.testing.assert_allclose(model.block_importances_.sum(axis=0), 1.0)
    assert model.n_blocks_ == 3
    assert model.predict(X).shape == Y.shape


def test_one_block_without_block_scaling_is_pls(spectra) -> None:
    X, Y = spectra
    model = MBPLS(5, scale=False, block_scaling=False).fit(X[:90], Y[:90, 0])
    pls = PLSRegression(5, scale=False).fit(X[:90], Y[:90, 0])
    np.testing.assert_allclose(model.predict(X[90:]), pls.predict(X[90:]).ravel(), atol=1e-10)
    np.testing.assert_allclose(model.coef_, pls.coef_, atol=1e-10)


def test_block_scaling_makes_the_model_blind_to_a_block_unit(spectra) -> None:
    X, Y = spectra
    rescaled = X.copy()
    rescaled[:, SPLIT:] *= 1000.0
    blocks = [SPLIT, X.shape[1] - SPLIT]
    base = MBPLS(3, blocks=blocks, scale=False).fit(X, Y[:, 0])
    other = MBPLS(3, blocks=blocks, scale=False).fit(rescaled, Y[:, 0])
    np.testing.assert_allclose(other.predict(rescaled), base.predict(X), atol=1e-9)
    np.testing.assert_allclose(other.block_importances_, base.block_importances_, atol=1e-9)
    unscaled = MBPLS(3, blocks=blocks, scale=False, block_scaling=False).fit(rescaled, Y[:, 0])
    assert unscaled.block_importances_[1, 0] > 0.99  # the loud block takes over


def test_list_of_blocks_and_block_counts_give_the_same_model(spectra) -> None:
    X, Y = spectra
    from_list = MBPLS(3).fit(_blocks(X), Y)
    from_counts = MBPLS(3, blocks=[SPLIT, X.shape[1] - SPLIT]).fit(X, Y)
    np.testing.assert_array_equal(from_list.block_bounds_, from_counts.block_bounds_)
    np.testing.assert_allclose(from_list.predict(_blocks(X)), from_counts.predict(X), atol=1e-12)
    np.testing.assert_allclose(from_list.hotelling_t2(_blocks(X)), from_counts.hotelling_t2(X))
    np.testing.assert_allclose(from_list.q_residuals(_blocks(X)), from_counts.q_residuals(X))
    assert from_list.vip_.shape == (X.shape[1],)


@pytest.mark.parametrize(
    ("blocks", "match"),
    [
        ([400, 400], "cover the 801"),
        ([0, 801], "positive column counts"),
        ([(0, 300), (200, 801)], "in order"),
        ([slice(0, 801, 2)], "slice with step 1"),
        ("all", "list of column counts"),
    ],
)
def test_bad_block_specifications_say_what_is_wrong(spectra, blocks, match) -> None:
    X, Y = spectra
    with pytest.raises(ValueError, match=match):
        MBPLS(blocks=blocks).fit(X, Y)


def test_predict_rejects_blocks_of_other_widths(spectra) -> None:
    X, Y = spectra
    model = MBPLS(2).fit(_blocks(X), Y)
    with pytest.raises(ValueError, match="fitted on blocks of"):
        model.predict([X[:, :300], X[:, 300:]])
    with pytest.raises(ValueError, match="disagrees with the widths"):
        MBPLS(2, blocks=[300, 501]).fit(_blocks(X), Y)


@pytest.fixture(scope="module")
def gasoline() -> tuple[np.ndarray, np.ndarray]:
    """Real NIR data: 60 gasoline spectra (900-1700 nm, 401 wavelengths) and octane, R pls."""
    table = np.loadtxt(GOLDEN / "gasoline.csv", delimiter=",", skiprows=1)
    return table[:, 1:], table[:, 0]


@pytest.mark.parametrize("method", ["NIPALS", "UNIPALS", "KERNEL"])
def test_two_block_model_of_gasoline_equals_mbpls(gasoline, reference, method: str) -> None:
    X, y = gasoline
    split = 200  # 900-1298 nm and 1300-1700 nm
    ref = reference(n_components=4, method=method, standardize=True)
    ref.fit([X[:50, :split].copy(), X[:50, split:].copy()], y[:50, None].copy())
    model = MBPLS(4, blocks=[split, X.shape[1] - split], block_scaling=False).fit(X[:50], y[:50])
    expected = ref.predict([X[50:, :split].copy(), X[50:, split:].copy()]).ravel()
    np.testing.assert_allclose(model.predict(X[50:]), expected, rtol=1e-8, atol=1e-8)
    if method == "NIPALS":
        np.testing.assert_allclose(model.block_importances_, ref.A_, atol=1e-8)


def test_one_block_model_of_gasoline_predicts_as_r_pls_for_every_component(gasoline) -> None:
    X, y = gasoline
    expected = np.loadtxt(GOLDEN / "gasoline_oscorespls_pred.csv", delimiter=",", skiprows=1)
    model = MBPLS(10, scale=False, block_scaling=False).fit(X[:50], y[:50])
    nested = model.predict_nested(X[50:], range(1, 11))
    for a in range(1, 11):
        np.testing.assert_allclose(nested[a], expected[:, a - 1], rtol=1e-8, atol=1e-8)


def test_nested_predictions_of_blocks_equal_refits(spectra) -> None:
    X, Y = spectra
    model = MBPLS(4).fit(_blocks(X[:90]), Y[:90])
    nested = model.predict_nested(_blocks(X[90:]), [1, 2, 4])
    for a in (1, 2, 4):
        refit = MBPLS(a).fit(_blocks(X[:90]), Y[:90])
        np.testing.assert_allclose(nested[a], refit.predict(_blocks(X[90:])), atol=1e-10)
