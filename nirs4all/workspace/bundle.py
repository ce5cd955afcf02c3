"""`.n4a` bundles: one chain, verified before anything is deserialized (contract 9).

A bundle is a zip file with

- ``manifest.json``: format and library versions, creation time, ``pipeline_id``,
  ``chain_id``, ``dataset_hash``, the task and targets, the training wavelength axis and
  unit of every source, the chains (ordered steps with the SHA-256 of each fitted object),
  the target processing, metrics and the run's seed;
- ``artifacts/<sha256>.skops``: every fitted object of the ``"final"`` refit, in the
  restricted skops format;
- ``RECORD``: one line ``name,sha256,size`` per member above;
- ``SIGNATURE`` (optional): HMAC-SHA256 of ``manifest.json`` and ``RECORD`` together (so of
  every member's digest) with a key given as an argument or in ``NIRS4ALL_BUNDLE_KEY``.

Reading (:func:`read_bundle`) verifies the file before any object is built: the zip layout,
every member against ``RECORD`` (streamed, each capped at its recorded size, the total under
a limit), the signature when a key is known, and the manifest's shape
(:mod:`nirs4all.workspace._bundle_verify`). It keeps only the manifest in memory. Each
artifact is read again, and its hash checked again, when it is audited or loaded; auditing
checks its own zip layout and skops protocol, then its types against the allow-list of
:mod:`nirs4all.workspace.serialization`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from nirs4all.errors import BundleIntegrityError, Nirs4allError, UntrustedBundleError
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord, ChainStep, TrainingInfo
from nirs4all.workspace import _skops_audit, _strictzip, serialization
from nirs4all.workspace._bundle_verify import (
    DEFAULT_MAX_BYTES,
    KEY_VARIABLE,
    MANIFEST,
    MAX_BYTES_VARIABLE,
    RECORD,
    SIGNATURE,
    artifact_name,
    read_member,
    record_bytes,
    signature,
    verify,
)
from nirs4all.workspace._manifest import BUNDLE_FORMAT
from nirs4all.workspace.errors import UntrustedArtifactError

__all__ = ["BUNDLE_FORMAT", "DEFAULT_MAX_BYTES", "KEY_VARIABLE", "MAX_BYTES_VARIABLE",
           "Bundle", "TrainingInfo", "export_bundle", "read_bundle"]


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
                members[artifact_name(digest)] = data
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
    members = {MANIFEST: json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"),
               **dict(sorted(members.items()))}
    members[RECORD] = record_bytes(members)
    secret = _key(key)
    if secret is not None:
        members[SIGNATURE] = signature(secret, members[MANIFEST], members[RECORD])
    _write_zip(path, members)
    return path


def _write_zip(path: Path, members: Mapping[str, bytes]) -> None:
    """Write members atomically (temporary name, then rename) with the umask's mode.

    The temporary file is created with mode 0o666 so that the kernel applies the umask
    (0644 under umask 022), as for any file the user writes; reading the umask would
    change it process-wide for a moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(descriptor, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED,
                                 allowZip64=False) as archive:
                for name, data in members.items():
                    info = _strictzip.canonical_info(name)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except zipfile.LargeZipFile:
        raise ValueError(f"{path}: a member or the bundle exceeds the 2 GiB a bundle may "
                         "hold") from None
    finally:
        if tmp.exists():
            tmp.unlink()


@cache
def _skops_protocol() -> int:
    """The skops protocol this library writes (read from a file skops writes now, unless its
    source says it: ``skops.io`` imports scikit-learn)."""
    protocol = _skops_audit.installed_protocol()
    if protocol is not None:
        return protocol
    import skops.io

    with zipfile.ZipFile(io.BytesIO(skops.io.dumps(0))) as archive:
        return int(json.loads(archive.read("schema.json"))["protocol"])


def _artifact_schema(data: bytes, where: str) -> tuple[int, dict, frozenset[str]]:
    """Check an artifact's own zip (canonical: stored members); return its protocol, its
    parsed ``schema.json`` and its member names."""
    try:
        members = _strictzip.read_directory(io.BytesIO(data), len(data),
                                            methods=(_strictzip.STORED,), where=where)
    except BundleIntegrityError as exc:
        raise BundleIntegrityError(f"{exc} (the artifact is not a skops file as nirs4all "
                                   "writes it: a zip of stored members)") from None
    schema = members.get("schema.json")
    if schema is None:
        raise BundleIntegrityError(f"{where}: the artifact has no schema.json, so it is not "
                                   "a skops file")
    try:
        parsed = json.loads(data[schema.data_offset:schema.data_offset + schema.size])
        protocol = parsed["protocol"]
    except (ValueError, TypeError, KeyError):
        raise BundleIntegrityError(f"{where}: the artifact's schema.json is not a skops "
                                   "schema") from None
    if not isinstance(protocol, int) or isinstance(protocol, bool):
        raise BundleIntegrityError(f"{where}: the artifact's skops protocol {protocol!r} is "
                                   "not a number")
    return protocol, parsed, frozenset(members)


