"""Gaussian kernel smoothing of spectra over their own axis, on the band where it counts.

``s(w_i) = sum_j K_ij x_j / sum_j K_ij`` with ``K_ij = exp(-(w_i - w_j)^2 / (2 sigma^2))``
is a dense ``n x n`` formula, but a weight ``exp(-t^2 / 2)`` at ``t > 9.2`` standard
deviations is below ``4.3e-19`` of the kernel's peak (the weight of ``x_i`` itself, 1): the
terms beyond weigh less than the rounding of the result, so only the columns with
``|w_i - w_j| <= 9.2 sigma`` are summed. The exponent is formed as
``(-0.5 (w_i - w_j)^2) * (1 / sigma^2)``, which may differ from the dense
``-0.5 ((w_i - w_j) / sigma)^2`` in its last bit.

The band is walked by offsets (``K`` is symmetric: the pair ``(i, i + k)`` has one weight),
vectorised over rows and columns, in blocks of rows that stay in cache. On an evenly spaced
axis (steps equal to 1e-9 of a step, as ``linspace`` gives) the weight of offset ``k`` is one
number per sigma, ``exp(-(k h)^2 / (2 sigma^2))``, so a row costs a few multiply-adds per
value instead of an ``exp`` each; this moves results by about 1e-12 of the dense formula's,
the order of its own rounding of ``w_i - w_j``. Rows that share a sigma share its weights;
rows with a sigma of their own go in blocks of similar sigma, so that each block walks the
band of its own widest kernel only. No matrix product is used: its sums could depend on how
many rows are multiplied, and a row's result must not.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import correlate1d

__all__ = ["gaussian_smooth", "smooth_rows", "smooth_shared"]

_REACH = 9.2  # kernel std devs summed: exp(-0.5 * 9.2**2) = 4.3e-19, below a result's rounding
_EVEN = 1e-9  # steps within this fraction of a step of each other make an even axis
_ROW_BLOCK_VALUES = 1 << 15  # values per block of rows of the per-row path (stays in cache)
_COLUMN_BLOCK = 64  # output columns per kernel block of smooth_shared
_EVEN_BLOCK_VALUES = 1 << 16  # values per transposed block of the even-axis path (cache)


def gaussian_smooth(row: np.ndarray, axis: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian kernel smoother of ``row`` over the axis values, kernel std ``sigma``.

    ``s(w_i) = sum_j K_ij x_j / sum_j K_ij`` with ``K_ij = exp(-(w_i - w_j)^2 / (2 sigma^2))``,
    computed on the axis values themselves, so an uneven axis is smoothed by the same
    physical width everywhere. ``sigma = 0`` returns the row (float64). This is the one-row
    form of :func:`smooth_rows`.
    """
    row = np.asarray(row)
    return smooth_rows(row[None, :], axis, np.array([sigma], dtype=np.float64))[0]


def smooth_rows(X: np.ndarray, axis: np.ndarray, sigmas: np.ndarray) -> np.ndarray:
    """Row ``i`` of ``X`` smoothed by :func:`gaussian_smooth` with ``sigmas[i]`` (float64).

    The axis may be uneven and increasing or decreasing (it is sorted here, the result put
    back in the columns of ``X``); ``sigmas`` are in axis units, ``0`` leaves a row as it is.
    A row's result does not depend on the other rows, bit for bit: every row runs the same
    sums in the same order, and rows of one sigma only share the weights.
    """
    out = np.array(X, dtype=np.float64)
    sigmas = np.asarray(sigmas, dtype=np.float64).reshape(-1)
    if out.shape[0] != sigmas.shape[0]:
        raise ValueError(f"smooth_rows: {out.shape[0]} rows but {sigmas.shape[0]} sigmas")
    if out.size == 0 or not np.any(sigmas):
        return out
    order = np.argsort(np.asarray(axis, dtype=np.float64), kind="stable")
    values = np.asarray(axis, dtype=np.float64)[order]
    half_squares = _HalfSquares(values)
    distinct, groups, counts = np.unique(sigmas, return_inverse=True, return_counts=True)
    single = np.zeros(sigmas.shape[0], dtype=bool)
    for index, sigma in enumerate(distinct):
        rows = np.flatnonzero(groups == index)
        if sigma == 0 or counts[index] == 1:
            single[rows] = sigma != 0
            continue
        block = np.ix_(rows, order)
        out[block] = _smooth_block(out[block], values, np.float64(sigma), half_squares)
    rows = np.flatnonzero(single)
    rows = rows[np.argsort(sigmas[rows], kind="stable")]
    out[np.ix_(rows, order)] = _smooth_block(
        out[np.ix_(rows, order)], values, sigmas[rows], half_squares
    )
    return out


