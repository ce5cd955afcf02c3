"""Reassembling a separation branch (``merge: concat``): rows back in their original order.

Every row belongs to exactly one branch, so the reassembled predictions of a fold cover the
fold's rows once, and each row's value is the one its own branch's model made.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from nirs4all.errors import SpecError
from nirs4all.pipeline._merge_layout import fit_widths, same_layout
from nirs4all.pipeline.apply import readonly
from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.state import SHARED, Block, FittedModel, Rows, chain_key

if TYPE_CHECKING:
    from nirs4all.pipeline.spec import Step
    from nirs4all.pipeline.state import Lane

__all__ = ["concat_features", "concat_label", "reassemble"]

Prediction = tuple[np.ndarray, np.ndarray | None]
_LABELLED = ("transform", "feature_augmentation", "y_processing", "merge_features",
             "merge_predictions")


def _join(pieces: list[tuple[np.ndarray, Prediction]], expected: np.ndarray,
          what: str) -> Prediction:
    """Predictions of the branches put in the order of ``expected`` (every row once)."""
    rows = np.concatenate([r for r, _ in pieces])
    order = np.argsort(rows, kind="stable")
    if not np.array_equal(rows[order], expected):
        raise SpecError(f"merge 'concat': the branches' predictions for {what} do not cover "
                        "its rows exactly once")
    pred = np.concatenate([p[0] for _, p in pieces])[order]
    probas = [p[1] for _, p in pieces]
    proba = None if any(p is None for p in probas) else np.concatenate(probas)[order]
    return pred, proba


def reassemble(parts: list[FittedModel], rows: Rows, step: Step,
               group: list[Lane]) -> FittedModel:
    """One chain whose predictions are each branch's model on that branch's own rows."""
    from nirs4all.pipeline._branching import merged_chain

    labels = list(dict.fromkeys(p.step.label for p in parts))
    model_step = parts[0].step if len(labels) == 1 else replace(parts[0].step,
                                                                name=" | ".join(labels))
    chain_id = chain_key(parts[0].chain_id, *(p.chain_id for p in parts[1:]), step.spec_json)
    out = FittedModel(chain_id, model_step, group[0].path[:-1], merged_chain(group, step), ())
    part_rows = [p.rows if p.rows is not None else rows for p in parts]
    for key in sorted({k for p in parts for k in p.val}):
        pieces = [(r.val[key], p.val[key]) for p, r in zip(parts, part_rows, strict=True)
                  if key in p.val]
        out.val[key] = _join(pieces, rows.val[key], f"fold {key}")
    for key in sorted({k for p in parts for k in p.test}):
        pieces = [(r.test_rows(key), p.test[key]) for p, r in zip(parts, part_rows,
                                                                   strict=True)
                  if key in p.test]
        out.test[key] = _join(pieces, rows.test_rows(key), f"the test rows of fold {key}")
    if any(FINAL in p.train for p in parts):
        pieces = [(r.train, p.train[FINAL]) for p, r in zip(parts, part_rows, strict=True)
                  if FINAL in p.train]
        out.train[FINAL] = _join(pieces, rows.train, "the training rows")
    return out


def _owner(masks: list[dict[str, np.ndarray]], key: str, n: int) -> np.ndarray:
    owner = np.full(n, -1)
    for b, per_key in enumerate(masks):
        mask = per_key.get(key, per_key.get(FINAL, per_key.get(SHARED)))
        owner[mask] = b
    return owner


def concat_features(step: Step, group: list[Lane],
                    masks: list[dict[str, np.ndarray]]) -> dict[str, Block]:
    """Each row's features from its own branch, for every fold key of the branches."""
    first = group[0].blocks
    if any(set(lane.blocks) != set(first) for lane in group):
        raise SpecError(f"{step.path}: the branches have different fold keys")
    policy = "error" if step.merge is None else step.merge.on_shape_mismatch
    out = {}
    for key, block in first.items():
        blocks = [lane.blocks[key] for lane in group]
        _check_rows(step, blocks)
        owner = _owner(masks, key, block.n_base)[block.origin]
        if same_layout([(b.X, b.axes) for b in blocks]):
            sources, axes = tuple(_by_row(owner, [b.X[s] for b in blocks])
                                  for s in range(len(block.X))), block.axes
        elif policy == "error":
            raise _mismatch(step, blocks)
        else:
            try:
                flat = fit_widths([b.features() for b in blocks], policy, step.path)
            except ValueError as exc:
                raise SpecError(str(exc)) from None
            sources = (_by_row(owner, flat),)
            axes = ((np.arange(sources[0].shape[1], dtype=np.float64), "index"),)
        out[key] = block.evolve(X=sources, axes=axes,
                                key=chain_key(*(b.key for b in blocks), step.spec_json))
    return out


def _by_row(owner: np.ndarray, per_branch: list[np.ndarray]) -> np.ndarray:
    """Row ``r`` from ``per_branch[owner[r]]``."""
    merged = np.empty_like(per_branch[0])
    for b, x in enumerate(per_branch):
        take = owner == b
        merged[take] = x[take]
    return readonly(merged)


def _mismatch(step: Step, blocks: list[Block]) -> SpecError:
    shapes = [[x.shape[1] for x in b.X] for b in blocks]
    return SpecError(f"{step.path}: merge 'concat' puts each row's features back from its "
                     f"branch, and the branches give features of widths {shapes} (or on "
                     "different axes); set {'merge': {'concat': True, 'on_shape_mismatch': "
                     "'pad' | 'truncate' | 'allow'}}, end the branches with a model and put "
                     "nothing after the merge, or use 'predictions'")


def _check_rows(step: Step, blocks: list[Block]) -> None:
    first = blocks[0]
    for other in blocks[1:]:
        if len(other.y_steps) != len(first.y_steps) or any(
                a is not b for a, b in zip(other.y_steps, first.y_steps, strict=True)):
            raise SpecError(f"{step.path}: the branches apply different y_processing; put "
                            "y_processing before the branch to merge the rows")
        if not np.array_equal(other.origin, first.origin):
            raise SpecError(f"{step.path}: sample augmentation inside a separation branch "
                            "cannot be reassembled; augment before the branch")


def concat_label(group: list[Lane]) -> str:
    """``concat[instrument=a > SNV | instrument=b > SNV]``: each branch's steps."""
    parts = []
    for lane in group:
        n = len(lane.path)
        labels = [step.label for step, path, _ in lane.chain
                  if (step.kind == "branch" and step.separation is not None
                      and path == lane.path[:-1])
                  or (path[:n] == lane.path and step.kind in _LABELLED)]
        parts.append(" > ".join(labels))
    return f"concat[{' | '.join(parts)}]"
