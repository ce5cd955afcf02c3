"""Separation branches and ``merge: concat``, as a mixin of
:class:`~nirs4all.pipeline.execute.VariantExecutor`.

A separation branch (``by_metadata``, ``by_tag``, ``by_filter``) sends each sample to exactly
one branch. The branch's rows for fold key ``k`` are the fold's rows restricted to the
branch's samples: its steps and models are fitted on ``fit[k]`` restricted to the branch and
predict the branch's own validation and test rows only. Membership can depend on the fold
key: a filter is fitted per fold on that fold's fit rows, so a held-out sample never decides
which branch the others go to. ``by_source`` sends each source (all samples) to a branch.

``merge: concat`` reassembles the rows of a separation branch in their original order: the
features of each row come from its own branch, and the predictions of the j-th model of each
branch become one reassembled chain covering every row once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import clone

from nirs4all.errors import SpecError
from nirs4all.pipeline._filtering import with_exclusions
from nirs4all.pipeline._separation_spec import FILTER_BRANCHES, TAG_BRANCHES, Separation
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.kinds import KINDS
from nirs4all.pipeline.spec import describe
from nirs4all.pipeline.state import SHARED, Block, FittedModel, Lane, Rows, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.spec import Step

__all__ = ["BranchRows", "SeparationSteps", "restrict_rows"]

logger = logging.getLogger(__name__)
Masks = dict[str, np.ndarray]  # fold key -> bool over the dataset rows (True: in the branch)


@dataclass(frozen=True)
class BranchRows(Rows):
    """The rows of one separation branch; test rows may depend on the fold key."""

    tests: dict[str, np.ndarray] = field(default_factory=dict)

    def test_rows(self, key: str) -> np.ndarray:
        """Test rows predicted for fold key ``key``: the branch's own."""
        return self.tests.get(key, self.test)


def _mask_for(masks: Masks, key: str) -> np.ndarray:
    if key in masks:
        return masks[key]
    return masks[FINAL] if FINAL in masks else masks[SHARED]


def restrict_rows(base: Rows, masks: Masks) -> BranchRows:
    """``base`` restricted to a branch whose samples are ``masks`` (per fold key)."""
    final = _mask_for(masks, FINAL)
    tests = {k: base.test_rows(k)[m[base.test_rows(k)]] for k, m in masks.items()}
    return BranchRows(
        train=base.train[final[base.train]],
        test=base.test[final[base.test]],
        fit={k: f[_mask_for(masks, k)[f]] for k, f in base.fit.items()},
        val={k: v[_mask_for(masks, k)[v]] for k, v in base.val.items()},
        excluded=base.excluded,  # rows an exclude before the branch removed stay out
        tests=tests,
    )



def _digest(mask: np.ndarray) -> str:
    return hashlib.sha256(np.packbits(mask).tobytes()).hexdigest()


