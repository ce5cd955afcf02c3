"""Read-only arrays: the one set of helpers every layer uses to freeze what it shares.

Three cases, three names:

- :func:`readonly_view`: someone else's array, shared without a copy; writing through the
  returned view raises, the caller's own array is left as it was;
- :func:`frozen_copy`: an array that must never change afterwards, whoever holds it: a
  writable input is copied once, a read-only one is kept;
- :func:`seal`: an array the caller has just built and owns; it is marked read-only in place.
"""

from __future__ import annotations

import numpy as np

__all__ = ["frozen_copy", "readonly_view", "seal", "take_rows"]


def readonly_view(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array`` (``array`` itself when it is already read-only)."""
    array = np.asarray(array)
    if array.flags.writeable:
        array = array.view()
        array.flags.writeable = False
    return array


def frozen_copy(array: np.ndarray) -> np.ndarray:
    """``array`` itself when it is already read-only, else a read-only copy of it."""
    if array.flags.writeable:
        array = array.copy()
        array.flags.writeable = False
    return array


def seal(array: np.ndarray) -> np.ndarray:
    """Mark an array the caller owns read-only, in place, and return it."""
    array.flags.writeable = False
    return array


def take_rows(array: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Rows of an array: a view when the positions are contiguous and ascending."""
    if rows.size and rows[-1] - rows[0] + 1 == rows.size and np.all(np.diff(rows) == 1):
        return array[int(rows[0]):int(rows[-1]) + 1]
    return array[rows]
