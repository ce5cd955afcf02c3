"""The 0.7 spectral augmenters pass scikit-learn's estimator checks, with no expected failure."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

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
    LocalMixupAugmenter,
    LocalWavelengthWarp,
    MultiplicativeNoise,
    PathLengthAugmenter,
    PolynomialBaselineDrift,
    Random_X_Operation,
    Rotate_Translate,
    ScatterSimulationMSC,
    SmoothMagnitudeWarp,
    SpikeNoise,
    Spline_Smoothing,
    Spline_X_Perturbations,
    Spline_X_Simplification,
    Spline_Y_Perturbations,
    StrayLightAugmenter,
    TemperatureAugmenter,
    UnsharpSpectralMask,
    WavelengthStretch,
)


@parametrize_with_checks(
    [
        GaussianAdditiveNoise(),
        GaussianAdditiveNoise(smoothing_kernel_width=5),
        MultiplicativeNoise(),
        MultiplicativeNoise(per_wavelength=True),
        SpikeNoise(),
        ChannelDropout(dropout_prob=0.2),
        ChannelDropout(dropout_prob=0.2, fill="zero"),
        PolynomialBaselineDrift(),
        WavelengthStretch(),
        LocalWavelengthWarp(),
        SmoothMagnitudeWarp(),
        GaussianSmoothingJitter(),
        UnsharpSpectralMask(),
        BandMasking(width_range=(0.5, 2.0)),
        BandPerturbation(width_range=(0.5, 2.0)),
        LocalClipping(width_range=(0.5, 2.0)),
        LocalMixupAugmenter(),
        ScatterSimulationMSC(),
        ScatterSimulationMSC(reference_mode="mean"),
        Rotate_Translate(),
        Random_X_Operation(),
        Spline_Smoothing(),
        PathLengthAugmenter(),
        BatchEffectAugmenter(),
        InstrumentalBroadeningAugmenter(),
        HeteroscedasticNoiseAugmenter(),
        DeadBandAugmenter(width_range=(0.5, 2.0)),
        EMSCDistortionAugmenter(),
        StrayLightAugmenter(stray_light_range=(0.001, 0.01)),
        DetectorRollOffAugmenter(depth_range=(0.01, 0.05)),
        TemperatureAugmenter(),
        EdgeArtifactsAugmenter(),
        Spline_X_Perturbations(perturbation_range=(-1, 1)),
        Spline_Y_Perturbations(),
        Spline_X_Simplification(spline_points=3),
    ]
)
def test_spectral_augmenter_passes_sklearn_check(estimator, check):
    check(estimator)
