"""GaussianAdditiveNoise, MultiplicativeNoise, SpikeNoise, ChannelDropout: formulas and noise."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.operators.augmentation import (
    ChannelDropout,
    GaussianAdditiveNoise,
    MultiplicativeNoise,
    SpikeNoise,
)


@pytest.fixture
def spectra():
    rng = np.random.default_rng(5)
    grid = np.linspace(0.0, 4.0, 60)
    return 0.5 + np.cos(grid)[None, :] * rng.uniform(0.5, 1.5, size=(10, 1))


def test_additive_noise_is_white_noise_of_sd_sigma_by_default(spectra, row_generators):
    out = GaussianAdditiveNoise(sigma=0.03, random_state=4).fit(spectra).transform(spectra)
    expected = [
        row + 0.03 * gen.standard_normal(spectra.shape[1])
        for row, gen in zip(spectra, row_generators(4, spectra), strict=True)
    ]
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-10)


def test_smoothed_additive_noise_follows_its_formula(spectra, row_generators):
    width = 7
    out = (
        GaussianAdditiveNoise(sigma=0.02, smoothing_kernel_width=width, random_state=1)
        .fit(spectra)
        .transform(spectra)
    )
    offsets = np.arange(width) - 3.0
    taps = np.exp(-0.5 * (offsets / (width / 6.0)) ** 2)
    taps /= np.linalg.norm(taps)
    for row, new, gen in zip(spectra, out, row_generators(1, spectra), strict=True):
        white = gen.standard_normal(spectra.shape[1] + width - 1)
        smoothed = np.array([white[j : j + width] @ taps[::-1] for j in range(spectra.shape[1])])
        np.testing.assert_allclose(new, row + 0.02 * smoothed, rtol=0, atol=1e-10)


@pytest.mark.parametrize("width", [1, 9])
def test_additive_noise_has_sd_sigma_whatever_the_smoothing(width):
    X = np.zeros((4000, 30)) + np.arange(4000.0)[:, None]  # distinct rows, distinct seeds
    noise = GaussianAdditiveNoise(sigma=0.5, smoothing_kernel_width=width).fit(X).transform(X) - X
    assert abs(noise.mean()) < 0.01
    assert noise.std() == pytest.approx(0.5, rel=0.01)
    lag_one = np.mean(noise[:, 1:] * noise[:, :-1]) / noise.var()
    if width == 1:
        assert abs(lag_one) < 0.02
    else:
        assert lag_one > 0.8  # neighbouring wavelengths share most of their noise


def test_multiplicative_noise_scales_each_spectrum_by_one_gain(spectra, row_generators):
    out = MultiplicativeNoise(sigma_gain=0.1, random_state=2).fit(spectra).transform(spectra)
    gains = [1.0 + 0.1 * gen.standard_normal(1)[0] for gen in row_generators(2, spectra)]
    np.testing.assert_allclose(out, spectra * np.array(gains)[:, None], rtol=0, atol=1e-10)


def test_per_wavelength_multiplicative_noise_has_gain_sd_sigma():
    X = np.ones((2000, 40)) + np.arange(2000.0)[:, None]
    out = MultiplicativeNoise(sigma_gain=0.05, per_wavelength=True).fit(X).transform(X)
    gains = out / X
    assert gains.mean() == pytest.approx(1.0, abs=0.002)
    assert gains.std() == pytest.approx(0.05, rel=0.02)
    assert np.std(gains[:, 0] - gains[:, 1]) > 0.05  # not one gain per row


def test_spikes_hit_distinct_columns_with_drawn_heights(spectra, row_generators):
    augmenter = SpikeNoise(n_spikes_range=(2, 4), amplitude_range=(0.1, 0.3), random_state=6)
    out = augmenter.fit(spectra).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(6, spectra), strict=True):
        count = int(gen.integers(2, 5))
        columns = gen.choice(spectra.shape[1], size=count, replace=False)
        heights = gen.uniform(0.1, 0.3, size=count)
        signs = np.where(gen.random(count) < 0.5, -1.0, 1.0)
        expected = row.copy()
        expected[columns] += signs * heights
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        assert 2 <= np.count_nonzero(new != row) <= 4


def test_more_spikes_than_columns_hit_every_column_once():
    X = np.zeros((3, 2)) + np.arange(3.0)[:, None]
    out = SpikeNoise(n_spikes_range=(5, 5), amplitude_range=(1.0, 1.0)).fit(X).transform(X)
    np.testing.assert_allclose(np.abs(out - X), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("fill", ["interpolate", "zero"])
def test_channel_dropout_fills_the_dropped_channels(fill, spectra, row_generators):
    out = (
        ChannelDropout(dropout_prob=0.3, fill=fill, random_state=8).fit(spectra).transform(spectra)
    )
    columns = np.arange(spectra.shape[1])
    for row, new, gen in zip(spectra, out, row_generators(8, spectra), strict=True):
        dropped = gen.random(spectra.shape[1]) < 0.3
        expected = row.copy()
        if fill == "zero":
            expected[dropped] = 0.0
        else:
            expected[dropped] = np.interp(columns[dropped], columns[~dropped], row[~dropped])
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_channel_dropout_drops_the_requested_fraction():
    X = np.arange(500.0)[:, None] + np.zeros((500, 100))
    out = ChannelDropout(dropout_prob=0.1, fill="zero").fit(X + 1).transform(X + 1)
    assert np.mean(out == 0.0) == pytest.approx(0.1, abs=0.005)


def test_dropping_every_channel_leaves_an_interpolated_spectrum_unchanged(spectra):
    out = ChannelDropout(dropout_prob=1.0).fit(spectra).transform(spectra)
    np.testing.assert_array_equal(out, spectra)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (GaussianAdditiveNoise(sigma=-1), "sigma"),
        (GaussianAdditiveNoise(smoothing_kernel_width=0), "smoothing_kernel_width"),
        (GaussianAdditiveNoise(smoothing_kernel_width=2.5), "smoothing_kernel_width"),
        (MultiplicativeNoise(sigma_gain=np.inf), "sigma_gain"),
        (SpikeNoise(n_spikes_range=(1.5, 2)), "n_spikes_range"),
        (SpikeNoise(n_spikes_range=(3, 1)), "n_spikes_range"),
        (SpikeNoise(amplitude_range=(-1, 1)), "amplitude_range"),
        (ChannelDropout(dropout_prob=1.5), "dropout_prob"),
        (ChannelDropout(fill="mean"), "fill"),
    ],
)
def test_invalid_noise_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)
