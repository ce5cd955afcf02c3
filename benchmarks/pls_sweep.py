"""PLS component sweep A = 1..20, 10-fold KFold, 1,000 x 700 spectra: ``run()`` vs ikpls.

Three timings on the same data and folds, all centring without scaling (``scale=False``;
ikpls ``scale_X=scale_Y=False``), so the RMSECV must agree:

- ``ikpls`` fast partition-based CV (Engstrøm & Jensen): Gram matrices of the whole
  training set minus each validation part, all 20 component counts from one pass per fold;
- ``nirs4all.run`` in memory (``workspace=None``) without refit: 20 variants, grouped by the
  engine into one sweep (one IKPLS fit of 20 components per fold, truncated per variant);
- ``nirs4all.run`` with the refit of the best and the default persistence (a temporary
  workspace).

Run: ``python benchmarks/pls_sweep.py`` (``--repeat N`` for the best of N). Prints the best
time of each and the ratios, measured in the same process.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable

import numpy as np
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

import nirs4all
from nirs4all.operators.models import IKPLS

N_COMPONENTS = 20
N_FOLDS = 10


def dataset() -> nirs4all.data.SpectroDataset:
    """1,000 training spectra on 1000..2398 nm step 2 (700 wavelengths), no test rows."""
    return nirs4all.generate(1000, wavelengths=(1000, 2398, 2), test_fraction=0.0,
                             random_state=0)


def pipeline() -> list:
    return [KFold(N_FOLDS, shuffle=True, random_state=0),
            {"model": IKPLS(scale=False), "_range_": [1, N_COMPONENTS],
             "param": "n_components"}]


def ikpls_fast_cv(data: nirs4all.data.SpectroDataset) -> np.ndarray:
    """RMSECV per number of components (A,), from ikpls' fast partition-based CV."""
    from ikpls.fast_cross_validation.numpy import PLS as FastCV  # benchmark-only dependency

    X, y = data.x(), data.y.reshape(-1, 1).astype(np.float64)
    folds = np.empty(X.shape[0], dtype=np.int64)
    for i, (_, val) in enumerate(KFold(N_FOLDS, shuffle=True, random_state=0).split(X)):
        folds[val] = i

    def sse(y_val: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        return ((y_pred - y_val[None]) ** 2).sum(axis=(1, 2))

    model = FastCV(algorithm=1, center_X=True, center_Y=True, scale_X=False, scale_Y=False)
    per_fold = model.cross_validate(X, y, N_COMPONENTS, folds, sse, n_jobs=1, verbose=0)
    return np.sqrt(np.sum(list(per_fold.values()), axis=0) / X.shape[0])


def run_rmsecv(result: nirs4all.RunResult) -> np.ndarray:
    """RMSECV per number of components, from the run's chains."""
    by_size = {}
    for outcome in result.outcomes:
        size = dict(outcome.choices)["steps[1].model.n_components"]
        by_size[size] = outcome.chains[0].cv_score
    return np.array([by_size[a] for a in range(1, N_COMPONENTS + 1)])


def best_time(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = dataset()
    print(f"{data.x().shape[0]} x {data.x().shape[1]} spectra, A = 1..{N_COMPONENTS}, "
          f"{N_FOLDS}-fold KFold")
    # the faster of the machine's BLAS threads and one thread (oversubscribed cores make
    # threaded BLAS slower; run() always uses one BLAS thread)
    fast_time, fast = best_time(lambda: ikpls_fast_cv(data), args.repeat)
    with threadpool_limits(limits=1):
        fast_time = min(fast_time, best_time(lambda: ikpls_fast_cv(data), args.repeat)[0])
    memory_time, memory = best_time(
        lambda: nirs4all.run(pipeline(), data, random_state=0, verbose=0, refit=False,
                             workspace=None), args.repeat)

    def persisted() -> nirs4all.RunResult:
        with tempfile.TemporaryDirectory() as folder:
            return nirs4all.run(pipeline(), data, random_state=0, verbose=0, workspace=folder)

    stored_time, stored = best_time(persisted, args.repeat)
    # the same run with one fit per variant and fold, as before the sweep existed
    from nirs4all.pipeline import runner

    planner, runner.sweep_plan = runner.sweep_plan, lambda variants: {}
    try:
        separate_time, separate = best_time(
            lambda: nirs4all.run(pipeline(), data, random_state=0, verbose=0, refit=False,
                                 workspace=None), 1)
    finally:
        runner.sweep_plan = planner
    gap = np.max(np.abs(run_rmsecv(memory) - fast))
    print(f"ikpls fast CV                       {fast_time:7.3f} s")
    print(f"run() in memory, refit=False        {memory_time:7.3f} s   "
          f"{memory_time / fast_time:6.1f}x ikpls (target <= 2x)")
    print(f"run() refit + default persistence   {stored_time:7.3f} s   "
          f"{stored_time / fast_time:6.1f}x ikpls (target <= 3x)")
    print(f"run() in memory, one fit per variant {separate_time:6.3f} s   "
          f"{separate_time / fast_time:6.1f}x ikpls ({separate.stats['fits']} fits)")
    print(f"max |RMSECV run - RMSECV ikpls| = {gap:.2e} over A = 1..{N_COMPONENTS}; "
          f"best A: run {int(np.argmin(run_rmsecv(memory))) + 1}, "
          f"ikpls {int(np.argmin(fast)) + 1}; fits in memory: {memory.stats['fits']}, "
          f"persisted best {stored.best_score:.6f}")


if __name__ == "__main__":
    main()
