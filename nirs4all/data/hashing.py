"""Streaming SHA-256 over numpy arrays and small values.

The digest depends only on content: dtype (in little-endian form), shape and values in
row-major order. Memory layout (C, Fortran, strided views) and the machine's byte order do not
change it. Arrays are fed to the hash a block of rows at a time, so no full copy is ever made.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable

import numpy as np

__all__ = ["ContentHasher", "canonical_column"]

_BLOCK_BYTES = 4 * 1024 * 1024


class ContentHasher:
    """Incremental SHA-256 with typed, length-prefixed records.

    Every record is prefixed with a tag and its length, so two different sequences of records
    can never produce the same byte stream.
    """

    def __init__(self, domain: str) -> None:
        self._sha = hashlib.sha256()
        self.add_text("domain", domain)

    def _record(self, tag: str, payload_length: int) -> None:
        encoded = tag.encode("utf-8")
        self._sha.update(struct.pack("<I", len(encoded)))
        self._sha.update(encoded)
        self._sha.update(struct.pack("<Q", payload_length))

    def add_text(self, tag: str, text: str) -> None:
        """Add one string."""
        payload = text.encode("utf-8")
        self._record(tag, len(payload))
        self._sha.update(payload)

    def add_texts(self, tag: str, texts: Iterable[str]) -> None:
        """Add a sequence of strings, each length-prefixed."""
        items = [str(t).encode("utf-8") for t in texts]
        self._record(tag, len(items))
        for item in items:
            self._sha.update(struct.pack("<Q", len(item)))
            self._sha.update(item)

    def add_array(self, tag: str, array: np.ndarray) -> None:
        """Add an array: its dtype, shape and values, streamed in blocks of rows.

        String and object arrays are hashed element by element as text.
        """
        array = np.asarray(array)
        if array.dtype.kind in "OUS":
            self.add_text(f"{tag}.kind", "text")
            self.add_text(f"{tag}.shape", repr(tuple(int(n) for n in array.shape)))
            self.add_texts(f"{tag}.values", (str(v) for v in array.reshape(-1)))
            return
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        self.add_text(f"{tag}.dtype", dtype.str.replace("=", "<").replace("|", "<"))
        self.add_text(f"{tag}.shape", repr(tuple(int(n) for n in array.shape)))
        self._record(f"{tag}.values", array.size * dtype.itemsize)
        if array.size == 0:
            return
        if array.ndim == 0:
            self._sha.update(np.ascontiguousarray(array, dtype=dtype).tobytes())
            return
        row_bytes = max(1, array[0].size * dtype.itemsize)
        rows_per_block = max(1, _BLOCK_BYTES // row_bytes)
        for start in range(0, array.shape[0], rows_per_block):
            block = np.ascontiguousarray(array[start : start + rows_per_block], dtype=dtype)
            self._sha.update(memoryview(block).cast("B"))

    def hexdigest(self) -> str:
        """Return the full 64-hex SHA-256 digest of everything added so far."""
        return self._sha.hexdigest()


def canonical_column(values: np.ndarray) -> np.ndarray:
    """A metadata column in the form its hash takes: numbers as float64 (an integer column
    read back from a CSV file as floats is the same column), anything else as it is (text is
    hashed element by element)."""
    values = np.asarray(values)
    return values.astype(np.float64) if values.dtype.kind in "biuf" else values
