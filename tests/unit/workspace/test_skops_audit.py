"""The quick audit of skops artifacts: ``nirs4all verify`` imports neither skops nor
scikit-learn on a plain bundle, and whatever it decides alone skops would decide too."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io
from bundle_forge import small_bundle
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cross_decomposition import PLSRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler
from skops.io import _trusted_types as skops_defaults
from skops.io._audit import get_tree
from skops.io._utils import LoadContext

from nirs4all.operators.transforms import SNV, MultiplicativeScatterCorrection, SavitzkyGolay
from nirs4all.workspace import _skops_audit
from nirs4all.workspace._skops_audit import NUMPY_TYPES, PLAIN_TYPES, quick_audit
from nirs4all.workspace._trusted_snapshot import OBJECT_TYPES
from nirs4all.workspace.serialization import audit, serialize, trusted_types

HEAVY = ("sklearn", "scipy", "skops", "pandas", "numba", "duckdb", "pyarrow")
CHILD = f"""
import json, sys
from nirs4all.cli import main
code = main(["verify", sys.argv[1], "--json"])
print(json.dumps({{"code": code, "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""


def _schema(data: bytes) -> tuple[dict, frozenset[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("schema.json")), frozenset(archive.namelist())


def _fitted(estimator):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 12)), rng.normal(size=30)
    return estimator.fit(X, y)


def test_verify_of_a_plain_bundle_imports_neither_skops_nor_scikit_learn(tmp_path: Path):
    bundle = small_bundle(tmp_path / "plain.n4a")
    child = subprocess.run([sys.executable, "-c", CHILD, str(bundle)], capture_output=True,
                           text=True, check=True)
    report, outcome = child.stdout.strip().splitlines()[:-1], json.loads(
        child.stdout.strip().splitlines()[-1])
    assert outcome == {"code": 0, "heavy": []}
    info = json.loads("\n".join(report))
    assert info["verified"] is True
    assert info["untrusted_types"] == []
    assert info["artifacts"] >= 2


@pytest.mark.parametrize("estimator", [
    PLSRegression(3), MinMaxScaler(), StandardScaler(), SNV(),
    MultiplicativeScatterCorrection(), SavitzkyGolay(window_length=7),
    KNeighborsRegressor(3), make_pipeline(StandardScaler(), PLSRegression(2)),
    FunctionTransformer(np.log1p),
], ids=lambda e: type(e).__name__)
def test_a_quick_decision_is_the_one_skops_makes(estimator):
    # KNeighborsRegressor (a KDTree, a ReduceNode), the pipeline and the function are left to
    # skops; whatever quick_audit decides alone equals serialization.audit.
    data = serialize(_fitted(estimator))
    schema, members = _schema(data)
    quick = quick_audit(schema, members, schema["protocol"])
    assert quick is None or quick == audit(data)


def test_plain_models_are_decided_without_skops():
    for estimator in (PLSRegression(3), MinMaxScaler(), SNV()):
        data = serialize(_fitted(estimator))
        schema, members = _schema(data)
        assert quick_audit(schema, members, schema["protocol"]) == []


def _plain_schema() -> tuple[dict, frozenset[str]]:
    return _schema(serialize(_fitted(MinMaxScaler())))


def _first(schema: dict, loader: str) -> dict:
    stack = [schema]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if item.get("__loader__") == loader:
                return item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    raise AssertionError(f"no {loader} in the schema")


def _edit_unknown_class(schema):
    schema["__class__"] = "Halver"


def _edit_other_loader(schema):
    _first(schema, "DictNode")["__loader__"] = "ReduceNode"


def _edit_missing_array_file(schema):
    _first(schema, "NdArrayNode")["file"] = "absent.npy"


def _edit_object_array(schema):
    _first(schema, "NdArrayNode")["type"] = "json"


def _edit_raw_value_in_a_list(schema):
    _first(schema, "ListNode")["content"].append(3)


def _edit_raw_value_in_a_dict(schema):
    dict_node = _first(schema, "DictNode")
    dict_node["content"]["extra"] = "text"


def _edit_no_key_types(schema):
    del _first(schema, "DictNode")["key_types"]


def _edit_dict_as_list(schema):
    _first(schema, "ListNode")["__class__"] = "dict"


def _edit_no_module(schema):
    del _first(schema, "JsonNode")["__module__"]


def _edit_json_without_content(schema):
    del _first(schema, "JsonNode")["content"]


def _edit_object_content_not_a_node(schema):
    schema["content"] = {"a": 1}


@pytest.mark.parametrize("edit", [
    _edit_unknown_class, _edit_other_loader, _edit_missing_array_file, _edit_object_array,
    _edit_raw_value_in_a_list, _edit_raw_value_in_a_dict, _edit_no_key_types,
    _edit_dict_as_list, _edit_no_module, _edit_json_without_content,
    _edit_object_content_not_a_node,
], ids=lambda f: f.__name__.removeprefix("_edit_"))
def test_anything_unusual_is_left_to_skops(edit):
    schema, members = _plain_schema()
    assert quick_audit(schema, members, schema["protocol"]) == []
    edit(schema)
    assert quick_audit(schema, members, schema["protocol"]) is None


def test_another_protocol_or_a_schema_without_a_root_node_is_left_to_skops():
    schema, members = _plain_schema()
    assert quick_audit(schema, members, schema["protocol"] - 1) is None
    assert quick_audit([schema], members, schema["protocol"]) is None
    assert quick_audit({"protocol": schema["protocol"]}, members, schema["protocol"]) is None


def test_the_protocol_read_from_the_source_is_the_one_skops_writes():
    schema, _ = _schema(skops.io.dumps(0))
    assert _skops_audit.installed_protocol() == schema["protocol"]


def test_without_a_readable_skops_source_the_protocol_is_unknown(monkeypatch, tmp_path):
    class Spec:
        submodule_search_locations = (str(tmp_path),)

    def protocol():
        _skops_audit.installed_protocol.cache_clear()
        return _skops_audit.installed_protocol()

    monkeypatch.setattr(_skops_audit.importlib.util, "find_spec", lambda name: Spec)
    try:
        assert protocol() is None  # no io/_protocol.py
        (tmp_path / "io").mkdir()
        (tmp_path / "io" / "_protocol.py").write_text("PROTOCOL = int('2')\n")
        assert protocol() is None  # not a literal
        (tmp_path / "io" / "_protocol.py").write_text("PROTOCOL = (\n")
        assert protocol() is None  # not Python
        (tmp_path / "io" / "_protocol.py").write_text("VERSION = 1\nPROTOCOL = 7\n")
        assert protocol() == 7
        monkeypatch.setattr(_skops_audit.importlib.util, "find_spec", lambda name: None)
        assert protocol() is None  # skops not installed
    finally:
        _skops_audit.installed_protocol.cache_clear()


def test_every_snapshot_class_is_still_trusted():
    # A class here that neither nirs4all's allow-list nor skops' ObjectNode defaults hold
    # any more would pass the quick audit while skops refuses it: regenerate the snapshot
    # with `python tools/make_trusted_snapshot.py`.
    allowed = (trusted_types() | set(skops_defaults.SKLEARN_ESTIMATOR_TYPE_NAMES)
               | set(skops_defaults.SKLEARN_INTERNAL_TYPE_NAMES))
    assert sorted(OBJECT_TYPES - allowed) == []
    assert "sklearn.cross_decomposition._pls.PLSRegression" in OBJECT_TYPES
    assert "nirs4all.operators.transforms._scatter.SNV" in OBJECT_TYPES


def _default_trusted(loader: str, module: str, name: str) -> set[str]:
    """What skops trusts by default for a node of ``loader`` (its node class's list)."""
    state = {"__loader__": loader, "__module__": module, "__class__": name,
             "content": [], "key_types": {"__loader__": "ListNode", "__module__": "builtins",
                                          "__class__": "list", "content": []}}
    if loader == "DictNode":
        state["content"] = {}
    context = LoadContext(src=zipfile.ZipFile(io.BytesIO(skops.io.dumps(0))),
                          protocol=_skops_audit.installed_protocol())
    return set(get_tree(state, context, trusted=None).trusted)


@pytest.mark.parametrize("loader", sorted(PLAIN_TYPES))
def test_each_container_list_is_within_skops_defaults(loader):
    module, _, name = sorted(PLAIN_TYPES[loader])[0].rpartition(".")
    assert PLAIN_TYPES[loader] <= _default_trusted(loader, module, name)


def test_the_array_types_are_within_skops_defaults():
    assert {"numpy.ndarray", *skops_defaults.NUMPY_DTYPE_TYPE_NAMES} >= NUMPY_TYPES


_LOADERS = ("DictNode", "ListNode", "TupleNode", "SetNode", "TypeNode", "JsonNode",
            "NdArrayNode", "ObjectNode", "ReduceNode", "FunctionNode")
_TYPES = (("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"),
          ("builtins", "str"), ("builtins", "int"), ("numpy", "ndarray"),
          ("numpy", "float64"), ("sklearn.preprocessing._data", "MinMaxScaler"),
          ("nirs4all.operators.transforms._scatter", "SNV"), ("os", "system"),
          ("builtins", "eval"), ("collections", "OrderedDict"))


def _rewritten(data: bytes, schema: dict) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in source.namelist():
            body = json.dumps(schema).encode() if name == "schema.json" else source.read(name)
            target.writestr(name, body)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(_LOADERS),
                                st.sampled_from(_TYPES)), min_size=1, max_size=3))
def test_a_quick_answer_on_an_edited_artifact_is_skops_answer(edits):
    data = serialize(_fitted(MinMaxScaler()))
    schema, members = _schema(data)
    nodes = list(_skops_audit._nodes(schema))
    for position, loader, (module, name) in edits:
        node = nodes[position % len(nodes)]
        node.update({"__loader__": loader, "__module__": module, "__class__": name})
    quick = quick_audit(schema, members, schema["protocol"])
    if quick is None:
        return
    # Whatever the quick path decides alone, skops decides the same on the same bytes.
    assert quick == audit(_rewritten(data, schema))
