"""The nirs4all command in-process: ``nirs4all.cli.main(argv)`` for every command.

tests/integration/test_cli.py drives the same commands through a subprocess (the real entry
point); these call ``main`` directly so that coverage sees the command code and a failure
shows the Python traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path

import pytest

import nirs4all
from nirs4all.cli import EXIT_BAD_INPUT, EXIT_INTEGRITY, EXIT_OK, main

PIPELINE_YAML = """\
pipeline:
  - class: nirs4all.operators.transforms.SNV
  - class: sklearn.model_selection.KFold
    params: {n_splits: 3}
  - model: sklearn.cross_decomposition.PLSRegression
    _range_: [2, 6, 2]
    param: n_components
"""


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    """One run written to a workspace and exported to a bundle, shared by the tests below."""
    folder = tmp_path_factory.mktemp("cli")
    paths = {"data": folder / "data", "pipeline": folder / "pipeline.yaml",
             "workspace": folder / "ws", "bundle": folder / "best.n4a"}
    dataset = nirs4all.generate(60, random_state=1, path=paths["data"])
    paths["pipeline"].write_text(PIPELINE_YAML)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", str(paths["pipeline"]), str(paths["data"]), "--seed", "0",
                     "--workspace", str(paths["workspace"]), "--export", str(paths["bundle"]),
                     "--json"])
    return {**paths, "code": code, "report": json.loads(out.getvalue()),
            "dataset_hash": dataset.content_hash()}


def _json(capsys) -> object:
    return json.loads(capsys.readouterr().out)


def test_demo_generates_reloads_and_ranks_a_sweep(tmp_path: Path, capsys) -> None:
    code = main(["demo", "--samples", "60", "--seed", "3", "--out", str(tmp_path / "d"),
                 "--quiet"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "read them back identically" in out
    assert "18 variant(s)" in out
    assert "best chain" in out
    assert "RMSECV" in out
    assert (tmp_path / "d" / "Xcal.csv").exists()


def test_dataset_inspect_prints_shape_axis_and_hash(tmp_path: Path, capsys) -> None:
    dataset = nirs4all.generate(30, random_state=4, path=tmp_path)
    assert main(["dataset", "inspect", str(tmp_path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"dataset_hash {dataset.content_hash()}" in out
    assert "samples      30 (" in out
    assert main(["dataset", "inspect", str(tmp_path), "--json"]) == EXIT_OK
    info = _json(capsys)
    assert info["dataset_hash"] == dataset.content_hash()
    assert info["n_train"] + info["n_test"] == 30
    assert info["sources"][0]["unit"] == "nm"


def test_dataset_inspect_counts_nan_values(tmp_path: Path, capsys) -> None:
    (tmp_path / "Xcal.csv").write_text("1000;1010;1020\n0.1;nan;0.3\n0.2;0.2;0.2\n")
    assert main(["dataset", "inspect", str(tmp_path)]) == EXIT_OK
    assert "NaN/inf values: 1 in 1 sample(s)" in capsys.readouterr().out


def test_a_malformed_file_exits_2_naming_file_and_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "Xcal.csv").write_text("0.1;0.2\n0.3\n")
    assert main(["dataset", "inspect", str(tmp_path)]) == EXIT_BAD_INPUT
    assert "Xcal.csv, line 2" in capsys.readouterr().err


def test_run_reports_every_variant_and_stores_the_run(stored) -> None:
    assert stored["code"] == EXIT_OK
    report = stored["report"]
    assert report["variants"] == 3
    assert report["seed"] == 0
    assert len(report["top"]) == 3
    assert report["workspace"] == str(stored["workspace"])
    assert len(report["run_id"]) == 64
    assert stored["bundle"].exists()


def test_run_in_memory_prints_the_summary(stored, capsys) -> None:
    code = main(["run", str(stored["pipeline"]), str(stored["data"]), "--seed", "0",
                 "--workspace", "none", "--refit", "none", "--top", "2"])
    assert code == EXIT_OK
    out = capsys.readouterr().out
    assert "3 variant(s)" in out
    assert "best chain exported" not in out


def test_run_with_an_unsafe_class_exits_2(stored, tmp_path: Path, capsys) -> None:
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("pipeline:\n  - class: os.system\n")
    assert main(["run", str(pipeline), str(stored["data"])]) == EXIT_BAD_INPUT
    assert "os.system" in capsys.readouterr().err


def test_verify_lists_the_bundle_without_loading_it(stored, capsys) -> None:
    assert main(["verify", str(stored["bundle"]), "--json"]) == EXIT_OK
    info = _json(capsys)
    assert info["verified"] is True
    assert info["chain_id"] == stored["report"]["top"][0]["chain_id"]
    assert info["dataset_hash"] == stored["dataset_hash"]
    assert main(["verify", str(stored["bundle"])]) == EXIT_OK
    out = capsys.readouterr().out
    assert "every member verified" in out
    assert f"trained on   {stored['dataset_hash']}" in out


def _tampered(stored, tmp_path: Path, offset: int) -> Path:
    payload = bytearray(stored["bundle"].read_bytes())
    payload[offset] ^= 0xFF
    tampered = tmp_path / "tampered.n4a"
    tampered.write_bytes(bytes(payload))
    return tampered


def test_verify_exits_3_on_a_changed_member(stored, tmp_path: Path, capsys) -> None:
    tampered = tmp_path / "changed.n4a"
    with zipfile.ZipFile(stored["bundle"]) as source, zipfile.ZipFile(tampered, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            copy.writestr(info, data + b" " if info.filename == "manifest.json" else data)
    assert main(["verify", str(tampered)]) == EXIT_INTEGRITY
    err = capsys.readouterr().err
    assert err.startswith("nirs4all: integrity error: ")
    assert "manifest.json" in err


def test_verify_exits_3_on_a_byte_flipped_inside_a_compressed_member(stored, tmp_path: Path,
                                                                     capsys) -> None:
    tampered = _tampered(stored, tmp_path, len(stored["bundle"].read_bytes()) // 2)
    assert main(["verify", str(tampered)]) == EXIT_INTEGRITY
    assert "integrity error" in capsys.readouterr().err


def test_predict_writes_one_row_per_sample(stored, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.csv"
    assert main(["predict", str(stored["bundle"]), str(stored["data"]), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"60 prediction(s) written to {out}"
    assert len(out.read_text().splitlines()) == 61


def test_predict_with_a_missing_bundle_exits_2(stored, tmp_path: Path, capsys) -> None:
    code = main(["predict", str(tmp_path / "nope.n4a"), str(stored["data"]), "-o",
                 str(tmp_path / "out.csv")])
    assert code == EXIT_BAD_INPUT
    assert "nope.n4a" in capsys.readouterr().err


def test_workspace_info_counts_the_rows(stored, capsys) -> None:
    ws = str(stored["workspace"])
    assert main(["workspace", "info", ws, "--json"]) == EXIT_OK
    info = _json(capsys)
    assert info["rows"]["runs"] == 1
    assert info["last_run"]["run_id"] == stored["report"]["run_id"]
    assert info["last_run"]["stats"]["predictions_written"] == info["rows"]["predictions"]
    assert main(["workspace", "info", ws]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"runs           {info['rows']['runs']}" in out
    assert f"last run       {stored['report']['run_id'][:10]}" in out


def test_workspace_runs_lists_the_completed_run(stored, capsys) -> None:
    ws = str(stored["workspace"])
    assert main(["workspace", "runs", ws, "--json"]) == EXIT_OK
    [row] = _json(capsys)
    assert (row["run_id"], row["status"], row["seed"]) == (stored["report"]["run_id"],
                                                           "completed", 0)
    assert main(["workspace", "runs", ws]) == EXIT_OK
    assert "completed" in capsys.readouterr().out


def test_workspace_top_ranks_by_cv_score(stored, capsys) -> None:
    ws = str(stored["workspace"])
    assert main(["workspace", "top", ws, "-n", "2", "--json"]) == EXIT_OK
    (table,) = _json(capsys)
    rows = table["chains"]
    assert len(rows) == 2
    assert rows[0]["score"] <= rows[1]["score"]
    assert table["dataset_hash"] == stored["dataset_hash"]
    assert main(["workspace", "top", ws, "-n", "1"]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("dataset synthetic (")
    assert out[2].split()[:3] == ["1", "synthetic", rows[0]["chain_id"][:10]]


def test_workspace_gc_and_migrate(stored, capsys) -> None:
    ws = str(stored["workspace"])
    assert main(["workspace", "gc", ws, "--json"]) == EXIT_OK
    assert set(_json(capsys)) == {"rows_removed", "files_removed", "bytes_freed"}
    assert main(["workspace", "migrate", ws, "--json"]) == EXIT_OK
    assert _json(capsys)["schema_version"] >= 1
    assert main(["workspace", "migrate", ws, "--from-legacy", ws]) == EXIT_BAD_INPUT
    assert "--to" in capsys.readouterr().err


def test_a_missing_workspace_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["workspace", "info", str(tmp_path / "absent")]) == EXIT_BAD_INPUT
    assert "absent" in capsys.readouterr().err


def test_usage_errors_exit_2_and_help_exits_0(capsys) -> None:
    assert main([]) == EXIT_BAD_INPUT
    assert "usage: nirs4all" in capsys.readouterr().err
    assert main(["workspace", "--help"]) == EXIT_OK
    assert "info" in capsys.readouterr().out
