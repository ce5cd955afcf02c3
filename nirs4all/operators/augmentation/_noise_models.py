"""Noise models of nirs4all 0.7: smoothed additive noise, random gains, spikes, dropped channels."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from nirs4all.operators.augmentation._bands import (
    block_uniforms,
    first_of_permutation,
    interpolate_masked,
)
from nirs4all.operators.augmentation._base import Augmenter, check_nonnegative, check_range
from nirs4all.operators.augmentation._draws import RowDraws

__all__ = ["ChannelDropout", "GaussianAdditiveNoise", "MultiplicativeNoise", "SpikeNoise"]


def check_int(owner: object, name: str, value: object, lowest: int) -> int:
    """Validate an int parameter ``>= lowest``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < lowest:
        raise ValueError(
            f"{type(owner).__name__}: {name} must be an int >= {lowest}, got {value!r}"
        )
    return int(value)


def check_count_range(owner: object, name: str, value: object) -> tuple[int, int]:
    """Validate a ``(low, high)`` pair of ints with ``0 <= low <= high``."""
    low, high = check_range(owner, name, value, lowest=0.0)
    if low != int(low) or high != int(high):
        raise ValueError(f"{type(owner).__name__}: {name} must hold two ints, got {value!r}")
    return int(low), int(high)


def smoothing_taps(width: int) -> np.ndarray:
    """Gaussian taps over ``width`` columns (std ``width / 6``), scaled to unit L2 norm.

    The unit norm keeps the variance of smoothed white noise equal to that of the noise.
    """
    offsets = np.arange(width) - (width - 1) / 2.0
    taps = np.exp(-0.5 * (offsets / (width / 6.0)) ** 2)
    return taps / np.sqrt(np.sum(taps**2))


class GaussianAdditiveNoise(Augmenter):
    """Add Gaussian noise, optionally correlated over neighbouring wavelengths.

    ``x' = x + sigma * (g * e)``: ``e`` is white noise ``N(0, 1)`` of length
    ``n_features + k - 1``, ``g`` the Gaussian taps of :func:`smoothing_taps` over
    ``k = smoothing_kernel_width`` columns (unit L2 norm) and ``*`` a "valid" convolution, so
    every value gets noise of standard deviation exactly ``sigma``; ``k = 1`` is white noise.
    Smoothed noise mimics the correlated noise of interpolated or binned detectors
    (data augmentation for spectra: Bjerrum et al., 2017).

    Parameters
    ----------
    sigma : float, default=0.01
        Standard deviation of the noise, in the units of the spectra (>= 0).
    smoothing_kernel_width : int, default=1
        Number of columns the noise is correlated over (>= 1).
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
        self, sigma: float = 0.01, smoothing_kernel_width: int = 1, random_state: int | None = 0
    ) -> None:
        self.sigma = sigma
        self.smoothing_kernel_width = smoothing_kernel_width
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "sigma", self.sigma)
        check_int(self, "smoothing_kernel_width", self.smoothing_kernel_width, 1)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        width = int(self.smoothing_kernel_width)
        taps = smoothing_taps(width)
        white = generators.standard_normal(X.shape[1] + width - 1)
        # sum(tap_k * white[:, k:k + n]) + 0 first, as Python's sum does; then sigma * noise
        # and X + noise, in place (white itself holds the noise when there is one tap)
        reversed_taps, n = taps[::-1], X.shape[1]
        noise = white if width == 1 else np.empty(X.shape)
        np.multiply(white[:, :n], reversed_taps[0], out=noise)
        noise += 0.0
        for k in range(1, width):
            noise += reversed_taps[k] * white[:, k:k + n]
        noise *= self.sigma
        noise += X
        return noise


class MultiplicativeNoise(Augmenter):
    """Multiply each spectrum by a random gain close to 1.

    ``x'_j = x_j * (1 + sigma_gain * e)`` with one ``e ~ N(0, 1)`` per spectrum, or one
    ``e_j`` per value when ``per_wavelength``. A common gain models illumination and
    detector-gain changes; per-wavelength gains model multiplicative (shot-like) noise.

    Parameters
    ----------
    sigma_gain : float, default=0.05
        Standard deviation of the gain around 1 (>= 0).
    per_wavelength : bool, default=False
        Draw an independent gain for every value instead of one per spectrum.
    random_state : int or None, default=0
        Seed (see :class:`GaussianAdditiveNoise`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self, sigma_gain: float = 0.05, per_wavelength: bool = False, random_state: int | None = 0
    ) -> None:
        self.sigma_gain = sigma_gain
        self.per_wavelength = per_wavelength
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "sigma_gain", self.sigma_gain)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        size = X.shape[1] if self.per_wavelength else 1
        noise = generators.standard_normal(size)
        return X * (1.0 + self.sigma_gain * noise)


