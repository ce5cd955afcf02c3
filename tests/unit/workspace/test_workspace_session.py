"""The run's write session: batching, counters, and how a run is closed."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest
from store_factories import make_outcome, spec_json

from nirs4all.workspace.session import RunSession


def _status(ws, run_id: str) -> dict:
    return ws.sql("SELECT status, error, stats FROM runs WHERE run_id = ?",
                  [run_id]).to_pylist()[0]


def _passes(ws) -> int:
    return ws.sql("SELECT count(*) AS n FROM pipelines").to_pylist()[0]["n"]


def test_session_writes_a_full_batch_at_once_and_the_rest_on_leaving(ws, dataset):
    with ws.session("s", spec_json=spec_json(3), datasets=[dataset], seed=0,
                    batch=2) as session:
        session.add(make_outcome(dataset, variant=0))
        assert _passes(ws) == 0
        session.add(make_outcome(dataset, variant=1))
        assert _passes(ws) == 2
        session.add(make_outcome(dataset, variant=2))
        assert _passes(ws) == 2
        session.record({"variants": 3})
    assert _passes(ws) == 3
    row = _status(ws, session.run_id)
    stats = json.loads(row["stats"])
    assert row["status"] == "completed"
    assert stats["variants"] == 3
    assert stats["predictions_written"] == session.written["predictions_written"] > 0
    assert stats["artifact_bytes_written"] > 0


def test_counters_count_shared_objects_as_reused(ws, dataset):
    with ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0) as session:
        outcome = make_outcome(dataset)
        session.add(outcome)
    offered = len(outcome.artifacts)
    written = session.written
    assert written["artifacts_written"] + written["artifacts_reused"] == offered
    with ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0) as again:
        again.add(outcome)
    assert again.run_id == session.run_id
    assert again.written["artifacts_written"] == 0
    assert again.written["artifacts_reused"] == offered
    assert again.written["predictions_existing"] == len(outcome.predictions)
    assert again.written["artifact_bytes_written"] == 0


def test_restored_outcomes_are_not_written_again(ws, dataset):
    with ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0,
                    batch=1) as session:
        session.add(replace(make_outcome(dataset), restored=True))
    assert _passes(ws) == 0
    assert session.written["predictions_written"] == 0


def test_an_error_in_the_block_keeps_the_completed_passes_and_fails_the_run(ws, dataset):
    session = ws.session("s", spec_json=spec_json(2), datasets=[dataset], seed=0)

    def interrupted() -> None:
        with session:
            session.add(make_outcome(dataset, variant=0))
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert _passes(ws) == 1  # a rerun resumes after it
    row = _status(ws, session.run_id)
    assert row["status"] == "failed"
    assert row["error"].startswith("KeyboardInterrupt")
    assert ws.completed_variants(session.run_id) == {
        (make_outcome(dataset).pipeline_id, dataset.content_hash(), "cv")}


def test_a_failing_write_after_the_error_is_logged_not_raised_over_it(ws, dataset, caplog):
    outcome = make_outcome(dataset)
    broken = replace(outcome, artifacts={})  # refers to artifacts it does not hold
    session = ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0)

    def failing() -> None:
        with session:
            session.add(broken)
            raise RuntimeError("the run's own error")

    with caplog.at_level(logging.WARNING, logger="nirs4all.workspace"), \
            pytest.raises(RuntimeError, match="the run's own error"):
        failing()
    assert "could not store 1 completed variant pass" in caplog.text
    assert _status(ws, session.run_id)["status"] == "failed"
    assert _passes(ws) == 0


def test_a_failing_write_of_a_completed_run_raises(ws, dataset):
    broken = replace(make_outcome(dataset), artifacts={})
    session = ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0)
    session.add(broken)
    with pytest.raises(ValueError, match="refers to artifact"):
        session.close()
    assert _status(ws, session.run_id)["status"] == "running"


def test_batch_below_one_is_refused(ws, dataset):
    with pytest.raises(ValueError, match="batch must be at least 1"):
        RunSession(ws, "s", spec_json=spec_json(1), datasets=[dataset], seed=0, batch=0)


def test_the_refit_policy_keeps_only_the_objects_of_refitted_chains(ws, dataset):
    with ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0,
                    artifacts="refit") as session:
        session.add(make_outcome(dataset, variant=0))  # CV folds only: nothing to keep
    assert session.written["artifacts_written"] == 0
    assert ws.sql("SELECT count(*) AS n FROM chains").to_pylist()[0]["n"] > 0


def test_an_unknown_artifact_policy_is_refused_before_the_run_starts(ws, dataset):
    with pytest.raises(ValueError, match="artifacts must be one of"):
        ws.session("s", spec_json=spec_json(1), datasets=[dataset], seed=0,
                   artifacts="sometimes")
    assert _passes(ws) == 0
    assert ws.runs().num_rows == 0
