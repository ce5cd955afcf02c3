"""Independent reimplementation of the augmenters' seeding, to reproduce their draws in tests."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest


def row_generators(seed: int, X: np.ndarray, copy: int = 0) -> list[np.random.Generator]:
    """The generator of each row of ``X`` for ``transform`` (copy 0, first occurrence)."""
    root = np.random.SeedSequence(seed).entropy
    keys = [
        int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little")
        for row in np.ascontiguousarray(X, dtype=np.float64)
    ]
    return [
        np.random.default_rng(np.random.SeedSequence(root, spawn_key=(key, copy, 0)))
        for key in keys
    ]


@pytest.fixture(name="row_generators")
def _row_generators_fixture():
    return row_generators
