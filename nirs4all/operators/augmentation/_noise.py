"""Additive Gaussian noise on spectra."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._base import Augmenter, check_nonnegative
from nirs4all.operators.augmentation._draws import RowDraws

__all__ = ["GaussianNoise"]


class GaussianNoise(Augmenter):
    """Add independent Gaussian noise to every value of each spectrum.

    ``x'_j = x_j + s * e_j`` with ``e_j ~ N(0, 1)`` independent, and ``s = sigma * std(x)``
    (the standard deviation of that spectrum over its wavelengths) when ``relative``, else
    ``s = sigma``. Relative noise follows the scale of each spectrum, so one setting suits
    reflectance and absorbance data alike; a flat spectrum gets no relative noise. This
    simulates detector noise.

    Parameters
    ----------
    sigma : float, default=0.01
        Noise standard deviation, relative to each spectrum's standard deviation or absolute.
    relative : bool, default=True
        Scale ``sigma`` by each spectrum's standard deviation.
    random_state : int or None, default=0
        Seed. Each row draws from its own generator seeded by ``(random_state, the row's
        values, copy number)``, so the same seed gives the same output, whatever the other
        rows or their order. ``None`` draws fresh entropy on every call (and sets the
        scikit-learn ``non_deterministic`` tag).

    Attributes
    ----------
    n_features_in_ : int
        Number of wavelengths seen in ``fit``.

    See Also
    --------
    MultiplicativeScatter, BaselineShift, WavelengthShift, Mixup

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(0.0, 1.0, 20).reshape(2, 10)
    >>> noise = GaussianNoise(sigma=0.05).fit(X)
    >>> X_new, y_new, origin = noise.augment(X, y=[1.0, 2.0], n_samples=4)
    >>> X_new.shape, y_new.tolist(), origin.tolist()
    ((4, 10), [1.0, 2.0, 1.0, 2.0], [0, 1, 0, 1])
    """

    def __init__(
        self, sigma: float = 0.01, relative: bool = True, random_state: int | None = 0
    ) -> None:
        self.sigma = sigma
        self.relative = relative
        self.random_state = random_state

    def _check_params(self) -> None:
        check_nonnegative(self, "sigma", self.sigma)

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        noise = generators.standard_normal(X.shape[1])
        scale = (
            self.sigma * X.std(axis=1, dtype=np.float64, keepdims=True)
            if self.relative
            else self.sigma
        )
        noise *= scale  # in place: X + scale * noise with one array of the size of X
        noise += X
        return noise
