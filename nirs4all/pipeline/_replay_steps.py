"""The replay handler of each step kind (named in :mod:`nirs4all.pipeline.kinds`).

A handler gets the :class:`ReplayPass` of one chain, the chain step and the state the step
starts from, a ``(sources, axes, fitted y transformers so far)`` triple. It stores the state
it leaves under the step's branch path and returns None, or, for a kind that may end the
chain, the chain's prediction (``ends_chain``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.errors import ReplayError
from nirs4all.pipeline import _separation_replay as separation_replay
from nirs4all.pipeline import apply
from nirs4all.pipeline._merge_layout import arrange_parts, fit_widths, pick_sources, same_layout
from nirs4all.pipeline._merge_spec import parse_merge

if TYPE_CHECKING:
    from nirs4all.pipeline.records import ChainRecord, ChainStep

__all__ = ["ReplayPass", "entered"]


@dataclass
class ReplayPass:
    """The state of one chain's replay.

    ``replayer`` gives ``fitted(chain, index, artifacts)``, ``run(chain, sources, axes)``
    (the source chains of a stack), ``target``, ``metadata`` and ``inputs``.
    """

    replayer: Any
    chain: ChainRecord
    origin: tuple  # the chain's input: (sources, axes)
    states: dict[tuple[int, ...], tuple] = field(default_factory=dict)  # per branch path
    routes: dict[tuple[int, ...], list] = field(default_factory=dict)  # -> [router, state, owner]
    preds: dict[tuple[int, ...], list] = field(default_factory=dict)  # separated models' preds
    flags: dict[str, np.ndarray] = field(default_factory=dict)  # tag name -> flagged rows

    def __post_init__(self) -> None:
        self.states.setdefault((), (*self.origin, ()))
        self.concat_at = {s.branch_path for s in self.chain.steps if s.kind == "merge_concat"}

    def fitted(self, step: ChainStep) -> Any:
        return self.replayer.fitted(self.chain, step.index, step.artifacts)


def _parent_state(states: dict, path: tuple[int, ...]) -> Any:
    for cut in range(len(path), -1, -1):
        if path[:cut] in states:
            return states[path[:cut]]
    raise ReplayError(f"no state for branch path {list(path)}")


def entered(run: ReplayPass, path: tuple[int, ...]) -> Any:
    """The state a step starts from: its parent's (one source of it in a by_source branch)."""
    if path in run.states:
        return run.states[path]
    router = run.routes.get(path[:-1]) if path else None
    if router is not None and router[0]["by"] == "source":
        return separation_replay.narrow_to_source(router[0], router[1], path[-1])
    return _parent_state(run.states, path)


# -- the handlers, one per kind (pipeline/kinds.py names them) ------------------------------

