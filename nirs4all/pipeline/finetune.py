"""``finetune_params``: the Optuna search of a model step's parameters (the 0.x keys).

``{"model": M, "finetune_params": {"n_trials": 30, "model_params": {...}, ...}}``:

- ``model_params``: the search space, one entry per parameter of ``M`` (it must be in
  ``M.get_params()``): ``[low, high]`` (two ints: an integer range, otherwise a float
  range), any other list (the categorical values), or a dict ``{"type": "int" | "float" |
  "categorical", "low", "high", "step", "log", "values"}``.
- ``n_trials`` (default 20); ``sampler``: ``"tpe"`` (default), ``"random"``, ``"grid"``
  (every dimension must be discrete: categorical, int, or float with a ``step``) or
  ``"cmaes"`` (needs the ``cmaes`` package).
- ``approach``: ``"grouped"`` (default: one study whose objective covers every CV fold,
  its best parameters used for every fold and the final model), ``"single"`` (one study
  scored on the first fold only, its best used everywhere) or ``"individual"`` (one study
  per fold, each fold model uses its own best; the final model uses the best of the study
  whose best score is best).
- ``eval_mode`` (how the folds of one trial make its objective, for ``grouped``):
  ``"best"`` (default: the pooled out-of-fold score, the score the run ranks chains by),
  ``"avg"`` (the mean of the per-fold scores) or ``"robust_best"`` (the worst fold's
  score, so the search favours parameters that hold on every fold).
- ``train_params``: training options for the trial fits only (as a model step's
  ``train_params``: constructor parameters or ``fit`` arguments).
- ``epochs`` and ``pruner``: with ``epochs: E`` an estimator with ``partial_fit`` is trained
  in ``E`` passes of ``partial_fit`` per trial, reporting the objective after each, and
  ``pruner="median"`` (default) stops a trial whose intermediate objective is worse than
  the median of earlier trials at the same pass (Optuna's ``MedianPruner``); ``"none"``
  never prunes.
- ``verbose`` is accepted and ignored (not part of the identity).

The objective is the run's ranking metric (``rmse`` for regression, ``balanced_accuracy``
for classification) on the run's own CV folds, so tuned and untuned variants compare
fairly. The sampler's seed derives from the run's seed and the step's identity, and the
trials of a study run one after the other in the process that runs the variant: the same
seed gives the same trials and the same best parameters, whatever ``n_jobs`` is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from nirs4all.errors import SpecError
from nirs4all.pipeline.metrics import sort_key
from nirs4all.pipeline.records import TrialRecord
from nirs4all.pipeline.training import TrainingOptions, training_options

__all__ = ["APPROACHES", "EVAL_MODES", "PRUNERS", "SAMPLERS", "Dimension", "Finetune",
           "TrialLog", "best_params", "parse_finetune"]

APPROACHES = ("grouped", "individual", "single")
EVAL_MODES = ("best", "avg", "robust_best")
SAMPLERS = ("tpe", "random", "grid", "cmaes")
PRUNERS = ("median", "none")
_KEYS = frozenset({"n_trials", "approach", "eval_mode", "sampler", "model_params",
                   "train_params", "epochs", "pruner", "verbose"})
POOLED = "pooled"


class TrialLog(Protocol):
    """Where a run keeps its trials as they complete (a workspace's write session).

    ``stored(pipeline_id)`` gives the trials of a variant stored already (a pass
    interrupted in the middle of its search replays them, see
    :class:`~nirs4all.pipeline._finetune_steps.Replay`); calling it with trials writes them.
    """

    def stored(self, pipeline_id: str) -> tuple[TrialRecord, ...]:
        """The variant's stored trials, on the dataset being run."""

    def __call__(self, trials: Sequence[TrialRecord]) -> None:
        """Write ``trials`` now (those stored already are kept)."""


@dataclass(frozen=True)
class Dimension:
    """One searched parameter: an int or float range, or categorical values."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 0.0
    step: float | None = None
    log: bool = False
    values: tuple[Any, ...] = ()

    def suggest(self, trial: Any) -> Any:
        """The value an Optuna ``trial`` draws for this parameter."""
        if self.kind == "categorical":
            return trial.suggest_categorical(self.name, list(self.values))
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high),
                                     step=int(self.step or 1), log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, step=self.step,
                                   log=self.log)

    def grid(self, where: str) -> list[Any]:
        """Every value, for the grid sampler."""
        if self.kind == "categorical":
            return list(self.values)
        if self.kind == "int":
            return list(range(int(self.low), int(self.high) + 1, int(self.step or 1)))
        if self.step is None:
            raise SpecError(f"{where}.model_params.{self.name}: the grid sampler needs a "
                            "'step' for a float range (or use sampler 'tpe')")
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        return [self.low + i * self.step for i in range(count)]


@dataclass(frozen=True)
class Finetune:
    """A parsed ``finetune_params`` (see the module docstring)."""

    n_trials: int
    approach: str
    eval_mode: str
    sampler: str
    space: tuple[Dimension, ...]
    options: TrainingOptions
    epochs: int | None
    pruner: str


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _range(name: str, kind: str, entry: Mapping, where: str) -> Dimension:
    low, high = entry.get("low"), entry.get("high")
    if not (_number(low) and _number(high)) or low > high:
        raise SpecError(f"{where}: a {kind} range needs numbers low <= high; got low={low!r}, "
                        f"high={high!r}")
    step, log = entry.get("step"), bool(entry.get("log", False))
    if step is not None and (not _number(step) or step <= 0):
        raise SpecError(f"{where}.step must be a positive number; got {step!r}")
    if log and (low <= 0 or step is not None):
        raise SpecError(f"{where}: a log range needs low > 0 and no step")
    if kind == "int" and not all(float(v).is_integer() for v in (low, high, step or 1)):
        raise SpecError(f"{where}: an int range needs integer low, high and step")
    return Dimension(name, kind, low, high, step, log)


def _dimension(name: str, value: Any, where: str) -> Dimension:
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(_number(v) for v in value):
            kind = "int" if all(isinstance(v, int) for v in value) else "float"
            return _range(name, kind, {"low": value[0], "high": value[1]}, where)
        if not value:
            raise SpecError(f"{where}: no values to choose from")
        return Dimension(name, "categorical", values=tuple(value))
    if isinstance(value, Mapping):
        extra = set(value) - {"type", "low", "high", "step", "log", "values", "choices"}
        if extra:
            raise SpecError(f"{where}: unknown key(s) {sorted(extra)}; a dimension takes type, "
                            "low, high, step, log, values")
        kind = value.get("type", "categorical" if "values" in value or "choices" in value
                         else "float")
        if kind in ("int", "float"):
            return _range(name, kind, value, where)
        if kind == "categorical":
            values = value.get("values", value.get("choices"))
            if not isinstance(values, (list, tuple)) or not values:
                raise SpecError(f"{where}.values: a categorical dimension needs a non-empty "
                                "list of values")
            return Dimension(name, "categorical", values=tuple(values))
        raise SpecError(f"{where}.type must be 'int', 'float' or 'categorical'; got {kind!r}")
    raise SpecError(f"{where}: expected [low, high], a list of values or a dict with 'type'; "
                    f"got {type(value).__name__}")


def _choice(value: Any, allowed: Sequence[str], where: str) -> str:
    text = str(value).lower().replace("-", "").replace("_", "") if value is not None else ""
    for option in allowed:
        if text == option.replace("_", ""):
            return option
    raise SpecError(f"{where} must be one of {list(allowed)}; got {value!r}")


def _positive(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"{where} must be an integer >= 1; got {value!r}")
    return value


def parse_finetune(model: Any, value: Any, where: str) -> Finetune:
    """Validate a model step's ``finetune_params`` against its model.

    Raises
    ------
    SpecError
        Naming the key at fault (``steps[2].finetune_params.model_params.alpha``) and
        what it accepts.
    """
    where = f"{where}.finetune_params"
    if not isinstance(value, Mapping):
        raise SpecError(f"{where}: expected a dict; got {type(value).__name__}")
    extra = set(value) - _KEYS
    if extra:
        raise SpecError(f"{where}: unknown key(s) {sorted(extra)}; keys are {sorted(_KEYS)}")
    space_spec = value.get("model_params")
    if not isinstance(space_spec, Mapping) or not space_spec:
        raise SpecError(f"{where}.model_params: the parameters to search, e.g. "
                        "{'n_components': [1, 20]}")
    known = set(model.get_params(deep=False)) if hasattr(model, "get_params") else set()
    space = []
    for name, entry in space_spec.items():
        if name not in known:
            raise SpecError(f"{where}.model_params.{name}: {type(model).__name__} has no "
                            f"parameter {name!r}; parameters are {sorted(known)}")
        space.append(_dimension(str(name), entry, f"{where}.model_params.{name}"))
    epochs = value.get("epochs")
    if epochs is not None:
        epochs = _positive(epochs, f"{where}.epochs")
        if not callable(getattr(model, "partial_fit", None)):
            raise SpecError(f"{where}.epochs: {type(model).__name__} has no partial_fit; "
                            "epochs (and pruning) need an estimator trained in passes")
    spec = Finetune(
        n_trials=_positive(value.get("n_trials", 20), f"{where}.n_trials"),
        approach=_choice(value.get("approach", "grouped"), APPROACHES, f"{where}.approach"),
        eval_mode=_choice(value.get("eval_mode", "best"), EVAL_MODES, f"{where}.eval_mode"),
        sampler=_choice(value.get("sampler", "tpe"), SAMPLERS, f"{where}.sampler"),
        space=tuple(space),
        options=training_options(model, value.get("train_params"), None, where),
        epochs=epochs,
        pruner=_choice(value.get("pruner", "median"), PRUNERS, f"{where}.pruner"))
    if spec.sampler == "grid":
        for dim in spec.space:
            dim.grid(where)
    return spec


def _best(trials: Sequence[TrialRecord]) -> TrialRecord | None:
    done = [t for t in trials if t.state == "complete" and t.score is not None]
    if not done:
        return None
    return min(done, key=lambda t: (sort_key(t.metric, t.score), t.number))


def best_params(spec: Finetune, trials: Sequence[TrialRecord], keys: Sequence[str],
                final: str) -> dict[str, dict[str, Any]]:
    """The parameters each fold key (and ``final``) is fitted with, from a step's trials.

    Grouped and single: the best complete trial's, for every key. Individual: each fold's
    own study's best; ``final`` gets the best of the study whose best is best. Ties are
    broken by trial number. A study without a complete trial raises ``ValueError``.
    """
    studies: dict[str, list[TrialRecord]] = {}
    for trial in trials:
        studies.setdefault(trial.study, []).append(trial)
    winners = {}
    for study, members in sorted(studies.items()):
        best = _best(members)
        if best is None:
            states = sorted({t.state for t in members})
            raise ValueError(f"no trial of study {study!r} completed ({len(members)} trial(s), "
                             f"states {states}); widen model_params or raise n_trials")
        winners[study] = best
    if spec.approach != "individual":
        (only,) = winners.values()
        return {key: dict(only.params) for key in (*keys, final)}
    out = {key: dict(winners[key].params) for key in keys if key in winners}
    overall = min(winners.values(), key=lambda t: (sort_key(t.metric, t.score), t.study))
    out[final] = dict(overall.params)
    return out
