"""The nirs4all command, end to end through a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nirs4all
from nirs4all.workspace.migrate import schema_version


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


PIPELINE_YAML = """\
pipeline:
  - class: nirs4all.operators.transforms.SNV
  - class: sklearn.model_selection.KFold
    params: {n_splits: 3}
  - model: sklearn.cross_decomposition.PLSRegression
    _range_: [2, 6, 2]
    param: n_components
"""


def test_run_predict_and_verify_from_the_shell(tmp_path: Path) -> None:
    data = tmp_path / "data"
    nirs4all.generate(60, random_state=1, path=data)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(PIPELINE_YAML)
    bundle = tmp_path / "best.n4a"
    ran = _run("run", str(pipeline), str(data), "--seed", "0", "--export", str(bundle),
               "--json")
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["variants"] == 3
    assert len(report["top"]) == 3
    verified = _run("verify", str(bundle), "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["chain_id"] == report["top"][0]["chain_id"]
    out = tmp_path / "out.csv"
    predicted = _run("predict", str(bundle), str(data), "-o", str(out))
    assert predicted.returncode == 0, predicted.stderr
    assert len(out.read_text().splitlines()) == 61


def test_verify_exits_3_on_a_tampered_bundle(tmp_path: Path) -> None:
    data = tmp_path / "data"
    nirs4all.generate(40, random_state=1, path=data)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(PIPELINE_YAML)
    bundle = tmp_path / "best.n4a"
    assert _run("run", str(pipeline), str(data), "--seed", "0", "--export",
                str(bundle)).returncode == 0
    payload = bytearray(bundle.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    bundle.write_bytes(bytes(payload))
    result = _run("verify", str(bundle))
    assert result.returncode == 3
    assert "integrity error" in result.stderr


def test_run_with_a_bad_pipeline_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    nirs4all.generate(30, random_state=1, path=data)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("pipeline:\n  - class: os.system\n")
    result = _run("run", str(pipeline), str(data))
    assert result.returncode == 2
    assert "os.system" in result.stderr


def test_workspace_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    nirs4all.generate(50, random_state=1, path=data)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(PIPELINE_YAML)
    ws = str(tmp_path / "ws")
    env_run = subprocess.run(
        [sys.executable, "-m", "nirs4all.cli", "run", str(pipeline), str(data), "--seed", "0"],
        capture_output=True, text=True, check=False,
        env={**__import__("os").environ, "NIRS4ALL_WORKSPACE": ws})
    assert env_run.returncode == 0, env_run.stderr
    info = json.loads(_run("workspace", "info", ws, "--json").stdout)
    assert info["rows"]["runs"] == 1
    assert info["last_run"]["stats"]["variants"] == 3
    assert info["last_run"]["stats"]["predictions_written"] == info["rows"]["predictions"]
    runs = json.loads(_run("workspace", "runs", ws, "--json").stdout)
    assert runs[0]["status"] == "completed"
    (table,) = json.loads(_run("workspace", "top", ws, "-n", "2", "--json").stdout)
    top = table["chains"]
    assert len(top) == 2
    assert top[0]["score"] <= top[1]["score"]
    assert _run("workspace", "gc", ws).returncode == 0
    migrated = json.loads(_run("workspace", "migrate", ws, "--json").stdout)
    assert migrated["schema_version"] == schema_version()
    missing = _run("workspace", "migrate", ws, "--from-legacy", ws)
    assert missing.returncode == 2
    assert "--to" in missing.stderr


def test_run_workspace_option(tmp_path: Path) -> None:
    data = tmp_path / "data"
    nirs4all.generate(40, random_state=1, path=data)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(PIPELINE_YAML)
    stored = _run("run", str(pipeline), str(data), "--seed", "0", "--json", "--workspace",
                  str(tmp_path / "ws"))
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["workspace"] == str(tmp_path / "ws")
    assert (tmp_path / "ws" / "store.duckdb").exists()
    memory = _run("run", str(pipeline), str(data), "--json", "--workspace", "none")
    assert json.loads(memory.stdout)["run_id"] is None
