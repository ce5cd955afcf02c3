"""Quickstart: generate spectra, sweep preprocessings and PLS sizes, export and predict.

Run: ``python examples/01_quickstart.py [OUTPUT_FOLDER]`` (a temporary folder by default).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.transforms import MSC, SNV, SavitzkyGolay


def main(folder: Path) -> None:
    dataset = nirs4all.generate(200, n_targets=1, random_state=0, path=folder / "data")
    pipeline = [
        {"_or_": [SNV(), MSC(), SavitzkyGolay(window_length=11, polyorder=2, deriv=1)]},
        KFold(5, shuffle=True),
        {"model": PLSRegression, "_range_": [2, 12, 2], "param": "n_components"},
    ]
    result = nirs4all.run(pipeline, folder / "data", random_state=0, verbose=0,
                          workspace=folder / "workspace")
    print(result.summary(5))
    bundle = result.export(folder / "best.n4a")
    prediction = nirs4all.predict(bundle, dataset.test)
    prediction.to_csv(folder / "predictions.csv")
    print(f"best: {result.best.model_name} after {result.best.preprocessing}, "
          f"test RMSE {result.best_rmse:.4f}; {len(prediction)} predictions written")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as scratch:
            main(Path(scratch))
