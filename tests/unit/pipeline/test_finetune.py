"""finetune_params: Optuna studies on the run's folds, seeded, persisted, refitted."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge, SGDRegressor
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.errors import SpecError
from nirs4all.operators.transforms import SNV
from nirs4all.pipeline.runner import prepare_variants
from nirs4all.pipeline.spec import parse_pipeline

SPACE = {"n_components": [1, 10]}


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, random_state=0, wavelengths=(1000, 1600, 10))


def _tuned(**finetune):
    return {"model": PLSRegression(), "finetune_params": {"n_trials": 8, "model_params": SPACE,
                                                          **finetune}}


def _run(pipeline, data, **kwargs):
    return nirs4all.run(pipeline, data, random_state=0, verbose=0,
                        **{"workspace": None, **kwargs})


def _models(result, phase=None):
    return {ref.rsplit(":", 1)[1]: obj for o in result.outcomes
            if phase is None or o.phase == phase for ref, obj in o.artifacts.items()
            if hasattr(obj, "predict")}


def _key(trials):
    return [(t.study, t.number, dict(t.params), t.score, t.state) for t in trials]


def test_the_best_trial_is_fitted_on_every_fold_and_refitted(data) -> None:
    result = _run([KFold(3), _tuned()], data)
    assert len(result.trials) == 8
    best = min((t for t in result.trials if t.state == "complete"),
               key=lambda t: (t.score, t.number))
    models = _models(result)
    assert set(models) == {"0", "1", "2", "final"}
    assert {m.n_components for m in models.values()} == {best.params["n_components"]}
    assert result.best.refitted


def test_the_objective_is_the_pooled_cv_score_of_the_chain_on_the_run_folds(data) -> None:
    result = _run([KFold(3), _tuned()], data)
    for trial in result.trials[:3]:
        plain = _run([KFold(3), PLSRegression(trial.params["n_components"])], data)
        assert trial.score == pytest.approx(plain.best.cv_score, rel=1e-12)
    best = min(t.score for t in result.trials)
    assert result.best.cv_score == pytest.approx(best, rel=1e-12)


def test_avg_and_robust_best_combine_the_fold_scores(data) -> None:
    for mode, combine in (("avg", np.mean), ("robust_best", np.max)):
        result = _run([KFold(3), _tuned(eval_mode=mode, n_trials=3)], data)
        for trial in result.trials:
            plain = _run([KFold(3), PLSRegression(trial.params["n_components"])], data)
            folds = [s["rmse"] for s in plain.outcomes[0].chains[0].fold_scores.values()]
            assert trial.score == pytest.approx(combine(folds), rel=1e-12)


def test_same_seed_gives_the_same_trials_whatever_n_jobs_and_on_rerun(data) -> None:
    pipeline = [KFold(3), {"_or_": [None, SNV()]}, _tuned(n_trials=6)]
    serial = _run(pipeline, data)
    again = _run(pipeline, data)
    parallel = _run(pipeline, data, n_jobs=2)
    assert _key(serial.trials) == _key(again.trials) == _key(parallel.trials)
    assert len(serial.trials) == 12
    assert serial.best.chain_id == parallel.best.chain_id
    assert serial.best.cv_score == parallel.best.cv_score
    other = nirs4all.run(pipeline, data, random_state=1, verbose=0, workspace=None)
    assert _key(other.trials) != _key(serial.trials)


def test_single_scores_on_the_first_fold_and_individual_tunes_each_fold(data) -> None:
    single = _run([KFold(3), _tuned(approach="single", n_trials=4)], data)
    assert {t.study for t in single.trials} == {"0"}
    individual = _run([KFold(3), _tuned(approach="individual", n_trials=5)], data)
    assert {t.study for t in individual.trials} == {"0", "1", "2"}
    models = _models(individual, "cv")
    for fold in ("0", "1", "2"):
        mine = [t for t in individual.trials if t.study == fold]
        best = min(mine, key=lambda t: (t.score, t.number))
        assert models[fold].n_components == best.params["n_components"]


def test_grid_sampler_visits_every_grid_point_once(data) -> None:
    step = {"model": Ridge(), "finetune_params": {
        "n_trials": 20, "sampler": "grid",
        "model_params": {"alpha": {"type": "float", "low": 0.5, "high": 2.0, "step": 0.5},
                         "fit_intercept": [True, False]}}}
    result = _run([KFold(3), step], data)
    seen = sorted((t.params["alpha"], t.params["fit_intercept"]) for t in result.trials)
    assert seen == sorted((a, b) for a in (0.5, 1.0, 1.5, 2.0) for b in (True, False))


def test_random_sampler_and_dict_dimensions_draw_inside_their_bounds(data) -> None:
    step = {"model": Ridge(), "finetune_params": {
        "n_trials": 6, "sampler": "random",
        "model_params": {"alpha": {"type": "float", "low": 1e-3, "high": 10.0, "log": True},
                         "solver": {"type": "categorical", "values": ["auto", "svd"]}}}}
    result = _run([KFold(3), step], data)
    assert all(1e-3 <= t.params["alpha"] <= 10.0 for t in result.trials)
    assert {t.params["solver"] for t in result.trials} <= {"auto", "svd"}


@pytest.mark.skipif(importlib.util.find_spec("cmaes") is not None, reason="cmaes installed")
def test_cmaes_without_its_package_says_what_to_install(data) -> None:
    with pytest.raises(Exception, match="pip install cmaes"):
        _run([KFold(3), _tuned(sampler="CMA-ES")], data, continue_on_error=False)


def test_partial_fit_estimators_are_trained_in_epochs_and_pruned(data) -> None:
    step = {"model": SGDRegressor(), "finetune_params": {
        "n_trials": 16, "sampler": "random", "epochs": 6,
        "model_params": {"alpha": {"type": "float", "low": 1e-6, "high": 100.0, "log": True},
                         "eta0": {"type": "float", "low": 1e-4, "high": 0.5, "log": True}}}}
    result = _run([KFold(3), step], data)
    states = [t.state for t in result.trials]
    assert "pruned" in states
    assert "complete" in states
    assert all(t.score is not None for t in result.trials if t.state == "pruned")


def test_trials_are_stored_queryable_and_a_rerun_runs_none_again(data, tmp_path) -> None:
    ws = tmp_path / "ws"
    first = _run([KFold(3), _tuned(n_trials=5)], data, workspace=ws)
    second = _run([KFold(3), _tuned(n_trials=5)], data, workspace=ws)
    assert second.stats["fits"] == 0
    assert _key(second.trials) == _key(first.trials)
    with nirs4all.workspace.open(ws, read_only=True) as store:
        rows = store.sql("SELECT trial_number, params, score, state, metric FROM trials "
                         "ORDER BY trial_number").to_pylist()
    assert [r["trial_number"] for r in rows] == [0, 1, 2, 3, 4]
    assert [json.loads(r["params"]) for r in rows] == [dict(t.params) for t in first.trials]
    assert [r["score"] for r in rows] == [t.score for t in first.trials]
    assert {r["metric"] for r in rows} == {"rmse"}


def test_finetune_verbose_is_not_part_of_the_identity() -> None:
    quiet = [KFold(3), _tuned(verbose=0)]
    loud = [KFold(3), _tuned(verbose=2)]
    ids = {prepare_variants(p, seed=0, max_variants=4)[0].pipeline_id for p in (quiet, loud)}
    assert len(ids) == 1
    more = [KFold(3), _tuned(n_trials=9)]
    assert prepare_variants(more, seed=0, max_variants=4)[0].pipeline_id not in ids


@pytest.mark.parametrize(("finetune", "message"), [
    ({"model_params": {"alpha": [1, 2]}}, r"model_params\.alpha: PLSRegression has no"),
    ({"model_params": {}}, "the parameters to search"),
    ({"model_params": SPACE, "approach": "both"}, r"approach must be one of"),
    ({"model_params": SPACE, "eval_mode": "worst"}, r"eval_mode must be one of"),
    ({"model_params": SPACE, "n_trials": 0}, r"n_trials must be an integer >= 1"),
    ({"model_params": SPACE, "epochs": 3}, "has no partial_fit"),
    ({"model_params": SPACE, "seed": 3}, r"unknown key\(s\) \['seed'\]"),
    ({"model_params": {"n_components": {"type": "int", "low": 5, "high": 1}}}, "low <= high"),
    ({"model_params": {"n_components": {"type": "integer", "low": 1, "high": 3}}},
     r"type must be 'int'"),
    ({"model_params": {"tol": {"type": "float", "low": 1e-6, "high": 1e-3}},
      "sampler": "grid"}, "needs a 'step'"),
    ({"model_params": SPACE, "train_params": {"epochs": 2}}, r"train_params\.epochs"),
])
def test_invalid_finetune_params_are_spec_errors_naming_the_key(finetune, message) -> None:
    with pytest.raises(SpecError, match=message):
        parse_pipeline([KFold(3), {"model": PLSRegression(), "finetune_params": finetune}])


def test_finetune_without_a_splitter_asks_for_one(data) -> None:
    with pytest.raises(SpecError, match="put a splitter"):
        _run([_tuned()], data)


def test_a_tuned_chain_is_named_with_its_tuned_parameters(data, tmp_path) -> None:
    result = _run([KFold(3), _tuned(n_trials=6)], data, workspace=tmp_path / "ws")
    best = min((t for t in result.trials if t.state == "complete"),
               key=lambda t: (t.score, t.number))
    label = f"PLSRegression(n_components={best.params['n_components']})"
    assert result.best.model_name == label
    assert {s.model_name for s in result.top(5)} == {label}
    assert label in str(result.summary())
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as store:
        names = {r["model_name"] for r in store.sql("SELECT model_name FROM chains").to_pylist()}
    assert names == {label}
    # a tuned value equal to the estimator's default is shown too; a user's name is kept
    step = {"model": PLSRegression(scale=False), "name": "pls", "finetune_params": {
        "n_trials": 1, "sampler": "grid", "model_params": {"n_components": [2]}}}
    named = _run([KFold(3), step], data)
    assert named.best.model_name == "pls(n_components=2)"
    plain = _run([KFold(3), {**step, "name": None}], data)
    assert plain.best.model_name == "PLSRegression(n_components=2, scale=False)"
