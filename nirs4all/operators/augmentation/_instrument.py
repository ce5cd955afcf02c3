"""Instrument and sample effects of the synthetic-data generator, as augmenters."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._bands import (
    band_entries,
    band_masks,
    band_means,
    block_normals,
)
from nirs4all.operators.augmentation._base import (
    Augmenter,
    check_nonnegative,
    check_range,
    for_each_band,
    uniform_rows,
)
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._local import smooth_rows
from nirs4all.operators.augmentation._noise_models import check_count_range
from nirs4all.operators.augmentation._row_terms import add_row_terms
from nirs4all.operators.augmentation._shift import _AxisAugmenter
from nirs4all.operators.augmentation._warps import unit_position

__all__ = [
    "BatchEffectAugmenter",
    "DeadBandAugmenter",
    "HeteroscedasticNoiseAugmenter",
    "InstrumentalBroadeningAugmenter",
    "PathLengthAugmenter",
]

_FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))


class PathLengthAugmenter(Augmenter):
    """Scale each absorbance spectrum by a random optical path length (Beer-Lambert law).

    Absorbance is proportional to path length, ``A = epsilon * c * L``; so
    ``x' = L * x`` with ``L = max(1 + path_length_std * e, min_path_length)``,
    ``e ~ N(0, 1)`` once per spectrum. Sample thickness and packing density vary the path.

    Parameters
    ----------
    path_length_std : float, default=0.05
        Standard deviation of the relative path length (>= 0).
    min_path_length : float, default=0.5
        Smallest relative path length (>= 0), so that a spectrum never flips sign.
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self,
        path_length_std: float = 0.05,
        min_path_length: float = 0.5,
        random_state: int | None = 0,
    ) -> None:
        self.path_length_std = path_length_std
        self.min_path_length = min_path_length
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "path_length_std", self.path_length_std)
        check_nonnegative(self, "min_path_length", self.min_path_length)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        draws = generators.standard_normal()
        lengths = np.maximum(1.0 + self.path_length_std * draws, self.min_path_length)
        return lengths[:, None] * X


class BatchEffectAugmenter(_AxisAugmenter):
    """Apply a random gain, offset and tilt, as between measurement sessions or batches.

    ``x'(w) = g * x(w) + o + s * (2 t(w) - 1)`` with ``t`` the position in [0, 1] along the
    axis and, once per spectrum in this order, ``g ~ N(1, gain_std)``,
    ``o ~ N(0, offset_std)``, ``s ~ N(0, slope_std)``. (Per batch effects, drawn once for
    a group of rows, belong to the ``sample_augmentation`` step.)

    Parameters
    ----------
    offset_std : float, default=0.02
        Standard deviation of the offset, in the units of the spectra (>= 0).
    slope_std : float, default=0.02
        Standard deviation of the tilt at either end of the axis (>= 0).
    gain_std : float, default=0.03
        Standard deviation of the gain around 1 (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`PathLengthAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        offset_std: float = 0.02,
        slope_std: float = 0.02,
        gain_std: float = 0.03,
        random_state: int | None = 0,
    ) -> None:
        self.offset_std = offset_std
        self.slope_std = slope_std
        self.gain_std = gain_std
        self.random_state = random_state

    def _check_params(self) -> None:
        for name in ("offset_std", "slope_std", "gain_std"):
            check_nonnegative(self, name, getattr(self, name))

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        e = generators.standard_normal(3)
        gain = 1.0 + self.gain_std * e[:, :1]
        offset, slope = self.offset_std * e[:, 1:2], self.slope_std * e[:, 2:3]
        u = 2.0 * unit_position(axis) - 1.0
        # gain * X + offset + slope * u, left to right (offset as a multiple of ones)
        return add_row_terms(gain * X, [(offset[:, 0], np.ones_like(u)), (slope[:, 0], u)])


class InstrumentalBroadeningAugmenter(_AxisAugmenter):
    """Broaden each spectrum by a Gaussian instrument line shape of random width.

    The full width at half maximum ``f ~ U((1 - fwhm_variation) fwhm, (1 + fwhm_variation)
    fwhm)`` (axis units) is drawn per spectrum, and ``x'(w_i) = sum_j K_ij x_j / sum_j K_ij``
    with ``K_ij = exp(-(w_i - w_j)^2 / (2 s^2))``, ``s = f / (2 sqrt(2 ln 2))``: the
    Gaussian kernel smoother of :class:`GaussianSmoothingJitter`, with the slit width as
    parameter. ``fwhm=0`` is the identity.

    Parameters
    ----------
    fwhm : float, default=3.0
        Central FWHM of the line shape, in axis units (>= 0).
    fwhm_variation : float, default=0.2
        Relative half-range of the FWHM (0 <= v <= 1).
    random_state : int or None, default=0
        Seed (see :class:`PathLengthAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self, fwhm: float = 3.0, fwhm_variation: float = 0.2, random_state: int | None = 0
    ) -> None:
        self.fwhm = fwhm
        self.fwhm_variation = fwhm_variation
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "fwhm", self.fwhm)
        if check_nonnegative(self, "fwhm_variation", self.fwhm_variation) > 1:
            raise ValueError(
                f"InstrumentalBroadeningAugmenter: fwhm_variation must be <= 1, got "
                f"{self.fwhm_variation!r}"
            )

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        low, high = (self.fwhm * (1.0 + sign * self.fwhm_variation) for sign in (-1.0, 1.0))
        return smooth_rows(X, axis, uniform_rows(generators, (low, high)) / _FWHM_PER_SIGMA)


class HeteroscedasticNoiseAugmenter(Augmenter):
    """Add Gaussian noise whose level grows with the signal.

    ``x'_j = x_j + (noise_base + noise_signal_dep * |x_j|) * e_j``, ``e_j ~ N(0, 1)``
    independent: a constant detector floor plus a part proportional to the signal (shot
    noise and gain fluctuations), as in the synthetic-data generator.

    Parameters
    ----------
    noise_base : float, default=0.002
        Noise standard deviation at zero signal (>= 0).
    noise_signal_dep : float, default=0.005
        Added standard deviation per unit of signal (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`PathLengthAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(
        self,
        noise_base: float = 0.002,
        noise_signal_dep: float = 0.005,
        random_state: int | None = 0,
    ) -> None:
        self.noise_base = noise_base
        self.noise_signal_dep = noise_signal_dep
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "noise_base", self.noise_base)
        check_nonnegative(self, "noise_signal_dep", self.noise_signal_dep)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        noise = generators.standard_normal(X.shape[1])
        return X + (self.noise_base + self.noise_signal_dep * np.abs(X)) * noise


