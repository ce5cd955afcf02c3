"""The ``sample_augmentation`` step of :class:`~nirs4all.pipeline.execute.VariantExecutor`.

A mixin (the pattern of :mod:`nirs4all.pipeline._branching`): the executor keeps one
dispatch rule, ``_do_<kind>``, and this module owns the step's options and handler.

Augmented rows are copies of the rows a step is fitted on for one fold key
(:meth:`Rows.fit_rows`): never of validation or test rows. They follow the dataset rows in
the block with ``origin`` set to their source row, so every later step fitted for that fold
sees them, and no fold predicts them. What is copied, and how often:

- ``count`` copies of every fitted row by each augmenter (``selection="all"``), or by one
  augmenter drawn at random per copy (``selection="random"``);
- with ``balance``, instead, each group of the fitted rows (class, ``bins`` bins of ``y``
  for regression, or a metadata column) is brought to ``target_size`` rows (the largest
  group's size by default), never beyond ``max_factor`` times its own size; a group's rows
  are copied in turn, and the copies are shared among the augmenters in turn
  (``"all"``) or at random (``"random"``).

``random_state`` seeds the step's own draws (selection) and, when given, replaces every
augmenter's seed by one derived from it; otherwise the draws are derived from the run's
seed and the step. ``variation_scope="batch"`` makes the copies of one round share their
perturbation parameters (see :meth:`Augmenter.augment`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.errors import SpecError
from nirs4all.operators.transforms import is_wavelength_aware
from nirs4all.pipeline import apply
from nirs4all.pipeline._augment_options import AugmentOptions, parse_augment_options
from nirs4all.utils.arrays import take_rows as take
from nirs4all.utils.seeding import derive_seed

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.spec import Step
    from nirs4all.pipeline.state import Block, Lane, Rows

__all__ = ["AugmentOptions", "AugmentSteps", "balance_plan", "parse_augment_options"]

def _bin_labels(values: np.ndarray, bins: int, strategy: str) -> np.ndarray:
    """Bin index of each value: ``bins`` equal-width or equal-count bins over the values."""
    if strategy == "quantile":
        edges = np.quantile(values, np.linspace(0.0, 1.0, bins + 1))
    else:
        edges = np.linspace(values.min(), values.max(), bins + 1)
    return np.searchsorted(edges[1:-1], values, side="right")


def balance_plan(labels: np.ndarray, options: AugmentOptions) -> tuple[np.ndarray, np.ndarray]:
    """Which rows to copy to balance the groups given by ``labels``.

    Returns ``(rows, copy)``: for each new row, the position (into ``labels``) of its
    source and its copy number. Group ``g`` of ``n_g`` rows grows to
    ``max(n_g, min(T, floor(max_factor * n_g)))`` rows, ``T`` = ``target_size`` or the
    largest ``n_g``; its rows are taken in turn (in their order).
    """
    groups = [np.flatnonzero(labels == value) for value in np.unique(labels)]
    target = options.target_size or max(group.size for group in groups)
    rows, copies = [], []
    for group in groups:
        final = target if options.max_factor is None else min(
            target, int(np.floor(options.max_factor * group.size)))
        needed = np.arange(max(0, final - group.size))
        rows.append(group[needed % group.size])
        copies.append(needed // group.size)
    if not rows:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    return np.concatenate(rows).astype(np.intp), np.concatenate(copies).astype(np.intp)


class AugmentSteps:
    """The ``sample_augmentation`` handler."""

    dataset: SpectroDataset
    rows: Rows
    seed: int

    _per_block: Callable[..., list[Lane]]
    _seeded: Callable[..., Any]

    def _do_sample_augmentation(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        options = step.options or AugmentOptions(count=step.count)

        def compute(block: Block, key: str) -> tuple[Block, None]:
            base = self.rows.fit_rows(key)
            plan = self._augment_plan(step, options, base, key)
            new_X, new_y, new_origin = [list(block.X)], [block.y], [block.origin]
            scope = {} if options.variation_scope == "sample" else {"variation_scope": "batch"}
            for index, (operator, (sources, n_new)) in enumerate(
                    zip(step.operators, plan, strict=True)):
                if n_new == 0:
                    continue
                made, y_aug = [], None
                for X, (axis, _) in zip(block.X, block.axes, strict=True):
                    op = self._augmenter(operator, step, options, index, key)
                    kwargs = {"wavelengths": axis} if is_wavelength_aware(op) else {}
                    op.fit(take(X, base), **kwargs)
                    X_aug, y_aug, origin = op.augment(
                        take(X, sources), None if block.y is None else take(block.y, sources),
                        n_new, **scope)
                    made.append(X_aug)
                new_X.append(made)
                new_y.append(y_aug)
                new_origin.append(sources[np.asarray(origin)])
            out = tuple(apply.readonly(np.vstack([group[i] for group in new_X]))
                        for i in range(len(block.X)))
            y = None if block.y is None else apply.readonly(np.concatenate(new_y))
            return block.evolve(X=out, y=y, origin=np.concatenate(new_origin)), None
        return self._per_block(step, lanes, compute)

    def _augmenter(self, operator: Any, step: Step, options: AugmentOptions, index: int,
                   key: str) -> Any:
        """A fresh augmenter; the step's ``random_state``, when given, decides its seed."""
        op = self._seeded(operator, step, key)
        if options.random_state is not None and "random_state" in op.get_params(deep=False):
            op.set_params(random_state=derive_seed(options.random_state, "augmenter",
                                                   str(index)))
        return op

    def _augment_plan(self, step: Step, options: AugmentOptions, base: np.ndarray,
                      key: str) -> list[tuple[np.ndarray, int]]:
        """Per augmenter, the dataset rows it is given and how many new rows it makes.

        Given ``(rows, n)``, an augmenter copies ``rows`` in turn (``augment`` semantics):
        ``count`` rounds of every fitted row, or one copy of each listed row.
        """
        n_ops = len(step.operators)
        if options.balance is None:
            if options.selection == "all":
                return [(base, options.count * base.size)] * n_ops
            wanted = np.tile(base, options.count)
        else:
            positions, _ = balance_plan(self._balance_labels(step, options, base), options)
            wanted = base[positions]
        if options.selection == "random":
            root = (options.random_state if options.random_state is not None
                    else derive_seed(self.seed, step.spec_json))
            rng = np.random.default_rng(derive_seed(root, "selection", key))
            chosen = rng.integers(n_ops, size=wanted.size)
        else:
            chosen = np.arange(wanted.size) % n_ops
        return [(wanted[chosen == index], int(np.count_nonzero(chosen == index)))
                for index in range(n_ops)]

    def _balance_labels(self, step: Step, options: AugmentOptions,
                        base: np.ndarray) -> np.ndarray:
        """Group of each fitted row: class, bin of the first target, or metadata value."""
        where = f"{step.path}.sample_augmentation.balance"
        if options.balance != "y":
            metadata = self.dataset.metadata
            if options.balance not in metadata:
                raise SpecError(f"{where}: no metadata column {options.balance!r}; the "
                                f"dataset has {sorted(metadata)} (or use balance: y)")
            return np.asarray(metadata[options.balance])[base]
        if self.dataset.y is None:
            raise SpecError(f"{where}: the dataset has no targets to balance; give a "
                            "metadata column instead")
        y = np.asarray(self.dataset.y)[base]
        if self.dataset.task != "regression":
            return y
        values = y[:, 0] if y.ndim == 2 else y
        return _bin_labels(values.astype(np.float64), options.bins, options.binning_strategy)
