"""Parallel sweep: the 150-variant sweep with ``n_jobs=1`` and ``n_jobs=2``.

The sweep: W2's data (131 training spectra x 2151 wavelengths), five preprocessings x
{MinMaxScaler, StandardScaler} x ShuffleSplit(3) x 15 Ridge penalties = 150 variants, refit
of the best, in memory. Ridge is not a nested component sweep, so every variant really
fits three models: the work scales with the number of variants.

Prints each wall time, the ratio n_jobs=2 / n_jobs=1 (target <= 0.6x on two cores), and
whether both runs gave bit-identical predictions. The progress probe records when each
variant's outcome reached the coordinator (the first and the median arrival).

Run alone: ``nice python benchmarks/parallel.py [--jobs 1 2] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import nirs4all
from nirs4all.operators.transforms import MSC, SNV, Detrend, FirstDerivative, SavitzkyGolay

ALPHAS = [float(a) for a in np.logspace(-4, 3, 15)]


def sweep_dataset() -> nirs4all.data.SpectroDataset:
    """164 samples (131 train, 33 test) on 350..2500 nm step 1 (W2's data)."""
    return nirs4all.generate(164, wavelengths=(350, 2500, 1), test_fraction=0.2,
                             random_state=0)


def sweep_pipeline() -> list:
    """150 variants: 5 preprocessings x 2 scalers x 15 Ridge alphas."""
    return [
        {"_or_": [SNV(), MSC(), SavitzkyGolay(), FirstDerivative(), Detrend()]},
        {"_or_": [MinMaxScaler(), StandardScaler()]},
        ShuffleSplit(3, test_size=0.25, random_state=0),
        {"model": Ridge, "param": "alpha", "_or_": ALPHAS},
    ]


def timed_run(dataset: nirs4all.data.SpectroDataset, n_jobs: int) -> tuple[float, object]:
    start = time.perf_counter()
    result = nirs4all.run(sweep_pipeline(), dataset, random_state=0, verbose=0,
                          workspace=None, n_jobs=n_jobs)
    return time.perf_counter() - start, result


def fingerprint(result: object) -> list[tuple]:
    """Every prediction's key with its arrays' bytes, in a stable order."""
    rows = []
    for p in (p for o in result.outcomes for p in o.predictions):  # type: ignore[attr-defined]
        rows.append((p.chain_id, p.fold_id, p.partition, np.asarray(p.y_pred).tobytes()))
    return sorted(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 2])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    dataset = sweep_dataset()
    # Import everything in this process first: the first run must not pay for it.
    nirs4all.run([*sweep_pipeline()[:2], Ridge()], dataset, random_state=0, verbose=0,
                 workspace=None)
    print(f"150-variant sweep, {os.cpu_count()} cores, "
          f"{int((dataset.partition == 'train').sum())} train x {dataset.x().shape[1]}")
    times, prints = {}, {}
    # n_jobs=2 twice: with fresh workers (their start and imports), then with the warm ones
    # joblib keeps for the next run.
    cases = [(f"n_jobs={n}" + (" (warm workers)" if n in args.jobs[:i] else ""), n)
             for i, n in enumerate(args.jobs)]
    for label, n_jobs in cases:
        best = None
        for _ in range(args.repeat):
            elapsed, result = timed_run(dataset, n_jobs)
            best = elapsed if best is None else min(best, elapsed)
        times[label], prints[label] = best, fingerprint(result)
        print(f"{label:<28} {best:7.3f} s  ({result.stats['variants']} variants, "
              f"{result.stats['fits']} fits, best {result.best.preprocessing} + "
              f"{result.best.model_name})")
    first = cases[0][0]
    for label, _ in cases[1:]:
        print(f"ratio {label} / {first}: {times[label] / times[first]:.2f}x "
              f"(target <= 0.6x)  identical predictions: {prints[label] == prints[first]}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

if __name__ == "__main__":
    main()
