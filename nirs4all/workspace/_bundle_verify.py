"""Verification of a ``.n4a`` file before anything in it is interpreted (contract 9).

:func:`verify` checks the zip layout (:mod:`nirs4all.workspace._strictzip`), the member
names, ``RECORD``, the sizes against the limit, the SHA-256 of every member (streamed, each
capped at its recorded size), the signature over ``manifest.json`` and ``RECORD``, and the
shape of the manifest. It keeps no member in memory but the manifest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from nirs4all.errors import BundleIntegrityError, BundleNotFoundError
from nirs4all.workspace import _strictzip
from nirs4all.workspace._manifest import check_manifest

__all__ = [
    "DEFAULT_MAX_BYTES",
    "KEY_VARIABLE",
    "MANIFEST",
    "MAX_BYTES_VARIABLE",
    "RECORD",
    "SIGNATURE",
    "Verified",
    "artifact_name",
    "read_member",
    "record_bytes",
    "signature",
    "verify",
]

KEY_VARIABLE = "NIRS4ALL_BUNDLE_KEY"
MAX_BYTES_VARIABLE = "NIRS4ALL_BUNDLE_MAX_BYTES"
DEFAULT_MAX_BYTES = 1 << 30
"""Largest total of the members' (inflated) sizes a bundle may declare: 1 GiB."""
MANIFEST, RECORD, SIGNATURE = "manifest.json", "RECORD", "SIGNATURE"
_MAX_RECORD = 1 << 20
_SIGNATURE_SIZE = 64
_SIGNATURE_TAG = b"nirs4all-bundle-signature/2\n"
_ARTIFACT = re.compile(r"artifacts/([0-9a-f]{64})\.skops")
_HEX64 = re.compile(rb"[0-9a-f]{64}")


def artifact_name(digest: str) -> str:
    """The member that holds the artifact of SHA-256 ``digest``."""
    return f"artifacts/{digest}.skops"


def record_bytes(members: dict[str, bytes]) -> bytes:
    """``RECORD``: one canonical line ``name,sha256,size`` per member, in order."""
    return "".join(f"{name},{hashlib.sha256(data).hexdigest()},{len(data)}\n"
                   for name, data in members.items()).encode("utf-8")


def signature(secret: bytes, manifest: bytes, record: bytes) -> bytes:
    """HMAC-SHA256 (hex) of the manifest and ``RECORD``, so of every member's digest.

    The manifest's length comes first, so no other split of the same bytes into a
    manifest and a ``RECORD`` gives the same message.
    """
    message = _SIGNATURE_TAG + len(manifest).to_bytes(8, "big") + manifest + record
    return hmac.new(secret, message, "sha256").hexdigest().encode("ascii")


def _max_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return int(max_bytes)
    text = os.environ.get(MAX_BYTES_VARIABLE, "")
    if not text:
        return DEFAULT_MAX_BYTES
    if not text.isdigit():
        raise ValueError(f"{MAX_BYTES_VARIABLE} must be a number of bytes; got {text!r}")
    return int(text)


@dataclass(frozen=True)
class Verified:
    """What :func:`verify` established about a bundle file."""

    manifest: dict
    signed: bool
    signature_checked: bool
    members: dict[str, tuple[_strictzip.Member, str]]
    """Every listed member: where it is and the SHA-256 ``RECORD`` gives it."""


def _fail(path: Path, message: str) -> BundleIntegrityError:
    return BundleIntegrityError(f"{path}: {message}; re-export the bundle or ask its author "
                                "for an intact copy")


def read_member(handle: BinaryIO, member: _strictzip.Member, digest: str,
                where: str) -> bytes:
    """A member's bytes, checked against ``RECORD``'s size and SHA-256."""
    chunks: list[bytes] = []
    _stream(handle, member, digest, chunks.append, where)
    return b"".join(chunks)


def _stream(handle: BinaryIO, member: _strictzip.Member, digest: str, sink, where: str) -> None:
    hasher = hashlib.sha256()

    def take(chunk: bytes) -> None:
        hasher.update(chunk)
        sink(chunk)

    size = _strictzip.inflate(handle, member, limit=member.size, sink=take, where=where)
    if size != member.size or hasher.hexdigest() != digest:
        raise BundleIntegrityError(f"{where}: member {member.name} does not match its "
                                   "RECORD hash")


def _parse_record(path: Path, data: bytes) -> dict[str, tuple[str, int]]:
    listed: dict[str, tuple[str, int]] = {}
    text = data.decode("utf-8", "replace")
    for line in text.split("\n")[:-1]:
        parts = line.rsplit(",", 2)
        if len(parts) != 3 or not parts[2].isdigit() or not _HEX64.fullmatch(
                parts[1].encode()):
            raise _fail(path, f"malformed RECORD line {line!r}")
        if parts[0] in listed:
            raise _fail(path, f"RECORD lists {parts[0]} twice")
        listed[parts[0]] = (parts[1], int(parts[2]))
    canonical = "".join(f"{n},{d},{size}\n" for n, (d, size) in listed.items())
    if canonical.encode("utf-8") != data:
        raise _fail(path, "RECORD is not in its canonical form (changed bytes)")
    return listed


