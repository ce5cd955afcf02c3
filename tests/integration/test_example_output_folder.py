"""``examples/03`` writes its plots into an output folder that does not exist yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_example_03_creates_a_new_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "plots"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "03_classification_and_plots.py"), str(out)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p.name for p in out.iterdir()) == ["confusion.png", "cv_heatmap.png",
                                                     "report.html", "spectra.png"]
