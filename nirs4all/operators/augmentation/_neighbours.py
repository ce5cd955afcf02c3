"""The ``k`` nearest rows of each row, with at most 1 GB of distances at a time.

LocalMixup needs each row's ``k`` nearest rows by Euclidean distance, ties broken by row
order. Their direct differences would take ``n**2 * d`` floats (1.5 TB at 10,000 x 2,000,
which is what the first version asked for), so the rows are taken a block at a time: the
Gram form ``|a|^2 + |b|^2 - 2 a.b`` (one matrix product per block; one block, numpy's
symmetric ``X @ X.T``, up to 11,585 rows) picks a few candidates more than ``k``, their
distances are then computed exactly as ``sum((a - b)**2)``, and a row whose choice the Gram
form's rounding could have changed is ranked again with every row it cannot rule out. The
result is the one the exact distances give, whatever the block size.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nearest_rows"]

_BLOCK_VALUES = 1 << 27  # Gram distances held at once (1 GB): one block up to 11,585 rows
_SPARE = 2  # candidates beyond k taken from the Gram form (the bound catches any miss)
_EXACT_VALUES = 1 << 22  # differences formed at once when ranking the candidates


def _ranked(X: np.ndarray, row: int, candidates: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest of ``candidates`` to row ``row``: exact distance, then row number."""
    candidates = np.sort(candidates)
    distances = np.sum((X[candidates] - X[row]) ** 2, axis=1)
    return candidates[np.argsort(distances, kind="stable")[:k]]


def _rank_block(X: np.ndarray, rows: slice, part: np.ndarray, k: int) -> tuple:
    """:func:`_ranked` of each row of a block on its candidates ``part`` (sorted in place):
    the chosen rows and each row's ``k``-th exact distance."""
    part.sort(axis=1)
    distances = np.empty(part.shape, dtype=X.dtype)
    step = max(1, _EXACT_VALUES // (part.shape[1] * X.shape[1]))
    for start in range(0, part.shape[0], step):
        block = slice(start, start + step)
        differences = X[part[block]] - X[rows][block, None, :]
        np.sum(differences**2, axis=2, out=distances[block])
    order = np.argsort(distances, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(part, order, 1), np.take_along_axis(distances, order[:, -1:], 1)


def nearest_rows(X: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest other rows of each row of ``X``: ``(n_rows, k)`` row numbers.

    Nearest by the squared Euclidean distance ``sum((x_i - x_j)**2)`` computed in ``X``'s
    dtype, ties broken by the lower row number, the row itself excluded; each row's list is
    in that order. Blocks of rows get candidates from the float64 Gram form; a row is then
    ranked on the exact distances of its candidates, and again with every row that the
    Gram form's rounding bound cannot rule out, so no block size or rounding changes the
    answer.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
        Finite float rows.
    k : int
        Neighbours per row, ``0 <= k <= n_rows - 1``.
    """
    n_rows, n_features = X.shape
    nearest = np.empty((n_rows, k), dtype=np.intp)
    if k == 0:
        return nearest
    X64 = np.asarray(X, dtype=np.float64)
    squares = np.einsum("ij,ij->i", X64, X64)
    taken = min(k + _SPARE, n_rows - 1)
    # |gram - true| <= (d + 2) eps64 (|x_i|^2 + |x_j|^2); |exact - true| <= (d + 2) eps_X true
    gram_error = 2.0 * (n_features + 2) * np.finfo(np.float64).eps
    relative = 2.0 * (n_features + 2) * float(np.finfo(X.dtype).eps)
    step = max(1, _BLOCK_VALUES // n_rows)
    for start in range(0, n_rows, step):
        rows = slice(start, min(start + step, n_rows))
        gram = X64[rows] @ X64.T  # X @ X.T in one block: numpy's symmetric product
        gram *= -2.0
        gram += squares[rows, None]
        gram += squares[None, :]
        own = np.arange(rows.start, rows.stop)
        gram[own - start, own] = np.inf
        part = np.argpartition(gram, taken - 1, axis=1)[:, :taken].copy()  # frees the rest
        chosen, kth = _rank_block(X, rows, part, k)
        nearest[rows] = chosen
        # rows whose true distance could be <= the k-th exact one: ranked exactly with them
        gram -= (2.0 * gram_error) * squares[rows, None]  # less the bound, in place
        gram -= (2.0 * gram_error) * squares[None, :]
        possible = gram <= kth * ((1.0 + relative) / (1.0 - relative)) + 1e-300
        beyond = possible.sum(axis=1) > np.take_along_axis(possible, part, 1).sum(axis=1)
        for offset in np.flatnonzero(beyond):
            union = np.union1d(np.flatnonzero(possible[offset]), part[offset])
            nearest[start + offset] = _ranked(X, start + offset, union, k)
    return nearest
