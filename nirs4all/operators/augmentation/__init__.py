"""Spectral augmentation: scikit-learn transformers that perturb spectra at random.

Every augmenter offers ``augment(X, y, n_samples) -> (X_new, y_new, origin)``, which makes
new rows linked to the row they came from (the pipeline calls it on training rows only),
and ``transform(X)``, which perturbs every row of ``X`` (Mixup: returns ``X`` unchanged).
With the default ``random_state=0`` the output is reproducible and each row's perturbation
depends only on the seed and that row: each row draws from its own counter-based stream
(``_draws.RowDraws``, keyed through :mod:`nirs4all.utils.seeding`), computed for all rows at
once. Augmenters with parameters in axis units (nm or
cm-1) take the axis through ``fit(X, y=None, wavelengths=None)``.

``LinearBaselineDrift`` and ``MixupAugmenter`` are the names used by nirs4all 0.7 and remain
as aliases of :class:`BaselineShift` and :class:`Mixup`.
"""

from nirs4all._lazy import attach

# Public name -> the module defining it ("module:name" for an alias); imported on first use.
_EXPORTS = {
    "BandMasking": "nirs4all.operators.augmentation._local",
    "BandPerturbation": "nirs4all.operators.augmentation._local",
    "BaselineShift": "nirs4all.operators.augmentation._shift",
    "BatchEffectAugmenter": "nirs4all.operators.augmentation._instrument",
    "ChannelDropout": "nirs4all.operators.augmentation._noise_models",
    "DeadBandAugmenter": "nirs4all.operators.augmentation._instrument",
    "DetectorRollOffAugmenter": "nirs4all.operators.augmentation._physics",
    "EdgeArtifactsAugmenter": "nirs4all.operators.augmentation._physics",
    "EMSCDistortionAugmenter": "nirs4all.operators.augmentation._physics",
    "GaussianAdditiveNoise": "nirs4all.operators.augmentation._noise_models",
    "GaussianNoise": "nirs4all.operators.augmentation._noise",
    "GaussianSmoothingJitter": "nirs4all.operators.augmentation._local",
    "HeteroscedasticNoiseAugmenter": "nirs4all.operators.augmentation._instrument",
    "InstrumentalBroadeningAugmenter": "nirs4all.operators.augmentation._instrument",
    "LinearBaselineDrift": "nirs4all.operators.augmentation._shift:BaselineShift",
    "LocalClipping": "nirs4all.operators.augmentation._local",
    "LocalMixupAugmenter": "nirs4all.operators.augmentation._local_mixup",
    "LocalWavelengthWarp": "nirs4all.operators.augmentation._warps",
    "Mixup": "nirs4all.operators.augmentation._mixup",
    "MixupAugmenter": "nirs4all.operators.augmentation._mixup:Mixup",
    "MoistureAugmenter": "nirs4all.operators.augmentation._sample_effects",
    "MultiplicativeNoise": "nirs4all.operators.augmentation._noise_models",
    "MultiplicativeScatter": "nirs4all.operators.augmentation._scatter",
    "ParticleSizeAugmenter": "nirs4all.operators.augmentation._sample_effects",
    "PathLengthAugmenter": "nirs4all.operators.augmentation._instrument",
    "PolynomialBaselineDrift": "nirs4all.operators.augmentation._warps",
    "Random_X_Operation": "nirs4all.operators.augmentation._random",
    "Rotate_Translate": "nirs4all.operators.augmentation._random",
    "ScatterSimulationMSC": "nirs4all.operators.augmentation._scatter_models",
    "SmoothMagnitudeWarp": "nirs4all.operators.augmentation._warps",
    "SpikeNoise": "nirs4all.operators.augmentation._noise_models",
    "Spline_Curve_Simplification": "nirs4all.operators.augmentation._splines",
    "Spline_Smoothing": "nirs4all.operators.augmentation._splines",
    "Spline_X_Perturbations": "nirs4all.operators.augmentation._splines",
    "Spline_X_Simplification": "nirs4all.operators.augmentation._splines",
    "Spline_Y_Perturbations": "nirs4all.operators.augmentation._splines",
    "StrayLightAugmenter": "nirs4all.operators.augmentation._physics",
    "TemperatureAugmenter": "nirs4all.operators.augmentation._physics",
    "UnsharpSpectralMask": "nirs4all.operators.augmentation._local",
    "WavelengthShift": "nirs4all.operators.augmentation._shift",
    "WavelengthStretch": "nirs4all.operators.augmentation._warps",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = [*_EXPORTS]
