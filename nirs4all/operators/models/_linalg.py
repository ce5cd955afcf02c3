"""Small linear-algebra steps shared by the PLS kernels (SIMPLS, IKPLS, PCR)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["EXHAUSTED", "dominant_left_vector", "positive_largest"]

# A cross-product or score norm this small relative to its first value means the data hold
# no further component; the kernels then leave the remaining components at zero.
EXHAUSTED = 1e-12


def positive_largest(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    """Signs (one per column) that make each column's entry of largest magnitude positive."""
    largest = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[largest, np.arange(vectors.shape[1])])
    signs[signs == 0] = 1.0
    return signs


def dominant_left_vector(S: NDArray[np.float64]) -> NDArray[np.float64]:
    """Unit dominant left singular vector of ``S`` (p, q), entry of largest magnitude > 0.

    For one column this is ``S`` normalised; otherwise ``S c`` with ``c`` the dominant
    eigenvector of the small ``S' S`` (q, q), an exact solution with no iteration.
    """
    if S.shape[1] == 1:
        vector = S[:, 0].copy()
    else:
        _, eigenvectors = np.linalg.eigh(S.T @ S)
        vector = S @ eigenvectors[:, -1]
    vector /= np.linalg.norm(vector)
    return vector * positive_largest(vector[:, None])[0]
