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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.errors import SpecError
from nirs4all.operators.transforms import is_wavelength_aware
from nirs4all.pipeline import apply

if TYPE_CHECKING:
    from nirs4all.data.dataset import SpectroDataset
    from nirs4all.pipeline.spec import Step
    from nirs4all.pipeline.state import Block, Lane, Rows

__all__ = ["AugmentOptions", "AugmentSteps", "balance_plan", "parse_augment_options"]

_KEYS = ("transformers", "count", "selection", "random_state", "variation_scope", "balance",
         "bins", "binning_strategy", "target_size", "max_factor")
_REFUSED = {"bin_balancing": "bins are always balanced by their row counts",
            "ref_percentage": "give target_size (rows per group) instead"}


@dataclass(frozen=True)
class AugmentOptions:
    """Parsed options of a ``sample_augmentation`` step (see the module docstring)."""

    count: int = 1
    selection: str = "all"
    random_state: int | None = None
    variation_scope: str = "sample"
    balance: str | None = None
    bins: int = 10
    binning_strategy: str = "uniform"
    target_size: int | None = None
    max_factor: float | None = None


def _int(value: Any, lowest: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < lowest:
        raise SpecError(f"{where} must be an integer >= {lowest}; got {value!r}")
    return int(value)


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise SpecError(f"{where} must be one of {list(allowed)}; got {value!r}")
    return str(value)


def parse_augment_options(value: Mapping, path: str) -> AugmentOptions:
    """Check and parse the options of a ``{"sample_augmentation": {...}}`` mapping."""
    where = f"{path}.sample_augmentation"
    for key in set(value) - set(_KEYS):
        reason = _REFUSED.get(key, f"the keys are {list(_KEYS)}")
        raise SpecError(f"{where}: key {key!r} is not supported ({reason})")
    balance = value.get("balance")
    if balance is True:
        balance = "y"
    elif balance is False:
        balance = None
    if balance is not None and not isinstance(balance, str):
        raise SpecError(f"{where}.balance must be true, 'y' or a metadata column name; "
                        f"got {balance!r}")
    if balance is not None and "count" in value:
        raise SpecError(f"{where}: count and balance exclude each other (balance decides how "
                        "many copies each group gets); remove one")
    seed = value.get("random_state")
    if seed is not None:
        seed = _int(seed, 0, f"{where}.random_state")
    target = value.get("target_size")
    factor = value.get("max_factor")
    if factor is not None and (isinstance(factor, bool) or not isinstance(factor, Real)
                               or not 1 <= factor < np.inf):
        raise SpecError(f"{where}.max_factor must be a number >= 1; got {factor!r}")
    return AugmentOptions(
        count=_int(value.get("count", 1), 1, f"{where}.count"),
        selection=_choice(value.get("selection", "all"), ("all", "random"),
                          f"{where}.selection"),
        random_state=seed,
        variation_scope=_choice(value.get("variation_scope", "sample"), ("sample", "batch"),
                                f"{where}.variation_scope"),
        balance=balance,
        bins=_int(value.get("bins", 10), 1, f"{where}.bins"),
        binning_strategy=_choice(value.get("binning_strategy", "uniform"),
                                 ("uniform", "quantile"), f"{where}.binning_strategy"),
        target_size=None if target is None else _int(target, 1, f"{where}.target_size"),
        max_factor=None if factor is None else float(factor),
    )


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
        from nirs4all.pipeline.execute import _take as take

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
        from nirs4all.pipeline.execute import derive_seed

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
        from nirs4all.pipeline.execute import derive_seed

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
