"""`nirs4all.run` writes through the workspace session: counters reach the result and the run."""

from __future__ import annotations

import json

from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace


def test_the_session_counters_reach_the_result_and_the_stored_run(tmp_path):
    dataset = nirs4all.generate(40, random_state=0)
    result = nirs4all.run([KFold(3), PLSRegression(2)], dataset, random_state=0, verbose=0,
                          workspace=tmp_path / "ws")
    for name in ("predictions_written", "artifacts_written", "artifact_bytes_written",
                 "persist_s", "variants", "wall_time_s"):
        assert name in result.stats
    assert result.stats["predictions_written"] == result.stats["predictions"] > 0
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        row = ws.runs().to_pylist()[0]
    stored = json.loads(row["stats"])
    assert row["status"] == "completed"
    assert stored["predictions_written"] == result.stats["predictions_written"]
    assert stored["artifact_bytes_written"] == result.stats["artifact_bytes_written"] > 0


def test_a_run_in_memory_has_no_write_counters():
    result = nirs4all.run([KFold(3), PLSRegression(2)], nirs4all.generate(40, random_state=0),
                          random_state=0, verbose=0, workspace=None)
    assert "predictions_written" not in result.stats
    assert result.run_id is None
