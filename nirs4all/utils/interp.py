"""Linear interpolation weights on a wavelength axis, shared by every resampler."""

from __future__ import annotations

import numpy as np

__all__ = ["linear_weights"]


def linear_weights(ascending: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each point falls on an ascending axis, for linear interpolation.

    Parameters
    ----------
    ascending : ndarray of shape (n,)
        A strictly increasing axis of at least two values.
    points : ndarray of shape (m,)
        Where to interpolate; the caller decides what to do with points outside the axis
        (refuse them, or clip them first).

    Returns
    -------
    left : ndarray of int, shape (m,)
        Index of the axis value at or below each point (``n - 2`` at most).
    weight : ndarray of float, shape (m,)
        Weight of ``left + 1``: a value at a point is
        ``v[left] * (1 - weight) + v[left + 1] * weight``.
    """
    left = np.clip(np.searchsorted(ascending, points, side="right") - 1, 0, ascending.size - 2)
    weight = (points - ascending[left]) / (ascending[left + 1] - ascending[left])
    return left, weight
