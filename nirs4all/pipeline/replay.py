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
from nirs4all.pipeline import apply
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord

__all__ = ["ReplayError", "ReplayTarget", "replay_chain"]

Axis = tuple[np.ndarray, str]


@dataclass(frozen=True)
class ReplayTarget:
    """What replay needs to know of the training targets."""

    task: str
    n_targets: int
    classes: np.ndarray | None


def _parent_state(states: dict, path: tuple[int, ...]) -> Any:
    for cut in range(len(path), -1, -1):
        if path[:cut] in states:
            return states[path[:cut]]
    raise ReplayError(f"no state for branch path {list(path)}")


class _Replayer:
    def __init__(self, chains: Mapping[str, ChainRecord], load: Callable[[str], Any],
                 target: ReplayTarget, fold: str) -> None:
        self.chains = chains
        self.load = load
        self.target = target
        self.fold = fold

    def _fitted(self, chain: ChainRecord, index: int, artifacts: Mapping[str, str]) -> Any:
        ref = artifacts.get(self.fold)
        if ref is None:
            raise ReplayError(f"chain {chain.chain_id[:10]} has no fitted object for step "
                              f"{index} and fold {self.fold!r}; folds are {chain.fold_ids}")
        return self.load(ref)

    def run(self, chain: ChainRecord, sources: tuple[np.ndarray, ...],
            axes: tuple[Axis, ...]) -> tuple[np.ndarray, np.ndarray | None]:
        # state per branch path: (sources, axes, fitted y transformers so far)
        states: dict[tuple[int, ...], tuple] = {(): (sources, axes, ())}
        for step in chain.steps:
            path = step.branch_path
            current = states.get(path) or _parent_state(states, path)
            X, ax, y_steps = current
            kind = step.kind
            if kind == "transform":
                ops = self._fitted(chain, step.index, step.artifacts)
                pairs = [apply.transform_source(op, x, a)
                         for op, x, a in zip(ops, X, ax, strict=True)]
                states[path] = (tuple(p[0] for p in pairs), tuple(p[1] for p in pairs),
                                y_steps)
            elif kind == "feature_augmentation":
                fitted = self._fitted(chain, step.index, step.artifacts)
                new_x, new_ax = apply.augment_features(fitted, X, ax)
                states[path] = (new_x, new_ax, y_steps)
            elif kind == "y_processing":
                op = self._fitted(chain, step.index, step.artifacts)
                states[path] = (X, ax, (*y_steps, op))
            elif kind == "merge_features":
                children = sorted(p for p in states if len(p) == len(path) + 1
                                  and p[:len(path)] == path)
                joined = [states[p] for p in children]
                states[path] = (tuple(x for s in joined for x in s[0]),
                                tuple(a for s in joined for a in s[1]), y_steps)
            elif kind == "merge_predictions":
                preds = [self.run(self.chains[c], sources, axes) for c in chain.source_chains]
                meta = np.hstack([apply.prediction_features(p, self.target.classes)
                                  for p in preds])
                states[path] = ((meta,), ((np.arange(meta.shape[1], dtype=np.float64),
                                           "index"),), ())
            elif kind == "model":
                if step.index != chain.model_step:
                    continue  # a base model of a stack: replayed through source_chains
                model = self._fitted(chain, step.index, step.artifacts)
                return apply.predict(model, apply.model_input(X), y_steps,
                                     classes=self.target.classes,
                                     n_targets=self.target.n_targets)
            elif kind in ("split", "branch", "sample_augmentation", "exclude", "tag"):
                states[path] = current
            else:
                raise ReplayError(f"unknown step kind {kind!r}")
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

    Returns
    -------
    y_pred, y_proba
        Predictions in original target units, and class probabilities when available.
    """
    replayer = _Replayer(chains or {chain.chain_id: chain}, load, target, fold)
    with threadpool_limits(limits=1):
        return replayer.run(chain, tuple(sources), tuple(axes))
