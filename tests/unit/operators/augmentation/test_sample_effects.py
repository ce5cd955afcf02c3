"""Moisture and particle-size augmenters, and the arc-length spline simplification."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.operators.augmentation import (
    MoistureAugmenter,
    ParticleSizeAugmenter,
    Spline_Curve_Simplification,
)

NM = np.linspace(1000.0, 2500.0, 120)


@pytest.fixture
def spectra():
    rng = np.random.default_rng(11)
    bands = np.exp(-0.5 * ((NM - 1700.0) / 30.0) ** 2)
    return 0.3 + bands[None, :] * rng.uniform(0.5, 1.5, size=(7, 1))


def _water(nm):
    """Water shape written out band by band from Buning-Pfaue (2003)."""
    total = np.zeros_like(nm)
    for centre, fwhm, strength in ((970, 40, 0.04), (1190, 50, 0.06), (1450, 80, 0.45),
                                   (1940, 100, 1.0)):
        sigma = fwhm / 2.354820045030949
        total += strength * np.exp(-((nm - centre) ** 2) / (2 * sigma**2))
    return total


def test_moisture_is_a_beer_lambert_mixture_with_water(spectra, row_generators):
    augmenter = MoistureAugmenter(moisture_range=(-0.1, 0.1), water_absorbance=2.0,
                                  random_state=4)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(4, spectra), strict=True):
        dm = gen.uniform(-0.1, 0.1)
        expected = (1 - dm) * row + dm * 2.0 * _water(NM)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_moisture_peaks_at_the_water_band_and_reads_a_wavenumber_axis(spectra):
    wetter = MoistureAugmenter(moisture_range=(0.05, 0.05))
    X = np.zeros((1, NM.size))
    change = wetter.fit(X, wavelengths=NM).transform(X)[0]
    assert abs(NM[np.argmax(change)] - 1940.0) < 15.0
    wavenumbers = 1e7 / NM
    in_cm = MoistureAugmenter(moisture_range=(0.05, 0.05), unit="cm-1")
    np.testing.assert_allclose(in_cm.fit(X, wavelengths=wavenumbers).transform(X)[0], change,
                               rtol=0, atol=1e-12)


def test_particle_size_is_path_gain_and_scatter_baseline(spectra, row_generators):
    augmenter = ParticleSizeAugmenter(size_ratio_range=(0.5, 2.0), path_exponent=0.7,
                                      scatter_amplitude=0.1, wavelength_exponent=2.0,
                                      random_state=5)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(5, spectra), strict=True):
        r = np.exp(gen.uniform(np.log(0.5), np.log(2.0)))
        expected = r**0.7 * row - 0.1 * np.log(r) * (NM / 1750.0) ** -2.0
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_coarser_particles_raise_bands_and_lower_the_short_wavelength_baseline():
    X = np.full((1, NM.size), 0.5)
    coarser = ParticleSizeAugmenter(size_ratio_range=(1.5, 1.5)).fit(X, wavelengths=NM)
    out = coarser.transform(X)[0]
    assert out[0] < out[-1]  # the scatter loss is largest at short wavelengths
    in_cm = ParticleSizeAugmenter(size_ratio_range=(1.5, 1.5), unit="cm-1")
    np.testing.assert_allclose(in_cm.fit(X, wavelengths=1e7 / NM).transform(X)[0], out,
                               rtol=0, atol=1e-12)


def _arc_length(row):
    t = np.linspace(0.0, 1.0, row.size)
    v = (row - row.min()) / (row.max() - row.min())
    lengths = [0.0]
    for j in range(1, row.size):
        lengths.append(lengths[-1] + np.sqrt((t[j] - t[j - 1]) ** 2 + (v[j] - v[j - 1]) ** 2))
    return np.array(lengths)


def test_curve_simplification_keeps_points_drawn_along_the_arc_length(spectra, row_generators):
    from scipy.interpolate import make_interp_spline

    augmenter = Spline_Curve_Simplification(spline_points=15, random_state=6)
    out = augmenter.fit(spectra).transform(spectra)
    columns = np.arange(NM.size, dtype=float)
    for row, new, gen in zip(spectra, out, row_generators(6, spectra), strict=True):
        length = _arc_length(row)
        drawn = gen.uniform(0.0, length[-1], size=13)
        kept = sorted({0, NM.size - 1} | {int(np.argmax(length >= s)) for s in drawn})
        expected = make_interp_spline(columns[kept], row[kept], k=3)(columns)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        np.testing.assert_allclose(new[kept], row[kept], rtol=0, atol=1e-10)


def test_curve_simplification_keeps_more_points_on_the_peak_than_on_the_flat():
    row = 0.3 + np.exp(-0.5 * ((NM - 1700.0) / 30.0) ** 2)
    length = _arc_length(row)
    on_peak = (NM > 1610) & (NM < 1790)
    # the peak holds 12% of the columns but most of the curve's length
    assert on_peak.mean() < 0.15
    assert np.ptp(length[on_peak]) / length[-1] > 0.5


@pytest.mark.parametrize(
    ("augmenter", "name"),
    [
        (MoistureAugmenter(moisture_range=(-2, 0)), "moisture_range"),
        (MoistureAugmenter(moisture_range=(0, 2)), "moisture_range"),
        (MoistureAugmenter(water_absorbance=-1.0), "water_absorbance"),
        (MoistureAugmenter(unit="um"), "unit"),
        (ParticleSizeAugmenter(size_ratio_range=(0, 1)), "size_ratio_range"),
        (ParticleSizeAugmenter(path_exponent=np.inf), "path_exponent"),
        (ParticleSizeAugmenter(scatter_amplitude=-1), "scatter_amplitude"),
        (ParticleSizeAugmenter(wavelength_exponent=-1), "wavelength_exponent"),
        (ParticleSizeAugmenter(unit="A"), "unit"),
        (Spline_Curve_Simplification(spline_points=1), "spline_points"),
        (Spline_Curve_Simplification(spline_degree=0), "spline_degree"),
    ],
)
def test_invalid_parameters_are_named(augmenter, name):
    with pytest.raises(ValueError, match=name):
        augmenter.fit(np.ones((3, 5)))
