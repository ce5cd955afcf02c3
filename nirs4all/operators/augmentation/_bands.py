"""Random bands of the augmenters, drawn and edited for all rows at once.

A row with ``m`` bands makes its band draws in turn (band 0's, then band 1's ...). Band
slot ``b`` is drawn in one :class:`RowDraws` call for the rows with ``m > b``; as every row
counts its own calls, those are the very numbers the row would draw alone, so the results
equal the row-by-row loop bit for bit. The edits then run on 2-D masks; where a per-row
numpy reduction fixes the rounding (a band's mean, ``np.interp``), it is reproduced exactly:
means are taken over rows of equal band size, interpolation uses ``np.interp``'s formula.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.utils.seeding import row_normals, row_uniforms

__all__ = [
    "band_entries",
    "band_masks",
    "band_means",
    "band_slots",
    "block_normals",
    "block_uniforms",
    "first_of_permutation",
    "interpolate_masked",
    "row_blocks",
]

_BLOCK = 1 << 18  # values per block of rows: the temporaries of a block stay small
_FEW = 8  # up to this many columns, first_of_permutation takes them one by one


def row_blocks(n_rows: int, n_columns: int) -> Iterator[slice]:
    """Slices of consecutive rows holding about ``_BLOCK`` values each."""
    step = max(1, _BLOCK // max(n_columns, 1))
    return (slice(start, start + step) for start in range(0, n_rows, step))


def band_slots(generators: RowDraws, counts: np.ndarray) -> Iterator[tuple[np.ndarray, RowDraws]]:
    """For ``b = 0 .. max(counts) - 1``: the rows with ``counts > b`` and their streams.

    The streams continue each row's calls; the calls they make are counted back into
    ``generators`` when the next slot is asked for (or the loop ends).
    """
    for slot in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > slot)
        draws = RowDraws(generators.keys[rows])
        draws.calls[:] = generators.calls[rows]
        yield rows, draws
        generators.calls[rows] = draws.calls


def band_masks(axis: np.ndarray, centres: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """``|w - c_i| <= h_i / 2`` for each row ``i``: a boolean array ``(len(centres), n)``."""
    masks = np.empty((centres.shape[0], axis.shape[0]), dtype=bool)
    halves = widths / 2.0
    for block in row_blocks(centres.shape[0], axis.shape[0]):
        distance = np.abs(axis - centres[block, None])
        np.less_equal(distance, halves[block, None], out=masks[block])
    return masks


def band_entries(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each True of ``masks``, row after row (``np.nonzero``'s order)."""
    return np.divmod(np.flatnonzero(masks), masks.shape[1])