@dataclass(frozen=True, eq=False)
class Bundle:
    """A bundle file whose bytes have been verified; nothing deserialized yet.

    Only the manifest is held in memory. :meth:`artifact` reads an artifact again and
    checks its hash again, so a file changed after :func:`read_bundle` is refused too.
    """

    path: Path
    manifest: dict
    signed: bool
    signature_checked: bool
    _members: dict[str, tuple[_strictzip.Member, str]] = field(repr=False)

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

    def artifact(self, digest: str) -> bytes:
        """The bytes of one artifact, read from the file and checked against ``RECORD``."""
        member, recorded = self._members[artifact_name(digest)]
        try:
            with self.path.open("rb") as handle:
                return read_member(handle, member, recorded, str(self.path))
        except OSError as exc:
            raise BundleIntegrityError(f"{self.path}: the bundle cannot be read again "
                                       f"({exc})") from None

    def _audit(self, digest: str, data: bytes) -> list[str]:
        where = f"{self.path}: {artifact_name(digest)}"
        protocol, schema, members = _artifact_schema(data, where)
        quick = _skops_audit.quick_audit(schema, members, protocol)
        if quick is not None:  # decided without importing skops and scikit-learn
            return quick
        try:
            found = serialization.audit(data)
        except Nirs4allError:
            raise
        except Exception as exc:  # skops on a malformed schema: any error, none expected
            raise BundleIntegrityError(f"{where}: skops cannot audit the artifact ({exc!r}); "
                                       "re-export the bundle") from exc
        if protocol != _skops_protocol():
            # Older protocols select older, separately audited node classes of skops.
            found.append(f"skops protocol {protocol}")
        return found

    def untrusted_types(self) -> list[str]:
        """What the artifacts would build beyond the allow-list (audit only, no loading).

        Dotted type names, and ``"skops protocol N"`` for an artifact written with a skops
        protocol other than the one this library writes.
        """
        found: set[str] = set()
        for digest in self.artifact_ids():
            found.update(self._audit(digest, self.artifact(digest)))
        return sorted(found)

    def load_objects(self, *, trusted: bool | list[str] = False) -> dict[str, Any]:
        """Deserialize every artifact after auditing all of them."""
        data = {digest: self.artifact(digest) for digest in self.artifact_ids()}
        unknown = sorted({t for digest, raw in data.items() for t in self._audit(digest, raw)})
        allowed = set(trusted) if isinstance(trusted, list) else set()
        refused = [t for t in unknown if t not in allowed]
        if refused and trusted is not True:
            raise UntrustedBundleError(
                f"{self.path.name} needs types outside nirs4all's allow-list (pass "
                "trusted=[...] with the ones you vouch for, or trusted=True)", refused)
        return {digest: self._load(digest, raw, trusted, allowed | set(unknown))
                for digest, raw in data.items()}

    def _load(self, digest: str, data: bytes, trusted: bool | list[str],
              allowed: set[str]) -> Any:
        try:
            return serialization.deserialize(
                data, "skops", artifact_id=digest,
                trusted=True if trusted is True else sorted(allowed))
        except UntrustedArtifactError as exc:
            raise UntrustedBundleError(f"{self.path.name}: {exc}", list(exc.types)) from exc
        except Nirs4allError:
            raise
        except Exception as exc:  # skops building an audited object: a corrupt artifact
            raise BundleIntegrityError(f"{self.path}: {artifact_name(digest)} cannot be "
                                       f"loaded ({exc!r}); re-export the bundle") from exc


def read_bundle(path: str | Path, *, key: str | bytes | None = None,
                max_bytes: int | None = None) -> Bundle:
    """Open a bundle and verify every byte of it; build no object.

    Parameters
    ----------
    path : str or Path
        The ``.n4a`` file.
    key : str or bytes, optional
        HMAC key; ``NIRS4ALL_BUNDLE_KEY`` is used when not given. With a key the bundle
        must be signed with it.
    max_bytes : int, optional
        Largest total size of the members (inflated) to accept; by default
        ``NIRS4ALL_BUNDLE_MAX_BYTES`` or :data:`DEFAULT_MAX_BYTES` (1 GiB).

    Raises
    ------
    BundleNotFoundError
        There is no file at ``path``.
    BundleIntegrityError
        The zip layout is not the one bundles have, a member changed, is missing, extra or
        larger than recorded, the total is above the limit, the manifest is malformed, or
        the signature does not match (or is missing while a key is given).
    """
    path = Path(path)
    checked = verify(path, secret=_key(key), max_bytes=max_bytes)
    return Bundle(path, checked.manifest, checked.signed, checked.signature_checked,
                  checked.members)
