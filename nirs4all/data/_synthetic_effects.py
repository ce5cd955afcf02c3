"""Measurement effects and concentration laws of the synthetic generator's 0.x presets.

:func:`nirs4all.data.synthetic.generate` with ``complexity=None`` uses none of this beyond
:func:`draw_concentrations` with the Dirichlet law. The presets ``"simple"``, ``"realistic"``
and ``"complex"`` (the 0.7 names and magnitudes) set the size of the per-sample effects and
add the effects a real instrument adds on top of Beer-Lambert absorbance:

- instrumental broadening: the spectrum convolved with a Gaussian slit function of full width
  at half maximum ``instrumental_fwhm`` nm (``sigma = FWHM / (2 sqrt(2 ln 2))``), evaluated as a
  quadrature over the axis so that an irregular axis is handled too;
- heteroscedastic detector noise: Gaussian with standard deviation
  ``noise_base + noise_signal_dep * |A|`` at absorbance ``A`` (shot noise grows with signal);
- spikes: with probability ``artifact_prob`` a sample gets one single-channel spike (a cosmic
  ray or a dead pixel) of height 0.02-0.10 absorbance;
- batch effects: the samples split into measurement sessions, each with its own additive
  offset and multiplicative gain (the MSC model of Geladi, MacDougall & Martens 1985, per
  session instead of per sample).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = [
    "COMPLEXITY_PRESETS",
    "DISTRIBUTIONS",
    "Preset",
    "add_batch_effects",
    "add_spikes",
    "broaden",
    "draw_concentrations",
    "heteroscedastic_noise",
]

DIRICHLET_ALPHA = 2.0
LOGNORMAL_SIGMA = 0.5
CORRELATION = 0.6
BATCH_OFFSET_STD = 0.02
BATCH_GAIN_LOG_STD = 0.03
SPIKE_HEIGHT = (0.02, 0.10)
DISTRIBUTIONS = ("dirichlet", "uniform", "lognormal", "correlated")


@dataclass(frozen=True)
class Preset:
    """Effect magnitudes of one complexity level (absorbance units unless stated).

    Attributes
    ----------
    path_length_std : float
        Standard deviation of the log relative path length.
    baseline_amplitude : float
        Standard deviation of the baseline slope; the curvature gets half of it.
    instrumental_fwhm : float
        FWHM of the Gaussian slit function, nm (0 switches broadening off).
    noise_base : float
        Constant part of the noise standard deviation.
    noise_signal_dep : float
        Part of the noise standard deviation proportional to ``|A|``.
    artifact_prob : float
        Probability that a sample carries one spike.
    """

    path_length_std: float
    baseline_amplitude: float
    instrumental_fwhm: float
    noise_base: float
    noise_signal_dep: float
    artifact_prob: float

    def overridden(self, **values: float) -> Preset:
        """Return a copy with some magnitudes replaced, checking each is finite and >= 0."""
        for key, value in values.items():
            if key not in self.__dataclass_fields__:
                raise TypeError(f"unknown effect parameter {key!r}")
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{key} must be a finite number >= 0; got {value!r}")
            if key == "artifact_prob" and value > 1:
                raise ValueError(f"artifact_prob must be in [0, 1]; got {value!r}")
        return replace(self, **{k: float(v) for k, v in values.items()})


COMPLEXITY_PRESETS: dict[str, Preset] = {
    "simple": Preset(0.02, 0.01, 4.0, 0.002, 0.005, 0.0),
    "realistic": Preset(0.05, 0.02, 8.0, 0.005, 0.01, 0.02),
    "complex": Preset(0.08, 0.05, 12.0, 0.008, 0.015, 0.05),
}
"""The 0.7 complexity levels, in increasing order of every magnitude."""


def draw_concentrations(
    rng: np.random.Generator, distribution: str, n_rows: int, n_components: int
) -> np.ndarray:
    """Draw mass fractions of ``n_components`` absorbers plus one transparent diluent.

    Every law gives nonnegative rows summing to at most 1; one draw call per law:
    ``"dirichlet"`` (symmetric, alpha 2), ``"uniform"`` (independent U(0, 1) weights,
    normalised), ``"lognormal"`` (log-normal weights of log-sd 0.5, normalised) and
    ``"correlated"`` (log-normal weights whose logs have correlation 0.6 between every pair
    of absorbers, so the components rise and fall together).
    """
    size = (n_rows, n_components + 1)
    if distribution == "dirichlet":
        fractions = rng.dirichlet(np.full(n_components + 1, DIRICHLET_ALPHA), size=n_rows)
        return fractions[:, :n_components]
    if distribution == "uniform":
        weights = rng.random(size)
    elif distribution == "lognormal":
        weights = np.exp(LOGNORMAL_SIGMA * rng.standard_normal(size))
    elif distribution == "correlated":
        correlation = np.full((n_components + 1, n_components + 1), CORRELATION)
        correlation[-1, :] = correlation[:, -1] = 0.0
        np.fill_diagonal(correlation, 1.0)
        z = rng.standard_normal(size) @ np.linalg.cholesky(correlation).T
        weights = np.exp(LOGNORMAL_SIGMA * z)
    else:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}; got {distribution!r}")
    return (weights / weights.sum(axis=1, keepdims=True))[:, :n_components]


def broaden(spectra: np.ndarray, axis: np.ndarray, fwhm: float) -> np.ndarray:
    """Convolve every spectrum with a unit-area Gaussian of ``fwhm`` nm along ``axis``.

    Each output channel is a weighted mean of the channels within 5 sigma, the weights being
    the Gaussian times the local channel width (trapezoid quadrature) and normalised to 1, so
    a constant spectrum stays constant up to the axis ends.
    """
    if fwhm <= 0:
        return spectra
    sigma = fwhm / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    order = np.argsort(axis, kind="stable")
    grid = axis[order]
    widths = np.gradient(grid)
    low = np.searchsorted(grid, grid - 5.0 * sigma, side="left")
    high = np.searchsorted(grid, grid + 5.0 * sigma, side="right")
    ordered = spectra[:, order]
    out = np.empty_like(ordered)
    for j in range(grid.shape[0]):
        window = slice(low[j], high[j])
        weights = np.exp(-0.5 * ((grid[window] - grid[j]) / sigma) ** 2) * widths[window]
        out[:, j] = ordered[:, window] @ (weights / weights.sum())
    result = np.empty_like(out)
    result[:, order] = out
    return result


def heteroscedastic_noise(
    spectra: np.ndarray, base: float, signal_dep: float, rng: np.random.Generator
) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``base + signal_dep * |A|`` (one draw)."""
    scale = base + signal_dep * np.abs(spectra)
    return spectra + rng.standard_normal(spectra.shape) * scale


