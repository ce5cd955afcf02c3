"""The report of a stored run, built from the workspace alone, holds what the in-run
report holds; its spectra come from the run's recorded file or it says why not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import nirs4all
from nirs4all.api.stored_run import read_stored_run
from nirs4all.viz import write_run_report
from nirs4all.viz.stored_report import _spectra_source

PIPELINE = ("- {_or_: [SNV, MSC]}\n- {class: KFold, params: {n_splits: 3}}\n"
            "- model: PLSRegression\n  _range_: [2, 4, 2]\n  param: n_components\n")
RANKING = re.compile(r'<table class="ranking">.*?</table>', re.DOTALL)
DATASET = re.compile(r'<table class="dataset">.*?</table>', re.DOTALL)


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("stored_report")
    nirs4all.generate(50, random_state=0, path=folder / "data", name="wheat")
    (folder / "p.yaml").write_text(PIPELINE)
    result = nirs4all.run(folder / "p.yaml", str(folder / "data"), random_state=0,
                          verbose=0, workspace=folder / "ws")
    data = nirs4all.load_dataset(folder / "data")
    live = result.report(folder / "live.html", data).read_text()
    return {"folder": folder, "result": result, "data": data, "live": live}


def test_the_stored_report_shows_what_the_run_report_shows(stored, tmp_path: Path) -> None:
    run = read_stored_run(stored["folder"] / "ws")
    path, missing = write_run_report(run, tmp_path / "r.html")
    result = run.result
    text = path.read_text()
    assert missing == {}
    assert result.run_id == stored["result"].run_id
    assert RANKING.findall(text) == RANKING.findall(stored["live"])
    assert DATASET.findall(text) == DATASET.findall(stored["live"])
    for part in ("Cross-validation heatmap", "Best chains", "Mean spectra", 'id="counters"',
                 f"<th>seed</th><td>{result.seed}</td>", stored["result"].run_id,
                 "<th>samples</th><td>50</td>", "801 wavelengths"):
        assert part in text, part
    assert text.count("data:image/png;base64,") == stored["live"].count(
        "data:image/png;base64,")  # the spectra are drawn, raw and after preprocessing
    assert "spectra-missing" not in text
    assert re.findall(r'(?:src|href)="(?!data:)[^"]*"', text) == []


def test_a_changed_data_file_leaves_the_spectra_out_and_says_why(stored,
                                                                  tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(stored["folder"] / "data", copy)
    run = nirs4all.run(stored["folder"] / "p.yaml", str(copy), random_state=0, verbose=0,
                       workspace=tmp_path / "ws")
    xcal = copy / "Xcal.csv"
    lines = xcal.read_text().splitlines()
    lines[1] = lines[1].replace("0", "1", 1)
    xcal.write_text("\n".join(lines) + "\n")
    path, missing = write_run_report(read_stored_run(tmp_path / "ws", run.run_id[:8]),
                                     tmp_path / "r.html")
    assert "changed since the run" in missing["wheat"]
    text = path.read_text()
    assert 'class="note spectra-missing"' in text
    assert "changed since the run" in text
    shutil.rmtree(copy)
    _, missing = write_run_report(read_stored_run(tmp_path / "ws"), tmp_path / "r.html")
    assert missing["wheat"] == f"no spectra: the run's data file {copy.resolve()} no longer exists"


def test_a_run_given_data_in_memory_says_so(tmp_path: Path) -> None:
    data = nirs4all.generate(40, random_state=1, name="rice")
    nirs4all.run(["SNV", "KFold", {"model": "PLSRegression"}], data, random_state=0,
                 verbose=0, workspace=tmp_path / "ws")
    path, missing = write_run_report(read_stored_run(tmp_path / "ws"), tmp_path / "r.html")
    assert "given its data in memory" in missing["rice"]
    assert "<th>samples</th><td>40</td>" in path.read_text()


def test_a_run_that_recorded_no_origin_says_so() -> None:
    dataset, reason = _spectra_source(None)
    assert dataset is None
    assert "did not record where its data came from" in reason


def test_a_data_file_that_no_longer_loads_says_why(tmp_path: Path) -> None:
    (tmp_path / "broken.csv").write_text("not;a\nspectrum;file;at all\n")
    dataset, reason = _spectra_source({"path": str(tmp_path / "broken.csv"),
                                       "file_hash": "0" * 64})
    assert dataset is None
    assert reason.startswith(f"no spectra: the run's data file {tmp_path / 'broken.csv'}")
