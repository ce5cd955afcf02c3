"""Time the remaining issue-15 operators against plain numpy/scipy/scikit-learn equivalents.

Signal conversions, the wavelet PCA/SVD and the augmenters (``fit`` then ``transform``, and
``augment`` for one copy per row). The plain column computes the same formula vectorised
with one ``numpy.random.Generator`` for all rows; ours draws from a counter-based stream per
row, keyed by ``(random_state, row values, copy)`` so that a row's perturbation does not
depend on the other rows (``nirs4all.utils.seeding.row_uniforms``, computed for all rows at
once). Best of ``--repeat`` runs each, the two run alternately; ratio = ours / plain.

    python benchmarks/operators_augmenters.py            # 10,000 spectra x 2,000 wavelengths
    python benchmarks/operators_augmenters.py --quick    # 1,000 x 500
    python benchmarks/operators_augmenters.py --skip WaveletSVD   # without the 2 x 150 s row
"""

from __future__ import annotations

import argparse
import os
import platform
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pywt
import scipy
import sklearn
from operators import best_times, make_spectra
from sklearn.decomposition import PCA

from nirs4all.operators import augmentation as A
from nirs4all.operators.transforms import WaveletPCA, WaveletSVD
from nirs4all.operators.transforms import signal_conversion as S

