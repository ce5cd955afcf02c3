"""The shape of a bundle's ``manifest.json``, checked before any field of it is used.

A manifest whose bytes match ``RECORD`` (and the signature) may still be malformed, by a
bug or by whoever wrote an unsigned bundle by hand. Every field that reading, predicting or
``nirs4all verify`` touches is checked here for presence and type, so a bad manifest is a
:class:`~nirs4all.errors.BundleIntegrityError` naming the field, never a ``KeyError``.
"""

from __future__ import annotations

import re
from typing import Any

from nirs4all.errors import BundleIntegrityError

__all__ = ["BUNDLE_FORMAT", "check_manifest"]

BUNDLE_FORMAT = 1
_NONE = type(None)
_NUMBER = (int, float)
_TOP = {
    "format": str, "bundle_version": int, "library_version": str, "created_at": str,
    "pipeline_id": str, "chain_id": str, "dataset_hash": str, "task": str, "n_targets": int,
    "target_names": list, "classes": (list, _NONE), "seed": int, "sources": list,
    "target_processing": list, "metrics": dict, "chains": list,
}
_SOURCE = {"name": str, "wavelengths": list, "unit": str}
_CHAIN = {
    "chain_id": str, "pipeline_id": str, "model_step": int, "model_name": str,
    "model_class": str, "branch_path": list, "source_chains": list, "metric": (str, _NONE),
    "cv_scores": dict, "test_scores": dict, "preprocessing": str, "steps": list,
}
_STEP = {"index": int, "kind": str, "spec": str, "branch_path": list,
         "artifact": (str, _NONE)}
_DIGEST = re.compile(r"[0-9a-f]{64}")


def _bad(message: str) -> BundleIntegrityError:
    return BundleIntegrityError(f"{message}; re-export the bundle or ask its author for an "
                                "intact copy")


def _fields(value: Any, spec: dict, where: str) -> None:
    if not isinstance(value, dict):
        raise _bad(f"{where} must be a JSON object, not "
                                   f"{type(value).__name__}")
    for key, kind in spec.items():
        if key not in value:
            raise _bad(f"{where} has no field {key!r}")
        item = value[key]
        wanted = kind if isinstance(kind, tuple) else (kind,)
        # JSON true/false are bools, which Python also counts as ints.
        if not isinstance(item, wanted) or (isinstance(item, bool) and bool not in wanted):
            names = " or ".join("null" if t is _NONE else t.__name__ for t in wanted)
            raise _bad(f"{where}: field {key!r} must be {names}, not "
                                       f"{type(item).__name__}")


def _chain(entry: Any, where: str) -> None:
    _fields(entry, _CHAIN, where)
    for position, step in enumerate(entry["steps"]):
        _fields(step, _STEP, f"{where}, step {position}")
        if step["artifact"] is not None and not _DIGEST.fullmatch(step["artifact"]):
            raise _bad(f"{where}, step {position}: artifact must be a "
                                       "SHA-256 in hex")


def check_manifest(manifest: Any, path: str) -> None:
    """Raise :class:`BundleIntegrityError` unless ``manifest`` has the bundle's shape."""
    where = f"{path}: manifest.json"
    _fields(manifest, _TOP, where)
    if manifest["format"] != "nirs4all-bundle" or manifest["bundle_version"] != BUNDLE_FORMAT:
        raise _bad(f"{path}: not a nirs4all bundle of format {BUNDLE_FORMAT}")
    for position, source in enumerate(manifest["sources"]):
        _fields(source, _SOURCE, f"{where}, source {position}")
        if not all(isinstance(v, _NUMBER) and not isinstance(v, bool)
                   for v in source["wavelengths"]):
            raise _bad(f"{where}, source {position}: wavelengths must be "
                                       "numbers")
    if not manifest["chains"]:
        raise _bad(f"{where} lists no chain")
    for position, entry in enumerate(manifest["chains"]):
        _chain(entry, f"{where}, chain {position}")
    ids = {entry["chain_id"] for entry in manifest["chains"]}
    if manifest["chains"][0]["chain_id"] != manifest["chain_id"]:
        raise _bad(f"{where}: the first chain is not the exported chain "
                                   f"{manifest['chain_id'][:10]}")
    for entry in manifest["chains"]:
        if not all(isinstance(c, str) for c in entry["source_chains"]):
            raise _bad(f"{where}: source_chains must be chain ids")
        unknown = [c for c in entry["source_chains"] if c not in ids]
        if unknown:
            raise _bad(f"{where}: chain {entry['chain_id'][:10]} stacks "
                                       f"chains the bundle does not hold: {unknown}")
