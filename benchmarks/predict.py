"""Prediction benchmark: bundle load time, and replay against the fitted objects called directly.

A chain SNV > SavitzkyGolay > PLS is trained, exported as a ``.n4a`` bundle and used to
predict 10,000 spectra x 2,000 wavelengths; the same fitted objects are then called by hand.
Prints the best time of each and their ratio (target: replay within 1.3x).

Run: ``python benchmarks/predict.py [--repeat 5] [--quick]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

import nirs4all
from nirs4all.api.predict import Predictor
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.workspace.bundle import read_bundle


def best(function, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1,000 spectra instead of 10,000")
    args = parser.parse_args()
    n_new = 1_000 if args.quick else 10_000
    axis = (500.0, 2499.0, 1.0)  # 2,000 wavelengths
    train = nirs4all.generate(300, wavelengths=axis, random_state=0)
    new = nirs4all.generate(n_new, wavelengths=axis, random_state=1, test_fraction=0.0)
    X_new = new.x()
    result = nirs4all.run([SNV(), SavitzkyGolay(window_length=15, polyorder=2, deriv=1),
                           KFold(3), PLSRegression(10)], train, random_state=0, verbose=0,
                          workspace=None)
    with tempfile.TemporaryDirectory() as folder:
        path = result.export(Path(folder) / "model.n4a")
        load_time, predictor = best(lambda: Predictor.from_bundle(read_bundle(path)),
                                    args.repeat)
        size = path.stat().st_size
    dataset = SpectroDataset(FeatureSource("X", X_new, new.wavelengths(), "nm"))
    replay_time, replayed = best(lambda: predictor.predict(dataset).y_pred, args.repeat)

    chain = predictor.chain
    snv, sg, model = (predictor.load(s.artifacts["final"]) for s in chain.steps
                      if s.kind in ("transform", "model"))
    wavelengths = new.wavelengths()

    def direct() -> np.ndarray:
        with threadpool_limits(limits=1):
            Z = snv[0].transform(X_new, wavelengths=wavelengths)
            Z = sg[0].transform(Z, wavelengths=wavelengths)
            return model.predict(Z)

    direct_time, direct_pred = best(direct, args.repeat)
    assert np.array_equal(np.asarray(direct_pred).reshape(-1, 1), replayed)
    print(f"bundle: {size / 1e3:.0f} kB, load + verify + audit {load_time * 1e3:.1f} ms")
    print(f"predict {n_new} x 2000 through SNV > SavitzkyGolay > PLS:")
    print(f"  fitted objects called directly  {direct_time:7.3f} s")
    print(f"  nirs4all replay (checks axis)   {replay_time:7.3f} s")
    print(f"  ratio replay / direct           {replay_time / direct_time:7.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
