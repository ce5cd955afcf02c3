"""The run's choice of aggregation for ``@sample`` scores, and ranking by them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsClassifier
from test_repetition_split import _repeated

import nirs4all
import nirs4all.workspace
from nirs4all.api.predictions import Predictions
from nirs4all.pipeline._repetition import SampleAggregation, aggregate

PIPELINE = [KFold(3), {"model": PLSRegression(), "params": {"n_components": {"_or_": [2, 5]}}}]


def _pooled_rmse(result, chain, dataset, **how) -> float:
    val = [p for p in result.predictions(chain_id=chain.chain_id) if p.partition == "val"]
    rows = np.concatenate([np.flatnonzero(np.isin(dataset.sample_ids, p.sample_ids))
                           for p in val])
    order = np.argsort(np.concatenate([p.sample_ids for p in val]), kind="stable")
    pred = np.concatenate([p.y_pred for p in val])[order]
    samples = dataset.metadata["Sample_ID"][np.sort(rows)]
    _, y_pred, _ = aggregate(samples, pred, **how)
    _, y_true, _ = aggregate(samples, dataset.y[np.sort(rows)])
    return float(np.sqrt(mean_squared_error(y_true, y_pred)))


@pytest.mark.parametrize("how", [{"method": "median"},
                                 {"method": "mean", "exclude_outliers": True}])
def test_the_run_scores_samples_with_the_chosen_aggregation(how) -> None:
    dataset = _repeated(seed=3)
    result = nirs4all.run(PIPELINE, dataset, random_state=0, verbose=0, workspace=None,
                          repetition_aggregation=how["method"],
                          repetition_exclude_outliers=how.get("exclude_outliers", False))
    for chain in result.chains:
        assert chain.cv_scores["rmse@sample"] == pytest.approx(
            _pooled_rmse(result, chain, dataset, **how), rel=1e-10)
    plain = nirs4all.run(PIPELINE, dataset, random_state=0, verbose=0, workspace=None)
    assert {c.pipeline_id for c in plain.chains}.isdisjoint(
        {c.pipeline_id for c in result.chains})  # the choice is part of the identity
    assert [c.cv_scores["rmse"] for c in plain.chains] == \
        [c.cv_scores["rmse"] for c in result.chains]  # per-scan scores unchanged
    assert "note: @sample scores: " + how["method"] in result.summary()


def test_classifiers_can_vote_instead_of_averaging_probabilities() -> None:
    dataset = _repeated(classes=True)
    voted = nirs4all.run([KFold(3), KNeighborsClassifier(3)], dataset, random_state=0,
                         verbose=0, workspace=None, repetition_aggregation="vote")
    chain = voted.chains[0]
    assert "balanced_accuracy@sample" in chain.cv_scores


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"repetition_aggregation": "mode"}, "must be one of"),
    ({"repetition_aggregation": "vote"}, "'vote' does not apply to a regression task; use "
                                         "mean or median"),
    ({"repetition_aggregation": "vote", "repetition_exclude_outliers": True},
     "applies to the 'mean' and 'median'"),
])
def test_a_bad_aggregation_is_refused_before_fitting(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        nirs4all.run(PIPELINE, _repeated(), random_state=0, verbose=0, workspace=None,
                     **kwargs)


def test_an_aggregation_needs_a_repetition_column() -> None:
    with pytest.raises(ValueError, match="declares no repetition column"):
        nirs4all.run(PIPELINE, nirs4all.generate(30, random_state=0), random_state=0,
                     verbose=0, workspace=None, repetition_aggregation="median")


def test_proba_mean_needs_probabilities() -> None:
    with pytest.raises(ValueError, match="needs a classifier with predict_proba"):
        SampleAggregation("proba_mean").method_for("binary", has_proba=False)
    assert SampleAggregation().method_for("binary", has_proba=False) == "vote"


def test_rank_by_sample_ranks_and_shows_the_sample_scores() -> None:
    dataset = _repeated(seed=3)
    result = nirs4all.run(PIPELINE, dataset, random_state=0, verbose=0, workspace=None)
    by_sample = result.top(2, rank_by="sample")
    assert [s.metric for s in by_sample] == ["rmse@sample"] * 2
    scores = [s.cv_score for s in by_sample]
    assert scores == sorted(scores)
    assert scores == sorted(c.cv_scores["rmse@sample"] for c in result.chains)
    assert result.top(1, by="r2", rank_by="sample")[0].metric == "r2@sample"
    assert "rmse@sample" in result.summary(rank_by="sample")
    entry = Predictions(result).top(1, rank_by="sample")[0]
    assert entry["rank_metric"] == "rmse@sample"
    assert result.top(1, rank_by="sample", rank_metric="rmse")[0]["rank_metric"] == \
        "rmse@sample"
    with pytest.raises(ValueError, match="rank_by must be 'scan'"):
        result.top(1, rank_by="spectrum")


def test_rank_by_sample_without_a_repetition_column_says_how_to_get_one() -> None:
    result = nirs4all.run(PIPELINE, nirs4all.generate(30, random_state=0), random_state=0,
                          verbose=0, workspace=None)
    with pytest.raises(ValueError, match="rmse@sample scores, which only a dataset that "
                                         "declares its repetition column has"):
        result.top(1, rank_by="sample")
    with pytest.raises(ValueError, match="declares its repetition column"):
        result.summary(rank_by="sample")


def test_the_choice_is_stored_with_the_run_and_a_rerun_restores_it(tmp_path) -> None:
    dataset = _repeated(seed=3)
    kwargs = {"random_state": 0, "verbose": 0, "workspace": tmp_path / "ws",
              "repetition_aggregation": "median"}
    first = nirs4all.run(PIPELINE, dataset, **kwargs)
    again = nirs4all.run(PIPELINE, dataset, **kwargs)
    assert again.stats["fits"] == 0
    assert [c.cv_scores for c in again.chains] == [c.cv_scores for c in first.chains]
    other = nirs4all.run(PIPELINE, dataset, **{**kwargs, "repetition_aggregation": "mean"})
    assert other.stats["fits"] > 0  # another choice is computed, never restored
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        configs = [json.loads(c) if isinstance(c, str) else c
                   for c in ws.runs().column("config").to_pylist()]
    assert {c["repetition_aggregation"] for c in configs} == {"median", "mean"}
