"""A failing variant is recorded (status, error, step, fold) and the sweep goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.errors import ExecutionError


@pytest.fixture(scope="module")
def narrow():
    # Six wavelengths: PLSRegression(n_components=8) cannot be fitted on them.
    return nirs4all.generate(40, random_state=0, wavelengths=(1000, 1010, 2))


def _sweep(*n_components: int) -> list:
    # Ridge beside the PLS models: PLS models of one variant family share the fit of the
    # largest (the component sweep), which would make them fail together.
    models = [Ridge(alpha=n) if n < 6 else PLSRegression(n) for n in n_components]
    return [KFold(3), {"model": {"_or_": models}}]


def test_a_failing_variant_is_recorded_and_the_others_run_by_default(narrow) -> None:
    result = nirs4all.run(_sweep(2, 8, 3), narrow, random_state=0, verbose=0, workspace=None)
    assert len(result.failures) == 1
    failure = result.failures[0]
    assert failure.status == "failed"
    assert failure.failed_step == "steps[1] (PLSRegression(n_components=8))"
    assert failure.failed_fold == "0"
    assert "n_components" in failure.error
    assert all(c.model_name.startswith("Ridge") for c in result.chains)
    assert len(result.chains) == 2
    assert result.best.refitted


def test_the_summary_says_how_many_variants_failed_and_why(narrow) -> None:
    result = nirs4all.run(_sweep(2, 8), narrow, random_state=0, verbose=0, workspace=None)
    text = result.summary()
    assert "1 variant pass(es) failed:" in text
    assert "n_components" in text.split("failed:", 1)[1]


def test_failures_are_stored_with_step_and_fold_and_a_rerun_adds_no_row(narrow,
                                                                         tmp_path: Path) -> None:
    ws_path = tmp_path / "ws"
    for _ in range(2):
        nirs4all.run(_sweep(2, 8), narrow, random_state=0, verbose=0, workspace=ws_path)
    with nirs4all.workspace.open(ws_path, read_only=True) as ws:
        rows = ws.sql("SELECT status, error, failed_step, failed_fold FROM pipelines "
                      "WHERE phase = 'cv' ORDER BY status").to_pylist()
        runs = ws.runs().to_pylist()
    assert [r["status"] for r in rows] == ["completed", "failed"]
    assert rows[0]["failed_step"] is None
    assert rows[0]["failed_fold"] is None
    assert rows[1]["failed_step"] == "steps[1] (PLSRegression(n_components=8))"
    assert rows[1]["failed_fold"] == "0"
    assert "n_components" in rows[1]["error"]
    assert len(runs) == 1
    assert runs[0]["status"] == "completed"


def test_a_failure_in_every_variant_is_still_an_error_by_default(narrow, tmp_path) -> None:
    with pytest.raises(ExecutionError, match=r"every variant failed \(2 of 2\)") as caught:
        nirs4all.run(_sweep(8, 9), narrow, random_state=0, verbose=0,
                     workspace=tmp_path / "ws")
    assert caught.value.fold == "0"
    assert caught.value.step == "steps[1] (PLSRegression(n_components=8))"
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        stored = ws.sql("SELECT status FROM pipelines").to_pylist()
        runs = ws.runs().to_pylist()
    assert [r["status"] for r in stored] == ["failed", "failed"]
    assert runs[0]["status"] == "failed"


def test_continue_on_error_true_returns_a_result_even_when_every_variant_fails(narrow) -> None:
    result = nirs4all.run(_sweep(8, 9), narrow, random_state=0, verbose=0, workspace=None,
                          continue_on_error=True)
    assert len(result.failures) == 2
    assert len(result.chains) == 0


def test_continue_on_error_false_fails_at_the_first_failing_variant(narrow) -> None:
    with pytest.raises(ExecutionError, match="n_components") as caught:
        nirs4all.run(_sweep(2, 8, 3), narrow, random_state=0, verbose=0, workspace=None,
                     continue_on_error=False)
    assert "every variant failed" not in str(caught.value)
    assert caught.value.fold == "0"


def test_continue_on_error_must_be_none_or_a_bool(narrow) -> None:
    with pytest.raises(TypeError, match="continue_on_error must be"):
        nirs4all.run(_sweep(2), narrow, random_state=0, verbose=0, workspace=None,
                     continue_on_error="yes")


def test_failures_come_back_from_worker_processes_with_their_location(narrow) -> None:
    serial = nirs4all.run(_sweep(2, 8, 3), narrow, random_state=0, verbose=0, workspace=None)
    parallel = nirs4all.run(_sweep(2, 8, 3), narrow, random_state=0, verbose=0,
                            workspace=None, n_jobs=2)
    assert [(f.pipeline_id, f.failed_step, f.failed_fold, f.error) for f in parallel.failures
            ] == [(f.pipeline_id, f.failed_step, f.failed_fold, f.error)
                  for f in serial.failures]
    assert parallel.best.chain_id == serial.best.chain_id
