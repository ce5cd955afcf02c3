"""The simulation behind :func:`nirs4all.data.synthetic.generate` and the 0.x builder.

A :class:`Recipe` says what to simulate; :func:`simulate` turns it and a seed into arrays.
The physical model and the draw order are documented in :mod:`nirs4all.data.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nirs4all.data._bands import component_spectra
from nirs4all.data._synthetic_effects import (
    Preset,
    add_batch_effects,
    add_spikes,
    broaden,
    draw_concentrations,
    heteroscedastic_noise,
)
from nirs4all.utils.seeding import child_rng

__all__ = ["Recipe", "Simulation", "SourceSpec", "mixture_absorbance", "simulate"]

PATH_LENGTH_LOG_STD = 0.03
SCATTER_GAIN_LOG_STD = 0.05
SCATTER_OFFSET_MEAN, SCATTER_OFFSET_STD = 0.10, 0.03
BASELINE_SLOPE_STD, BASELINE_CURVATURE_STD = 0.02, 0.01
SHIFT_STD_NM = 0.3
SHIFT_NODE_NM = 1.0
DEFAULT_NOISE = 0.002
AUX_NOISE = 0.01


@dataclass(frozen=True, eq=False)
class SourceSpec:
    """One measured block: spectra on ``axis`` (nm), or ``n_features`` auxiliary values.

    An auxiliary source (``axis is None``) holds linear mixtures of the concentrations with
    seeded random loadings plus Gaussian noise of sd 0.01 (lab markers, a second sensor).
    """

    name: str
    axis: np.ndarray | None = None
    preset: Preset | None = None
    n_features: int = 0


@dataclass(frozen=True, eq=False)
class Recipe:
    """Everything :func:`simulate` needs; built and checked by the public functions."""

    n_samples: int
    names: tuple[str, ...]
    sources: tuple[SourceSpec, ...]
    task: str = "regression"
    targets: tuple[int, ...] = (0,)
    n_classes: int = 2
    class_weights: tuple[float, ...] | None = None
    class_separation: float = 1.0
    noise: float | None = None
    test_fraction: float = 0.2
    distribution: str = "dirichlet"
    target_range: tuple[float, float] | None = None
    target_transform: str | None = None
    n_batches: int = 0
    batch_strength: float = 1.0
    bio_index: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class Simulation:
    """Arrays of one simulated dataset, rows in generation order."""

    partition: np.ndarray
    spectra: tuple[np.ndarray, ...]
    y: np.ndarray
    target_names: tuple[str, ...]
    batch: np.ndarray | None
    concentrations: np.ndarray


def simulate(recipe: Recipe, seed: int) -> Simulation:
    """Draw one dataset from ``recipe`` with every random number from ``SeedSequence(seed)``."""
    rng = child_rng(seed)
    bio = recipe.bio_index
    n_bio = recipe.n_samples if bio is None else int(bio.max()) + 1
    test = np.zeros(n_bio, dtype=bool)
    n_test = min(round(recipe.test_fraction * n_bio), n_bio - 1)
    test[rng.permutation(n_bio)[:n_test]] = True
    single = len(recipe.sources) == 1
    effects = rng.standard_normal((6, recipe.n_samples)) if single else None
    concentrations = draw_concentrations(rng, recipe.distribution, n_bio, len(recipe.names))
    labels = None
    if recipe.task == "classification":
        labels = _class_labels(concentrations[:, 0], recipe.n_classes, recipe.class_weights)
        concentrations = _separate(concentrations, labels, recipe.class_separation)
    if bio is not None:
        test, concentrations = test[bio], concentrations[bio]
        labels = None if labels is None else labels[bio]
    spectra = []
    for k, source in enumerate(recipe.sources):
        source_rng = rng if single else child_rng(seed, k)  # SeedSequence(seed).spawn()[k]
        if source.axis is None:
            spectra.append(_auxiliary(source, concentrations, source_rng))
            continue
        if effects is None or not single:
            effects = source_rng.standard_normal((6, recipe.n_samples))
        spectra.append(_measure(recipe, source, concentrations, effects, source_rng))
    batch = None
    if recipe.n_batches:
        spectra, batch = add_batch_effects(spectra, recipe.n_batches, recipe.batch_strength, rng)
    y, target_names = _targets(recipe, concentrations, labels)
    partition = np.where(test, "test", "train").astype("<U5")
    return Simulation(partition, tuple(spectra), y, target_names, batch, concentrations)


def _measure(
    recipe: Recipe,
    source: SourceSpec,
    concentrations: np.ndarray,
    effects: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Spectra of one source: Beer-Lambert mixture, scatter, baseline, broadening, noise."""
    axis, preset = source.axis, source.preset
    path_length, gain, offset, slope, curvature, shift = effects
    log_std = PATH_LENGTH_LOG_STD if preset is None else preset.path_length_std
    slope_std = BASELINE_SLOPE_STD if preset is None else preset.baseline_amplitude
    curv_std = BASELINE_CURVATURE_STD if preset is None else 0.5 * preset.baseline_amplitude
    path_length = np.exp(log_std * path_length)
    gain = np.exp(SCATTER_GAIN_LOG_STD * gain)
    offset = SCATTER_OFFSET_MEAN + SCATTER_OFFSET_STD * offset
    shift = np.clip(SHIFT_STD_NM * shift, -SHIFT_NODE_NM, SHIFT_NODE_NM)
    weights = concentrations * (gain * path_length)[:, None]
    spectra = mixture_absorbance(weights, recipe.names, axis, shift)
    u = (axis - 0.5 * (axis[0] + axis[-1])) / (0.5 * abs(axis[-1] - axis[0]))
    baseline = np.column_stack((offset, slope * slope_std, curvature * curv_std))
    spectra += baseline @ np.vstack((np.ones_like(u), u, u**2))
    if preset is None:
        noise = DEFAULT_NOISE if recipe.noise is None else recipe.noise
        if noise > 0:
            spectra += rng.normal(0.0, noise, size=spectra.shape)
        return spectra
    spectra = broaden(spectra, axis, preset.instrumental_fwhm)
    base = preset.noise_base if recipe.noise is None else recipe.noise
    spectra = heteroscedastic_noise(spectra, base, preset.noise_signal_dep, rng)
    return add_spikes(spectra, preset.artifact_prob, rng)[0]


