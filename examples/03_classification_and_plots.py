"""Classification with probabilities, the plots and the HTML report (needs the ``viz``
extra).

Run: ``python examples/03_classification_and_plots.py [OUTPUT_FOLDER]``; the folder is
created when it does not exist.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

import nirs4all
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.viz import plot_spectra


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    dataset = nirs4all.generate(180, task="classification", n_classes=3, random_state=2)
    pipeline = [
        {"_or_": [SNV(), SavitzkyGolay(deriv=1)]},
        StratifiedKFold(5, shuffle=True),
        {"model": LogisticRegression, "_log_range_": [0.1, 100, 4], "param": "C"},
    ]
    result = nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=None)
    print(result.summary(4))
    print(f"test accuracy of the refitted best chain: {result.best_accuracy:.3f}")
    plot_spectra(dataset, transformed=SNV(), color_by="partition",
                 path=folder / "spectra.png")
    result.plot_predicted_vs_observed(path=folder / "confusion.png")
    result.plot_cv_heatmap(path=folder / "cv_heatmap.png")
    result.report(folder / "report.html", dataset)
    print(f"plots and report.html written to {folder}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as scratch:
            main(Path(scratch))
