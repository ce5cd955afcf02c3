"""The shared linear interpolation weights match numpy's own linear interpolation."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nirs4all.utils.interp import linear_weights


@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=2, max_size=30, unique=True),
       st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=10),
       st.integers(0, 2**31 - 1))
def test_weights_reproduce_np_interp_inside_the_axis(axis, where, seed) -> None:
    ascending = np.sort(np.asarray(axis))
    if np.min(np.diff(ascending)) < 1e-6:
        return
    points = ascending[0] + np.asarray(where) * (ascending[-1] - ascending[0])
    values = np.random.default_rng(seed).normal(size=ascending.size)
    left, weight = linear_weights(ascending, points)
    mine = values[left] * (1 - weight) + values[left + 1] * weight
    np.testing.assert_allclose(mine, np.interp(points, ascending, values), atol=1e-9)
