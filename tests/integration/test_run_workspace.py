"""nirs4all.run persists to a real DuckDB workspace on disk."""

from __future__ import annotations

from pathlib import Path

from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.operators.transforms import SNV, SavitzkyGolay

PIPELINE = [{"_or_": [SNV(), SavitzkyGolay(deriv=1)]}, KFold(3),
            {"model": PLSRegression, "_range_": [2, 6, 2], "param": "n_components"}]


def test_run_writes_every_prediction_and_a_rerun_writes_none(tmp_path: Path) -> None:
    dataset = nirs4all.generate(70, random_state=0)
    first = nirs4all.run(PIPELINE, dataset, random_state=1, verbose=0,
                         workspace=tmp_path / "ws")
    assert first.stats["predictions_written"] == first.num_predictions
    assert first.stats["artifact_bytes_written"] > 0
    again = nirs4all.run(PIPELINE, dataset, random_state=1, verbose=0,
                         workspace=tmp_path / "ws")
    assert again.stats["predictions_written"] == 0
    assert again.stats["artifacts_written"] == 0
    assert again.stats["artifact_bytes_written"] == 0
    # Every pass is stored already: the rerun reads them back and fits nothing.
    assert again.stats["restored"] == first.num_variants + 1  # CV passes + the refit
    assert again.stats["fits"] == 0
    assert again.run_id == first.run_id
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.predictions().num_rows == first.num_predictions
        assert ws.top(1).to_pylist()[0]["chain_id"] == first.best.chain_id
        runs = ws.runs().to_pylist()
        assert [r["status"] for r in runs] == ["completed"]
        assert runs[0]["seed"] == 1
        stored = {p.natural_key: p for p in ws.prediction_records()}
    for record in first.predictions():
        assert (stored[record.natural_key].y_pred == record.y_pred).all()


def test_default_workspace_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NIRS4ALL_WORKSPACE", str(tmp_path / "env_ws"))
    result = nirs4all.run([KFold(2), PLSRegression(2)], nirs4all.generate(30, random_state=2),
                          random_state=0, verbose=0)
    assert result.workspace == tmp_path / "env_ws"
    assert (tmp_path / "env_ws").is_dir()


def test_workspace_none_keeps_results_in_memory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NIRS4ALL_WORKSPACE")
    result = nirs4all.run([KFold(2), PLSRegression(2)], nirs4all.generate(30, random_state=2),
                          random_state=0, verbose=0, workspace=None)
    assert result.workspace is None
    assert not (tmp_path / "workspace").exists()


def test_stored_chain_exports_and_predicts_like_the_run(tmp_path: Path) -> None:
    import numpy as np

    dataset = nirs4all.generate(70, random_state=3)
    result = nirs4all.run(PIPELINE, dataset, random_state=1, verbose=0,
                          workspace=tmp_path / "ws")
    stored = result.predictions(chain_id=result.best.chain_id, fold_id="final",
                                partition="test")[0]
    from_store = nirs4all.predict(result.best.chain_id, dataset.test,
                                  workspace=tmp_path / "ws")
    assert np.max(np.abs(from_store.y_pred - stored.y_pred)) <= 1e-12
    with nirs4all.workspace.open(tmp_path / "ws") as ws:
        bundle = ws.export(result.best.chain_id, tmp_path / "best.n4a")
    replayed = nirs4all.predict(bundle, dataset.test)
    assert np.max(np.abs(replayed.y_pred - stored.y_pred)) <= 1e-12


def test_a_failing_variant_marks_the_run_failed_and_names_the_step(tmp_path: Path) -> None:
    import pytest

    from nirs4all.errors import ExecutionError

    dataset = nirs4all.generate(30, random_state=0, wavelengths=(1000, 1010, 2))
    with pytest.raises(ExecutionError, match=r"step steps\[1\] \(PLSRegression\(n_compon"
                                             r"ents=50\)\), fold 0"):
        nirs4all.run([KFold(2), PLSRegression(50)], dataset, random_state=0, verbose=0,
                     workspace=tmp_path / "ws")
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        run = ws.runs().to_pylist()[0]
    assert run["status"] == "failed"
    assert "PLSRegression" in run["error"]
