"""Spectral preprocessing transforms: scikit-learn estimators over spectra in rows.

Every transform takes ``X`` of shape (n_samples, n_wavelengths), one spectrum per row, and
returns a new array (the input is never modified or aliased). float32 input gives float32
output; any other numeric input is converted to float64. NaN and infinite values are
rejected.

Families
--------
- scatter: :class:`SNV`, :class:`RobustSNV`, :class:`MSC`, :class:`EMSC`
- derivatives and smoothing: :class:`SavitzkyGolay`, :class:`FirstDerivative`,
  :class:`SecondDerivative`, :class:`NorrisWilliams`, :class:`Gaussian`
- baseline: :class:`Detrend`, :class:`ASLSBaseline`, :class:`BaselineOffset`
- normalisation and conversion: :class:`Normalize`, :class:`ReflectanceToAbsorbance`,
  :class:`KubelkaMunk`
- wavelength axis: :class:`CropWavelengths`, :class:`Resample`
- supervised: :class:`OSC`
- baselines through pybaselines: :class:`AirPLS`, :class:`ArPLS`, :class:`IASLS`,
  :class:`ModPoly`, :class:`IModPoly`, :class:`SNIP`, :class:`RollingBall`, :class:`BEADS`,
  :class:`PyBaselineCorrection` (any other pybaselines 1D method)
- wavelets through PyWavelets: :class:`Wavelet`, :class:`Haar`, :class:`WaveletDenoise`,
  :class:`WaveletFeatures`, :class:`WaveletPCA`, :class:`WaveletSVD`
- 0.x breadth: :class:`LocalStandardNormalVariate`, :class:`LogTransform`,
  :class:`AreaNormalization`, :class:`SimpleScale`, :class:`Baseline`, :class:`Derivate`,
  :class:`Resampler`, :class:`FlexiblePCA`, :class:`FlexibleSVD`,
  :class:`IntegerKBinsDiscretizer`, :class:`RangeDiscretizer`, :class:`EPO`
- wavelength selection: :class:`CARS`, :class:`MCUVE`
- presets (functions returning new lists; chained entries are :func:`chain` pipelines, the
  ``*_2D`` ones are lists of ``feature_augmentation`` sets): :func:`id_preprocessing`,
  :func:`savgol_only`, :func:`haar_only`, :func:`small_set`, :func:`transf_set`,
  :func:`nicon_set`, :func:`decon_set`, :func:`senseen_set`, :func:`special_set`,
  :func:`dumb_set`, :func:`dumb_and_dumber_set`, :func:`preprocessing_list`, :func:`fat_set`,
  :func:`dumb_set_2D`, :func:`optimal_set_2D`, :func:`list_of_2D_sets`, :func:`preset`
- signal types (also :mod:`nirs4all.operators.transforms.signal_conversion`):
  :class:`ToAbsorbance`, :class:`FromAbsorbance`, :class:`PercentToFraction`,
  :class:`FractionToPercent`, :class:`SignalTypeConverter`

The long names of earlier releases (``StandardNormalVariate``,
``RobustStandardNormalVariate``, ``MultiplicativeScatterCorrection``,
``ExtendedMultiplicativeScatterCorrection``) are aliases of the same classes.

Wavelength protocol
-------------------
1. ``fit(X, y=None, wavelengths=None)``, ``fit_transform(X, y=None, wavelengths=None)`` and
   ``transform(X, wavelengths=None)`` take the axis of the columns of ``X`` as an optional
   keyword: a 1D array, one finite value per column, strictly increasing or strictly
   decreasing (else :class:`~nirs4all.errors.WavelengthAxisError`).
2. After ``fit``, ``wavelengths_`` holds that axis as a read-only float64 array, or the
   index axis ``0, 1, ..., n_features - 1`` when none was given, and ``wavelengths_out_``
   the axis of the output: the same array, except for :class:`CropWavelengths` (the kept
   values) and :class:`Resample` (the target).
3. ``transform`` given ``wavelengths`` compares them with ``wavelengths_`` (same length,
   values equal within the relative tolerance ``AXIS_RTOL``) and raises
   :class:`~nirs4all.errors.AxisMismatchError`, a ``ValueError``, that says how they differ.
   Without ``wavelengths``, columns are taken by position.
4. Derivatives (:class:`SavitzkyGolay`, :class:`FirstDerivative`, :class:`SecondDerivative`,
   :class:`NorrisWilliams`, :class:`Gaussian` with ``order > 0``) are per unit of the axis:
   divided by its step, or computed on its coordinates. Without an axis the step is 1.
   Filters with a fixed window need a uniform axis (every step within ``SPACING_RTOL`` of
   the mean step); other axes are an error that suggests :class:`Resample`.
5. :func:`is_wavelength_aware` tells a caller (the pipeline, replay) whether an estimator
   follows this protocol: true for every class here, for any estimator inheriting
   :class:`WavelengthAwareMixin`, and for any estimator whose ``fit`` (and ``transform``,
   if any) names a ``wavelengths`` parameter, such as the axis augmenters.
"""

