"""Trust model: skops under our allow-list, pickle and joblib only when trusted=True."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nirs4all.operators.splitters import KennardStone
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.workspace import ArtifactSerializationError, UntrustedArtifactError
from nirs4all.workspace.serialization import audit, deserialize, serialize, trusted_types

ID = "0" * 64


class HomeMadeScaler(TransformerMixin, BaseEstimator):
    """A user's estimator: not on nirs4all's allow-list."""

    def fit(self, X, y=None):
        self.center_ = np.mean(X, axis=0)
        return self

    def transform(self, X):
        return X - self.center_


def _X() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 12)) + 5.0
    return X, X[:, 0]


def test_allow_list_is_computed_from_our_operators_and_curated_sklearn_types():
    names = trusted_types()
    assert "nirs4all.operators.transforms._scatter.SNV" in names
    assert "nirs4all.operators.splitters._kennard_stone.KennardStone" in names
    assert "sklearn.model_selection._split.KFold" in names
    assert "sklearn.tree._tree.Tree" in names
    assert not any(n.startswith(("builtins.", "os.", "subprocess.")) for n in names)
    assert "nirs4all.operators.transforms._base.WavelengthAwareMixin" not in names


@pytest.mark.parametrize("make", [
    lambda X, y: StandardScaler().fit(X),
    lambda X, y: PLSRegression(2).fit(X, y),
    lambda X, y: make_pipeline(SNV(), PLSRegression(2)).fit(X, y),
    lambda X, y: SavitzkyGolay(window_length=5).fit(X),
    lambda X, y: RandomForestRegressor(3, random_state=0).fit(X, y),
    lambda X, y: KFold(3),
    lambda X, y: KennardStone(),
], ids=["scaler", "pls", "pipeline", "savgol", "forest", "kfold", "kennard-stone"])
def test_supported_estimators_round_trip_under_the_allow_list(make):
    X, y = _X()
    obj = make(X, y)
    data = serialize(obj)
    assert audit(data) == []
    loaded = deserialize(data, "skops", artifact_id=ID)
    assert type(loaded) is type(obj)
    if hasattr(obj, "transform"):
        np.testing.assert_array_equal(loaded.transform(X), obj.transform(X))
    if hasattr(obj, "predict"):
        np.testing.assert_array_equal(loaded.predict(X), obj.predict(X))


def test_skops_bytes_are_the_same_in_another_process():
    code = textwrap.dedent("""
        import hashlib, warnings
        import numpy as np
        warnings.simplefilter("ignore")
        from sklearn.cross_decomposition import PLSRegression
        from nirs4all.workspace.serialization import serialize
        rng = np.random.default_rng(0)
        X = rng.normal(size=(20, 12)) + 5.0
        print(hashlib.sha256(serialize(PLSRegression(2).fit(X, X[:, 0]))).hexdigest())
    """)
    X, y = _X()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        here = hashlib.sha256(serialize(PLSRegression(2).fit(X, y))).hexdigest()
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert here == there


def test_unknown_type_is_refused_with_its_name_then_loads_when_vouched_for():
    X, _ = _X()
    data = serialize(HomeMadeScaler().fit(X))
    name = f"{__name__}.HomeMadeScaler"
    with pytest.raises(UntrustedArtifactError) as info:
        deserialize(data, "skops", artifact_id=ID)
    assert info.value.types == (name,)
    assert name in str(info.value)
    assert isinstance(deserialize(data, "skops", artifact_id=ID, trusted=[name]),
                      HomeMadeScaler)
    assert isinstance(deserialize(data, "skops", artifact_id=ID, trusted=True), HomeMadeScaler)


@pytest.mark.parametrize("fmt", ["joblib", "pickle"])
def test_pickle_formats_load_only_with_trusted_true(fmt):
    X, _ = _X()
    data = serialize(StandardScaler().fit(X), fmt)
    with pytest.raises(UntrustedArtifactError, match="arbitrary code"):
        deserialize(data, fmt, artifact_id=ID)
    with pytest.raises(UntrustedArtifactError):
        deserialize(data, fmt, artifact_id=ID, trusted=["sklearn.preprocessing.StandardScaler"])
    loaded = deserialize(data, fmt, artifact_id=ID, trusted=True)
    np.testing.assert_array_equal(loaded.mean_, X.mean(axis=0))


def test_skops_bytes_are_never_handed_to_pickle():
    X, _ = _X()
    data = serialize(HomeMadeScaler().fit(X), "pickle")
    with pytest.raises(Exception, match=r"(?i)zip") as info:
        deserialize(data, "skops", artifact_id=ID)
    assert not isinstance(info.value, HomeMadeScaler)


def test_object_skops_cannot_write_is_a_typed_error_naming_the_way_out():
    with pytest.raises(ArtifactSerializationError, match="artifact_format='joblib'"):
        serialize(x for x in ())


def test_unknown_format_is_a_value_error():
    with pytest.raises(ValueError, match="artifact format"):
        serialize(StandardScaler(), "yaml")
