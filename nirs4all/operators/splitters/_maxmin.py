"""Max-min (Kennard-Stone) selection over distances computed a block of rows at a time.

The farthest pair is found by scanning the upper triangle of the distance matrix in blocks
of rows, and the greedy loop keeps one vector, each sample's distance to its nearest
selected sample, updated with one distance row per selected sample. Time is O(n^2 p).

Memory: when the n x n matrix fits in ``_DENSE_BYTES`` (256 MiB: up to about 5,800
samples) it is computed once, symmetrically, and rows are then read from it, which is
several times faster on spectra. Beyond that, rows are recomputed when needed and memory
stays O(n p + block n).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from scipy.spatial.distance import cdist

__all__ = [
    "PairwiseDistances",
    "RowDistances",
    "cached",
    "joint_distances",
    "max_distance",
    "max_min_order",
]

# About 32 MB of float64 per block of distance rows.
_BLOCK_BYTES = 32 * 2**20
# Distance rows computed ahead in one matrix product during the greedy selection.
_LOOKAHEAD = 64
# Largest distance matrix kept in memory.
_DENSE_BYTES = 256 * 2**20

RowDistances = Callable[[np.ndarray, int], np.ndarray]


class PairwiseDistances:
    """Distances between the rows of one matrix, computed on demand.

    ``metric="euclidean"`` uses ``|a|^2 + |b|^2 - 2 a.b`` on column-centred data, so each
    block is one BLAS matrix product; centring leaves the distances unchanged and avoids
    the cancellation that large absorbance offsets would cause. Any other metric goes
    through :func:`scipy.spatial.distance.cdist`.
    """

    def __init__(self, X: np.ndarray, metric: str | Callable = "euclidean") -> None:
        self.metric = metric
        if isinstance(metric, str) and metric == "euclidean":
            self._X = X - X.mean(axis=0)
            self._sq_norms = np.einsum("ij,ij->i", self._X, self._X)
        else:
            self._X = X
            self._sq_norms = None

    def __call__(self, rows: np.ndarray, start: int = 0) -> np.ndarray:
        """Distances from the samples ``rows`` to the samples ``start, start + 1, ...``."""
        if self._sq_norms is None:
            return cdist(self._X[rows], self._X[start:], metric=self.metric)
        squared = (-2.0 * self._X[rows]) @ self._X[start:].T
        squared += self._sq_norms[rows, None]
        squared += self._sq_norms[None, start:]
        np.maximum(squared, 0.0, out=squared)
        return np.sqrt(squared, out=squared)


def _blocks(n: int) -> Iterator[tuple[int, np.ndarray]]:
    """Consecutive ranges of rows whose n distances each fill about ``_BLOCK_BYTES``."""
    size = max(1, _BLOCK_BYTES // (8 * n))
    for first in range(0, n, size):
        yield first, np.arange(first, min(first + size, n))


def cached(distances: RowDistances, n: int) -> RowDistances:
    """``distances`` read from a precomputed symmetric matrix when it fits in memory."""
    if n * n * 8 > _DENSE_BYTES:
        return distances
    matrix = np.empty((n, n))
    for first, rows in _blocks(n):
        stop = first + len(rows)
        block = distances(rows, first)
        matrix[first:stop, first:] = block
        matrix[first:, first:stop] = block.T
    return lambda rows, start: matrix[rows, start:]


def max_distance(distances: RowDistances, n: int) -> float:
    """Largest distance between two of the ``n >= 1`` samples."""
    largest = 0.0
    for first, rows in _blocks(n):
        largest = max(largest, float(distances(rows, first).max()))
    return largest


def farthest_pair(distances: RowDistances, n: int) -> tuple[int, int]:
    """The two distinct samples farthest apart; ties go to the lowest ``(i, j)``, ``i < j``."""
    best, best_pair = -np.inf, (0, 1)
    for first, rows in _blocks(n):
        block = distances(rows, first)
        # Only pairs with j > i count: mask the diagonal and the lower triangle.
        block[np.arange(block.shape[1])[None, :] <= (rows - first)[:, None]] = -np.inf
        flat = int(np.argmax(block))
        i, j = divmod(flat, block.shape[1])
        if block[i, j] > best:
            best, best_pair = float(block[i, j]), (first + i, first + j)
    return best_pair


def max_min_order(distances: RowDistances, n: int, n_select: int) -> np.ndarray:
    """Indices of ``n_select >= 2`` samples in Kennard-Stone selection order.

    Starts from :func:`farthest_pair`, then repeatedly adds the sample whose distance to
    its nearest selected sample is largest; ties go to the lowest index.

    Distance rows are computed ahead for the ``_LOOKAHEAD`` samples with the largest
    nearest-distance, in one matrix product: the next picks nearly always come from them
    (over 90 % of picks on 5,000 spectra), and one product of 64 rows costs far less than
    64 separate row computations. The lookahead only decides which rows are computed in
    advance, never which sample is chosen: each pick is the exact argmax.
    """
    first, second = farthest_pair(distances, n)
    order = np.empty(n_select, dtype=np.intp)
    order[:2] = first, second
    nearest = np.minimum(distances(np.array([first]), 0)[0], distances(np.array([second]), 0)[0])
    nearest[[first, second]] = -np.inf
    lookahead = min(_LOOKAHEAD, n)
    row_of = np.full(n, -1, dtype=np.intp)  # position of a sample's row in `ahead`, or -1
    ahead = np.empty((0, n))
    for position in range(2, n_select):
        chosen = int(np.argmax(nearest))
        if row_of[chosen] < 0:
            likely = np.argpartition(nearest, n - lookahead)[n - lookahead :]
            ahead = distances(likely, 0)
            row_of[:] = -1
            row_of[likely] = np.arange(lookahead)
        order[position] = chosen
        np.minimum(nearest, ahead[row_of[chosen]], out=nearest)
        nearest[chosen] = -np.inf
    return order


def joint_distances(
    X: np.ndarray, y: np.ndarray, metric: str | Callable, y_metric: str | Callable = "euclidean"
) -> RowDistances:
    """SPXY distances ``d_x / max d_x + d_y / max d_y``; a term whose maximum is 0 is dropped.

    ``d_x`` is kept in memory under the ``_DENSE_BYTES`` limit (see :func:`cached`).
    """
    n = X.shape[0]
    d_x = cached(PairwiseDistances(X, metric), n)
    d_y = PairwiseDistances(y.reshape(n, -1), y_metric)
    max_x, max_y = max_distance(d_x, n), max_distance(d_y, n)
    scale_x = 1.0 / max_x if max_x > 0 else 0.0
    scale_y = 1.0 / max_y if max_y > 0 else 0.0

    def joint(rows: np.ndarray, start: int) -> np.ndarray:
        combined = d_x(rows, start)
        combined *= scale_x
        combined += scale_y * d_y(rows, start)
        return combined

    return joint
