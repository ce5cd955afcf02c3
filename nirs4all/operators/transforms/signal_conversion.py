"""Conversions between kinds of spectral values (see :mod:`nirs4all.data.signal_type`).

Absorbance from reflectance or transmittance is ``A = log10(1 / S) = -log10(S)``, ``S`` the
fraction (a percentage divided by 100); the Kubelka-Munk function of diffuse reflectance is
``F(R) = (1 - R)^2 / (2 R)`` (Kubelka & Munk 1931). Fractions are floored at ``epsilon``
before a logarithm or a division so the output stays finite.
"""

from __future__ import annotations

import numpy as np

from nirs4all.data.signal_type import SignalType, normalize_signal_type
from nirs4all.errors import DataError
from nirs4all.operators.transforms._normalization import KubelkaMunk
from nirs4all.operators.transforms._transformer import SpectralTransformer, check_positive

__all__ = [
    "FractionToPercent",
    "FromAbsorbance",
    "KubelkaMunk",
    "PercentToFraction",
    "SignalTypeConverter",
    "ToAbsorbance",
]

S = SignalType
_FRACTION_TYPES = (S.REFLECTANCE, S.REFLECTANCE_PERCENT, S.TRANSMITTANCE, S.TRANSMITTANCE_PERCENT)
_PERCENT = frozenset({S.REFLECTANCE_PERCENT, S.TRANSMITTANCE_PERCENT})
_LOG_TYPES = frozenset({S.ABSORBANCE, S.LOG_1_R, S.LOG_1_T})
_REFLECTANCE_FAMILY = frozenset({S.REFLECTANCE, S.REFLECTANCE_PERCENT, S.LOG_1_R, S.KUBELKA_MUNK})
_TRANSMITTANCE_FAMILY = frozenset({S.TRANSMITTANCE, S.TRANSMITTANCE_PERCENT, S.LOG_1_T})
CONVERTIBLE = (*_FRACTION_TYPES, S.ABSORBANCE, S.LOG_1_R, S.LOG_1_T, S.KUBELKA_MUNK)


def _signal_type(estimator: object, name: str, allowed: tuple[SignalType, ...]) -> SignalType:
    value = normalize_signal_type(getattr(estimator, name))
    if value not in allowed:
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be one of "
            f"{', '.join(t.value for t in allowed)}; got {getattr(estimator, name)!r}"
        )
    return value


def _floor(X: np.ndarray, epsilon: float, clip: bool, who: str) -> np.ndarray:
    """``max(X, epsilon)``; with ``clip`` false, a value <= 0 is an error instead."""
    if not clip and np.any(X <= 0):
        raise DataError(
            f"{who}: {int(np.sum(X <= 0))} value(s) are <= 0, where the logarithm is not "
            "defined; pass clip_negative=True to floor them at epsilon"
        )
    return np.maximum(X, X.dtype.type(epsilon))


def to_fraction(X: np.ndarray, kind: SignalType) -> np.ndarray:
    """Reflectance or transmittance fraction ``S`` of values of kind ``kind`` (new array)."""
    if kind in _PERCENT:
        return X / X.dtype.type(100)
    if kind in _LOG_TYPES:
        return np.power(X.dtype.type(10), -X)
    if kind is S.KUBELKA_MUNK:
        # The root in (0, 1] of (1 - R)^2 = 2 R F.
        return 1 + X - np.sqrt(X * X + 2 * X)
    return X.copy()


def from_fraction(S_: np.ndarray, kind: SignalType, epsilon: float, clip: bool) -> np.ndarray:
    """Values of kind ``kind`` of a fraction ``S_`` (new array)."""
    if kind in _PERCENT:
        return S_ * S_.dtype.type(100)
    if kind in _LOG_TYPES:
        return -np.log10(_floor(S_, epsilon, clip, "conversion to absorbance"))
    if kind is S.KUBELKA_MUNK:
        R = _floor(S_, epsilon, True, "Kubelka-Munk")
        return (1 - R) ** 2 / (2 * R)
    return S_.copy()


class _Conversion(SpectralTransformer):
    """Template: ``source -> target`` through the fraction, on validated ``X``."""

    def _kinds(self) -> tuple[SignalType, SignalType]:
        raise NotImplementedError  # abstract hook: each conversion names its two signal types

    def _check_params(self) -> None:
        self._kinds()
        if hasattr(self, "epsilon"):
            check_positive(self, "epsilon")

    def _transform(self, X: np.ndarray) -> np.ndarray:
        source, target = self._kinds()
        if source is target or (source in _LOG_TYPES and target in _LOG_TYPES):
            return X.copy()
        epsilon = getattr(self, "epsilon", 1e-10)
        clip = bool(getattr(self, "clip_negative", True))
        return from_fraction(to_fraction(X, source), target, epsilon, clip)


