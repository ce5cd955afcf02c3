"""nirs4all.run and RunResult: variants, ranking, refit policies, inputs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, ShuffleSplit
from sklearn.preprocessing import MinMaxScaler

import nirs4all
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.pipeline.generators import TooManyVariantsError


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(80, random_state=5)


SWEEP = [
    {"_or_": [SNV(), SavitzkyGolay()]},
    KFold(3),
    {"model": PLSRegression, "_range_": [2, 6, 2], "param": "n_components"},
]


def test_sweep_runs_every_variant_and_ranks_by_pooled_cv(dataset) -> None:
    result = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0)
    assert result.num_variants == 6  # the refit pass reuses the winner's pipeline id
    assert len(result.chains) == 6
    scores = [s.cv_score for s in result.top(6)]
    assert scores == sorted(scores)
    assert result.best.cv_score == result.best_cv_score
    assert result.best.refitted
    assert not math.isnan(result.best_rmse)
    assert [s.refitted for s in result.top(6)].count(True) == 1


def test_zero_x_form_and_model_sweep_forms(dataset) -> None:
    zero_x = [KFold(3), {"model": PLSRegression(), "model_params": {
        "n_components": {"_range_": [2, 6, 2]}}}]
    sweep_models = [KFold(3), {"model": {"_or_": [PLSRegression(5), Ridge()]}}]
    assert len(nirs4all.run(zero_x, dataset, random_state=0, verbose=0).chains) == 3
    result = nirs4all.run(sweep_models, dataset, random_state=0, verbose=0)
    assert sorted(c.model_name for c in result.chains) == [
        "PLSRegression(n_components=5)", "Ridge"]


def test_refit_all_and_none(dataset) -> None:
    every = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0, refit="all")
    assert all(c.refitted for c in every.top(6))
    none = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0, refit=False)
    assert not any(c.refitted for c in none.top(6))
    assert math.isnan(none.best_rmse)
    with pytest.raises(ValueError, match="refit must be"):
        nirs4all.run(SWEEP, dataset, verbose=0, refit="some")


def test_same_seed_gives_identical_results(dataset) -> None:
    pipeline = [SNV(), ShuffleSplit(3, test_size=0.25), PLSRegression(4)]
    a = nirs4all.run(pipeline, dataset, random_state=11, verbose=0)
    b = nirs4all.run(pipeline, dataset, random_state=11, verbose=0)
    for x, y in zip(a.predictions(), b.predictions(), strict=True):
        assert x.natural_key == y.natural_key
        np.testing.assert_array_equal(x.y_pred, y.y_pred)
    c = nirs4all.run(pipeline, dataset, random_state=12, verbose=0)
    assert not np.array_equal(a.predictions()[0].sample_ids, c.predictions()[0].sample_ids)


def test_unseeded_run_records_the_seed_it_drew(dataset) -> None:
    pipeline = [ShuffleSplit(2, test_size=0.3), PLSRegression(3)]
    first = nirs4all.run(pipeline, dataset, verbose=0)
    again = nirs4all.run(pipeline, dataset, random_state=first.seed, verbose=0)
    for x, y in zip(first.predictions(), again.predictions(), strict=True):
        np.testing.assert_array_equal(x.y_pred, y.y_pred)


def test_max_variants_guard(dataset) -> None:
    with pytest.raises(TooManyVariantsError, match="6"):
        nirs4all.run(SWEEP, dataset, verbose=0, max_variants=5)


def test_pipeline_file_and_list_of_pipelines(dataset, tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        "pipeline:\n"
        "  - class: nirs4all.operators.transforms.SNV\n"
        "  - class: sklearn.model_selection.KFold\n"
        "    params: {n_splits: 3}\n"
        "  - model: {class: sklearn.cross_decomposition.PLSRegression,"
        " params: {n_components: 4}}\n"
        "    name: PLS4\n"
    )
    result = nirs4all.run(path, dataset, random_state=0, verbose=0)
    assert result.best.model_name == "PLS4"
    both = nirs4all.run([[KFold(3), Ridge()], [KFold(3), PLSRegression(3)]], dataset,
                        random_state=0, verbose=0)
    assert len(both.chains) == 2


def test_several_datasets_are_ranked_separately(dataset) -> None:
    other = nirs4all.generate(60, random_state=9, name="other")
    result = nirs4all.run([KFold(3), PLSRegression(3)], [dataset, other], random_state=0,
                          verbose=0)
    assert set(result.per_dataset) == {"synthetic", "other"}
    with pytest.raises(ValueError, match="covers 2 datasets"):
        _ = result.best
    assert result.per_dataset["other"].best.dataset == "other"


def test_arrays_are_accepted(dataset) -> None:
    X, y = dataset.x(), dataset.y
    result = nirs4all.run([MinMaxScaler(), KFold(2), Ridge()], (X, y), random_state=0,
                          verbose=0)
    assert result.best.fold_ids == ("0", "1", "final")


def test_filter_and_predictions(dataset) -> None:
    result = nirs4all.run([KFold(3), PLSRegression(3)], dataset, random_state=0, verbose=0)
    finals = result.filter(fold_id="final")
    assert {p.partition for p in finals} == {"train", "test"}
    assert all(p.refit_context == "standalone" for p in finals)
    assert len(result.predictions(partition="val")) == 3
    with pytest.raises(ValueError, match="unknown prediction field"):
        result.filter(fold="0")


def test_summary_and_top_by_other_metric(dataset) -> None:
    result = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0)
    text = result.summary()
    assert "cv rmse" in text
    assert result.best.short_id in text
    by_r2 = result.top(3, by="r2")
    assert by_r2[0].cv_scores["r2"] >= by_r2[1].cv_scores["r2"]
    assert len(result.top(2, partition="test")) == 2


def test_dataset_without_targets_is_refused() -> None:
    with pytest.raises(ValueError, match="no targets"):
        nirs4all.run([Ridge()], np.ones((5, 3)), verbose=0)


def test_counters_and_step_tracing_at_verbose_2(dataset, caplog) -> None:
    import logging

    with caplog.at_level(logging.DEBUG, logger="nirs4all"):
        result = nirs4all.run(SWEEP, dataset, random_state=0, verbose=2)
    assert result.stats["variants"] == 6
    assert result.stats["fits"] == sum(o.n_fits for o in result.outcomes) > 0
    assert result.stats["cache_hits"] > 0
    assert result.stats["cv_s"] > 0
    traced = [r for r in caplog.records if "shapes" in r.__dict__]
    assert traced
    assert all(" -> " in r.getMessage() for r in traced)
    assert any(r.getMessage() == "step cache hit" for r in caplog.records)


def test_n_jobs_minus_one_uses_the_cores_and_gives_the_same_result(dataset) -> None:
    serial = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0, n_jobs=1)
    every_core = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0, n_jobs=-1)
    assert [c.chain_id for c in serial.chains] == [c.chain_id for c in every_core.chains]
    assert [c.cv_score for c in serial.chains] == [c.cv_score for c in every_core.chains]


def test_best_reports_the_model_parameters(dataset) -> None:
    result = nirs4all.run(SWEEP, dataset, random_state=0, verbose=0)
    assert result.best.params == {"n_components": dict(result.best.choices)[
        "steps[2].model.n_components"]}
    tuned = nirs4all.run([KFold(3), {"model": PLSRegression(3), "model_params": {
        "scale": False}}], dataset, random_state=0, verbose=0)
    assert tuned.best.params == {"n_components": 3, "scale": False}


def test_pipeline_file_with_a_bad_parameter_names_the_class(dataset, tmp_path) -> None:
    from nirs4all.pipeline.spec import SpecError

    path = tmp_path / "bad.yaml"
    path.write_text("- class: sklearn.model_selection.KFold\n  params: {n_split: 3}\n"
                    "- class: sklearn.linear_model.Ridge\n")
    with pytest.raises(SpecError, match=r"cannot build sklearn\.model_selection\.KFold"):
        nirs4all.run(path, dataset, verbose=0)
