"""Path length, batch effects, instrument broadening, heteroscedastic noise, dead bands."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.operators.augmentation import (
    BatchEffectAugmenter,
    DeadBandAugmenter,
    HeteroscedasticNoiseAugmenter,
    InstrumentalBroadeningAugmenter,
    PathLengthAugmenter,
)

NM = np.linspace(900.0, 1700.0, 70)


@pytest.fixture
def spectra():
    rng = np.random.default_rng(4)
    bands = np.exp(-0.5 * ((NM - 1200.0) / 15.0) ** 2) + 0.5 * np.exp(
        -0.5 * ((NM - 1500) / 40) ** 2
    )
    return 0.1 + bands[None, :] * rng.uniform(0.5, 1.5, size=(7, 1))


def test_path_length_scales_by_the_clipped_normal_length(spectra, row_generators):
    out = (
        PathLengthAugmenter(path_length_std=0.8, min_path_length=0.6, random_state=1)
        .fit(spectra)
        .transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(1, spectra), strict=True):
        length = max(1.0 + 0.8 * gen.standard_normal(), 0.6)
        np.testing.assert_allclose(new, length * row, rtol=0, atol=1e-10)
    assert np.all(out / spectra >= 0.6 - 1e-12)


def test_path_length_has_the_requested_spread():
    X = np.ones((3000, 4)) + np.arange(3000.0)[:, None]
    ratios = (PathLengthAugmenter(path_length_std=0.05).fit(X).transform(X) / X)[:, 0]
    assert ratios.mean() == pytest.approx(1.0, abs=0.004)
    assert ratios.std() == pytest.approx(0.05, rel=0.05)


def test_batch_effect_is_gain_offset_and_tilt(spectra, row_generators):
    out = BatchEffectAugmenter(random_state=2).fit(spectra, wavelengths=NM).transform(spectra)
    u = (NM - 900.0) / 400.0 - 1.0
    for row, new, gen in zip(spectra, out, row_generators(2, spectra), strict=True):
        e = gen.standard_normal(3)
        expected = (1 + 0.03 * e[0]) * row + 0.02 * e[1] + 0.02 * e[2] * u
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_broadening_smooths_with_the_gaussian_of_the_drawn_fwhm(spectra, row_generators):
    augmenter = InstrumentalBroadeningAugmenter(fwhm=40.0, fwhm_variation=0.5, random_state=3)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(3, spectra), strict=True):
        sigma = gen.uniform(20.0, 60.0) / (2 * np.sqrt(2 * np.log(2)))
        kernel = np.exp(-0.5 * ((NM[:, None] - NM[None, :]) / sigma) ** 2)
        expected = kernel @ row / kernel.sum(axis=1)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        assert new.max() < row.max()  # the narrow band loses height


def test_heteroscedastic_noise_follows_base_plus_signal_dependence(spectra, row_generators):
    out = HeteroscedasticNoiseAugmenter(0.01, 0.1, random_state=4).fit(spectra).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(4, spectra), strict=True):
        expected = row + (0.01 + 0.1 * np.abs(row)) * gen.standard_normal(70)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_heteroscedastic_noise_level_grows_with_the_signal():
    X = np.tile([0.0, 1.0, 4.0], (4000, 1)) + np.arange(4000.0)[:, None] * 1e-9
    noise = HeteroscedasticNoiseAugmenter(0.01, 0.02).fit(X).transform(X) - X
    np.testing.assert_allclose(noise.std(axis=0), [0.01, 0.03, 0.09], rtol=0.04)
    np.testing.assert_allclose(noise.mean(axis=0), 0.0, atol=0.005)


def test_dead_bands_read_their_mean_plus_noise(spectra, row_generators):
    augmenter = DeadBandAugmenter(width_range=(50.0, 100.0), noise_std=0.01, random_state=5)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(5, spectra), strict=True):
        expected = row.copy()
        for _ in range(int(gen.integers(1, 3))):
            centre = gen.uniform(900.0, 1700.0)
            band = np.abs(NM - centre) <= gen.uniform(50.0, 100.0) / 2
            noise = gen.standard_normal(70)
            expected[band] = expected[band].mean() + 0.01 * noise[band]
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (PathLengthAugmenter(path_length_std=-0.1), "path_length_std"),
        (PathLengthAugmenter(min_path_length=-1), "min_path_length"),
        (BatchEffectAugmenter(gain_std=-1), "gain_std"),
        (InstrumentalBroadeningAugmenter(fwhm=-1), "fwhm"),
        (InstrumentalBroadeningAugmenter(fwhm_variation=2), "fwhm_variation"),
        (HeteroscedasticNoiseAugmenter(noise_signal_dep=-1), "noise_signal_dep"),
        (DeadBandAugmenter(n_bands_range=(2, 1)), "n_bands_range"),
        (DeadBandAugmenter(noise_std=-1), "noise_std"),
    ],
)
def test_invalid_instrument_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)
