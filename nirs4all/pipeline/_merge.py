"""Merging branches in full and stacking without branches, as a mixin of
:class:`~nirs4all.pipeline.execute.VariantExecutor`.

``merge: predictions`` (and ``all``, and the dict form) builds meta-features from the models
of the branches it closes: each prediction entry picks models of a branch (``select``: all,
the best, the top k or by name, ranked on pooled out-of-fold scores) and keeps their columns
apart or averages them (``aggregate``). ``features`` adds the branches' features, and
``include_original`` the features the branch started from. ``merge_predictions`` and
:class:`~nirs4all.operators.models.meta.MetaModel` stack the models before them in a lane
without closing a branch. ``merge_sources`` puts a lane's sources side by side as one block.

The fitted :class:`~nirs4all.operators.models.meta.PredictionCombiner` of each fold is the
merge step's artifact, so replay combines base predictions exactly as training did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from nirs4all.errors import SpecError
from nirs4all.pipeline import _stacking
from nirs4all.pipeline._branching import feature_block, merged_chain
from nirs4all.pipeline._merge_layout import arrange_parts, pick_sources
from nirs4all.pipeline._merge_spec import MergeSpec, PredictionSource
from nirs4all.pipeline.apply import readonly
from nirs4all.pipeline.metrics import DEFAULT_METRIC, HIGHER_IS_BETTER, score_all, sort_key
from nirs4all.pipeline.spec import iter_steps
from nirs4all.pipeline.state import Block, FittedModel, Lane, Rows, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.spec import Step

__all__ = ["MergeSteps"]

logger = logging.getLogger("nirs4all.pipeline.execute")
_DEFAULT = MergeSpec()


def _branch_name(lane: Lane) -> str:
    """The name of the innermost branch ``lane`` is in (its index when unnamed)."""
    index = lane.path[-1]
    for step, path, _ in reversed(lane.chain):
        if step.kind == "branch" and path == lane.path[:-1]:
            if step.separation is not None and step.branch_names:
                return step.branch_names[0]
            if step.separation is None and index < len(step.branch_names):
                return step.branch_names[index]
    return str(index)


class MergeSteps:
    """``merge: predictions | all | {dict}``, ``merge_predictions``, ``merge_sources``."""

    dataset: SpectroDataset
    rows: Rows
    models: list[FittedModel]
    steps: tuple[Step, ...]
    _artifact: Callable[..., str]
    _groups: Callable[[list[Lane]], list[list[Lane]]]
    _members: Callable[[], dict]

    # -- inputs of branches, for include_original ----------------------------------------

    def _remember_input(self, lane: Lane) -> None:
        """Keep the models before a branch (a merge that keeps features keeps them too), and
        the blocks it starts from when a merge of the variant asks for them."""
        self.__dict__.setdefault("_branch_models", {})[lane.path] = lane.models
        if any(s.merge is not None and s.merge.include_original
               for s in iter_steps(self.steps)):
            self.__dict__.setdefault("_branch_inputs", {})[lane.path] = lane.blocks

    def _models_before(self, path: tuple[int, ...]) -> tuple[FittedModel, ...]:
        """The models the lane at ``path`` had when it branched."""
        return self.__dict__.get("_branch_models", {}).get(path, ())

    def _chosen_lanes(self, step: Step, group: list[Lane]) -> list[Lane]:
        spec = step.merge
        if spec is None or spec.features == "all":
            chosen = list(group)
        elif spec.features is None:
            chosen = []
        else:
            chosen = [self._lane_named(step, group, ref) for ref in spec.features]
        if spec is not None and spec.include_original:
            inputs = self.__dict__.get("_branch_inputs", {}).get(group[0].path[:-1])
            origin = {k: inputs.get(k, next(iter(inputs.values()))) for k in group[0].blocks}
            chosen.insert(0, Lane(group[0].path[:-1], origin))
        return chosen

    def _lane_named(self, step: Step, group: list[Lane], ref: int | str) -> Lane:
        for lane in group:
            if ref == lane.path[-1] if isinstance(ref, int) else ref == _branch_name(lane):
                return lane
        names = [_branch_name(lane) for lane in group]
        raise SpecError(f"{step.path}.merge: no branch {ref!r}; the branches are {names} "
                        f"(indices 0..{len(group) - 1})")

    # -- model selection ------------------------------------------------------------------

    def _score(self, model: FittedModel, metric: str) -> float:
        rows = model.rows if model.rows is not None else self.rows
        keys = sorted(model.val)
        if not keys:
            return float("nan")
        at = np.concatenate([rows.val[k] for k in keys])
        pred = np.concatenate([model.val[k][0] for k in keys])
        labels = None if self.dataset.classes is None else list(self.dataset.classes)
        return score_all(self.dataset.task, self.dataset.y[at], pred, None,
                         labels=labels)[metric]

    def _select(self, step: Step, entry: PredictionSource,
                models: list[FittedModel]) -> tuple[list[FittedModel], list[float]]:
        metric = entry.metric or DEFAULT_METRIC[self.dataset.task]
        if isinstance(entry.select, tuple):
            picked = [m for m in models if m.step.label in entry.select]
            missing = set(entry.select) - {m.step.label for m in picked}
            if missing:
                self._missing(step, f"no model named {sorted(missing)}; the models are "
                              f"{[m.step.label for m in models]}")
        elif entry.select == "all":
            picked = list(models)
        else:
            k = 1 if entry.select == "best" else entry.select
            picked = sorted(models, key=lambda m: sort_key(metric, self._score(m, metric)))[:k]
        return picked, [self._score(m, metric) for m in picked]

    def _combiner(self, step: Step, entries: list[tuple[PredictionSource, list[FittedModel]]],
                  ) -> tuple[list[FittedModel], object]:
        from nirs4all.operators.models.meta import PredictionCombiner

        models, groups, weights = [], [], []
        for entry, candidates in entries:
            if not candidates:
                raise SpecError(f"{step.path}: stacking needs a model before it in each "
                                "branch it stacks")
            picked, scores = self._select(step, entry, candidates)
            if not picked:
                continue
            start = len(models)
            models.extend(picked)
            if entry.aggregate == "separate":
                groups.extend([i] for i in range(start, len(models)))
                weights.extend([1.0] for _ in picked)
                continue
            self._check_aggregate(step, entry, picked)
            groups.append(list(range(start, len(models))))
            weights.append(_weights(entry, scores, self.dataset.task))
        return models, PredictionCombiner(groups=groups, weights=weights)

    def _check_aggregate(self, step: Step, entry: PredictionSource,
                         picked: list[FittedModel]) -> None:
        if self.dataset.classes is None:
            if entry.aggregate == "proba_mean":
                raise SpecError(f"{step.path}: aggregate 'proba_mean' averages class "
                                "probabilities; this task is regression (use 'mean')")
            return
        if any(v[1] is None for m in picked for v in m.val.values()):
            raise SpecError(f"{step.path}: aggregate {entry.aggregate!r} on classifiers "
                            "averages probabilities, and a stacked model has no "
                            "predict_proba; use 'separate'")

    def _missing(self, step: Step, what: str) -> None:
        """A branch lacks the output a merge asks for: ``on_missing`` decides."""
        policy = (step.merge or _DEFAULT).on_missing
        if policy == "error":
            raise SpecError(f"{step.path}: {what}; set 'on_missing': 'warn' or 'skip' to merge "
                            "without it")
        (logger.warning if policy == "warn" else logger.debug)(
            "%s: %s; merged without it (on_missing=%s)", step.path, what, policy,
            extra={"step": step.path, "on_missing": policy})

    # -- layout: sources and output_as (pipeline/_merge_layout.py) ----------------------

    def _layout(self, step: Step, chosen: list[Lane], parent: tuple[int, ...]) -> dict:
        """What replay needs to lay the parts out as training did: the branches whose
        features are kept (by index), the original, the sources (indices), output_as."""
        spec = step.merge or _DEFAULT
        sources = None
        if spec.sources is not None:
            names = [s.name for s in self.dataset.sources]
            sources = []
            for ref in spec.sources:
                if isinstance(ref, int) and 0 <= ref < len(names):
                    sources.append(ref)
                elif isinstance(ref, str) and ref in names:
                    sources.append(names.index(ref))
                else:
                    raise SpecError(f"{step.path}.merge.sources: no source {ref!r}; the "
                                    f"dataset's sources are {names} (indices 0.."
                                    f"{len(names) - 1})")
        return {"features": [lane.path[-1] for lane in chosen if lane.path != parent],
                "original": spec.include_original, "sources": sources,
                "output_as": spec.output_as}

    def _parts(self, step: Step, chosen: list[Lane], key: str, layout: dict) -> list:
        parts = []
        for lane in chosen:
            block = lane.blocks[key]
            if layout["sources"] is not None and len(block.X) != len(self.dataset.sources):
                raise SpecError(f"{step.path}.merge.sources picks sources of the dataset, "
                                f"but a branch gives {len(block.X)} feature block(s) for its "
                                f"{len(self.dataset.sources)} sources (merge_sources inside "
                                "it?)")
            parts.append(pick_sources((block.X, block.axes), layout["sources"], "a branch"))
        return parts

    def _merged_features(self, step: Step, group: list[Lane]) -> Lane:
        """``merge: {"features": ..., "sources", "output_as"}`` (the dict form)."""
        parent = group[0].path[:-1]
        chosen = self._chosen_lanes(step, group)
        layout = self._layout(step, chosen, parent)
        blocks, refs = {}, {}
        for key in group[0].blocks:
            merged = feature_block(step, [lane.blocks[key] for lane in chosen])
            X, axes = arrange_parts(self._parts(step, chosen, key, layout), layout["output_as"])
            blocks[key] = merged.evolve(X=X, axes=axes)
            refs[key] = self._artifact(step, parent, key, layout)
        models = (*self._models_before(parent), *(m for lane in group for m in lane.models))
        return Lane(parent, blocks, merged_chain(group, step, refs), models, group[0].sources)

    # -- handlers -------------------------------------------------------------------------

    def _do_merge_predictions(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        spec = step.merge or _DEFAULT
        if spec.late:
            return [self._late(step, lane, spec) for lane in lanes]
        out = []
        for group in self._groups(lanes):
            entries = []
            for entry in spec.predictions:
                if entry.branch is None:  # every branch that ends with a model
                    entries.extend((entry, list(lane.models)) for lane in group if lane.models)
                    continue
                lane = self._lane_named(step, group, entry.branch)
                if lane.models:
                    entries.append((entry, list(lane.models)))
                else:
                    self._missing(step, f"branch {entry.branch!r} has no model to stack")
            if not entries:
                raise SpecError(f"{step.path}: merge 'predictions' needs a model at the end "
                                "of a branch")
            features = self._chosen_lanes(step, group) if step.merge is not None else []
            parent = group[0].path[:-1]
            models, blocks, refs = self._stack(step, entries, features, parent, group[0].blocks)
            chain = merged_chain(group, step, refs)
            out.append(Lane(parent, blocks, chain, (), tuple(m.chain_id for m in models)))
        return out

    def _late(self, step: Step, lane: Lane, spec: MergeSpec) -> Lane:
        if spec.scope == "current_only":
            candidates = list(lane.models)
        else:
            candidates = list(self.models)
            if spec.scope == "specified":
                candidates = [m for m in candidates if m.step.label in spec.names]
                missing = set(spec.names) - {m.step.label for m in candidates}
                if missing:
                    raise SpecError(f"{step.path}: no earlier model named {sorted(missing)}")
        models, blocks, refs = self._stack(step, [(spec.predictions[0], candidates)], [],
                                           lane.path, lane.blocks)
        return Lane(lane.path, blocks, (*lane.chain, (step, lane.path, refs)), lane.models,
                    tuple(m.chain_id for m in models))

    def _stack(self, step: Step, entries: list, features: list[Lane], path: tuple[int, ...],
               like: dict[str, Block]) -> tuple[list[FittedModel], dict[str, Block], dict]:
        spec = step.merge or _DEFAULT
        models, combiner = self._combiner(step, entries)
        meta, allowed = _stacking.meta_blocks(models, combiner, list(like), self.rows,
                                              self.dataset, step, spec.coverage)
        layout = self._layout(step, features, path)
        blocks = {}
        for key, block in meta.items():
            parts = [lane.blocks[key] for lane in features]
            if any(p.origin.shape != block.origin.shape for p in parts):
                raise SpecError(f"{step.path}: merging features with predictions needs the "
                                "same rows; sample augmentation inside the branches adds rows")
            X, axes = arrange_parts([*self._parts(step, features, key, layout),
                                     (block.X, block.axes)], layout["output_as"])
            blocks[key] = block.evolve(X=X, axes=axes,
                                       key=chain_key(block.key, *(p.key for p in parts)))
        if not allowed.all():
            owner = self._members().get(path)
            keep = {k: allowed if owner is None else allowed & owner.get(k, allowed)
                    for k in [*blocks, "final"]}
            self._members()[path] = keep
        spec_layout = spec.sources is not None or spec.output_as is not None or (
            isinstance(spec.features, tuple) and any(isinstance(r, str) for r in spec.features))
        # the combiner alone unless replay needs the layout too (then both, in one mapping)
        stored = {"combiner": combiner, **layout} if spec_layout else combiner
        refs = {key: self._artifact(step, path, key, stored) for key in blocks}
        return models, blocks, refs

    def _do_merge_sources(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        out = []
        for lane in lanes:
            blocks = {}
            for key, block in lane.blocks.items():
                X = block.features()
                blocks[key] = block.evolve(
                    X=(X if len(block.X) == 1 else readonly(X),),
                    axes=((np.arange(X.shape[1], dtype=np.float64), "index"),),
                    key=chain_key(block.key, step.spec_json))
            out.append(Lane(lane.path, blocks, (*lane.chain, (step, lane.path, {})),
                            lane.models, lane.sources))
        return out


def _weights(entry: PredictionSource, scores: list[float], task: str) -> list[float]:
    if entry.aggregate != "weighted_mean":
        return [1.0] * len(scores)
    metric = entry.metric or DEFAULT_METRIC[task]
    values = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0)
    if metric in HIGHER_IS_BETTER:
        w = np.clip(values, 0.0, None)
    else:  # an error: a smaller one weighs more
        w = np.where(values > 0, 1.0 / np.where(values > 0, values, 1.0), 0.0)
    return (w if w.sum() > 0 else np.ones_like(w)).tolist()
