"""The data a variant carries from step to step, and the cache of step results.

A :class:`Block` is the state of the features for one fold key: the spectra of every row of
the dataset (train and test), followed by augmented copies of training rows. Blocks are
immutable and share arrays: a step returns a new block and never writes into an array
(contract 5). Before the splitter, one block (key ``"*"``) serves every fold.

Which rows a step is fitted on depends only on the fold key:

- ``"*"`` (before the splitter) and ``"final"``: every training row;
- ``"0"``, ``"1"``, ...: the training rows of that fold;
- minus the rows an ``exclude`` step removed for that key (or for ``"*"``, every key);

always with the augmented copies whose origin is among them, so a fold never separates an
origin from its copies.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from nirs4all.pipeline.spec import Step
from nirs4all.utils.arrays import take_rows

__all__ = ["SHARED", "Block", "FittedModel", "Lane", "Rows", "StepCache", "chain_key",
           "release_points"]

SHARED = "*"
logger = logging.getLogger(__name__)


@dataclass
class FittedModel:
    """A model step's fitted folds and predictions, in original target units."""

    chain_id: str
    step: Step
    path: tuple[int, ...]
    chain: tuple[tuple[Step, tuple[int, ...], dict[str, str]], ...]
    source_chains: tuple[str, ...]
    val: dict[str, tuple[np.ndarray, np.ndarray | None]] = field(default_factory=dict)
    test: dict[str, tuple[np.ndarray, np.ndarray | None]] = field(default_factory=dict)
    train: dict[str, tuple[np.ndarray, np.ndarray | None]] = field(default_factory=dict)
    rows: Rows | None = None  # a separation branch's rows; None: every row of the run
    label: str | None = None  # a tuned model's label, with its tuned parameters


