"""Fine-tuning: 50 Optuna trials of PLS ``n_components`` x SNV/MSC on 131 x 2151 spectra.

Three measurements on the same data and the same 5 folds (KFold, shuffled, seed 0), PLS
``scale=False`` and ``n_components`` in 1..30:

- ``nirs4all.run`` in memory (``workspace=None``, no refit): ``{"_or_": [SNV, MSC]}`` then a
  model step with ``finetune_params`` (25 TPE trials per preprocessing, 50 in all); and the
  same run into a new workspace, which writes each trial as it completes (the difference,
  per trial, bounds what that costs: it also holds creating the store and writing passes);
- the same trials written directly with Optuna and scikit-learn: each preprocessing fitted
  once on the training rows (as the pipeline does before its splitter), then one study of
  25 trials per preprocessing scoring the pooled RMSECV of ``PLSRegression`` on the folds.
  The trials are the run's (``enqueue_trial`` with its parameters, in its order), so both
  fit the same models: a PLS fit costs in proportion to its components, and two samplers
  drawing different counts would time different work. A TPE study of its own (seed 0) is
  run too, for its best score;
- the exhaustive grid: every ``n_components`` x preprocessing (60 variants) with
  ``nirs4all.run``, whose best RMSECV the searches are compared with.

Run: ``python benchmarks/finetune.py`` (``--repeat N`` for the best of N). Prints the times,
the ratio run / direct (target <= 1.3) and the best scores.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import optuna
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

import nirs4all
from nirs4all.operators.transforms import MSC, SNV

N_TRIALS = 25  # per preprocessing: 50 in all
HIGH = 30


def dataset() -> nirs4all.data.SpectroDataset:
    """131 spectra on 350..2500 nm step 1 (2151 wavelengths), all training rows."""
    return nirs4all.generate(131, wavelengths=(350, 2500, 1), test_fraction=0.0,
                             random_state=0)


def _folds() -> KFold:
    return KFold(5, shuffle=True, random_state=0)


def with_run(data: nirs4all.data.SpectroDataset, workspace: Path | None = None,
             ) -> tuple[float, float, dict[str, list]]:
    step = {"model": PLSRegression(scale=False), "finetune_params": {
        "n_trials": N_TRIALS, "sampler": "tpe",
        "model_params": {"n_components": [1, HIGH]}}}
    start = time.perf_counter()
    result = nirs4all.run([{"_or_": [SNV(), MSC()]}, _folds(), step], data, random_state=0,
                          refit=False, verbose=0, workspace=workspace)
    seconds = time.perf_counter() - start
    trials = {("SNV" if "SNV" in o.name else "MSC"): [dict(t.params) for t in o.trials]
              for o in result.outcomes}
    return seconds, result.best.cv_score, trials


def direct(data: nirs4all.data.SpectroDataset,
           enqueued: dict[str, list] | None) -> tuple[float, float]:
    """``enqueued``: the parameters of every trial per preprocessing (None: TPE's own)."""
    X, y = data.sources[0].X, np.asarray(data.y, dtype=np.float64).ravel()
    start = time.perf_counter()
    best = np.inf
    for name, prep in (("SNV", SNV()), ("MSC", MSC())):
        Xp = prep.fit(X).transform(X)
        folds = list(_folds().split(Xp))

        def objective(trial: optuna.Trial, Xp: np.ndarray = Xp, folds: list = folds) -> float:
            n = trial.suggest_int("n_components", 1, HIGH)
            pred = np.empty_like(y)
            for fit, val in folds:
                model = PLSRegression(n, scale=False).fit(Xp[fit], y[fit])
                pred[val] = model.predict(Xp[val]).ravel()
            return float(np.sqrt(np.mean((pred - y) ** 2)))

        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
        for params in (enqueued or {}).get(name, []):
            study.enqueue_trial(params)
        study.optimize(objective, n_trials=N_TRIALS)
        best = min(best, study.best_value)
    return time.perf_counter() - start, best


def grid(data: nirs4all.data.SpectroDataset) -> tuple[float, float]:
    model = {"model": PLSRegression(scale=False), "_range_": [1, HIGH],
             "param": "n_components"}
    start = time.perf_counter()
    result = nirs4all.run([{"_or_": [SNV(), MSC()]}, _folds(), model], data, random_state=0,
                          refit=False, verbose=0, workspace=None)
    return time.perf_counter() - start, result.best.cv_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    optuna.logging.set_verbosity(logging.WARNING)  # a script: its own process
    data = dataset()
    timings: dict[str, list[float]] = {"run": [], "stored": [], "direct": [], "tpe": [],
                                       "grid": []}
    scores: dict[str, float] = {}
    with threadpool_limits(limits=1):
        for _ in range(args.repeat):
            seconds, scores["run"], trials = with_run(data)
            timings["run"].append(seconds)
            with tempfile.TemporaryDirectory() as folder:  # a new store each time
                stored = with_run(data, Path(folder) / "ws")
            if stored[2] != trials:
                raise RuntimeError("the run with a workspace drew other trials")
            timings["stored"].append(stored[0])
            scores["stored"] = stored[1]
            for name, measured in (("direct", direct(data, trials)),
                                   ("tpe", direct(data, None)), ("grid", grid(data))):
                timings[name].append(measured[0])
                scores[name] = measured[1]
    best = {name: min(values) for name, values in timings.items()}
    print(f"data: {data.n_samples} x {data.sources[0].X.shape[1]}, 5 folds, "
          f"{2 * N_TRIALS} trials, one BLAS thread")
    labels = {"run": "nirs4all.run", "stored": "run, workspace",
              "direct": "direct, same trials",
              "tpe": "direct, own TPE", "grid": "grid, 60 variants"}
    for name, label in labels.items():
        print(f"{label:>20}: {best[name]:8.2f} s   best RMSECV {scores[name]:.6f}")
    print(f"ratio run / direct (same trials): {best['run'] / best['direct']:.2f} "
          "(target <= 1.3)")
    print(f"workspace (each trial written as it completes) / in memory: "
          f"{best['stored'] / best['run']:.2f}, at most "
          f"{(best['stored'] - best['run']) / (2 * N_TRIALS) * 1000:.1f} ms per trial")
    print(f"best RMSECV run / grid: {scores['run'] / scores['grid']:.4f}, "
          f"own TPE / grid: {scores['tpe'] / scores['grid']:.4f}")


if __name__ == "__main__":
    main()
