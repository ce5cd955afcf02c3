"""Independent reimplementation of the augmenters' seeding, to reproduce their draws in tests.

Written with Python integers and ``math`` (no numpy ``uint64`` arithmetic), from the
definition in ``nirs4all.utils.seeding``: a row's stream key mixes the seed, a key of the
row's values, the copy and the occurrence; call ``c`` of the stream reads the SplitMix64
sequence seeded by ``mix64(key ^ mix64((c + 1) * G))``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import betaincinv

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
ROOT_SALT = 0x5851F42D4C957F2D


def mix64(z: int) -> int:
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & MASK
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def value_key(row: np.ndarray) -> int:
    """The key of a row's values: a sum of ``(b ^ (b >> 29)) * m_j``, mixed."""
    total = 0
    for j, bits in enumerate(np.ascontiguousarray(row, dtype=np.float64).view(np.uint64)):
        b = int(bits)
        multiplier = mix64(((j + 1) * GOLDEN) & MASK) | 1
        total = (total + ((b ^ (b >> 29)) * multiplier)) & MASK
    return mix64(total)


def stream_key(root: int, *words: int) -> int:
    key = mix64((root & MASK) ^ ROOT_SALT)
    for word in words:
        key = mix64(mix64((key + GOLDEN) & MASK) ^ word)
    return key


class Stream:
    """The draws of one row, with the methods of a numpy generator that the augmenters use."""

    def __init__(self, key: int) -> None:
        self.key = key
        self.call = 0

    def _values(self, n: int) -> list[int]:
        self.call += 1
        stream = mix64(self.key ^ mix64((self.call * GOLDEN) & MASK))
        return [mix64((stream + (p + 1) * GOLDEN) & MASK) for p in range(n)]

    def random(self, size=None):
        values = [(v >> 11) * 2.0**-53 for v in self._values(1 if size is None else size)]
        return values[0] if size is None else np.array(values)

    def uniform(self, low=0.0, high=1.0, size=None):
        return low + (high - low) * self.random(size)

    def standard_normal(self, size=None):
        n = 1 if size is None else size
        draws = []
        for v in self._values((n + 1) // 2):
            radius = math.sqrt(-2.0 * math.log(((v >> 32) + 0.5) * 2.0**-32))
            angle = 2.0 * math.pi * (v & 0xFFFFFFFF) * 2.0**-32
            draws += [radius * math.cos(angle), radius * math.sin(angle)]
        return draws[0] if size is None else np.array(draws[:n])

    def integers(self, low, high=None):
        low, high = (0, low) if high is None else (low, high)
        return min(low + math.floor((high - low) * self.random()), high - 1)

    def choice(self, a, size, replace=False):
        assert not replace, "the augmenters draw without replacement"
        pool = np.arange(a) if isinstance(a, int) else np.asarray(a)
        return pool[np.argsort(self.random(len(pool)), kind="stable")[:size]]

    def beta(self, a, b):
        return float(betaincinv(a, b, self.random()))


def row_generators(seed: int, X: np.ndarray, copy: int = 0) -> list[Stream]:
    """The stream of each row of ``X`` for ``transform`` (copy 0, first occurrence)."""
    return [Stream(stream_key(seed, value_key(row), copy, 0)) for row in X]


@pytest.fixture(name="row_generators")
def _row_generators_fixture():
    return row_generators
