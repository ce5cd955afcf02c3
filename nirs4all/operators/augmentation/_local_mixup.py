"""Local mixup: mixup restricted to nearest neighbours, so mixed spectra stay on the data."""

from __future__ import annotations

import numpy as np

from nirs4all.operators.augmentation._draws import RowDraws
from nirs4all.operators.augmentation._mixup import Mixup
from nirs4all.operators.augmentation._neighbours import nearest_rows
from nirs4all.operators.augmentation._noise_models import check_int

__all__ = ["LocalMixupAugmenter"]


class LocalMixupAugmenter(Mixup):
    """Mixup with a partner drawn among the ``k_neighbors`` nearest rows (Baena et al., 2022).

    For a source row ``i``, ``lam ~ Beta(alpha, alpha)`` is drawn and folded onto [0.5, 1],
    then a partner ``j`` uniformly among the ``k = min(k_neighbors, n_rows - 1)`` rows
    nearest to ``i`` in Euclidean distance (ties broken by row order, ``i`` itself
    excluded): ``x' = lam * x_i + (1 - lam) * x_j`` and ``y' = lam * y_i + (1 - lam) * y_j``.
    Mixing only close spectra keeps the new samples where the data are and avoids the
    "manifold intrusion" of global mixup between distant, unrelated samples. As with
    :class:`Mixup`, ``transform`` returns ``X`` unchanged and ``y`` must be numeric.

    Parameters
    ----------
    alpha : float, default=0.2
        Parameter of the symmetric Beta distribution of ``lam`` (> 0).
    k_neighbors : int, default=5
        Number of nearest rows a partner is drawn from (>= 1).
    random_state : int or None, default=0
        Seed of the weights and partners; the same seed gives the same samples.

    Attributes
    ----------
    n_features_in_ : int

    References
    ----------
    Baena, R., Drumetz, L. and Gripon, V. (2022). Preventing manifold intrusion with
    locality: local mixup. EUSIPCO 2022, 1372-1376.
    """

    def __init__(self, alpha: float = 0.2, k_neighbors: int = 5, random_state: int | None = 0):
        super().__init__(alpha=alpha, random_state=random_state)
        self.k_neighbors = k_neighbors

    def _check_params(self) -> None:
        super()._check_params()
        check_int(self, "k_neighbors", self.k_neighbors, 1)

    def _partners(
        self, X: np.ndarray, origin: np.ndarray, generators: RowDraws
    ) -> tuple[np.ndarray, np.ndarray]:
        n_rows = X.shape[0]
        k = min(int(self.k_neighbors), n_rows - 1)
        nearest = nearest_rows(X, k)
        lam = generators.beta(self.alpha, self.alpha)
        weights = np.maximum(lam, 1.0 - lam)
        partners = origin.copy()
        if k > 0:
            partners = nearest[origin, generators.integers(k)]
        return weights, partners
