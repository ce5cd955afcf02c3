"""Band augmenters drawn for all rows at once equal the row-by-row algorithm bit for bit.

Each reference below is the per-row loop of ``RowDraw`` calls (one row's stream, call after
call) that these augmenters ran before their draws were made for all rows at once.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nirs4all.operators.augmentation import (
    BandMasking,
    BandPerturbation,
    ChannelDropout,
    DeadBandAugmenter,
    LocalClipping,
    SpikeNoise,
)
from nirs4all.operators.augmentation._base import checked_keys


def streams(estimator, X):
    """The streams ``transform`` gives the rows of ``X`` (copy 0, first occurrence)."""
    return estimator._generators(checked_keys(X), np.zeros(X.shape[0], dtype=np.intp))


def draw_band(gen, axis, widths):
    centre = gen.uniform(axis.min(), axis.max())
    width = gen.uniform(*widths)
    return np.abs(axis - centre) <= width / 2.0


def reference_dead_band(est, X, axis):
    out, low, high = X.copy(), *est.n_bands_range
    for row, gen in zip(out, streams(est, X), strict=True):
        for _ in range(gen.integers(low, high + 1)):
            band = draw_band(gen, axis, est.width_range)
            noise = gen.standard_normal(axis.shape[0])
            if band.any():
                row[band] = row[band].mean() + est.noise_std * noise[band]
    return out


def reference_band_masking(est, X, axis):
    out, (low, high), order = X.copy(), est.n_bands_range, np.argsort(axis)
    for row, gen in zip(out, streams(est, X), strict=True):
        masked = np.zeros(axis.shape, dtype=bool)
        for _ in range(gen.integers(low, high + 1)):
            masked |= draw_band(gen, axis, est.width_range)
        if masked.any() and not masked.all():
            kept = order[~masked[order]]
            row[masked] = np.interp(axis[masked], axis[kept], row[kept])
    return out


def reference_band_perturbation(est, X, axis):
    out, (low, high) = X.copy(), est.n_bands_range
    for row, gen in zip(out, streams(est, X), strict=True):
        for _ in range(gen.integers(low, high + 1)):
            centre = gen.uniform(axis.min(), axis.max())
            width = gen.uniform(*est.width_range)
            gain = gen.uniform(*est.gain_range)
            offset = gen.uniform(*est.offset_range)
            window = np.exp(-4.0 * np.log(2.0) * (axis - centre) ** 2 / width**2)
            row[:] = row * (1.0 + (gain - 1.0) * window) + offset * window
    return out


def reference_local_clipping(est, X, axis):
    out, (low, high) = X.copy(), est.n_regions_range
    for row, gen in zip(out, streams(est, X), strict=True):
        for _ in range(gen.integers(low, high + 1)):
            band = draw_band(gen, axis, est.width_range)
            level = gen.uniform(*est.level_range)
            if band.any():
                bottom, top = row[band].min(), row[band].max()
                row[band] = np.minimum(row[band], bottom + level * (top - bottom))
    return out


def reference_spikes(est, X):
    out, (low, high) = X.copy(), est.n_spikes_range
    for row, gen in zip(out, streams(est, X), strict=True):
        count = min(int(gen.integers(low, high + 1)), X.shape[1])
        columns = gen.choice(X.shape[1], count)
        heights = gen.uniform(*est.amplitude_range, size=count)
        signs = np.where(gen.random(count) < 0.5, -1.0, 1.0)
        row[columns] += signs * heights
    return out


def reference_dropout(est, X):
    out, columns = X.copy(), np.arange(X.shape[1])
    dropped_rows = streams(est, X).random(X.shape[1]) < est.dropout_prob
    for row, dropped in zip(out, dropped_rows, strict=True):
        if est.fill == "zero":
            row[dropped] = 0.0
        elif dropped.any() and not dropped.all():
            row[dropped] = np.interp(columns[dropped], columns[~dropped], row[~dropped])
    return out


@st.composite
def spectra_and_axis(draw):
    n_rows = draw(st.integers(1, 12))
    n_columns = draw(st.integers(2, 70))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, n_columns)).cumsum(axis=1)
    axis = 1000.0 + np.cumsum(rng.uniform(0.2, 3.0, n_columns))
    if draw(st.booleans()):
        axis = axis[::-1].copy()
    return X, axis


counts = st.tuples(st.integers(0, 4), st.integers(0, 3)).map(lambda p: (p[0], p[0] + p[1]))
widths = st.tuples(st.floats(0.0, 40.0), st.floats(0.0, 80.0)).map(lambda p: (p[0], p[0] + p[1]))
seeds = st.integers(0, 2**31 - 1)


def transformed(est, X, axis=None):
    kwargs = {} if axis is None else {"wavelengths": axis}
    return est.fit(X, **kwargs).transform(X)


@settings(max_examples=40, deadline=None)
@given(spectra_and_axis(), counts, widths, st.floats(0.0, 0.5), seeds)
def test_dead_bands_equal_the_row_by_row_draws(data, count_range, width_range, noise, seed):
    X, axis = data
    est = DeadBandAugmenter(count_range, width_range, noise, random_state=seed)
    assert np.array_equal(transformed(est, X, axis), reference_dead_band(est, X, axis))


@settings(max_examples=40, deadline=None)
@given(spectra_and_axis(), counts, widths, seeds)
def test_masked_bands_equal_the_row_by_row_interpolation(data, count_range, width_range, seed):
    X, axis = data
    est = BandMasking(count_range, width_range, random_state=seed)
    assert np.array_equal(transformed(est, X, axis), reference_band_masking(est, X, axis))


@settings(max_examples=40, deadline=None)
@given(spectra_and_axis(), counts, widths, seeds)
def test_perturbed_bands_equal_the_row_by_row_draws(data, count_range, width_range, seed):
    X, axis = data
    est = BandPerturbation(
        count_range, (width_range[0] + 0.5, width_range[1] + 0.5), (0.0, 2.0), (-1.0, 1.0), seed
    )
    assert np.array_equal(transformed(est, X, axis), reference_band_perturbation(est, X, axis))


@settings(max_examples=40, deadline=None)
@given(spectra_and_axis(), counts, widths, st.floats(0.0, 1.0), seeds)
def test_clipped_bands_equal_the_row_by_row_draws(data, count_range, width_range, level, seed):
    X, axis = data
    est = LocalClipping(count_range, width_range, (level, 1.0), random_state=seed)
    assert np.array_equal(transformed(est, X, axis), reference_local_clipping(est, X, axis))


@settings(max_examples=40, deadline=None)
@given(spectra_and_axis(), st.integers(0, 80), st.integers(0, 80), seeds)
def test_spikes_equal_the_row_by_row_choice(data, low, extra, seed):
    X, _ = data
    est = SpikeNoise((low, low + extra), (0.0, 1.0), random_state=seed)
    assert np.array_equal(transformed(est, X), reference_spikes(est, X))


@settings(max_examples=40, deadline=None)
@given(spectra_and_axis(), st.floats(0.0, 1.0), st.sampled_from(["interpolate", "zero"]), seeds)
def test_dropped_channels_equal_the_row_by_row_interpolation(data, prob, fill, seed):
    X, _ = data
    est = ChannelDropout(prob, fill, random_state=seed)
    assert np.array_equal(transformed(est, X), reference_dropout(est, X))


def test_rows_of_many_bands_and_copies_equal_the_row_by_row_draws():
    rng = np.random.default_rng(4)
    X, axis = rng.normal(size=(40, 300)).cumsum(axis=1), np.linspace(2500.0, 1000.0, 300)
    est = DeadBandAugmenter((0, 6), (1.0, 200.0), 0.1, random_state=8).fit(X, wavelengths=axis)
    assert np.array_equal(est.transform(X), reference_dead_band(est, X, axis))
    clip = LocalClipping((2, 7), (0.0, 300.0), (0.0, 1.0), random_state=1)
    assert np.array_equal(transformed(clip, X, axis), reference_local_clipping(clip, X, axis))
