"""Canonical form and identity of pipeline specifications (contract 1).

:func:`canonical` turns a spec (steps, estimators, splitters, numbers, arrays ...) into plain
JSON data with one explicit encoder per supported type; anything else raises
:class:`CanonicalEncodingError`, never falls back to ``str(obj)``. Tagged forms::

    float nan / inf / -inf   {"__float__": "nan"}           tuple     {"__tuple__": [...]}
    numpy array    {"__ndarray__": {"dtype": "<f8", "shape": [2], "data": [0.5, 1.0]}}
    class          {"__class__": "module.QualName"}          function  {"__function__": "..."}
    estimator or splitter  {"__estimator__": "module.QualName", "params": {non-default only}}
    dict whose keys collide with a tag   {"__dict__": {...}}

:func:`identity` is the SHA-256 of the domain tag :data:`DOMAIN_TAG` followed by the UTF-8 of
:func:`canonical_json`. :func:`from_canonical` rebuilds the objects, importing classes and
functions only from trusted module prefixes (:func:`resolve_class`, from
:mod:`nirs4all.pipeline.imports`, re-exported here): ``sklearn.``, ``nirs4all.`` and those
added with :func:`register_module_prefix` (a process-wide registry).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import re
import types
from collections.abc import Sequence
from typing import Any

import numpy as np

from nirs4all.errors import CanonicalDecodingError, CanonicalEncodingError, UnsafeImportError
from nirs4all.pipeline.imports import (
    DEFAULT_ALLOWED,
    register_module_prefix,
    registered_prefixes,
    resolve,
    resolve_class,
    resolve_step_class,
    unregister_module_prefix,
)

__all__ = [
    "DEFAULT_ALLOWED", "DOMAIN_TAG", "CanonicalDecodingError", "CanonicalEncodingError",
    "UnsafeImportError", "canonical", "canonical_json", "from_canonical", "identity",
    "identity_of_json",
    "register_module_prefix", "registered_prefixes", "resolve_class", "short_id",
    "unregister_module_prefix",
]  # fmt: skip

DOMAIN_TAG = b"nirs4all.pipeline/1\n"
"""Bytes hashed before the canonical JSON; a new version of the encoding changes it."""

_VALUE_TAGS = ("__float__", "__tuple__", "__ndarray__", "__dict__")
_IMPORT_TAGS = ("__class__", "__function__", "__estimator__")
_TAGS = frozenset(_VALUE_TAGS + _IMPORT_TAGS)
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_HEX64 = re.compile(r"[0-9a-f]{64}")


def canonical(obj: Any) -> Any:
    """Return the canonical, JSON-compatible form of ``obj`` (see the module docstring).

    Dict keys must be strings and come out sorted. Numpy scalars become Python numbers of
    their kind (``np.int64(3)`` encodes like ``3``). Estimators (objects with ``get_params``)
    and scikit-learn-style splitters (``split`` and ``get_n_splits``, parameters stored as
    attributes named like the ``__init__`` arguments) keep only parameters whose canonical
    JSON differs from the constructor default's, so ``1`` and ``1.0`` are different values.

    Raises
    ------
    CanonicalEncodingError
        For any other type, naming it and where it sits (``$.steps[0][1].random_state``);
        for ``RandomState``/``Generator`` instances (pass an int seed), lambdas and local
        functions or classes, arrays of other dtypes, non-string keys and cycles.
    """
    return _encode(obj, "$", frozenset())


def _encode(obj: Any, path: str, active: frozenset[int]) -> Any:
    if obj is None or isinstance(obj, bool | np.bool_):
        return None if obj is None else bool(obj)
    if type(obj) is int or isinstance(obj, np.integer):
        return int(obj)
    if type(obj) is float or (isinstance(obj, np.floating) and obj.dtype.itemsize <= 8):
        return _encode_float(float(obj))
    if type(obj) is str or isinstance(obj, np.str_):
        return str(obj)
    if isinstance(obj, dict) or type(obj) in (list, tuple):
        return _encode_container(obj, path, active)
    if isinstance(obj, np.ndarray):
        return _encode_array(obj, path)
    if isinstance(obj, type):
        return {"__class__": _import_path(obj, path)}
    if isinstance(obj, types.FunctionType | types.BuiltinFunctionType | np.ufunc):
        return {"__function__": _import_path(obj, path)}
    if isinstance(obj, np.random.RandomState | np.random.Generator):
        raise CanonicalEncodingError(
            f"{path}: cannot encode a {type(obj).__name__}; pass an int seed "
            "(random_state=0) so that the spec has a stable identity"
        )
    if hasattr(obj, "get_params"):
        return _encode_estimator(obj, obj.get_params(deep=False), path, active)
    if callable(getattr(obj, "split", None)) and callable(getattr(obj, "get_n_splits", None)):
        return _encode_estimator(obj, _splitter_params(obj, path), path, active)
    raise CanonicalEncodingError(
        f"{path}: cannot encode an object of type {_type_name(obj)}; supported: None, bool, "
        "int, float, str, list, tuple, dict with str keys, numpy scalars and arrays, classes, "
        "module-level functions, estimators (get_params) and splitters"
    )


def _type_name(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _encode_float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"__float__": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def _enter(obj: Any, path: str, active: frozenset[int]) -> frozenset[int]:
    if id(obj) in active:
        raise CanonicalEncodingError(f"{path}: a {_type_name(obj)} that contains itself")
    return active | {id(obj)}


def _encode_container(obj: Any, path: str, active: frozenset[int]) -> Any:
    active = _enter(obj, path, active)
    if isinstance(obj, dict):
        for key in obj:
            if not isinstance(key, str):
                raise CanonicalEncodingError(
                    f"{path}: dict key {key!r} is of type {_type_name(key)}; keys must be str"
                )
        items = {str(k): _encode(obj[k], f"{path}.{k}", active) for k in sorted(obj)}
        return {"__dict__": items} if _TAGS.intersection(items) else items
    values = [_encode(v, f"{path}[{i}]", active) for i, v in enumerate(obj)]
    return {"__tuple__": values} if type(obj) is tuple else values


def _encode_array(array: np.ndarray, path: str) -> dict[str, Any]:
    if array.dtype.kind not in "biuf" or array.dtype.itemsize > 8:
        raise CanonicalEncodingError(
            f"{path}: cannot encode an array of dtype {array.dtype}; supported: bool, integer "
            "and float of at most 64 bits"
        )
    dtype = array.dtype.newbyteorder("<").str
    data = _map_floats(array.tolist(), _encode_float)
    return {"__ndarray__": {"dtype": dtype, "shape": list(array.shape), "data": data}}


def _map_floats(values: Any, convert: Any) -> Any:
    if isinstance(values, list):
        return [_map_floats(v, convert) for v in values]
    return convert(values) if isinstance(values, float | dict) else values


def _import_path(obj: Any, path: str) -> str:
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        raise CanonicalEncodingError(
            f"{path}: cannot encode {obj!r}: lambdas and functions or classes defined inside a "
            "function have no import path; define it at module level"
        )
    return f"{module}.{qualname}"


def _init_parameters(cls: type) -> list[inspect.Parameter]:
    if cls.__init__ is object.__init__:
        return []
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p for p in parameters if p.kind not in variadic]


def _splitter_params(obj: Any, path: str) -> dict[str, Any]:
    stored = getattr(obj, "cvargs", None)  # RepeatedKFold and friends keep n_splits there
    params = {}
    for name in (p.name for p in _init_parameters(type(obj))):
        if hasattr(obj, name):
            params[name] = getattr(obj, name)
        elif isinstance(stored, dict) and name in stored:
            params[name] = stored[name]
        else:
            raise CanonicalEncodingError(
                f"{path}: splitter {_type_name(obj)} does not keep its argument {name!r} as an "
                "attribute of the same name, so it cannot be encoded"
            )
    return params


def _encode_estimator(obj: Any, params: dict, path: str, active: frozenset[int]) -> dict:
    active = _enter(obj, path, active)
    defaults = {p.name: p.default for p in _init_parameters(type(obj)) if p.default is not p.empty}
    encoded = {}
    for name in sorted(params):
        value = params[name]
        if name in defaults and value is defaults[name]:
            continue
        encoded_value = _encode(value, f"{path}.{name}", active)
        if name in defaults:
            try:
                default = _dumps(_encode(defaults[name], "", frozenset()))
            except CanonicalEncodingError:
                default = None
            if default == _dumps(encoded_value):
                continue
        encoded[name] = encoded_value
    return {"__estimator__": _import_path(type(obj), path), "params": encoded}


def _dumps(data: Any) -> str:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_json(obj: Any) -> str:
    """Return the canonical form of ``obj`` as compact JSON with sorted keys."""
    return _dumps(canonical(obj))


def identity(obj: Any) -> str:
    """Return the full 64-hex SHA-256 of ``DOMAIN_TAG + canonical_json(obj).encode()``."""
    return identity_of_json(canonical_json(obj))


def identity_of_json(text: str) -> str:
    """The identity of an object whose canonical JSON is ``text`` (no re-encoding)."""
    return hashlib.sha256(DOMAIN_TAG + text.encode("utf-8")).hexdigest()


def short_id(full: str) -> str:
    """Return the first 10 hex of an identity, for display only: never use it to match."""
    if not isinstance(full, str) or _HEX64.fullmatch(full) is None:
        raise ValueError(f"{full!r} is not a full 64-hex identity")
    return full[:10]


def from_canonical(data: Any, allowed_prefixes: Sequence[str] = DEFAULT_ALLOWED) -> Any:
    """Rebuild objects from a canonical form, so ``canonical(from_canonical(c)) == c``.

    Estimators are rebuilt as ``resolve_step_class(path)(**params)``: only estimators and
    splitters are ever constructed. Classes and functions are imported under the same
    allow-list; nothing else is called.

    Raises
    ------
    CanonicalDecodingError
        If ``data`` is not a canonical form or a constructor rejects its parameters.
    UnsafeImportError
        If it names a class or function outside the trusted prefixes, or asks to construct
        a class that is not an estimator or a splitter (``DisallowedClassError``).
    """
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [from_canonical(v, allowed_prefixes) for v in data]
    if not isinstance(data, dict):
        raise CanonicalDecodingError(f"a {_type_name(data)} is not part of a canonical form")
    tags = _TAGS.intersection(data)
    if not tags:
        return {k: from_canonical(v, allowed_prefixes) for k, v in data.items()}
    tag = min(tags)
    expected = {tag, "params"} if tag == "__estimator__" else {tag}
    value = data[tag]
    shape = {"__dict__": dict, "__tuple__": list, "__ndarray__": dict}.get(tag, str)
    if set(data) != expected or type(value) is not shape:
        raise CanonicalDecodingError(f"malformed {tag} entry: {data!r}"[:300])
    if tag == "__dict__":
        return {k: from_canonical(v, allowed_prefixes) for k, v in value.items()}
    if tag == "__tuple__":
        return tuple(from_canonical(v, allowed_prefixes) for v in value)
    if tag == "__float__":
        if value not in _NON_FINITE:
            raise CanonicalDecodingError(f"unknown non-finite float {value!r}")
        return _NON_FINITE[value]
    if tag == "__ndarray__":
        return _decode_array(value)
    if tag == "__class__":
        return resolve_class(value, allowed_prefixes)
    if tag == "__function__":
        function = resolve(value, allowed_prefixes)
        if isinstance(function, type) or not callable(function):
            raise CanonicalDecodingError(f"{value!r} is not a function")
        return function
    cls = resolve_step_class(value, allowed_prefixes)
    if not isinstance(data["params"], dict):
        raise CanonicalDecodingError(f"params of {value} must be a mapping")
    params = {k: from_canonical(v, allowed_prefixes) for k, v in data["params"].items()}
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise CanonicalDecodingError(f"cannot build {value} with {sorted(params)}: {exc}") from exc


def _decode_array(entry: dict[str, Any]) -> np.ndarray:
    if set(entry) != {"dtype", "shape", "data"}:
        raise CanonicalDecodingError(f"an __ndarray__ entry has keys dtype, shape, data: {entry}")
    try:
        dtype = np.dtype(entry["dtype"])
        if dtype.kind not in "biuf":
            raise TypeError(f"unsupported dtype {dtype}")
        values = _map_floats(entry["data"], _decode_scalar)
        return np.array(values, dtype=dtype).reshape(entry["shape"])
    except (TypeError, ValueError) as exc:
        raise CanonicalDecodingError(f"malformed __ndarray__ entry: {exc}") from exc


def _decode_scalar(value: float | dict) -> float:
    if isinstance(value, dict):
        if set(value) != {"__float__"} or value["__float__"] not in _NON_FINITE:
            raise ValueError(f"array data holds {value!r}, which is not a number")
        return _NON_FINITE[value["__float__"]]
    return value
