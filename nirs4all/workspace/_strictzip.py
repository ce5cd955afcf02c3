"""A strict reader of the zip container of bundles and skops artifacts.

:mod:`zipfile` is lenient on purpose: it accepts data before the first member (for
self-extracting archives) and after the central directory, a comment, two members of the
same name (the last one wins), sizes that the local header and the central directory
disagree on, and it inflates a member before comparing its size. A signed bundle must mean
one thing only, so this reader accepts a single layout, the one :mod:`zipfile` writes to a
seekable file: members one after the other from byte 0, then the central directory, then
the end record as the last 22 bytes, no comment, no zip64, no encryption, no data
descriptors, no extra fields, and the same name, method, CRC and sizes in both headers.
The fields that do not change what is read (versions, timestamps, attributes) must hold the
fixed values :func:`canonical_info` gives every member nirs4all writes, so that a changed
byte in any header is refused too.

Inflating is streamed and capped: :func:`inflate` never produces more than the size the
caller expects, so a member that lies about its size costs one chunk of memory.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from nirs4all.errors import BundleIntegrityError

__all__ = ["CHUNK", "DEFLATED", "STORED", "Member", "canonical_info", "inflate",
           "read_directory"]

STORED, DEFLATED = 0, 8
CHUNK = 1 << 16
_END = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")
_END_MAGIC, _CENTRAL_MAGIC, _LOCAL_MAGIC = b"PK\x05\x06", b"PK\x01\x02", b"PK\x03\x04"
_UNIX, _VERSION = 3, 20
_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_DATE, _DOS_TIME = (1 << 5) | 1, 0
_ATTRIBUTES = 0o600 << 16
# Version made by, version needed, time, date, internal and external attributes.
_CENTRAL_FIXED = ((_UNIX << 8) | _VERSION, _VERSION, _DOS_TIME, _DOS_DATE, 0, _ATTRIBUTES)
_ZIP64 = 0xFFFFFFFF
_MAX_COMMENT = 0xFFFF


@dataclass(frozen=True)
class Member:
    """One member as both of its headers describe it (they were checked to agree)."""

    name: str
    method: int
    crc: int
    compressed_size: int
    size: int
    data_offset: int


def canonical_info(name: str) -> zipfile.ZipInfo:
    """The header of a member as nirs4all writes it, the same on every platform."""
    info = zipfile.ZipInfo(name, date_time=_DATE_TIME)
    info.create_system = _UNIX
    info.external_attr = _ATTRIBUTES
    return info


def _fail(where: str, message: str) -> BundleIntegrityError:
    return BundleIntegrityError(f"{where}: {message}")


def _read_at(handle: BinaryIO, offset: int, length: int, where: str) -> bytes:
    handle.seek(offset)
    data = handle.read(length)
    if len(data) != length:
        raise _fail(where, f"the file ends inside a zip header at byte {offset}")
    return data


def _end_record(handle: BinaryIO, file_size: int, where: str) -> tuple[int, int, int]:
    """Entries, central-directory size and offset, from an end record that ends the file."""
    tail_length = min(file_size, _END.size + _MAX_COMMENT)
    tail = _read_at(handle, file_size - tail_length, tail_length, where)
    position = len(tail) - _END.size
    if position < 0 or tail[position:position + 4] != _END_MAGIC:
        # Not the layout accepted: find the record anyway to say what is wrong.
        position = tail.rfind(_END_MAGIC, 0, max(position, 0))
        if position < 0:
            raise _fail(where, "not a readable bundle (no zip end record)")
    fields = _END.unpack_from(tail, position)
    _, disk, cd_disk, entries_here, entries, cd_size, cd_offset, comment = fields
    if comment:
        raise _fail(where, f"the zip holds a {comment}-byte comment; bundles have none")
    if position + _END.size != len(tail):
        raise _fail(where, f"{len(tail) - position - _END.size} byte(s) follow the zip end "
                    "record")
    if disk or cd_disk or entries_here != entries:
        raise _fail(where, "the zip spans several disks")
    if _ZIP64 in (cd_size, cd_offset) or entries == 0xFFFF:
        raise _fail(where, "the zip uses zip64 records, which bundles never need")
    end_offset = file_size - _END.size
    if cd_offset + cd_size != end_offset:
        raise _fail(where, f"{end_offset - cd_offset - cd_size} byte(s) are unaccounted for "
                    "(data prepended to the zip, or between the central directory and the "
                    "zip end record)")
    return entries, cd_size, cd_offset


def _decode(raw: bytes, flags: int) -> str:
    return raw.decode("utf-8" if flags & 0x800 else "cp437")


def _central(directory: bytes, entries: int, methods: Iterable[int],
             where: str) -> list[tuple[str, bytes, tuple[int, ...], int]]:
    """(name, raw name, (flags, method, crc, csize, size), local offset) of each entry."""
    out, position, seen = [], 0, set()
    for _ in range(entries):
        if len(directory) - position < _CENTRAL.size:
            raise _fail(where, "the central directory is shorter than its entry count")
        fields = _CENTRAL.unpack_from(directory, position)
        magic, _, _, flags, method, _, _, crc, csize, size = fields[:10]
        name_length, extra_length, comment_length, disk, _, _, offset = fields[10:]
        fixed = (*fields[1:3], *fields[5:7], *fields[14:16])
        raw = directory[position + _CENTRAL.size:position + _CENTRAL.size + name_length]
        name = _decode(raw, flags)
        if magic != _CENTRAL_MAGIC:
            raise _fail(where, f"a central directory entry is malformed (at {position})")
        if name in seen:
            raise _fail(where, f"the zip holds two members named {name!r}")
        seen.add(name)
        if flags:
            raise _fail(where, f"member {name} uses zip flags {flags:#06x} (encryption, "
                        "data descriptors, UTF-8 names ...), which bundles never use")
        if fixed != _CENTRAL_FIXED or extra_length:
            raise _fail(where, f"the central directory entry of member {name} is not as "
                        "nirs4all writes it (versions, time, attributes or extra field "
                        "changed)")
        if method not in methods:
            raise _fail(where, f"member {name} uses compression method {method}; only "
                        f"{sorted(methods)} are accepted here")
        if method == STORED and csize != size:
            raise _fail(where, f"member {name} is stored but its two sizes differ")
        if _ZIP64 in (csize, size, offset) or disk:
            raise _fail(where, f"member {name} uses zip64 or another disk")
        if comment_length:
            raise _fail(where, f"member {name} carries a comment; bundles have none")
        out.append((name, raw, (flags, method, crc, csize, size), offset))
        position += _CENTRAL.size + name_length + extra_length + comment_length
    if position != len(directory):
        raise _fail(where, f"{len(directory) - position} byte(s) of the central directory "
                    "belong to no entry")
    return out


def read_directory(handle: BinaryIO, file_size: int, *, methods: Iterable[int],
                   where: str) -> dict[str, Member]:
    """Check the layout of a zip file and return its members by name, in file order.

    Nothing is inflated. ``where`` names the file in messages.

    Raises
    ------
    BundleIntegrityError
        On any departure from the one layout accepted (see the module docstring).
    """
    entries, cd_size, cd_offset = _end_record(handle, file_size, where)
    directory = _read_at(handle, cd_offset, cd_size, where)
    members, expected = {}, 0
    methods = frozenset(methods)
    for name, raw, described, offset in sorted(_central(directory, entries, methods, where),
                                              key=lambda item: item[3]):
        if offset != expected:
            what = "before the first member" if expected == 0 else f"before member {name}"
            raise _fail(where, f"{offset - expected} byte(s) lie {what} (or members overlap)")
        local = _LOCAL.unpack(_read_at(handle, offset, _LOCAL.size, where))
        magic, version, flags, method, time, date, crc, csize, size = local[:9]
        name_length, extra_length = local[9:]
        local_name = _read_at(handle, offset + _LOCAL.size, name_length, where)
        if magic != _LOCAL_MAGIC or local_name != raw:
            raise _fail(where, f"the local header of member {name} is not where the central "
                        "directory says")
        if (version, time, date, extra_length) != (_VERSION, _DOS_TIME, _DOS_DATE, 0):
            raise _fail(where, f"the local header of member {name} is not as nirs4all writes "
                        "it (version, time or extra field changed)")
        if (flags, method, crc, csize, size) != described:
            raise _fail(where, f"the local header of member {name} disagrees with the "
                        "central directory (flags, method, CRC or sizes)")
        data_offset = offset + _LOCAL.size + name_length + extra_length
        members[name] = Member(name, method, crc, csize, size, data_offset)
        expected = data_offset + csize
    if expected != cd_offset:
        raise _fail(where, f"{cd_offset - expected} byte(s) lie between the last member and "
                    "the central directory (or it overlaps them)")
    return members


def _inflated_chunks(handle: BinaryIO, member: Member, where: str):
    """Yield the member's bytes, never more than one ``CHUNK`` at a time."""
    handle.seek(member.data_offset)
    remaining = member.compressed_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if member.method == DEFLATED else None
    while remaining:
        data = handle.read(min(CHUNK, remaining))
        if not data:
            raise _fail(where, f"member {member.name} is cut short")
        remaining -= len(data)
        if inflater is None:
            yield data
            continue
        while data:
            if inflater.eof:
                raise _fail(where, f"member {member.name} has data after its deflate stream")
            try:
                out = inflater.decompress(data, CHUNK)
            except zlib.error as exc:
                raise _fail(where, f"member {member.name} is not a valid deflate stream "
                            f"({exc})") from None
            data = inflater.unconsumed_tail
            if out:
                yield out
    if inflater is not None:
        # Input is exhausted; zlib may still hold decoded bytes, released CHUNK at a time.
        while not inflater.eof and (out := inflater.decompress(b"", CHUNK)):
            yield out
        if not inflater.eof or inflater.unused_data:
            raise _fail(where, f"member {member.name} is not a complete deflate stream")


def inflate(handle: BinaryIO, member: Member, *, limit: int, sink: Callable[[bytes], None],
            where: str) -> int:
    """Stream a member's bytes into ``sink`` and return how many there were.

    Refuses, as soon as it happens, a member that inflates past ``limit`` bytes; checks the
    CRC-32 of the headers at the end.
    """
    produced, crc = 0, 0
    for chunk in _inflated_chunks(handle, member, where):
        produced += len(chunk)
        if produced > limit:
            raise _fail(where, f"member {member.name} inflates past its recorded size of "
                        f"{limit} bytes (a zip bomb, or a changed member)")
        crc = zlib.crc32(chunk, crc)
        sink(chunk)
    if crc != member.crc:
        raise _fail(where, f"member {member.name} does not match its zip CRC-32")
    return produced
