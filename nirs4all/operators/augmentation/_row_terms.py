"""``X + s_1[:, None] * r_1 + s_2[:, None] * r_2 + ...`` in one pass over ``X``.

Several augmenters add per-row multiples of curves (an edge profile, a slope, the partner
rows of a mixup) to each spectrum. Written with broadcasting, every term makes an array the
size of ``X``; here each block of rows is summed in a small buffer while it is in cache and
written once, in the order of the expression, so the result is the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["add_row_terms"]

_BLOCK = 1 << 15  # values per block: a block and its buffer stay in the CPU cache

Row = np.ndarray | Callable[[slice], np.ndarray]


def add_row_terms(
    X: np.ndarray, terms: list[tuple[np.ndarray, Row]], out: np.ndarray | None = None
) -> np.ndarray:
    """``X + scales_1[:, None] * row_1 + ...``, summed left to right, as float64.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_columns)
        The rows.
    terms : list of (scales, row)
        ``scales`` of shape (n_rows,); ``row`` one row of shape (n_columns,), the same for
        every row of ``X``, or a function giving the rows of a block (a slice of rows), for
        rows taken from another array.
    out : ndarray, optional
        ``X`` itself (float64) to add the terms in place; a new array by default.

    Returns
    -------
    ndarray of float64 of shape (n_rows, n_columns)
    """
    in_place = out is not None
    out = np.empty(X.shape, dtype=np.float64) if out is None else out
    step = max(1, _BLOCK // max(X.shape[1], 1))
    buffer = np.empty((min(step, X.shape[0]), X.shape[1]))
    for start in range(0, X.shape[0], step):
        rows = slice(start, start + step)
        block, products = out[rows], buffer[:out[rows].shape[0]]
        if not terms and not in_place:
            block[...] = X[rows]
        for number, (scales, row) in enumerate(terms):
            np.multiply(scales[rows, None], row(rows) if callable(row) else row[None, :],
                        out=products)
            # a new array takes the first term as X is copied in: one pass fewer
            np.add(block if number or in_place else X[rows], products, out=block)
    return out
