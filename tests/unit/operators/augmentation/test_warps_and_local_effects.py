"""Axis-aware augmenters (baselines, stretch, warps, blur, bands, clipping): their formulas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from nirs4all.operators.augmentation import (
    BandMasking,
    BandPerturbation,
    GaussianSmoothingJitter,
    LocalClipping,
    LocalWavelengthWarp,
    PolynomialBaselineDrift,
    SmoothMagnitudeWarp,
    UnsharpSpectralMask,
    WavelengthStretch,
)

NM = np.linspace(1000.0, 1600.0, 80)  # nm, 7.6 nm apart


@pytest.fixture
def spectra():
    rng = np.random.default_rng(9)
    bands = np.exp(-0.5 * ((NM - 1200.0) / 30.0) ** 2) + np.exp(-0.5 * ((NM - 1450.0) / 40.0) ** 2)
    return 0.2 + bands[None, :] * rng.uniform(0.5, 1.5, size=(8, 1))


def smooth(row, axis, sigma):
    kernel = np.exp(-0.5 * ((axis[:, None] - axis[None, :]) / sigma) ** 2)
    return (kernel / kernel.sum(axis=1, keepdims=True)) @ row


def test_polynomial_baseline_adds_the_drawn_polynomial(spectra, row_generators):
    out = (
        PolynomialBaselineDrift(degree=2, coefficient_range=(-0.1, 0.1), random_state=3)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    u = (NM - 1000.0) / 300.0 - 1.0
    for row, new, gen in zip(spectra, out, row_generators(3, spectra), strict=True):
        c0, c1, c2 = gen.uniform(-0.1, 0.1, size=3)
        np.testing.assert_allclose(new, row + c0 + c1 * u + c2 * u**2, rtol=0, atol=1e-10)


def test_wavelength_stretch_rescales_the_axis_about_its_centre(spectra, row_generators):
    out = (
        WavelengthStretch(stretch_range=(0.9, 1.1), random_state=2)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(2, spectra), strict=True):
        factor = gen.uniform(0.9, 1.1)
        expected = np.interp(1300.0 + (NM - 1300.0) / factor, NM, row)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_a_stretch_above_one_moves_a_band_away_from_the_centre(spectra):
    out = (
        WavelengthStretch(stretch_range=(1.1, 1.1)).fit(spectra, wavelengths=NM).transform(spectra)
    )
    peak_before = NM[np.argmax(spectra[0] * (NM < 1300))]
    peak_after = NM[np.argmax(out[0] * (NM < 1300))]
    assert peak_after == pytest.approx(1300 - 1.1 * (1300 - peak_before), abs=8.0)


def test_local_warp_shifts_by_the_spline_through_the_knot_shifts(spectra, row_generators):
    out = (
        LocalWavelengthWarp(n_control_points=4, max_shift=5.0, random_state=1)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    t = (NM - 1000.0) / 600.0
    for row, new, gen in zip(spectra, out, row_generators(1, spectra), strict=True):
        shift = CubicSpline(np.linspace(0, 1, 4), gen.uniform(-5.0, 5.0, 4))(t)
        np.testing.assert_allclose(new, np.interp(NM - shift, NM, row), rtol=0, atol=1e-10)


def test_one_control_point_is_a_constant_shift_in_nm(spectra, row_generators):
    out = (
        LocalWavelengthWarp(n_control_points=1, max_shift=10.0, random_state=5)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(5, spectra), strict=True):
        shift = gen.uniform(-10.0, 10.0, 1)[0]
        np.testing.assert_allclose(new, np.interp(NM - shift, NM, row), rtol=0, atol=1e-10)


def test_magnitude_warp_multiplies_by_the_spline_through_the_gains(spectra, row_generators):
    out = (
        SmoothMagnitudeWarp(n_control_points=6, gain_range=(0.8, 1.2), random_state=7)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    t = (NM - 1000.0) / 600.0
    for row, new, gen in zip(spectra, out, row_generators(7, spectra), strict=True):
        gain = CubicSpline(np.linspace(0, 1, 6), gen.uniform(0.8, 1.2, 6))(t)
        np.testing.assert_allclose(new, row * gain, rtol=0, atol=1e-10)


def test_smoothing_jitter_is_a_gaussian_kernel_smoother_in_nm(spectra, row_generators):
    out = (
        GaussianSmoothingJitter(sigma_range=(5.0, 15.0), random_state=4)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(4, spectra), strict=True):
        np.testing.assert_allclose(new, smooth(row, NM, gen.uniform(5.0, 15.0)), atol=1e-10)


def test_unsharp_mask_amplifies_the_detail_finer_than_sigma(spectra, row_generators):
    out = (
        UnsharpSpectralMask(amount_range=(0.2, 0.8), sigma=12.0, random_state=6)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(6, spectra), strict=True):
        amount = gen.uniform(0.2, 0.8)
        expected = row + amount * (row - smooth(row, NM, 12.0))
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_band_masking_bridges_the_masked_bands_linearly(spectra, row_generators):
    out = (
        BandMasking(n_bands_range=(1, 3), width_range=(20.0, 60.0), random_state=2)
        .fit(spectra, wavelengths=NM)
        .transform(spectra)
    )
    for row, new, gen in zip(spectra, out, row_generators(2, spectra), strict=True):
        masked = np.zeros(NM.shape, dtype=bool)
        for _ in range(int(gen.integers(1, 4))):
            centre = gen.uniform(1000.0, 1600.0)
            masked |= np.abs(NM - centre) <= gen.uniform(20.0, 60.0) / 2
        expected = row.copy()
        expected[masked] = np.interp(NM[masked], NM[~masked], row[~masked])
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        assert masked.any()


def test_band_perturbation_scales_and_offsets_gaussian_windows(spectra, row_generators):
    augmenter = BandPerturbation(
        n_bands_range=(2, 2), width_range=(30.0, 90.0), gain_range=(0.5, 1.5), random_state=3
    )
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(3, spectra), strict=True):
        expected = row.copy()
        for _ in range(int(gen.integers(2, 3))):
            centre, width = gen.uniform(1000.0, 1600.0), gen.uniform(30.0, 90.0)
            gain, offset = gen.uniform(0.5, 1.5), gen.uniform(-0.01, 0.01)
            window = 2.0 ** (-4.0 * (NM - centre) ** 2 / width**2)  # exp(-4 ln2 d^2 / h^2)
            expected = expected * (1 + (gain - 1) * window) + offset * window
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_local_clipping_caps_a_band_at_a_fraction_of_its_range(spectra, row_generators):
    augmenter = LocalClipping(n_regions_range=(1, 1), width_range=(100.0, 200.0), random_state=8)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(8, spectra), strict=True):
        assert gen.integers(1, 2) == 1  # the number of regions is a draw (call) of its own
        centre = gen.uniform(1000.0, 1600.0)
        band = np.abs(NM - centre) <= gen.uniform(100.0, 200.0) / 2
        level = gen.uniform(0.8, 1.0)
        cap = row[band].min() + level * (row[band].max() - row[band].min())
        np.testing.assert_allclose(new, np.where(band, np.minimum(row, cap), row), atol=1e-10)
        assert new.max() <= row.max()


@pytest.mark.parametrize(
    ("cls", "lengths"),
    [
        (LocalWavelengthWarp, {"max_shift": 6.0}),
        (GaussianSmoothingJitter, {"sigma_range": (4.0, 9.0)}),
        (UnsharpSpectralMask, {"sigma": 10.0}),
        (BandMasking, {"width_range": (20.0, 50.0)}),
        (BandPerturbation, {"width_range": (20.0, 50.0)}),
        (LocalClipping, {"width_range": (50.0, 90.0)}),
        (WavelengthStretch, {}),
        (PolynomialBaselineDrift, {}),
        (SmoothMagnitudeWarp, {}),
    ],
)
def test_parameters_in_axis_units_follow_the_axis(cls, lengths, spectra):
    """The same spectra on an axis in micrometres, with lengths in micrometres: same output."""
    in_nm = cls(**lengths).fit(spectra, wavelengths=NM).transform(spectra)
    in_um = cls(**{name: np.divide(value, 1000.0) for name, value in lengths.items()})
    in_um = in_um.fit(spectra, wavelengths=NM / 1000.0).transform(spectra)
    np.testing.assert_allclose(in_um, in_nm, rtol=0, atol=1e-9)
    assert not np.allclose(in_nm, spectra)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (PolynomialBaselineDrift(degree=-1), "degree"),
        (PolynomialBaselineDrift(coefficient_range=(1, 0)), "coefficient_range"),
        (WavelengthStretch(stretch_range=(0, 1)), "stretch_range"),
        (LocalWavelengthWarp(n_control_points=0), "n_control_points"),
        (LocalWavelengthWarp(max_shift=-1), "max_shift"),
        (SmoothMagnitudeWarp(gain_range=(-1, 1)), "gain_range"),
        (GaussianSmoothingJitter(sigma_range=(-1, 1)), "sigma_range"),
        (UnsharpSpectralMask(sigma=0), "sigma"),
        (UnsharpSpectralMask(amount_range=(-1, 0)), "amount_range"),
        (BandMasking(n_bands_range=(0, 1.5)), "n_bands_range"),
        (BandPerturbation(width_range=(0, 1)), "width_range"),
        (LocalClipping(level_range=(0.5, 1.5)), "level_range"),
    ],
)
def test_invalid_axis_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)
