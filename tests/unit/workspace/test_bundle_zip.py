"""The zip layout of a bundle: everything zipfile tolerates and a bundle must not hold."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from bundle_forge import (
    DEFLATED,
    STORED,
    Entry,
    build_zip,
    deflate,
    read_members,
    small_bundle,
    write,
    zeros_deflated,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nirs4all.errors import BundleIntegrityError
from nirs4all.workspace.bundle import MAX_BYTES_VARIABLE, read_bundle

BOMB_MIB = 1024  # 1 GiB of zeros, about 1 MB deflated


@pytest.fixture(scope="module")
def members(tmp_path_factory) -> dict[str, bytes]:
    return read_members(small_bundle(tmp_path_factory.mktemp("honest") / "model.n4a"))


def _entries(members: dict[str, bytes]) -> list[Entry]:
    return [Entry(name, data) for name, data in members.items()]


def _peak_while_reading(path: Path) -> tuple[int, str]:
    tracemalloc.start()
    try:
        with pytest.raises(BundleIntegrityError) as info:
            read_bundle(path)
        return tracemalloc.get_traced_memory()[1], str(info.value)
    finally:
        tracemalloc.stop()


def test_the_forged_honest_layout_reads(members, tmp_path: Path) -> None:
    path = write(tmp_path / "same.n4a", members)
    assert read_bundle(path).manifest["format"] == "nirs4all-bundle"


def test_two_members_of_one_name_are_refused(members, tmp_path: Path) -> None:
    # zipfile reads the last of two same-named members; other tools extract the first.
    fake = b'{"format": "something else"}'
    path = tmp_path / "dup.n4a"
    path.write_bytes(build_zip([Entry("manifest.json", fake), *_entries(members)]))
    assert zipfile.ZipFile(path).read("manifest.json") == members["manifest.json"]
    with pytest.raises(BundleIntegrityError, match=r"two members named 'manifest\.json'"):
        read_bundle(path)


def test_a_member_not_listed_in_record_is_refused(members, tmp_path: Path) -> None:
    path = write(tmp_path / "extra.n4a", {**members, "notes.txt": b"hello"})
    with pytest.raises(BundleIntegrityError, match=r"not listed: \['notes.txt'\]"):
        read_bundle(path)


def test_a_signature_member_that_is_not_a_signature_is_refused(members,
                                                               tmp_path: Path) -> None:
    # SIGNATURE is outside RECORD; without a key it must still be a 64-byte hex digest,
    # not a place to smuggle unverified bytes.
    path = write(tmp_path / "smuggle.n4a", {**members, "SIGNATURE": b"x" * 10_000})
    with pytest.raises(BundleIntegrityError, match="SIGNATURE"):
        read_bundle(path)


@pytest.mark.parametrize(("layout", "message"), [
    ({"prefix": b"MZ" + bytes(500)}, "before the first member"),
    ({"gap": b"junk" * 10}, "between the last member and the central directory"),
    ({"suffix": b"trailing junk"}, "follow the zip end record"),
    ({"comment": b"a comment"}, "comment"),
])
def test_bytes_outside_the_members_are_refused(members, tmp_path: Path, layout,
                                               message: str) -> None:
    path = write(tmp_path / "junk.n4a", members, **layout)
    assert zipfile.ZipFile(path).read("RECORD") == members["RECORD"]  # zipfile accepts it
    with pytest.raises(BundleIntegrityError, match=message):
        read_bundle(path)


def test_data_prepended_to_a_zip_is_refused(members, tmp_path: Path) -> None:
    honest = write(tmp_path / "honest.n4a", members).read_bytes()
    path = tmp_path / "prepended.n4a"
    path.write_bytes(b"#!/bin/sh\necho hi\n" + honest)  # offsets now point short
    assert zipfile.ZipFile(path).read("RECORD") == members["RECORD"]
    with pytest.raises(BundleIntegrityError, match="unaccounted for"):
        read_bundle(path)


def test_a_bomb_declared_small_in_record_is_refused_before_inflating(
        members, tmp_path: Path) -> None:
    # The zip headers tell the truth (1 GiB); RECORD claims 100 bytes.
    digest = hashlib.sha256(b"x").hexdigest()
    name = f"artifacts/{digest}.skops"
    listed = members["RECORD"] + f"{name},{digest},100\n".encode()
    entries = [Entry(n, d) for n, d in members.items() if n != "RECORD"]
    entries += [Entry(name, b"", payload=zeros_deflated(BOMB_MIB), size=BOMB_MIB << 20,
                      crc=0), Entry("RECORD", listed)]
    path = tmp_path / "bomb.n4a"
    path.write_bytes(build_zip(entries))
    assert path.stat().st_size < 2 << 20
    peak, message = _peak_while_reading(path)
    assert peak < 16 << 20
    assert "declares 1073741824 bytes in the zip but 100 in RECORD" in message


@pytest.mark.parametrize("lie", ["both headers", "local header"])
def test_a_bomb_that_lies_in_its_headers_is_refused_in_bounded_memory(
        members, tmp_path: Path, lie: str) -> None:
    # The first 4 MiB of zeros are what RECORD and the central directory describe; the
    # stream goes on to 1 GiB. zipfile stops at the declared size and never notices.
    first = bytes(4 << 20)
    digest = hashlib.sha256(first).hexdigest()
    name = f"artifacts/{digest}.skops"
    listed = members["RECORD"] + f"{name},{digest},{len(first)}\n".encode()
    bomb = Entry(name, first, payload=zeros_deflated(BOMB_MIB),
                 local_size=BOMB_MIB << 20 if lie == "local header" else None)
    entries = [Entry(n, d) for n, d in members.items() if n != "RECORD"]
    path = tmp_path / "liar.n4a"
    path.write_bytes(build_zip([*entries, bomb, Entry("RECORD", listed)]))
    assert zipfile.ZipFile(path).read(name) == first
    peak, message = _peak_while_reading(path)
    expected = ("disagrees with the central directory" if lie == "local header"
                else "inflates past its recorded size")
    assert peak < 16 << 20
    assert expected in message


def test_a_total_above_the_limit_is_refused_unless_allowed(members, tmp_path: Path,
                                                           monkeypatch) -> None:
    path = write(tmp_path / "model.n4a", members)
    size = path.stat().st_size
    total = sum(len(d) for d in members.values())
    with pytest.raises(BundleIntegrityError, match=f"total {total} bytes, above the limit"):
        read_bundle(path, max_bytes=total - 1)
    assert read_bundle(path, max_bytes=total).manifest
    monkeypatch.setenv(MAX_BYTES_VARIABLE, str(size))
    with pytest.raises(BundleIntegrityError, match=MAX_BYTES_VARIABLE):
        read_bundle(path)
    assert read_bundle(path, max_bytes=total).manifest  # the argument wins


def test_a_corrupt_deflate_stream_is_an_integrity_error(members, tmp_path: Path) -> None:
    name = next(n for n in members if n.startswith("artifacts/"))
    payload = bytearray(deflate(members[name]))
    payload[2:40] = bytes(range(200, 238))
    entries = [Entry(n, d, payload=bytes(payload) if n == name else None)
               for n, d in members.items()]
    path = tmp_path / "corrupt.n4a"
    path.write_bytes(build_zip(entries))
    with pytest.raises(BundleIntegrityError, match=f"member {name}"):
        read_bundle(path)


def test_an_unknown_compression_method_is_refused(members, tmp_path: Path) -> None:
    entries = [Entry(n, d, method=99, payload=d) if n == "manifest.json" else Entry(n, d)
               for n, d in members.items()]
    path = tmp_path / "method.n4a"
    path.write_bytes(build_zip(entries))
    with pytest.raises(BundleIntegrityError, match="compression method 99"):
        read_bundle(path)


@pytest.mark.parametrize(("central", "local"), [(STORED, DEFLATED), (DEFLATED, STORED)])
def test_headers_that_disagree_on_the_method_are_refused(members, tmp_path: Path,
                                                         central: int, local: int) -> None:
    name = next(n for n in members if n.startswith("artifacts/"))
    entries = [Entry(n, d, method=central, local_method=local) if n == name
               else Entry(n, d) for n, d in members.items()]
    path = tmp_path / "mismatch.n4a"
    path.write_bytes(build_zip(entries))
    with pytest.raises(BundleIntegrityError, match="disagrees with the central directory"):
        read_bundle(path)


def test_a_member_stored_with_two_sizes_is_refused(members, tmp_path: Path) -> None:
    name = next(n for n in members if n.startswith("artifacts/"))
    entries = [Entry(n, d, method=STORED, payload=deflate(d)) if n == name else Entry(n, d)
               for n, d in members.items()]
    path = tmp_path / "stored.n4a"
    path.write_bytes(build_zip(entries))
    with pytest.raises(BundleIntegrityError, match="stored but its two sizes differ"):
        read_bundle(path)


def _header_positions(data: bytes) -> list[int]:
    """Every byte offset of the zip headers (local headers, central directory, end record)."""
    positions = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            start = info.header_offset
            positions.extend(range(start, start + 30 + len(info.filename)))
        positions.extend(range(archive.start_dir, len(data)))
    return positions


def _refused(data: bytes, path: Path) -> bool:
    path.write_bytes(data)
    try:
        read_bundle(path).untrusted_types()
    except BundleIntegrityError:
        return True
    return False


def test_every_changed_header_byte_is_refused(members, tmp_path: Path) -> None:
    # Versions, timestamps and attributes do not change what is read, but are fixed too.
    data = write(tmp_path / "model.n4a", members).read_bytes()
    accepted = []
    for position in _header_positions(data):
        changed = bytearray(data)
        changed[position] ^= 0xFF
        if not _refused(bytes(changed), tmp_path / "changed.n4a"):
            accepted.append(position)
    assert accepted == []


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(0.0, 1.0, exclude_max=True),
       flip=st.integers(1, 255))
def test_a_changed_byte_of_member_data_is_refused(members, tmp_path: Path, fraction: float,
                                                  flip: int) -> None:
    data = write(tmp_path / "model.n4a", members).read_bytes()
    headers = set(_header_positions(data))
    body = [p for p in range(len(data)) if p not in headers]
    position = body[int(fraction * len(body))]
    changed = bytearray(data)
    changed[position] ^= flip
    # A deflate stream ignores the padding bits after its last code: flipping only those
    # leaves every member's bytes as they were, which is then the only accepted change.
    if not _refused(bytes(changed), tmp_path / "changed.n4a"):
        assert read_members(tmp_path / "changed.n4a") == members