class ToAbsorbance(_Conversion):
    """Absorbance from reflectance or transmittance: ``A = -log10(max(S, epsilon))``.

    ``S`` is the fraction (``source_type`` ending in ``%``: the values divided by 100).

    Parameters
    ----------
    source_type : str, default="reflectance"
        ``"reflectance"``, ``"reflectance%"``, ``"transmittance"`` or ``"transmittance%"``
        (or an alias, see :func:`~nirs4all.data.signal_type.normalize_signal_type`).
    epsilon : float, default=1e-10
        Floor of ``S``: the output is at most ``-log10(epsilon)`` (10).
    clip_negative : bool, default=True
        Floor values <= 0 at ``epsilon``; when false, such a value raises
        :class:`~nirs4all.errors.DataError`.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self, source_type: str = "reflectance", epsilon: float = 1e-10, clip_negative: bool = True
    ) -> None:
        self.source_type = source_type
        self.epsilon = epsilon
        self.clip_negative = clip_negative

    def _kinds(self) -> tuple[SignalType, SignalType]:
        return _signal_type(self, "source_type", _FRACTION_TYPES), S.ABSORBANCE


class FromAbsorbance(_Conversion):
    """Reflectance or transmittance from absorbance: ``S = 10^-A`` (times 100 for ``%``).

    Parameters
    ----------
    target_type : str, default="reflectance"
        ``"reflectance"``, ``"reflectance%"``, ``"transmittance"`` or ``"transmittance%"``.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(self, target_type: str = "reflectance") -> None:
        self.target_type = target_type

    def _kinds(self) -> tuple[SignalType, SignalType]:
        return S.ABSORBANCE, _signal_type(self, "target_type", _FRACTION_TYPES)


class PercentToFraction(SpectralTransformer):
    """Divide by 100: percent reflectance or transmittance to a fraction.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X / X.dtype.type(100)


class FractionToPercent(SpectralTransformer):
    """Multiply by 100: a reflectance or transmittance fraction to percent.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _transform(self, X: np.ndarray) -> np.ndarray:
        return X * X.dtype.type(100)


class SignalTypeConverter(_Conversion):
    """Convert spectra from one kind of values to another, through the fraction ``S``.

    ``source_type`` values are turned into ``S`` (a percentage / 100, ``10^-A`` of an
    absorbance, ``1 + F - sqrt(F^2 + 2F)`` of a Kubelka-Munk value), then ``S`` into
    ``target_type`` (``-log10(max(S, epsilon))``, ``S * 100``, or
    ``(1 - R)^2 / (2R)``, Kubelka & Munk 1931). Absorbance, ``log_1_r`` and ``log_1_t`` are
    the same numbers: converting between them copies. Reflectance and transmittance are
    different measurements: converting one into the other is refused, and Kubelka-Munk
    values come only from or go only to the reflectance kinds or absorbance.

    Parameters
    ----------
    source_type, target_type : str
        Kinds among absorbance, reflectance, reflectance%, transmittance, transmittance%,
        kubelka_munk, log_1_r, log_1_t (or aliases).
    epsilon : float, default=1e-10
        Floor of ``S`` before a logarithm or a division.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Kubelka, P. & Munk, F. (1931). Ein Beitrag zur Optik der Farbanstriche.
    Zeitschrift fur technische Physik 12, 593-601.
    """

    def __init__(
        self,
        source_type: str = "reflectance",
        target_type: str = "absorbance",
        epsilon: float = 1e-10,
    ) -> None:
        self.source_type = source_type
        self.target_type = target_type
        self.epsilon = epsilon

    def _kinds(self) -> tuple[SignalType, SignalType]:
        source = _signal_type(self, "source_type", CONVERTIBLE)
        target = _signal_type(self, "target_type", CONVERTIBLE)
        kinds = {source, target}
        if kinds & _REFLECTANCE_FAMILY and kinds & _TRANSMITTANCE_FAMILY:
            raise ValueError(
                f"SignalTypeConverter: cannot convert {source.value} to {target.value}: "
                "reflectance and transmittance are different measurements"
            )
        return source, target
