"""Time the Kennard-Stone and SPXY splitters on spectra-sized data.

Run with ``python benchmarks/splitters.py``. Each case runs ``--repeats`` times; the best
and the median wall-clock times are printed (the best is the least disturbed by other
processes on a shared machine). "random" data are i.i.d. normal values, "spectra" are
smooth overlapping bands, as in NIR data. The "rows on demand" case forces the path used
when the distance matrix exceeds the memory limit (more than about 5,800 samples).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from nirs4all.operators.splitters import SPXY, KennardStone, _maxmin


def random_data(n_samples: int, n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_samples, n_features)), rng.normal(size=n_samples)


def spectra_data(n_samples: int, n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Eight Gaussian bands with random log-normal heights, a little noise, and a target."""
    rng = np.random.default_rng(seed)
    axis = np.linspace(0.0, 1.0, n_features)
    centres = rng.uniform(0.1, 0.9, size=8)
    bands = np.exp(-(((axis[None, :] - centres[:, None]) / 0.05) ** 2))
    heights = rng.lognormal(size=(n_samples, 8))
    X = heights @ bands + rng.normal(scale=1e-3, size=(n_samples, n_features))
    return X, heights[:, 0] + 0.1 * rng.normal(size=n_samples)


def best_and_median(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings), statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description="Time KennardStone and SPXY.")
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    dense_limit = _maxmin._DENSE_BYTES
    cases = [
        ("KennardStone", 5000, dense_limit, lambda X, y: next(KennardStone(0.25).split(X))),
        ("KennardStone", 5000, 0, lambda X, y: next(KennardStone(0.25).split(X))),
        ("SPXY", 2000, dense_limit, lambda X, y: next(SPXY(0.25).split(X, y))),
    ]
    print(f"{'case (500 wavelengths)':<46}{'best (s)':>10}{'median (s)':>12}")
    for name, n_samples, limit, split in cases:
        for kind, make_data in (("random", random_data), ("spectra", spectra_data)):
            X, y = make_data(n_samples, 500, seed=0)
            _maxmin._DENSE_BYTES = limit
            try:
                best, median = best_and_median(lambda X=X, y=y, split=split: split(X, y), repeats)
            finally:
                _maxmin._DENSE_BYTES = dense_limit
            path = "dense matrix" if limit else "rows on demand"
            label = f"{name} n={n_samples} {kind}, {path}"
            print(f"{label:<46}{best:>10.3f}{median:>12.3f}")


if __name__ == "__main__":
    main()
