"""Branch and merge steps of :class:`~nirs4all.pipeline.execute.VariantExecutor`.

A mixin, so that each family of step kinds lives in a module of its own while the executor
keeps one dispatch rule (``_do_<kind>``). The mixin uses the executor's ``_run_steps``,
``rows`` and ``dataset``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nirs4all.pipeline import _stacking
from nirs4all.pipeline.spec import SpecError, Step
from nirs4all.pipeline.state import Lane, chain_key

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.state import Rows

__all__ = ["BranchSteps", "merged_chain"]


class BranchSteps:
    """``branch``, ``merge: features`` and ``merge: predictions`` handlers."""

    dataset: SpectroDataset
    rows: Rows

    _run_steps: Callable[..., list[Lane]]  # the executor's step loop
    _separate: Callable[..., list[Lane]]  # separation branches (pipeline/_separation.py)

    def _do_branch(self, step: Step, lanes: list[Lane], *, tail: bool = False) -> list[Lane]:
        if step.separation is not None:
            return self._separate(step, lanes, tail=tail)
        out = []
        for lane in lanes:
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
            first = group[0]
            blocks = {}
            for key, block in first.blocks.items():
                others = [lane.blocks[key] for lane in group]
                if any(len(b.y_steps) != len(block.y_steps) or
                       any(a is not b for a, b in zip(b.y_steps, block.y_steps, strict=True))
                       for b in others):
                    raise SpecError(f"{step.path}: branches apply different y_processing; "
                                    "put y_processing before the branch to merge features")
                if any(b.origin.shape != block.origin.shape for b in others):
                    raise SpecError(f"{step.path}: branches have different rows (sample "
                                    "augmentation inside a branch); cannot merge features")
                blocks[key] = block.evolve(
                    X=tuple(x for b in others for x in b.X),
                    axes=tuple(a for b in others for a in b.axes),
                    key=chain_key(*(b.key for b in others), step.spec_json),
                )
            out.append(Lane(first.path[:-1], blocks, merged_chain(group, step),
                            tuple(m for lane in group for m in lane.models), first.sources))
        return out

    def _do_merge_predictions(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        out = []
        for group in self._groups(lanes):
            models = [m for lane in group for m in lane.models]
            if not models:
                raise SpecError(f"{step.path}: merge 'predictions' needs a model at the end of "
                                "each branch")
            blocks = _stacking.meta_blocks(models, group[0].blocks, self.rows, self.dataset,
                                           step)
            out.append(Lane(group[0].path[:-1], blocks, merged_chain(group, step), (),
                            tuple(m.chain_id for m in models)))
        return out


def merged_chain(group: list[Lane], step: Step) -> tuple:
    """The steps of all merged lanes (each once, in order), then the merge step."""
    seen, chain = set(), []
    for lane in group:
        for entry in lane.chain:
            marker = (entry[0].index, entry[1])
            if marker not in seen:
                seen.add(marker)
                chain.append(entry)
    return (*chain, (step, group[0].path[:-1], {}))
