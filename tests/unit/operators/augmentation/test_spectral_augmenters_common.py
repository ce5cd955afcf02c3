"""Every 0.7 spectral augmenter: identity at zero strength, dtype, seeding, untouched input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils import get_tags

from nirs4all.operators.augmentation import (
    BandMasking,
    BandPerturbation,
    BatchEffectAugmenter,
    ChannelDropout,
    DeadBandAugmenter,
    DetectorRollOffAugmenter,
    EdgeArtifactsAugmenter,
    EMSCDistortionAugmenter,
    GaussianAdditiveNoise,
    GaussianSmoothingJitter,
    HeteroscedasticNoiseAugmenter,
    InstrumentalBroadeningAugmenter,
    LocalClipping,
    LocalWavelengthWarp,
    MoistureAugmenter,
    MultiplicativeNoise,
    ParticleSizeAugmenter,
    PathLengthAugmenter,
    PolynomialBaselineDrift,
    Random_X_Operation,
    Rotate_Translate,
    ScatterSimulationMSC,
    SmoothMagnitudeWarp,
    SpikeNoise,
    Spline_Curve_Simplification,
    Spline_Smoothing,
    Spline_X_Perturbations,
    Spline_X_Simplification,
    Spline_Y_Perturbations,
    StrayLightAugmenter,
    TemperatureAugmenter,
    UnsharpSpectralMask,
    WavelengthStretch,
)

NM = np.linspace(1100.0, 1700.0, 50)
WIDE = {"width_range": (60.0, 120.0)}  # bands wide enough to cover grid points
# (class, parameters of a visible perturbation, parameters of zero strength)
CASES = [
    (GaussianAdditiveNoise, {"smoothing_kernel_width": 3}, {"sigma": 0.0}),
    (MultiplicativeNoise, {}, {"sigma_gain": 0.0}),
    (SpikeNoise, {}, {"n_spikes_range": (0, 0)}),
    (ChannelDropout, {"dropout_prob": 0.3}, {"dropout_prob": 0.0}),
    (PolynomialBaselineDrift, {}, {"coefficient_range": (0.0, 0.0)}),
    (WavelengthStretch, {"stretch_range": (0.9, 1.1)}, {"stretch_range": (1.0, 1.0)}),
    (LocalWavelengthWarp, {"max_shift": 10.0}, {"max_shift": 0.0}),
    (SmoothMagnitudeWarp, {}, {"gain_range": (1.0, 1.0)}),
    (GaussianSmoothingJitter, {"sigma_range": (5.0, 20.0)}, {"sigma_range": (0.0, 0.0)}),
    (UnsharpSpectralMask, {"sigma": 20.0}, {"amount_range": (0.0, 0.0)}),
    (BandMasking, WIDE, {"n_bands_range": (0, 0)}),
    (BandPerturbation, WIDE, {"gain_range": (1.0, 1.0), "offset_range": (0.0, 0.0)}),
    (LocalClipping, WIDE, {"level_range": (1.0, 1.0)}),
    (ScatterSimulationMSC, {}, {"a_range": (0.0, 0.0), "b_range": (1.0, 1.0)}),
    (
        ScatterSimulationMSC,
        {"reference_mode": "mean"},
        {"reference_mode": "mean", "a_range": (0, 0), "b_range": (1, 1)},
    ),
    (Rotate_Translate, {}, {"p_range": 0.0}),
    (Random_X_Operation, {}, {"operator_range": (1.0, 1.0)}),
    (Spline_Smoothing, {"residual_range": (0.2, 0.5)}, {"residual_range": (0.0, 0.0)}),
    (Spline_X_Perturbations, {"perturbation_density": 0.1}, {"perturbation_range": (0, 0)}),
    (Spline_Y_Perturbations, {"spline_points": 6}, {"perturbation_intensity": 0.0}),
    (Spline_X_Simplification, {"spline_points": 8}, {"spline_points": 50}),
    (PathLengthAugmenter, {}, {"path_length_std": 0.0}),
    (BatchEffectAugmenter, {}, {"offset_std": 0.0, "slope_std": 0.0, "gain_std": 0.0}),
    (InstrumentalBroadeningAugmenter, {"fwhm": 30.0}, {"fwhm": 0.0}),
    (HeteroscedasticNoiseAugmenter, {}, {"noise_base": 0.0, "noise_signal_dep": 0.0}),
    (DeadBandAugmenter, WIDE, {"n_bands_range": (0, 0)}),
    (
        EMSCDistortionAugmenter,
        {},
        {"multiplicative_range": (1, 1), "additive_range": (0, 0), "polynomial_range": (0, 0)},
    ),
    (StrayLightAugmenter, {"stray_light_range": (0.01, 0.05)}, {"stray_light_range": (0, 0)}),
    (DetectorRollOffAugmenter, {"depth_range": (0.05, 0.1)}, {"depth_range": (0, 0)}),
    (TemperatureAugmenter, {"shift_per_kelvin": -3.0}, {"temperature_range": (0, 0)}),
    (EdgeArtifactsAugmenter, {}, {"amplitude_range": (0, 0)}),
    (MoistureAugmenter, {"moisture_range": (0.05, 0.1)}, {"moisture_range": (0, 0)}),
    (ParticleSizeAugmenter, {}, {"size_ratio_range": (1, 1)}),
    (Spline_Curve_Simplification, {"spline_points": 8}, {"spline_points": 50}),
]
WITHOUT_AXIS = (
    GaussianAdditiveNoise,
    MultiplicativeNoise,
    SpikeNoise,
    ChannelDropout,
    ScatterSimulationMSC,
    Rotate_Translate,
    Random_X_Operation,
    Spline_Smoothing,
    Spline_X_Perturbations,
    Spline_Y_Perturbations,
    Spline_X_Simplification,
    Spline_Curve_Simplification,
    PathLengthAugmenter,
    HeteroscedasticNoiseAugmenter,
)
AXIS_AWARE = tuple(cls for cls, _, _ in CASES if cls not in WITHOUT_AXIS)
IDS = [f"{cls.__name__}-{k}" for k, (cls, _, _) in enumerate(CASES)]


@pytest.fixture
def spectra():
    rng = np.random.default_rng(3)
    bands = np.exp(-0.5 * ((NM - 1400.0) / 50.0) ** 2)
    return 0.3 + bands[None, :] * rng.uniform(0.5, 1.5, size=(9, 1)) + rng.normal(0, 0.01, (9, 50))


def _fit(cls, params, X):
    augmenter = cls(**params)
    if cls in AXIS_AWARE:
        return augmenter.fit(X, wavelengths=NM)
    return augmenter.fit(X)


@pytest.mark.parametrize(("cls", "params", "zero"), CASES, ids=IDS)
def test_zero_strength_is_the_identity(cls, params, zero, spectra):
    augmenter = _fit(cls, zero, spectra)
    np.testing.assert_allclose(augmenter.transform(spectra), spectra, rtol=0, atol=1e-12)
    X_new, _, origin = augmenter.augment(spectra, n_samples=20)
    np.testing.assert_allclose(X_new, spectra[origin], rtol=0, atol=1e-12)


@pytest.mark.parametrize(("cls", "params", "zero"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shape_dtype_and_untouched_input(cls, params, zero, dtype, spectra):
    X = spectra.astype(dtype)
    before = X.copy()
    augmenter = _fit(cls, params, X)
    out = augmenter.transform(X)
    X_new, _, _ = augmenter.augment(X, n_samples=13)
    assert out.shape == X.shape
    assert out.dtype == dtype
    assert X_new.shape == (13, X.shape[1])
    assert X_new.dtype == dtype
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(X, before)
    assert not np.allclose(out, X)


@pytest.mark.parametrize(("cls", "params", "zero"), CASES, ids=IDS)
def test_same_seed_same_bytes_and_each_row_depends_only_on_itself(cls, params, zero, spectra):
    out = _fit(cls, {**params, "random_state": 11}, spectra).transform(spectra)
    again = _fit(cls, {**params, "random_state": 11}, spectra).transform(spectra)
    assert out.tobytes() == again.tobytes()
    order = np.array([4, 0, 8])
    subset = _fit(cls, {**params, "random_state": 11}, spectra).transform(spectra[order])
    np.testing.assert_array_equal(subset, out[order])
    other = _fit(cls, {**params, "random_state": 12}, spectra).transform(spectra)
    assert not np.array_equal(other, out)


@pytest.mark.parametrize(("cls", "params", "zero"), CASES, ids=IDS)
def test_copies_of_a_row_differ_and_the_first_is_its_transform(cls, params, zero, spectra):
    augmenter = _fit(cls, params, spectra)
    X_new, y_new, origin = augmenter.augment(spectra, np.arange(9.0), n_samples=27)
    np.testing.assert_array_equal(X_new[:9], augmenter.transform(spectra))
    np.testing.assert_array_equal(y_new, origin.astype(float))
    assert not np.array_equal(X_new[0], X_new[9])


@pytest.mark.parametrize(("cls", "params", "zero"), CASES, ids=IDS)
def test_random_state_none_is_fresh_and_tagged_non_deterministic(cls, params, zero, spectra):
    augmenter = _fit(cls, {**params, "random_state": None}, spectra)
    assert not np.array_equal(augmenter.transform(spectra), augmenter.transform(spectra))
    assert get_tags(augmenter).non_deterministic
