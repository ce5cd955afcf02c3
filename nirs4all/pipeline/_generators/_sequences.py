"""Lazily indexed sequences of variants: the algebra that generator expansion is built from.

Every node of a spec becomes a :class:`Seq`. Its ``size`` is the exact number of variants
the node expands to, known without building any of them, and ``item(i)`` builds the i-th
variant as ``(value, choices)``. So counting is exact by construction (it is the same code
as expanding), the variant limit is checked before anything is built, and a random subset
of a large node (``count``) builds only the variants it keeps.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, chain, combinations, permutations
from math import comb, factorial, perm, prod
from typing import Any

import numpy as np

__all__ = [
    "Choices",
    "Collected",
    "Concat",
    "Const",
    "Drawn",
    "Head",
    "Item",
    "Mapped",
    "Product",
    "Record",
    "Selection",
    "Seq",
    "Subset",
    "Values",
]

Choices = tuple[tuple[str, Any], ...]
Item = tuple[Any, Choices]
Fetch = Callable[[int, int], Item]


class Seq(ABC):
    """An ordered sequence of ``size`` variants, built one at a time on demand."""

    size: int

    @abstractmethod
    def item(self, index: int) -> Item:
        """Build variant ``index`` (0 <= index < size) as ``(value, choices)``."""


class Const(Seq):
    """A node without generators: one variant, the node object itself."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.size = 1

    def item(self, index: int) -> Item:
        return self.value, ()


class Values(Seq):
    """Leaf values computed from their index, so a long range is never stored."""

    def __init__(self, size: int, value_at: Callable[[int], Any]) -> None:
        self.size = size
        self._value_at = value_at

    def item(self, index: int) -> Item:
        return self._value_at(index), ()


class Drawn(Seq):
    """Random leaf values, all drawn together on first use (counting draws nothing)."""

    def __init__(self, size: int, draw: Callable[[int], list[Any]]) -> None:
        self.size = size
        self._draw = draw
        self._values: list[Any] | None = None

    def item(self, index: int) -> Item:
        if self._values is None:
            self._values = self._draw(self.size)
        return self._values[index], ()


def _mixed_radix(index: int, sizes: Sequence[int]) -> list[int]:
    """Digits of ``index`` in the mixed radix ``sizes``, first digit most significant."""
    digits = [0] * len(sizes)
    for position in range(len(sizes) - 1, -1, -1):
        index, digits[position] = divmod(index, sizes[position])
    return digits


def _merge(items: Sequence[Item]) -> tuple[list[Any], Choices]:
    return [value for value, _ in items], tuple(chain.from_iterable(c for _, c in items))


class Product(Seq):
    """Cartesian product of parts (first part varies slowest), combined by ``build``."""

    def __init__(self, parts: Sequence[Seq], build: Callable[[list[Any]], Any]) -> None:
        self._parts = tuple(parts)
        self._build = build
        self.size = prod(part.size for part in self._parts)

    def item(self, index: int) -> Item:
        digits = _mixed_radix(index, [part.size for part in self._parts])
        values, choices = _merge([p.item(d) for p, d in zip(self._parts, digits, strict=True)])
        return self._build(values), choices


class Concat(Seq):
    """The variants of each part, one part after the other."""

    def __init__(self, parts: Sequence[Seq]) -> None:
        self._parts = tuple(parts)
        self._starts = [0, *accumulate(part.size for part in self._parts)]
        self.size = self._starts[-1]

    def item(self, index: int) -> Item:
        position = bisect_right(self._starts, index) - 1
        return self._parts[position].item(index - self._starts[position])


class Record(Seq):
    """Prepend ``(path, value)`` to the choices of each variant of ``inner``."""

    def __init__(self, inner: Seq, path: str) -> None:
        self._inner = inner
        self._path = path
        self.size = inner.size

    def item(self, index: int) -> Item:
        value, choices = self._inner.item(index)
        return value, ((self._path, value), *choices)


class Mapped(Seq):
    """The variants of ``inner`` with ``function`` applied to each value."""

    def __init__(self, inner: Seq, function: Callable[[Any], Any]) -> None:
        self._inner = inner
        self._function = function
        self.size = inner.size

    def item(self, index: int) -> Item:
        value, choices = self._inner.item(index)
        return self._function(value), choices


class Collected(Seq):
    """One variant: the list of every value of ``inner`` (its choices are not variant axes)."""

    def __init__(self, inner: Seq) -> None:
        self._inner = inner
        self.size = 1

    def item(self, index: int) -> Item:
        return [self._inner.item(i)[0] for i in range(self._inner.size)], ()


class Head(Seq):
    """The first ``size`` variants of ``inner``."""

    def __init__(self, inner: Seq, size: int) -> None:
        self._inner = inner
        self.size = min(size, inner.size)

    def item(self, index: int) -> Item:
        return self._inner.item(index)


class Subset(Seq):
    """``size`` variants of ``inner`` drawn without replacement, kept in ``inner``'s order.

    The indices are drawn on first use from the generator ``generator()`` returns, and sorted,
    so the subset does not depend on the order of the draw.
    """

    def __init__(self, inner: Seq, size: int, generator: Callable[[], np.random.Generator]):
        self._inner = inner
        self._generator = generator
        self._kept: list[int] | None = None
        self.size = min(size, inner.size)

    def item(self, index: int) -> Item:
        if self._kept is None:
            drawn = self._generator().choice(self._inner.size, size=self.size, replace=False)
            self._kept = sorted(int(i) for i in drawn)
        return self._inner.item(self._kept[index])


