"""Parallel sweep: the 150-variant sweep with ``n_jobs=1`` and ``n_jobs=2``.

The sweep: W2's data (131 training spectra x 2151 wavelengths), five preprocessings x
{MinMaxScaler, StandardScaler} x ShuffleSplit(3) x 15 Ridge penalties = 150 variants, refit
of the best, in memory. Ridge is not a nested component sweep, so every variant really
fits three models: the work scales with the number of variants.

Each repeat runs in a fresh interpreter (so "fresh workers" really start from nothing):
after one small run that imports the library in the calling process, it times
``n_jobs=1``, then ``n_jobs=2`` with fresh workers (their start and imports included),
then ``n_jobs=2`` again with the warm workers joblib keeps. It prints each repeat's times
and ratios, then the median and the spread of each ratio over the repeats (target <= 0.6x
on two cores), and fails if any run's predictions differ in one bit from ``n_jobs=1``.

Run alone, on a quiet machine: ``python benchmarks/parallel.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
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


def child() -> None:
    """One repeat: n_jobs=1, n_jobs=2 (fresh workers), n_jobs=2 (warm); prints JSON."""
    dataset = sweep_dataset()
    # Import everything in this process first: the first run must not pay for it.
    nirs4all.run([*sweep_pipeline()[:2], Ridge()], dataset, random_state=0, verbose=0,
                 workspace=None)
    times, prints = {}, {}
    for label, n_jobs in (("n_jobs=1", 1), ("n_jobs=2 fresh", 2), ("n_jobs=2 warm", 2)):
        times[label], result = timed_run(dataset, n_jobs)
        prints[label] = fingerprint(result)
    print(json.dumps({"times": times, "load": os.getloadavg()[0],
                      "identical": all(p == prints["n_jobs=1"] for p in prints.values()),
                      "best": f"{result.best.preprocessing} + {result.best.model_name}"}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    print(f"150-variant sweep, W2's data, {os.cpu_count()} cores; each repeat in a fresh "
          "interpreter")
    ratios: dict[str, list[float]] = {"n_jobs=2 fresh": [], "n_jobs=2 warm": []}
    for repeat in range(args.repeat):
        done = subprocess.run([sys.executable, __file__, "--child"],  # noqa: S603
                              capture_output=True, text=True, check=True)
        m = json.loads(done.stdout.strip().splitlines()[-1])
        if not m["identical"]:
            raise SystemExit("n_jobs=2 predictions differ from n_jobs=1")
        t = m["times"]
        for label in ratios:
            ratios[label].append(t[label] / t["n_jobs=1"])
        print(f"repeat {repeat + 1}: n_jobs=1 {t['n_jobs=1']:6.2f} s, n_jobs=2 fresh "
              f"{t['n_jobs=2 fresh']:6.2f} s ({ratios['n_jobs=2 fresh'][-1]:.2f}x), warm "
              f"{t['n_jobs=2 warm']:6.2f} s ({ratios['n_jobs=2 warm'][-1]:.2f}x), "
              f"identical predictions, best {m['best']}, load {m['load']:.1f}")
    for label, values in ratios.items():
        print(f"ratio {label} / n_jobs=1: median {statistics.median(values):.2f}x, "
              f"{min(values):.2f}-{max(values):.2f}x over {len(values)} (target <= 0.6x)")


if __name__ == "__main__":
    main()
