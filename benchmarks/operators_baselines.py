"""Time the pybaselines and wavelet transforms against plain per-spectrum library calls.

Each row times ``fit_transform(X, wavelengths=w)`` of one transform and the loop a user would
write without it: one ``pybaselines.Baseline(x_data=w)`` fitter reused for every spectrum
(the fastest plain use of pybaselines), or ``pywt`` called on one spectrum at a time. The
two run alternately, best of ``--repeat`` runs each. The ratio is ours / plain: below 1 is
faster than the loop. The iterative baselines are timed on ``--slow-rows`` spectra (BEADS on
``--beads-rows``) and the window baselines on ``--window-rows`` (pybaselines solves one
spectrum per call, so the time is linear in the number of spectra); the wavelets on all
rows.

    python benchmarks/operators_baselines.py            # 10,000 x 2,000 (fewer for baselines)
    python benchmarks/operators_baselines.py --quick    # 500 x 500
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pybaselines
import pywt
from pybaselines import Baseline
from scipy.signal import resample

from nirs4all.operators.transforms._pybaselines import IASLS, AirPLS, ArPLS
from nirs4all.operators.transforms._pybaselines_peaks import (
    BEADS,
    SNIP,
    IModPoly,
    ModPoly,
    RollingBall,
)
from nirs4all.operators.transforms._wavelets import Wavelet, WaveletDenoise, WaveletFeatures


def make_spectra(n_rows: int, n_cols: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Smooth bands on a curved baseline, plus noise, on a 1000-2500 nm axis."""
    rng = np.random.default_rng(seed)
    axis = np.linspace(1000.0, 2500.0, n_cols)
    t = (axis - axis.mean()) / np.ptp(axis)
    centres = rng.uniform(1100.0, 2400.0, size=8)
    bands = np.exp(-0.5 * ((axis[None, :] - centres[:, None]) / 25.0) ** 2)
    X = rng.uniform(0.1, 1.0, size=(n_rows, 8)) @ bands
    X += 0.3 + rng.normal(0, 0.1, (n_rows, 1)) * t + rng.normal(0, 0.1, (n_rows, 1)) * t**2
    return X + rng.normal(0, 1e-3, X.shape), axis


def pybaselines_loop(method: str, params: dict[str, Any]) -> Callable:
    def run(X: np.ndarray, axis: np.ndarray) -> np.ndarray:
        fitter = Baseline(x_data=axis)
        return np.array([x - getattr(fitter, method)(x, **params)[0] for x in X])

    return run


def dwt_loop(X: np.ndarray, axis: np.ndarray) -> np.ndarray:
    return np.array([resample(pywt.dwt(x, "haar", mode="periodization")[1], x.size) for x in X])


def denoise_loop(X: np.ndarray, axis: np.ndarray) -> np.ndarray:
    out = []
    for x in X:
        coeffs = pywt.wavedec(x, "db4", mode="symmetric")
        t = np.median(np.abs(coeffs[-1])) / 0.6745 * np.sqrt(2 * np.log(x.size))
        kept = [coeffs[0]] + [pywt.threshold(c, t, mode="soft") for c in coeffs[1:]]
        out.append(pywt.waverec(kept, "db4", mode="symmetric")[: x.size])
    return np.array(out)


def features_loop(X: np.ndarray, axis: np.ndarray) -> np.ndarray:
    rows = []
    for x in X:
        row = []
        for c in pywt.wavedec(x, "db4", level=5):
            e = float(np.sum(c * c))
            p = c * c / e if e > 0 else np.zeros_like(c)
            top = np.sort(np.abs(c))[::-1][:10]
            row += [c.mean(), c.std(), e, -np.sum(p[p > 0] * np.log(p[p > 0])), *top]
        rows.append(row)
    return np.array(rows)


SLOW = [
    ("AirPLS", AirPLS(), pybaselines_loop("airpls", {"lam": 1e6, "max_iter": 50, "tol": 1e-3})),
    ("ArPLS", ArPLS(), pybaselines_loop("arpls", {"lam": 1e6, "max_iter": 50, "tol": 1e-3})),
    ("IASLS", IASLS(), pybaselines_loop("iasls", {"lam": 1e6, "p": 0.01, "lam_1": 1e-4})),
    ("ModPoly", ModPoly(), pybaselines_loop("modpoly", {"poly_order": 5, "max_iter": 250})),
    ("IModPoly", IModPoly(), pybaselines_loop("imodpoly", {"poly_order": 5, "max_iter": 250})),
]
SLOWEST = [("BEADS", BEADS(), pybaselines_loop("beads", {}))]
WINDOW = [
    ("SNIP", SNIP(), pybaselines_loop("snip", {"max_half_window": 40, "decreasing": True})),
    ("RollingBall", RollingBall(), pybaselines_loop("rolling_ball", {"half_window": 50})),
]
WAVELETS = [
    ("Wavelet(haar)", Wavelet(), dwt_loop),
    ("WaveletDenoise", WaveletDenoise(), denoise_loop),
    ("WaveletFeatures", WaveletFeatures(), features_loop),
]


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Shortest wall time of ``repeat`` calls of ``fn``, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--cols", type=int, default=2_000)
    parser.add_argument("--slow-rows", type=int, default=200)
    parser.add_argument("--beads-rows", type=int, default=50)
    parser.add_argument("--window-rows", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.cols, args.slow_rows, args.window_rows = 500, 500, 50, 200
        args.beads_rows = 20
    X, axis = make_spectra(args.rows, args.cols)
    print(
        f"python {platform.python_version()}, pybaselines {pybaselines.__version__}, "
        f"pywt {pywt.__version__}; spectra x {args.cols} wavelengths"
    )
    print(f"{'operator':<17}{'rows':>7}{'ours s':>10}{'plain s':>10}{'ratio':>8}{'max |diff|':>12}")
    groups = [
        (SLOW, args.slow_rows),
        (SLOWEST, args.beads_rows),
        (WINDOW, args.window_rows),
        (WAVELETS, args.rows),
    ]
    for entries, n_rows in groups:
        block = X[:n_rows]
        for name, transform, plain in entries:
            # One untimed call each first: pybaselines and pywt set up caches on first use.
            transform.fit_transform(block[:2], wavelengths=axis)
            plain(block[:2], axis)
            ours_t, ours = best_of(
                lambda t=transform, b=block: t.fit_transform(b, wavelengths=axis), args.repeat
            )
            plain_t, reference = best_of(lambda p=plain, b=block: p(b, axis), args.repeat)
            diff = float(np.max(np.abs(ours - reference)))
            print(
                f"{name:<17}{n_rows:>7}{ours_t:>10.3f}{plain_t:>10.3f}"
                f"{ours_t / plain_t:>8.2f}{diff:>12.1e}"
            )


if __name__ == "__main__":
    main()
