"""Engine benchmarks: workload W2 against a hand-written loop, and branch memory.

W2: 131 training spectra x 2151 wavelengths, four preprocessings x MinMaxScaler x y scaling
x ShuffleSplit(3) x PLS n_components 2..20 step 2 = 40 variants, refit of the best.

Run: ``python benchmarks/engine.py`` (add ``--repeat 5`` for more timings). Prints the best
time of each side and their ratio, measured in the same process.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import MinMaxScaler
from threadpoolctl import threadpool_limits

import nirs4all
from nirs4all.operators.transforms import MSC, SNV, FirstDerivative, SavitzkyGolay

PREPROCESSINGS = [SNV(), MSC(), SavitzkyGolay(), FirstDerivative()]
COMPONENTS = list(range(2, 21, 2))


def w2_dataset() -> nirs4all.data.SpectroDataset:
    """164 samples (131 train, 33 test) on 350..2500 nm step 1 (2151 wavelengths)."""
    return nirs4all.generate(164, wavelengths=(350, 2500, 1), test_fraction=0.2,
                             random_state=0)


def w2_pipeline() -> list:
    return [
        {"_or_": PREPROCESSINGS},
        MinMaxScaler(),
        {"y_processing": MinMaxScaler()},
        ShuffleSplit(3, test_size=0.25, random_state=0),
        {"model": PLSRegression, "_range_": [2, 20, 2], "param": "n_components"},
    ]


def hand_written(dataset: nirs4all.data.SpectroDataset) -> tuple[float, str]:
    """The same work with plain scikit-learn: returns the best CV RMSE and the winner."""
    X, y = dataset.x(), dataset.y
    train, test = dataset.partition == "train", dataset.partition == "test"
    X_train, y_train, X_test = X[train], y[train], X[test]
    folds = list(ShuffleSplit(3, test_size=0.25, random_state=0).split(X_train))
    best = (np.inf, None)
    for pre in PREPROCESSINGS:
        p = clone(pre).fit(X_train)
        Xt_train, Xt_test = p.transform(X_train), p.transform(X_test)
        scaler = MinMaxScaler().fit(Xt_train)
        Xs_train, Xs_test = scaler.transform(Xt_train), scaler.transform(Xt_test)
        y_scaler = MinMaxScaler().fit(y_train)
        ys = y_scaler.transform(y_train)
        for k in COMPONENTS:
            residuals = []
            for fit, val in folds:
                model = PLSRegression(k).fit(Xs_train[fit], ys[fit, 0])
                pred = y_scaler.inverse_transform(model.predict(Xs_train[val]).reshape(-1, 1))
                residuals.append(pred - y_train[val])
                model.predict(Xs_test)
            rmse = float(np.sqrt(np.mean(np.concatenate(residuals) ** 2)))
            if rmse < best[0]:
                best = (rmse, (pre, k))
    pre, k = best[1]
    p = clone(pre).fit(X_train)
    scaler = MinMaxScaler().fit(p.transform(X_train))
    y_scaler = MinMaxScaler().fit(y_train)
    final = PLSRegression(k).fit(scaler.transform(p.transform(X_train)),
                                 y_scaler.transform(y_train)[:, 0])
    final.predict(scaler.transform(p.transform(X_test)))
    return best[0], f"{type(pre).__name__} + PLS({k})"


def hand_written_best(dataset: nirs4all.data.SpectroDataset, repeat: int) -> tuple[float, float]:
    """The faster of the loop with the machine's BLAS threads and with one thread."""
    threaded = best_time(lambda: hand_written(dataset), repeat)
    with threadpool_limits(limits=1):
        single = best_time(lambda: hand_written(dataset), repeat)
    return min(threaded, single, key=lambda pair: pair[0])


def best_time(function, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def branch_memory(n_branches: int, dataset: nirs4all.data.SpectroDataset) -> int:
    """Peak bytes allocated by a run whose branch holds ``n_branches`` Ridge models.

    Ridge keeps one coefficient per wavelength, so what grows with the branches is the
    data each branch holds, not the size of the fitted models.
    """
    pipeline = [SNV(), SavitzkyGolay(), ShuffleSplit(3, test_size=0.25, random_state=0),
                {"branch": [[Ridge(alpha=10.0 ** (k % 8 - 4))] for k in range(n_branches)]}]
    tracemalloc.start()
    nirs4all.run(pipeline, dataset, random_state=0, verbose=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    dataset = w2_dataset()
    print(f"W2: {int((dataset.partition == 'train').sum())} train x {dataset.x().shape[1]} "
          f"wavelengths, 40 variants")
    loop_time, (loop_best, loop_winner) = hand_written_best(dataset, args.repeat)
    # in memory (workspace=None): persistence is measured by benchmarks/store.py
    run_time, result = best_time(
        lambda: nirs4all.run(w2_pipeline(), dataset, random_state=0, verbose=0,
                             workspace=None), args.repeat)
    print(f"hand-written loop     {loop_time:8.3f} s   best RMSECV {loop_best:.6f}  "
          f"{loop_winner}")
    print(f"nirs4all.run (n_jobs=1) {run_time:6.3f} s   best RMSECV {result.best_cv_score:.6f}  "
          f"{result.best.preprocessing} + {result.best.model_name}")
    print(f"ratio run / loop      {run_time / loop_time:8.2f}x   (target <= 0.5x)")
    print(f"fits: {result.stats['fits']} (the component sweep fits each preprocessing's "
          "largest PLS once per fold)")
    print(f"cache: {result.stats['cache_hits']} hits, "
          f"{result.stats['cache_bytes_saved'] / 1e6:.1f} MB not recomputed")
    one, sixteen = branch_memory(1, dataset), branch_memory(16, dataset)
    print(f"peak memory 1 branch  {one / 1e6:8.1f} MB")
    print(f"peak memory 16 branches {sixteen / 1e6:6.1f} MB   ratio {sixteen / one:.2f}x "
          "(target <= 1.3x)")


if __name__ == "__main__":
    main()
