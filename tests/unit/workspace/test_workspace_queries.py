"""Queries, views, ranking, chain resolution (contract 10) and garbage collection."""

from __future__ import annotations

import dataclasses
import re

import pytest
from store_factories import make_dataset, make_outcome

from nirs4all.workspace import AmbiguousSelectorError, ChainNotFoundError


@pytest.fixture
def filled(ws, run_id, dataset):
    outcomes = [make_outcome(dataset, variant=v, with_final=True) for v in range(3)]
    ws.persist(run_id, outcomes)
    ws.persist(run_id, make_outcome(dataset, variant=3, n_chains=2))
    ws.complete_run(run_id)
    return ws, outcomes


def test_runs_and_pipelines_describe_the_run(filled, run_id, dataset):
    ws, _ = filled
    run = ws.runs().to_pylist()[0]
    assert (run["run_id"], run["status"], run["seed"]) == (run_id, "completed", 0)
    assert run["dataset_hashes"] == [dataset.content_hash()]
    pipelines = ws.pipelines(run_id).to_pylist()
    assert len(pipelines) == 4
    assert {p["dataset_hash"] for p in pipelines} == {dataset.content_hash()}
    assert [p["n_predictions"] for p in pipelines] == [8, 8, 8, 12]


def test_predictions_filter_and_leave_arrays_out_unless_asked(filled):
    ws, outcomes = filled
    chain_id = outcomes[0].chains[0].chain_id
    light = ws.predictions(chain_id=chain_id, partition="test")
    assert light.num_rows == 4
    assert "y_pred" not in light.column_names
    heavy = ws.predictions(chain_id=chain_id, partition="test", with_arrays=True)
    assert "y_pred" in heavy.column_names
    assert ws.predictions(fold_id=["0", "final"], partition="val").num_rows == 5
    assert ws.predictions(refit_context="standalone").num_rows == 6
    with pytest.raises(ValueError, match="unknown filter"):
        ws.predictions(model="pls")


def test_top_ranks_by_pooled_cv_score_direction_aware_ties_by_chain_id(filled):
    ws, _ = filled
    rows = ws.top(10).to_pylist()
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores)
    assert len(rows) == 5
    by_r2 = ws.top(10, metric="r2").to_pylist()
    assert [r["score"] for r in by_r2] == sorted((r["score"] for r in by_r2), reverse=True)
    best = ws.sql("SELECT chain_id FROM best_chain_per_dataset").to_pylist()
    assert best == [{"chain_id": rows[0]["chain_id"]}]


def test_top_refuses_to_compare_chains_ranked_by_different_metrics(ws, dataset):
    labels = make_dataset(classification=True)
    run_id = ws.begin_run("mixed", spec_json="{}", datasets=[dataset, labels], seed=0)
    ws.persist(run_id, [make_outcome(dataset), make_outcome(labels)])
    with pytest.raises(ValueError, match="different metrics"):
        ws.top(3)
    assert ws.top(3, dataset_hash=labels.content_hash()).num_rows == 1


def test_chain_cv_scores_view_aggregates_fold_scores(filled):
    ws, outcomes = filled
    chain = outcomes[0].chains[0]
    row = ws.sql("SELECT * FROM chain_cv_scores WHERE chain_id = ?",
                 [chain.chain_id]).to_pylist()[0]
    folds = [chain.fold_scores[k]["rmse"] for k in ("0", "1", "2")]
    assert row["n_folds"] == 3
    assert row["pooled_cv_score"] == chain.cv_scores["rmse"]
    assert row["mean_fold_score"] == pytest.approx(sum(folds) / 3, rel=1e-12)


def test_resolve_chain_returns_the_single_match(filled):
    ws, outcomes = filled
    chain = outcomes[1].chains[0]
    assert ws.resolve_chain(chain.chain_id).chain_id == chain.chain_id
    assert ws.resolve_chain(chain.chain_id[:12]).chain_id == chain.chain_id
    assert ws.resolve_chain({"model_name": chain.model_name}).chain_id == chain.chain_id
    resolved = ws.resolve_chain({"pipeline_id": chain.pipeline_id[:8],
                                 "model_class": "PLSRegression"})
    assert resolved.fold_ids == ("0", "1", "2", "final")


