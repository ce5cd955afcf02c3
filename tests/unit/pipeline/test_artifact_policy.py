"""save_artifacts= (nirs4all/pipeline/artifact_policy.py): what a workspace keeps."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.operators.transforms import SNV, Detrend
from nirs4all.pipeline.artifact_policy import artifact_policy, keep_artifacts


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(50, random_state=2)


def _run(dataset, path, **kwargs):
    pipeline = [{"_or_": [SNV(), Detrend()]}, KFold(3),
                {"model": Ridge, "param": "alpha", "_or_": [0.1, 10.0]}]
    return nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=path, **kwargs)


def _stored(path) -> tuple[list[dict], set[str]]:
    with nirs4all.workspace.open(path, read_only=True) as ws:
        chains = ws.sql("SELECT chain_id, steps, artifact_ids FROM chains").to_pylist()
        artifacts = {r["artifact_id"] for r in ws.sql("SELECT artifact_id FROM artifacts")
                     .to_pylist()}
    return chains, artifacts


def _folds(chain: dict) -> set[str]:
    import json

    steps = chain["steps"] if isinstance(chain["steps"], list) else json.loads(chain["steps"])
    return {fold for step in steps for fold in step["artifacts"]}


@pytest.mark.parametrize(("value", "policy"), [(True, "refit"), ("refit", "refit"),
                                               ("all", "all"), (False, "none")])
def test_save_artifacts_values_name_a_policy(value, policy) -> None:
    assert artifact_policy(value) == policy


@pytest.mark.parametrize("value", ["none", "best", 1, None])
def test_other_values_are_refused_naming_the_choices(value) -> None:
    with pytest.raises(ValueError, match="'refit', 'all' or False"):
        artifact_policy(value)


def test_default_keeps_only_the_refitted_chains_objects_and_it_replays(dataset, tmp_path):
    result = _run(dataset, tmp_path / "ws")
    chains, artifacts = _stored(tmp_path / "ws")
    referenced = {a for c in chains for a in c["artifact_ids"]}
    assert referenced == artifacts
    by_id = {c["chain_id"]: c for c in chains}
    assert _folds(by_id[result.best.chain_id]) == {"final"}
    assert all(_folds(c) == set() for cid, c in by_id.items() if cid != result.best.chain_id)
    stored = nirs4all.predict(result.best.chain_id, dataset.test, workspace=tmp_path / "ws")
    np.testing.assert_array_equal(np.asarray(stored.y_pred),
                                  np.asarray(result.predict(dataset.test).y_pred))
    again = _run(dataset, tmp_path / "ws")
    assert again.stats["predictions_written"] == 0
    assert again.stats["fits"] == 0


def test_all_keeps_every_folds_objects_and_writes_more_bytes(dataset, tmp_path):
    lean = _run(dataset, tmp_path / "lean")
    full = _run(dataset, tmp_path / "full", save_artifacts="all")
    chains, _ = _stored(tmp_path / "full")
    assert all({"0", "1", "2"} <= _folds(c) for c in chains)
    assert full.stats["artifact_bytes_written"] > lean.stats["artifact_bytes_written"]
    assert len(full.predictions()) == len(lean.predictions())


def test_false_keeps_predictions_and_chains_but_no_object(dataset, tmp_path):
    result = _run(dataset, tmp_path / "ws", save_artifacts=False)
    chains, artifacts = _stored(tmp_path / "ws")
    assert artifacts == set()
    assert len(chains) == len(result.chains)
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.sql("SELECT count(*) AS n FROM predictions").to_pylist()[0]["n"] == len(
            result.predictions())


def test_keep_artifacts_all_returns_the_outcome_unchanged(dataset) -> None:
    result = nirs4all.run([SNV(), KFold(3), Ridge()], dataset, random_state=0, verbose=0,
                          workspace=None)
    outcome = result.outcomes[0]
    assert keep_artifacts(outcome, "all") is outcome
    with pytest.raises(ValueError, match="policy must be one of"):
        keep_artifacts(outcome, "some")
