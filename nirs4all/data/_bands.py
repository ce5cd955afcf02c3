"""Library of pure-component NIR absorption spectra used by :mod:`nirs4all.data.synthetic`.

Each component is a sum of pseudo-Voigt bands at the overtone and combination positions
assigned to it in the NIR literature (Osborne, Fearn & Hindle 1993, *Practical NIR
Spectroscopy*; Workman & Weyer 2012, *Practical Guide and Spectral Atlas for Interpretive
Near-Infrared Spectroscopy*). Positions are rounded to 5-10 nm and heights are the absorbance
of the pure component at unit path length, chosen so that mixtures look like diffuse
reflectance spectra in log(1/R) units (0.1 to 1.5). They are plausible, not reference data.

A pseudo-Voigt band (Thompson, Cox & Hastings 1987) of height ``h``, centre ``c`` and full
width at half maximum ``w`` is ``h * (eta / (1 + x**2) + (1 - eta) * exp(-ln2 * x**2))`` with
``x = 2 (lambda - c) / w``; both parts have height 1 and FWHM ``w`` on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["COMPONENTS", "LORENTZ_FRACTION", "Band", "ComponentLibrary", "component_spectra"]

LORENTZ_FRACTION = 0.3
"""Weight ``eta`` of the Lorentzian part of every band (the rest is Gaussian)."""


@dataclass(frozen=True)
class Band:
    """One absorption band: centre and FWHM in nm, height in absorbance, chemical assignment."""

    center_nm: float
    fwhm_nm: float
    height: float
    assignment: str


COMPONENTS: dict[str, tuple[Band, ...]] = {
    "water": (
        Band(970, 60, 0.12, "O-H 2nd overtone"),
        Band(1190, 80, 0.15, "O-H stretch + bend combination"),
        Band(1450, 100, 0.65, "O-H 1st overtone"),
        Band(1940, 120, 1.20, "O-H stretch + bend combination"),
    ),
    "protein": (
        Band(1020, 50, 0.08, "N-H 2nd overtone"),
        Band(1510, 60, 0.35, "N-H 1st overtone"),
        Band(1690, 50, 0.20, "C-H 1st overtone (CH3)"),
        Band(2055, 60, 0.45, "N-H stretch + amide II combination"),
        Band(2180, 50, 0.50, "N-H bend 2nd overtone + C=O stretch"),
        Band(2300, 45, 0.35, "C-H stretch + bend combination"),
    ),
    "lipid": (
        Band(930, 40, 0.08, "C-H 3rd overtone"),
        Band(1210, 45, 0.20, "C-H 2nd overtone"),
        Band(1390, 40, 0.12, "C-H combination"),
        Band(1725, 35, 0.60, "C-H 1st overtone (CH2 asymmetric)"),
        Band(1765, 35, 0.50, "C-H 1st overtone (CH2 symmetric)"),
        Band(2145, 40, 0.25, "=C-H stretch + C=C stretch combination (cis unsaturation)"),
        Band(2310, 40, 0.85, "C-H stretch + bend combination"),
        Band(2350, 40, 0.65, "C-H stretch + bend combination"),
    ),
    "starch": (
        Band(1200, 60, 0.12, "C-H 2nd overtone"),
        Band(1450, 80, 0.35, "O-H 1st overtone"),
        Band(1580, 70, 0.25, "O-H 1st overtone (hydrogen-bonded)"),
        Band(1930, 90, 0.35, "O-H stretch + bend combination (bound water)"),
        Band(2100, 70, 0.60, "O-H bend + C-O stretch combination"),
        Band(2280, 50, 0.45, "C-H stretch + CH2 deformation"),
        Band(2320, 45, 0.35, "C-H stretch + bend combination"),
    ),
    "cellulose": (
        Band(1200, 60, 0.10, "C-H 2nd overtone"),
        Band(1490, 70, 0.35, "O-H 1st overtone (crystalline)"),
        Band(1780, 50, 0.25, "C-H 1st overtone"),
        Band(2090, 60, 0.50, "O-H + C-O stretch combination"),
        Band(2270, 50, 0.45, "O-H + C-O stretch combination"),
        Band(2340, 45, 0.40, "C-H stretch + CH2 deformation"),
        Band(2485, 50, 0.35, "C-H stretch + C-C stretch combination"),
    ),
    "sugar": (
        Band(1440, 70, 0.35, "O-H 1st overtone"),
        Band(1580, 60, 0.25, "O-H 1st overtone (hydrogen-bonded)"),
        Band(1690, 50, 0.20, "C-H 1st overtone"),
        Band(2080, 60, 0.50, "O-H stretch + C-O stretch combination"),
        Band(2270, 50, 0.45, "C-H stretch + bend combination"),
    ),
    "ethanol": (
        Band(1190, 50, 0.12, "C-H 2nd overtone (CH3)"),
        Band(1410, 50, 0.30, "O-H 1st overtone (free)"),
        Band(1695, 40, 0.55, "C-H 1st overtone (CH3)"),
        Band(2070, 60, 0.30, "O-H stretch + bend combination"),
        Band(2270, 45, 0.60, "C-H stretch + bend combination"),
    ),
    "urea": (
        Band(1490, 40, 0.45, "N-H 1st overtone (NH2 symmetric)"),
        Band(1530, 40, 0.40, "N-H 1st overtone (NH2 asymmetric)"),
        Band(2010, 50, 0.55, "N-H stretch + amide II combination"),
        Band(2160, 50, 0.45, "N-H stretch + amide III combination"),
    ),
}
"""Pure components by name, in the order :func:`~nirs4all.data.synthetic.generate` uses."""


def component_spectra(names: tuple[str, ...], wavelengths: np.ndarray) -> np.ndarray:
    """Evaluate pure-component absorbance spectra on a wavelength axis.

    Parameters
    ----------
    names : tuple of str
        Keys of :data:`COMPONENTS`.
    wavelengths : ndarray of shape (n_wavelengths,)
        Axis in nm, in any order.

    Returns
    -------
    ndarray of shape (len(names), n_wavelengths)
        Absorbance of each pure component at unit path length, float64.
    """
    spectra = np.zeros((len(names), wavelengths.shape[0]), dtype=np.float64)
    for row, name in enumerate(names):
        for band in COMPONENTS[name]:
            x2 = (2.0 * (wavelengths - band.center_nm) / band.fwhm_nm) ** 2
            lorentz = 1.0 / (1.0 + x2)
            gauss = np.exp(-np.log(2.0) * x2)
            spectra[row] += band.height * (
                LORENTZ_FRACTION * lorentz + (1.0 - LORENTZ_FRACTION) * gauss
            )
    return spectra


class ComponentLibrary:
    """A read-only selection of :data:`COMPONENTS` (the 0.x ``ComponentLibrary`` face).

    Parameters
    ----------
    names : sequence of str, optional
        Components to hold, in order; all of :data:`COMPONENTS` by default.
    """

    def __init__(self, names: tuple[str, ...] | list[str] | None = None) -> None:
        chosen = tuple(COMPONENTS) if names is None else tuple(names)
        unknown = [n for n in chosen if n not in COMPONENTS]
        if unknown or not chosen or len(set(chosen)) != len(chosen):
            raise ValueError(
                f"names must be distinct keys of COMPONENTS {sorted(COMPONENTS)}; got {chosen}"
            )
        self._names = chosen

    @classmethod
    def from_predefined(cls, names: list[str] | None = None) -> ComponentLibrary:
        """The library of the named predefined components (0.7 spelling)."""
        return cls(names)

    @staticmethod
    def available() -> tuple[str, ...]:
        """Names of every predefined component."""
        return tuple(COMPONENTS)

    @property
    def component_names(self) -> tuple[str, ...]:
        """Names of the components held, in order."""
        return self._names

    def bands(self, name: str) -> tuple[Band, ...]:
        """The bands of one held component."""
        if name not in self._names:
            raise KeyError(f"{name!r} is not in this library; it holds {self._names}")
        return COMPONENTS[name]

    def spectra(self, wavelengths: np.ndarray) -> np.ndarray:
        """Pure spectra of the held components on ``wavelengths`` (see component_spectra)."""
        return component_spectra(self._names, np.asarray(wavelengths, dtype=np.float64))

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"ComponentLibrary({list(self._names)})"