def band_means(values: np.ndarray, rows: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """``values[rows[i]][masks[i]].mean()`` for each ``i`` (0 for an empty band).

    Rows of one band size are averaged together along their last axis, which numpy sums as
    it sums a single row of that size: the same rounding as the row-by-row mean.
    """
    band_rows, columns = band_entries(masks)
    sizes = np.bincount(band_rows, minlength=rows.shape[0])
    starts = np.cumsum(sizes) - sizes
    means = np.zeros(rows.shape[0])
    for size in np.unique(sizes[sizes > 0]):
        group = np.flatnonzero(sizes == size)
        group_columns = columns[starts[group, None] + np.arange(size)]
        means[group] = values[rows[group, None], group_columns].mean(axis=1)
    return means


def block_normals(draws: RowDraws, n: int) -> Iterator[tuple[slice, np.ndarray]]:
    """``draws.standard_normal(n)``, handed out block of rows by block of rows."""
    for block in row_blocks(len(draws), n):
        yield block, row_normals(draws.keys[block], n, draws.calls[block])
    draws.calls += 1


def block_uniforms(draws: RowDraws, n: int) -> Iterator[tuple[slice, np.ndarray]]:
    """``draws.random(n)``, handed out block of rows by block of rows."""
    for block in row_blocks(len(draws), n):
        yield block, row_uniforms(draws.keys[block], n, draws.calls[block])
    draws.calls += 1


def first_of_permutation(uniforms: np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` columns of each row's stable argsort of ``uniforms`` (in [0, 1)).

    ``uniforms`` is overwritten. A few columns are taken one at a time, each the first
    smallest remaining (``argmin`` takes the lowest column of tied values, as the stable
    sort does). More are found by a partition, and only they are sorted (by value, then
    column); a row whose ``count``-th smallest value is tied with a value left out is
    ambiguous there and takes the full stable argsort.
    """
    n_rows, n = uniforms.shape
    if count >= n:
        return np.argsort(uniforms, axis=1, kind="stable")[:, :count]
    if count <= _FEW:
        first = np.empty((n_rows, count), dtype=np.intp)
        for rank in range(count):
            first[:, rank] = np.argmin(uniforms, axis=1)
            uniforms[np.arange(n_rows), first[:, rank]] = 2.0  # above every uniform
        return first
    chosen = np.argpartition(uniforms, count - 1, axis=1)[:, :count]
    values = np.take_along_axis(uniforms, chosen, axis=1)
    order = np.lexsort((chosen, values), axis=-1)
    first = np.take_along_axis(chosen, order, axis=1)
    tied = np.count_nonzero(uniforms <= values.max(axis=1)[:, None], axis=1) > count
    for row in np.flatnonzero(tied):
        first[row] = np.argsort(uniforms[row], kind="stable")[:count]
    return first


def _runs(masked: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each masked value's row, position and run; each run's first and past-the-end position.

    ``masked`` is scanned once (its few True values are then worked on alone): a run starts
    where a masked value does not follow the previous one in the same row.
    """
    flat = np.flatnonzero(masked)
    rows, positions = np.divmod(flat, masked.shape[1])
    first = np.ones(flat.shape[0], dtype=bool)
    first[1:] = (flat[1:] != flat[:-1] + 1) | (rows[1:] != rows[:-1])
    run = np.cumsum(first) - 1
    heads = np.flatnonzero(first)
    lasts = np.append(heads[1:], flat.shape[0]) - 1  # of each run
    stops = positions[lasts] + 1 if flat.shape[0] else positions[:0]
    return rows, positions, run, positions[heads], stops


def interpolate_masked(out: np.ndarray, masked: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Replace each row's masked values as ``np.interp(axis[m], axis[~m], row[~m])`` does.

    ``axis`` is strictly monotonic. A masked value between kept neighbours ``l < r`` (in
    axis order) is ``slope * (x - w_l) + x_l`` with ``slope = (x_r - x_l) / (w_r - w_l)``,
    numpy's formula and order of rounding; past either end it is the end kept value. A
    row masked throughout is left unchanged. Rows whose result is not finite (overflowing
    slopes, where numpy switches formula) are recomputed with ``np.interp`` itself.
    """
    order, n = np.argsort(axis), axis.shape[0]
    rows, positions, run, starts, stops = _runs(masked[:, order])
    inside = ((starts > 0) | (stops < n))[run]  # a run over a whole row leaves it as it is
    rows, positions, run = rows[inside], positions[inside], run[inside]
    left, right = order[np.maximum(starts - 1, 0)][run], order[np.minimum(stops, n - 1)][run]
    x_left, x_right = out[rows, left], out[rows, right]
    with np.errstate(over="ignore", invalid="ignore"):  # np.interp warns of neither
        slopes = (x_right - x_left) / (axis[right] - axis[left])
        values = slopes * (axis[order[positions]] - axis[left]) + x_left
    values = np.where((starts == 0)[run], x_right, values)
    values = np.where((stops == n)[run], x_left, values)
    out[rows, order[positions]] = values
    for row in np.unique(rows[~np.isfinite(values)]):
        kept = order[~masked[row, order]]
        out[row, masked[row]] = np.interp(axis[masked[row]], axis[kept], out[row, kept])
    return out
