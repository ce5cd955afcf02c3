"""Conversions between kinds of spectral values (see :mod:`nirs4all.data.signal_type`).

Absorbance from reflectance or transmittance is ``A = log10(1 / S) = -log10(S)``, ``S`` the
fraction (a percentage divided by 100); the Kubelka-Munk function of diffuse reflectance is
``F(R) = (1 - R)^2 / (2 R)`` (Kubelka & Munk 1931). Fractions are floored at ``epsilon``
before a logarithm or a division so the output stays finite.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils import assert_all_finite
from sklearn.utils.validation import validate_data

from nirs4all.data.signal_type import SignalType, normalize_signal_type
from nirs4all.errors import DataError
from nirs4all.operators.transforms._normalization import KubelkaMunk
from nirs4all.operators.transforms._transformer import (
    FLOAT_DTYPES,
    SpectralTransformer,
    check_positive,
)

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
    """``max(X, epsilon)`` (a new array); with ``clip`` false, a value <= 0 is an error."""
    if not clip and X.min(initial=np.inf) <= 0:
        raise DataError(
            f"{who}: {int(np.sum(X <= 0))} value(s) are <= 0, where the logarithm is not "
            "defined; pass clip_negative=True to floor them at epsilon"
        )
    return np.maximum(X, X.dtype.type(epsilon))


_BLOCK = 1 << 15  # values per block: a block and its temporaries stay in the CPU cache


class _Elementwise(SpectralTransformer):
    """Template of the value-by-value conversions: ``_convert`` block by block of rows.

    Each block is checked finite right after it is converted, while it is in cache, instead
    of by one more pass over ``X`` in ``validate_data`` (that pass was a third of the time
    of ``x * 100`` on 10,000 x 2,000 spectra).
    """

    _finite_in_transform = True

    def _convert(self, X: np.ndarray, out: np.ndarray) -> None:
        raise NotImplementedError  # abstract hook: write the conversion of X into out

    def _validate_fit(self, X: ArrayLike, y: ArrayLike | None) -> tuple[np.ndarray, Any]:
        X = validate_data(self, X, reset=True, dtype=FLOAT_DTYPES, ensure_all_finite=False)
        return X, y

    def _fit(self, X: np.ndarray, y: Any) -> None:
        assert_all_finite(X, input_name="X")  # ``fit`` alone: nothing converts X to check it

    def _fit_transform(self, X: np.ndarray, y: Any) -> np.ndarray:
        return self._transform(X)

    def _transform(self, X: np.ndarray) -> np.ndarray:
        out = np.empty(X.shape, dtype=X.dtype)
        step = max(1, _BLOCK // max(X.shape[1], 1))
        for start in range(0, X.shape[0], step):
            block = X[start:start + step]
            self._convert(block, out[start:start + step])
            # the block is in cache now; a finite sum means finite values, and scikit-learn's
            # check (for its message) runs only when the sum is not finite
            if not np.isfinite(block.sum()):
                assert_all_finite(block, input_name="X")
        return out


def to_fraction(X: np.ndarray, kind: SignalType) -> np.ndarray:
    """Reflectance or transmittance fraction ``S`` of values of kind ``kind``.

    A fraction comes back as ``X`` itself, not a copy: :func:`from_fraction` always returns
    a new array, and the copy cost as much as the logarithm on 10,000 x 2,000 spectra.
    """
    if kind in _PERCENT:
        return X / X.dtype.type(100)
    if kind in _LOG_TYPES:
        out = np.negative(X)
        return np.power(X.dtype.type(10), out, out=out)
    if kind is S.KUBELKA_MUNK:
        # The root in (0, 1] of (1 - R)^2 = 2 R F.
        return 1 + X - np.sqrt(X * X + 2 * X)
    return X


def from_fraction(S_: np.ndarray, kind: SignalType, epsilon: float, clip: bool) -> np.ndarray:
    """Values of kind ``kind`` of a fraction ``S_`` (new array)."""
    if kind in _PERCENT:
        return S_ * S_.dtype.type(100)
    if kind in _LOG_TYPES:
        out = _floor(S_, epsilon, clip, "conversion to absorbance")
        np.log10(out, out=out)
        return np.negative(out, out=out)
    if kind is S.KUBELKA_MUNK:
        R = _floor(S_, epsilon, True, "Kubelka-Munk")
        return (1 - R) ** 2 / (2 * R)
    return S_.copy()


class _Conversion(_Elementwise):
    """Template: ``source -> target`` through the fraction, on validated ``X``."""

    def _kinds(self) -> tuple[SignalType, SignalType]:
        raise NotImplementedError  # abstract hook: each conversion names its two signal types

    def _check_params(self) -> None:
        self._kinds()
        if hasattr(self, "epsilon"):
            check_positive(self, "epsilon")

    def _transform(self, X: np.ndarray) -> np.ndarray:
        source, target = self._kinds()
        if not getattr(self, "clip_negative", True) and target in _LOG_TYPES:
            # count the values <= 0 over all of X (a block would see only its own)
            _floor(to_fraction(X, source), 1.0, False, "conversion to absorbance")
        return super()._transform(X)

    def _convert(self, X: np.ndarray, out: np.ndarray) -> None:
        source, target = self._kinds()
        if source is target or (source in _LOG_TYPES and target in _LOG_TYPES):
            out[...] = X
            return
        epsilon = getattr(self, "epsilon", 1e-10)
        clip = bool(getattr(self, "clip_negative", True))
        out[...] = from_fraction(to_fraction(X, source), target, epsilon, clip)


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


class PercentToFraction(_Elementwise):
    """Divide by 100: percent reflectance or transmittance to a fraction.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _convert(self, X: np.ndarray, out: np.ndarray) -> None:
        np.divide(X, X.dtype.type(100), out=out)


class FractionToPercent(_Elementwise):
    """Multiply by 100: a reflectance or transmittance fraction to percent.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def _convert(self, X: np.ndarray, out: np.ndarray) -> None:
        np.multiply(X, X.dtype.type(100), out=out)


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