def _elementary_symmetric(weights: Sequence[int], k: int) -> list[int]:
    """``e_0 .. e_k`` of ``weights``: ``e_s`` sums the products of all s-subsets."""
    e = [1] + [0] * k
    for w in weights:
        for s in range(k, 0, -1):
            e[s] += w * e[s - 1]
    return e


class Selection(Seq):
    """Every selection of ``k`` among ``n`` items, each selection expanded.

    Item ``j`` has ``weights[j]`` variants, ``fetch(j, i)`` builds its i-th. The sequence is
    what nested loops would give: selections in :func:`itertools.combinations` order (or
    :func:`itertools.permutations` order when ``ordered``), and within a selection the
    product of its items' variants, first item slowest. A selection's value is the list of
    its items' values. Without ``accept`` any index is reached by unranking, so nothing is
    enumerated; ``accept(selection)`` filters selections (tuples of item indices), which
    requires enumerating them once.
    """

    def __init__(
        self,
        n: int,
        k: int,
        fetch: Fetch,
        *,
        weights: Sequence[int] | None = None,
        ordered: bool = False,
        accept: Callable[[tuple[int, ...]], bool] | None = None,
    ) -> None:
        self._n, self._k, self._fetch, self._ordered = n, k, fetch, ordered
        unit = weights is None or all(w == 1 for w in weights)
        self._weights = None if unit else tuple(weights)
        self._listed: list[tuple[int, ...]] | None = None
        self._suffix: list[list[int]] | None = None
        if accept is not None:
            enumerate_all = permutations if ordered else combinations
            self._listed = [s for s in enumerate_all(range(n), k) if accept(s)]
            self._starts = [0, *accumulate(self._product(s) for s in self._listed)]
            self.size = self._starts[-1]
        elif self._weights is None:
            self.size = perm(n, k) if ordered else comb(n, k)
        else:
            e_k = _elementary_symmetric(self._weights, k)[k]
            self.size = factorial(k) * e_k if ordered else e_k

    def _weight(self, j: int) -> int:
        return 1 if self._weights is None else self._weights[j]

    def _product(self, selection: Sequence[int]) -> int:
        return prod(self._weight(j) for j in selection)

    def item(self, index: int) -> Item:
        if self._listed is not None:
            position = bisect_right(self._starts, index) - 1
            selection, inner = self._listed[position], index - self._starts[position]
        elif self._ordered:
            selection, inner = self._unrank_ordered(index)
        else:
            selection, inner = self._unrank_unordered(index)
        digits = _mixed_radix(inner, [self._weight(j) for j in selection])
        return _merge([self._fetch(j, d) for j, d in zip(selection, digits, strict=True)])

    def _completions(self, start: int, size: int) -> int:
        """Weighted number of ways to pick ``size`` more items among items ``start..n-1``."""
        if self._weights is None:
            return comb(self._n - start, size)
        if self._suffix is None:
            # suffix[j][s] = e_s(weights[j:]), filled from the end.
            table = [[1] + [0] * self._k]
            for w in reversed(self._weights):
                below = table[-1]
                table.append([1] + [below[s] + w * below[s - 1] for s in range(1, self._k + 1)])
            self._suffix = table[::-1]
        return self._suffix[start][size]

    def _unrank_unordered(self, index: int) -> tuple[tuple[int, ...], int]:
        selection: list[int] = []
        multiplier, start = 1, 0
        for remaining in range(self._k, 0, -1):
            for j in range(start, self._n):
                block = multiplier * self._weight(j) * self._completions(j + 1, remaining - 1)
                if index < block:
                    selection.append(j)
                    multiplier *= self._weight(j)
                    start = j + 1
                    break
                index -= block
        return tuple(selection), index

    def _arrangements_without_each(self, available: list[int], size: int) -> list[int]:
        """For each available item, the weighted number of ordered ``size``-selections of the
        others."""
        if self._weights is None:
            return [perm(len(available) - 1, size)] * len(available)
        e_all = _elementary_symmetric([self._weights[j] for j in available], size)
        counts = []
        for j in available:
            # e_s(A \ {j}) = e_s(A) - w_j * e_{s-1}(A \ {j}), from e_0 = 1 upwards.
            without = 1
            for s in range(1, size + 1):
                without = e_all[s] - self._weights[j] * without
            counts.append(factorial(size) * without)
        return counts

    def _unrank_ordered(self, index: int) -> tuple[tuple[int, ...], int]:
        selection: list[int] = []
        available = list(range(self._n))
        multiplier = 1
        for remaining in range(self._k, 0, -1):
            after = self._arrangements_without_each(available, remaining - 1)
            for position, j in enumerate(available):
                block = multiplier * self._weight(j) * after[position]
                if index < block:
                    selection.append(j)
                    multiplier *= self._weight(j)
                    del available[position]
                    break
                index -= block
        return tuple(selection), index