class DeadBandAugmenter(_AxisAugmenter):
    """Make random bands read a stuck, noisy constant, as dead detector elements do.

    ``m ~ U{n_bands_range}`` bands are drawn in turn (centre ``c ~ U(w_min, w_max)``, then
    width ``h ~ U(width_range)`` in axis units, then one ``e_j ~ N(0, 1)`` per column of the
    axis); inside ``|w - c| <= h / 2``, ``x'_j = mean(x_band) + noise_std * e_j``, the mean
    over the band's values before this band is applied.

    Parameters
    ----------
    n_bands_range : (int, int), default=(1, 2)
        Bounds (inclusive) of the number of dead bands (>= 0).
    width_range : (float, float), default=(5.0, 20.0)
        Bounds of the uniform band width, in axis units (>= 0).
    noise_std : float, default=0.001
        Standard deviation of the reading inside a dead band (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`PathLengthAugmenter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        n_bands_range: tuple[int, int] = (1, 2),
        width_range: tuple[float, float] = (5.0, 20.0),
        noise_std: float = 0.001,
        random_state: int | None = 0,
    ) -> None:
        self.n_bands_range = n_bands_range
        self.width_range = width_range
        self.noise_std = noise_std
        self.random_state = random_state

    def _check_params(self) -> None:
        check_count_range(self, "n_bands_range", self.n_bands_range)
        check_range(self, "width_range", self.width_range, lowest=0.0)
        check_nonnegative(self, "noise_std", self.noise_std)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        def kill_bands(out: np.ndarray, rows: np.ndarray, draws: RowDraws) -> None:
            masks = band_masks(
                axis, draws.uniform(axis.min(), axis.max()), draws.uniform(*self.width_range)
            )
            means = band_means(out, rows, masks)  # before the band's values change
            band_rows, columns = band_entries(masks)
            for block, noise in block_normals(draws, axis.shape[0]):
                entries = slice(*np.searchsorted(band_rows, [block.start, block.stop]))
                at, column = band_rows[entries], columns[entries]
                readings = means[at] + self.noise_std * noise[at - block.start, column]
                out[rows[at], column] = readings

        return for_each_band(X, generators, self.n_bands_range, kill_bands)
