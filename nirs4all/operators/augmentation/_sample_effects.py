"""Changes of the sample itself seen in absorbance spectra: water content, particle size."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._base import (
    check_finite,
    check_nonnegative,
    check_range,
    uniform_rows,
)
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._row_terms import add_row_terms
from nirs4all.operators.augmentation._shift import _AxisAugmenter

__all__ = ["MoistureAugmenter", "ParticleSizeAugmenter"]

_UNITS = ("nm", "cm-1")
# Water in the NIR (Buning-Pfaue, 2003): the second O-H overtone near 970 nm, the
# combination band near 1190 nm, the first overtone near 1450 nm and the O-H stretch plus
# bend combination near 1940 nm, the strongest. Strengths are relative to that last band.
WATER_BANDS_NM = (970.0, 1190.0, 1450.0, 1940.0)
WATER_WIDTHS_NM = (40.0, 50.0, 80.0, 100.0)
WATER_STRENGTHS = (0.04, 0.06, 0.45, 1.0)


def _check_unit(owner: object, unit: object) -> str:
    if unit not in _UNITS:
        raise ValueError(f"{type(owner).__name__}: unit must be 'nm' or 'cm-1', got {unit!r}")
    return str(unit)


def _in_nm(axis: np.ndarray, unit: str) -> np.ndarray:
    """The axis as wavelengths in nm (``1e7 / w`` for a wavenumber axis in cm-1)."""
    if unit == "nm":
        return axis
    with np.errstate(divide="ignore"):
        return np.where(axis > 0, 1e7 / np.where(axis > 0, axis, 1.0), np.inf)


def water_absorbance(axis_nm: np.ndarray) -> np.ndarray:
    """Absorbance shape of water: Gaussian bands at ``WATER_BANDS_NM``, 1 at 1940 nm.

    ``FWHM`` values are ``WATER_WIDTHS_NM``; off the NIR range the shape is 0.
    """
    shape = np.zeros_like(axis_nm, dtype=np.float64)
    for centre, fwhm, strength in zip(
        WATER_BANDS_NM, WATER_WIDTHS_NM, WATER_STRENGTHS, strict=True
    ):
        sigma = fwhm / (2.0 * np.sqrt(2.0 * np.log(2.0)))
        shape += strength * np.exp(-0.5 * ((axis_nm - centre) / sigma) ** 2)
    return shape


class MoistureAugmenter(_AxisAugmenter):
    """Change each sample's water content: a Beer-Lambert mixture with water.

    Absorbance is linear in concentration (Beer-Lambert), so a sample whose water mass
    fraction changes by ``dm`` reads ``x'(w) = (1 - dm) * x(w) + dm * a_w * W(w)``, with
    ``dm ~ U(moisture_range)`` once per spectrum (negative values dry the sample). ``W`` is
    the absorbance shape of water: Gaussian bands at 970, 1190, 1450 and 1940 nm
    (the second O-H overtone, a combination band, the first overtone and the stretch plus
    bend combination; Buning-Pfaue, 2003) with relative strengths 0.04, 0.06, 0.45, 1 and
    FWHM 40, 50, 80, 100 nm; ``a_w = water_absorbance`` is the absorbance of pure water at
    1940 nm for the sample's path length. The axis is read in nm, or in cm-1 with
    ``unit="cm-1"`` (converted as ``1e7 / w``). ``moisture_range=(0, 0)`` is the identity.

    Parameters
    ----------
    moisture_range : (float, float), default=(-0.02, 0.02)
        Bounds of the uniform change of water mass fraction ``dm`` (each in [-1, 1]).
    water_absorbance : float, default=1.0
        Absorbance of pure water at 1940 nm, ``a_w`` (>= 0).
    unit : {"nm", "cm-1"}, default="nm"
        Unit of the wavelength axis.
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Buning-Pfaue, H. (2003). Analysis of water in food by near infrared spectroscopy.
    Food Chemistry 82(1), 107-115.
    """

    def __init__(
        self,
        moisture_range: tuple[float, float] = (-0.02, 0.02),
        water_absorbance: float = 1.0,
        unit: str = "nm",
        random_state: int | None = 0,
    ) -> None:
        self.moisture_range = moisture_range
        self.water_absorbance = water_absorbance
        self.unit = unit
        self.random_state = random_state

    def _check_params(self) -> None:
        _, high = check_range(self, "moisture_range", self.moisture_range, lowest=-1.0)
        if high > 1.0:
            raise ValueError(
                f"MoistureAugmenter: moisture_range must lie in [-1, 1], got "
                f"{self.moisture_range!r}"
            )
        check_nonnegative(self, "water_absorbance", self.water_absorbance)
        _check_unit(self, self.unit)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        water = float(self.water_absorbance) * water_absorbance(_in_nm(axis, self.unit))
        changes = uniform_rows(generators, self.moisture_range)
        dried = (1.0 - changes)[:, None] * X
        return add_row_terms(dried, [(changes, water)], out=dried)


class ParticleSizeAugmenter(_AxisAugmenter):
    """Change each sample's particle size: longer light paths and a scattering baseline.

    In diffuse reflectance, coarser particles lengthen the mean light path inside the
    sample, which multiplies the apparent absorbance, and scatter less, which lowers a
    smooth baseline that grows towards short wavelengths. Extended multiplicative signal
    correction models both (Martens, Nielsen and Engelsen, 2003). Per spectrum the size
    ratio ``r = exp(u)``, ``u ~ U(log(size_ratio_range))`` (log-uniform) is drawn and

    ``x'(w) = r^path_exponent * x(w) - scatter_amplitude * log(r) * (lambda(w) / lambda_c)^-alpha``

    with ``lambda`` the wavelength in nm, ``lambda_c`` its mid-range value and
    ``alpha = wavelength_exponent``: ``r > 1`` (coarser) raises the bands and lowers the
    baseline, ``r < 1`` does the opposite, ``r = 1`` is the identity. With ``unit="cm-1"``
    the axis is converted to nm as ``1e7 / w``.

    Parameters
    ----------
    size_ratio_range : (float, float), default=(0.8, 1.25)
        Bounds of the log-uniform ratio of new to original particle size (> 0).
    path_exponent : float, default=0.5
        Exponent of the path-length gain ``r^path_exponent``.
    scatter_amplitude : float, default=0.05
        Baseline change at ``lambda_c`` per unit of ``log(r)``, in absorbance (>= 0).
    wavelength_exponent : float, default=1.0
        ``alpha`` of the ``lambda^-alpha`` scattering baseline (>= 0; 0 is a flat offset).
    unit : {"nm", "cm-1"}, default="nm"
        Unit of the wavelength axis.
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Martens, H., Nielsen, J. P. and Engelsen, S. B. (2003). Light scattering and light
    absorbance separated by extended multiplicative signal correction. Application to
    near-infrared transmission analysis of powder mixtures. Analytical Chemistry 75(3),
    394-404.
    """

    def __init__(
        self,
        size_ratio_range: tuple[float, float] = (0.8, 1.25),
        path_exponent: float = 0.5,
        scatter_amplitude: float = 0.05,
        wavelength_exponent: float = 1.0,
        unit: str = "nm",
        random_state: int | None = 0,
    ) -> None:
        self.size_ratio_range = size_ratio_range
        self.path_exponent = path_exponent
        self.scatter_amplitude = scatter_amplitude
        self.wavelength_exponent = wavelength_exponent
        self.unit = unit
        self.random_state = random_state

    def _check_params(self) -> None:
        low, _ = check_range(self, "size_ratio_range", self.size_ratio_range, lowest=0.0)
        if low <= 0:
            raise ValueError(
                f"ParticleSizeAugmenter: size_ratio_range must be > 0, got "
                f"{self.size_ratio_range!r}"
            )
        check_finite(self, "path_exponent", self.path_exponent)
        check_nonnegative(self, "scatter_amplitude", self.scatter_amplitude)
        check_nonnegative(self, "wavelength_exponent", self.wavelength_exponent)
        _check_unit(self, self.unit)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        nm = _in_nm(axis, self.unit)
        finite = nm[np.isfinite(nm) & (nm > 0)]
        centre = 0.5 * (finite.min() + finite.max()) if finite.size else 1.0
        relative = np.where(np.isfinite(nm) & (nm > 0), nm / centre, 1.0)
        baseline = relative ** -float(self.wavelength_exponent)
        low, high = np.log(np.asarray(self.size_ratio_range, dtype=np.float64))
        log_ratio = uniform_rows(generators, (low, high))[:, None]
        gain = np.exp(float(self.path_exponent) * log_ratio)
        # gain * X - (amplitude * log_ratio) * baseline, the second term added row by row
        scaled = gain * X
        amplitudes = -(float(self.scatter_amplitude) * log_ratio[:, 0])
        return add_row_terms(scaled, [(amplitudes, baseline)], out=scaled)
