"""Scaling law: run time and peak memory against the number of training spectra.

- W1, one chain: SNV > SavitzkyGolay > KFold(5) > PLSRegression(10), refit, in memory;
  1x = 1,000 spectra x 500 wavelengths.
- W2, the 40-variant sweep of ``benchmarks/engine.py``; 1x = its 164 spectra x 2151.

Each size (1x, 2x, 5x, 10x rows) runs in a fresh interpreter (so peak RSS is that run's)
and prints the wall time, time / 1x time (target: 10x rows <= 12x time), peak RSS above the
interpreter's baseline after imports, and that as a multiple of the dataset's bytes (target
<= 3x plus the fitted models). The same run is then repeated under tracemalloc (not timed):
the traced peak counts every array the run allocated, the fitted models included, and the
models' own array bytes are printed beside it. ``--big`` runs W1 once on 50,000 x 2,000
(target: within the 24 GB machine).

Run alone: ``nice python benchmarks/scaling.py [--workloads W1 W2] [--big]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SIZES = (1, 2, 5, 10)
CHILD = """
import json, resource, sys, time
sys.path.insert(0, "benchmarks")
import numpy as np
import nirs4all
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from nirs4all.operators.transforms import SNV, SavitzkyGolay
import engine
workload, factor, memory = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"
if workload == "W1":
    n, axis = int(1000 * factor), (1000, 2497, 3)
    pipeline = [SNV(), SavitzkyGolay(), KFold(5), {"model": PLSRegression(10)}]
elif workload == "BIG":
    n, axis = 50_000, (500, 2499, 1)
    pipeline = [SNV(), SavitzkyGolay(), KFold(5), {"model": PLSRegression(10)}]
else:
    n, axis = int(164 * factor), (350, 2500, 1)
    pipeline = engine.w2_pipeline()
dataset = nirs4all.generate(n, wavelengths=axis, test_fraction=0.2, random_state=0)
dataset_bytes = sum(s.X.nbytes for s in dataset.sources)
nirs4all.run(pipeline[:1] + [PLSRegression(2)], nirs4all.generate(30, wavelengths=axis,
             random_state=1), random_state=0, verbose=0, workspace=None)  # imports, warm-up
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
result = nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=None)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
def array_bytes(obj):  # a fitted model, or a transform step's list of fitted operators
    if isinstance(obj, (list, tuple)):
        return sum(array_bytes(item) for item in obj)
    return sum(v.nbytes for v in getattr(obj, "__dict__", {}).values()
               if isinstance(v, np.ndarray))
models = sum(array_bytes(obj) for o in result.outcomes for obj in o.artifacts.values())
traced = None
if memory:  # the same run again, every allocation traced (slower: not timed)
    import tracemalloc
    tracemalloc.start()
    nirs4all.run(pipeline, dataset, random_state=0, verbose=0, workspace=None)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
print(json.dumps({"n": n, "p": dataset.sources[0].n_features, "seconds": seconds,
                  "dataset_bytes": dataset_bytes, "peak_bytes": peak,
                  "base_bytes": base, "model_bytes": models, "traced_peak": traced}))
"""


def measure(workload: str, factor: float, memory: bool = True) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, workload, str(factor),  # noqa: S603
                           "1" if memory else "0"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(workload: str) -> None:
    first = None
    print(f"{workload}: rows x wavelengths, seconds, time / 1x, peak RSS, (peak RSS - base) / "
          "data, traced peak / data, fitted models / data")
    for factor in SIZES:
        m = measure(workload, factor)
        first = first or m["seconds"]
        grown = m["peak_bytes"] - m["base_bytes"]
        data = m["dataset_bytes"]
        print(f"  {factor:>3}x {m['n']:>7} x {m['p']:<5} {m['seconds']:8.2f} s "
              f"{m['seconds'] / first:6.2f}x  peak {m['peak_bytes'] / 1e9:6.2f} GB  "
              f"RSS {grown / data:5.2f}x  traced {m['traced_peak'] / data:5.2f}x  "
              f"models {m['model_bytes'] / data:5.2f}x the data ({data / 1e6:.0f} MB)")
    print("  target: 10x rows <= 12x time; peak - base <= 3x the data plus the models")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="*", default=["W1", "W2"])
    parser.add_argument("--big", action="store_true", help="W1 on 50,000 x 2,000 once")
    args = parser.parse_args()
    for workload in args.workloads:
        report(workload)
    if args.big:
        start = time.perf_counter()
        m = measure("BIG", 1, memory=False)
        print(f"W1 on {m['n']} x {m['p']}: {m['seconds']:.1f} s, peak RSS "
              f"{m['peak_bytes'] / 1e9:.2f} GB (data {m['dataset_bytes'] / 1e9:.2f} GB; "
              f"whole child {time.perf_counter() - start:.0f} s)")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")


if __name__ == "__main__":
    main()
