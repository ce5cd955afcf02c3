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

from nirs4all.operators.transforms._base import (
    AXIS_RTOL,
    SPACING_RTOL,
    WavelengthAwareMixin,
    is_wavelength_aware,
)
from nirs4all.operators.transforms._baseline import ASLSBaseline, BaselineOffset, Detrend
from nirs4all.operators.transforms._derivatives import (
    FirstDerivative,
    Gaussian,
    NorrisWilliams,
    SavitzkyGolay,
    SecondDerivative,
)
from nirs4all.operators.transforms._normalization import (
    KubelkaMunk,
    Normalize,
    ReflectanceToAbsorbance,
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
from nirs4all.operators.transforms._scatter import EMSC, MSC, SNV, RobustSNV
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
    "EMSC",
    "IASLS",
    "MSC",
    "OSC",
    "SNIP",
    "SNV",
    "SPACING_RTOL",
    "ASLSBaseline",
    "AirPLS",
    "ArPLS",
    "BaselineOffset",
    "CropWavelengths",
    "Detrend",
    "ExtendedMultiplicativeScatterCorrection",
    "FirstDerivative",
    "FractionToPercent",
    "FromAbsorbance",
    "Gaussian",
    "Haar",
    "IModPoly",
    "KubelkaMunk",
    "ModPoly",
    "MultiplicativeScatterCorrection",
    "Normalize",
    "NorrisWilliams",
    "PercentToFraction",
    "PyBaselineCorrection",
    "ReflectanceToAbsorbance",
    "Resample",
    "RobustSNV",
    "RobustStandardNormalVariate",
    "RollingBall",
    "SavitzkyGolay",
    "SecondDerivative",
    "SignalTypeConverter",
    "StandardNormalVariate",
    "ToAbsorbance",
    "WavelengthAwareMixin",
    "Wavelet",
    "WaveletDenoise",
    "WaveletFeatures",
    "WaveletPCA",
    "WaveletSVD",
    "is_wavelength_aware",
    "pybaselines_methods",
]