def add_spikes(
    spectra: np.ndarray, probability: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Put one positive single-channel spike on each sample with probability ``probability``.

    Draws, in order, one uniform per sample (hit or not), one channel per sample and one
    height per sample, whatever ``probability`` is, so the draws after it do not depend on
    it. Returns the spectra and the boolean mask of spiked samples.
    """
    n_samples, n_channels = spectra.shape
    hit = rng.random(n_samples) < probability
    channel = rng.integers(0, n_channels, size=n_samples)
    height = rng.uniform(*SPIKE_HEIGHT, size=n_samples)
    spiked = spectra.copy()
    rows = np.flatnonzero(hit)
    spiked[rows, channel[rows]] += height[rows]
    return spiked, hit


def add_batch_effects(
    spectra: list[np.ndarray], n_batches: int, strength: float, rng: np.random.Generator
) -> tuple[list[np.ndarray], np.ndarray]:
    """Split the samples into ``n_batches`` balanced sessions and give each an offset and gain.

    Draws, in order: a permutation assigning session labels ``0 .. n_batches - 1`` (sizes
    within one of each other), then for each source the session offsets (normal, sd
    ``0.02 * strength``) and the session log-gains (normal, sd ``0.03 * strength``). Every
    source of a sample shares its session. Returns the new spectra and the labels.
    """
    n_samples = spectra[0].shape[0]
    labels = rng.permutation(np.arange(n_samples) % n_batches)
    shifted = []
    for block in spectra:
        offsets = rng.normal(0.0, BATCH_OFFSET_STD * strength, size=n_batches)
        gains = np.exp(rng.normal(0.0, BATCH_GAIN_LOG_STD * strength, size=n_batches))
        shifted.append(block * gains[labels, None] + offsets[labels, None])
    return shifted, labels
