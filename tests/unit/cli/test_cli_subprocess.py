"""Every command through the real entry point: its exit codes and its ``--json`` output.

One subprocess per case (``python -m nirs4all.cli``); the workspace, datasets and bundle
come from the session fixture of conftest.py.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.unit.cli.conftest import as_json

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: object, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "nirs4all.cli", *map(str, args)],
                          capture_output=True, text=True, check=False, env=env, **kwargs)


def _tampered(bundle: Path, folder: Path) -> Path:
    out = folder / "changed.n4a"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            copy.writestr(info, data + b" " if info.filename == "manifest.json" else data)
    return out


# (command, the key every --json answer must hold)
JSON_CASES = {
    "inspect": (lambda p, t: ["dataset", "inspect", p["reg"]], "dataset_hash"),
    "validate": (lambda p, t: ["config", "validate", p["reg_yaml"]], "variants"),
    "run": (lambda p, t: ["run", p["reg_yaml"], p["reg"], "--seed", "1", "--workspace",
                          "none"], "datasets"),
    "verify": (lambda p, t: ["verify", p["bundle"]], "chain_id"),
    "predict": (lambda p, t: ["predict", p["bundle"], p["reg"] / "Xcal.csv", "-o",
                              t / "p.csv"], "predictions"),
    "info": (lambda p, t: ["workspace", "info", p["ws"]], "rows"),
    "runs": (lambda p, t: ["workspace", "runs", p["ws"]], None),
    "top": (lambda p, t: ["workspace", "top", p["ws"]], None),
    "migrate": (lambda p, t: ["workspace", "migrate", p["ws"]], "schema_version"),
    "gc": (lambda p, t: ["workspace", "gc", p["ws"]], "bytes_freed"),
    "report": (lambda p, t: ["report", "latest", "-w", p["ws"], "-o", t / "r.html"],
               "spectra_missing"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_json_output_is_strict_json_and_exit_0(case, shared, tmp_path: Path) -> None:
    argv, key = JSON_CASES[case]
    result = _run(*argv(shared, tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    data = as_json(result.stdout)
    assert data
    if key is not None:
        assert key in data


BAD_CASES = {
    "inspect": lambda p, t: ["dataset", "inspect", t / "absent"],
    "validate": lambda p, t: ["config", "validate", t / "absent.yaml"],
    "run": lambda p, t: ["run", t / "absent.yaml", p["reg"], "--workspace", "none"],
    "verify": lambda p, t: ["verify", t / "absent.n4a"],
    "predict": lambda p, t: ["predict", t / "absent.n4a", p["reg"], "-o", t / "p.csv"],
    "info": lambda p, t: ["workspace", "info", t / "absent"],
    "runs": lambda p, t: ["workspace", "runs", t / "absent"],
    "top": lambda p, t: ["workspace", "top", p["ws"], "--dataset", "absent"],
    "migrate": lambda p, t: ["workspace", "migrate", p["ws"], "--from-legacy", p["ws"]],
    "demo": lambda p, t: ["demo", "--samples", "notanumber"],
    "schema": lambda p, t: ["config", "schema", "extra-argument"],
    "usage": lambda p, t: [],
    "report": lambda p, t: ["report", "0" * 64, "-w", p["ws"], "-o", t / "r.html"],
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_or_usage_exits_2_without_traceback(case, shared, tmp_path: Path) -> None:
    result = _run(*BAD_CASES[case](shared, tmp_path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr


def test_schema_exits_0_with_json() -> None:
    result = _run("config", "schema")
    assert result.returncode == 0
    assert as_json(result.stdout)["$schema"].startswith("https://json-schema.org/")


def test_version_exits_0() -> None:
    result = _run("--version")
    assert (result.returncode, result.stdout.split()[0]) == (0, "nirs4all")


def test_a_changed_bundle_exits_3(shared, tmp_path: Path) -> None:
    changed = _tampered(shared["bundle"], tmp_path)
    for argv in (["verify", changed, "--json"], ["predict", changed, shared["reg"], "-o",
                                                 tmp_path / "p.csv"]):
        result = _run(*argv)
        assert result.returncode == 3, result.stderr
        assert "integrity error" in result.stderr
        assert result.stdout == ""


def test_a_busy_workspace_exits_4(shared, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from nirs4all import workspace; "
         "ws = workspace.open(sys.argv[1]); print('held', flush=True); time.sleep(60)",
         str(shared["ws"])], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "held"
        for argv in (["workspace", "gc", shared["ws"]],
                     ["run", shared["reg_yaml"], shared["reg"], "--workspace", shared["ws"]],
                     ["report", "--workspace", shared["ws"], "-o", tmp_path / "r.html"]):
            result = _run(*argv)
            assert result.returncode == 4, result.stderr
            assert "workspace busy" in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_closed_pipe_ends_quietly(shared) -> None:
    """``nirs4all config schema | head -1`` prints no traceback."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # smaller than the schema's text
    process = subprocess.Popen(
        [sys.executable, "-m", "nirs4all.cli", "config", "schema"], stdout=write_end,
        stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline().strip() == b"{"
    # the reader went away before the output ended
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err
    assert b"BrokenPipeError" not in err
