"""Random multiplicative and additive scatter effects on spectra."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._base import Augmenter, check_range, uniform_rows
from nirs4all.operators.augmentation._draws import RowDraws

__all__ = ["MultiplicativeScatter"]


class MultiplicativeScatter(Augmenter):
    """Apply a random affine map ``x' = a * x + b`` to each spectrum.

    ``a ~ U(scale_range)`` and ``b ~ U(offset_range)`` are drawn once per spectrum. This is
    the scatter model behind multiplicative scatter correction (Geladi et al., 1985): light
    scattering and path-length changes scale a spectrum and add an offset, so the
    augmented spectra teach a model to ignore them.

    Parameters
    ----------
    scale_range : (float, float), default=(0.95, 1.05)
        Bounds of the uniform gain ``a`` (both >= 0).
    offset_range : (float, float), default=(-0.02, 0.02)
        Bounds of the uniform offset ``b``, in the units of the spectra.
    random_state : int or None, default=0
        Seed; the same seed gives the same output (see :class:`GaussianNoise`).

    Attributes
    ----------
    n_features_in_ : int
        Number of wavelengths seen in ``fit``.

    References
    ----------
    Geladi, P., MacDougall, D. and Martens, H. (1985). Linearization and scatter-correction
    for near-infrared reflectance spectra of meat. Applied Spectroscopy 39(3), 491-500.
    """

    def __init__(
        self,
        scale_range: tuple[float, float] = (0.95, 1.05),
        offset_range: tuple[float, float] = (-0.02, 0.02),
        random_state: int | None = 0,
    ) -> None:
        self.scale_range = scale_range
        self.offset_range = offset_range
        self.random_state = random_state

    def _check_params(self) -> None:
        check_range(self, "scale_range", self.scale_range, lowest=0.0)
        check_range(self, "offset_range", self.offset_range)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        gains = uniform_rows(generators, self.scale_range)
        offsets = uniform_rows(generators, self.offset_range)
        out = gains[:, None] * X
        out += offsets[:, None]  # in place: one array of the size of X
        return out
