"""EMSC distortions, stray light, detector roll-off, temperature and edge artefacts."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.operators.augmentation import (
    DetectorRollOffAugmenter,
    EdgeArtifactsAugmenter,
    EMSCDistortionAugmenter,
    StrayLightAugmenter,
    TemperatureAugmenter,
)

NM = np.linspace(1000.0, 2500.0, 90)


@pytest.fixture
def spectra():
    rng = np.random.default_rng(8)
    bands = 1.5 * np.exp(-0.5 * ((NM - 1940.0) / 40.0) ** 2)
    return 0.2 + bands[None, :] * rng.uniform(0.5, 1.5, size=(6, 1))


def test_emsc_distortion_is_gain_offset_and_polynomial(spectra, row_generators):
    augmenter = EMSCDistortionAugmenter(polynomial_order=3, random_state=1)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    u = (NM - 1000.0) / 750.0 - 1.0
    for row, new, gen in zip(spectra, out, row_generators(1, spectra), strict=True):
        b, a = gen.uniform(0.9, 1.1), gen.uniform(-0.02, 0.02)
        d = gen.uniform(-0.02, 0.02, size=3)
        expected = b * row + a + d[0] * u + d[1] * u**2 + d[2] * u**3
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_stray_light_follows_the_transmittance_model(spectra, row_generators):
    augmenter = StrayLightAugmenter(stray_light_range=(0.001, 0.05), random_state=2)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(2, spectra), strict=True):
        s = gen.uniform(0.001, 0.05)
        expected = -np.log10((10.0**-row + s) / (1.0 + s))
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)
        assert np.all(new <= row + 1e-12)  # stray light only lowers absorbance
        assert new.max() < np.log10((1 + s) / s)


def test_stray_light_is_finite_for_any_absorbance():
    X = np.array([[-400.0, -1.0, 0.0, 3.0, 400.0]])
    out = StrayLightAugmenter(stray_light_range=(0.01, 0.01)).fit(X).transform(X)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out[0, 0], -400.0 + np.log10(1.01), rtol=0, atol=1e-9)
    np.testing.assert_allclose(out[0, -1], np.log10(101.0), rtol=0, atol=1e-9)


def test_detector_roll_off_raises_the_ends(spectra, row_generators):
    augmenter = DetectorRollOffAugmenter(depth_range=(0.1, 0.3), edge_width=0.1, random_state=3)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    t = (NM - 1000.0) / 1500.0
    for row, new, gen in zip(spectra, out, row_generators(3, spectra), strict=True):
        depth = gen.uniform(0.1, 0.3)
        response = 1 - depth * (np.exp(-t / 0.1) + np.exp(-(1 - t) / 0.1))
        np.testing.assert_allclose(new, row - np.log10(response), rtol=0, atol=1e-10)
        rise = new - row
        assert rise[0] > rise[45] < rise[-1]


@pytest.mark.parametrize(
    "augmenter",
    [
        EMSCDistortionAugmenter((1, 1), (0, 0), 2, (0, 0)),
        StrayLightAugmenter(stray_light_range=(0, 0)),
        DetectorRollOffAugmenter(depth_range=(0, 0)),
        TemperatureAugmenter(temperature_range=(0, 0)),
        EdgeArtifactsAugmenter(amplitude_range=(0, 0)),
    ],
)
def test_physics_at_zero_strength_is_the_identity(augmenter, spectra):
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    np.testing.assert_allclose(out, spectra, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (EMSCDistortionAugmenter(multiplicative_range=(-1, 1)), "multiplicative_range"),
        (EMSCDistortionAugmenter(polynomial_order=-1), "polynomial_order"),
        (StrayLightAugmenter(stray_light_range=(-0.1, 0)), "stray_light_range"),
        (DetectorRollOffAugmenter(depth_range=(0, 0.6)), "depth_range"),
        (DetectorRollOffAugmenter(edge_width=0), "edge_width"),
    ],
)
def test_invalid_physics_parameters_are_rejected_at_fit(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)


def test_temperature_shifts_and_rescales_by_the_drawn_change(spectra, row_generators):
    augmenter = TemperatureAugmenter(temperature_range=(-10, 10), random_state=4)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    for row, new, gen in zip(spectra, out, row_generators(4, spectra), strict=True):
        delta = gen.uniform(-10, 10)
        expected = (1 - 0.002 * delta) * np.interp(NM + 0.3 * delta, NM, row)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


def test_warming_moves_the_band_to_shorter_wavelengths():
    axis = np.linspace(1800.0, 2100.0, 3001)
    X = np.exp(-0.5 * ((axis - 1940.0) / 30.0) ** 2)[None, :]
    out = TemperatureAugmenter(temperature_range=(10, 10)).fit(X, wavelengths=axis).transform(X)
    assert axis[np.argmax(out[0])] == pytest.approx(1937.0, abs=0.11)
    assert out.max() == pytest.approx(0.98, abs=1e-3)


def test_edge_artifacts_bend_each_end_independently(spectra, row_generators):
    augmenter = EdgeArtifactsAugmenter(amplitude_range=(-0.1, 0.1), random_state=5)
    out = augmenter.fit(spectra, wavelengths=NM).transform(spectra)
    t = (NM - 1000.0) / 1500.0
    for row, new, gen in zip(spectra, out, row_generators(5, spectra), strict=True):
        low, high = gen.uniform(-0.1, 0.1, 2)
        expected = row + low * np.exp(-t / 0.05) + high * np.exp(-(1 - t) / 0.05)
        np.testing.assert_allclose(new, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize(
    ("augmenter", "message"),
    [
        (TemperatureAugmenter(temperature_range=(5, -5)), "temperature_range"),
        (TemperatureAugmenter(shift_per_kelvin=np.nan), "shift_per_kelvin"),
        (TemperatureAugmenter(intensity_per_kelvin="x"), "intensity_per_kelvin"),
        (EdgeArtifactsAugmenter(edge_width=-1), "edge_width"),
        (EdgeArtifactsAugmenter(amplitude_range=(1, 0)), "amplitude_range"),
    ],
)
def test_invalid_temperature_and_edge_parameters_are_rejected(augmenter, message, spectra):
    with pytest.raises(ValueError, match=message):
        augmenter.fit(spectra)
