"""Running one parsed variant: steps, folds, models, branches and merges.

Execution model (see ``docs/architecture.md``):

- Steps before the splitter are fitted once on the training rows and applied to every row.
- The splitter divides the training rows into folds; each later step is fitted per fold key
  on that fold's training rows (no leakage from the held-out rows) and applied to every row.
- A model step fits one model per CV fold (out-of-fold predictions on the held-out rows,
  predictions on the test partition) and one ``"final"`` model on all training rows.
- Branches run their steps on references to the same immutable arrays; ``merge`` joins them.
- Every random state left unset by the user is derived from the run's seed and the step's
  identity (never from execution order), on a clone: the user's objects are never changed.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import clone

from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import DataError, ExecutionError
from nirs4all.operators.transforms import is_wavelength_aware
from nirs4all.pipeline import apply, sweep
from nirs4all.pipeline._augmenting import AugmentSteps
from nirs4all.pipeline._branching import BranchSteps
from nirs4all.pipeline._charts import ChartSteps, Renderer
from nirs4all.pipeline._filtering import FilterSteps
from nirs4all.pipeline._finetune_steps import FinetuneSteps, tuned_label
from nirs4all.pipeline._holdout import HoldoutSteps
from nirs4all.pipeline._merge import MergeSteps
from nirs4all.pipeline._rep_reshape import ReshapeSteps
from nirs4all.pipeline._repetition import split_groups
from nirs4all.pipeline._separation import SeparationSteps
from nirs4all.pipeline.canonical import short_id
from nirs4all.pipeline.folds import FINAL, fold_key
from nirs4all.pipeline.kinds import KINDS
from nirs4all.pipeline.spec import SpecError, Step
from nirs4all.pipeline.state import (
    SHARED,
    Block,
    FittedModel,
    Lane,
    Rows,
    StepCache,
    chain_key,
)
from nirs4all.utils.arrays import take_rows as _take
from nirs4all.utils.seeding import derive_seed

__all__ = ["ExecutionError", "FittedModel", "Lane", "VariantExecutor", "derive_seed"]

logger = logging.getLogger(__name__)



class VariantExecutor(AugmentSteps, BranchSteps, SeparationSteps, MergeSteps, FilterSteps,
                      HoldoutSteps, ChartSteps, FinetuneSteps, ReshapeSteps):
    """Run one variant on one dataset for a given set of fold keys.

    Parameters
    ----------
    dataset : SpectroDataset
    steps : tuple of Step
        The parsed variant.
    pipeline_id : str
        Identity of the variant (prefix of chain ids and artifact keys).
    seed : int
        Root seed of the run.
    with_cv, with_final : bool
        Whether to compute the CV folds and the final refit.
    cache : StepCache
        Shared cache of step results.
    trace : bool
        Log every step's output shapes (``verbose >= 2``), at debug level.
    name : str
        Display name of the variant, for error messages.
    charts : callable, optional
        Draws the chart steps (see :mod:`nirs4all.pipeline._charts`); None draws nothing.
    tuned : tuple of TrialRecord
        The fine-tuning trials of the variant's CV pass, for a refit pass (in a CV pass,
        those of an interrupted search, replayed).
    on_trial : callable, optional
        Given each new fine-tuning trial as soon as it completes, to store it.
    release : frozenset of int
        Top-level steps whose results no later variant shares
        (:func:`~nirs4all.pipeline.state.release_points`): not kept in the cache.
    """

    def __init__(self, dataset: SpectroDataset, steps: tuple[Step, ...], *, pipeline_id: str,
                 seed: int, with_cv: bool, with_final: bool, cache: StepCache,
                 trace: bool = False, name: str = "",
                 nested: dict[int, sweep.SweepMember] | None = None,
                 charts: Renderer | None = None, tuned: tuple = (),
                 on_trial: Callable | None = None,
                 release: frozenset[int] = frozenset()) -> None:
        self.input_hash = dataset.content_hash()  # the run's dataset, before any reshaping
        self.dataset = dataset = self._reshaped(dataset, steps)  # rep_to_sources / rep_to_pp
        self.release = release  # top-level steps no later variant shares (release_points)
        self.charts = charts
        self.tuned, self.trials = tuple(tuned), []  # finetune_params (_finetune_steps.py)
        self.on_trial = on_trial
        self.nested = nested or {}  # model step index -> its component sweep
        self.name = name
        self._fold: str | None = None  # the fold key being fitted, for error messages
        self.steps = steps
        self.pipeline_id = pipeline_id
        self.seed = seed
        self.with_cv = with_cv
        self.with_final = with_final
        self.cache = cache
        self.trace = trace
        train = np.flatnonzero(dataset.partition == "train")
        if train.size == 0:
            raise DataError(f"dataset {dataset.name!r} has no training rows; mark some rows "
                            "'train' in its partition")
        self.rows = Rows(train, np.flatnonzero(dataset.partition == "test"), {}, {})
        self.models: list[FittedModel] = []
        self.artifacts: dict[str, Any] = {}
        self.fits = 0
        self.tags: dict[str, dict[str, np.ndarray]] = {}  # see pipeline/_filtering.py
        self.flags: list = []

    # -- entry point ------------------------------------------------------------------------

    def run(self) -> list[FittedModel]:
        """Execute every step; return the fitted models in step order."""
        base, steps = self._base_block(), self.steps
        holdout = self._holdout_position()
        if holdout is not None:  # see pipeline/_holdout.py
            steps = self._apply_holdout(holdout, base)
            base = base.evolve(key=chain_key(base.key, "holdout", *map(str, self.rows.test)))
        self._run_steps(steps, [Lane((), {SHARED: base})], tail=True)
        return self.models

    def _base_block(self) -> Block:
        ds = self.dataset
        y = ds.y
        if y is not None and ds.task == "regression":
            y = y.astype(np.float64, copy=False)
        return Block(
            X=tuple(s.X for s in ds.sources),
            axes=tuple((s.wavelengths, s.unit) for s in ds.sources),
            origin=np.arange(ds.n_samples),
            y=y,
            y_steps=(),
            key=chain_key(ds.content_hash(), "seed", str(self.seed)),
        )

    def _run_steps(self, steps: tuple[Step, ...], lanes: list[Lane], *,
                   tail: bool = False) -> list[Lane]:
        """Run ``steps`` on ``lanes``. ``tail``: nothing runs after these steps, so a branch
        that ends them releases its lanes' arrays as soon as it is done."""
        for position, step in enumerate(steps):
            handler = getattr(self, _TRAINING[step.kind])
            last = tail and position == len(steps) - 1
            self._fold = None
            try:
                lanes = self._dispatch(handler, step, lanes, last)
            except (SpecError, ExecutionError):
                raise
            except Exception as exc:
                raise ExecutionError(
                    f"{type(exc).__name__}: {exc}",
                    variant=f"{short_id(self.pipeline_id)} ({self.name})" if self.name
                    else short_id(self.pipeline_id),
                    step=f"{step.path} ({step.label})", fold=self._fold) from exc
            if self.trace:
                self._log_shapes(step, lanes)
        return lanes

    def _log_shapes(self, step: Step, lanes: list[Lane]) -> None:
        shapes = {f"{'.'.join(map(str, lane.path)) or 'root'}:{key}":
                  [list(x.shape) for x in block.X]
                  for lane in lanes for key, block in lane.blocks.items()}
        logger.debug("%s %s %s -> %s", short_id(self.pipeline_id), step.path, step.label,
                     " ".join(f"{k}={v}" for k, v in shapes.items()) or "(no features)",
                     extra={"step": step.path, "label": step.label, "shapes": shapes})

    # -- helpers ----------------------------------------------------------------------------

    def _seeded(self, operator: Any, step: Step, key: str) -> Any:
        """A fresh clone whose unset random_state is derived from the seed and the step."""
        fresh = clone(operator)
        params = fresh.get_params(deep=False)
        if "random_state" in params and params["random_state"] is None:
            fresh.set_params(random_state=derive_seed(self.seed, step.spec_json, key))
        return fresh

    def _fit_target(self, block: Block, fit: np.ndarray) -> np.ndarray | None:
        if block.y is None:
            return None
        y = _take(block.y, fit)
        return y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y

    def _artifact(self, step: Step, path: tuple[int, ...], key: str, obj: Any) -> str:
        ref = f"{step.index}:{'.'.join(map(str, path))}:{key}"
        self.artifacts[ref] = obj
        return ref

    def _per_block(self, step: Step, lanes: list[Lane], compute) -> list[Lane]:
        """Apply ``compute(block, key) -> (block, fitted)`` to every block, with caching."""
        out = []
        for lane in lanes:
            blocks, refs = {}, {}
            for key, block in lane.blocks.items():
                self._fold = "all training rows (before the splitter)" if key == SHARED else key
                fit_id = "train" if key in (SHARED, FINAL) else f"fold{key}"
                ck = chain_key(block.key, step.spec_json, fit_id)
                hit, last = self.cache.get(ck), step.index in self.release
                if hit is None:
                    new, fitted = compute(block, key)
                    new = new.evolve(key=ck)
                    if not last:
                        self.cache.put(ck, (new, fitted), new.nbytes)
                else:
                    new, fitted = hit
                    if last:
                        self.cache.discard(ck)
                blocks[key] = new
                if fitted is not None:
                    refs[key] = self._artifact(step, lane.path, key, fitted)
            out.append(Lane(lane.path, blocks, (*lane.chain, (step, lane.path, refs)),
                            lane.models, lane.sources))
        return out

    # -- transforms -------------------------------------------------------------------------

    def _transform_block(self, operator: Any, step: Step, block: Block, key: str,
                         ) -> tuple[Block, list]:
        fit = block.fit_index(self.rows.fit_rows(key))
        y_fit = self._fit_target(block, fit)
        outputs, axes, fitted = [], [], []
        for X, axis in zip(block.X, block.axes, strict=True):
            op = self._seeded(operator, step, key)
            if is_wavelength_aware(op):
                op.fit(_take(X, fit), y_fit, wavelengths=axis[0])
            else:
                op.fit(_take(X, fit), y_fit)
            self.fits += 1
            result, out_axis = apply.transform_source(op, X, axis)
            outputs.append(result)
            axes.append(out_axis)
            fitted.append(op)
        return block.evolve(X=tuple(outputs), axes=tuple(axes)), fitted

    def _do_transform(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        return self._per_block(step, lanes, lambda b, k: self._transform_block(
            step.operator, step, b, k))

    def _do_feature_augmentation(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        def compute(block: Block, key: str) -> tuple[Block, list]:
            fitted = [None if operator is None else
                      self._transform_block(operator, step, block, key)[1]
                      for operator in step.operators]
            sources, axes = apply.augment_features(fitted, block.X, block.axes)
            return block.evolve(X=sources, axes=axes), fitted
        return self._per_block(step, lanes, compute)

    def _do_y_processing(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        if self.dataset.task != "regression":
            raise SpecError(f"{step.path}: y_processing applies to regression targets; this "
                            f"dataset's task is {self.dataset.task}")

        def compute(block: Block, key: str) -> tuple[Block, Any]:
            op = self._seeded(step.operator, step, key)
            fit = block.fit_index(self.rows.fit_rows(key))
            op.fit(_take(block.y, fit))
            self.fits += 1
            y = np.asarray(op.transform(block.y), dtype=np.float64).reshape(block.y.shape)
            return block.evolve(y=apply.readonly(y), y_steps=(*block.y_steps, op)), op
        return self._per_block(step, lanes, compute)

    # -- split ------------------------------------------------------------------------------

    def _splitter(self, step: Step) -> Any:
        splitter = copy.copy(step.operator)
        if getattr(splitter, "random_state", 0) is None and getattr(splitter, "shuffle", True):
            splitter.random_state = derive_seed(self.seed, step.spec_json)
        return splitter

    def _do_split(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        train = self.rows.train
        block = lanes[0].blocks[SHARED]
        splitter, groups = split_groups(self.dataset, self._splitter(step), step.group,
                                        step.path, train)
        y = self.dataset.y[train] if self.dataset.y is not None else None
        if y is not None and y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        folds = list(splitter.split(block.features(train), y, groups))
        if not folds:
            raise SpecError(f"{step.path}: the splitter produced no folds")
        for i, (fit_idx, val_idx) in enumerate(folds):
            key = fold_key(i)
            self.rows.fit[key] = train[np.sort(np.asarray(fit_idx))]
            self.rows.val[key] = train[np.sort(np.asarray(val_idx))]
        keys = ([fold_key(i) for i in range(len(folds))] if self.with_cv else []) + (
            [FINAL] if self.with_final else [])
        self._spread_tags(keys)
        out = []
        for lane in lanes:
            shared = lane.blocks[SHARED]
            blocks = {k: shared.evolve(key=chain_key(shared.key, step.spec_json, k))
                      for k in keys}
            out.append(Lane(lane.path, blocks, (*lane.chain, (step, lane.path, {})),
                            lane.models, lane.sources))
        return out

    # -- models -----------------------------------------------------------------------------

    def _predict(self, model: Any, X: np.ndarray, block: Block) -> tuple[np.ndarray, Any]:
        return apply.predict(model, X, block.y_steps, classes=self.dataset.classes,
                             n_targets=self.dataset.n_targets)

    def _fit_model(self, step: Step, block: Block, fit: np.ndarray, key: str,
                   tuned: dict[str, Any] | None = None) -> Any:
        def data() -> tuple[np.ndarray, np.ndarray | None]:
            return block.features(fit), self._fit_target(block, fit)

        options = step.training.for_fit(key == FINAL) if step.training else ({}, {})
        options = ({**(tuned or {}), **options[0]}, options[1])
        if key != FINAL and step.index in self.nested and not options[1] and not tuned:
            model, made = sweep.fit_nested(step, self.nested[step.index], data,
                                           block_key=block.key, fold=key, cache=self.cache)
        else:
            model, made = self._seeded(step.operator, step, key), True
            if options[0]:
                model.set_params(**options[0])
            model.fit(*data(), **options[1])
        self.fits += made
        return model

    def _do_model(self, step: Step, lanes: list[Lane]) -> list[Lane]:
        out = []
        for lane in lanes:
            # A chain is one model of one variant trained on one dataset with one seed.
            chain_id = chain_key(self.pipeline_id, self.dataset.content_hash(), str(self.seed),
                                 "chain", repr(lane.path), str(step.index))
            refs: dict[str, str] = {}
            blocks = lane.blocks if SHARED not in lane.blocks else {FINAL: lane.blocks[SHARED]}
            fitted = FittedModel(chain_id, step, lane.path, (), lane.sources)
            tuned = self._tune(step, lane, blocks)
            fitted.label = tuned_label(step, tuned.get(FINAL))
            for key, block in blocks.items():
                if key == FINAL and not self.with_final:
                    continue
                self._fold = key
                fit = block.fit_index(self.rows.fit_rows(key))
                model = self._fit_model(step, block, fit, key, tuned.get(key))
                refs[key] = self._artifact(step, lane.path, key, model)
                test = self.rows.test_rows(key)
                if test.size:
                    fitted.test[key] = self._predict(model, block.features(test), block)
                if key == FINAL:
                    fitted.train[key] = self._predict(model, block.features(self.rows.train),
                                                      block)
                elif self.rows.val[key].size:  # a separation branch may hold none out
                    fitted.val[key] = self._predict(model, block.features(self.rows.val[key]),
                                                    block)
            chain = (*lane.chain, (step, lane.path, refs))
            fitted.chain = chain
            self.models.append(fitted)
            out.append(Lane(lane.path, lane.blocks, chain, (*lane.models, fitted),
                            lane.sources))
        return out


_TRAINING = KINDS.bind_training(VariantExecutor)  # refuses a kind without its handler
