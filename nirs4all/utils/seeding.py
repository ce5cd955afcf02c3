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

Row streams (the augmenters). A generator per row costs about 0.2 ms to seed, which is more
than most perturbations of a spectrum. So rows draw from a counter-based stream instead:
draw ``p`` of call ``c`` of the row of key ``k`` is ``mix64(s + (p + 1) * G)`` with
``s = mix64(k ^ mix64((c + 1) * G))``, where ``mix64`` is the SplitMix64 finaliser and ``G``
the 64-bit golden ratio (Steele, Lea and Flood 2014, "Fast splittable pseudorandom number
generators", OOPSLA). Each value is a pure function of (key, call, position), computed with
numpy ``uint64`` arithmetic over a whole (rows x draws) block, so a row draws the same numbers
whatever the other rows and their order.

- :func:`value_keys` -- a 64-bit key from each row's values;
- :func:`row_keys` -- the key of each row's stream, from a root seed and integer identities;
- :func:`row_uniforms`, :func:`row_normals` -- the draws of one call of each row's stream.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import numpy as np

__all__ = [
    "child_rng",
    "derive_seed",
    "fresh_seed",
    "row_keys",
    "row_normals",
    "row_uniforms",
    "stable_key",
    "value_keys",
]

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


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_BLOCK = 1 << 15  # elements per block: the temporaries of a block stay in the CPU cache
_MASK_64 = (1 << 64) - 1
_ROOT_SALT = np.uint64(0x5851F42D4C957F2D)  # any odd constant: roots and words differ


def _mix64(z: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """The SplitMix64 finaliser, in place on a ``uint64`` array (a bijection of 64 bits).

    ``scratch``, an array of ``z``'s shape, holds the shifted values (no temporaries).
    """
    if scratch is None:
        scratch = np.empty_like(z)
    for shift, multiplier in ((30, _MIX_1), (27, _MIX_2), (31, None)):
        np.right_shift(z, np.uint64(shift), out=scratch)
        z ^= scratch
        if multiplier is not None:
            z *= multiplier
    return z


def value_keys(
    X: np.ndarray, check: Callable[[np.ndarray], None] | None = None
) -> np.ndarray:
    """A 64-bit key of each row's values (as float64, so float32 rows key alike).

    Each value's bits ``b`` become ``(b ^ (b >> 29)) * m_j`` with an odd multiplier per column
    ``j``; the row's sum of these (modulo 2**64) goes through :func:`_mix64`. Rows that differ
    in one value always get different keys; a row's key depends on its values only.

    The rows are read block by block into one reused buffer, and the multiply-and-sum is
    one integer dot product (the same sum modulo 2**64), so the keys cost one pass over
    ``X``; ``check``, when given, is called on each block of ``X`` while it is in cache (the
    augmenters check finiteness there).

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns)
        The rows.
    check : callable, optional
        Called with each block of rows of ``X`` (a view), before its keys are computed.

    Returns
    -------
    ndarray of uint64 of shape (n_rows,)
    """
    rows64 = np.asarray(X, dtype=np.float64)
    n_rows, n_columns = rows64.shape
    multipliers = _mix64(np.arange(1, n_columns + 1, dtype=np.uint64) * _GOLDEN) | np.uint64(1)
    sums = np.empty(n_rows, dtype=np.uint64)
    step = max(1, _BLOCK // max(n_columns, 1))
    buffer = np.empty((min(step, n_rows), n_columns), dtype=np.uint64)
    for start in range(0, n_rows, step):
        block = rows64[start:start + step]
        if check is not None:
            check(block)
        bits = np.ascontiguousarray(block).view(np.uint64)
        mixed = buffer[:bits.shape[0]]
        np.right_shift(bits, np.uint64(29), out=mixed)
        mixed ^= bits
        np.dot(mixed, multipliers, out=sums[start:start + step])
    return _mix64(sums)


def row_keys(root: int, *columns: np.ndarray) -> np.ndarray:
    """The key of each row's stream: ``root`` and the row's integer identities, mixed.

    Parameters
    ----------
    root : int
        The root seed (taken modulo 2**64).
    *columns : array-like of non-negative int of shape (n_rows,)
        Identities of each row, in a fixed order (a key of its values, a copy number ...).

    Returns
    -------
    ndarray of uint64 of shape (n_rows,)
    """
    keys = _mix64(np.array([(int(root) & _MASK_64)], dtype=np.uint64) ^ _ROOT_SALT)
    for column in columns:
        keys = _mix64(_mix64(keys + _GOLDEN) ^ np.asarray(column).astype(np.uint64))
    return np.broadcast_to(keys, np.shape(columns[0]) if columns else (1,)).copy()


def _streams(keys: np.ndarray, calls: object) -> np.ndarray:
    """The stream of call ``calls`` of each row: ``mix64(key ^ mix64((call + 1) * G))``."""
    keys = np.asarray(keys, dtype=np.uint64)
    counters = np.broadcast_to(np.asarray(calls).astype(np.uint64), keys.shape) + np.uint64(1)
    return _mix64(keys ^ _mix64(counters * _GOLDEN))


def _bits(streams: np.ndarray, n: int) -> np.ndarray:
    """Draws ``0 .. n - 1`` of each stream: ``mix64(stream + (p + 1) * G)``, ``(rows, n)``."""
    block = streams[:, None] + np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN
    return _mix64(block)


def _stream_blocks(streams: np.ndarray, n: int) -> Iterator[tuple[slice, np.ndarray]]:
    """``(rows, _bits(streams[rows], n))`` for blocks of rows, in two reused buffers.

    Each block's bits are overwritten by the next block's: use them before moving on.
    """
    n_rows = streams.shape[0]
    offsets = np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN
    step = max(1, _BLOCK // max(n, 1))
    buffer = np.empty((min(step, n_rows), n), dtype=np.uint64)
    scratch = np.empty_like(buffer)
    for start in range(0, n_rows, step):
        rows = slice(start, min(start + step, n_rows))
        bits = buffer[:rows.stop - start]
        np.add(streams[rows, None], offsets, out=bits)
        yield rows, _mix64(bits, scratch[:rows.stop - start])


def row_uniforms(
    keys: np.ndarray, n: int, calls: object = 0, low: float = 0.0, high: float = 1.0
) -> np.ndarray:
    """``n`` uniforms in ``[low, high)`` per row: call ``calls`` of each row's stream.

    A draw is ``u = `` the top 53 bits of the stream's value times ``2**-53``, then
    ``u * (high - low) + low`` (skipped for ``[0, 1)``), rounded in that order.

    Parameters
    ----------
    keys : ndarray of uint64 of shape (n_rows,)
        The rows' stream keys (:func:`row_keys`).
    n : int
        Draws per row.
    calls : int or ndarray of int of shape (n_rows,), default=0
        The call number of each row (a row's successive draws use successive calls).
    low, high : float, default=0.0, 1.0
        Bounds of the draws, applied block by block while the draws are in cache.

    Returns
    -------
    ndarray of float64 of shape (n_rows, n)
    """
    streams = _streams(keys, calls)
    out = np.empty((streams.shape[0], n))
    # (k * 2**-53) * (high - low) and k * (2**-53 * (high - low)) are the same rounding of
    # the same exact product (a power of two scales exactly): one pass instead of two
    scale = 2.0**-53 * (high - low)
    shift = low != 0.0
    for rows, bits in _stream_blocks(streams, n):
        bits >>= np.uint64(11)
        # bits < 2**53 read as int64: the same numbers, and int64 -> float64 is a vector
        # instruction where uint64 -> float64 is not (8x faster)
        block = np.multiply(bits.view(np.int64), scale, out=out[rows])
        if shift:
            block += low
    return out


def _radius(bits: np.ndarray) -> np.ndarray:
    """Box-Muller radius ``sqrt(-2 ln u1)``, ``u1 = (high 32 bits + 1/2) / 2**32``."""
    radius = (bits >> np.uint64(32)).view(np.int64).astype(np.float64)  # < 2**32: exact
    radius += 0.5
    radius *= 2.0**-32
    np.log(radius, out=radius)
    radius *= -2.0
    return np.sqrt(radius, out=radius)


def _cos_sin(bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``cos t`` and ``sin t`` of ``t = 2 pi (low 32 bits) / 2**32``.

    ``t`` is split into a tabulated angle (its top 12 bits) and a rest ``d < 2 pi / 4096``
    whose cosine and sine are their Taylor polynomials (error below ``d**6 / 720 < 1e-19``):
    numpy's float64 ``cos``/``sin`` cost five times the rest of the draw.
    """
    low = bits & np.uint64(0xFFFFFFFF)
    index = (low >> np.uint64(20)).view(np.int64)
    rest = (low & np.uint64(0xFFFFF)).view(np.int64).astype(np.float64)
    rest *= 2.0 * np.pi * 2.0**-32
    square = rest * rest
    cos_rest = square * (1.0 / 24.0)
    cos_rest -= 0.5
    cos_rest *= square
    cos_rest += 1.0
    sin_rest = square * (1.0 / 120.0)
    sin_rest -= 1.0 / 6.0
    sin_rest *= square
    sin_rest += 1.0
    sin_rest *= rest
    cos_table, sin_table = _COS_TABLE[index], _SIN_TABLE[index]
    cos = cos_table * cos_rest
    cos -= sin_table * sin_rest
    sin = sin_table * cos_rest
    sin += cos_table * sin_rest
    return cos, sin


_COS_TABLE = np.cos(2.0 * np.pi * np.arange(4096) / 4096)
_SIN_TABLE = np.sin(2.0 * np.pi * np.arange(4096) / 4096)


def row_normals(keys: np.ndarray, n: int, calls: object = 0) -> np.ndarray:
    """``n`` standard normals per row: call ``calls`` of each row's stream.

    Box-Muller (Box and Muller 1958, Ann. Math. Statist. 29:610) on each 64-bit value ``p``
    of the stream: its high 32 bits give ``u1 = (hi + 1/2) / 2**32`` in ``(0, 1)``, its low
    32 bits the angle ``t = 2 pi lo / 2**32``; draws ``2p`` and ``2p + 1`` are ``r cos t`` and
    ``r sin t`` with ``r = sqrt(-2 ln u1)`` (so ``|z| < 6.8``: the 32-bit radius ends the
    tail there, at a probability of 1e-11).

    Parameters and result as :func:`row_uniforms` (``(n_rows, n)`` float64).
    """
    pairs = (n + 1) // 2
    streams = _streams(keys, calls)
    out = np.empty((streams.shape[0], 2 * pairs))
    for rows, bits in _stream_blocks(streams, pairs):
        radius = _radius(bits)
        cos, sin = _cos_sin(bits)
        cos *= radius
        sin *= radius
        out[rows, 0::2] = cos
        out[rows, 1::2] = sin
    return out[:, :n] if n % 2 else out
