"""What the values of a spectrum are: absorbance, reflectance, transmittance, and so on.

:class:`SignalType` names the kinds; :func:`normalize_signal_type` reads a user's spelling;
:func:`detect_signal_type` guesses the kind from the values and the wavelength axis.

Detection rules, applied in this order to the finite values of the spectra (``q01`` and
``q99`` are their 1st and 99th percentiles, ``m`` their median):

1. No finite value: ``UNKNOWN``.
2. ``q01 < -0.05``, or more than 5 % of the values below zero: ``PREPROCESSED``. Measured
   absorbance, reflectance and transmittance are not negative beyond noise; derivatives,
   SNV and centred data are.
3. ``q99 > 105``: ``UNKNOWN`` (raw counts or intensities, not a ratio).
4. ``q99 > 5``: a percentage, ``REFLECTANCE_PERCENT`` (the values alone cannot tell
   reflectance from transmittance; diffuse reflectance is the usual NIR measurement).
5. ``q99 > 1.05``: ``ABSORBANCE`` (a reflectance or transmittance fraction cannot exceed 1
   beyond noise, while NIR absorbance often does).
6. All values in [0, 1.05] is ambiguous (absorbance of thin or weakly absorbing samples
   and reflectance both lie there). The water bands decide when the axis covers one: in
   nanometres (``1e7 / x`` for ``unit="cm-1"``), the median spectrum's mean over
   1930-1950 nm (else 1440-1460 nm) is compared with its mean over the two shoulders
   90-110 nm away on either side: higher is ``ABSORBANCE`` (water absorbs there, so
   absorbance peaks), lower is ``REFLECTANCE``. Without such an axis, or with a difference
   below 1 % of the median spectrum's range, ``UNKNOWN``.

The rules were checked on synthetic spectra of :func:`nirs4all.data.generate` (Beer-Lambert
absorbance of water, protein, lipid and carbohydrate bands) converted to reflectance
``R = 10^-A`` and to percent; the library ships no real reflectance or absorbance file.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["SignalType", "detect_signal_type", "normalize_signal_type"]


class SignalType(StrEnum):
    """Kinds of spectral values; the value is the canonical spelling."""

    ABSORBANCE = "absorbance"
    REFLECTANCE = "reflectance"
    REFLECTANCE_PERCENT = "reflectance%"
    TRANSMITTANCE = "transmittance"
    TRANSMITTANCE_PERCENT = "transmittance%"
    KUBELKA_MUNK = "kubelka_munk"
    LOG_1_R = "log_1_r"
    LOG_1_T = "log_1_t"
    AUTO = "auto"
    UNKNOWN = "unknown"
    PREPROCESSED = "preprocessed"


_ALIASES = {
    "a": SignalType.ABSORBANCE,
    "abs": SignalType.ABSORBANCE,
    "absorbance": SignalType.ABSORBANCE,
    "r": SignalType.REFLECTANCE,
    "refl": SignalType.REFLECTANCE,
    "reflectance": SignalType.REFLECTANCE,
    "%r": SignalType.REFLECTANCE_PERCENT,
    "r%": SignalType.REFLECTANCE_PERCENT,
    "reflectance%": SignalType.REFLECTANCE_PERCENT,
    "reflectance_percent": SignalType.REFLECTANCE_PERCENT,
    "t": SignalType.TRANSMITTANCE,
    "trans": SignalType.TRANSMITTANCE,
    "transmittance": SignalType.TRANSMITTANCE,
    "%t": SignalType.TRANSMITTANCE_PERCENT,
    "t%": SignalType.TRANSMITTANCE_PERCENT,
    "transmittance%": SignalType.TRANSMITTANCE_PERCENT,
    "transmittance_percent": SignalType.TRANSMITTANCE_PERCENT,
    "km": SignalType.KUBELKA_MUNK,
    "kubelka_munk": SignalType.KUBELKA_MUNK,
    "kubelka-munk": SignalType.KUBELKA_MUNK,
    "log_1_r": SignalType.LOG_1_R,
    "log(1/r)": SignalType.LOG_1_R,
    "log1/r": SignalType.LOG_1_R,
    "log_1_t": SignalType.LOG_1_T,
    "log(1/t)": SignalType.LOG_1_T,
    "log1/t": SignalType.LOG_1_T,
    "auto": SignalType.AUTO,
    "unknown": SignalType.UNKNOWN,
    "preprocessed": SignalType.PREPROCESSED,
}

#: Water combination band (O-H stretch + bend) and first overtone, nm.
WATER_BANDS_NM = (1940.0, 1450.0)
BAND_HALF_WIDTH_NM = 10.0
SHOULDER_OFFSETS_NM = (90.0, 110.0)


def normalize_signal_type(value: str | SignalType) -> SignalType:
    """Return the :class:`SignalType` a spelling names (case and spaces ignored).

    Accepts the canonical values and common spellings: ``"A"``, ``"abs"``, ``"R"``,
    ``"%R"``, ``"reflectance_percent"``, ``"T"``, ``"%T"``, ``"KM"``, ``"log(1/R)"`` ...
    Raises ``ValueError`` naming the accepted values otherwise.
    """
    if isinstance(value, SignalType):
        return value
    if isinstance(value, str):
        found = _ALIASES.get(value.strip().lower().replace(" ", ""))
        if found is not None:
            return found
    accepted = ", ".join(repr(t.value) for t in SignalType)
    raise ValueError(
        f"signal_type must be one of {accepted} (or an alias such as 'A', '%R'); got {value!r}"
    )


def _water_band_contrast(profile: np.ndarray, nm: np.ndarray) -> float | None:
    """Band mean minus shoulder mean at the first water band the axis covers, or None."""
    for centre in WATER_BANDS_NM:
        band = np.abs(nm - centre) <= BAND_HALF_WIDTH_NM
        low, high = SHOULDER_OFFSETS_NM
        shoulders = (np.abs(nm - centre) >= low) & (np.abs(nm - centre) <= high)
        left = shoulders & (nm < centre)
        right = shoulders & (nm > centre)
        if band.any() and left.any() and right.any():
            shoulder = 0.5 * (profile[left].mean() + profile[right].mean())
            return float(profile[band].mean() - shoulder)
    return None


def detect_signal_type(
    spectra: ArrayLike, wavelengths: ArrayLike | None = None, unit: str = "nm"
) -> SignalType:
    """Guess the kind of values of ``spectra`` (samples x wavelengths) by the module rules.

    Parameters
    ----------
    spectra : array-like of shape (n_samples, n_wavelengths) or (n_wavelengths,)
    wavelengths : array-like of shape (n_wavelengths,), optional
        The axis, used for the water-band rule (6).
    unit : {"nm", "cm-1", "index"}, default="nm"
        Unit of ``wavelengths``; ``"index"`` disables rule 6.

    Returns
    -------
    SignalType
        Never ``AUTO``; ``UNKNOWN`` when the rules cannot tell.
    """
    X = np.atleast_2d(np.asarray(spectra, dtype=np.float64))
    values = X[np.isfinite(X)]
    if values.size == 0:
        return SignalType.UNKNOWN
    q01, q99 = np.percentile(values, [1, 99])
    if q01 < -0.05 or np.mean(values < 0) > 0.05:
        return SignalType.PREPROCESSED
    if q99 > 105:
        return SignalType.UNKNOWN
    if q99 > 5:
        return SignalType.REFLECTANCE_PERCENT
    if q99 > 1.05:
        return SignalType.ABSORBANCE
    if wavelengths is None or unit not in ("nm", "cm-1"):
        return SignalType.UNKNOWN
    axis = np.asarray(wavelengths, dtype=np.float64)
    if axis.shape != (X.shape[1],):
        raise ValueError(
            f"wavelengths has {axis.size} values but spectra have {X.shape[1]} "
            "columns (give one wavelength per column)"
        )
    nm = 1e7 / axis if unit == "cm-1" else axis
    profile = np.nanmedian(X, axis=0)
    contrast = _water_band_contrast(profile, nm)
    if contrast is None or abs(contrast) < 0.01 * np.ptp(profile):
        return SignalType.UNKNOWN
    return SignalType.ABSORBANCE if contrast > 0 else SignalType.REFLECTANCE
