"""The one way nirs4all derives random streams and seeds (contract 6: determinism).

Every stream is ``numpy.random.SeedSequence(root, spawn_key=key)``: the root seed of a run
(or of an estimator, a generator node, a synthetic dataset) and a key naming *what* draws,
never *when* it draws. A key is made of integers; text identities (a step's canonical spec,
a fold key, a node's path in a spec) become integers through :func:`stable_key`, the first
128 bits of their SHA-256. So a stream depends on stable identities only, and ``n_jobs=1``
and ``n_jobs=4`` draw the same numbers.

- :func:`stable_key` -- text identities to a spawn key;
- :func:`child_rng` -- the generator of one stream;
- :func:`derive_seed` -- a 32-bit seed for an estimator's or a splitter's ``random_state``;
- :func:`fresh_seed` -- a seed drawn from OS entropy, for a caller that gave none (to be
  recorded, so that the draw can be repeated).

``SeedSequence.spawn(n)`` of a root without a key gives the children of keys ``(0,)`` ...
``(n - 1,)``: ``child_rng(seed, k)`` is the ``k``-th of them.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["child_rng", "derive_seed", "fresh_seed", "stable_key"]

_SEPARATOR = "\x1f"  # unit separator: ("ab", "c") and ("a", "bc") are different keys


def stable_key(*parts: str) -> tuple[int, int, int, int]:
    """Four 32-bit words from text identities, usable as a ``SeedSequence`` spawn key.

    Parameters
    ----------
    *parts : str
        Identities of what draws (a step's canonical JSON, a fold key, a node path).

    Returns
    -------
    tuple of int
        The first 16 bytes of ``SHA-256(parts joined by U+001F)``, as little-endian words.
    """
    digest = hashlib.sha256(_SEPARATOR.join(parts).encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little")  # type: ignore[return-value]
                 for i in range(0, 16, 4))


def child_rng(root: int, *key: int) -> np.random.Generator:
    """The generator of the stream ``SeedSequence(root, spawn_key=key)``.

    Parameters
    ----------
    root : int
        The root seed.
    *key : int
        What draws: small integers (a stream number, a row key) or :func:`stable_key`.
    """
    return np.random.default_rng(np.random.SeedSequence(int(root), spawn_key=tuple(key)))


def derive_seed(root: int, *parts: str) -> int:
    """A 32-bit seed from the run's root seed and stable identities (never from order).

    Parameters
    ----------
    root : int
        The run's root seed.
    *parts : str
        The identities of the seeded object (its step's canonical JSON, its fold key).
    """
    sequence = np.random.SeedSequence(int(root), spawn_key=stable_key(*parts))
    return int(sequence.generate_state(1)[0])


def fresh_seed() -> int:
    """A 32-bit seed drawn from OS entropy, for a caller that gave none; record it."""
    return int(np.random.SeedSequence().generate_state(1)[0])
