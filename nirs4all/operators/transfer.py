"""Choosing preprocessings that bring two instruments' spectra together (0.7 path
``nirs4all.operators.transfer.TransferPreprocessingSelector``).

For calibration transfer a preprocessing is good when the source (master) and target
(slave) spectra of the same kind of samples look alike after it. Each candidate is fitted
on the source spectra and applied to both sets, then scored by

- ``centroid_distance``: the distance between the two mean spectra, divided by the root of
  the pooled total variance (a standardized mean shift; lower is better), and
- ``subspace_similarity``: the mean squared cosine of the principal angles between the
  ``n_components`` principal subspaces of the two sets (Björck & Golub 1973, "Numerical
  methods for computing angles between linear subspaces"); 1 means the sets vary along the
  same directions.

Candidates are ranked by centroid distance, ties by subspace similarity. Wavelength-aware
operators are not candidates (the selector sees bare arrays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.base import clone

__all__ = ["TransferPreprocessingSelector", "default_candidates"]


def default_candidates() -> dict[str, Any]:
    """Raw, SNV, MSC, first derivative, Savitzky-Golay first derivative, SNV + detrend."""
    from sklearn.pipeline import make_pipeline

    from nirs4all.operators.transforms import (
        MSC,
        SNV,
        Detrend,
        FirstDerivative,
        SavitzkyGolay,
    )

    return {"raw": None, "snv": SNV(), "msc": MSC(), "d1": FirstDerivative(),
            "savgol_d1": SavitzkyGolay(window_length=11, polyorder=2, deriv=1),
            "snv_detrend": make_pipeline(SNV(), Detrend())}


def _basis(X: np.ndarray, k: int) -> np.ndarray:
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[:k].T


def _scores(source: np.ndarray, target: np.ndarray, k: int) -> tuple[float, float]:
    pooled = np.vstack([source, target])
    spread = float(np.sqrt(np.sum(pooled.var(axis=0)))) or 1.0
    distance = float(np.linalg.norm(source.mean(axis=0) - target.mean(axis=0))) / spread
    k = max(1, min(k, source.shape[0] - 1, target.shape[0] - 1, source.shape[1]))
    cosines = np.linalg.svd(_basis(source, k).T @ _basis(target, k), compute_uv=False)
    return distance, float(np.mean(np.clip(cosines, 0.0, 1.0) ** 2))


class TransferPreprocessingSelector:
    """Rank candidate preprocessings by how close they bring source and target spectra.

    Parameters
    ----------
    candidates : mapping of str to transformer or None, optional
        Named candidates (None: the spectra as they are); :func:`default_candidates` by
        default.
    n_components : int, default=5
        Dimension of the principal subspaces compared.

    Attributes
    ----------
    results_ : list of dict
        One row per candidate, best first: ``name``, ``centroid_distance``,
        ``subspace_similarity``, ``rank``.
    best_ : str
        Name of the best candidate.
    """

    def __init__(self, candidates: Mapping[str, Any] | None = None,
                 n_components: int = 5) -> None:
        self.candidates = candidates
        self.n_components = n_components

    def fit(self, X_source: Any, X_target: Any) -> TransferPreprocessingSelector:
        """Score every candidate on the two sets (same wavelengths, any number of rows)."""
        source = np.asarray(X_source, dtype=np.float64)
        target = np.asarray(X_target, dtype=np.float64)
        if source.ndim != 2 or target.ndim != 2 or source.shape[1] != target.shape[1]:
            raise ValueError(f"X_source and X_target must be 2D with the same number of "
                             f"columns; got {source.shape} and {target.shape}")
        if min(source.shape[0], target.shape[0]) < 2:
            raise ValueError("each set needs at least two spectra")
        if isinstance(self.n_components, bool) or not isinstance(self.n_components, int) \
                or self.n_components < 1:
            raise ValueError(f"n_components must be an integer >= 1; got "
                             f"{self.n_components!r}")
        candidates = default_candidates() if self.candidates is None else dict(self.candidates)
        if not candidates:
            raise ValueError("no candidate preprocessing given")
        rows = []
        for name, operator in candidates.items():
            if operator is None:
                s, t = source, target
            else:
                fitted = clone(operator).fit(source)
                s, t = fitted.transform(source), fitted.transform(target)
            distance, similarity = _scores(np.asarray(s), np.asarray(t), self.n_components)
            rows.append({"name": str(name), "centroid_distance": distance,
                         "subspace_similarity": similarity})
        rows.sort(key=lambda r: (r["centroid_distance"], -r["subspace_similarity"], r["name"]))
        for rank, row in enumerate(rows, start=1):
            row["rank"] = rank
        self.results_ = rows
        self.best_ = rows[0]["name"]
        self._candidates = candidates
        return self

    def get_best(self, k: int = 1) -> list[Any]:
        """Unfitted copies of the ``k`` best candidates (None for ``"raw"``), best first,
        ready for ``{"feature_augmentation": selector.get_best(3)}``."""
        if not hasattr(self, "results_"):
            raise ValueError("call fit(X_source, X_target) first")
        chosen = [self._candidates[r["name"]] for r in self.results_[:k]]
        return [None if op is None else clone(op) for op in chosen]

    def to_dataframe(self) -> Any:
        """:attr:`results_` as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.results_)
