"""Time every spectral transform against a plain numpy/scipy equivalent.

Each row times ``fit_transform(X, y, wavelengths=w)`` of one operator of
:mod:`nirs4all.operators.transforms` and the same computation written directly with numpy or
scipy, without validation or the wavelength protocol (best of ``--repeat`` runs each, the two
run alternately). The ratio is ours / plain: above 1 is the price of the estimator wrapper.

    python benchmarks/operators.py            # 10,000 spectra x 2,000 wavelengths
    python benchmarks/operators.py --quick    # 1,000 x 500

For ASLSBaseline the plain equivalent is the per-spectrum sparse solve of Eilers & Boelens
(2005); it is timed on the first ``--asls-rows`` spectra only and scaled linearly to all
rows (marked ``*`` in the table).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import scipy
import sklearn
from scipy import sparse
from scipy.interpolate import CubicSpline, make_interp_spline
from scipy.ndimage import gaussian_filter1d, uniform_filter1d
from scipy.signal import detrend, savgol_filter
from scipy.sparse.linalg import spsolve, svds

from nirs4all.operators import transforms as T

Plain = Callable[[np.ndarray, np.ndarray, np.ndarray], Any]


def make_spectra(
    n_samples: int, n_features: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Smooth synthetic absorbance spectra with scatter, baseline and noise, and a target."""
    rng = np.random.default_rng(seed)
    wavelengths = np.linspace(1000.0, 2500.0, n_features)
    centres = rng.uniform(1100, 2400, size=8)
    bands = np.exp(-0.5 * ((wavelengths[None, :] - centres[:, None]) / 40.0) ** 2)
    amounts = rng.uniform(0.1, 1.0, size=(n_samples, centres.size))
    pure = amounts @ bands
    scale = rng.uniform(0.8, 1.2, size=(n_samples, 1))
    offset = rng.uniform(0.0, 0.3, size=(n_samples, 1))
    slope = rng.uniform(-1e-4, 1e-4, size=(n_samples, 1)) * (wavelengths - 1750.0)
    X = 0.2 + offset + slope + scale * pure + rng.normal(0, 1e-3, size=pure.shape)
    return X, wavelengths, amounts[:, 0]


def _plain_msc(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones(X.shape[1]), X.mean(axis=0)])
    coef = np.linalg.lstsq(design, X.T, rcond=None)[0]
    return (X - coef[0][:, None]) / coef[1][:, None]


