"""Time the augmenters that operators_augmenters.py does not, against plain numpy/scipy.

Each row times ``fit_transform(X, wavelengths=w)`` with default parameters (for
``LocalMixupAugmenter``: ``fit`` then ``augment``, one copy per row) and the same formula
written directly, with one ``numpy.random.Generator`` for all rows and the same random draws
per row. A plain column loops over rows only where the formula has per-row interpolation,
per-row knots or a random number of bands; spline fits shared by all rows are one scipy call
over all rows. Best of ``--repeat`` runs each, the two run alternately; ratio = ours / plain.

The Gaussian kernel smoothers (``GaussianSmoothingJitter``, ``UnsharpSpectralMask``,
``InstrumentalBroadeningAugmenter``) are written as the normalised Gaussian filter of an
evenly spaced axis (``gaussian_filter1d`` of the row over that of ones, so the kernel is
renormalised at the ends as ``sum_j K_ij x_j / sum_j K_ij`` is), truncated at 9 standard
deviations, where the kernel is below 3e-18 of its peak: the same numbers to rounding.
LocalMixup's neighbours come from the Gram form of the squared distances, as
``sklearn.metrics.pairwise.euclidean_distances`` computes them.

The augmenters in ``SLOW`` (and the plain forms) are timed on the first ``--slow-rows``
rows and scaled linearly to all rows (marked ``*``): all four are a loop over rows.
Spline_Smoothing's cost per row depends on its random level (FITPACK takes ~0.5 s for a
level near 0.001, ~8 ms at 0.05), so 200 rows give a noisy ratio; time it with
``--only Spline_Smoothing --slow-rows 1000``.

    python benchmarks/operators_augmenters_rest.py            # 10,000 spectra x 2,000 wavelengths
    python benchmarks/operators_augmenters_rest.py --quick    # 1,000 x 500
    python benchmarks/operators_augmenters_rest.py --only Band,Spline_X   # these prefixes only
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from operators import best_times
from operators_augmenters import _ours, chosen, start
from scipy.interpolate import CubicSpline, UnivariateSpline, make_interp_spline
from scipy.ndimage import gaussian_filter1d

from nirs4all.operators import augmentation as A

Plain = Callable[[np.ndarray, np.ndarray], Any]

SLOW = frozenset({"GaussianSmoothingJitter", "UnsharpSpectralMask",
                  "InstrumentalBroadeningAugmenter", "Spline_Smoothing"})
_TRUNCATE = 9.0  # standard deviations: exp(-0.5 * 9**2) < 3e-18


def _t(w: np.ndarray) -> np.ndarray:
    return (w - w.min()) / (w.max() - w.min())


def _smooth(X: np.ndarray, sigma_columns: float) -> np.ndarray:
    """Normalised Gaussian kernel smoother of the rows of X, sigma in columns."""
    ones = gaussian_filter1d(np.ones(X.shape[-1]), sigma_columns, mode="constant",
                             truncate=_TRUNCATE)
    return gaussian_filter1d(X, sigma_columns, axis=-1, mode="constant",
                             truncate=_TRUNCATE) / ones


def _plain_smoothing_jitter(X: np.ndarray, w: np.ndarray, bounds=(0.5, 2.0)) -> np.ndarray:
    sigmas = np.random.default_rng(0).uniform(*bounds, X.shape[0]) / (w[1] - w[0])
    return np.stack([_smooth(x, s) for x, s in zip(X, sigmas, strict=True)])


def _plain_unsharp(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    amounts = np.random.default_rng(0).uniform(0.0, 0.5, (X.shape[0], 1))
    return X + amounts * (X - _smooth(X, 2.0 / (w[1] - w[0])))


def _plain_rotate(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, t, a = np.random.default_rng(0), np.linspace(0.0, 1.0, X.shape[1]), 2.0 / 3.0
    pivot = rng.uniform(0.0, 1.0, (X.shape[0], 1))
    offset, left, right = rng.uniform(-a, a, (3, X.shape[0], 1))
    slope = np.where(t <= pivot, left, right)
    return X + X.std(axis=1, keepdims=True) * (offset + slope * (t - pivot))


def _plain_spline_smoothing(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    columns, out = np.arange(X.shape[1], dtype=float), X.copy()
    levels = np.random.default_rng(0).uniform(0.0, 0.05, X.shape[0])
    with warnings.catch_warnings(action="ignore", category=UserWarning):
        for row, level in zip(out, levels, strict=True):
            if level > 0:
                s = X.shape[1] * (level * row.std()) ** 2
                row[:] = UnivariateSpline(columns, row, k=3, s=s)(columns)
    return out


def _plain_spline_x_perturbations(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    columns = np.arange(X.shape[1], dtype=float)
    knots = np.linspace(0.0, X.shape[1] - 1.0, max(2, round(0.05 * X.shape[1])))
    shifts = np.random.default_rng(0).uniform(-10, 10, (X.shape[0], knots.size))
    warps = make_interp_spline(knots, knots + shifts, k=3, axis=1)(columns)
    return np.stack([np.interp(p, columns, x) for p, x in zip(warps, X, strict=True)])


def _plain_spline_y_perturbations(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    knots = np.linspace(0.0, X.shape[1] - 1.0, max(2, X.shape[1] // 20))
    values = np.random.default_rng(0).uniform(-0.005, 0.005, (X.shape[0], knots.size))
    return X + make_interp_spline(knots, values, k=3, axis=1)(np.arange(X.shape[1]))


def _plain_spline_x_simplification(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, n = np.random.default_rng(0), X.shape[1]
    columns, out = np.arange(n, dtype=float), np.empty_like(X)
    for i, row in enumerate(X):
        kept = np.sort(np.r_[0, n - 1, rng.choice(np.arange(1, n - 1), 18, replace=False)])
        out[i] = make_interp_spline(kept, row[kept], k=3)(columns)
    return out


def _plain_batch(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    e = np.random.default_rng(0).standard_normal((X.shape[0], 3))
    return (1 + 0.03 * e[:, :1]) * X + 0.02 * e[:, 1:2] + 0.02 * e[:, 2:] * (2 * _t(w) - 1)


def _plain_dead_band(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, out = np.random.default_rng(0), X.copy()
    for row in out:
        for _ in range(rng.integers(1, 3)):
            band = np.abs(w - rng.uniform(w.min(), w.max())) <= rng.uniform(5.0, 20.0) / 2
            noise = rng.standard_normal(w.size)
            if band.any():
                row[band] = row[band].mean() + 0.001 * noise[band]
    return out


def _plain_band_masking(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, out = np.random.default_rng(0), X.copy()
    for row in out:
        masked = np.zeros(w.size, dtype=bool)
        for _ in range(rng.integers(1, 4)):
            masked |= np.abs(w - rng.uniform(w.min(), w.max())) <= rng.uniform(5.0, 20.0) / 2
        if masked.any() and not masked.all():
            row[masked] = np.interp(w[masked], w[~masked], row[~masked])
    return out


def _plain_band_perturbation(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, out = np.random.default_rng(0), X.copy()
    for row in out:
        for _ in range(rng.integers(1, 4)):
            c, h = rng.uniform(w.min(), w.max()), rng.uniform(10.0, 50.0)
            g, b = rng.uniform(0.9, 1.1), rng.uniform(-0.01, 0.01)
            window = np.exp(-4.0 * np.log(2.0) * (w - c) ** 2 / h**2)
            row[:] = row * (1 + (g - 1) * window) + b * window
    return out


def _plain_local_clipping(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, out = np.random.default_rng(0), X.copy()
    for row in out:
        for _ in range(rng.integers(1, 3)):
            band = np.abs(w - rng.uniform(w.min(), w.max())) <= rng.uniform(10.0, 40.0) / 2
            level = rng.uniform(0.8, 1.0)
            if band.any():
                low, high = row[band].min(), row[band].max()
                row[band] = np.minimum(row[band], low + level * (high - low))
    return out


def _plain_spikes(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng, out = np.random.default_rng(0), X.copy()
    for row in out:
        count = rng.integers(1, 4)
        columns = rng.choice(X.shape[1], count, replace=False)
        heights = rng.uniform(0.05, 0.2, count)
        row[columns] += np.where(rng.random(count) < 0.5, -1.0, 1.0) * heights
    return out


def _plain_dropout(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    columns, out = np.arange(X.shape[1]), X.copy()
    for row, dropped in zip(out, np.random.default_rng(0).random(X.shape) < 0.01, strict=True):
        if dropped.any() and not dropped.all():
            row[dropped] = np.interp(columns[dropped], columns[~dropped], row[~dropped])
    return out


def _plain_shift(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    d = np.random.default_rng(0).uniform(-2, 2, X.shape[0])
    return np.stack([np.interp(w - s, w, x) for x, s in zip(X, d, strict=True)])


def _plain_stretch(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    c, s = (w.min() + w.max()) / 2, np.random.default_rng(0).uniform(0.99, 1.01, X.shape[0])
    return np.stack([np.interp(c + (w - c) / f, w, x) for x, f in zip(X, s, strict=True)])


def _plain_local_warp(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    knots = np.random.default_rng(0).uniform(-1.0, 1.0, (X.shape[0], 5))
    shifts = CubicSpline(np.linspace(0.0, 1.0, 5), knots, axis=1)(_t(w))
    return np.stack([np.interp(w - d, w, x) for x, d in zip(X, shifts, strict=True)])


def _plain_scatter(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(0)
    gains = rng.uniform(0.95, 1.05, (X.shape[0], 1))
    return gains * X + rng.uniform(-0.02, 0.02, (X.shape[0], 1))


def _plain_local_mixup(X: np.ndarray, w: np.ndarray, k: int = 5) -> np.ndarray:
    rng, squares = np.random.default_rng(0), np.einsum("ij,ij->i", X, X)
    lam = rng.beta(0.2, 0.2, X.shape[0])[:, None]
    lam = np.maximum(lam, 1 - lam)
    distances = squares[:, None] + squares[None, :] - 2.0 * (X @ X.T)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argpartition(distances, k, axis=1)[:, :k]
    partners = nearest[np.arange(X.shape[0]), rng.integers(k, size=X.shape[0])]
    return lam * X + (1 - lam) * X[partners]


def cases() -> list[tuple[str, Any, Plain]]:
    """(name, augmenter, plain equivalent) for each augmenter not in operators_augmenters."""
    fwhm_sigma = 2.0 * np.sqrt(2.0 * np.log(2.0))
    roll_off = lambda w: np.exp(-_t(w) / 0.05) + np.exp(-(1 - _t(w)) / 0.05)  # noqa: E731
    return [
        ("Rotate_Translate", A.Rotate_Translate(), _plain_rotate),
        ("Spline_Smoothing", A.Spline_Smoothing(), _plain_spline_smoothing),
        ("Spline_X_Perturbations", A.Spline_X_Perturbations(), _plain_spline_x_perturbations),
        ("Spline_Y_Perturbations", A.Spline_Y_Perturbations(), _plain_spline_y_perturbations),
        ("Spline_X_Simplification", A.Spline_X_Simplification(),
         _plain_spline_x_simplification),
        ("BatchEffectAugmenter", A.BatchEffectAugmenter(), _plain_batch),
        ("InstrumentalBroadeningAugmenter", A.InstrumentalBroadeningAugmenter(),
         partial(_plain_smoothing_jitter, bounds=(2.4 / fwhm_sigma, 3.6 / fwhm_sigma))),
        ("HeteroscedasticNoiseAugmenter", A.HeteroscedasticNoiseAugmenter(),
         lambda X, w: X + (0.002 + 0.005 * np.abs(X))
         * np.random.default_rng(0).standard_normal(X.shape)),
        ("DeadBandAugmenter", A.DeadBandAugmenter(), _plain_dead_band),
        ("DetectorRollOffAugmenter", A.DetectorRollOffAugmenter(),
         lambda X, w: X - np.log10(1 - np.random.default_rng(0).uniform(0, 0.05, (len(X), 1))
                                   * roll_off(w))),
        ("EdgeArtifactsAugmenter", A.EdgeArtifactsAugmenter(),
         lambda X, w: X + np.random.default_rng(0).uniform(-0.02, 0.02, (len(X), 2))
         @ np.stack([np.exp(-_t(w) / 0.05), np.exp(-(1 - _t(w)) / 0.05)])),
        ("GaussianSmoothingJitter", A.GaussianSmoothingJitter(), _plain_smoothing_jitter),
        ("UnsharpSpectralMask", A.UnsharpSpectralMask(), _plain_unsharp),
        ("BandMasking", A.BandMasking(), _plain_band_masking),
        ("BandPerturbation", A.BandPerturbation(), _plain_band_perturbation),
        ("LocalClipping", A.LocalClipping(), _plain_local_clipping),
        ("SpikeNoise", A.SpikeNoise(), _plain_spikes),
        ("ChannelDropout", A.ChannelDropout(), _plain_dropout),
        ("WavelengthShift", A.WavelengthShift(), _plain_shift),
        ("WavelengthStretch", A.WavelengthStretch(), _plain_stretch),
        ("LocalWavelengthWarp", A.LocalWavelengthWarp(), _plain_local_warp),
        ("SmoothMagnitudeWarp", A.SmoothMagnitudeWarp(),
         lambda X, w: X * CubicSpline(np.linspace(0, 1, 5), np.random.default_rng(0).uniform(
             0.9, 1.1, (len(X), 5)), axis=1)(_t(w))),
        ("MultiplicativeScatter", A.MultiplicativeScatter(), _plain_scatter),
        ("GaussianAdditiveNoise", A.GaussianAdditiveNoise(),
         lambda X, w: X + 0.01 * np.random.default_rng(0).standard_normal(X.shape)),
        ("LocalMixupAugmenter.augment", A.LocalMixupAugmenter(), _plain_local_mixup),
    ]


def _times(name: str, operator: Any, plain: Plain, X: np.ndarray, w: np.ndarray,
           repeat: int) -> tuple[float | None, float, str]:
    """Best times of ours (None when it raised MemoryError) and plain on X, and the error."""
    ours = partial(_ours, operator, X, w, name)
    try:
        ours()
    except MemoryError as error:  # LocalMixup's n x n x d array of differences
        return None, best_times(partial(plain, X, w), lambda: None, repeat)[0], str(error)
    ours_s, reference = best_times(ours, partial(plain, X, w), repeat)
    return ours_s, reference, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow-rows", type=int, default=200, help="rows timed for SLOW")
    args, X, w = start(parser)
    n_samples = X.shape[0]
    slow_rows = min(args.slow_rows, n_samples)
    for name, operator, plain in cases():
        if not chosen(name, args):
            continue
        rows = X[:slow_rows] if name in SLOW else X
        ours, reference, error = _times(name, operator, plain, rows, w, args.repeat)
        scale, label = n_samples / rows.shape[0], f"{name} *" if name in SLOW else name
        if ours is None:
            line = f"| {label} | MemoryError: {error} | {scale * reference:.3f} | - |"
        else:
            line = (f"| {label} | {scale * ours:.3f} | {scale * reference:.3f} | "
                    f"{ours / reference:.2f} |")
        print(line, flush=True)
    print()
    print(f"\\* timed on the first {slow_rows} rows and scaled to {n_samples}.")


if __name__ == "__main__":
    main()
