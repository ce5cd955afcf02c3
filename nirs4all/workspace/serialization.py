"""Bytes of fitted objects, and the trust model for turning bytes back into objects.

Formats
-------
``skops`` (default)
    A zip of JSON and ``.npy`` members that names every type it will construct. Loading
    audits those names first (:func:`skops.io.get_untrusted_types`) and constructs only
    types on an allow-list defined here, in our code (:func:`trusted_types`): never a list
    read from the file. Anything else raises
    :class:`~nirs4all.workspace.errors.UntrustedArtifactError` listing the types.
``joblib`` and ``pickle``
    Loading runs arbitrary code, so it happens only when the caller passes
    ``trusted=True`` (the user vouches for a workspace they wrote). There is no silent
    fallback from skops to pickle, on writing or on loading.

Skops output names members after ``id()`` of the objects and stamps the time into the zip,
so the same model would get new bytes, and a new content address, in every process.
:func:`serialize` rewrites it canonically (ids numbered in order of appearance, sorted
members, the fixed timestamps and attributes of
:func:`~nirs4all.workspace._strictzip.canonical_info` whatever the platform) so that
refitting the same model gives the same artifact id.
"""

from __future__ import annotations

import importlib
import inspect
import io
import json
import pickle
import pkgutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from nirs4all.workspace._strictzip import canonical_info
from nirs4all.workspace.errors import ArtifactSerializationError, UntrustedArtifactError

__all__ = [
    "FORMATS",
    "SerializedArtifact",
    "audit",
    "deserialize",
    "serialize",
    "serialize_artifact",
    "trusted_types",
]

FORMATS = {"skops": "skops", "joblib": "joblib", "pickle": "pkl"}
"""Artifact format -> file extension."""

_OPERATOR_PACKAGE = "nirs4all.operators"
# Types that scikit-learn estimators we support keep in their fitted state and that skops
# does not trust by default (found with get_untrusted_types on fitted estimators).
_SKLEARN_STATE_TYPES = (
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.metrics._dist_metrics.ManhattanDistance64",
    "sklearn.metrics._dist_metrics.MinkowskiDistance64",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "nirs4all.operators.filters._x_outlier.PCAModel",  # a fitted XOutlierFilter's PCA
)
_SKLEARN_SPLITTERS = (
    "GroupKFold", "GroupShuffleSplit", "KFold", "LeaveOneGroupOut", "LeaveOneOut",
    "LeavePGroupsOut", "LeavePOut", "PredefinedSplit", "RepeatedKFold",
    "RepeatedStratifiedKFold", "ShuffleSplit", "StratifiedGroupKFold", "StratifiedKFold",
    "StratifiedShuffleSplit", "TimeSeriesSplit",
)  # fmt: skip


def _dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _operator_classes() -> set[str]:
    from sklearn.base import BaseEstimator

    package = importlib.import_module(_OPERATOR_PACKAGE)
    names: set[str] = set()
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_OPERATOR_PACKAGE}.{info.name}")
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if not inspect.isclass(obj) or not obj.__module__.startswith("nirs4all."):
                continue
            if issubclass(obj, BaseEstimator) or callable(getattr(obj, "split", None)):
                names.add(_dotted(obj))
    return names


@cache
def trusted_types() -> frozenset[str]:
    """Return the types, beyond skops' own defaults, that artifacts may construct.

    The list is computed from this library: every public estimator and splitter class of
    :mod:`nirs4all.operators` (each subpackage's ``__all__``), scikit-learn's public
    cross-validation splitters and Gaussian-process kernels, and the few internal types that
    fitted scikit-learn estimators hold (trees, neighbour indexes, optimizers).

    Returns
    -------
    frozenset of str
        Dotted type names as skops reports them.
    """
    from sklearn import model_selection
    from sklearn.gaussian_process import kernels

    names = _operator_classes() | set(_SKLEARN_STATE_TYPES)
    names.update(_dotted(getattr(model_selection, n)) for n in _SKLEARN_SPLITTERS
                 if hasattr(model_selection, n))
    names.update(_dotted(obj) for _, obj in inspect.getmembers(kernels, inspect.isclass)
                 if issubclass(obj, kernels.Kernel) and not obj.__name__.startswith("_"))
    return frozenset(names)