def test_ambiguous_selector_lists_every_candidate_in_sorted_order(filled):
    ws, _ = filled
    with pytest.raises(AmbiguousSelectorError) as info:
        ws.resolve_chain({"model_class": "PLSRegression"})
    lines = info.value.candidates
    assert len(lines) == 5
    fields = [dict(re.findall(r"(chain|pipeline|dataset|step|branch) (\S+(?: \S+)*?)  ", line))
              for line in lines]
    order = [(f["dataset"], f["pipeline"], int(f["step"]), f["branch"], f["chain"])
             for f in fields]
    assert order == sorted(order)
    assert "add a field" in str(info.value)


def test_branch_paths_match_structurally_as_lists_of_ints(filled):
    ws, outcomes = filled
    pipeline_id = outcomes[0].pipeline_id
    branched = next(c for c in ws.chains().to_pylist() if c["branch_path"] == [1])
    found = ws.resolve_chain({"branch_path": [1], "model_class": "PLSRegression"})
    assert found.chain_id == branched["chain_id"]
    assert found.branch_path == (1,)
    with pytest.raises(TypeError, match="list of ints"):
        ws.resolve_chain({"branch_path": "[1]"})
    with pytest.raises(ChainNotFoundError):
        ws.resolve_chain({"branch_path": [7], "pipeline_id": pipeline_id})


def test_selector_with_an_unknown_field_or_a_short_prefix_is_refused(filled):
    ws, _ = filled
    with pytest.raises(ValueError, match="unknown selector"):
        ws.resolve_chain({"name": "x"})
    with pytest.raises(ValueError, match="hex digits"):
        ws.resolve_chain("abc")


def test_sql_takes_parameters_and_returns_arrow(filled):
    ws, outcomes = filled
    table = ws.sql("SELECT count(*) AS n FROM predictions WHERE pipeline_id = $pid",
                   {"pid": outcomes[0].pipeline_id})
    assert table.to_pylist() == [{"n": 8}]


def test_gc_removes_unreferenced_artifacts_and_stray_files(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    ws.persist(run_id, outcome)
    orphan = ws.files.root / "ff" / ("f" * 64 + ".skops")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    (orphan.parent / ".tmp-abc").write_bytes(b"half")
    ws._writable().execute("INSERT INTO artifacts VALUES (?, 'skops', 'skops', 1, 'x', now())",
                          ["e" * 64])
    report = ws.gc()
    assert (report.rows_removed, report.files_removed) == (1, 2)
    assert report.bytes_freed == len(b"left by a crash") + len(b"half")
    assert ws.verify_artifacts() == []
    referenced = {a for c in ws.chains().to_pylist() for a in c["artifact_ids"]}
    assert {p.name.split(".")[0] for p in ws.files.files()} == referenced


def test_rerun_adds_the_predictions_an_earlier_pass_did_not_store(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    ws.persist(run_id, dataclasses.replace(outcome, predictions=outcome.predictions[:2]))
    result = ws.persist(run_id, outcome)
    assert (result.predictions_existing, result.predictions_written) == (2, 4)


def test_run_filter_selects_the_rows_a_run_wrote(ws, dataset):
    first = ws.begin_run("a", spec_json='{"a": 1}', datasets=[dataset], seed=0)
    ws.persist(first, make_outcome(dataset, variant=0))
    second = ws.begin_run("b", spec_json='{"b": 1}', datasets=[dataset], seed=0)
    ws.persist(second, make_outcome(dataset, variant=1))
    assert ws.predictions(run_id=first).num_rows == 6
    assert ws.chains(run_id=second).num_rows == 1
    assert ws.predictions(refit_context=None, run_id=second).num_rows == 6
    assert ws.resolve_chain({"run_id": first}).model_name == "PLS-0-0"
    assert ws.completed_variants(first) == {
        (make_outcome(dataset, variant=0).pipeline_id, dataset.content_hash(), "cv")}


@pytest.mark.parametrize("path", [[0, "1"], [True], [1.0]])
def test_a_branch_path_of_anything_but_integers_is_refused(ws, path):
    with pytest.raises(TypeError, match="list of ints"):
        ws.resolve_chain({"branch_path": path})
