"""What ``Workspace.persist`` refuses before it writes anything, and how it says so."""

from __future__ import annotations

import dataclasses

import pytest
from store_factories import make_outcome, sha

from nirs4all.workspace import DuplicateKeyError


def _nothing_written(ws) -> bool:
    return all(ws._writable().table(t).aggregate("count(*)").fetchall()[0][0] == 0
               for t in ("pipelines", "chains", "predictions", "artifacts"))


def test_anything_but_outcomes_is_refused_by_type(ws, run_id):
    # before: an AttributeError from the dataset check, about a dict's missing attribute
    with pytest.raises(TypeError, match="persist takes VariantOutcome objects; got dict"):
        ws.persist(run_id, [{"pipeline_id": sha("p")}])
    assert _nothing_written(ws)


def test_a_pipeline_id_that_is_not_a_full_sha256_is_refused(ws, run_id, dataset):
    outcome = dataclasses.replace(make_outcome(dataset), pipeline_id="abc123")
    with pytest.raises(ValueError, match="pipeline_id must be a full 64-hex SHA-256"):
        ws.persist(run_id, outcome)
    assert _nothing_written(ws)


def test_a_chain_id_that_is_not_a_full_sha256_is_refused(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    bad = dataclasses.replace(outcome.chains[0], chain_id="0" * 10)
    with pytest.raises(ValueError, match="chain_id must be a full 64-hex SHA-256"):
        ws.persist(run_id, dataclasses.replace(outcome, chains=(bad, *outcome.chains[1:])))
    assert _nothing_written(ws)


def test_a_chain_listed_twice_in_one_outcome_is_a_duplicate_key(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    twice = dataclasses.replace(outcome, chains=(outcome.chains[0], *outcome.chains))
    with pytest.raises(DuplicateKeyError) as info:
        ws.persist(run_id, twice)
    assert info.value.key == (outcome.chains[0].chain_id,)
    assert _nothing_written(ws)


def test_a_chain_of_another_pipeline_is_refused_naming_both(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    stranger = dataclasses.replace(outcome.chains[0], pipeline_id=sha("another pipeline"))
    with pytest.raises(ValueError, match=r"belongs to pipeline .* not to its outcome's"):
        ws.persist(run_id, dataclasses.replace(outcome, chains=(stranger,)))
    assert _nothing_written(ws)


def test_the_same_pass_twice_in_one_batch_is_a_duplicate_key(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    with pytest.raises(DuplicateKeyError) as info:
        ws.persist(run_id, [outcome, make_outcome(dataset)])
    assert info.value.key == (outcome.pipeline_id, outcome.dataset_hash, outcome.phase)
    assert _nothing_written(ws)


def test_a_prediction_of_a_chain_the_outcome_lacks_is_refused(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    orphan = dataclasses.replace(outcome.predictions[0], chain_id=sha("no such chain"))
    with pytest.raises(ValueError, match="which is not a chain of its outcome"):
        ws.persist(run_id, dataclasses.replace(
            outcome, predictions=(orphan, *outcome.predictions[1:])))
    assert _nothing_written(ws)
