"""The nirs4all command, end to end through a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nirs4all


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nirs4all.cli", *args], capture_output=True,
                          text=True, check=False)


def test_demo_round_trips_data_and_runs_a_sweep(tmp_path: Path) -> None:
    result = _run("demo", "--samples", "60", "--seed", "3", "--out", str(tmp_path / "d"),
                  "--quiet")
    assert result.returncode == 0, result.stderr
    assert "read them back identically" in result.stdout
    assert "18 variant(s)" in result.stdout
    assert "best chain" in result.stdout
    assert (tmp_path / "d" / "Xcal.csv").exists()


def test_dataset_inspect_json(tmp_path: Path) -> None:
    dataset = nirs4all.generate(30, random_state=4, path=tmp_path)
    result = _run("dataset", "inspect", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["dataset_hash"] == dataset.content_hash()
    assert info["sources"][0]["unit"] == "nm"
    assert info["n_train"] + info["n_test"] == 30


def test_dataset_inspect_reports_nan(tmp_path: Path) -> None:
    (tmp_path / "Xcal.csv").write_text("1000;1010;1020\n0.1;nan;0.3\n0.2;0.2;0.2\n")
    result = _run("dataset", "inspect", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "NaN/inf values: 1 in 1 sample(s)" in result.stdout


def test_bad_input_exits_2_with_the_file_named(tmp_path: Path) -> None:
    (tmp_path / "Xcal.csv").write_text("0.1;0.2\n0.3\n")
    result = _run("dataset", "inspect", str(tmp_path))
    assert result.returncode == 2
    assert "Xcal.csv, line 2" in result.stderr


def test_help_works() -> None:
    assert _run("--help").returncode == 0
    assert _run("dataset", "inspect", "--help").returncode == 0
