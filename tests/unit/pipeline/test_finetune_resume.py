"""A fine-tuning search interrupted after k of n trials resumes with the n - k missing ones.

Each trial is written to the workspace as it completes. The resumed pass replays the stored
trials into its study (the sampler sees the same calls as the first time) and evaluates only
the missing trials; trials, best parameters, scores and predictions equal those of an
uninterrupted run with the same seed in another workspace.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.operators.transforms import SNV

pytest.importorskip("optuna")

N_TRIALS, FOLDS = 14, 3
# TPE draws its first 10 trials at random (n_startup_trials): 14 trials cut after 11 also
# checks that the model-based draws after the cut continue the same.
CUT_AFTER = {"tpe": 11, "random": 5, "grid": 6, "cmaes": 7}
_NO_CMAES = pytest.mark.skipif(importlib.util.find_spec("cmaes") is None,
                               reason="sampler 'cmaes' needs the cmaes package")


def dataset():
    return nirs4all.generate(60, random_state=0, wavelengths=(1000, 1600, 10))


def tuned(sampler: str = "tpe", n_trials: int = N_TRIALS) -> list:
    return [KFold(FOLDS), {"model": PLSRegression(), "finetune_params": {
        "n_trials": n_trials, "sampler": sampler, "model_params": {"n_components": [1, 16]}}}]


def _run(pipeline, ws: Path, **kwargs):
    return nirs4all.run(pipeline, dataset(), random_state=0, verbose=0, workspace=ws,
                        **kwargs)


def _key(trials):
    return [(t.pipeline_id, t.study, t.number, dict(t.params), t.score, t.state,
             t.intermediate) for t in trials]


def _stored(ws: Path) -> list[dict]:
    with nirs4all.workspace.open(ws, read_only=True) as store:
        return store.sql("SELECT pipeline_id, study, trial_number FROM trials "
                         "ORDER BY pipeline_id, study, trial_number").to_pylist()


def _interrupt(monkeypatch, cls: type, method: str, at: int) -> None:
    """``cls.method`` raises KeyboardInterrupt on its ``at``-th call (1-based)."""
    real, calls = getattr(cls, method), []

    def cut(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == at:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, method, cut)


def _same_result(resumed, whole) -> None:
    assert _key(resumed.trials) == _key(whole.trials)
    assert resumed.best.chain_id == whole.best.chain_id
    assert resumed.best.cv_score == whole.best.cv_score
    assert resumed.best.refitted
    assert whole.best.refitted
    test = dataset().test
    np.testing.assert_array_equal(resumed.predict(test).y_pred, whole.predict(test).y_pred)


@pytest.mark.parametrize("sampler", [pytest.param(s, marks=_NO_CMAES) if s == "cmaes" else s
                                     for s in sorted(CUT_AFTER)])
def test_an_interrupted_search_resumes_with_only_the_missing_trials(
        sampler, tmp_path, monkeypatch) -> None:
    cut_after = CUT_AFTER[sampler]
    whole = _run(tuned(sampler), tmp_path / "whole")
    assert whole.stats["fits"] == N_TRIALS * FOLDS + FOLDS + 1  # trials, best on folds, final
    with monkeypatch.context() as patch:
        # the first fold of trial `cut_after` (0-based): trials 0 .. cut_after-1 completed
        _interrupt(patch, PLSRegression, "fit", cut_after * FOLDS + 1)
        with pytest.raises(KeyboardInterrupt):
            _run(tuned(sampler), tmp_path / "cut")
    assert [r["trial_number"] for r in _stored(tmp_path / "cut")] == list(range(cut_after))
    resumed = _run(tuned(sampler), tmp_path / "cut")
    assert resumed.stats["fits"] == (N_TRIALS - cut_after) * FOLDS + FOLDS + 1
    _same_result(resumed, whole)
    assert [r["trial_number"] for r in _stored(tmp_path / "cut")] == list(range(N_TRIALS))


def test_a_resumed_search_gives_the_pruner_the_stored_intermediate_values(
        tmp_path, monkeypatch) -> None:
    epochs, cut_after = 6, 9
    pipeline = [KFold(FOLDS), {"model": SGDRegressor(), "finetune_params": {
        "n_trials": 16, "sampler": "random", "epochs": epochs, "model_params": {
            "alpha": {"type": "float", "low": 1e-6, "high": 100.0, "log": True},
            "eta0": {"type": "float", "low": 1e-4, "high": 0.5, "log": True}}}}]
    whole = _run(pipeline, tmp_path / "whole")
    assert {"pruned", "complete"} <= {t.state for t in whole.trials[cut_after:]}
    assert all(len(t.intermediate) >= 1 for t in whole.trials if t.state != "fail")
    done = sum(len(t.intermediate) for t in whole.trials[:cut_after]) * FOLDS
    with monkeypatch.context() as patch:
        _interrupt(patch, SGDRegressor, "partial_fit", done + 1)
        with pytest.raises(KeyboardInterrupt):
            _run(pipeline, tmp_path / "cut")
    assert len(_stored(tmp_path / "cut")) == cut_after
    resumed = _run(pipeline, tmp_path / "cut")
    assert _key(resumed.trials) == _key(whole.trials)
    assert resumed.best.cv_score == whole.best.cv_score
    later = sum(len(t.intermediate) for t in whole.trials[cut_after:]) * FOLDS
    assert resumed.stats["fits"] == later + FOLDS + 1


def test_a_search_interrupted_in_a_serial_run_resumes_in_parallel_workers(
        tmp_path, monkeypatch) -> None:
    pipeline = [KFold(FOLDS), {"_or_": [None, SNV()]}, tuned(n_trials=6)[1]]
    whole = _run(pipeline, tmp_path / "whole")
    with monkeypatch.context() as patch:
        # the first variant's search is cut after 2 of its 6 trials
        _interrupt(patch, PLSRegression, "fit", 2 * FOLDS + 1)
        with pytest.raises(KeyboardInterrupt):
            _run(pipeline, tmp_path / "cut")
    assert len(_stored(tmp_path / "cut")) == 2
    resumed = _run(pipeline, tmp_path / "cut", n_jobs=2)  # both variants, one per worker
    assert resumed.stats["restored"] == 0
    cv_fits = [[o.n_fits for o in r.outcomes if o.phase == "cv"] for r in (whole, resumed)]
    assert cv_fits[1] == [cv_fits[0][0] - 2 * FOLDS, cv_fits[0][1]]
    _same_result(resumed, whole)


CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[1])
    import test_finetune_resume as case
    from sklearn.cross_decomposition import PLSRegression

    real, calls = PLSRegression.fit, []

    def killed_in_the_middle_of_the_search(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, *args, **kwargs)

    PLSRegression.fit = killed_in_the_middle_of_the_search
    case._run(case.tuned(), sys.argv[2])
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_search_killed_in_the_middle_keeps_its_completed_trials(tmp_path) -> None:
    cut_after = CUT_AFTER["tpe"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(Path(nirs4all.__file__).parents[1]), os.environ.get("PYTHONPATH"))
        if p)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(Path(__file__).parent), str(tmp_path / "cut"),
         str(cut_after * FOLDS + 1)], env=env, capture_output=True, text=True, timeout=600,
        check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert len(_stored(tmp_path / "cut")) == cut_after
    resumed = _run(tuned(), tmp_path / "cut")
    assert resumed.stats["fits"] == (N_TRIALS - cut_after) * FOLDS + FOLDS + 1
    _same_result(resumed, _run(tuned(), tmp_path / "whole"))


class _Log:
    """A TrialLog that records what it is given, and when (relative to the outcomes)."""

    def __init__(self, stored=()) -> None:
        self.events: list[tuple[str, object]] = []
        self._stored = tuple(stored)

    def stored(self, pipeline_id: str):
        return tuple(t for t in self._stored if t.pipeline_id == pipeline_id)

    def __call__(self, trials) -> None:
        self.events.extend(("trial", t.number) for t in trials)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_trials_reach_the_log_before_the_outcome_of_their_pass(n_jobs) -> None:
    from nirs4all.pipeline.runner import prepare_variants, run_variants

    pipeline = [KFold(FOLDS), {"_or_": [None, SNV()]}, tuned(n_trials=3)[1]]
    variants = prepare_variants(pipeline, seed=0, max_variants=10)
    log = _Log()
    outcomes, _ = run_variants(variants, dataset(), seed=0, n_jobs=n_jobs, trials=log,
                               on_outcome=lambda o: log.events.append(("outcome", o.phase)))
    assert log.events[:4] == [("trial", 0), ("trial", 1), ("trial", 2), ("outcome", "cv")]
    assert log.events.count(("outcome", "cv")) == 2
    assert [e for e in log.events if e[0] == "trial"] == [("trial", n) for n in (0, 1, 2) * 2]
    # the stored trials of a search are replayed, not evaluated and not written again
    again = _Log(stored=[t for o in outcomes for t in o.trials])
    replayed, stats = run_variants(variants, dataset(), seed=0, n_jobs=n_jobs, trials=again,
                                   refit=False)
    assert [t for o in replayed for t in o.trials] == [t for o in outcomes for t in o.trials
                                                       if o.phase == "cv"]
    assert stats["fits"] == sum(o.n_fits for o in outcomes if o.phase == "cv") - 2 * 3 * FOLDS
    # serially a replayed trial is not written again; a worker's trials are all handed to
    # the log when its task returns (the store keeps the ones it has: see _trials.py)
    written = [e for e in again.events if e[0] == "trial"]
    assert written == ([] if n_jobs == 1 else [("trial", n) for n in (0, 1, 2) * 2])


def _record(number: int, params: dict, score: float | None, state: str = "complete",
            intermediate=()):
    from nirs4all.pipeline.records import TrialRecord

    return TrialRecord(pipeline_id="0" * 64, dataset_hash="1" * 64, model_step=1,
                       branch_path=(), study="pooled", number=number, params=params,
                       score=score, metric="rmse", state=state, intermediate=intermediate)


def _replayed_study(stored, n_trials: int = 4):
    import optuna

    from nirs4all.pipeline._finetune_steps import Replay
    from nirs4all.pipeline.finetune import parse_finetune

    spec = parse_finetune(PLSRegression(), {"n_trials": n_trials, "sampler": "grid",
                                            "model_params": {"n_components": [1, 4]}}, "step")
    evaluated: list[int] = []

    def objective(trial) -> float:
        evaluated.append(trial.number)
        return float(trial.suggest_int("n_components", 1, 4))

    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        study = optuna.create_study(sampler=optuna.samplers.GridSampler(
            {"n_components": [1, 2, 3, 4]}, seed=0))
        replay = Replay(stored)
        study.optimize(replay.wrap(objective, spec, optuna), n_trials=n_trials)
    finally:
        optuna.logging.set_verbosity(before)
    return study, evaluated, replay


def test_replay_answers_from_the_stored_trials_and_evaluates_the_rest() -> None:
    study, evaluated, _ = _replayed_study([])
    draws = [t.params for t in study.trials]
    stored = [_record(0, draws[0], 10.0), _record(1, draws[1], None, "pruned", ((0, 5.0),)),
              _record(2, draws[2], None, "fail")]
    again, evaluated, replay = _replayed_study(stored)
    assert [t.params for t in again.trials] == draws
    assert evaluated == [3]
    assert [t.state.name for t in again.trials] == ["COMPLETE", "PRUNED", "FAIL", "COMPLETE"]
    assert again.trials[0].value == 10.0
    assert again.trials[1].intermediate_values == {0: 5.0}
    assert replay.stored(0) is stored[0]
    assert replay.stored(3) is None


def test_a_stored_trial_the_sampler_does_not_draw_again_ends_the_replay(caplog) -> None:
    study, _, _ = _replayed_study([])
    draws = [t.params for t in study.trials]
    other = {"n_components": 5 - draws[1]["n_components"]}  # not what trial 1 draws
    stored = [_record(0, draws[0], 10.0), _record(1, other, 1.0), _record(2, draws[2], 2.0)]
    with caplog.at_level("WARNING", logger="nirs4all.pipeline"):
        again, evaluated, _ = _replayed_study(stored)
    assert evaluated == [1, 2, 3]
    assert "evaluated again" in caplog.text
    assert [t.params for t in again.trials] == draws