def _plain_emsc(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    s = 2 * (w - w.min()) / (w.max() - w.min()) - 1
    design = np.column_stack([X.mean(axis=0), np.ones_like(s), s, s**2])
    coef = np.linalg.lstsq(design, X.T, rcond=None)[0]
    return (X - (design[:, 1:] @ coef[1:]).T) / coef[0][:, None]


def _plain_robust_snv(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    centered = X - np.median(X, axis=1, keepdims=True)
    return centered / (1.4826 * np.median(np.abs(centered), axis=1, keepdims=True))


def _plain_norris_williams(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    smoothed = np.pad(uniform_filter1d(X, 5, axis=1, mode="nearest"), ((0, 0), (5, 5)), "edge")
    return (smoothed[:, 10:] - smoothed[:, :-10]) / (10 * (w[1] - w[0]))


def _plain_asls(X: np.ndarray, lam: float = 1e6, p: float = 0.01, n_iter: int = 10) -> None:
    n = X.shape[1]
    second = sparse.diags_array([1.0, -2.0, 1.0], offsets=[0, -1, -2], shape=(n, n - 2))
    penalty = lam * (second @ second.T)
    for x in X:
        weights = np.ones(n)
        for _ in range(n_iter):
            system = sparse.csc_array(sparse.diags_array(weights) + penalty)
            z = spsolve(system, weights * x)
            weights = np.where(x > z, p, 1 - p)


def _plain_osc(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    centered = X - X.mean(axis=0)
    v = centered.T @ (y - y.mean())
    orthogonal = centered - np.outer(centered @ v, v) / (v @ v)
    weight = svds(orthogonal, k=1, random_state=0)[2][0]
    scores = centered @ weight
    return X - np.outer(scores, centered.T @ scores / (scores @ scores))


def cases(w: np.ndarray) -> list[tuple[str, Any, Plain]]:
    """The operators and their plain equivalents."""
    step = w[1] - w[0]
    target = np.linspace(w[0] + 0.25 * step, w[-1] - 0.25 * step, int(0.75 * w.size))
    crop = (w >= 1200) & (w <= 2200)
    return [
        (
            "SNV",
            T.SNV(),
            lambda X, w, y: (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True),
        ),
        ("RobustSNV", T.RobustSNV(), _plain_robust_snv),
        ("MSC", T.MSC(), _plain_msc),
        ("EMSC(order=2)", T.EMSC(), _plain_emsc),
        ("SavitzkyGolay(11,2)", T.SavitzkyGolay(), lambda X, w, y: savgol_filter(X, 11, 2)),
        (
            "SavitzkyGolay(11,2,deriv=1)",
            T.SavitzkyGolay(deriv=1),
            lambda X, w, y: savgol_filter(X, 11, 2, deriv=1, delta=step),
        ),
        ("FirstDerivative", T.FirstDerivative(), lambda X, w, y: np.gradient(X, w, axis=1)),
        (
            "SecondDerivative",
            T.SecondDerivative(),
            lambda X, w, y: np.gradient(np.gradient(X, w, axis=1), w, axis=1),
        ),
        ("NorrisWilliams(5,5)", T.NorrisWilliams(), _plain_norris_williams),
        ("Gaussian(sigma=1)", T.Gaussian(), lambda X, w, y: gaussian_filter1d(X, 1.0, axis=1)),
        ("Detrend(order=1)", T.Detrend(), lambda X, w, y: detrend(X, axis=1)),
        ("ASLSBaseline", T.ASLSBaseline(), lambda X, w, y: None),
        ("BaselineOffset", T.BaselineOffset(), lambda X, w, y: X - X.min(axis=1, keepdims=True)),
        (
            "Normalize(vector)",
            T.Normalize(),
            lambda X, w, y: X / np.linalg.norm(X, axis=1, keepdims=True),
        ),
        (
            "Normalize(area)",
            T.Normalize("area"),
            lambda X, w, y: X / np.abs(X).sum(axis=1, keepdims=True),
        ),
        (
            "ReflectanceToAbsorbance",
            T.ReflectanceToAbsorbance(),
            lambda X, w, y: -np.log10(np.clip(X, 1e-8, None)),
        ),
        (
            "KubelkaMunk",
            T.KubelkaMunk(),
            lambda X, w, y: (1 - np.clip(X, 1e-8, None)) ** 2 / (2 * np.clip(X, 1e-8, None)),
        ),
        ("CropWavelengths", T.CropWavelengths(1200, 2200), lambda X, w, y: X[:, crop]),
        (
            "Resample(linear)",
            T.Resample(target),
            lambda X, w, y: make_interp_spline(w, X, k=1, axis=1)(target),
        ),
        (
            "Resample(cubic)",
            T.Resample(target, method="cubic"),
            lambda X, w, y: CubicSpline(w, X, axis=1)(target),
        ),
        ("OSC(n_components=1)", T.OSC(), _plain_osc),
    ]


def best_times(first: Callable[[], Any], second: Callable[[], Any], repeat: int) -> list[float]:
    """Best wall-clock times of ``first`` and ``second``, run alternately ``repeat`` times.

    Alternating keeps a change of machine load from favouring one of the two.
    """
    best = [np.inf, np.inf]
    for _ in range(repeat):
        for index, function in enumerate((first, second)):
            start = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 x 500 spectra")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best kept)")
    parser.add_argument("--asls-rows", type=int, default=200, help="rows of the plain AsLS")
    args = parser.parse_args()
    n_samples, n_features = (1_000, 500) if args.quick else (10_000, 2_000)
    X, w, y = make_spectra(n_samples, n_features)

    print(
        f"{n_samples} x {n_features} float64 spectra; numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}; Python "
        f"{platform.python_version()}; {os.cpu_count()} cores; {platform.machine()}"
    )
    print()
    print("| operator | ours (s) | plain numpy/scipy (s) | ratio |")
    print("|---|---:|---:|---:|")
    for name, operator, plain in cases(w):
        ours_call = partial(operator.fit_transform, X, y, wavelengths=w)
        if name == "ASLSBaseline":
            rows = min(args.asls_rows, n_samples)
            ours, reference = best_times(ours_call, partial(_plain_asls, X[:rows]), 1)
            reference *= n_samples / rows
            mark = "*"
        else:
            ours, reference = best_times(ours_call, partial(plain, X, w, y), args.repeat)
            mark = ""
        print(f"| {name} | {ours:.3f} | {reference:.3f}{mark} | {ours / reference:.2f} |")


if __name__ == "__main__":
    main()
