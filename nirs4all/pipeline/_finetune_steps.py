"""The executor's side of ``finetune_params``: running the Optuna studies of a model step.

A mixin of :class:`~nirs4all.pipeline.execute.VariantExecutor` (see
:mod:`nirs4all.pipeline.finetune` for the options). In the CV pass, :meth:`_tune` runs the
step's studies on the fold blocks the model would be fitted on (the same rows, the same
preprocessing per fold), records every trial in ``self.trials`` and returns the parameters
each fold key is fitted with. In a refit pass (no CV folds), the parameters come from the
trials of the CV pass (``tuned``), so the final model is the best trial's, refitted like any
winner, without searching again. Each new trial goes to ``on_trial`` as it completes (the
run's workspace stores it); a CV pass given the stored trials of its interrupted search
replays them (:class:`Replay`) and evaluates only the missing ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier

from nirs4all.errors import SpecError
from nirs4all.pipeline.canonical import canonical, canonical_json
from nirs4all.pipeline.finetune import POOLED, Finetune, best_params
from nirs4all.pipeline.folds import FINAL, sort_fold_keys
from nirs4all.pipeline.metrics import DEFAULT_METRIC, HIGHER_IS_BETTER, pooled_score, score
from nirs4all.pipeline.metrics import sort_key as metric_key
from nirs4all.pipeline.records import TrialRecord
from nirs4all.pipeline.spec import Step
from nirs4all.pipeline.state import Block, Lane
from nirs4all.utils.seeding import derive_seed

__all__ = ["FinetuneSteps", "Replay", "tuned_label"]

logger = logging.getLogger("nirs4all.pipeline")

_STATES = {"COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "fail"}


def _optuna() -> Any:
    try:
        import optuna
    except ImportError as exc:  # pragma: no cover - optuna is installed with the tune extra
        raise ImportError("finetune_params needs Optuna: pip install 'nirs4all[tune]'") from exc
    return optuna


@contextmanager
def _quiet(optuna: Any) -> Iterator[None]:
    """Optuna logs every trial at INFO on its own handler: WARNING meanwhile, then as was."""
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(before)


def _sampler(optuna: Any, spec: Finetune, seed: int, where: str) -> Any:
    if spec.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if spec.sampler == "grid":
        return optuna.samplers.GridSampler({d.name: d.grid(where) for d in spec.space},
                                           seed=seed)
    if spec.sampler == "cmaes":
        try:
            import cmaes  # noqa: F401 - Optuna's CMA-ES sampler imports it on first use
        except ImportError:
            raise ImportError("sampler 'cmaes' needs the cmaes package: pip install cmaes "
                              "(or use sampler 'tpe')") from None
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    return optuna.samplers.TPESampler(seed=seed)


def tuned_label(step: Step, params: Mapping[str, Any] | None) -> str | None:
    """A tuned model step's label with the parameters its final model is fitted with.

    ``PLSRegression(n_components=7)``: the estimator's non-default parameters with the tuned
    ones, each tuned one shown even at its default; a step the user named keeps its name
    (``pls(n_components=7)``). None for an untuned step (its label is the step's).
    """
    if not params:
        return None
    tuned = {k: repr(v) for k, v in params.items()}
    if step.name:
        return f"{step.name}({', '.join(f'{k}={v}' for k, v in sorted(tuned.items()))})"
    encoded = canonical(clone(step.operator).set_params(**params))
    if not (isinstance(encoded, dict) and "__estimator__" in encoded):
        name, shown = step.label, {}
    else:
        name = encoded["__estimator__"].rsplit(".", 1)[-1]
        shown = {k: v["__estimator__"].rsplit(".", 1)[-1]
                 if isinstance(v, dict) and "__estimator__" in v else repr(v)
                 for k, v in encoded.get("params", {}).items()}
    shown.update(tuned)
    return f"{name}({', '.join(f'{k}={v}' for k, v in sorted(shown.items()))})"


class Replay:
    """The stored trials of one study, given back to Optuna instead of evaluated again.

    A pass interrupted in the middle of a search has stored each trial as it completed.
    On resume the study starts again from its seed: a trial whose number is stored and
    whose sampled parameters equal the stored ones takes the stored outcome (its
    intermediate values reported, then its score returned, or pruned, or failed) and fits
    nothing. The sampler so sees the same calls in the same order as the first time, and
    its state (its random generator, CMA-ES's optimizer, the grid points visited) is the
    same: the trials after the stored ones are those an uninterrupted run draws. A stored
    trial whose parameters differ from the draw ends the replay; it and every later trial
    are evaluated.
    """

    def __init__(self, trials: list[TrialRecord]) -> None:
        self._stored = {t.number: t for t in trials}
        self._live = bool(trials)
        self._replayed: set[int] = set()

    def stored(self, number: int) -> TrialRecord | None:
        """The stored record trial ``number`` replayed, or None when it was evaluated."""
        return self._stored[number] if number in self._replayed else None

    def wrap(self, objective: Callable[[Any], float], spec: Finetune,
             optuna: Any) -> Callable[[Any], float]:
        """``objective``, answering from the stored trials first."""
        if not self._stored:
            return objective

        def replayed(trial: Any) -> float:
            record = self._stored.get(trial.number) if self._live else None
            if record is None:
                return objective(trial)
            drawn = {d.name: d.suggest(trial) for d in spec.space}  # objective reuses them
            if canonical_json(drawn) != canonical_json(dict(record.params)):
                self._live = False
                logger.warning("stored fine-tuning trial %d has parameters %s but the sampler "
                               "drew %s; it and the later trials are evaluated again",
                               trial.number, dict(record.params), drawn)
                return objective(trial)
            self._replayed.add(trial.number)
            for position, value in record.intermediate:
                trial.report(value, position)
            if record.state == "pruned":
                raise optuna.TrialPruned()
            return float("nan") if record.score is None else record.score
        return replayed


class FinetuneSteps:
    """``finetune_params`` handling, mixed into the executor (uses its rows and fits)."""

    tuned: tuple[TrialRecord, ...]
    trials: list[TrialRecord]
    on_trial: Callable[[list[TrialRecord]], None] | None = None
    input_hash: str  # the run's dataset before a rep_to_* reshaping: trials are stored by it

    def _tune(self, step: Step, lane: Lane, blocks: Mapping[str, Block],
              ) -> dict[str, dict[str, Any]]:
        """The parameters every fold key of this lane's model is fitted with ({} untuned)."""
        spec: Finetune | None = getattr(step, "finetune", None)
        if spec is None:
            return {}
        folds = sort_fold_keys([k for k in blocks if k != FINAL])
        mine = [t for t in self.tuned if t.model_step == step.index and
                tuple(t.branch_path) == tuple(lane.path)]
        if not folds and not mine:
            raise SpecError(f"{step.path}: finetune_params need cross-validation folds; put a "
                            "splitter (e.g. KFold(5)) before the model")
        trials = mine if not folds else self._studies(step, lane, blocks, folds, spec)
        try:
            return best_params(spec, trials, folds, FINAL)
        except ValueError as exc:
            raise SpecError(f"{step.path}.finetune_params: {exc}") from None

    def _studies(self, step: Step, lane: Lane, blocks: Mapping[str, Block],
                 folds: list[str], spec: Finetune) -> list[TrialRecord]:
        groups = {POOLED: folds} if spec.approach == "grouped" else (
            {folds[0]: folds[:1]} if spec.approach == "single" else {k: [k] for k in folds})
        made = []
        for study, keys in groups.items():
            made.extend(self._study(step, lane, blocks, study, keys, spec))
        self.trials.extend(made)
        return made

    def _study(self, step: Step, lane: Lane, blocks: Mapping[str, Block], study: str,
               keys: list[str], spec: Finetune) -> list[TrialRecord]:
        optuna = _optuna()
        metric = DEFAULT_METRIC[self.dataset.task]
        seed = self._finetune_seed(step, lane, study)
        pruner = (optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)
                  if spec.epochs and spec.pruner == "median" else optuna.pruners.NopPruner())
        replay = Replay(sorted((t for t in self.tuned if t.model_step == step.index and
                                tuple(t.branch_path) == tuple(lane.path) and t.study == study),
                               key=lambda t: t.number))
        records: list[TrialRecord] = []

        def keep(_: Any, trial: Any) -> None:  # an Optuna callback, after each trial
            old = replay.stored(trial.number)
            record = old or self._trial_record(step, lane, study, metric, trial)
            records.append(record)
            if old is None and self.on_trial is not None:
                self.on_trial([record])  # written at once: a resumed pass replays it

        with _quiet(optuna):
            search = optuna.create_study(
                direction="maximize" if metric in HIGHER_IS_BETTER else "minimize",
                sampler=_sampler(optuna, spec, seed, step.path), pruner=pruner)
            objective = self._objective(step, blocks, keys, spec, metric, optuna)
            search.optimize(replay.wrap(objective, spec, optuna), n_trials=spec.n_trials,
                            catch=(Exception,), callbacks=[keep])
        return records

    def _trial_record(self, step: Step, lane: Lane, study: str, metric: str,
                      trial: Any) -> TrialRecord:
        """The record of a trial this pass ran (``trial``: Optuna's frozen trial)."""
        state = _STATES.get(trial.state.name, "fail")
        steps = trial.intermediate_values
        value = trial.value if state == "complete" else (
            steps[max(steps)] if state == "pruned" and steps else None)
        duration = trial.duration.total_seconds() if trial.duration else 0.0
        return TrialRecord(
            pipeline_id=self.pipeline_id, dataset_hash=self.input_hash,
            model_step=step.index, branch_path=tuple(lane.path), study=study,
            number=trial.number, params=dict(trial.params),
            score=None if value is None or np.isnan(value) else float(value),
            metric=metric, state=state, duration_s=duration,
            intermediate=tuple((int(k), float(v)) for k, v in sorted(steps.items())))

    def _finetune_seed(self, step: Step, lane: Lane, study: str) -> int:
        return derive_seed(self.seed, step.spec_json, "finetune", repr(lane.path), study)

    def _objective(self, step: Step, blocks: Mapping[str, Block], keys: list[str],
                   spec: Finetune, metric: str, optuna: Any) -> Callable[[Any], float]:
        set_extra, fit_kwargs = dict(spec.options.set_train), dict(spec.options.fit_train)

        def objective(trial: Any) -> float:
            params = {d.name: d.suggest(trial) for d in spec.space}
            models = {}
            for key in keys:
                model = self._seeded(step.operator, step, key)
                model.set_params(**set_extra, **params)
                models[key] = model
            if spec.epochs is None:
                for key in keys:
                    X, y = self._fold_data(blocks[key], key)
                    models[key].fit(X, y, **fit_kwargs)
                    self.fits += 1
                return self._trial_value(models, blocks, keys, spec, metric)
            value = float("nan")
            for epoch in range(spec.epochs):
                for key in keys:
                    X, y = self._fold_data(blocks[key], key)
                    extra = {"classes": self.dataset.classes} if (
                        epoch == 0 and is_classifier(models[key])) else {}
                    models[key].partial_fit(X, y, **extra, **fit_kwargs)
                    self.fits += 1
                value = self._trial_value(models, blocks, keys, spec, metric)
                trial.report(value, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return value
        return objective

    def _fold_data(self, block: Block, key: str) -> tuple[np.ndarray, Any]:
        fit = block.fit_index(self.rows.fit_rows(key))
        return block.features(fit), self._fit_target(block, fit)

    def _trial_value(self, models: Mapping[str, Any], blocks: Mapping[str, Block],
                     keys: list[str], spec: Finetune, metric: str) -> float:
        trues, preds = [], []
        for key in keys:
            rows = self.rows.val[key]
            preds.append(self._predict(models[key], blocks[key].features(rows), blocks[key])[0])
            trues.append(self.dataset.y[rows])
        if spec.eval_mode == "best" or len(keys) == 1:
            return pooled_score(metric, trues, preds)
        per_fold = [score(metric, t, p) for t, p in zip(trues, preds, strict=True)]
        if spec.eval_mode == "avg":
            return float(np.mean(per_fold))
        return max(per_fold, key=lambda v: metric_key(metric, v))  # the worst fold
