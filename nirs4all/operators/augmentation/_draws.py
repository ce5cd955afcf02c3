"""Per-row random draws of the augmenters, vectorised over rows (``RowDraws``).

Row ``i`` has a stream keyed by ``(random_state, its values, copy, occurrence)`` through
:func:`nirs4all.utils.seeding.row_keys`; its ``c``-th draw call reads call ``c`` of that
stream (:func:`~nirs4all.utils.seeding.row_uniforms`). A call made for all rows at once
(``draws.uniform(...)``) and the same call made row by row (``for gen in draws:
gen.uniform(...)``) give the same numbers, because each row counts its own calls. So a row's
perturbation depends on its key alone, never on the other rows, and loops over rows of
irregular draws (a random number of bands) keep that property.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nirs4all.utils.seeding import row_normals, row_uniforms

__all__ = ["RowDraw", "RowDraws"]


class RowDraws:
    """The random streams of a batch of rows, drawn for all rows at once.

    Parameters
    ----------
    keys : ndarray of uint64 of shape (n_rows,)
        Each row's stream key (:func:`nirs4all.utils.seeding.row_keys`).
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)
        self.calls = np.zeros(self.keys.shape[0], dtype=np.int64)

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    def __iter__(self) -> Iterator[RowDraw]:
        return (RowDraw(self, row) for row in range(len(self)))

    def __getitem__(self, row: int) -> RowDraw:
        return RowDraw(self, int(row))

    def _next_calls(self) -> np.ndarray:
        calls = self.calls.copy()
        self.calls += 1
        return calls

    def random(self, size: int | None = None) -> np.ndarray:
        """``U[0, 1)`` draws: ``(n_rows,)``, or ``(n_rows, size)``."""
        return self.uniform(0.0, 1.0, size)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: int | None = None) -> np.ndarray:
        """``U[low, high)`` draws (``u * (high - low) + low``): ``(n_rows,)``/``(n_rows, size)``."""
        n = 1 if size is None else int(size)
        draws = row_uniforms(self.keys, n, self._next_calls(), low, high)
        return draws[:, 0] if size is None else draws

    def standard_normal(self, size: int | None = None) -> np.ndarray:
        """Standard normal draws: ``(n_rows,)``, or ``(n_rows, size)``."""
        draws = row_normals(self.keys, 1 if size is None else int(size), self._next_calls())
        return draws[:, 0] if size is None else draws

    def integers(self, low: int, high: int | None = None) -> np.ndarray:
        """One integer in ``[low, high)`` per row (``[0, low)`` without ``high``)."""
        low, high = (0, low) if high is None else (low, high)
        values = np.floor(low + (high - low) * self.random()).astype(np.int64)
        return np.minimum(values, high - 1)

    def beta(self, a: float, b: float) -> np.ndarray:
        """One ``Beta(a, b)`` draw per row, by the inverse CDF of a uniform."""
        from scipy.special import betaincinv  # imported here, as numpy is the only hard need

        return betaincinv(a, b, self.random())


class RowDraw:
    """The stream of one row of a :class:`RowDraws`, with the draws of a numpy generator.

    Each method call is one call of the row's stream, as the same call of ``RowDraws``.
    """

    def __init__(self, draws: RowDraws, row: int) -> None:
        self._draws = draws
        self._row = row

    def _next(self, n: int, normal: bool = False) -> np.ndarray:
        call = self._draws.calls[self._row]
        self._draws.calls[self._row] += 1
        source = row_normals if normal else row_uniforms
        return source(self._draws.keys[self._row:self._row + 1], n, call)[0]

    def random(self, size: int | None = None) -> float | np.ndarray:
        """``U[0, 1)``: a float, or an array of ``size`` draws."""
        draws = self._next(1 if size is None else int(size))
        return float(draws[0]) if size is None else draws

    def uniform(
        self, low: float = 0.0, high: float = 1.0, size: int | None = None
    ) -> float | np.ndarray:
        """``U[low, high)``: a float, or an array of ``size`` draws."""
        return low + (high - low) * self.random(size)

    def standard_normal(
        self, size: int | None = None, out: np.ndarray | None = None
    ) -> float | np.ndarray:
        """Standard normals: a float, ``size`` draws, or ``out.size`` draws written to ``out``."""
        if out is not None:
            out[...] = self._next(out.size, normal=True).reshape(out.shape)
            return out
        draws = self._next(1 if size is None else int(size), normal=True)
        return float(draws[0]) if size is None else draws

    def integers(self, low: int, high: int | None = None) -> int:
        """An integer in ``[low, high)`` (``[0, low)`` without ``high``)."""
        low, high = (0, low) if high is None else (low, high)
        return min(int(np.floor(low + (high - low) * self.random())), high - 1)

    def choice(self, a: int | np.ndarray, size: int) -> np.ndarray:
        """``size`` entries of ``a`` (or of ``range(a)``) without replacement.

        The first ``size`` of a random permutation: ``a`` ordered by one uniform per entry.
        """
        pool = np.arange(a) if isinstance(a, int | np.integer) else np.asarray(a)
        if size > pool.shape[0]:
            raise ValueError(f"RowDraw.choice: cannot take {size} of {pool.shape[0]} entries")
        return pool[np.argsort(self.random(pool.shape[0]), kind="stable")[:size]]

    def beta(self, a: float, b: float) -> float:
        """A ``Beta(a, b)`` draw, by the inverse CDF of a uniform."""
        from scipy.special import betaincinv

        return float(betaincinv(a, b, self.random()))