def _renumber(node: Any, ids: dict[int, int]) -> Any:
    if isinstance(node, list):
        return [_renumber(item, ids) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "__id__" and isinstance(value, int):
            out[key] = ids.setdefault(value, len(ids))
        elif key == "file" and isinstance(value, str) and value.split(".", 1)[0].isdigit():
            stem, _, ext = value.partition(".")
            out[key] = f"{ids.setdefault(int(stem), len(ids))}.{ext}"
        else:
            out[key] = _renumber(value, ids)
    return out


def _canonical_skops(data: bytes) -> bytes:
    ids: dict[int, int] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        schema = _renumber(json.loads(source.read("schema.json")), ids)
        members = {"schema.json": json.dumps(schema, separators=(",", ":")).encode("utf-8")}
        for name in source.namelist():
            if name == "schema.json":
                continue
            stem, _, ext = name.partition(".")
            new = f"{ids[int(stem)]}.{ext}" if stem.isdigit() and int(stem) in ids else name
            members[new] = source.read(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in sorted(members):
            target.writestr(canonical_info(name), members[name])
    return buffer.getvalue()


def serialize(obj: Any, fmt: str = "skops") -> bytes:
    """Return the bytes of a fitted object in ``fmt`` (``"skops"``, ``"joblib"``, ``"pickle"``).

    Raises
    ------
    ArtifactSerializationError
        If the object cannot be written in that format.
    ValueError
        If ``fmt`` is unknown.
    """
    if fmt not in FORMATS:
        raise ValueError(f"artifact format must be one of {sorted(FORMATS)}; got {fmt!r}")
    kind = _dotted(type(obj))
    try:
        if fmt == "skops":
            import skops.io

            return _canonical_skops(skops.io.dumps(obj))
        if fmt == "joblib":
            import joblib

            buffer = io.BytesIO()
            joblib.dump(obj, buffer)
            return buffer.getvalue()
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except (TypeError, ValueError, AttributeError, pickle.PicklingError) as exc:
        hint = (" (open the workspace with artifact_format='joblib' to store it as a joblib "
                "file; loading it later needs trusted=True)" if fmt == "skops" else "")
        raise ArtifactSerializationError(
            f"cannot write a {kind} as {fmt}: {exc}{hint}") from exc


@dataclass(frozen=True)
class SerializedArtifact:
    """A fitted object already turned into bytes, e.g. by a worker process.

    An outcome may carry these instead of live objects in ``VariantOutcome.artifacts``: the
    workers pay for serialization in parallel and the writing process only stores bytes.
    """

    data: bytes
    format: str
    class_name: str

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"artifact format must be one of {sorted(FORMATS)}; "
                             f"got {self.format!r}")


def serialize_artifact(obj: Any, fmt: str = "skops") -> SerializedArtifact:
    """Return :func:`serialize`'s bytes of ``obj`` with their format and the object's class."""
    return SerializedArtifact(serialize(obj, fmt), fmt, _dotted(type(obj)))


def audit(data: bytes) -> list[str]:
    """Return the types a skops artifact would construct beyond :func:`trusted_types`."""
    import skops.io

    return sorted(set(skops.io.get_untrusted_types(data=data)) - trusted_types())


def deserialize(data: bytes, fmt: str, *, artifact_id: str,
                trusted: bool | Iterable[str] = False) -> Any:
    """Rebuild an object from verified artifact bytes.

    Parameters
    ----------
    data : bytes
        The artifact's bytes (the caller has checked their hash).
    fmt : {"skops", "joblib", "pickle"}
        The artifact's format.
    artifact_id : str
        For messages.
    trusted : bool or iterable of str
        ``False``: skops artifacts load with the allow-list only, joblib and pickle are
        refused. An iterable of dotted type names: those types are allowed too (skops).
        ``True``: the caller vouches for the artifact; every type loads, joblib and pickle
        included.

    Raises
    ------
    UntrustedArtifactError
        If the artifact needs types nobody vouched for, or is joblib/pickle without
        ``trusted=True``.
    """
    if fmt == "skops":
        import skops.io

        needed = set(skops.io.get_untrusted_types(data=data))
        allowed = trusted_types() | (set() if isinstance(trusted, bool) else set(trusted))
        unknown = sorted(needed - allowed)
        if unknown and trusted is not True:
            raise UntrustedArtifactError(
                artifact_id, unknown,
                "these types are not on nirs4all's allow-list; pass trusted=[...] with the "
                "ones you vouch for, or trusted=True if you wrote this artifact",
            )
        return skops.io.loads(data, trusted=sorted(needed))
    if fmt not in ("joblib", "pickle"):
        raise ValueError(f"unknown artifact format {fmt!r}")
    if trusted is not True:
        raise UntrustedArtifactError(
            artifact_id, [f"{fmt} format"],
            f"loading a {fmt} file runs arbitrary code; pass trusted=True only for a "
            "workspace you wrote yourself",
        )
    if fmt == "joblib":
        import joblib

        return joblib.load(io.BytesIO(data))  # noqa: TID251 - reached only with trusted=True (checked above)
    # The caller passed trusted=True: they vouch for this file, the one case pickle may load.
    return pickle.loads(data)  # noqa: S301, TID251 - reached only with trusted=True (checked above)
