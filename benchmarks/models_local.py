"""Time the local, robust, recursive, sparse and interval PLS models against sklearn's PLS.

Each row times ``fit`` (or ``predict``) of one model of :mod:`nirs4all.operators.models` on
1,000 x 2,000 float64 synthetic spectra and the same call of scikit-learn's
``PLSRegression(scale=False)`` with as many components (best of ``--repeat`` runs each, the
two run alternately). The ratio is ours / sklearn. What each row costs by design:

- ``LWPLS.predict`` fits one weighted PLS per query: it is timed on 100 queries, and its
  reference is 100 sklearn ``fit`` calls on the training set (one model per query), not a
  ``predict``;
- ``RobustPLS.fit`` makes ``n_iter_`` weighted fits (printed);
- ``RecursivePLS.partial_fit`` of 100 new samples is compared with an sklearn refit on all
  1,100 samples, which is what a batch model needs for the same update;
- ``IntervalPLS.fit`` cross-validates a PLS on every candidate set of intervals.

    python benchmarks/models_local.py             # 1,000 x 2,000, 10 components
    python benchmarks/models_local.py --quick     # 300 x 500
"""

from __future__ import annotations

import argparse
import os
import platform
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import scipy
import sklearn
from operators import best_times, make_spectra
from sklearn.cross_decomposition import PLSRegression

from nirs4all.operators.models._interval_pls import IntervalPLS
from nirs4all.operators.models._lwpls import LWPLS
from nirs4all.operators.models._recursive_pls import RecursivePLS
from nirs4all.operators.models._robust_pls import RobustPLS
from nirs4all.operators.models._sparse_pls import SparsePLS


def _repeated(function: Callable[[], Any], times: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(times):
            function()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 x 500 spectra")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best kept)")
    parser.add_argument("--components", type=int, default=10)
    args = parser.parse_args()
    n_samples, n_features = (300, 500) if args.quick else (1_000, 2_000)
    n_queries, n_new = 100, 100
    X_all, _, y_all = make_spectra(n_samples + n_new, n_features)
    X, y, X_new, y_new = X_all[:n_samples], y_all[:n_samples], X_all[n_samples:], y_all[n_samples:]
    k = args.components
    reference = PLSRegression(k, scale=False)
    reference_fit = partial(reference.fit, X, y)
    reference_fit()

    print(
        f"{n_samples} x {n_features} float64 spectra, {k} components; numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}; Python "
        f"{platform.python_version()}; {os.cpu_count()} cores; {platform.machine()}"
    )
    print()
    print("| model | call | ours (s) | sklearn PLSRegression (s) | ratio |")
    print("|---|---|---:|---:|---:|")

    def row(name: str, call: str, ours: Callable, theirs: Callable, repeat: int) -> None:
        mine, other = best_times(ours, theirs, repeat)
        print(f"| {name} | {call} | {mine:.3f} | {other:.3f} | {mine / other:.2f} |")

    robust = RobustPLS(k)
    models: list[tuple[str, Any]] = [
        ("LWPLS", LWPLS(k)),
        ("RobustPLS(huber)", robust),
        ("RecursivePLS", RecursivePLS(k)),
        ("SparsePLS(alpha=0.5)", SparsePLS(k)),
        ("IntervalPLS(single, 20 intervals)", IntervalPLS(k, n_intervals=20)),
        ("IntervalPLS(forward, 10, max 3)", IntervalPLS(k, mode="forward", max_intervals=3)),
    ]
    for name, model in models:
        row(name, "fit", partial(model.fit, X, y), reference_fit, args.repeat)
        if name != "LWPLS":  # its predict is per query: timed below
            predict = partial(model.predict, X)
            row(name, "predict", predict, partial(reference.predict, X), args.repeat)
    print(f"\nRobustPLS made {robust.n_iter_} weighted fits.")

    lwpls = models[0][1]
    queries = X_new[:n_queries]
    row(
        "LWPLS",
        f"predict {n_queries} queries vs {n_queries} sklearn fits",
        partial(lwpls.predict, queries),
        _repeated(reference_fit, n_queries),
        1,
    )
    recursive = RecursivePLS(k, forgetting_factor=0.99)

    def update() -> None:
        recursive.fit(X, y)
        recursive.partial_fit(X_new, y_new)

    def refit_all() -> None:
        reference_fit()
        PLSRegression(k, scale=False).fit(X_all, y_all)

    call = f"fit + partial_fit({n_new}) vs fit + refit"
    row("RecursivePLS", call, update, refit_all, args.repeat)


if __name__ == "__main__":
    main()
