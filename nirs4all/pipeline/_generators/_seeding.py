"""Random streams for generator nodes, keyed by where the node sits in the spec."""

from __future__ import annotations

import numpy as np

from nirs4all.utils.seeding import child_rng, fresh_seed, stable_key

__all__ = ["RandomSource", "path_key"]


def path_key(path: str) -> tuple[int, ...]:
    """Fold a node path into four 32-bit words, usable as a ``SeedSequence`` spawn key."""
    return stable_key(path)


class RandomSource:
    """Hands each random node its own ``numpy.random.Generator``.

    The stream of the node at ``path`` is ``SeedSequence(entropy=run_seed,
    spawn_key=path_key(path))``: it depends on the run seed and on the node's location, never
    on the order in which nodes are visited. A node's own ``_seed_`` replaces both. When the
    run seed is None, one is drawn from OS entropy the first time a node needs it, and kept in
    :attr:`seed_used` so the caller can record it.

    Parameters
    ----------
    random_state : int or None
        The run seed.
    """

    def __init__(self, random_state: int | None) -> None:
        self._random_state = random_state
        self.seed_used: int | None = None

    def generator(self, path: str, node_seed: int | None) -> np.random.Generator:
        """Return a fresh generator for the node at ``path``."""
        if node_seed is not None:
            return child_rng(node_seed)
        if self._random_state is None:
            self._random_state = fresh_seed()
        self.seed_used = self._random_state
        return child_rng(self._random_state, *path_key(path))
