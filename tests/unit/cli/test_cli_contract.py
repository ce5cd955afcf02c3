"""What scripts rely on, in-process through ``main(argv)``: exit codes, strict JSON with the
fields of the text, CLI spellings in hints, and the newcomer walls of issue 18."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from nirs4all import __version__
from nirs4all.cli import EXIT_BAD_INPUT, EXIT_OK, cli_spelling
from tests.unit.cli.conftest import as_json, call


def test_version_prints_the_library_version() -> None:
    code, out, _ = call(["--version"])
    assert code == EXIT_OK
    assert out.strip() == f"nirs4all {__version__}"


def test_an_unknown_option_exits_2() -> None:
    code, _, err = call(["run", "--no-such-option"])
    assert code == EXIT_BAD_INPUT
    assert "usage:" in err


def test_run_json_is_strict_json_with_null_for_missing_test_scores(shared) -> None:
    """Newcomer wall: ``--json`` printed ``NaN``."""
    report = shared["reg_report"]
    rows = report["datasets"]["wheat"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert rows[1]["test_score"] is None
    assert rows[1]["test_missing"] == "not refitted"
    assert rows[0]["test_missing"] is None
    assert rows[0]["params"] == {"n_components": 4} or rows[0]["params"] == {"n_components": 2}
    assert report["top"] == rows


def test_run_json_has_the_fields_of_the_text(shared, tmp_path: Path) -> None:
    code, text, _ = call(["run", shared["reg_yaml"], shared["reg"], "--seed", "0",
                          "--workspace", "none"])
    code_json, out, _ = call(["run", shared["reg_yaml"], shared["reg"], "--seed", "0",
                              "--workspace", "none", "--json"])
    assert code == code_json == EXIT_OK
    report = as_json(out)
    header = text.splitlines()[1].split()
    assert header[:6] == ["#", "chain", "cv", "rmse", "test", "rmse"]
    assert "n_components" in header  # the swept parameter, also at its default (2)
    for row in report["datasets"]["wheat"]:
        line = next(ln for ln in text.splitlines() if row["chain_id"][:10] in ln)
        assert f"{row['cv_score']:.6g}" in line
        assert str(row["params"]["n_components"]) in line.split()
    assert "--refit all refits every chain" in text  # the hint in the CLI's spelling


def test_export_with_refit_none_is_refused_before_the_run(shared, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    code, _, err = call(["run", shared["reg_yaml"], shared["reg"], "--refit", "none",
                         "--export", tmp_path / "b.n4a", "--workspace", ws])
    assert code == EXIT_BAD_INPUT
    assert "--refit best" in err
    assert not ws.exists()  # nothing ran


def test_cli_spelling_rewrites_python_hints() -> None:
    assert cli_spelling("run with refit='all' or pick") == "run with --refit all or pick"
    assert cli_spelling("pass random_state=3") == "pass --seed 3"


@pytest.mark.parametrize("name", ["Xval.csv", "Xtest.csv", "spectra.csv.gz"])
def test_predict_on_a_folder_of_spectra_of_any_name(shared, tmp_path: Path, name) -> None:
    """Newcomer wall: predict failed unless a file was called Xcal/Xtrain."""
    folder = tmp_path / "new"
    folder.mkdir()
    source = shared["reg"] / "Xcal.csv"
    if name.endswith(".gz"):
        with source.open("rb") as raw, gzip.open(folder / name, "wb") as packed:
            shutil.copyfileobj(raw, packed)
    else:
        shutil.copy(source, folder / name)
    out = tmp_path / "pred.csv"
    code, text, err = call(["predict", shared["bundle"], folder, "-o", out, "--json"])
    assert code == EXIT_OK, err
    n_rows = len(source.read_text().splitlines()) - 1
    assert as_json(text)["predictions"] == n_rows
    assert len(out.read_text().splitlines()) == n_rows + 1
    code, _, err = call(["predict", shared["bundle"], folder / name, "-o", out])
    assert code == EXIT_OK, err


def test_predict_on_a_folder_of_several_spectra_files_asks_for_one(shared,
                                                                    tmp_path: Path) -> None:
    for name in ("Xval.csv", "Xtest.csv"):
        shutil.copy(shared["reg"] / "Xcal.csv", tmp_path / name)
    code, _, err = call(["predict", shared["bundle"], tmp_path, "-o", tmp_path / "p.csv"])
    assert code == EXIT_BAD_INPUT
    assert "Xtest.csv, Xval.csv" in err


def test_top_ranks_each_dataset_by_its_own_task(shared) -> None:
    """Newcomer wall: ``workspace top`` mixed datasets and broke on mixed tasks."""
    code, out, err = call(["workspace", "top", shared["ws"], "--json"])
    assert code == EXIT_OK, err
    tables = {t["dataset"]: t for t in as_json(out)}
    assert tables["wheat"]["metric"] == "rmse"
    assert tables["grapes"]["metric"] == "balanced_accuracy"
    scores = [c["score"] for c in tables["wheat"]["chains"]]
    assert scores == sorted(scores)
    code, text, _ = call(["workspace", "top", shared["ws"]])
    assert "dataset grapes (" in text
    assert "cv balanced_accuracy" in text
    header = next(ln for ln in text.splitlines() if "cv balanced_accuracy" in ln
                  and ln.startswith("#"))
    row = text.splitlines()[text.splitlines().index(header) + 1]
    score_end = header.index("cv balanced_accuracy") + len("cv balanced_accuracy")
    assert row[score_end - 1] != " "  # the score is right-aligned under its header


def test_top_of_one_dataset_by_name_or_hash_prefix(shared) -> None:
    by_name = as_json(call(["workspace", "top", shared["ws"], "--dataset", "grapes",
                            "--json"])[1])
    assert [t["dataset"] for t in by_name] == ["grapes"]
    prefix = by_name[0]["dataset_hash"][:8]
    by_hash = as_json(call(["workspace", "top", shared["ws"], "--dataset", prefix,
                            "--json"])[1])
    assert by_hash == by_name


@pytest.mark.parametrize(("option", "message"), [
    (["--dataset", "nope"], "no dataset 'nope'"),
    (["--metric", "rsme"], "unknown metric 'rsme'"),
    (["--metric", "r2", "--dataset", "grapes"], "has a r2 score"),
])
def test_an_unknown_dataset_or_metric_exits_2(shared, option, message) -> None:
    code, out, err = call(["workspace", "top", shared["ws"], *option])
    assert code == EXIT_BAD_INPUT
    assert message in err
    assert out == ""


def test_runs_shows_why_a_failed_run_failed(shared) -> None:
    assert shared["fail_code"][0] == EXIT_BAD_INPUT
    code, out, _ = call(["workspace", "runs", shared["ws"], "--json"])
    assert code == EXIT_OK
    failed = [r for r in as_json(out) if r["status"] == "failed"]
    assert len(failed) == 1
    assert "n_components" in failed[0]["why"]
    text = call(["workspace", "runs", shared["ws"]])[1]
    assert "why it failed" in text.splitlines()[0]
    assert "upper bound" in text


def test_inspect_reports_x_only_data_as_unknown_task(shared, tmp_path: Path) -> None:
    shutil.copy(shared["reg"] / "Xcal.csv", tmp_path / "Xcal.csv")
    code, out, _ = call(["dataset", "inspect", tmp_path, "--json"])
    assert code == EXIT_OK
    assert as_json(out)["task"] == "unknown (no targets)"
    assert "task         unknown (no targets)" in call(["dataset", "inspect", tmp_path])[1]


def test_config_validate_and_schema(shared, tmp_path: Path) -> None:
    code, out, _ = call(["config", "validate", shared["reg_yaml"]])
    assert code == EXIT_OK
    assert "valid, 2 variant(s)" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("- SNV\n- model: PLSRegresion\n")
    code, _, err = call(["config", "validate", bad])
    assert code == EXIT_BAD_INPUT
    assert f"{bad}:2: pipeline[1].model: unknown step name 'PLSRegresion'" in err
    code, out, _ = call(["config", "validate", bad, "--json"])
    info = as_json(out)
    assert (code, info["valid"], info["problem"]["line"]) == (EXIT_BAD_INPUT, False, 2)
    code, out, _ = call(["config", "schema"])
    assert code == EXIT_OK
    assert as_json(out)["title"] == "nirs4all pipeline file"


def test_demo_table_keeps_the_swept_parameter(tmp_path: Path) -> None:
    code, out, _ = call(["demo", "--samples", "40", "--quiet", "--out", tmp_path / "d"])
    assert code == EXIT_OK
    assert "n_components" in out


def test_a_dataset_without_targets_cannot_be_run(shared, tmp_path: Path) -> None:
    np.savetxt(tmp_path / "Xcal.csv", np.random.default_rng(0).random((5, 4)), delimiter=";")
    code, _, err = call(["run", shared["reg_yaml"], tmp_path, "--workspace", "none"])
    assert code == EXIT_BAD_INPUT
    assert "nirs4all: error: the dataset has no targets" in err
    assert "pass --seed " in err  # the seed hint of the log, spelled as the option
    assert "random_state=" not in err
