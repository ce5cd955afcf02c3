"""The store takes the pipeline engine's real outcomes as they are."""

from __future__ import annotations

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import MinMaxScaler

import nirs4all
import nirs4all.workspace
from nirs4all.operators.transforms import MSC, SNV
from nirs4all.pipeline.runner import prepare_variants, rank_chains, run_variants

PIPELINE = [{"_or_": [SNV(), MSC()]}, MinMaxScaler(), {"y_processing": MinMaxScaler()},
            ShuffleSplit(3, test_size=0.25, random_state=0),
            {"model": PLSRegression(), "model_params": {"n_components": {"_range_": [2, 4, 2]}}}]


def _run(dataset):
    variants = prepare_variants(PIPELINE, seed=0, max_variants=100)
    outcomes, _ = run_variants(variants, dataset, seed=0, refit="best")
    return outcomes


def test_engine_outcomes_persist_round_trip_and_rank_as_the_engine_does(tmp_path):
    dataset = nirs4all.generate(60, random_state=0)
    outcomes = _run(dataset)
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        run_id = ws.begin_run("engine", spec_json='{"pipeline": "sweep"}',
                              datasets=[dataset], seed=0)
        written = sum(ws.persist(run_id, o).predictions_written for o in outcomes)
        again = ws.persist(run_id, outcomes)
        ws.complete_run(run_id)
        best_stored = ws.top(1).to_pylist()[0]
        stored = {r.natural_key: r for r in ws.prediction_records()}
        chain = ws.resolve_chain(best_stored["chain_id"])
        model = ws.load_artifact(chain.steps[-1].artifacts["final"])
    expected = [p for o in outcomes for p in o.predictions]
    assert written == len(expected) == len(stored)
    assert again.predictions_written == 0
    for record in expected:
        np.testing.assert_array_equal(stored[record.natural_key].y_pred, record.y_pred)
    best = rank_chains(c for o in outcomes for c in o.chains)[0]
    assert best_stored["chain_id"] == best.chain_id
    refit = next(o for o in outcomes if o.phase == "refit")
    key = next(s.artifacts["final"] for c in refit.chains if c.chain_id == best.chain_id
               for s in c.steps if s.kind == "model")
    np.testing.assert_array_equal(model.coef_, refit.artifacts[key].coef_)


def test_same_pipeline_on_two_datasets_persists_side_by_side(tmp_path):
    first, second = nirs4all.generate(40, random_state=1), nirs4all.generate(40, random_state=2)
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        run_id = ws.begin_run("two", spec_json="{}", datasets=[first, second], seed=0)
        ws.persist(run_id, _run(first))
        ws.persist(run_id, _run(second))
        assert {r["dataset_hash"] for r in ws.chains().to_pylist()} == {
            first.content_hash(), second.content_hash()}
