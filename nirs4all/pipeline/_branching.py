"""Branch and merge steps of :class:`~nirs4all.pipeline.execute.VariantExecutor`.

A mixin, so that each family of step kinds lives in a module of its own while the executor
keeps one dispatch rule (``_do_<kind>``). The mixin uses the executor's ``_run_steps``,
``rows`` and ``dataset``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nirs4all.pipeline.spec import SpecError, Step
from nirs4all.pipeline.state import Lane, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.state import Block, Rows

__all__ = ["BranchSteps", "feature_block", "merged_chain"]


class BranchSteps:
    """``branch`` and ``merge: features`` handlers."""

    dataset: SpectroDataset
    rows: Rows

    _run_steps: Callable[..., list[Lane]]  # the executor's step loop
    _separate: Callable[..., list[Lane]]  # separation branches (pipeline/_separation.py)
    _chosen_lanes: Callable[..., list[Lane]]  # a merge's branches (pipeline/_merge.py)
    _merged_features: Callable[..., Lane]
    _remember_input: Callable[[Lane], None]
    _models_before: Callable[..., tuple]

    def _do_branch(self, step: Step, lanes: list[Lane], *, tail: bool = False) -> list[Lane]:
        if step.separation is not None:
            return self._separate(step, lanes, tail=tail)
        out = []
        for lane in lanes:
            self._remember_input(lane)
            for i, body in enumerate(step.branches):
                child = Lane((*lane.path, i), dict(lane.blocks),
                             (*lane.chain, (step, lane.path, {})), (), lane.sources)
                out.extend(self._run_branch(body, child, tail=tail))
        return out

    def _run_branch(self, body: tuple[Step, ...], child: Lane, *, tail: bool) -> list[Lane]:
        """Run one branch's steps; at the tail, release its arrays as soon as it is done."""
        done = self._run_steps(body, [child], tail=tail)
        if tail:
            for finished in done:
                finished.blocks = {}
        return done

    def _groups(self, lanes: list[Lane]) -> list[list[Lane]]:
        groups: dict[tuple[int, ...], list[Lane]] = {}
        for lane in lanes:
            groups.setdefault(lane.path[:-1], []).append(lane)
        return list(groups.values())

    def _do_merge_features(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        out = []
        for group in self._groups(lanes):
            if step.merge is not None:  # the dict form: sources, output_as (_merge.py)
                out.append(self._merged_features(step, group))
                continue
            first = group[0]
            chosen = self._chosen_lanes(step, group)
            blocks = {key: feature_block(step, [lane.blocks[key] for lane in chosen])
                      for key in first.blocks}
            models = (*self._models_before(first.path[:-1]),
                      *(m for lane in group for m in lane.models))
            out.append(Lane(first.path[:-1], blocks, merged_chain(group, step), models,
                            first.sources))
        return out


def feature_block(step: Step, blocks: list[Block]) -> Block:
    """The blocks' sources side by side (same rows and y processing required)."""
    block = blocks[0]
    if any(len(b.y_steps) != len(block.y_steps) or
           any(a is not b for a, b in zip(b.y_steps, block.y_steps, strict=True))
           for b in blocks):
        raise SpecError(f"{step.path}: branches apply different y_processing; "
                        "put y_processing before the branch to merge features")
    if any(b.origin.shape != block.origin.shape for b in blocks):
        raise SpecError(f"{step.path}: branches have different rows (sample "
                        "augmentation inside a branch); cannot merge features")
    return block.evolve(X=tuple(x for b in blocks for x in b.X),
                        axes=tuple(a for b in blocks for a in b.axes),
                        key=chain_key(*(b.key for b in blocks), step.spec_json))


def merged_chain(group: list[Lane], step: Step, refs: dict[str, str] | None = None) -> tuple:
    """The steps of all merged lanes (each once, in order), then the merge step (with the
    artifacts it fitted, ``refs``)."""
    seen, chain = set(), []
    for lane in group:
        for entry in lane.chain:
            marker = (entry[0].index, entry[1])
            if marker not in seen:
                seen.add(marker)
                chain.append(entry)
    return (*chain, (step, group[0].path[:-1], refs or {}))
