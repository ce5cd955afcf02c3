"""``nirs4all report``: a stored run by id, prefix or ``latest`` (nothing is computed),
or a pipeline file and its data; exit codes in-process and through the entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from tests.unit.cli.conftest import as_json, call

ROOT = Path(__file__).resolve().parents[3]


def _latest(ws: Path) -> str:
    from nirs4all.api.stored_run import load_run

    return load_run(ws).run_id


def test_report_of_a_stored_run_by_prefix_reads_the_store(shared, tmp_path: Path) -> None:
    run_id = shared["reg_report"]["run_id"]
    out = tmp_path / "wheat.html"
    code, stdout, err = call(["report", run_id[:8], "-w", shared["ws"], "-o", out, "--json"])
    assert code == 0, err
    info = as_json(stdout)
    assert (info["run_id"], info["seed"], info["report"]) == (run_id, 0, str(out))
    assert info["spectra_missing"] == {}
    assert info["bytes"] == out.stat().st_size
    text = out.read_text()
    assert "Dataset wheat" in text
    assert "spectra-missing" not in text


def test_report_without_a_run_is_the_newest_completed_run(shared, tmp_path: Path) -> None:
    code, stdout, err = call(["report", "--workspace", shared["ws"], "-o", tmp_path / "a.html"])
    assert code == 0, err
    latest = _latest(shared["ws"])
    assert f"report of stored run {latest[:10]}" in stdout
    code, stdout, _ = call(["report", "latest", "-w", shared["ws"], "-o", tmp_path / "b.html"])
    assert code == 0
    assert latest[:10] in stdout
    assert (tmp_path / "a.html").read_text() == (tmp_path / "b.html").read_text()


def test_the_text_output_says_why_spectra_are_missing(shared, tmp_path: Path) -> None:
    import nirs4all

    data = nirs4all.generate(30, random_state=5, name="barley")
    result = nirs4all.run(shared["reg_yaml"], data, random_state=0, verbose=0,
                          workspace=tmp_path / "ws")
    code, stdout, _ = call(["report", result.run_id, "-w", tmp_path / "ws", "-o",
                            tmp_path / "r.html"])
    assert code == 0
    assert "dataset barley: no spectra: the run was given its data in memory" in stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["report", "0000", "-o", "r.html"], "no run '0000'"),
    (["report", "zz-top", "-o", "r.html"], "run_id must be 4 to 64 lowercase hex digits"),
    (["report", "a", "b", "c", "-o", "r.html"], "3 arguments: give a run"),
])
def test_a_bad_run_or_argument_count_exits_2(shared, argv, message: str, tmp_path) -> None:
    code, stdout, err = call([*argv, "-w", shared["ws"]])
    assert code == 2
    assert message in err
    assert stdout == ""


def test_one_pipeline_file_without_its_data_exits_2(shared, tmp_path: Path) -> None:
    code, _, err = call(["report", shared["reg_yaml"], "-w", shared["ws"], "-o",
                         tmp_path / "r.html"])
    assert code == 2
    assert "a pipeline file needs its data" in err


def test_help_documents_both_forms() -> None:
    code, stdout, _ = call(["report", "--help"])
    assert code == 0
    assert "RUN | PIPELINE DATA" in stdout
    assert "latest" in stdout


def _run(*args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "nirs4all.cli", *map(str, args)],
                          capture_output=True, text=True, check=False, env=env)


def test_report_through_the_entry_point_exits_0_with_strict_json(shared, tmp_path) -> None:
    result = _run("report", "latest", "-w", shared["ws"], "-o", tmp_path / "r.html", "--json")
    assert result.returncode == 0, result.stderr
    assert as_json(result.stdout)["report"] == str(tmp_path / "r.html")


def test_an_unknown_run_through_the_entry_point_exits_2(shared, tmp_path: Path) -> None:
    result = _run("report", "0000", "-w", shared["ws"], "-o", tmp_path / "r.html")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no run '0000'" in result.stderr


def test_without_workspace_the_environment_variable_names_it(shared, tmp_path,
                                                             monkeypatch) -> None:
    monkeypatch.setenv("NIRS4ALL_WORKSPACE", str(shared["ws"]))
    code, stdout, err = call(["report", "-o", tmp_path / "env.html", "--json"])
    assert code == 0, err
    assert as_json(stdout)["run_id"] == _latest(shared["ws"])
