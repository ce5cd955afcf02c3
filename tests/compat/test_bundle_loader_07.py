"""0.7 ``BundleLoader`` and ``NIRSPipeline.from_result``: thin adapters over the verified
bundle reader and the one predictor, predicting what ``nirs4all.predict`` predicts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.errors import BundleIntegrityError
from nirs4all.operators.transforms import StandardNormalVariate
from nirs4all.pipeline.bundle import BundleLoader, BundleMetadata
from nirs4all.sklearn import NIRSPipeline


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


@pytest.fixture(scope="module")
def result(data):
    pipeline = [StandardNormalVariate(), {"y_processing": StandardScaler()}, KFold(3),
                {"model": {"_or_": [PLSRegression(2), PLSRegression(4)]}, "name": "PLS"}]
    return nirs4all.run(pipeline, data, verbose=0, workspace=None, random_state=0,
                        refit="all")


@pytest.fixture(scope="module")
def bundle(result, tmp_path_factory):
    return result.export(tmp_path_factory.mktemp("b") / "best.n4a")


def test_bundle_loader_predicts_what_nirs4all_predict_predicts(bundle, data):
    loader = BundleLoader(bundle)
    X = data.x()[:9]
    y = loader.predict(X)
    assert y.shape == (9,)
    np.testing.assert_array_equal(y, nirs4all.predict(bundle, (X,)).to_numpy().ravel())


def test_bundle_loader_metadata_and_manifest(bundle, result):
    loader = BundleLoader(bundle)
    meta = loader.metadata
    assert isinstance(meta, BundleMetadata)
    assert meta.chain_id == result.best.chain_id
    assert meta.pipeline_uid == result.best.pipeline_id
    assert meta.model_class.endswith("PLSRegression")
    assert meta.fold_strategy == "single_refit"
    assert meta.task == "regression"
    assert loader.manifest["chain_id"] == result.best.chain_id
    assert loader.fold_weights == {"final": 1.0}
    assert "PLSRegression" in repr(loader)


def test_bundle_loader_pipeline_config_runs_again(bundle, data):
    config = BundleLoader(bundle).pipeline_config
    kinds = [type(s).__name__ if not isinstance(s, dict) else next(iter(s))
             for s in config["steps"]]
    assert kinds == ["SNV", "y_processing", "KFold", "model"]
    again = nirs4all.run(config["steps"], data, verbose=0, workspace=None, random_state=0)
    assert again.best.model_class.endswith("PLSRegression")


def test_bundle_loader_step_info(bundle):
    info = BundleLoader(bundle).get_step_info()
    assert [(s["kind"], s["class"], s["has_artifact"]) for s in info] == [
        ("transform", "SNV", True), ("y_processing", "StandardScaler", True),
        ("split", "KFold", False), ("model", "PLSRegression", True)]


def test_bundle_loader_checks_the_branch_path(bundle, data):
    loader = BundleLoader(bundle)
    assert loader.predict(data.x()[:2], branch_path=[]).shape == (2,)
    with pytest.raises(ValueError, match=r"holds the chain of branch \[\]"):
        loader.predict(data.x()[:2], branch_path=[1])


def test_bundle_loader_verifies_the_file_when_constructed(bundle, tmp_path):
    broken = tmp_path / "broken.n4a"
    raw = bytearray(bundle.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    broken.write_bytes(bytes(raw))
    with pytest.raises(BundleIntegrityError):
        BundleLoader(broken)


def test_bundle_loader_predict_proba_for_a_classifier(tmp_path):
    ds = nirs4all.generate.classification(60, n_classes=3, random_state=0)
    run = nirs4all.run([KFold(3), {"model": LogisticRegression(max_iter=500)}], ds,
                       verbose=0, workspace=None, random_state=0)
    loader = BundleLoader(run.export(tmp_path / "clf.n4a"))
    proba = loader.predict_proba(ds.x()[:5])
    assert proba.shape == (5, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_from_result_predicts_like_the_result(result, data):
    X = data.x()[:6]
    estimator = NIRSPipeline.from_result(result)
    np.testing.assert_array_equal(estimator.predict(X),
                                  result.predict((X,)).to_numpy().ravel())
    other = result.top(2)[1]
    chosen = NIRSPipeline.from_result(result, other)
    assert chosen.predictor_.chain.chain_id == other.chain_id
    by_id = NIRSPipeline.from_result(result, chain_id=other.chain_id)
    np.testing.assert_array_equal(by_id.predict(X), chosen.predict(X))


def test_from_result_clones_and_refits_inside_sklearn_tools(result, data):
    estimator = NIRSPipeline.from_result(result)
    X, y = data.x(), data.y.ravel()
    predicted = cross_val_predict(estimator, X, y, cv=KFold(3))
    assert predicted.shape == y.shape
    assert np.corrcoef(predicted, y)[0, 1] > 0.5


def test_an_estimator_without_bundle_or_result_cannot_fit(data):
    with pytest.raises(ValueError, match="needs a bundle"):
        NIRSPipeline().fit(data.x(), data.y.ravel())


def test_pipeline_config_of_a_branched_chain_says_to_retrain(data, tmp_path):
    run = nirs4all.run([KFold(3), {"branch": [[StandardNormalVariate()], [StandardScaler()]]},
                        {"merge": "features"}, {"model": PLSRegression(2)}], data, verbose=0,
                       workspace=None, random_state=0)
    loader = BundleLoader(run.export(tmp_path / "branched.n4a"))
    with pytest.raises(ValueError, match=r"nirs4all\.retrain"):
        loader.pipeline_config  # noqa: B018 - the property raises
    assert loader.predict(data.x()[:3]).shape == (3,)


def test_from_bundle_with_a_07_fold_warns_and_uses_the_refitted_model(bundle, data):
    with pytest.warns(UserWarning, match=r"fold=0\): a bundle holds only the model"):
        estimator = NIRSPipeline.from_bundle(bundle, fold=0)
    X = data.x()[:4]
    np.testing.assert_array_equal(estimator.predict(X),
                                  NIRSPipeline.from_bundle(bundle, fold="final").predict(X))
