"""The HTML report opens in a real headless Chromium with no JavaScript error.

The browser renders the file, takes a screenshot and dumps the DOM after the scripts ran;
its console log (``--enable-logging=stderr --v=1``) must hold no ``Uncaught`` error. CI
installs the browser (``apt-get install -y chromium``); elsewhere the test is skipped with
the reason printed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.stored_run import read_stored_run
from nirs4all.operators.transforms import MSC, SNV
from nirs4all.viz import write_run_report

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"]


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    reason = (f"no headless browser ({', '.join(BROWSERS)}) on PATH: install one with "
              "`apt-get install -y chromium` to run this test")
    print(reason)
    pytest.skip(reason)


PIPELINE = ("- {_or_: [SNV, MSC]}\n- {class: KFold, params: {n_splits: 3}}\n"
            "- model: PLSRegression\n  _range_: [2, 6, 2]\n  param: n_components\n")


@pytest.fixture(scope="module", params=["run", "stored"])
def report(request, tmp_path_factory) -> Path:
    """The report of a run (``result.report``) and of the same run read back from its
    workspace (``read_stored_run`` then ``write_run_report``, as ``nirs4all report RUN``)."""
    folder = tmp_path_factory.mktemp(f"report_{request.param}")
    if request.param == "run":
        data = nirs4all.generate(60, random_state=0)
        pipeline = [{"_or_": [SNV(), MSC()]}, KFold(3),
                    {"model": PLSRegression, "_range_": [2, 6, 2], "param": "n_components"}]
        result = nirs4all.run(pipeline, data, random_state=0, verbose=0, workspace=None)
        return result.report(folder / "report.html", data)
    nirs4all.generate(60, random_state=0, path=folder / "data")
    (folder / "p.yaml").write_text(PIPELINE)
    nirs4all.run(folder / "p.yaml", str(folder / "data"), random_state=0, verbose=0,
                 workspace=folder / "ws")
    path, missing = write_run_report(read_stored_run(folder / "ws"), folder / "report.html")
    assert missing == {}  # the spectra were redrawn from the recorded file
    return path


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_browser(), *FLAGS, *args], capture_output=True, text=True,
                          timeout=180, check=False, cwd=cwd)


def test_the_report_renders_without_javascript_errors(report: Path) -> None:
    shot = report.with_suffix(".png")
    rendered = _chromium("--enable-logging=stderr", "--v=1", "--window-size=1200,2400",
                         f"--screenshot={shot}", report.as_uri(), cwd=report.parent)
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert shot.stat().st_size > 10_000  # a page was drawn, not a blank error page
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    errors = [ln for ln in rendered.stderr.splitlines() if "Uncaught" in ln]
    assert errors == []


def test_the_dom_holds_the_key_elements_after_the_scripts_ran(report: Path) -> None:
    dumped = _chromium("--dump-dom", report.as_uri(), cwd=report.parent)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    for element in ('<table class="ranking">', '<table class="dataset">',
                    '<section id="counters">', "Cross-validation heatmap", "Mean spectra"):
        assert element in dom, element
    assert dom.count("data:image/png;base64,") >= 5
