"""Canonical form, identity and the import allow-list of pipeline specs (contract 1)."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from fractions import Fraction

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold, LeaveOneOut, RepeatedKFold
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

from nirs4all.errors import Nirs4allError
from nirs4all.pipeline.canonical import (
    DEFAULT_ALLOWED,
    DOMAIN_TAG,
    CanonicalDecodingError,
    CanonicalEncodingError,
    UnsafeImportError,
    canonical,
    canonical_json,
    from_canonical,
    identity,
    register_module_prefix,
    registered_prefixes,
    resolve_class,
    short_id,
    unregister_module_prefix,
)

PLS = "sklearn.cross_decomposition._pls.PLSRegression"
SCALER = "sklearn.preprocessing._data.StandardScaler"


def module_level_function(x: float) -> float:
    return x


def test_estimator_keeps_only_parameters_that_differ_from_defaults() -> None:
    assert canonical(PLSRegression(n_components=5)) == {
        "__estimator__": PLS,
        "params": {"n_components": 5},
    }
    assert canonical(StandardScaler()) == {"__estimator__": SCALER, "params": {}}


def test_splitter_is_encoded_from_its_constructor_arguments() -> None:
    assert canonical(KFold(3, shuffle=True, random_state=0)) == {
        "__estimator__": "sklearn.model_selection._split.KFold",
        "params": {"n_splits": 3, "random_state": 0, "shuffle": True},
    }
    assert canonical(LeaveOneOut())["params"] == {}
    assert canonical(RepeatedKFold(n_splits=3, random_state=1))["params"] == {
        "n_splits": 3,
        "random_state": 1,
    }


def test_nested_estimators_are_encoded_recursively() -> None:
    pipeline = Pipeline([("scale", StandardScaler()), ("pls", PLSRegression(n_components=3))])
    assert canonical(pipeline) == {
        "__estimator__": "sklearn.pipeline.Pipeline",
        "params": {
            "steps": [
                {"__tuple__": ["scale", {"__estimator__": SCALER, "params": {}}]},
                {"__tuple__": ["pls", {"__estimator__": PLS, "params": {"n_components": 3}}]},
            ]
        },
    }
    wrapped = canonical(MultiOutputRegressor(estimator=PLSRegression(n_components=4)))
    assert wrapped["params"]["estimator"] == {"__estimator__": PLS, "params": {"n_components": 4}}


def test_numbers_encode_by_value_and_kind() -> None:
    assert canonical_json(np.int64(7)) == canonical_json(7) == "7"
    assert canonical(np.float32(0.1)) == float(np.float32(0.1))
    assert canonical(np.bool_(True)) is True
    assert canonical_json(1) != canonical_json(1.0)
    assert canonical(math.nan) == {"__float__": "nan"}
    assert canonical([math.inf, -math.inf]) == [{"__float__": "inf"}, {"__float__": "-inf"}]


def test_tuple_and_list_differ_and_dict_keys_are_sorted() -> None:
    assert canonical((1, 2)) == {"__tuple__": [1, 2]}
    assert identity((1, 2)) != identity([1, 2])
    assert list(canonical({"b": 1, "a": 2})) == ["a", "b"]


def test_dict_whose_keys_look_like_tags_is_escaped() -> None:
    assert canonical({"__tuple__": [1]}) == {"__dict__": {"__tuple__": [1]}}
    assert from_canonical(canonical({"__tuple__": [1]})) == {"__tuple__": [1]}
    assert identity({"__tuple__": [1]}) != identity((1,))


def test_arrays_encode_dtype_shape_and_exact_values() -> None:
    values = np.array([[0.1, np.nan], [np.inf, -0.0]])
    assert canonical(values) == {
        "__ndarray__": {
            "dtype": "<f8",
            "shape": [2, 2],
            "data": [[0.1, {"__float__": "nan"}], [{"__float__": "inf"}, -0.0]],
        }
    }
    assert identity(values.astype(">f8")) == identity(values)
    assert identity(values.astype(np.float32)) != identity(values)
    assert canonical(np.zeros((0, 3), dtype=np.int32))["__ndarray__"]["shape"] == [0, 3]


def test_classes_and_module_level_functions_encode_as_paths() -> None:
    assert canonical(PLSRegression) == {"__class__": PLS}
    assert canonical(np.log1p) == {"__function__": "numpy.log1p"}
    assert canonical(module_level_function)["__function__"].endswith(".module_level_function")


def _local() -> object:
    def inner() -> None:
        return None

    return inner


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (object(), "builtins.object"),
        (lambda x: x, "lambda"),
        (_local(), "inside a function"),
        (np.random.RandomState(0), "RandomState; pass an int seed"),
        (KFold(3, shuffle=True, random_state=np.random.default_rng(0)), r"\$\.random_state"),
        ({1: "a"}, "builtins.int; keys must be str"),
        (np.array(["a", "b"]), "dtype <U1"),
        (1 + 2j, "builtins.complex"),
        (FunctionTransformer(func=lambda x: x), r"\$\.func"),
    ],
)
def test_unencodable_objects_raise_naming_the_type(value: object, named: str) -> None:
    with pytest.raises(CanonicalEncodingError, match=named) as caught:
        canonical(value)
    assert isinstance(caught.value, Nirs4allError)
    assert isinstance(caught.value, TypeError)


def test_a_structure_that_contains_itself_is_an_error() -> None:
    looped: list = [1]
    looped.append(looped)
    with pytest.raises(CanonicalEncodingError, match="contains itself"):
        canonical(looped)


def test_identity_is_the_full_sha256_of_the_tagged_canonical_json() -> None:
    spec = [StandardScaler(), PLSRegression(n_components=5)]
    full = identity(spec)
    assert len(full) == 64
    assert full == hashlib.sha256(DOMAIN_TAG + canonical_json(spec).encode()).hexdigest()
    assert short_id(full) == full[:10]
    with pytest.raises(ValueError, match="not a full 64-hex identity"):
        short_id(full[:10])


def test_equal_specs_built_differently_have_the_same_identity() -> None:
    assert identity(PLSRegression(n_components=5)) == identity(
        PLSRegression().set_params(n_components=5)
    )
    assert identity(PLSRegression(n_components=2)) == identity(PLSRegression())
    assert identity({"x": np.int64(3), "y": [1.5]}) == identity({"y": [1.5], "x": 3})


@pytest.mark.parametrize(
    "changed",
    [
        PLSRegression(n_components=6),
        PLSRegression(n_components=5, scale=False),
        PLSRegression(n_components=5, tol=1e-7),
        PLSRegression(n_components=5, max_iter=501),
    ],
)
def test_any_parameter_change_changes_the_identity(changed: PLSRegression) -> None:
    assert identity(changed) != identity(PLSRegression(n_components=5))


def test_identity_is_stable_across_processes() -> None:
    code = textwrap.dedent(
        """
        import numpy as np
        from sklearn.cross_decomposition import PLSRegression
        from sklearn.model_selection import KFold
        from sklearn.preprocessing import MinMaxScaler
        from nirs4all.pipeline.canonical import identity
        spec = [MinMaxScaler(), KFold(3, shuffle=True, random_state=0),
                {"model": PLSRegression(n_components=4), "weights": np.arange(3.0)}]
        print(identity(spec))
        """
    )
    spec = [
        MinMaxScaler(),
        KFold(3, shuffle=True, random_state=0),
        {"weights": np.arange(3.0), "model": PLSRegression(n_components=4)},
    ]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == identity(spec)


def test_resolve_class_imports_trusted_classes() -> None:
    assert DEFAULT_ALLOWED == ("sklearn.", "nirs4all.")
    assert resolve_class("sklearn.cross_decomposition.PLSRegression") is PLSRegression
    assert resolve_class(PLS) is PLSRegression


@pytest.mark.parametrize(
    "path",
    [
        "os.system",
        "subprocess.Popen",
        "builtins.eval",
        "sklearnx.Anything",
        "sklearn.base.__builtins__",
        "nirs4all.pipeline.canonical.Sequence",
        "nirs4all.pipeline.canonical.np",
    ],
)
def test_resolve_class_refuses_paths_outside_the_allow_list(path: str) -> None:
    with pytest.raises(UnsafeImportError, match=r"refusing to import .*sklearn\., nirs4all\.") as e:
        resolve_class(path)
    assert path in str(e.value)


def test_resolve_class_reports_missing_and_non_class_targets() -> None:
    with pytest.raises(CanonicalDecodingError, match="has no attribute 'PLSRegresion'"):
        resolve_class("sklearn.cross_decomposition.PLSRegresion")
    with pytest.raises(CanonicalDecodingError, match="not a class"):
        resolve_class("sklearn.base.clone")


@pytest.fixture
def trusted_fractions() -> Iterator[None]:
    register_module_prefix("fractions")
    yield
    unregister_module_prefix("fractions.")


def test_resolve_class_refuses_an_unregistered_package() -> None:
    with pytest.raises(UnsafeImportError, match=r"fractions\.Fraction"):
        resolve_class("fractions.Fraction")


@pytest.mark.usefixtures("trusted_fractions")
def test_registered_prefix_is_trusted() -> None:
    assert "fractions." in registered_prefixes()
    assert resolve_class("fractions.Fraction") is Fraction
    assert from_canonical({"__class__": "fractions.Fraction"}) is Fraction


def test_register_module_prefix_rejects_non_module_names() -> None:
    with pytest.raises(ValueError, match="not a module prefix"):
        register_module_prefix("")
    with pytest.raises(ValueError, match="not a module prefix"):
        register_module_prefix("my-package.")


@pytest.mark.parametrize(
    "spec",
    [
        [StandardScaler(), KFold(3, shuffle=True, random_state=0), PLSRegression(n_components=5)],
        Pipeline([("scale", MinMaxScaler(feature_range=(-1, 1))), ("pls", PLSRegression())]),
        MultiOutputRegressor(PLSRegression(n_components=2)),
        {"x": np.array([[1, 2], [3, 4]], dtype=np.uint8), "t": (1.5, None, math.nan)},
        [PLSRegression, np.arange(4.0).reshape(2, 2).astype(np.float32)],
    ],
)
def test_from_canonical_rebuilds_an_equivalent_spec(spec: object) -> None:
    encoded = json.loads(canonical_json(spec))
    assert canonical(from_canonical(encoded)) == canonical(spec)


def test_from_canonical_imports_functions_only_under_the_allow_list() -> None:
    encoded = canonical(FunctionTransformer(func=np.log1p))
    with pytest.raises(UnsafeImportError, match=r"numpy\.log1p"):
        from_canonical(encoded)
    rebuilt = from_canonical(encoded, allowed_prefixes=("sklearn.", "numpy."))
    assert rebuilt.func is np.log1p


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"__estimator__": "os.system", "params": {}}, UnsafeImportError),
        ({"__function__": "builtins.eval"}, UnsafeImportError),
        ({"__tuple__": [1], "extra": 2}, CanonicalDecodingError),
        ({"__float__": "NaN"}, CanonicalDecodingError),
        ({"__ndarray__": {"dtype": "|O", "shape": [1], "data": [1]}}, CanonicalDecodingError),
        ({"__estimator__": PLS, "params": {"n_component": 3}}, CanonicalDecodingError),
        ({"__estimator__": PLS, "params": []}, CanonicalDecodingError),
        ((1, 2), CanonicalDecodingError),
    ],
)
def test_from_canonical_rejects_malformed_or_unsafe_data(data: object, error: type) -> None:
    with pytest.raises(error):
        from_canonical(data)