def replay_carry(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    """A step that acted on the training rows only (split, augmentation, exclusion)."""
    run.states[step.branch_path] = current


def replay_transform(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    X, ax, y_steps = current
    pairs = [apply.transform_source(op, x, a)
             for op, x, a in zip(run.fitted(step), X, ax, strict=True)]
    run.states[step.branch_path] = (tuple(p[0] for p in pairs), tuple(p[1] for p in pairs),
                                    y_steps)


def replay_feature_augmentation(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    new_x, new_ax = apply.augment_features(run.fitted(step), current[0], current[1])
    run.states[step.branch_path] = (new_x, new_ax, current[2])


def replay_y_processing(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    run.states[step.branch_path] = (current[0], current[1], (*current[2], run.fitted(step)))


def replay_tag(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    """Flag the new rows with the filters of a ``tag`` or ``exclude`` step, which a chain
    keeps when a ``by_tag`` branch routes rows by them (a filter of the targets, which
    cannot judge new rows, gives its reason, raised only if a branch reads that tag)."""
    run.states[step.branch_path] = current
    if step.artifacts:
        run.flags.update(separation_replay.flag_rows(run.fitted(step), current,
                                                     run.replayer.metadata))


replay_exclude = replay_tag  # an exclusion replays as a tag: new rows are all predicted


def replay_branch(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    run.states[step.branch_path] = current
    if step.artifacts:  # a separation: how rows are routed
        router = run.fitted(step)
        run.routes[step.branch_path] = [router, current,
                                        separation_replay.tag_owner(router, run.flags)]


def replay_merge_features(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    path = step.branch_path
    if step.artifacts:  # the dict form: the layout of its parts (_merge_layout.py)
        run.states[path] = (*_laid_out(run.fitted(step), run.states, path), current[2])
        return
    children = sorted(p for p in run.states if len(p) == len(path) + 1
                      and p[:len(path)] == path)
    joined = [run.states[p] for p in children]
    run.states[path] = (tuple(x for s in joined for x in s[0]),
                        tuple(a for s in joined for a in s[1]), current[2])


def replay_merge_sources(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    joined = apply.model_input(current[0])
    run.states[step.branch_path] = ((joined,), ((np.arange(joined.shape[1], dtype=np.float64),
                                                 "index"),), current[2])


def replay_merge_predictions(run: ReplayPass, step: ChainStep, current: tuple) -> None:
    """Meta-features of a stacking step: the source chains' predictions, combined as the
    fitted combiner of the step says, after the merged branch features."""
    replayer, chain = run.replayer, run.chain
    preds = [replayer.run(replayer.chains[c], *run.origin) for c in chain.source_chains]
    features = [apply.prediction_features(p, replayer.target.classes) for p in preds]
    combiner = run.fitted(step) if step.artifacts else None
    if isinstance(combiner, Mapping):  # with the layout of its parts (_merge_layout.py)
        meta = combiner["combiner"].combine(features)
        part = ((meta,), ((np.arange(meta.shape[1], dtype=np.float64), "index"),))
        run.states[step.branch_path] = (
            *_laid_out(combiner, run.states, step.branch_path, part), ())
        return
    meta = combiner.combine(features) if combiner is not None else np.hstack(features)
    parts_x: list = []
    parts_ax: list = []
    raw = json.loads(step.spec)
    if isinstance(raw, dict) and "merge" in raw:
        spec = parse_merge(raw["merge"], "merge")[1]
        if spec is not None and spec.include_original:
            parts_x.extend(run.states[step.branch_path][0])
            parts_ax.extend(run.states[step.branch_path][1])
        for child in _feature_children(spec, run.states, step.branch_path, chain):
            parts_x.extend(child[0])
            parts_ax.extend(child[1])
    run.states[step.branch_path] = (
        (*parts_x, meta), (*parts_ax, (np.arange(meta.shape[1], dtype=np.float64), "index")),
        ())


def replay_model(run: ReplayPass, step: ChainStep, current: tuple) -> Any:
    """The chain's model predicts (or, ``inputs``, gives its input); a separated branch's
    model predicts its own rows for the ``merge: concat`` after it."""
    path, chain, replayer = step.branch_path, run.chain, run.replayer
    if path and path[:-1] in run.concat_at and path[:-1] in run.routes:
        run.preds.setdefault(path, []).append((step.index, _own_rows(run, step, current)))
        return None
    if step.index != chain.model_step:
        return None  # a base model of a stack: replayed through source_chains
    model = run.fitted(step)
    X, ax, y_steps = current
    if replayer.inputs:
        return model, apply.model_input(X), ax, y_steps
    return apply.predict(model, apply.model_input(X), y_steps,
                         classes=replayer.target.classes, n_targets=replayer.target.n_targets)


def replay_merge_concat(run: ReplayPass, step: ChainStep, current: tuple) -> Any:
    """``merge: concat``: each row's features, or its model's predictions, from its branch;
    the chain ends here when it is the reassembled predictions of the branches' models."""
    joined = _concat(run, step)
    del run.routes[step.branch_path]
    if isinstance(joined[0], np.ndarray):
        return joined
    run.states[step.branch_path] = joined
    return None


# -- helpers --------------------------------------------------------------------------------

def _own_rows(run: ReplayPass, step: ChainStep, state: tuple) -> Any:
    """A separated branch's model on its own rows, as in training (None: no row)."""
    path = step.branch_path
    own = _owner(run, path[:-1]) == path[-1]
    if not own.any():
        return None
    target = run.replayer.target
    return apply.predict(run.fitted(step), apply.model_input(tuple(x[own] for x in state[0])),
                         state[2], classes=target.classes, n_targets=target.n_targets)


def _owner(run: ReplayPass, path: tuple[int, ...]) -> np.ndarray:
    """The branch of every row under the separation at ``path`` (computed once)."""
    route = run.routes[path]
    if route[2] is None:
        router, state = route[0], route[1]
        route[2] = separation_replay.assign_rows(router, state, run.replayer.metadata,
                                                 state[0][0].shape[0])
    return route[2]


def _children(chain: ChainRecord, path: tuple[int, ...]) -> list[tuple[int, ...]]:
    depth = len(path) + 1
    return sorted({s.branch_path[:depth] for s in chain.steps
                   if len(s.branch_path) >= depth and s.branch_path[:len(path)] == path})


def _concat(run: ReplayPass, step: ChainStep) -> tuple:
    path, chain = step.branch_path, run.chain
    router, parent, _ = run.routes[path]
    children = _children(chain, path)
    child_states = {p[-1]: entered(run, p) for p in children}
    if router["by"] == "source":
        joined = [child_states[i] for i in sorted(child_states)]
        return (tuple(x for s in joined for x in s[0]), tuple(a for s in joined for a in s[1]),
                parent[2])
    owner = _owner(run, path)
    preds = run.preds
    positions = [[index for index, _ in preds.get(p, [])] for p in children]
    for listed in positions:
        if chain.model_step in listed:  # the chain is the reassembled predictions
            j = listed.index(chain.model_step)
            return separation_replay.join_rows(
                owner, {p[-1]: preds[p][j][1] for p in children
                        if len(preds.get(p, [])) > j and preds[p][j][1] is not None},
                "a model", compact=True)
    first = child_states[min(child_states)]
    if not same_layout([c[:2] for c in child_states.values()]):  # on_shape_mismatch
        order = sorted(child_states)
        spec = parse_merge(json.loads(step.spec)["merge"], "merge")[1]
        if spec is None:
            raise ReplayError("merge 'concat': the branches give features of different widths "
                              "on these spectra")
        flat = fit_widths([apply.model_input(child_states[i][0]) for i in order],
                          spec.on_shape_mismatch, "merge")
        joined = separation_replay.join_rows(owner, dict(zip(order, flat, strict=True)),
                                             "features")
        return (joined,), ((np.arange(joined.shape[1], dtype=np.float64), "index"),), parent[2]
    sources = tuple(separation_replay.join_rows(
        owner, {i: s[0][k] for i, s in child_states.items()}, "features")
        for k in range(len(first[0])))
    return sources, first[1], parent[2]


def _laid_out(layout: Mapping[str, Any], states: Mapping, path: tuple[int, ...],
              meta: tuple | None = None) -> tuple:
    """A merge's parts (the original, the branches kept, the meta-features ``meta``) laid
    out as at training."""
    parts = [states[path][:2]] if layout["original"] else []
    for i in layout["features"]:
        state = states.get((*path, i)) or _parent_state(states, (*path, i))
        parts.append(state[:2])
    parts = [pick_sources(p, layout["sources"], "the spectra given") for p in parts]
    return arrange_parts([*parts, *([meta] if meta is not None else [])], layout["output_as"])


def _feature_children(spec: Any, states: Mapping, path: tuple[int, ...],
                      chain: ChainRecord) -> list:
    """States of the branches whose features a merge keeps (by index; names were resolved
    to indices at training). A branch without a transform keeps its parent's features."""
    if spec is None or spec.features is None:
        return []
    children = _children(chain, path)
    if spec.features != "all":
        if not all(isinstance(ref, int) for ref in spec.features):
            raise ReplayError("a merge that keeps branch features by name cannot be replayed "
                              "yet; name the branches by index in 'features'")
        children = [(*path, ref) for ref in spec.features]
    return [states.get(p) or _parent_state(states, p) for p in children]