class SeparationSteps:
    """Separation branches, the per-branch rows they set, and ``merge: concat``."""

    dataset: SpectroDataset
    rows: Rows
    models: list[FittedModel]
    _run_steps: Callable[..., list[Lane]]
    _artifact: Callable[..., str]
    _do_merge_features: Callable[..., list[Lane]]
    _run_branch: Callable[..., list[Lane]]
    _remember_input: Callable[[Lane], None]
    _models_before: Callable[..., tuple]
    _branch_excluded: Callable[[], dict]  # exclusions inside branches (_filtering.py)
    close_branches: Callable[[list[tuple[int, ...]]], None]
    tags_in_scope: Callable[..., dict | None]

    # -- row routing --------------------------------------------------------------------

    def _members(self) -> dict[tuple[int, ...], Masks]:
        members = self.__dict__.get("_separation_members")
        if members is None:
            members = self.__dict__["_separation_members"] = {}
        return members

    def _member_mask(self, path: tuple[int, ...], key: str) -> np.ndarray | None:
        """The rows of the separation branch ``path`` is in, for ``key`` (None: every row)."""
        owner = self._owner(path) if path else None
        return None if owner is None else _mask_for(self._members()[owner], key)

    def _owner(self, path: tuple[int, ...]) -> tuple[int, ...] | None:
        members = self._members()
        for cut in range(len(path), -1, -1):  # the root too: a merge may drop rows
            if path[:cut] in members:
                return path[:cut]
        return None

    def _dispatch(self, handler: Callable[..., list[Lane]], step: Step, lanes: list[Lane],
                  last: bool) -> list[Lane]:
        """Run ``handler`` with ``self.rows`` set to the rows of each lane's branch: a
        separation branch's own rows, minus what ``exclude`` steps inside the branches the
        lane is in removed."""
        def call(group: list[Lane]) -> list[Lane]:
            if KINDS[step.kind].tail:
                return handler(step, group, tail=last)
            return handler(step, group)

        members, excluded = self._members(), self._branch_excluded()
        if not members and not excluded:
            return call(lanes)
        merging = KINDS[step.kind].merges
        groups: dict[tuple, list[Lane]] = {}
        for lane in lanes:
            at = lane.path[:-1] if merging else lane.path
            scope = tuple(at[:cut] for cut in range(1, len(at) + 1) if at[:cut] in excluded)
            groups.setdefault((self._owner(at), scope), []).append(lane)
        base, out = self.rows, []
        for (owner, scope), group in groups.items():
            if owner is None and not scope:
                out.extend(call(group))
                continue
            rows = base if owner is None else restrict_rows(base, members[owner])
            self.rows = with_exclusions(rows, [excluded[p] for p in scope])
            first = len(self.models)
            try:
                out.extend(call(group))
            finally:
                for model in self.models[first:]:
                    if model.rows is None and owner is not None:
                        model.rows = self.rows
                self.rows = base
        if merging and step.merge is not None and step.merge.late:
            return out
        if merging and step.kind != "merge_sources":
            self.close_branches([lane.path for lane in lanes])
        return out

    # -- separation ---------------------------------------------------------------------

    def _separate(self, step: Step, lanes: list[Lane], *, tail: bool) -> list[Lane]:
        sep: Separation = step.separation
        out = []
        for lane in lanes:
            self._remember_input(lane)
            if sep.by == "source":
                branches = self._source_branches(step, lane)
                names = [s.name for s in self.dataset.sources]
                order = [names.index(name) for name, _, _ in branches]
                routers = {k: {"by": "source", "sources": order} for k in lane.blocks}
            else:
                branches, routers = self._row_branches(step, lane)
            # what replay needs to send new rows to their branch, per fold key
            refs = {k: self._artifact(step, lane.path, k, r) for k, r in routers.items()}
            for i, (name, blocks, _) in enumerate(branches):
                if blocks is None:
                    continue
                body = step.branches[0] if sep.shared else self._body(step, name)
                labelled = replace(step, name=_branch_label(sep, name))
                child = Lane((*lane.path, i), blocks, (*lane.chain, (labelled, lane.path, refs)),
                             (), lane.sources)
                out.extend(self._run_branch(body, child, tail=tail))
        return out

    def _body(self, step: Step, name: str) -> tuple[Step, ...]:
        if name not in step.branch_names:
            raise SpecError(f"{step.path}.branch.steps: no steps for branch {name!r}; give "
                            f"steps for every branch (branches with steps: "
                            f"{list(step.branch_names)})")
        return step.branches[step.branch_names.index(name)]

    def _source_branches(self, step: Step, lane: Lane) -> list[tuple]:
        names = [s.name for s in self.dataset.sources]
        chosen = step.separation.key or names
        missing = [n for n in chosen if n not in names]
        if missing or len(chosen) != len(names):
            raise SpecError(f"{step.path}.branch.by_source: the dataset's sources are {names}; "
                            f"name each once (got {list(chosen)})")
        out = []
        for name in chosen:
            i = names.index(name)
            blocks = {}
            for key, block in lane.blocks.items():
                if len(block.X) != len(names):
                    raise SpecError(f"{step.path}: by_source needs one feature block per "
                                    f"source; the steps before it made {len(block.X)}")
                blocks[key] = block.evolve(X=(block.X[i],), axes=(block.axes[i],),
                                           key=chain_key(block.key, step.spec_json, name))
            out.append((name, blocks, {}))
        return out

    def _row_branches(self, step: Step, lane: Lane) -> tuple[list[tuple], dict[str, dict]]:
        sep: Separation = step.separation
        keys = list(lane.blocks)
        if sep.by == "metadata":
            named = self._metadata_masks(step)
            branches = [(name, dict.fromkeys(keys, mask)) for name, mask, _ in named]
            values = [members for _, _, members in named]
            routers = {k: {"by": "metadata", "column": sep.key, "values": values} for k in keys}
        elif sep.by == "tag":
            branches = self._tag_masks(step, keys, lane.path)
            routers = {k: {"by": "tag", "tag": sep.key} for k in keys}
        else:
            branches, fitted = self._filter_masks(step, lane)
            routers = {k: {"by": "filter", "filter": f} for k, f in fitted.items()}
        owner = self._owner(lane.path)
        parent = self._members()[owner] if owner is not None else None
        out = []
        for i, (name, masks) in enumerate(branches):
            if parent is not None:
                masks = {k: m & _mask_for(parent, k) for k, m in masks.items()}
            if FINAL not in masks and SHARED not in masks:
                # test rows of a CV-only pass are routed per fold; train rows are those the
                # branch predicts out of fold
                masks[FINAL] = np.logical_or.reduce(list(masks.values()))
            if not any(m.any() for m in masks.values()):
                logger.info("%s: branch %r has no samples; skipped", step.path, name)
                out.append((name, None, {}))
                continue
            path = (*lane.path, i)
            self._members()[path] = masks
            self._check_size(step, name, restrict_rows(self.rows, masks), keys)
            blocks = {k: b.evolve(key=chain_key(b.key, step.spec_json, name,
                                                _digest(_mask_for(masks, k))))
                      for k, b in lane.blocks.items()}
            out.append((name, blocks, {}))
        return out, routers

    def _check_size(self, step: Step, name: str, rows: BranchRows, keys: list[str]) -> None:
        for key in keys:
            n = rows.fit_rows(key).size
            if n < step.separation.min_samples:
                where = "the training rows" if key in (SHARED, FINAL) else f"fold {key}"
                raise SpecError(
                    f"{step.path}: branch {name!r} has {n} row(s) to fit on in {where}, fewer "
                    f"than min_samples={step.separation.min_samples}; group small values "
                    "together with 'values', lower 'min_samples', or use another splitter")

    def _metadata_masks(self, step: Step) -> list[tuple[str, np.ndarray, list]]:
        sep: Separation = step.separation
        metadata = self.dataset.metadata
        if sep.key not in metadata:
            raise SpecError(f"{step.path}.branch.by_metadata: no metadata column {sep.key!r}; "
                            f"columns are {sorted(metadata)}")
        column = np.asarray(metadata[sep.key])
        if sep.groups is None:
            return [(str(v), column == v, [v.item()]) for v in np.unique(column)]
        named = [(name, np.isin(column, np.asarray(values, dtype=column.dtype)), list(values))
                 for name, values in sep.groups]
        placed = np.logical_or.reduce([m for _, m, _ in named])
        if not placed.all():
            strays = sorted({str(v) for v in column[~placed]})[:5]
            raise SpecError(f"{step.path}.branch.values: {int((~placed).sum())} sample(s) have "
                            f"{sep.key!r} values in no branch ({strays}); add them to "
                            "'values' so every sample goes to one branch")
        return named

    def _tag_masks(self, step: Step, keys: list[str],
                   path: tuple[int, ...]) -> list[tuple[str, Masks]]:
        name = step.separation.key
        tags = self.tags_in_scope(name, path)
        if tags is None:
            raise SpecError(f"{step.path}.branch.by_tag: no tag {name!r}; add a "
                            f"{{'tag': <filter>}} step naming it before {step.path}")
        wanted = [*keys, FINAL] if FINAL in tags or SHARED in tags else keys
        flagged = {}
        for key in wanted:
            mask = tags.get(key, tags.get(SHARED))
            if mask is None:
                raise SpecError(f"{step.path}.branch.by_tag: tag {name!r} has no value for "
                                f"fold {key!r}; put the tag step before the branch")
            flagged[key] = np.asarray(mask, dtype=bool)
        untagged, tagged = TAG_BRANCHES
        return [(untagged, {k: ~m for k, m in flagged.items()}), (tagged, flagged)]

    def _filter_masks(self, step: Step, lane: Lane) -> tuple[list[tuple[str, Masks]], dict]:
        n = self.dataset.n_samples
        everything = np.arange(n)
        y = self.dataset.y
        metadata = self.dataset.metadata
        kept, filters = {}, {}
        for key, block in lane.blocks.items():
            fit = self.rows.fit_rows(key)
            fitted = clone(step.separation.key)
            fitted.fit(block.features(fit), None if y is None else y[fit],
                       metadata={c: v[fit] for c, v in metadata.items()})
            mask = np.asarray(fitted.get_mask(block.features(everything), y,
                                              metadata=metadata), dtype=bool)
            if mask.shape != (n,):
                raise SpecError(f"{step.path}.branch.by_filter: get_mask returned shape "
                                f"{mask.shape}; expected ({n},)")
            kept[key] = mask
            filters[key] = fitted
        passed, failed = FILTER_BRANCHES
        return [(passed, kept), (failed, {k: ~m for k, m in kept.items()})], filters

    # -- merge: concat ------------------------------------------------------------------

    def _do_merge_concat(self, step: Step, lanes: list[Lane], *, tail: bool = False,
                         ) -> list[Lane]:
        from nirs4all.pipeline._branching import merged_chain
        from nirs4all.pipeline._separation_merge import concat_label

        out = []
        for group in _siblings(lanes):
            sep = _closed_separation(group[0])
            if sep is None:
                raise SpecError(f"{step.path}: merge 'concat' reassembles a separation branch "
                                "(by_metadata, by_tag, by_filter, by_source); to join "
                                "duplicated branches use 'features' or 'predictions'")
            if sep.by == "source":
                out.extend(self._do_merge_features(step, group))
                continue
            masks = [self._members().pop(lane.path) for lane in group]
            named = replace(step, name=concat_label(group))
            models = _reassembled(self, named, group, masks)
            blocks = _concat_blocks(step, group, masks, tail=tail)
            out.append(Lane(group[0].path[:-1], blocks, merged_chain(group, named),
                            (*self._models_before(group[0].path[:-1]), *models), ()))
        return out


