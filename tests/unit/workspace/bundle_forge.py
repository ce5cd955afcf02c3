"""Forged bundles for the trust tests: zip files written byte by byte with struct.

:mod:`zipfile` cannot write most of what these tests need (two members of one name,
headers that disagree, a member that lies about its size), so :func:`build_zip` lays out
local headers, data, central directory and end record itself. The helpers around it edit
an honest bundle's members the way an attacker would: replace bytes, rewrite ``RECORD``,
rename an artifact and patch the manifest to match.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

from nirs4all.workspace._strictzip import canonical_info

LOCAL = struct.Struct("<4s5H3L2H")
CENTRAL = struct.Struct("<4s6H3L5H2L")
END = struct.Struct("<4s4H2LH")
STORED, DEFLATED = 0, 8
MADE_BY, DOS_DATE, ATTRIBUTES = (3 << 8) | 20, 0x21, 0o600 << 16  # as nirs4all writes


@dataclass
class Entry:
    """One member; every ``None`` field is computed honestly from ``data``."""

    name: str
    data: bytes = b""
    method: int = DEFLATED
    payload: bytes | None = None  # the bytes after the local header (default: data, deflated)
    size: int | None = None  # uncompressed size declared in both headers
    crc: int | None = None
    local_size: int | None = None  # uncompressed size declared in the local header only
    local_method: int | None = None  # method declared in the local header only


def deflate(data: bytes) -> bytes:
    """Raw deflate stream (no zlib wrapper), as zip members hold."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def build_zip(entries: list[Entry], *, prefix: bytes = b"", gap: bytes = b"",
              suffix: bytes = b"", comment: bytes = b"") -> bytes:
    """Zip bytes: ``prefix``, the members, ``gap``, central directory, end record, ``suffix``.

    Offsets count from the start of the file, prefix included.
    """
    out, central = bytearray(prefix), bytearray()
    for entry in entries:
        if entry.payload is not None:
            payload = entry.payload
        else:
            payload = deflate(entry.data) if entry.method == DEFLATED else entry.data
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        size = len(entry.data) if entry.size is None else entry.size
        local_size = size if entry.local_size is None else entry.local_size
        local_method = entry.method if entry.local_method is None else entry.local_method
        name = entry.name.encode("utf-8")
        offset = len(out)
        out += LOCAL.pack(b"PK\x03\x04", 20, 0, local_method, 0, DOS_DATE, crc, len(payload),
                          local_size, len(name), 0) + name + payload
        central += CENTRAL.pack(b"PK\x01\x02", MADE_BY, 20, 0, entry.method, 0, DOS_DATE, crc,
                                len(payload), size, len(name), 0, 0, 0, 0, ATTRIBUTES,
                                offset) + name
    cd_offset = len(out) + len(gap)
    out += gap + central
    out += END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), cd_offset,
                    len(comment)) + comment
    return bytes(out + suffix)


def read_members(path: Path) -> dict[str, bytes]:
    """The members of an honest bundle, in file order."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def record(members: dict[str, bytes]) -> bytes:
    """A fresh ``RECORD`` for every member but ``RECORD`` and ``SIGNATURE``."""
    return "".join(f"{name},{hashlib.sha256(data).hexdigest()},{len(data)}\n"
                   for name, data in members.items()
                   if name not in ("RECORD", "SIGNATURE")).encode()


def relisted(members: dict[str, bytes]) -> dict[str, bytes]:
    """``members`` with ``RECORD`` rewritten to match them (``SIGNATURE`` kept as it is)."""
    out = {k: v for k, v in members.items() if k not in ("RECORD", "SIGNATURE")}
    out["RECORD"] = record(out)
    if "SIGNATURE" in members:
        out["SIGNATURE"] = members["SIGNATURE"]
    return out


def model_digest(members: dict[str, bytes]) -> str:
    """The artifact digest of the exported chain's model step."""
    manifest = json.loads(members["manifest.json"])
    return next(s["artifact"] for s in manifest["chains"][0]["steps"] if s["kind"] == "model")


def replace_artifact(members: dict[str, bytes], digest: str, data: bytes) -> dict[str, bytes]:
    """Swap one artifact for ``data`` under its own digest, patching manifest and RECORD."""
    new = hashlib.sha256(data).hexdigest()
    manifest = members["manifest.json"].decode().replace(digest, new).encode()
    out = {}
    for name, value in members.items():
        if name == f"artifacts/{digest}.skops":
            out[f"artifacts/{new}.skops"] = data
        else:
            out[name] = manifest if name == "manifest.json" else value
    return relisted(out)


def old_signature(key: bytes, manifest: bytes) -> bytes:
    """The signature bundles carried before it covered RECORD: HMAC of the manifest only."""
    return hmac.new(key, manifest, "sha256").hexdigest().encode()


def write(path: Path, members: dict[str, bytes], **layout: bytes) -> Path:
    """Write ``members`` (deflated, honest headers) with :func:`build_zip`'s ``layout``."""
    path.write_bytes(build_zip([Entry(n, d) for n, d in members.items()], **layout))
    return path


def zeros_deflated(mebibytes: int) -> bytes:
    """A raw deflate stream of ``mebibytes`` MiB of zeros (about 1 KB per MiB).

    After a full flush the compressor forgets its history, so every MiB of zeros compresses
    to the same bytes: the stream is one such piece repeated, then the final block.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = packer.compress(bytes(1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    return piece * mebibytes + packer.flush()


def with_skops_protocol(artifact: bytes, protocol: int) -> bytes:
    """A canonical skops artifact whose schema claims another skops protocol."""
    with zipfile.ZipFile(io.BytesIO(artifact)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    schema = json.loads(files["schema.json"])
    schema["protocol"] = protocol
    files["schema.json"] = json.dumps(schema, separators=(",", ":")).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in sorted(files):
            target.writestr(canonical_info(name), files[name])
    return buffer.getvalue()


@cache
def _small_run():
    import nirs4all
    from nirs4all.operators.transforms import SNV

    dataset = nirs4all.generate(40, random_state=3)
    result = nirs4all.run([SNV(), KFold(3), PLSRegression(3)], dataset, random_state=0,
                          verbose=0, workspace=None)
    return result, dataset


def small_bundle(path: Path, *, key: str | None = None) -> Path:
    """Export a small honest bundle (SNV > PLS on 40 synthetic spectra) to ``path``."""
    return _small_run()[0].export(path, key=key)


def small_dataset():
    """The spectra :func:`small_bundle` was trained on."""
    return _small_run()[1]
