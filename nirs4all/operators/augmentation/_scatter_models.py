"""Scatter simulated through the MSC model, against the spectrum itself or a mean reference."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._base import Augmenter, check_range
from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._row_terms import add_row_terms

__all__ = ["ScatterSimulationMSC"]


class ScatterSimulationMSC(Augmenter):
    """Simulate light scatter with the model behind multiplicative scatter correction.

    MSC (Geladi et al., 1985) models a spectrum as ``x = a + b * r + e`` around a reference
    ``r``; this augmenter draws new ``a ~ U(a_range)`` and ``b ~ U(b_range)`` once per
    spectrum, in that order, and applies them:

    - ``reference_mode="self"``: ``x' = a + b * x`` (the spectrum is its own reference);
    - ``reference_mode="mean"``: ``x' = x + a + (b - 1) * r`` with ``r`` the mean spectrum of
      the rows given to ``fit``: only the scatter part along the reference changes, the
      chemical residual ``x - r`` is kept.

    ``a_range=(0, 0)`` with ``b_range=(1, 1)`` is the identity in both modes.

    Parameters
    ----------
    reference_mode : {"self", "mean"}, default="self"
        Reference the scatter is applied to.
    a_range : (float, float), default=(-0.05, 0.05)
        Bounds of the uniform additive term ``a``, in the units of the spectra.
    b_range : (float, float), default=(0.9, 1.1)
        Bounds of the uniform multiplicative term ``b`` (>= 0).
    random_state : int or None, default=0
        Seed; each row draws from its own generator seeded by ``(random_state, row, copy)``.

    Attributes
    ----------
    n_features_in_ : int
    reference_ : ndarray of shape (n_features_in_,) or None
        Mean spectrum of the fitted rows (``"mean"`` mode), else None.

    References
    ----------
    Geladi, P., MacDougall, D. and Martens, H. (1985). Linearization and scatter-correction
    for near-infrared reflectance spectra of meat. Applied Spectroscopy 39(3), 491-500.
    """

    def __init__(
        self,
        reference_mode: str = "self",
        a_range: tuple[float, float] = (-0.05, 0.05),
        b_range: tuple[float, float] = (0.9, 1.1),
        random_state: int | None = 0,
    ) -> None:
        self.reference_mode = reference_mode
        self.a_range = a_range
        self.b_range = b_range
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.reference_mode not in ("self", "mean"):
            raise ValueError(
                f"ScatterSimulationMSC: reference_mode must be 'self' or 'mean', got "
                f"{self.reference_mode!r}"
            )
        check_range(self, "a_range", self.a_range)
        check_range(self, "b_range", self.b_range, lowest=0.0)

    def fit(self, X: object, y: object = None) -> ScatterSimulationMSC:
        """Check the parameters; learn ``n_features_in_`` and, in "mean" mode, ``reference_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : ignored

        Returns
        -------
        self
        """
        super().fit(X)
        rows = self._validated(X)
        self.reference_ = (
            rows.mean(axis=0, dtype=np.float64) if self.reference_mode == "mean" else None
        )
        return self

    def _perturb(
        self, X: np.ndarray, generators: RowDraws, axis: np.ndarray | None
    ) -> np.ndarray:
        a = generators.uniform(*self.a_range)[:, None]
        b = generators.uniform(*self.b_range)[:, None]
        if self.reference_ is None:
            out = b * X  # then in place (a + b * X: one array of the size of X)
            out += a
            return out
        shifted = X + a
        return add_row_terms(shifted, [((b - 1.0)[:, 0], self.reference_)], out=shifted)
