"""nirs4all.explain: SHAP values per wavelength, from a run, a bundle or a stored chain."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsRegressor

import nirs4all
from nirs4all.explanation import choose_explainer
from nirs4all.operators.transforms import SNV

pytest.importorskip("shap")


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(50, random_state=0, wavelengths=(1000, 1200, 10))


@pytest.fixture(scope="module")
def pls_run(data):
    return nirs4all.run([SNV(), KFold(3), PLSRegression(3)], data, random_state=0,
                        verbose=0, workspace=None)


def _model_input(data):
    return SNV().fit(data.sources[0].X).transform(data.sources[0].X)


def test_linear_pls_shap_values_equal_coefficients_times_centred_features(data,
                                                                          pls_run) -> None:
    result = nirs4all.explain(pls_run, data, background_samples=1000)
    assert result.explainer_type == "linear"
    X = _model_input(data)
    train = data.partition == "train"  # the final model is fitted on the training rows
    model = PLSRegression(3).fit(X[train], np.asarray(data.y).ravel()[train])
    coef = model.coef_.ravel()  # on the centred input: Y = (X - mean) @ coef_.T + b0
    expected = coef * (X - X.mean(axis=0))
    np.testing.assert_allclose(result.shap_values, expected, rtol=0, atol=1e-8)
    np.testing.assert_allclose(result.importances["coefficients"], coef, rtol=0, atol=1e-10)
    prediction = nirs4all.predict(pls_run, data).to_numpy()
    np.testing.assert_allclose(result.shap_values.sum(axis=1) + result.base_value[0],
                               prediction, rtol=0, atol=1e-10)


def test_the_wavelength_axis_is_carried_through(data, pls_run) -> None:
    result = nirs4all.explain(pls_run, data)
    np.testing.assert_array_equal(result.wavelengths, data.sources[0].wavelengths)
    assert result.axis_unit == "nm"
    assert result.feature_names[:2] == ["1000", "1010"]
    assert result.top_features(3) == list(result.get_feature_importance())[:3]
    assert result.shape == (50, 21)
    frame = result.to_dataframe()
    assert list(frame.columns) == result.feature_names
    assert result.get_sample_explanation(2)["sample_id"] == result.sample_ids[2]


def test_features_made_by_the_preprocessing_are_named_by_index(data) -> None:
    run = nirs4all.run([PCA(4), KFold(3), Ridge()], data, random_state=0, verbose=0,
                       workspace=None)
    result = nirs4all.explain(run, data)
    assert result.axis_unit == "index"
    assert result.feature_names == ["0", "1", "2", "3"]


def test_a_bundle_and_a_stored_chain_explain_like_the_run(data, tmp_path) -> None:
    run = nirs4all.run([SNV(), KFold(3), PLSRegression(3)], data, random_state=0,
                       verbose=0, workspace=tmp_path / "ws")
    direct = nirs4all.explain(run, data)
    bundle = run.export(tmp_path / "model.n4a")
    from_bundle = nirs4all.explain(bundle, data)
    stored = nirs4all.explain(run.best.chain_id, data, workspace=tmp_path / "ws")
    for other in (from_bundle, stored):
        np.testing.assert_allclose(other.shap_values, direct.shap_values, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(other.wavelengths, direct.wavelengths)


def test_forests_get_the_tree_explainer_and_others_permutation(data) -> None:
    forest = nirs4all.run([KFold(3), RandomForestRegressor(10, random_state=0)], data,
                          random_state=0, verbose=0, workspace=None)
    result = nirs4all.explain(forest, data, n_samples=4)
    assert result.explainer_type == "tree"
    assert "feature_importances" in result.importances
    knn = nirs4all.run([KFold(3), KNeighborsRegressor()], data, random_state=0, verbose=0,
                       workspace=None)
    explained = nirs4all.explain(knn, data, n_samples=3, background_samples=10)
    assert explained.explainer_type == "permutation"
    prediction = nirs4all.predict(knn, data).to_numpy()
    rows = np.searchsorted(np.asarray(data.sample_ids), explained.sample_ids)
    np.testing.assert_allclose(explained.shap_values.sum(axis=1) + explained.base_value[0],
                               prediction[rows], atol=1e-8)


def test_explainer_choice_is_checked() -> None:
    assert choose_explainer(PLSRegression()) == "linear"
    assert choose_explainer(KNeighborsRegressor(), "kernel") == "kernel"
    with pytest.raises(ValueError, match="affine"):
        choose_explainer(KNeighborsRegressor(), "linear")
    with pytest.raises(ValueError, match="explainer_type must be one of"):
        choose_explainer(PLSRegression(), "deep")


def test_the_kernel_explainer_adds_up_to_the_prediction(data) -> None:
    knn = nirs4all.run([KFold(3), KNeighborsRegressor()], data, random_state=0, verbose=0,
                       workspace=None)
    explained = nirs4all.explain(knn, data, explainer_type="kernel", n_samples=2,
                                 background_samples=5, max_evals=200)
    assert explained.explainer_type == "kernel"
    assert explained.shap_values.shape == (2, 21)
    prediction = nirs4all.predict(knn, data).to_numpy()
    rows = np.searchsorted(np.asarray(data.sample_ids), explained.sample_ids)
    np.testing.assert_allclose(explained.shap_values.sum(axis=1) + explained.base_value[0],
                               prediction[rows], atol=1e-6)
