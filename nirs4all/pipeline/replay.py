"""Replaying a chain on new spectra with its fitted ``"final"`` objects.

The chain's steps are applied in order with the same functions training used
(:mod:`nirs4all.pipeline.apply`), so replaying a chain on the rows it was trained with
reproduces its stored predictions. Wavelength-aware steps receive the axis (contract 11).
Branches are followed by their structural paths; a ``merge`` joins the branches it closes;
a stacking model replays its source chains first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from nirs4all.errors import ReplayError
from nirs4all.pipeline import _replay_steps as steps
from nirs4all.pipeline._rep_reshape import replay_reshape
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.kinds import KINDS
from nirs4all.pipeline.records import ChainRecord

__all__ = ["ReplayError", "ReplayTarget", "model_inputs", "replay_chain"]

Axis = tuple[np.ndarray, str]


@dataclass(frozen=True)
class ReplayTarget:
    """What replay needs to know of the training targets."""

    task: str
    n_targets: int
    classes: np.ndarray | None


_REPLAY = KINDS.bind_replay(vars(steps), steps.__name__)  # refuses a kind without a handler


class _Replayer:
    def __init__(self, chains: Mapping[str, ChainRecord], load: Callable[[str], Any],
                 target: ReplayTarget, fold: str,
                 metadata: Mapping[str, Any] | None = None, inputs: bool = False) -> None:
        self.metadata = metadata
        self.inputs = inputs  # stop at the model: its input, not its prediction (explain)
        self.chains = chains
        self.load = load
        self.target = target
        self.fold = fold

    def fitted(self, chain: ChainRecord, index: int, artifacts: Mapping[str, str]) -> Any:
        ref = artifacts.get(self.fold)
        if ref is None:
            raise ReplayError(f"chain {chain.chain_id[:10]} has no fitted object for step "
                              f"{index} and fold {self.fold!r}; folds are {chain.fold_ids}")
        return self.load(ref)

    def run(self, chain: ChainRecord, sources: tuple[np.ndarray, ...],
            axes: tuple[Axis, ...]) -> tuple[np.ndarray, np.ndarray | None]:
        """Each step through its kind's replay handler, until one ends the chain."""
        state = steps.ReplayPass(self, chain, (sources, axes))
        for step in chain.steps:
            result = _REPLAY[step.kind](state, step, steps.entered(state, step.branch_path))
            if result is not None and KINDS[step.kind].ends_chain:
                return result
        raise ReplayError(f"chain {chain.chain_id[:10]} has no model step")


def replay_chain(
    chain: ChainRecord,
    sources: Sequence[np.ndarray],
    axes: Sequence[Axis],
    *,
    load: Callable[[str], Any],
    target: ReplayTarget,
    chains: Mapping[str, ChainRecord] | None = None,
    fold: str = FINAL,
    metadata: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Predict with one chain on new spectra.

    Parameters
    ----------
    chain : ChainRecord
        The chain to replay.
    sources : sequence of ndarray
        Spectra of every source, in the training order, on the training axes.
    axes : sequence of (ndarray, str)
        Wavelength axis and unit of each source.
    load : callable
        Returns the fitted object for an artifact key of ``ChainStep.artifacts``.
    target : ReplayTarget
        Task, number of targets and class list of the training data.
    chains : mapping of str to ChainRecord, optional
        Every chain a stacking chain may refer to, by id.
    fold : str
        Which fitted objects to use; ``"final"`` by default.
    metadata : mapping of str to array, optional
        Metadata columns of the rows, for a chain that separates samples by metadata.

    Returns
    -------
    y_pred, y_proba
        Predictions in original target units, and class probabilities when available.
    """
    sources, axes, metadata = replay_reshape(chain, load, sources, axes, metadata)
    replayer = _Replayer(chains or {chain.chain_id: chain}, load, target, fold, metadata)
    with threadpool_limits(limits=1):
        return replayer.run(chain, tuple(sources), tuple(axes))


def model_inputs(chain: ChainRecord, sources: Sequence[np.ndarray], axes: Sequence[Axis], *,
                 load: Callable[[str], Any], target: ReplayTarget,
                 chains: Mapping[str, ChainRecord] | None = None, fold: str = FINAL,
                 ) -> tuple[Any, np.ndarray, tuple[Axis, ...], tuple[Any, ...]]:
    """Replay a chain up to its model: ``(model, model input X, its axes, y steps)``.

    The arguments are those of :func:`replay_chain`; the axes are those of every source of
    the model input, side by side in ``X``'s columns (``nirs4all.explain`` names features
    by them).
    """
    sources, axes, _ = replay_reshape(chain, load, sources, axes, None)
    replayer = _Replayer(chains or {chain.chain_id: chain}, load, target, fold, inputs=True)
    with threadpool_limits(limits=1):
        return replayer.run(chain, tuple(sources), tuple(axes))