class SpikeNoise(Augmenter):
    """Add a few sharp spikes (cosmic rays, electronic glitches) to each spectrum.

    For each spectrum, ``m ~ U{n_spikes_range}`` distinct columns ``j`` are drawn (without
    replacement), then for each one an amplitude ``a ~ U(amplitude_range)`` and a sign
    ``s = +-1`` (probability 1/2): ``x'_j = x_j + s * a``; other columns are unchanged.

    Parameters
    ----------
    n_spikes_range : (int, int), default=(1, 3)
        Bounds (inclusive) of the number of spikes per spectrum (>= 0).
    amplitude_range : (float, float), default=(0.05, 0.2)
        Bounds of the uniform spike height, in the units of the spectra (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`GaussianAdditiveNoise`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self,
        n_spikes_range: tuple[int, int] = (1, 3),
        amplitude_range: tuple[float, float] = (0.05, 0.2),
        random_state: int | None = 0,
    ) -> None:
        self.n_spikes_range = n_spikes_range
        self.amplitude_range = amplitude_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_count_range(self, "n_spikes_range", self.n_spikes_range)
        check_range(self, "amplitude_range", self.amplitude_range, lowest=0.0)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        low, high = (int(bound) for bound in self.n_spikes_range)
        out = X.astype(np.float64, copy=True)
        counts = np.minimum(generators.integers(low, high + 1), X.shape[1])
        most = int(counts.max(initial=0))
        columns = np.empty((X.shape[0], most), dtype=np.intp)
        for block, uniforms in block_uniforms(generators, X.shape[1]):  # the choice's draws
            columns[block] = first_of_permutation(uniforms, most)
        # a row's first k draws of a call of `most` are its draws of a call of k
        heights = generators.uniform(*self.amplitude_range, size=most)
        spikes = np.where(generators.random(most) < 0.5, -1.0, 1.0) * heights
        taken = np.arange(most) < counts[:, None]
        out[np.nonzero(taken)[0], columns[taken]] += spikes[taken]
        return out


class ChannelDropout(Augmenter):
    """Drop random channels (dead pixels) and fill them from their neighbours.

    Each column is dropped independently with probability ``dropout_prob`` (one uniform
    draw ``u_j`` per column, dropped when ``u_j < dropout_prob``). With ``fill="interpolate"``
    a dropped value is the linear interpolation (over column index) of the nearest kept
    values, the end value past either end; with ``fill="zero"`` it is 0. A spectrum whose
    every column is dropped is left unchanged under ``"interpolate"``.

    Parameters
    ----------
    dropout_prob : float, default=0.01
        Probability that a channel is dropped (0 <= p <= 1).
    fill : {"interpolate", "zero"}, default="interpolate"
        Value given to a dropped channel.
    random_state : int or None, default=0
        Seed (see :class:`GaussianAdditiveNoise`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self, dropout_prob: float = 0.01, fill: str = "interpolate", random_state: int | None = 0
    ) -> None:
        self.dropout_prob = dropout_prob
        self.fill = fill
        self.random_state = random_state

    def _check_params(self) -> None:
        p = self.dropout_prob
        if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= p <= 1:
            raise ValueError(f"ChannelDropout: dropout_prob must be in [0, 1], got {p!r}")
        if self.fill not in ("interpolate", "zero"):
            raise ValueError(
                f"ChannelDropout: fill must be 'interpolate' or 'zero', got {self.fill!r}"
            )

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        out = X.astype(np.float64, copy=True)
        dropped = np.empty(X.shape, dtype=bool)
        for block, uniforms in block_uniforms(generators, X.shape[1]):
            np.less(uniforms, self.dropout_prob, out=dropped[block])
        if self.fill == "zero":
            out[dropped] = 0.0
            return out
        return interpolate_masked(out, dropped, np.arange(X.shape[1], dtype=np.float64))
