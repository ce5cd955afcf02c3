"""Replaying a chain on new spectra with its fitted ``"final"`` objects.

The chain's steps are applied in order with the same functions training used
(:mod:`nirs4all.pipeline.apply`), so replaying a chain on the rows it was trained with
reproduces its stored predictions. Wavelength-aware steps receive the axis (contract 11).
Branches are followed by their structural paths; a ``merge`` joins the branches it closes;
a stacking model replays its source chains first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from nirs4all.errors import ReplayError
from nirs4all.pipeline import _separation_replay as separation_replay
from nirs4all.pipeline import apply
from nirs4all.pipeline._rep_reshape import replay_reshape
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.records import ChainRecord

__all__ = ["ReplayError", "ReplayTarget", "model_inputs", "replay_chain"]

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
                 target: ReplayTarget, fold: str,
                 metadata: Mapping[str, Any] | None = None, inputs: bool = False) -> None:
        self.metadata = metadata
        self.inputs = inputs  # stop at the model: its input, not its prediction (explain)
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

    def _stacked(self, chain: ChainRecord, step: Any, states: dict, sources: tuple,
                 axes: tuple) -> tuple:
        """Meta-features of a stacking step: the source chains' predictions, combined as
        the fitted combiner of the step says, after the merged branch features."""
        from nirs4all.pipeline._merge_spec import parse_merge

        preds = [self.run(self.chains[c], sources, axes) for c in chain.source_chains]
        features = [apply.prediction_features(p, self.target.classes) for p in preds]
        combiner = self._fitted(chain, step.index, step.artifacts) if step.artifacts else None
        meta = combiner.combine(features) if combiner is not None else np.hstack(features)
        parts_x: list = []
        parts_ax: list = []
        raw = json.loads(step.spec)
        if isinstance(raw, dict) and "merge" in raw:
            spec = parse_merge(raw["merge"], "merge")[1]
            if spec is not None and spec.include_original:
                parts_x.extend(states[step.branch_path][0])
                parts_ax.extend(states[step.branch_path][1])
            for child in _feature_children(spec, states, step.branch_path, chain):
                parts_x.extend(child[0])
                parts_ax.extend(child[1])
        return ((*parts_x, meta), (*parts_ax, (np.arange(meta.shape[1], dtype=np.float64),
                                               "index")), ())

    def _own_rows(self, chain: ChainRecord, step: Any, routes: dict, state: tuple) -> Any:
        """A separated branch's model on its own rows, as in training (None: no row)."""
        path = step.branch_path
        own = _owner(routes, path[:-1], self.metadata) == path[-1]
        if not own.any():
            return None
        model = self._fitted(chain, step.index, step.artifacts)
        return apply.predict(model, apply.model_input(tuple(x[own] for x in state[0])),
                             state[2], classes=self.target.classes,
                             n_targets=self.target.n_targets)

    # long: one dispatch over every step kind, so that replay mirrors the executor kind by kind
    def run(self, chain: ChainRecord, sources: tuple[np.ndarray, ...],
            axes: tuple[Axis, ...]) -> tuple[np.ndarray, np.ndarray | None]:
        # state per branch path: (sources, axes, fitted y transformers so far)
        states: dict[tuple[int, ...], tuple] = {(): (sources, axes, ())}
        routes: dict[tuple[int, ...], tuple] = {}  # separation branch -> (router, state)
        preds: dict[tuple[int, ...], list] = {}  # separated branch -> its models' predictions
        concat_at = {step.branch_path for step in chain.steps if step.kind == "merge_concat"}
        for step in chain.steps:
            path = step.branch_path
            current = states.get(path) or _entered(states, path, routes)
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
                states[path] = self._stacked(chain, step, states, sources, axes)
            elif kind == "merge_sources":
                joined = apply.model_input(X)
                states[path] = ((joined,), ((np.arange(joined.shape[1], dtype=np.float64),
                                             "index"),), y_steps)
            elif kind == "model" and path and path[:-1] in concat_at and path[:-1] in routes:
                preds.setdefault(path, []).append(
                    (step.index, self._own_rows(chain, step, routes, current)))
            elif kind == "merge_concat":
                joined = _concat(chain, step, states, routes, preds, self.metadata)
                del routes[path]
                if isinstance(joined[0], np.ndarray):
                    return joined  # the reassembled predictions of the branches' models
                states[path] = joined
            elif kind == "model":
                if step.index != chain.model_step:
                    continue  # a base model of a stack: replayed through source_chains
                model = self._fitted(chain, step.index, step.artifacts)
                if self.inputs:
                    return model, apply.model_input(X), ax, y_steps
                return apply.predict(model, apply.model_input(X), y_steps,
                                     classes=self.target.classes,
                                     n_targets=self.target.n_targets)
            elif kind in ("split", "branch", "sample_augmentation", "exclude", "tag",
                          "rep_reshape"):  # rep_reshape: done on entry (_rep_reshape.py)
                states[path] = current
                if kind == "branch" and step.artifacts:  # a separation: how rows are routed
                    routes[path] = [self._fitted(chain, step.index, step.artifacts), current,
                                    None]
            else:
                raise ReplayError(f"unknown step kind {kind!r}")
        raise ReplayError(f"chain {chain.chain_id[:10]} has no model step")


