"""Local spectral effects: random blur, sharpening, masked and perturbed bands, clipping."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._bands import (
    band_masks,
    band_slots,
    interpolate_masked,
    row_blocks,
)
from nirs4all.operators.augmentation._base import (
    check_nonnegative,
    check_range,
    for_each_band,
    uniform_rows,
)
from nirs4all.operators.augmentation._draws import RowDraw, RowDraws
from nirs4all.operators.augmentation._noise_models import check_count_range
from nirs4all.operators.augmentation._shift import _AxisAugmenter
from nirs4all.operators.augmentation._smoothing import (
    gaussian_smooth,
    smooth_rows,
    smooth_shared,
)

__all__ = [
    "BandMasking",
    "BandPerturbation",
    "GaussianSmoothingJitter",
    "LocalClipping",
    "UnsharpSpectralMask",
    "draw_band",
    "gaussian_smooth",
    "smooth_rows",
]


def draw_band(gen: RowDraw, axis: np.ndarray, widths: tuple) -> np.ndarray:
    """A band ``|w - c| <= h / 2``: centre ``c ~ U(w_min, w_max)``, then ``h ~ U(widths)``."""
    centre = gen.uniform(axis.min(), axis.max())
    width = gen.uniform(*widths)
    return np.abs(axis - centre) <= width / 2.0


class GaussianSmoothingJitter(_AxisAugmenter):
    """Blur each spectrum by a Gaussian of random width (changes of spectral resolution).

    ``x' = gaussian_smooth(x, w, s)`` with ``s ~ U(sigma_range)`` once per spectrum, in axis
    units (see :func:`gaussian_smooth`). Broader slits and lower-resolution instruments blur
    bands in this way; ``sigma_range=(0, 0)`` is the identity.

    Parameters
    ----------
    sigma_range : (float, float), default=(0.5, 2.0)
        Bounds of the uniform kernel standard deviation, in axis units (>= 0).
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self, sigma_range: tuple[float, float] = (0.5, 2.0), random_state: int | None = 0
    ) -> None:
        self.sigma_range = sigma_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "sigma_range", self.sigma_range, lowest=0.0)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        return smooth_rows(X, axis, uniform_rows(generators, self.sigma_range))