def _check_names(path: Path, zipped: dict[str, _strictzip.Member],
                 listed: dict[str, tuple[str, int]], limit: int) -> None:
    """Members against RECORD and the limit, before any of them is inflated."""
    unlisted = sorted(set(zipped) - set(listed) - {RECORD, SIGNATURE})
    missing = sorted(set(listed) - set(zipped))
    if unlisted or missing:
        raise _fail(path, f"members differ from RECORD (extra, not listed: {unlisted}; "
                    f"missing: {missing})")
    if MANIFEST not in listed:
        raise _fail(path, "RECORD does not list manifest.json")
    total = zipped[RECORD].size
    for name, (digest, size) in listed.items():
        match = _ARTIFACT.fullmatch(name)
        if name != MANIFEST and match is None:
            raise _fail(path, f"member {name!r} is neither manifest.json nor an artifact")
        if match is not None and match.group(1) != digest:
            raise _fail(path, f"artifact {name} does not hash to the digest in its name "
                        f"(RECORD gives {digest[:12]}...)")
        member = zipped[name]
        if member.size != size:
            raise _fail(path, f"member {name} declares {member.size} bytes in the zip but "
                        f"{size} in RECORD")
        # Deflate never grows data by more than a few bytes per 16 KiB block.
        if member.compressed_size > size + (size >> 9) + 1024:
            raise _fail(path, f"member {name} is stored in far more bytes than its size")
        total += size
    if total > limit:
        raise _fail(path, f"the members total {total} bytes, above the limit of {limit} "
                    f"(pass max_bytes=, or set {MAX_BYTES_VARIABLE}, for a bundle you expect "
                    "to be that large)")


def _check_signature(path: Path, handle: BinaryIO, zipped: dict[str, _strictzip.Member],
                     secret: bytes | None, manifest: bytes, record: bytes) -> bool:
    """Whether the signature was checked; it is always checked to be a hex digest."""
    stored = None
    if SIGNATURE in zipped:
        member = zipped[SIGNATURE]
        if member.size != _SIGNATURE_SIZE:
            raise _fail(path, f"SIGNATURE is {member.size} bytes, not {_SIGNATURE_SIZE}")
        chunks: list[bytes] = []
        _strictzip.inflate(handle, member, limit=_SIGNATURE_SIZE, sink=chunks.append,
                           where=str(path))
        stored = b"".join(chunks)
        if not _HEX64.fullmatch(stored):
            raise _fail(path, "SIGNATURE is not a hex digest")
    if secret is None:
        return False
    if stored is None:
        raise _fail(path, "a key was given but the bundle is not signed")
    if hmac.compare_digest(signature(secret, manifest, record), stored):
        return True
    if hmac.compare_digest(hmac.new(secret, manifest, "sha256").hexdigest().encode(), stored):
        raise _fail(path, "the bundle carries an old signature that covers manifest.json "
                    "only, not the artifacts; it cannot be trusted")
    raise _fail(path, "the signature does not match (wrong key, or changed bundle)")


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise BundleNotFoundError(f"{path}: no bundle file here; check the path") from None


def verify(path: Path, *, secret: bytes | None, max_bytes: int | None) -> Verified:
    """Check every byte of a bundle file, in constant memory but for the manifest.

    Raises
    ------
    BundleNotFoundError
        If there is no file at ``path``.
    BundleIntegrityError
        On any of the failures listed in the module docstring.
    """
    limit = _max_bytes(max_bytes)
    with _open(path) as handle:
        where = str(path)
        zipped = _strictzip.read_directory(handle, os.fstat(handle.fileno()).st_size,
                                           methods=(_strictzip.STORED, _strictzip.DEFLATED),
                                           where=where)
        if RECORD not in zipped or MANIFEST not in zipped:
            raise _fail(path, "RECORD or manifest.json is missing")
        if zipped[RECORD].size > _MAX_RECORD:
            raise _fail(path, f"RECORD is {zipped[RECORD].size} bytes, above {_MAX_RECORD}")
        chunks: list[bytes] = []
        _strictzip.inflate(handle, zipped[RECORD], limit=zipped[RECORD].size,
                           sink=chunks.append, where=where)
        record = b"".join(chunks)
        listed = _parse_record(path, record)
        _check_names(path, zipped, listed, limit)
        manifest_bytes = read_member(handle, zipped[MANIFEST], listed[MANIFEST][0], where)
        checked = _check_signature(path, handle, zipped, secret, manifest_bytes, record)
        for name, (digest, _) in listed.items():
            if name != MANIFEST:
                _stream(handle, zipped[name], digest, lambda chunk: None, where)
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError on non-UTF-8 bytes
        raise _fail(path, f"manifest.json is not JSON ({exc})") from None
    check_manifest(manifest, where)
    needed = {artifact_name(s["artifact"]) for c in manifest["chains"] for s in c["steps"]
              if s["artifact"]}
    present = set(listed) - {MANIFEST}
    if needed != present:
        raise _fail(path, f"the manifest's artifacts and the members differ (named but "
                    f"absent: {sorted(needed - present)}; present but unused: "
                    f"{sorted(present - needed)})")
    members = {name: (zipped[name], digest) for name, (digest, _) in listed.items()}
    return Verified(manifest, SIGNATURE in zipped, checked, members)
