"""The HTML report is one self-contained file holding every part the issue lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold

import nirs4all
from nirs4all.cli import main
from nirs4all.operators.transforms import MSC, SNV
from nirs4all.viz import write_report

SWEEP = [{"_or_": [SNV(), MSC()]}, KFold(3),
         {"model": PLSRegression, "_range_": [2, 4, 2], "param": "n_components"}]


@pytest.fixture(scope="module")
def regression():
    data = nirs4all.generate(50, random_state=0)
    return data, nirs4all.run(SWEEP, data, random_state=0, verbose=0, workspace=None)


def _external_references(text: str) -> list[str]:
    return re.findall(r'(?:src|href)="(?!data:)[^"]*"', text)


def test_the_report_holds_every_section_and_no_external_reference(regression,
                                                                  tmp_path: Path) -> None:
    data, result = regression
    path = result.report(tmp_path / "report.html", data)
    text = path.read_text()
    assert _external_references(text) == []
    assert "<link" not in text
    for part in ("Dataset synthetic", data.content_hash(), "801 wavelengths",
                 '<table class="ranking">', "Cross-validation heatmap", "Best chains",
                 "Mean spectra", 'id="counters"', "wall_time_s", "<script>"):
        assert part in text, part
    assert text.count("data:image/png;base64,") >= 1 + 3 + 1  # heatmap, 3 per chain, spectra
    assert f"<th>seed</th><td>{result.seed}</td>" in text
    assert "n_components" in text  # the swept parameter has a ranking column


def test_without_the_dataset_the_report_says_what_to_pass(regression, tmp_path: Path) -> None:
    _, result = regression
    text = write_report(result, tmp_path / "r.html", n_best=1).read_text()
    assert "pass the dataset" in text
    assert "Mean spectra" in text


def test_a_classification_report_draws_no_residuals(tmp_path: Path) -> None:
    data = nirs4all.generate(60, task="classification", random_state=1)
    result = nirs4all.run([SNV(), StratifiedKFold(3), LogisticRegression(max_iter=300)],
                          data, random_state=0, verbose=0, workspace=None)
    text = result.report(tmp_path / "c.html", data).read_text()
    assert "balanced_accuracy" in text
    assert 'alt="residuals' not in text
    assert 'alt="predicted vs observed' in text


def test_a_multi_dataset_run_has_one_block_per_dataset(tmp_path: Path) -> None:
    first, second = (nirs4all.generate(40, random_state=s, name=n)
                     for s, n in ((0, "wheat"), (1, "rice")))
    result = nirs4all.run([SNV(), KFold(3), PLSRegression(3)], [first, second],
                          random_state=0, verbose=0, workspace=None)
    text = write_report(result, tmp_path / "m.html", datasets=[first, second]).read_text()
    assert text.count('<section class="dataset-block">') == 2
    assert "Dataset rice" in text
    assert "Dataset wheat" in text


def test_the_report_command_writes_the_file(tmp_path: Path, capsys) -> None:
    nirs4all.generate(40, random_state=2, path=tmp_path / "data")
    (tmp_path / "p.yaml").write_text("- SNV\n- KFold\n- model: PLSRegression\n")
    out = tmp_path / "report.html"
    code = main(["report", str(tmp_path / "p.yaml"), str(tmp_path / "data"), "-o", str(out),
                 "--workspace", "none", "--seed", "0", "--json"])
    assert code == 0
    assert '"report"' in capsys.readouterr().out
    assert "Dataset synthetic" in out.read_text()
