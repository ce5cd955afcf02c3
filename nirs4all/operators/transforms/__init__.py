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
- presets (functions returning new lists): :func:`id_preprocessing`, :func:`savgol_only`,
  :func:`small_set`, :func:`transf_set`, :func:`preset`
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

from nirs4all._lazy import attach

# Public name -> the module defining it ("module:name" for an alias); imported on first use.
_EXPORTS = {
    "AirPLS": "nirs4all.operators.transforms._pybaselines",
    "AreaNormalization": "nirs4all.operators.transforms._local",
    "ArPLS": "nirs4all.operators.transforms._pybaselines",
    "ASLSBaseline": "nirs4all.operators.transforms._baseline",
    "axis_of": "nirs4all.operators.transforms._resampler",
    "AXIS_RTOL": "nirs4all.operators.transforms._base",
    "Baseline": "nirs4all.operators.transforms._centering",
    "BaselineOffset": "nirs4all.operators.transforms._baseline",
    "BEADS": "nirs4all.operators.transforms._pybaselines_peaks",
    "CARS": "nirs4all.operators.transforms._selection",
    "chain": "nirs4all.operators.transforms._presets",
    "CropWavelengths": "nirs4all.operators.transforms._wavelength",
    "decon_set": "nirs4all.operators.transforms._presets",
    "Derivate": "nirs4all.operators.transforms._derivatives",
    "Detrend": "nirs4all.operators.transforms._baseline",
    "dumb_and_dumber_set": "nirs4all.operators.transforms._presets",
    "dumb_set": "nirs4all.operators.transforms._presets",
    "dumb_set_2D": "nirs4all.operators.transforms._presets",
    "EMSC": "nirs4all.operators.transforms._scatter",
    "EPO": "nirs4all.operators.transforms._epo",
    "ExtendedMultiplicativeScatterCorrection": "nirs4all.operators.transforms._scatter:EMSC",
    "fat_set": "nirs4all.operators.transforms._presets",
    "FirstDerivative": "nirs4all.operators.transforms._derivatives",
    "FlexiblePCA": "nirs4all.operators.transforms._decomposition",
    "FlexibleSVD": "nirs4all.operators.transforms._decomposition",
    "FractionToPercent": "nirs4all.operators.transforms.signal_conversion",
    "FromAbsorbance": "nirs4all.operators.transforms.signal_conversion",
    "Gaussian": "nirs4all.operators.transforms._derivatives",
    "GaussianAdditiveNoise": "nirs4all.operators.augmentation",
    "Haar": "nirs4all.operators.transforms._wavelets",
    "haar_only": "nirs4all.operators.transforms._presets",
    "IASLS": "nirs4all.operators.transforms._pybaselines",
    "id_preprocessing": "nirs4all.operators.transforms._presets",
    "IModPoly": "nirs4all.operators.transforms._pybaselines_peaks",
    "IntegerKBinsDiscretizer": "nirs4all.operators.transforms._discretizers",
    "is_wavelength_aware": "nirs4all.operators.transforms._base",
    "KubelkaMunk": "nirs4all.operators.transforms._normalization",
    "LinearBaselineDrift": "nirs4all.operators.augmentation",
    "list_of_2D_sets": "nirs4all.operators.transforms._presets",
    "LocalStandardNormalVariate": "nirs4all.operators.transforms._local",
    "LogTransform": "nirs4all.operators.transforms._local",
    "MCUVE": "nirs4all.operators.transforms._selection",
    "MixupAugmenter": "nirs4all.operators.augmentation",
    "ModPoly": "nirs4all.operators.transforms._pybaselines_peaks",
    "MSC": "nirs4all.operators.transforms._scatter",
    "MultiplicativeNoise": "nirs4all.operators.augmentation",
    "MultiplicativeScatterCorrection": "nirs4all.operators.transforms._scatter:MSC",
    "nicon_set": "nirs4all.operators.transforms._presets",
    "Normalize": "nirs4all.operators.transforms._normalization",
    "NorrisWilliams": "nirs4all.operators.transforms._derivatives",
    "optimal_set_2D": "nirs4all.operators.transforms._presets",
    "OSC": "nirs4all.operators.transforms._supervised",
    "PercentToFraction": "nirs4all.operators.transforms.signal_conversion",
    "PolynomialBaselineDrift": "nirs4all.operators.augmentation",
    "preprocessing_list": "nirs4all.operators.transforms._presets",
    "preset": "nirs4all.operators.transforms._presets",
    "PRESETS": "nirs4all.operators.transforms._presets",
    "PyBaselineCorrection": "nirs4all.operators.transforms._pybaselines",
    "pybaselines_methods": "nirs4all.operators.transforms._pybaselines",
    "RangeDiscretizer": "nirs4all.operators.transforms._discretizers",
    "ReflectanceToAbsorbance": "nirs4all.operators.transforms._normalization",
    "Resample": "nirs4all.operators.transforms._wavelength",
    "Resampler": "nirs4all.operators.transforms._resampler",
    "RobustSNV": "nirs4all.operators.transforms._scatter",
    "RobustStandardNormalVariate": "nirs4all.operators.transforms._scatter:RobustSNV",
    "RollingBall": "nirs4all.operators.transforms._pybaselines_peaks",
    "Rotate_Translate": "nirs4all.operators.augmentation",
    "savgol_only": "nirs4all.operators.transforms._presets",
    "SavitzkyGolay": "nirs4all.operators.transforms._derivatives",
    "ScatterSimulationMSC": "nirs4all.operators.augmentation",
    "SecondDerivative": "nirs4all.operators.transforms._derivatives",
    "senseen_set": "nirs4all.operators.transforms._presets",
    "SignalTypeConverter": "nirs4all.operators.transforms.signal_conversion",
    "SimpleScale": "nirs4all.operators.transforms._local",
    "small_set": "nirs4all.operators.transforms._presets",
    "SmoothMagnitudeWarp": "nirs4all.operators.augmentation",
    "SNIP": "nirs4all.operators.transforms._pybaselines_peaks",
    "SNV": "nirs4all.operators.transforms._scatter",
    "SPACING_RTOL": "nirs4all.operators.transforms._base",
    "special_set": "nirs4all.operators.transforms._presets",
    "Spline_X_Simplification": "nirs4all.operators.augmentation",
    "Spline_Y_Perturbations": "nirs4all.operators.augmentation",
    "StandardNormalVariate": "nirs4all.operators.transforms._scatter:SNV",
    "ToAbsorbance": "nirs4all.operators.transforms.signal_conversion",
    "transf_set": "nirs4all.operators.transforms._presets",
    "WavelengthAwareMixin": "nirs4all.operators.transforms._base",
    "WavelengthShift": "nirs4all.operators.augmentation",
    "WavelengthStretch": "nirs4all.operators.augmentation",
    "Wavelet": "nirs4all.operators.transforms._wavelets",
    "WaveletDenoise": "nirs4all.operators.transforms._wavelets",
    "WaveletFeatures": "nirs4all.operators.transforms._wavelets",
    "WaveletPCA": "nirs4all.operators.transforms._wavelet_components",
    "WaveletSVD": "nirs4all.operators.transforms._wavelet_components",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = [*_EXPORTS]