# 0.x scripts import these augmenters from the transforms path too.
from nirs4all.operators.augmentation import (
    GaussianAdditiveNoise,
    LinearBaselineDrift,
    MixupAugmenter,
    MultiplicativeNoise,
    PolynomialBaselineDrift,
    Rotate_Translate,
    ScatterSimulationMSC,
    SmoothMagnitudeWarp,
    Spline_X_Simplification,
    Spline_Y_Perturbations,
    WavelengthShift,
    WavelengthStretch,
)
from nirs4all.operators.transforms._base import (
    AXIS_RTOL,
    SPACING_RTOL,
    WavelengthAwareMixin,
    is_wavelength_aware,
)
from nirs4all.operators.transforms._baseline import ASLSBaseline, BaselineOffset, Detrend
from nirs4all.operators.transforms._centering import Baseline
from nirs4all.operators.transforms._decomposition import FlexiblePCA, FlexibleSVD
from nirs4all.operators.transforms._derivatives import (
    Derivate,
    FirstDerivative,
    Gaussian,
    NorrisWilliams,
    SavitzkyGolay,
    SecondDerivative,
)
from nirs4all.operators.transforms._discretizers import IntegerKBinsDiscretizer, RangeDiscretizer
from nirs4all.operators.transforms._epo import EPO
from nirs4all.operators.transforms._local import (
    AreaNormalization,
    LocalStandardNormalVariate,
    LogTransform,
    SimpleScale,
)
from nirs4all.operators.transforms._normalization import (
    KubelkaMunk,
    Normalize,
    ReflectanceToAbsorbance,
)
from nirs4all.operators.transforms._presets import (
    PRESETS,
    chain,
    decon_set,
    dumb_and_dumber_set,
    dumb_set,
    dumb_set_2D,
    fat_set,
    haar_only,
    id_preprocessing,
    list_of_2D_sets,
    nicon_set,
    optimal_set_2D,
    preprocessing_list,
    preset,
    savgol_only,
    senseen_set,
    small_set,
    special_set,
    transf_set,
)
from nirs4all.operators.transforms._pybaselines import (
    IASLS,
    AirPLS,
    ArPLS,
    PyBaselineCorrection,
    pybaselines_methods,
)
from nirs4all.operators.transforms._pybaselines_peaks import (
    BEADS,
    SNIP,
    IModPoly,
    ModPoly,
    RollingBall,
)
from nirs4all.operators.transforms._resampler import Resampler, axis_of
from nirs4all.operators.transforms._scatter import EMSC, MSC, SNV, RobustSNV
from nirs4all.operators.transforms._selection import CARS, MCUVE
from nirs4all.operators.transforms._supervised import OSC
from nirs4all.operators.transforms._wavelength import CropWavelengths, Resample
from nirs4all.operators.transforms._wavelet_components import WaveletPCA, WaveletSVD
from nirs4all.operators.transforms._wavelets import (
    Haar,
    Wavelet,
    WaveletDenoise,
    WaveletFeatures,
)
from nirs4all.operators.transforms.signal_conversion import (
    FractionToPercent,
    FromAbsorbance,
    PercentToFraction,
    SignalTypeConverter,
    ToAbsorbance,
)

StandardNormalVariate = SNV
RobustStandardNormalVariate = RobustSNV
MultiplicativeScatterCorrection = MSC
ExtendedMultiplicativeScatterCorrection = EMSC

__all__ = [
    "AXIS_RTOL",
    "BEADS",
    "CARS",
    "EMSC",
    "EPO",
    "IASLS",
    "MCUVE",
    "MSC",
    "OSC",
    "PRESETS",
    "SNIP",
    "SNV",
    "SPACING_RTOL",
    "ASLSBaseline",
    "AirPLS",
    "ArPLS",
    "AreaNormalization",
    "Baseline",
    "BaselineOffset",
    "CropWavelengths",
    "Derivate",
    "Detrend",
    "ExtendedMultiplicativeScatterCorrection",
    "FirstDerivative",
    "FlexiblePCA",
    "FlexibleSVD",
    "FractionToPercent",
    "FromAbsorbance",
    "Gaussian",
    "GaussianAdditiveNoise",
    "Haar",
    "IModPoly",
    "IntegerKBinsDiscretizer",
    "KubelkaMunk",
    "LinearBaselineDrift",
    "LocalStandardNormalVariate",
    "LogTransform",
    "MixupAugmenter",
    "ModPoly",
    "MultiplicativeNoise",
    "MultiplicativeScatterCorrection",
    "Normalize",
    "NorrisWilliams",
    "PercentToFraction",
    "PolynomialBaselineDrift",
    "PyBaselineCorrection",
    "RangeDiscretizer",
    "ReflectanceToAbsorbance",
    "Resample",
    "Resampler",
    "RobustSNV",
    "RobustStandardNormalVariate",
    "RollingBall",
    "Rotate_Translate",
    "SavitzkyGolay",
    "ScatterSimulationMSC",
    "SecondDerivative",
    "SignalTypeConverter",
    "SimpleScale",
    "SmoothMagnitudeWarp",
    "Spline_X_Simplification",
    "Spline_Y_Perturbations",
    "StandardNormalVariate",
    "ToAbsorbance",
    "WavelengthAwareMixin",
    "WavelengthShift",
    "WavelengthStretch",
    "Wavelet",
    "WaveletDenoise",
    "WaveletFeatures",
    "WaveletPCA",
    "WaveletSVD",
    "axis_of",
    "chain",
    "decon_set",
    "dumb_and_dumber_set",
    "dumb_set",
    "dumb_set_2D",
    "fat_set",
    "haar_only",
    "id_preprocessing",
    "is_wavelength_aware",
    "list_of_2D_sets",
    "nicon_set",
    "optimal_set_2D",
    "preprocessing_list",
    "preset",
    "pybaselines_methods",
    "savgol_only",
    "senseen_set",
    "small_set",
    "special_set",
    "transf_set",
]
