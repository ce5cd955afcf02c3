"""`.n4a` bundles: one chain, verified before anything is deserialized (contract 9).

A bundle is a zip file with

- ``manifest.json``: format and library versions, creation time, ``pipeline_id``,
  ``chain_id``, ``dataset_hash``, the task and targets, the training wavelength axis and
  unit of every source, the chains (ordered steps with the SHA-256 of each fitted object),
  the target processing, metrics and the run's seed;
- ``artifacts/<sha256>.skops``: every fitted object of the ``"final"`` refit, in the
  restricted skops format;
- ``RECORD``: one line ``name,sha256,size`` per member above;
- ``SIGNATURE`` (optional): HMAC-SHA256 of ``manifest.json`` with a key given as an
  argument or in ``NIRS4ALL_BUNDLE_KEY``.

Reading checks, before any object is built: every member of ``RECORD`` is present with its
hash and size, there is no other member, the manifest's artifacts are all listed, and the
signature matches when a key is known. Loading then audits every artifact's types against
the allow-list of :mod:`nirs4all.workspace.serialization`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.errors import BundleIntegrityError, UntrustedBundleError
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord, ChainStep, TrainingInfo
from nirs4all.workspace import serialization

__all__ = ["BUNDLE_FORMAT", "KEY_VARIABLE", "Bundle", "TrainingInfo", "export_bundle",
           "read_bundle"]

BUNDLE_FORMAT = 1
KEY_VARIABLE = "NIRS4ALL_BUNDLE_KEY"
_MANIFEST, _RECORD, _SIGNATURE = "manifest.json", "RECORD", "SIGNATURE"


def _key(key: str | bytes | None) -> bytes | None:
    if key is None:
        key = os.environ.get(KEY_VARIABLE)
    if key is None or key == "":
        return None
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def _needed_chains(chain: ChainRecord, chains: Mapping[str, ChainRecord]) -> list[ChainRecord]:
    order, stack, seen = [], [chain.chain_id], set()
    while stack:
        chain_id = stack.pop(0)
        if chain_id in seen:
            continue
        seen.add(chain_id)
        if chain_id not in chains:
            raise KeyError(f"chain {chain_id[:10]} feeds a stacking model but is not known")
        current = chains[chain_id]
        order.append(current)
        stack.extend(current.source_chains)
    return order


def _labels(values: np.ndarray | None) -> list | None:
    return None if values is None else np.asarray(values).tolist()


def export_bundle(
    path: str | Path,
    chain: ChainRecord,
    *,
    chains: Mapping[str, ChainRecord],
    load: Callable[[str], Any],
    training: TrainingInfo,
    key: str | bytes | None = None,
) -> Path:
    """Write one chain's final refit as a ``.n4a`` bundle and return its path.

    Parameters
    ----------
    path : str or Path
        Where to write (the file is written to a temporary name, then renamed).
    chain : ChainRecord
        The chain to export; it must have a ``"final"`` fold.
    chains : mapping of str to ChainRecord
        Every chain known, for the source chains of a stacking model.
    load : callable
        Returns the fitted object for an artifact key of ``ChainStep.artifacts``.
    training : TrainingInfo
        Targets, classes and wavelength axes of the training data.
    key : str or bytes, optional
        HMAC key; ``NIRS4ALL_BUNDLE_KEY`` is used when not given. No key, no signature.
    """
    path = Path(path)
    members: dict[str, bytes] = {}
    chain_entries = []
    for current in _needed_chains(chain, chains):
        if FINAL not in current.fold_ids:
            raise ValueError(
                f"chain {current.chain_id[:10]} ({current.model_name}) has no final refit; "
                "run with refit='all', or export the best chain")
        steps = []
        for step in current.steps:
            digest = None
            ref = step.artifacts.get(FINAL)
            if ref is not None:
                data = serialization.serialize(load(ref))
                digest = hashlib.sha256(data).hexdigest()
                members[f"artifacts/{digest}.skops"] = data
            steps.append({"index": step.index, "kind": step.kind, "spec": step.spec,
                          "branch_path": list(step.branch_path), "artifact": digest})
        chain_entries.append({
            "chain_id": current.chain_id, "pipeline_id": current.pipeline_id,
            "model_step": current.model_step, "model_name": current.model_name,
            "model_class": current.model_class, "branch_path": list(current.branch_path),
            "source_chains": list(current.source_chains), "metric": current.metric,
            "cv_scores": dict(current.cv_scores), "test_scores": dict(current.test_scores),
            "preprocessing": current.preprocessing, "steps": steps,
        })
    from nirs4all._version import __version__

    manifest = {
        "format": "nirs4all-bundle", "bundle_version": BUNDLE_FORMAT,
        "library_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pipeline_id": chain.pipeline_id, "chain_id": chain.chain_id,
        "dataset_hash": training.dataset_hash, "task": training.task,
        "n_targets": training.n_targets, "target_names": list(training.target_names),
        "classes": _labels(training.classes), "seed": training.seed,
        "sources": [{"name": name, "wavelengths": np.asarray(axis, dtype=float).tolist(),
                     "unit": unit} for name, axis, unit in training.sources],
        "target_processing": [s.spec for s in chain.steps if s.kind == "y_processing"],
        "metrics": {"metric": chain.metric, "cv": dict(chain.cv_scores),
                    "test": dict(chain.test_scores)},
        "chains": chain_entries,
    }
    members = {_MANIFEST: json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"),
               **dict(sorted(members.items()))}
    record = "".join(f"{name},{hashlib.sha256(data).hexdigest()},{len(data)}\n"
                     for name, data in members.items()).encode("utf-8")
    members[_RECORD] = record
    secret = _key(key)
    if secret is not None:
        members[_SIGNATURE] = hmac.new(secret, members[_MANIFEST], "sha256").hexdigest().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


@dataclass(frozen=True, eq=False)
class Bundle:
    """A bundle whose bytes have been verified; nothing deserialized yet."""

    path: Path
    manifest: dict
    signed: bool
    signature_checked: bool
    _members: dict[str, bytes] = field(repr=False)

    @property
    def chain_id(self) -> str:
        """The exported chain."""
        return self.manifest["chain_id"]

    def chains(self) -> dict[str, ChainRecord]:
        """Chain records rebuilt from the manifest; artifacts keyed by their SHA-256."""
        out = {}
        for entry in self.manifest["chains"]:
            steps = tuple(ChainStep(s["index"], s["kind"], s["spec"], tuple(s["branch_path"]),
                                    {FINAL: s["artifact"]} if s["artifact"] else {})
                          for s in entry["steps"])
            out[entry["chain_id"]] = ChainRecord(
                chain_id=entry["chain_id"], pipeline_id=entry["pipeline_id"],
                model_step=entry["model_step"], model_name=entry["model_name"],
                model_class=entry["model_class"], branch_path=tuple(entry["branch_path"]),
                steps=steps, source_chains=tuple(entry["source_chains"]),
                fold_ids=(FINAL,), metric=entry["metric"], cv_scores=entry["cv_scores"],
                fold_scores={}, test_scores=entry["test_scores"],
                preprocessing=entry["preprocessing"])
        return out

    def artifact_ids(self) -> list[str]:
        """SHA-256 of every fitted object in the bundle."""
        return sorted({s["artifact"] for c in self.manifest["chains"] for s in c["steps"]
                       if s["artifact"]})

    def untrusted_types(self) -> list[str]:
        """Types the artifacts would build beyond the allow-list (audit only, no loading)."""
        found: set[str] = set()
        for digest in self.artifact_ids():
            found.update(serialization.audit(self._members[f"artifacts/{digest}.skops"]))
        return sorted(found)

    def load_objects(self, *, trusted: bool | list[str] = False) -> dict[str, Any]:
        """Deserialize every artifact after auditing all of them."""
        unknown = self.untrusted_types()
        allowed = set(trusted) if isinstance(trusted, list) else set()
        refused = [t for t in unknown if t not in allowed]
        if refused and trusted is not True:
            raise UntrustedBundleError(
                f"{self.path.name} needs types outside nirs4all's allow-list (pass "
                "trusted=[...] with the ones you vouch for, or trusted=True)", refused)
        return {digest: serialization.deserialize(
                    self._members[f"artifacts/{digest}.skops"], "skops", artifact_id=digest,
                    trusted=True if trusted is True else sorted(allowed | set(unknown)))
                for digest in self.artifact_ids()}


def _fail(path: Path, message: str) -> BundleIntegrityError:
    return BundleIntegrityError(f"{path}: {message}")


def read_bundle(path: str | Path, *, key: str | bytes | None = None) -> Bundle:
    """Open a bundle and verify every byte of it; build no object.

    Raises
    ------
    BundleIntegrityError
        A member changed, is missing or extra, the manifest is malformed, or the signature
        does not match (or is missing while a key is given).
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, f"not a readable bundle ({exc})") from None
    if _RECORD not in members or _MANIFEST not in members:
        raise _fail(path, "RECORD or manifest.json is missing")
    listed = {}
    text = members[_RECORD].decode("utf-8", "replace")
    for line in text.split("\n")[:-1]:
        parts = line.rsplit(",", 2)
        if len(parts) != 3 or not parts[2].isdigit():
            raise _fail(path, f"malformed RECORD line {line!r}")
        listed[parts[0]] = (parts[1], int(parts[2]))
    canonical = "".join(f"{n},{d},{size}\n" for n, (d, size) in listed.items())
    if canonical.encode("utf-8") != members[_RECORD]:
        raise _fail(path, "RECORD is not in its canonical form (changed bytes)")
    extra = sorted(set(members) - set(listed) - {_RECORD, _SIGNATURE})
    missing = sorted(set(listed) - set(members))
    if extra or missing:
        raise _fail(path, f"members differ from RECORD (extra: {extra}, missing: {missing})")
    for name, (digest, size) in listed.items():
        data = members[name]
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise _fail(path, f"member {name} does not match its RECORD hash")
    try:
        manifest = json.loads(members[_MANIFEST])
    except json.JSONDecodeError as exc:
        raise _fail(path, f"manifest.json is not JSON ({exc})") from None
    if manifest.get("format") != "nirs4all-bundle" or manifest.get(
            "bundle_version") != BUNDLE_FORMAT:
        raise _fail(path, f"not a nirs4all bundle of format {BUNDLE_FORMAT}")
    needed = {f"artifacts/{s['artifact']}.skops" for c in manifest["chains"]
              for s in c["steps"] if s["artifact"]}
    if needed - set(listed):
        raise _fail(path, f"artifacts named by the manifest are missing: {sorted(needed)}")
    secret = _key(key)
    signed = _SIGNATURE in members
    checked = False
    if secret is not None:
        if not signed:
            raise _fail(path, "a key was given but the bundle is not signed")
        expected = hmac.new(secret, members[_MANIFEST], "sha256").hexdigest().encode()
        if not hmac.compare_digest(expected, members[_SIGNATURE].strip()):
            raise _fail(path, "the signature does not match (wrong key, or changed bundle)")
        checked = True
    return Bundle(path, manifest, signed, checked, members)
