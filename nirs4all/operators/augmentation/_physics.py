"""Physical distortions of absorbance spectra: EMSC terms, stray light, detector roll-off."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._base import (
    check_finite,
    check_nonnegative,
    check_range,
    uniform_rows,
)
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._noise_models import check_int
from nirs4all.operators.augmentation._row_terms import add_row_terms
from nirs4all.operators.augmentation._shift import _AxisAugmenter
from nirs4all.operators.augmentation._warps import resample, unit_position

__all__ = [
    "DetectorRollOffAugmenter",
    "EMSCDistortionAugmenter",
    "EdgeArtifactsAugmenter",
    "StrayLightAugmenter",
    "TemperatureAugmenter",
]


def _edge_profiles(axis: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """``exp(-t / width)`` and ``exp(-(1 - t) / width)``: 1 at one end, decaying inwards."""
    t = unit_position(axis)
    return np.exp(-t / width), np.exp(-(1.0 - t) / width)


def _check_width(owner: object, value: object) -> None:
    if check_nonnegative(owner, "edge_width", value) <= 0:
        raise ValueError(f"{type(owner).__name__}: edge_width must be > 0, got {value!r}")


class EMSCDistortionAugmenter(_AxisAugmenter):
    """Apply random terms of the extended multiplicative signal correction model.

    EMSC (Martens and Stark, 1991) writes a spectrum as ``x = a + b * r + sum_k d_k u^k + e``
    with a multiplicative ``b``, an additive ``a`` and a polynomial in the axis position
    ``u = 2 t(w) - 1`` in [-1, 1]. This augmenter draws, once per spectrum and in this
    order, ``b ~ U(multiplicative_range)``, ``a ~ U(additive_range)`` and
    ``d_1, ..., d_order ~ U(polynomial_range)``, and returns
    ``x' = b * x + a + sum_{k=1..order} d_k u(w)^k``: the physical variation EMSC removes.

    Parameters
    ----------
    multiplicative_range : (float, float), default=(0.9, 1.1)
        Bounds of the uniform gain ``b`` (>= 0).
    additive_range : (float, float), default=(-0.02, 0.02)
        Bounds of the uniform offset ``a``, in the units of the spectra.
    polynomial_order : int, default=2
        Highest power of ``u`` (>= 0; 0 adds no polynomial).
    polynomial_range : (float, float), default=(-0.02, 0.02)
        Bounds of each uniform polynomial coefficient.
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Martens, H. and Stark, E. (1991). Extended multiplicative signal correction and spectral
    interference subtraction: new preprocessing methods for near infrared spectroscopy.
    Journal of Pharmaceutical and Biomedical Analysis 9(8), 625-635.
    """

    def __init__(
        self,
        multiplicative_range: tuple[float, float] = (0.9, 1.1),
        additive_range: tuple[float, float] = (-0.02, 0.02),
        polynomial_order: int = 2,
        polynomial_range: tuple[float, float] = (-0.02, 0.02),
        random_state: int | None = 0,
    ) -> None:
        self.multiplicative_range = multiplicative_range
        self.additive_range = additive_range
        self.polynomial_order = polynomial_order
        self.polynomial_range = polynomial_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "multiplicative_range", self.multiplicative_range, lowest=0.0)
        check_range(self, "additive_range", self.additive_range)
        check_int(self, "polynomial_order", self.polynomial_order, 0)
        check_range(self, "polynomial_range", self.polynomial_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        order = int(self.polynomial_order)
        u = 2.0 * unit_position(axis) - 1.0
        powers = u[None, :] ** np.arange(1, order + 1)[:, None]
        gain = generators.uniform(*self.multiplicative_range)[:, None]
        offset = generators.uniform(*self.additive_range)[:, None]
        coefficients = generators.uniform(*self.polynomial_range, order)
        out = gain * X  # then in place, in the order of gain * X + offset + c @ powers
        out += offset
        out += coefficients @ powers
        return out


class StrayLightAugmenter(_AxisAugmenter):
    """Add a random fraction of stray light to absorbance spectra.

    Stray light (light reaching the detector outside the sample's optical path) adds a
    fraction ``s`` of the incident light to both sample and reference beams, so the
    measured transmittance is ``T' = (T + s) / (1 + s)`` and, with ``T = 10^-A``,
    ``A' = -log10((10^-A + s) / (1 + s))``, with ``s ~ U(stray_light_range)`` once per
    spectrum. High absorbances flatten (the apparent absorbance can never exceed
    ``log10((1 + s) / s)``), which bends calibrations at high concentration. The spectra
    must be absorbance; ``s = 0`` is the identity.

    Parameters
    ----------
    stray_light_range : (float, float), default=(0.0, 0.01)
        Bounds of the uniform stray-light fraction ``s`` (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`EMSCDistortionAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self, stray_light_range: tuple[float, float] = (0.0, 0.01), random_state: int | None = 0
    ) -> None:
        self.stray_light_range = stray_light_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "stray_light_range", self.stray_light_range, lowest=0.0)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        fractions = uniform_rows(generators, self.stray_light_range)
        s = fractions[:, None]
        # ln(10^-A + s) as logaddexp(-A ln 10, ln s): no overflow for large negative A; a
        # spectrum with s = 0 is returned as it is, to the last bit.
        log_s = np.log(np.where(s > 0, s, 1.0))
        stray = -np.log(10.0) * X  # then in place: one array of the size of X
        np.logaddexp(stray, log_s, out=stray)
        np.subtract(np.log1p(s), stray, out=stray)
        stray /= np.log(10.0)
        unchanged = fractions <= 0
        stray[unchanged] = X[unchanged]
        return stray


class DetectorRollOffAugmenter(_AxisAugmenter):
    """Raise the absorbance at both ends of the axis, where detector response rolls off.

    The relative response of the detector falls near the ends of its range:
    ``r(t) = 1 - d * (exp(-t / tau) + exp(-(1 - t) / tau))`` with ``t`` the position in
    [0, 1] along the axis, ``tau = edge_width`` and ``d ~ U(depth_range)`` once per
    spectrum. A lost fraction of the signal reads as absorbance, so
    ``x' = x - log10(r)``. ``d = 0`` is the identity.

    Parameters
    ----------
    depth_range : (float, float), default=(0.0, 0.05)
        Bounds of the uniform response loss at each end (0 <= d < 0.5).
    edge_width : float, default=0.05
        Decay length of the roll-off, as a fraction of the axis range (> 0).
    random_state : int or None, default=0
        Seed (see :class:`EMSCDistortionAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        depth_range: tuple[float, float] = (0.0, 0.05),
        edge_width: float = 0.05,
        random_state: int | None = 0,
    ) -> None:
        self.depth_range = depth_range
        self.edge_width = edge_width
        self.random_state = random_state

    def _check_params(self) -> None:
        _, high = check_range(self, "depth_range", self.depth_range, lowest=0.0)
        if high >= 0.5:
            raise ValueError(
                f"DetectorRollOffAugmenter: depth_range must lie in [0, 0.5), got "
                f"{self.depth_range!r}"
            )
        _check_width(self, self.edge_width)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        low_end, high_end = _edge_profiles(axis, float(self.edge_width))
        profile = low_end + high_end
        depths = uniform_rows(generators, self.depth_range)
        return X - np.log10(1.0 - depths[:, None] * profile[None, :])


class TemperatureAugmenter(_AxisAugmenter):
    """Shift and rescale each spectrum as a small change of sample temperature would.

    ``x'(w) = (1 + intensity_per_kelvin * dT) * x(w - shift_per_kelvin * dT)`` with
    ``dT ~ U(temperature_range)`` kelvin once per spectrum (linear interpolation, end
    values held): the first-order effect of temperature on NIR bands, whose positions and
    intensities move linearly with temperature over a few kelvin; hydrogen-bonded O-H
    bands move to shorter wavelengths when warmed (Segtnan et al., 2001), hence the
    negative default shift. ``shift_per_kelvin`` is in axis units per kelvin.

    Parameters
    ----------
    temperature_range : (float, float), default=(-5.0, 5.0)
        Bounds of the uniform temperature change, in kelvin.
    shift_per_kelvin : float, default=-0.3
        Band shift per kelvin, in axis units (nm when the axis is in nm).
    intensity_per_kelvin : float, default=-0.002
        Relative intensity change per kelvin.
    random_state : int or None, default=0
        Seed (see :class:`EMSCDistortionAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Segtnan, V. H., Sasic, S., Isaksson, T. and Ozaki, Y. (2001). Studies on the structure
    of water using two-dimensional near-infrared correlation spectroscopy and principal
    component analysis. Analytical Chemistry 73(13), 3153-3161.
    """

    def __init__(
        self,
        temperature_range: tuple[float, float] = (-5.0, 5.0),
        shift_per_kelvin: float = -0.3,
        intensity_per_kelvin: float = -0.002,
        random_state: int | None = 0,
    ) -> None:
        self.temperature_range = temperature_range
        self.shift_per_kelvin = shift_per_kelvin
        self.intensity_per_kelvin = intensity_per_kelvin
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "temperature_range", self.temperature_range)
        check_finite(self, "shift_per_kelvin", self.shift_per_kelvin)
        check_finite(self, "intensity_per_kelvin", self.intensity_per_kelvin)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        deltas = uniform_rows(generators, self.temperature_range)
        shifts = self.shift_per_kelvin * deltas
        shifted = resample(X, axis, lambda row: axis - shifts[row])
        shifted *= (1.0 + self.intensity_per_kelvin * deltas)[:, None]
        return shifted