def _entered(states: dict, path: tuple[int, ...], routes: dict) -> Any:
    """The state a step starts from: its parent's (one source of it in a by_source branch)."""
    router = routes.get(path[:-1]) if path else None
    if router is not None and router[0]["by"] == "source":
        return separation_replay.narrow_to_source(router[0], router[1], path[-1])
    return _parent_state(states, path)


def _owner(routes: dict, path: tuple[int, ...],
           metadata: Mapping[str, Any] | None) -> np.ndarray:
    """The branch of every row under the separation at ``path`` (computed once)."""
    route = routes[path]
    if route[2] is None:
        route[2] = separation_replay.assign_rows(route[0], route[1], metadata,
                                                 route[1][0][0].shape[0])
    return route[2]


def _concat(chain: ChainRecord, step: Any, states: dict, routes: dict, preds: dict,
            metadata: Mapping[str, Any] | None) -> tuple:
    """``merge: concat``: each row's features, or its model's predictions, from its branch."""
    path = step.branch_path
    router, parent, _ = routes[path]
    depth = len(path) + 1
    children = sorted({s.branch_path[:depth] for s in chain.steps
                       if len(s.branch_path) >= depth and s.branch_path[:len(path)] == path})
    child_states = {p[-1]: states.get(p) or _entered(states, p, routes) for p in children}
    if router["by"] == "source":
        joined = [child_states[i] for i in sorted(child_states)]
        return (tuple(x for s in joined for x in s[0]), tuple(a for s in joined for a in s[1]),
                parent[2])
    owner = _owner(routes, path, metadata)
    positions = [[index for index, _ in preds.get(p, [])] for p in children]
    for listed in positions:
        if chain.model_step in listed:  # the chain is the reassembled predictions
            j = listed.index(chain.model_step)
            return separation_replay.join_rows(
                owner, {p[-1]: preds[p][j][1] for p in children
                        if len(preds.get(p, [])) > j and preds[p][j][1] is not None},
                "a model", compact=True)
    first = child_states[min(child_states)]
    sources = tuple(separation_replay.join_rows(
        owner, {i: s[0][k] for i, s in child_states.items()}, "features")
        for k in range(len(first[0])))
    return sources, first[1], parent[2]


def _feature_children(spec: Any, states: dict, path: tuple[int, ...],
                      chain: ChainRecord) -> list:
    """States of the branches whose features a merge keeps (by index; names were resolved
    to indices at training). A branch without a transform keeps its parent's features."""
    if spec is None or spec.features is None:
        return []
    depth = len(path) + 1
    children = sorted({s.branch_path[:depth] for s in chain.steps
                       if len(s.branch_path) >= depth and s.branch_path[:len(path)] == path})
    if spec.features != "all":
        if not all(isinstance(ref, int) for ref in spec.features):
            raise ReplayError("a merge that keeps branch features by name cannot be replayed "
                              "yet; name the branches by index in 'features'")
        children = [(*path, ref) for ref in spec.features]
    return [states.get(p) or _parent_state(states, p) for p in children]


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