@dataclass
class Lane:
    """One branch path's state: a block per fold key, the steps so far, its models."""

    path: tuple[int, ...]
    blocks: dict[str, Block]
    chain: tuple[tuple[Step, tuple[int, ...], dict[str, str]], ...] = ()
    models: tuple[FittedModel, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rows:
    """Row positions of the dataset for fitting and predicting.

    ``train`` and ``test`` are the partitions; ``fit`` and ``val`` give, per CV fold key,
    the training rows that fit the fold and the held-out rows it predicts.
    """

    train: np.ndarray
    test: np.ndarray
    fit: dict[str, np.ndarray]
    val: dict[str, np.ndarray]
    #: Per fold key (``"*"``: every key), dataset rows an ``exclude`` step removed from fits.
    excluded: dict[str, np.ndarray] = field(default_factory=dict)

    def fit_rows(self, key: str) -> np.ndarray:
        """Base-row positions a step is fitted on for fold key ``key``."""
        rows = self.train if key in (SHARED, "final") else self.fit[key]
        for scope in {SHARED, key} & self.excluded.keys():
            rows = rows[~self.excluded[scope][rows]]
        return rows

    def test_rows(self, key: str) -> np.ndarray:
        """Test-partition positions predicted for fold key ``key``."""
        return self.test


@dataclass(frozen=True, eq=False)
class Block:
    """Features and targets of every row for one fold key.

    Parameters
    ----------
    X : tuple of ndarray
        One read-only array per source; rows are the dataset rows, then augmented rows.
    axes : tuple of (ndarray, str)
        Wavelength axis and unit of each source.
    origin : ndarray of int
        For each row, the dataset row it stands for (itself for dataset rows).
    y : ndarray or None
        Targets of every row after the y processing fitted so far.
    y_steps : tuple
        Fitted y transformers, in the order they were applied.
    key : str
        Content key: SHA-256 over the dataset hash and every step applied, for caching.
    """

    X: tuple[np.ndarray, ...]
    axes: tuple[tuple[np.ndarray, str], ...]
    origin: np.ndarray
    y: np.ndarray | None
    y_steps: tuple[Any, ...]
    key: str

    @cached_property
    def n_base(self) -> int:
        """Number of dataset rows (the augmented rows follow them)."""
        return int(np.count_nonzero(self.origin == np.arange(self.origin.shape[0])))

    def fit_index(self, base_rows: np.ndarray) -> np.ndarray:
        """Row positions to fit on: ``base_rows`` and the augmented copies of them."""
        n_base = self.n_base
        if self.origin.shape[0] == n_base:
            return base_rows
        extra = n_base + np.flatnonzero(np.isin(self.origin[n_base:], base_rows))
        return np.concatenate([base_rows, extra])

    def features(self, rows: np.ndarray | slice | None = None) -> np.ndarray:
        """Model input: the sources side by side (no copy for a single source).

        Rows that are contiguous and ascending (the training rows of most datasets, the
        first and last folds of an unshuffled KFold) are a view, not a copy: the model's own
        validation copies them once anyway.
        """
        if rows is None or isinstance(rows, slice):
            parts = self.X if rows is None else tuple(x[rows] for x in self.X)
        else:
            parts = tuple(take_rows(x, rows) for x in self.X)
        return parts[0] if len(parts) == 1 else np.hstack(parts)

    def evolve(self, **changes: Any) -> Block:
        """A new block with some fields replaced."""
        return replace(self, **changes)

    @property
    def nbytes(self) -> int:
        """Bytes held by the feature arrays."""
        return sum(int(x.nbytes) for x in self.X)


def chain_key(parent: str, *parts: str) -> str:
    """SHA-256 content key of a step result: the input's key and the step's identity."""
    sha = hashlib.sha256(parent.encode("ascii"))
    for part in parts:
        encoded = part.encode("utf-8")
        sha.update(len(encoded).to_bytes(8, "little"))
        sha.update(encoded)
    return sha.hexdigest()


class StepCache:
    """Least-recently-used cache of step results, bounded in bytes.

    Keys are content keys (:func:`chain_key`): the same input and the same step give the
    same key whichever variant asks. Counters tell how much work was saved.
    """

    def __init__(self, max_bytes: int = 1 << 30) -> None:
        self.max_bytes = int(max_bytes)
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0
        self.bytes_saved = 0

    def get(self, key: str) -> Any | None:
        """Return the cached value for ``key`` (and count the hit), or None."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        self.bytes_saved += entry[1]
        logger.debug("step cache hit", extra={"cache_key": key, "bytes_saved": entry[1]})
        return entry[0]

    def put(self, key: str, value: Any, nbytes: int) -> None:
        """Store a value that holds ``nbytes`` bytes of arrays; evict the oldest if full."""
        if nbytes > self.max_bytes or key in self._entries:
            return
        self._entries[key] = (value, nbytes)
        self._bytes += nbytes
        while self._bytes > self.max_bytes:
            evicted, (_, size) = self._entries.popitem(last=False)
            self._bytes -= size
            logger.debug("step cache eviction", extra={"cache_key": evicted, "bytes": size})

    def discard(self, key: str) -> None:
        """Forget ``key`` (its last user has it): its bytes are free once the caller lets go."""
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[1]

    def stats(self) -> dict[str, int]:
        """Hits, misses, bytes saved and bytes held."""
        return {"cache_hits": self.hits, "cache_misses": self.misses,
                "cache_bytes_saved": self.bytes_saved, "cache_bytes_held": self._bytes}


def release_points(variants: Sequence[Sequence[Step]], *,
                   in_order: bool = True) -> list[frozenset[int]]:
    """Per variant (in the order they run), the top-level steps whose results no later
    variant shares, by step index.

    A later variant shares the result of a top-level step when its steps up to that one
    are the same (canonical JSON). The executor gives those results back to the step cache
    as it uses them for the last time instead of keeping them: a one-chain run holds no
    preprocessed copy it will never read again, and a sweep drops a preprocessing once the
    last variant that starts with it is done. Only memory depends on this plan: the cache
    is keyed by content, so a result released too early is computed again, with the same
    bits.

    With ``in_order=False`` (the variants run in parallel, in an order no process knows
    in advance) only the steps that no other variant of the run starts with are released.
    """
    last: dict[tuple, int] = {}
    users: dict[tuple, int] = {}
    prefixes = []
    for position, steps in enumerate(variants):
        keys, key = [], ()
        for step in steps:
            key = (key, step.spec_json)
            keys.append(key)
            last[key] = position
            users[key] = users.get(key, 0) + 1
        prefixes.append(keys)
    return [frozenset(step.index for step, key in zip(steps, keys, strict=True)
                      if (last[key] == position if in_order else users[key] == 1))
            for position, (steps, keys) in enumerate(zip(variants, prefixes, strict=True))]