class EdgeArtifactsAugmenter(_AxisAugmenter):
    """Bend both ends of each spectrum independently, as stitched or vignetted detectors do.

    ``x'(w) = x(w) + c_low * exp(-t / tau) + c_high * exp(-(1 - t) / tau)`` with ``t`` the
    position in [0, 1] along the axis, ``tau = edge_width`` and ``c_low, c_high ~
    U(amplitude_range)`` drawn in that order, once per spectrum. Unlike
    :class:`DetectorRollOffAugmenter` the two ends move independently and in either
    direction. ``amplitude_range=(0, 0)`` is the identity.

    Parameters
    ----------
    amplitude_range : (float, float), default=(-0.02, 0.02)
        Bounds of the uniform deviation at each end, in the units of the spectra.
    edge_width : float, default=0.05
        Decay length of the artefact, as a fraction of the axis range (> 0).
    random_state : int or None, default=0
        Seed (see :class:`EMSCDistortionAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        amplitude_range: tuple[float, float] = (-0.02, 0.02),
        edge_width: float = 0.05,
        random_state: int | None = 0,
    ) -> None:
        self.amplitude_range = amplitude_range
        self.edge_width = edge_width
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "amplitude_range", self.amplitude_range)
        _check_width(self, self.edge_width)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        low_end, high_end = _edge_profiles(axis, float(self.edge_width))
        amplitudes = uniform_rows(generators, self.amplitude_range, 2)
        return add_row_terms(X, [(amplitudes[:, 0], low_end), (amplitudes[:, 1], high_end)])