def _auxiliary(
    source: SourceSpec, concentrations: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    loadings = rng.standard_normal((concentrations.shape[1], source.n_features))
    values = concentrations @ loadings
    return values + rng.normal(0.0, AUX_NOISE, size=values.shape)


def _class_labels(
    key: np.ndarray, n_classes: int, weights: tuple[float, ...] | None
) -> np.ndarray:
    """Quantile bins of ``key``: balanced, or sized by ``weights`` (largest remainder)."""
    n = key.shape[0]
    ranks = np.argsort(np.argsort(key, kind="stable"), kind="stable")
    if weights is None:
        return ((ranks * n_classes) // n).astype(np.int64)
    bounds = np.round(np.cumsum(weights)[:-1] / np.sum(weights) * n).astype(np.int64)
    return np.searchsorted(bounds, ranks, side="right").astype(np.int64)


def _separate(concentrations: np.ndarray, labels: np.ndarray, separation: float) -> np.ndarray:
    """Pull each class's first-component fractions towards the class mean by ``separation``.

    ``c0 -> m + (c0 - m) / separation`` within each class; the other components and the
    diluent are rescaled by ``(1 - c0') / (1 - c0)`` so the fractions still sum to at most 1.
    ``separation == 1`` changes nothing; larger values make the classes more separable.
    """
    if separation == 1.0:
        return concentrations
    first = concentrations[:, 0]
    means = np.bincount(labels, weights=first) / np.maximum(np.bincount(labels), 1)
    moved = means[labels] + (first - means[labels]) / separation
    moved = np.clip(moved, 0.0, 1.0)
    scale = np.divide(1.0 - moved, 1.0 - first, out=np.ones_like(first), where=first < 1.0)
    separated = concentrations * scale[:, None]
    separated[:, 0] = moved
    return separated


def _targets(
    recipe: Recipe, concentrations: np.ndarray, labels: np.ndarray | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    if labels is not None:
        return labels, ("class",)
    y = np.ascontiguousarray(concentrations[:, list(recipe.targets)])
    if recipe.target_transform == "log":
        y = np.log1p(y)
    elif recipe.target_transform == "sqrt":
        y = np.sqrt(y)
    if recipe.target_range is not None:
        low, high = recipe.target_range
        y_min, y_max = y.min(axis=0), y.max(axis=0)
        span = np.where(y_max > y_min, y_max - y_min, 1.0)
        y = low + (y - y_min) / span * (high - low)
    return y, tuple(recipe.names[k] for k in recipe.targets)


def mixture_absorbance(
    weights: np.ndarray, names: tuple[str, ...], axis: np.ndarray, shifts: np.ndarray
) -> np.ndarray:
    """Return ``sum_k weights[i, k] * eps_k(axis - shifts[i])`` for every sample ``i``.

    The component spectra are analytic, so instead of resampling each spectrum they are
    evaluated at ``axis - h``, ``axis`` and ``axis + h`` and the shift is a quadratic Lagrange
    interpolation between the three: three matrix products, exact up to ``O(shift**3)``
    (about 1e-5 absorbance for the narrowest band and a 1 nm shift).
    """
    t = -shifts / SHIFT_NODE_NM
    node_weights = (0.5 * t * (t - 1.0), 1.0 - t**2, 0.5 * t * (t + 1.0))
    absorbance = np.zeros((weights.shape[0], axis.shape[0]), dtype=np.float64)
    for offset, node_weight in zip((-1.0, 0.0, 1.0), node_weights, strict=True):
        pure = component_spectra(names, axis + offset * SHIFT_NODE_NM)
        absorbance += (weights * node_weight[:, None]) @ pure
    return absorbance