class UnsharpSpectralMask(_AxisAugmenter):
    """Sharpen each spectrum by a random amount (unsharp masking).

    ``x' = x + a * (x - gaussian_smooth(x, w, sigma))`` with ``a ~ U(amount_range)`` once per
    spectrum: the detail finer than ``sigma`` (axis units) is amplified by ``1 + a``. It is
    the opposite of :class:`GaussianSmoothingJitter` and models higher-resolution
    instruments; ``amount_range=(0, 0)`` is the identity.

    Parameters
    ----------
    amount_range : (float, float), default=(0.0, 0.5)
        Bounds of the uniform sharpening amount ``a`` (>= 0).
    sigma : float, default=2.0
        Standard deviation of the blur that defines the detail, in axis units (> 0).
    random_state : int or None, default=0
        Seed (see :class:`GaussianSmoothingJitter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        amount_range: tuple[float, float] = (0.0, 0.5),
        sigma: float = 2.0,
        random_state: int | None = 0,
    ) -> None:
        self.amount_range = amount_range
        self.sigma = sigma
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "amount_range", self.amount_range, lowest=0.0)
        if check_nonnegative(self, "sigma", self.sigma) <= 0:
            raise ValueError(f"UnsharpSpectralMask: sigma must be > 0, got {self.sigma!r}")

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        amounts = uniform_rows(generators, self.amount_range)[:, None]
        detail = smooth_shared(X, axis, float(self.sigma))
        np.subtract(X, detail, out=detail)  # X + a * (X - s), in place
        detail *= amounts
        detail += X
        return detail


class BandMasking(_AxisAugmenter):
    """Mask random bands of each spectrum, bridging them by a straight line.

    ``m ~ U{n_bands_range}`` bands are drawn in turn, each with a centre ``c ~ U(w_min,
    w_max)`` then a width ``h ~ U(width_range)`` (axis units). Values with
    ``|w - c| <= h / 2`` are replaced by the linear interpolation (over the axis) of the
    unmasked values on either side, the end value past either end (a fully masked spectrum
    is left unchanged). This is the spectral counterpart of cutout/SpecAugment frequency
    masking (Park et al., 2019): the model learns not to depend on one band.

    Parameters
    ----------
    n_bands_range : (int, int), default=(1, 3)
        Bounds (inclusive) of the number of masked bands (>= 0).
    width_range : (float, float), default=(5.0, 20.0)
        Bounds of the uniform band width, in axis units (>= 0).
    random_state : int or None, default=0
        Seed (see :class:`GaussianSmoothingJitter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)

    References
    ----------
    Park, D. S. et al. (2019). SpecAugment: a simple data augmentation method for automatic
    speech recognition. Interspeech 2019, 2613-2617.
    """

    def __init__(
        self,
        n_bands_range: tuple[int, int] = (1, 3),
        width_range: tuple[float, float] = (5.0, 20.0),
        random_state: int | None = 0,
    ) -> None:
        self.n_bands_range = n_bands_range
        self.width_range = width_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_count_range(self, "n_bands_range", self.n_bands_range)
        check_range(self, "width_range", self.width_range, lowest=0.0)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        low, high = (int(bound) for bound in self.n_bands_range)
        masked = np.zeros(X.shape, dtype=bool)
        for rows, draws in band_slots(generators, generators.integers(low, high + 1)):
            centres = draws.uniform(axis.min(), axis.max())
            masked[rows] |= band_masks(axis, centres, draws.uniform(*self.width_range))
        return interpolate_masked(X.astype(np.float64, copy=True), masked, axis)


class BandPerturbation(_AxisAugmenter):
    """Scale and offset random bands of each spectrum, with smooth band edges.

    ``m ~ U{n_bands_range}`` bands are applied in turn; each draws a centre
    ``c ~ U(w_min, w_max)``, a full width at half maximum ``h ~ U(width_range)`` (axis
    units), a gain ``g ~ U(gain_range)`` and an offset ``b ~ U(offset_range)``, in that
    order, and maps ``x'(w) = x(w) * (1 + (g - 1) phi(w)) + b phi(w)`` with the Gaussian
    window ``phi(w) = exp(-4 ln 2 (w - c)^2 / h^2)``. Local changes of absorptivity mimic
    unmodelled constituents and band-intensity variation between samples.

    Parameters
    ----------
    n_bands_range : (int, int), default=(1, 3)
        Bounds (inclusive) of the number of bands (>= 0).
    width_range : (float, float), default=(10.0, 50.0)
        Bounds of the uniform band FWHM, in axis units (> 0).
    gain_range : (float, float), default=(0.9, 1.1)
        Bounds of the uniform gain at the band centre (>= 0).
    offset_range : (float, float), default=(-0.01, 0.01)
        Bounds of the uniform offset at the band centre, in the units of the spectra.
    random_state : int or None, default=0
        Seed (see :class:`GaussianSmoothingJitter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        n_bands_range: tuple[int, int] = (1, 3),
        width_range: tuple[float, float] = (10.0, 50.0),
        gain_range: tuple[float, float] = (0.9, 1.1),
        offset_range: tuple[float, float] = (-0.01, 0.01),
        random_state: int | None = 0,
    ) -> None:
        self.n_bands_range = n_bands_range
        self.width_range = width_range
        self.gain_range = gain_range
        self.offset_range = offset_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_count_range(self, "n_bands_range", self.n_bands_range)
        low, _ = check_range(self, "width_range", self.width_range, lowest=0.0)
        if low <= 0:
            raise ValueError(f"BandPerturbation: width_range must be > 0, got {self.width_range!r}")
        check_range(self, "gain_range", self.gain_range, lowest=0.0)
        check_range(self, "offset_range", self.offset_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        def perturb_bands(out: np.ndarray, rows: np.ndarray, draws: RowDraws) -> None:
            centres = draws.uniform(axis.min(), axis.max())
            # Python's float power, as the row-by-row h**2 (it can differ from np.square)
            squares = np.array([width**2 for width in draws.uniform(*self.width_range).tolist()])
            gains = draws.uniform(*self.gain_range) - 1.0
            offsets = draws.uniform(*self.offset_range)
            for block in row_blocks(rows.shape[0], axis.shape[0]):
                window = (axis - centres[block, None]) ** 2
                window = np.exp(-4.0 * np.log(2.0) * window / squares[block, None])
                values = out[rows[block]]
                scaled = values * (1.0 + gains[block, None] * window)
                out[rows[block]] = scaled + offsets[block, None] * window

        return for_each_band(X, generators, self.n_bands_range, perturb_bands)


class LocalClipping(_AxisAugmenter):
    """Clip random bands of each spectrum at a fraction of their range (local saturation).

    ``m ~ U{n_regions_range}`` bands are drawn in turn (centre ``c ~ U(w_min, w_max)``, width
    ``h ~ U(width_range)``, then a level ``f ~ U(level_range)``). Inside ``|w - c| <= h / 2``,
    ``x' = min(x, lo + f (hi - lo))`` with ``lo``, ``hi`` the smallest and largest value of
    the band: strong bands flatten as a saturating detector would. ``f = 1`` is the identity.

    Parameters
    ----------
    n_regions_range : (int, int), default=(1, 2)
        Bounds (inclusive) of the number of clipped bands (>= 0).
    width_range : (float, float), default=(10.0, 40.0)
        Bounds of the uniform band width, in axis units (>= 0).
    level_range : (float, float), default=(0.8, 1.0)
        Bounds of the uniform clip level, as a fraction of the band's range (in [0, 1]).
    random_state : int or None, default=0
        Seed (see :class:`GaussianSmoothingJitter`).

    Attributes
    ----------
    n_features_in_ : int
    wavelengths_, wavelengths_out_ : ndarray of shape (n_features_in_,)
    """

    def __init__(
        self,
        n_regions_range: tuple[int, int] = (1, 2),
        width_range: tuple[float, float] = (10.0, 40.0),
        level_range: tuple[float, float] = (0.8, 1.0),
        random_state: int | None = 0,
    ) -> None:
        self.n_regions_range = n_regions_range
        self.width_range = width_range
        self.level_range = level_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_count_range(self, "n_regions_range", self.n_regions_range)
        check_range(self, "width_range", self.width_range, lowest=0.0)
        _, high = check_range(self, "level_range", self.level_range, lowest=0.0)
        if high > 1:
            raise ValueError(
                f"LocalClipping: level_range must lie in [0, 1], got {self.level_range!r}"
            )

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        def clip_bands(out: np.ndarray, rows: np.ndarray, draws: RowDraws) -> None:
            centres = draws.uniform(axis.min(), axis.max())
            masks = band_masks(axis, centres, draws.uniform(*self.width_range))
            levels = draws.uniform(*self.level_range)
            for block in row_blocks(rows.shape[0], axis.shape[0]):
                band, values = masks[block], out[rows[block]]
                bottom = np.min(values, axis=1, where=band, initial=np.inf)
                top = np.max(values, axis=1, where=band, initial=-np.inf)
                empty = ~band.any(axis=1)
                bottom[empty] = top[empty] = 0.0
                limits = bottom + levels[block] * (top - bottom)
                out[rows[block]] = np.where(band, np.minimum(values, limits[:, None]), values)

        return for_each_band(X, generators, self.n_regions_range, clip_bands)