def smooth_shared(X: np.ndarray, axis: np.ndarray, sigma: float) -> np.ndarray:
    """Every row of ``X`` smoothed by :func:`gaussian_smooth` with the one ``sigma`` (> 0).

    The kernel is built once, as blocks of output columns, each over the input columns of
    its band, and applied to each row by its own vector-matrix product (a stacked
    ``matmul``), so that a row's sums never depend on the other rows. Its last bits may
    differ from :func:`smooth_rows` (another order of the sums).
    """
    out = np.array(X, dtype=np.float64)
    values = np.asarray(axis, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    values = values[order]
    half_squares = _HalfSquares(values)
    if half_squares.spacing is not None:  # even axis: one kernel of offsets for all rows
        reach = _widest(values, float(sigma))
        kernel = np.exp(np.array([half_squares(abs(k))[0] if k else 0.0
                                  for k in range(-reach, reach + 1)]) * (1.0 / sigma**2))
        # scipy's correlation runs each row on its own (a row never depends on the others);
        # dividing by the correlation of ones renormalises the kernel at the ends
        in_order = bool(np.all(order[1:] > order[:-1]))
        smoothed = correlate1d(out if in_order else out[:, order], kernel, axis=1,
                               mode="constant", cval=0.0)
        smoothed /= correlate1d(np.ones(values.shape[0]), kernel, mode="constant", cval=0.0)
        if in_order:
            return smoothed
        out[:, order] = smoothed
        return out
    low = np.searchsorted(values, values - _REACH * sigma, side="left")
    high = np.searchsorted(values, values + _REACH * sigma, side="right")
    rows = out[:, order]
    for start in range(0, values.shape[0], _COLUMN_BLOCK):
        stop = min(start + _COLUMN_BLOCK, values.shape[0])
        first, last = low[start], high[stop - 1]
        kernel = np.exp(-0.5 * ((values[start:stop, None] - values[None, first:last]) / sigma) ** 2)
        sums = (rows[:, None, first:last] @ kernel.T)[:, 0, :]
        out[:, order[start:stop]] = sums / kernel.sum(axis=1)
    return out


class _HalfSquares:
    """``-0.5 (w_{i+k} - w_i)^2`` of the sorted axis, per offset ``k``, formed once.

    On an even axis (``spacing`` is its step ``h``) it is the one number ``-0.5 (k h)^2``.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.cache: dict[int, np.ndarray] = {}
        steps = np.diff(values)
        even = steps.size > 0 and np.ptp(steps) <= _EVEN * abs(float(np.mean(steps)))
        self.spacing = (values[-1] - values[0]) / (values.shape[0] - 1) if even else None

    def __call__(self, k: int) -> np.ndarray:
        if k not in self.cache:
            self.cache[k] = (
                -0.5 * (self.values[k:] - self.values[:-k]) ** 2 if self.spacing is None
                else np.array([-0.5 * (k * self.spacing) ** 2])
            )
        return self.cache[k]


def _widest(values: np.ndarray, sigma: float) -> int:
    """The largest offset ``k`` with ``w_{i+k} - w_i <= 38.7 sigma`` for some ``i``.

    Past it every weight underflows to exactly ``0.0``: the band of the kernel.
    """
    n = values.shape[0]
    high = np.searchsorted(values, values + _REACH * sigma, side="right")
    return min(int(np.max(high - np.arange(n))) - 1, n - 1)


def _smooth_block(
    X: np.ndarray, values: np.ndarray, sigmas: np.ndarray, half_squares: _HalfSquares
) -> np.ndarray:
    """Rows of ``X`` (sorted axis ``values``) smoothed by ``sigmas`` (one per row, sorted,
    or one scalar for all), by blocks of rows that stay in cache."""
    if half_squares.spacing is not None:
        return _smooth_even(X, values, sigmas, half_squares)
    out = np.empty_like(X)
    step = max(1, _ROW_BLOCK_VALUES // values.shape[0])
    for start in range(0, X.shape[0], step):
        block = slice(start, start + step)
        scale = sigmas if sigmas.ndim == 0 else sigmas[block, None]
        out[block] = _band_sum(
            X[block], 1.0 / scale**2, _widest(values, float(np.max(scale))), half_squares
        )
    return out


def _band_sum(
    rows: np.ndarray, inverse: np.ndarray, widest: int, half_squares: _HalfSquares
) -> np.ndarray:
    """``sum_j K_ij x_j / sum_j K_ij`` over the offsets ``|j - i| <= widest`` of the band.

    The weight of the pair of columns ``(i, i + k)`` serves both of them. ``inverse`` is
    ``1 / sigma^2``, per row (a column) or for all rows (a scalar: one row of weights).
    Every row adds its terms in the same order, whatever the other rows are.
    """
    n = rows.shape[1]
    shape = rows.shape if inverse.ndim == 2 else (n,)
    numerator, weights = rows.copy(), np.ones(shape)
    kernel, product = np.empty(shape), np.empty_like(rows)
    for k in range(1, widest + 1):
        weight, term = kernel[..., : n - k], product[:, : n - k]
        np.multiply(half_squares(k), inverse, out=weight)
        np.exp(weight, out=weight)
        weights[..., :-k] += weight
        weights[..., k:] += weight
        numerator[:, :-k] += np.multiply(weight, rows[:, k:], out=term)
        numerator[:, k:] += np.multiply(weight, rows[:, :-k], out=term)
    return numerator / weights


def _smooth_even(
    X: np.ndarray, values: np.ndarray, sigmas: np.ndarray, half_squares: _HalfSquares
) -> np.ndarray:
    """:func:`_band_sum` on an even axis, where offset ``k`` has one weight per sigma.

    Blocks of rows are taken transposed (columns x rows), so that a row's weight multiplies
    a contiguous run of the block and one weight for all rows a whole block: numpy's fast
    loops. The terms are the same as :func:`_band_sum`'s, added in the same order; the sums
    of weights, which depend on a column's distance to the nearer end only (up to the band's
    reach), are formed on ``2 * reach + 1`` columns and read from there.
    """
    n = X.shape[1]
    out = np.empty_like(X)
    per_row = sigmas.ndim == 1
    step = max(1, _EVEN_BLOCK_VALUES // n)
    for start in range(0, X.shape[0], step):
        block = slice(start, start + step)
        scale = sigmas[block] if per_row else sigmas
        inverse = 1.0 / scale**2
        reach = _widest(values, float(np.max(scale)))
        weights_k = [np.exp(half_squares(k)[0] * inverse) for k in range(1, reach + 1)]
        rows = np.ascontiguousarray(X[block].T)
        numerator, term = rows.copy(), np.empty_like(rows)
        for k, weight in enumerate(weights_k, start=1):
            _add_pair(numerator, rows, k, weight if per_row else float(weight), term)
        out[block] = (numerator / _edge_weights(n, weights_k, rows.shape[1:])).T
    return out


def _add_pair(
    numerator: np.ndarray, rows: np.ndarray, k: int, weight: object, term: np.ndarray
) -> None:
    """``numerator[i] += weight * (x[i + k] + x[i - k])``, with the one existing neighbour
    at either end: the two columns at offset ``k`` share their weight and one product."""
    n = rows.shape[0]
    inner = max(n - 2 * k, 0)
    if inner:
        pair = np.add(rows[2 * k:], rows[: n - 2 * k], out=term[:inner])
        pair *= weight
        numerator[k: n - k] += pair
    ends = min(k, n - k)  # columns with a neighbour on one side only
    numerator[:ends] += np.multiply(rows[k: k + ends], weight, out=term[:ends])
    numerator[n - ends:] += np.multiply(rows[n - k - ends: n - k], weight, out=term[:ends])


def _edge_weights(n: int, weights_k: list, tail: tuple) -> np.ndarray:
    """``sum_j K_ij`` of every column ``i`` (rows x tail), accumulated as :func:`_band_sum`
    does, on a template of ``2 * reach + 1`` columns: a column further than ``reach`` from
    both ends has the template's middle sums."""
    reach = len(weights_k)
    size = min(n, 2 * reach + 1)
    template = np.ones((size, *tail))
    for k, weight in enumerate(weights_k, start=1):  # k <= reach < size: both ends exist
        template[:-k] += weight
        template[k:] += weight
    if size == n:
        return template
    middle = np.broadcast_to(template[reach], (n - 2 * reach, *tail))
    return np.concatenate([template[:reach], middle, template[reach + 1:]])