def _branch_label(sep: Separation, name: str) -> str:
    if sep.by == "metadata":
        return f"{sep.key}={name}"
    if sep.by == "tag":
        return f"{sep.key}:{name}"
    if sep.by == "filter":
        return f"{describe(sep.key)}:{name}"
    return f"source={name}"


def _siblings(lanes: list[Lane]) -> list[list[Lane]]:
    groups: dict[tuple[int, ...], list[Lane]] = {}
    for lane in lanes:
        groups.setdefault(lane.path[:-1], []).append(lane)
    return list(groups.values())


def _closed_separation(lane: Lane) -> Separation | None:
    """The separation of the branch step that opened ``lane``'s innermost branch."""
    for step, path, _ in reversed(lane.chain):
        if step.kind == "branch" and path == lane.path[:-1]:
            return step.separation
    return None


def _reassembled(executor: SeparationSteps, step: Step, group: list[Lane],
                 masks: list[Masks]) -> list[FittedModel]:
    from nirs4all.pipeline._separation_merge import reassemble

    counts = {len(lane.models) for lane in group}
    if len(counts) != 1:
        raise SpecError(f"{step.path}: merge 'concat' pairs the models of the branches in "
                        f"order, but the branches end with {sorted(counts)} models")
    out = []
    for j in range(counts.pop()):
        parts = [lane.models[j] for lane in group]
        model = reassemble(parts, executor.rows, step, group)
        executor.models.append(model)
        out.append(model)
    return out


def _concat_blocks(step: Step, group: list[Lane], masks: list[Masks], *,
                   tail: bool) -> dict[str, Block]:
    from nirs4all.pipeline._separation_merge import concat_features

    try:
        return concat_features(step, group, masks)
    except SpecError:
        if tail:  # nothing runs after the merge: the reassembled predictions are enough
            return {}
        raise

