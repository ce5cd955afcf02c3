"""Time the 0.x operators of issue 15 against plain numpy/scipy/scikit-learn equivalents.

Each row times ``fit_transform(X, y, wavelengths=w)`` of one operator and the same
computation written directly (best of ``--repeat`` runs each, the two run alternately);
ratio = ours / plain. CARS has no plain equivalent in numpy or scikit-learn: its fit time is
printed without a ratio. MCUVE is timed with 10 Monte-Carlo models against the same loop of
scikit-learn ``PLSRegression`` fits.

    python benchmarks/operators_misc.py            # 10,000 spectra x 2,000 wavelengths
    python benchmarks/operators_misc.py --quick    # 1,000 x 500
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
from operators import best_times, make_spectra
from scipy.ndimage import correlate1d
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.preprocessing import KBinsDiscretizer, MinMaxScaler

from nirs4all.operators.transforms._centering import Baseline
from nirs4all.operators.transforms._decomposition import FlexiblePCA, FlexibleSVD
from nirs4all.operators.transforms._derivatives import Derivate
from nirs4all.operators.transforms._discretizers import IntegerKBinsDiscretizer, RangeDiscretizer
from nirs4all.operators.transforms._epo import EPO
from nirs4all.operators.transforms._local import (
    AreaNormalization,
    LocalStandardNormalVariate,
    LogTransform,
    SimpleScale,
)
from nirs4all.operators.transforms._resampler import Resampler
from nirs4all.operators.transforms._selection import CARS, MCUVE

Plain = Callable[[np.ndarray, np.ndarray, np.ndarray], Any]


def _plain_local_snv(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    kernel = np.full(11, 1 / 11)
    mean = correlate1d(X, kernel, axis=1, mode="mirror")
    std = np.sqrt(np.maximum(correlate1d(X * X, kernel, axis=1, mode="mirror") - mean**2, 0))
    return (X - mean) / std


def _plain_svd(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    _, s, vt = np.linalg.svd(X, full_matrices=False)
    ratio = np.cumsum(s**2) / np.sum(s**2)
    return X @ vt[: int(np.searchsorted(ratio, 0.95)) + 1].T


def _plain_epo(difference: np.ndarray, X: np.ndarray, w: np.ndarray, y: np.ndarray) -> Any:
    v = np.linalg.svd(difference, full_matrices=False)[2][:2].T
    return X - (X @ v) @ v.T


def _plain_mcuve(X: np.ndarray, w: np.ndarray, y: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(0)
    coefs = []
    for _ in range(10):
        rows = np.sort(rng.choice(X.shape[0], size=int(0.8 * X.shape[0]), replace=False))
        coefs.append(PLSRegression(5, scale=False).fit(X[rows], y[rows]).coef_.ravel())
    stability = np.abs(np.mean(coefs, axis=0) / np.std(coefs, axis=0, ddof=1))
    return X[:, stability >= np.percentile(stability, 50)]


def cases(w: np.ndarray, X: np.ndarray) -> list[tuple[str, Any, Plain]]:
    """The operators and their plain equivalents."""
    step = float(w[1] - w[0])
    difference = np.diff(X[:51], axis=0)
    kbins = partial(KBinsDiscretizer, 5, encode="ordinal", quantile_method="linear", subsample=None)
    return [
        ("LocalStandardNormalVariate(11)", LocalStandardNormalVariate(), _plain_local_snv),
        ("LogTransform", LogTransform(), lambda X, w, y: np.log(X - min(0, X.min()) + 1e-8)),
        (
            "AreaNormalization(trapz)",
            AreaNormalization("trapz"),
            lambda X, w, y: X / np.trapezoid(X, w, axis=1)[:, None],
        ),
        ("SimpleScale", SimpleScale(), lambda X, w, y: MinMaxScaler().fit_transform(X)),
        ("Baseline", Baseline(), lambda X, w, y: X - X.mean(axis=1, keepdims=True)),
        (
            "Derivate(order=2)",
            Derivate(order=2),
            lambda X, w, y: np.gradient(np.gradient(X, w, axis=1), w, axis=1),
        ),
        (
            "Resampler(step=1.5*step)",
            Resampler(step=1.5 * step),
            lambda X, w, y: np.stack(
                [np.interp(np.arange(w[0], w[-1], 1.5 * step), w, x) for x in X]
            ),
        ),
        ("FlexiblePCA(0.95)", FlexiblePCA(), lambda X, w, y: PCA(0.95).fit_transform(X)),
        ("FlexibleSVD(0.95)", FlexibleSVD(), _plain_svd),
        (
            "IntegerKBinsDiscretizer(5)",
            IntegerKBinsDiscretizer(),
            lambda X, w, y: kbins().fit_transform(X).astype(np.int64),
        ),
        (
            "RangeDiscretizer([0.5, 1])",
            RangeDiscretizer([0.5, 1.0]),
            lambda X, w, y: np.digitize(X, [0.5, 1.0]),
        ),
        ("EPO(2)", EPO(2, difference=difference), partial(_plain_epo, difference)),
        (
            "MCUVE(10 models, percentile 50)",
            MCUVE(5, n_iterations=10, threshold_method="percentile", threshold=50, random_state=0),
            _plain_mcuve,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 x 500 spectra")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best kept)")
    args = parser.parse_args()
    n_samples, n_features = (1_000, 500) if args.quick else (10_000, 2_000)
    X, w, y = make_spectra(n_samples, n_features)
    print(
        f"{n_samples} x {n_features} float64 spectra; numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}; Python "
        f"{platform.python_version()}; {os.cpu_count()} cores; {platform.machine()}"
    )
    print()
    print("| operator | ours (s) | plain (s) | ratio |")
    print("|---|---:|---:|---:|")
    for name, operator, plain in cases(w, X):
        repeat = 1 if "MCUVE" in name or "Flexible" in name else args.repeat
        ours, reference = best_times(
            partial(operator.fit_transform, X, y, wavelengths=w), partial(plain, X, w, y), repeat
        )
        print(f"| {name} | {ours:.3f} | {reference:.3f} | {ours / reference:.2f} |", flush=True)
    start = time.perf_counter()
    cars = CARS(5, n_sampling_runs=10, random_state=0).fit(X, y, wavelengths=w)
    print(f"| CARS(5 components, 10 runs) fit | {time.perf_counter() - start:.3f} | - | - |")
    print(f"\nCARS kept {cars.support_.sum()} of {n_features} wavelengths")


if __name__ == "__main__":
    main()
