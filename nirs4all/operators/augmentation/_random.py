"""The random operations of nirs4all 0.7: a broken-line tilt and an elementwise operation."""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np

from nirs4all.operators.augmentation._base import (
    Augmenter,
    check_nonnegative,
    check_range,
    uniform_rows,
)
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._warps import unit_position

__all__ = ["Random_X_Operation", "Rotate_Translate"]


class Rotate_Translate(Augmenter):  # the 0.x name (with its underscore), kept for user code
    """Tilt each spectrum about a random pivot and lift it (rotation and translation).

    With ``t = j / (n_features - 1)`` the column position in [0, 1] and ``A = p_range /
    y_factor``, the draws are, in order, a pivot ``t0 ~ U(0, 1)``, an offset ``y0 ~ U(-A, A)``
    and two slopes ``s_left, s_right ~ U(-A, A)``; then
    ``x'(t) = x(t) + std(x) * (y0 + s(t) * (t - t0))`` with ``s = s_left`` left of the pivot
    and ``s_right`` right of it: a continuous broken-line baseline scaled by the spectrum's
    own standard deviation (Bjerrum et al., 2017, augment spectra by such offsets and
    slopes). nirs4all 0.7 took ``p_range`` and ``y_factor`` separately; only their ratio
    matters. ``p_range=0`` is the identity.

    Parameters
    ----------
    p_range : float, default=2.0
        Amplitude of the offset and of the slopes before division by ``y_factor`` (>= 0).
    y_factor : float, default=3.0
        Divisor of ``p_range`` (> 0).
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int

    References
    ----------
    Bjerrum, E. J., Glahder, M. and Skov, T. (2017). Data augmentation of spectral data for
    convolutional neural network (CNN) based deep chemometrics. arXiv:1710.01927.
    """

    def __init__(
        self, p_range: float = 2.0, y_factor: float = 3.0, random_state: int | None = 0
    ) -> None:
        self.p_range = p_range
        self.y_factor = y_factor
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "p_range", self.p_range)
        if check_nonnegative(self, "y_factor", self.y_factor) <= 0:
            raise ValueError(f"Rotate_Translate: y_factor must be > 0, got {self.y_factor!r}")

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        t = unit_position(np.arange(X.shape[1], dtype=np.float64))
        amplitude = self.p_range / self.y_factor
        pivot = generators.uniform(0.0, 1.0)[:, None]
        offset, left, right = generators.uniform(-amplitude, amplitude, 3).T[:, :, None]
        slope = np.where(t[None, :] <= pivot, left, right)
        return X + X.std(axis=1, keepdims=True) * (offset + slope * (t[None, :] - pivot))


class Random_X_Operation(Augmenter):  # the 0.x name, kept for user code
    """Combine every value with its own random factor: ``x'_j = op(x_j, r_j)``.

    ``r_j ~ U(operator_range)`` independently for every value (one draw of
    ``n_features`` values per spectrum), and ``op`` is ``operator_func`` (multiplication by
    default: random per-wavelength gains, a multiplicative noise). With ``operator.mul`` and
    ``operator_range=(1, 1)``, or ``operator.add`` and ``(0, 0)``, it is the identity.

    Parameters
    ----------
    operator_func : callable, default=operator.mul
        Binary elementwise function of two arrays, e.g. ``operator.mul`` or ``operator.add``.
    operator_range : (float, float), default=(0.97, 1.03)
        Bounds of the uniform factors.
    random_state : int or None, default=0
        Seed (see :class:`Rotate_Translate`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self,
        operator_func: Callable[[np.ndarray, np.ndarray], np.ndarray] = operator.mul,
        operator_range: tuple[float, float] = (0.97, 1.03),
        random_state: int | None = 0,
    ) -> None:
        self.operator_func = operator_func
        self.operator_range = operator_range
        self.random_state = random_state

    def _check_params(self) -> None:
        if not callable(self.operator_func):
            raise ValueError(
                f"Random_X_Operation: operator_func must be a callable of two arrays, got "
                f"{self.operator_func!r}"
            )
        check_range(self, "operator_range", self.operator_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        factors = uniform_rows(generators, self.operator_range, X.shape[1]).reshape(X.shape)
        if self.operator_func is operator.mul:  # the default, in place: X * factors
            return np.multiply(factors, X, out=factors)
        out = np.asarray(self.operator_func(X, factors), dtype=np.float64)
        if out.shape != X.shape:
            raise ValueError(
                f"Random_X_Operation: operator_func must return an array of shape {X.shape}, "
                f"got {out.shape}"
            )
        return out