Plain = Callable[[np.ndarray, np.ndarray], Any]


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _u(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 2.0 * (w - w.min()) / (w.max() - w.min()) - 1.0


def _plain_wavelet_pca(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    coefficients = pywt.wavedec(X, "db4", level=4, axis=1)
    return np.hstack([PCA(3, whiten=True).fit_transform(c) for c in coefficients])


def _plain_wavelet_svd(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    out = []
    for c in pywt.wavedec(X, "db4", level=4, axis=1):
        vt = np.linalg.svd(c - c.mean(axis=0), full_matrices=False)[2][:3]
        out.append(c @ vt.T)
    return np.hstack(out)


def _plain_stray(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    s = _rng().uniform(0.0, 0.01, (X.shape[0], 1))
    return -np.log10((10.0**-X + s) / (1.0 + s))


def _plain_temperature(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    d = _rng().uniform(-5, 5, X.shape[0])
    return np.stack([(1 - 0.002 * t) * np.interp(w + 0.3 * t, w, x)
                     for x, t in zip(X, d, strict=True)])


def _plain_moisture(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    bands = sum(s * np.exp(-0.5 * ((w - c) / (f / 2.3548)) ** 2) for c, f, s in
                ((970, 40, 0.04), (1190, 50, 0.06), (1450, 80, 0.45), (1940, 100, 1.0)))
    dm = _rng().uniform(-0.02, 0.02, (X.shape[0], 1))
    return (1 - dm) * X + dm * bands


def _plain_particle(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    u = _rng().uniform(np.log(0.8), np.log(1.25), (X.shape[0], 1))
    return np.exp(0.5 * u) * X - 0.05 * u * (w / ((w.min() + w.max()) / 2))


def _plain_mixup(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng = _rng()
    lam = rng.beta(0.2, 0.2, X.shape[0])[:, None]
    return lam * X + (1 - lam) * X[rng.permutation(X.shape[0])]


def _plain_curve(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    from scipy.interpolate import make_interp_spline

    # the same formula: 18 positions drawn uniformly along each row's arc length
    rng, n = _rng(), X.shape[1]
    columns = np.arange(n, dtype=float)
    low, high = X.min(axis=1, keepdims=True), X.max(axis=1, keepdims=True)
    steps = np.hypot(1.0 / (n - 1), np.diff((X - low) / (high - low), axis=1))
    lengths = np.concatenate([np.zeros((X.shape[0], 1)), np.cumsum(steps, axis=1)], axis=1)
    out = np.empty_like(X)
    for i, row in enumerate(X):
        drawn = np.searchsorted(lengths[i], rng.uniform(0, lengths[i, -1], 18))
        kept = np.unique(np.r_[0, np.minimum(drawn, n - 1), n - 1])
        out[i] = make_interp_spline(kept, row[kept], k=3)(columns)
    return out


def cases() -> list[tuple[str, Any, Plain]]:
    """(name, operator, plain equivalent) for each operator."""
    return [
        ("ToAbsorbance", S.ToAbsorbance(), lambda X, w: -np.log10(np.maximum(X, 1e-10))),
        ("FromAbsorbance", S.FromAbsorbance(), lambda X, w: 10.0**-X),
        ("PercentToFraction", S.PercentToFraction(), lambda X, w: X / 100.0),
        ("FractionToPercent", S.FractionToPercent(), lambda X, w: X * 100.0),
        ("SignalTypeConverter(R->A)", S.SignalTypeConverter(),
         lambda X, w: -np.log10(np.maximum(X, 1e-10))),
        ("WaveletPCA(db4, 4, 3)", WaveletPCA(), _plain_wavelet_pca),
        ("WaveletSVD(db4, 4, 3)", WaveletSVD(), _plain_wavelet_svd),
        ("GaussianNoise", A.GaussianNoise(relative=False),
         lambda X, w: X + 0.01 * _rng().standard_normal(X.shape)),
        ("MultiplicativeNoise", A.MultiplicativeNoise(),
         lambda X, w: X * (1 + 0.05 * _rng().standard_normal((X.shape[0], 1)))),
        ("LinearBaselineDrift", A.LinearBaselineDrift(),
         lambda X, w: X + _rng().uniform(-0.02, 0.02, (X.shape[0], 1))
         + _rng().uniform(-0.02, 0.02, (X.shape[0], 1)) * (_u(X, w) + 1) / 2),
        ("PolynomialBaselineDrift(3)", A.PolynomialBaselineDrift(),
         lambda X, w: X + _rng().uniform(-0.01, 0.01, (X.shape[0], 4))
         @ (_u(X, w)[None, :] ** np.arange(4)[:, None])),
        ("PathLengthAugmenter", A.PathLengthAugmenter(),
         lambda X, w: X * (1 + 0.05 * _rng().standard_normal((X.shape[0], 1)))),
        ("Random_X_Operation", A.Random_X_Operation(),
         lambda X, w: X * _rng().uniform(0.97, 1.03, X.shape)),
        ("ScatterSimulationMSC", A.ScatterSimulationMSC(),
         lambda X, w: _rng().uniform(-0.05, 0.05, (X.shape[0], 1))
         + _rng().uniform(0.9, 1.1, (X.shape[0], 1)) * X),
        ("EMSCDistortionAugmenter", A.EMSCDistortionAugmenter(),
         lambda X, w: _rng().uniform(0.9, 1.1, (X.shape[0], 1)) * X
         + _rng().uniform(-0.02, 0.02, (X.shape[0], 1))
         + _rng().uniform(-0.02, 0.02, (X.shape[0], 2)) @ np.stack([_u(X, w), _u(X, w) ** 2])),
        ("StrayLightAugmenter", A.StrayLightAugmenter(), _plain_stray),
        ("TemperatureAugmenter", A.TemperatureAugmenter(), _plain_temperature),
        ("MoistureAugmenter", A.MoistureAugmenter(), _plain_moisture),
        ("ParticleSizeAugmenter", A.ParticleSizeAugmenter(), _plain_particle),
        ("Spline_Curve_Simplification", A.Spline_Curve_Simplification(), _plain_curve),
        ("Mixup.augment", A.Mixup(), _plain_mixup),
    ]


def _ours(operator: Any, X: np.ndarray, w: np.ndarray, name: str) -> Any:
    """``fit_transform(X, wavelengths=w)``; for ``.augment`` rows, ``fit`` then ``augment``."""
    kwargs = {"wavelengths": w} if "wavelengths" in operator.fit.__code__.co_varnames else {}
    if name.endswith(".augment"):
        return operator.fit(X, **kwargs).augment(X)
    return operator.fit_transform(X, **kwargs)


def start(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, np.ndarray, np.ndarray]:
    """Common options, the spectra, the header and the table head of the augmenter scripts.

    Adds ``--quick``, ``--repeat``, ``--skip`` and ``--only`` to ``parser`` (which may hold
    more), parses them, and returns the arguments, the spectra and their axis.
    """
    parser.add_argument("--quick", action="store_true", help="1,000 x 500 spectra")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best kept)")
    parser.add_argument("--skip", default="", help="comma-separated name prefixes not to time")
    parser.add_argument("--only", default="", help="comma-separated name prefixes to time")
    args = parser.parse_args()
    n_samples, n_features = (1_000, 500) if args.quick else (10_000, 2_000)
    X, w, _ = make_spectra(n_samples, n_features)
    X = np.clip(X, 1e-3, None)
    print(
        f"{n_samples} x {n_features} float64 spectra; numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, pywt {pywt.__version__}; "
        f"Python {platform.python_version()}; {os.cpu_count()} cores; {platform.machine()}; "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    print()
    print("| operator | ours (s) | plain (s) | ratio |")
    print("|---|---:|---:|---:|")
    return args, X, w


def chosen(name: str, args: argparse.Namespace) -> bool:
    """Whether ``name`` is timed under ``--skip`` and ``--only``."""
    skipped = tuple(prefix for prefix in args.skip.split(",") if prefix)
    only = tuple(prefix for prefix in args.only.split(",") if prefix)
    return not (skipped and name.startswith(skipped)) and not (only and not name.startswith(only))


def main() -> None:
    args, X, w = start(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    for name, operator, plain in cases():
        if chosen(name, args):
            ours, reference = best_times(partial(_ours, operator, X, w, name),
                                         partial(plain, X, w), args.repeat)
            print(f"| {name} | {ours:.3f} | {reference:.3f} | {ours / reference:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
