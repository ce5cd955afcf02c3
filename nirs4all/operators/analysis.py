"""How much of the data's structure a preprocessing keeps (0.7 path
``nirs4all.operators.analysis.PreprocPCAEvaluator``).

Each preprocessed version of a set of spectra is compared with the raw spectra in their
principal component spaces (``n_components`` scores each):

- ``explained_variance``: the share of the preprocessed data's variance those components
  hold;
- ``neighbour_preservation``: the mean fraction of every spectrum's ``k_neighbors``
  nearest neighbours (raw score space) that are still among its nearest neighbours after
  the preprocessing (1: the local structure is intact);
- ``cka``: linear centred kernel alignment of the two score matrices (Kornblith et al.
  2019, "Similarity of neural network representations revisited"): 1 means the
  preprocessing changed the scores only by a rotation and a scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["PreprocPCAEvaluator"]


def _pca(X: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    centred = X - X.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    total = float(np.sum(s ** 2)) or 1.0
    return u[:, :k] * s[:k], float(np.sum(s[:k] ** 2)) / total


def _neighbours(scores: np.ndarray, k: int) -> np.ndarray:
    distances = np.sum((scores[:, None, :] - scores[None, :, :]) ** 2, axis=-1)
    np.fill_diagonal(distances, np.inf)
    return np.argsort(distances, axis=1, kind="stable")[:, :k]


def _cka(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    cross = np.linalg.norm(a.T @ b) ** 2
    norm = np.linalg.norm(a.T @ a) * np.linalg.norm(b.T @ b)
    return float(cross / norm) if norm else float("nan")


class PreprocPCAEvaluator:
    """Compare preprocessed spectra with the raw ones in principal component space.

    Parameters
    ----------
    n_components : int, default=5
    k_neighbors : int, default=5

    Attributes
    ----------
    results_ : list of dict
        One row per preprocessing (in the order given): ``name``, ``explained_variance``,
        ``neighbour_preservation``, ``cka``.
    raw_explained_variance_ : float
    """

    def __init__(self, n_components: int = 5, k_neighbors: int = 5) -> None:
        self.n_components = n_components
        self.k_neighbors = k_neighbors

    def fit(self, X_raw: Any, preprocessed: Mapping[str, Any]) -> PreprocPCAEvaluator:
        """Evaluate every ``{name: X}`` of ``preprocessed`` (same rows as ``X_raw``)."""
        raw = np.asarray(X_raw, dtype=np.float64)
        if raw.ndim != 2:
            raise ValueError(f"X_raw must be 2D; got shape {raw.shape}")
        for name, value in (("n_components", self.n_components),
                            ("k_neighbors", self.k_neighbors)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
        k = min(self.n_components, min(raw.shape) - 1) or 1
        neighbours = min(self.k_neighbors, raw.shape[0] - 1)
        if neighbours < 1:
            raise ValueError("X_raw needs at least two spectra")
        raw_scores, self.raw_explained_variance_ = _pca(raw, k)
        raw_nn = _neighbours(raw_scores, neighbours)
        rows = []
        for name, X in preprocessed.items():
            X = np.asarray(X, dtype=np.float64)
            if X.ndim != 2 or X.shape[0] != raw.shape[0]:
                raise ValueError(f"{name!r}: expected {raw.shape[0]} rows like X_raw; got "
                                 f"shape {X.shape}")
            scores, evr = _pca(X, min(k, min(X.shape) - 1) or 1)
            nn = _neighbours(scores, neighbours)
            kept = np.mean([np.intersect1d(a, b).size / neighbours
                            for a, b in zip(raw_nn, nn, strict=True)])
            rows.append({"name": str(name), "explained_variance": evr,
                         "neighbour_preservation": float(kept),
                         "cka": _cka(raw_scores, scores)})
        self.results_ = rows
        return self

    def to_dataframe(self) -> Any:
        """:attr:`results_` as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.results_)
