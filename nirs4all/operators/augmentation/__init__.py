"""Spectral augmentation: scikit-learn transformers that perturb spectra at random.

Every augmenter offers ``augment(X, y, n_samples) -> (X_new, y_new, origin)``, which makes
new rows linked to the row they came from (the pipeline calls it on training rows only),
and ``transform(X)``, which perturbs every row of ``X`` (Mixup: returns ``X`` unchanged).
With the default ``random_state=0`` the output is reproducible and each row's perturbation
depends only on the seed and that row. Augmenters with parameters in axis units (nm or
cm-1) take the axis through ``fit(X, y=None, wavelengths=None)``.

``LinearBaselineDrift`` and ``MixupAugmenter`` are the names used by nirs4all 0.7 and remain
as aliases of :class:`BaselineShift` and :class:`Mixup`.
"""

from nirs4all.operators.augmentation._instrument import (
    BatchEffectAugmenter,
    DeadBandAugmenter,
    HeteroscedasticNoiseAugmenter,
    InstrumentalBroadeningAugmenter,
    PathLengthAugmenter,
)
from nirs4all.operators.augmentation._local import (
    BandMasking,
    BandPerturbation,
    GaussianSmoothingJitter,
    LocalClipping,
    UnsharpSpectralMask,
)
from nirs4all.operators.augmentation._local_mixup import LocalMixupAugmenter
from nirs4all.operators.augmentation._mixup import Mixup
from nirs4all.operators.augmentation._noise import GaussianNoise
from nirs4all.operators.augmentation._noise_models import (
    ChannelDropout,
    GaussianAdditiveNoise,
    MultiplicativeNoise,
    SpikeNoise,
)
from nirs4all.operators.augmentation._physics import (
    DetectorRollOffAugmenter,
    EdgeArtifactsAugmenter,
    EMSCDistortionAugmenter,
    StrayLightAugmenter,
    TemperatureAugmenter,
)
from nirs4all.operators.augmentation._random import Random_X_Operation, Rotate_Translate
from nirs4all.operators.augmentation._sample_effects import MoistureAugmenter, ParticleSizeAugmenter
from nirs4all.operators.augmentation._scatter import MultiplicativeScatter
from nirs4all.operators.augmentation._scatter_models import ScatterSimulationMSC
from nirs4all.operators.augmentation._shift import BaselineShift, WavelengthShift
from nirs4all.operators.augmentation._splines import (
    Spline_Curve_Simplification,
    Spline_Smoothing,
    Spline_X_Perturbations,
    Spline_X_Simplification,
    Spline_Y_Perturbations,
)
from nirs4all.operators.augmentation._warps import (
    LocalWavelengthWarp,
    PolynomialBaselineDrift,
    SmoothMagnitudeWarp,
    WavelengthStretch,
)

LinearBaselineDrift = BaselineShift
MixupAugmenter = Mixup

__all__ = [
    "BandMasking",
    "BandPerturbation",
    "BaselineShift",
    "BatchEffectAugmenter",
    "ChannelDropout",
    "DeadBandAugmenter",
    "DetectorRollOffAugmenter",
    "EMSCDistortionAugmenter",
    "EdgeArtifactsAugmenter",
    "GaussianAdditiveNoise",
    "GaussianNoise",
    "GaussianSmoothingJitter",
    "HeteroscedasticNoiseAugmenter",
    "InstrumentalBroadeningAugmenter",
    "LinearBaselineDrift",
    "LocalClipping",
    "LocalMixupAugmenter",
    "LocalWavelengthWarp",
    "Mixup",
    "MixupAugmenter",
    "MoistureAugmenter",
    "MultiplicativeNoise",
    "MultiplicativeScatter",
    "ParticleSizeAugmenter",
    "PathLengthAugmenter",
    "PolynomialBaselineDrift",
    "Random_X_Operation",
    "Rotate_Translate",
    "ScatterSimulationMSC",
    "SmoothMagnitudeWarp",
    "SpikeNoise",
    "Spline_Curve_Simplification",
    "Spline_Smoothing",
    "Spline_X_Perturbations",
    "Spline_X_Simplification",
    "Spline_Y_Perturbations",
    "StrayLightAugmenter",
    "TemperatureAugmenter",
    "UnsharpSpectralMask",
    "WavelengthShift",
    "WavelengthStretch",
]
