"""The pure layout functions a merge and its replay share (pipeline/_merge_layout.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.errors import ReplayError
from nirs4all.pipeline._merge_layout import arrange_parts, fit_widths, pick_sources, same_layout


def _part(*widths, rows=4):
    X = tuple(np.full((rows, w), float(w)) for w in widths)
    return X, tuple((np.arange(w, dtype=np.float64), "nm") for w in widths)


def test_pick_sources_keeps_the_indices_given_and_names_a_missing_one() -> None:
    X, axes = pick_sources(_part(2, 3, 4), [2, 0], "a branch")
    assert [x.shape[1] for x in X] == [4, 2]
    assert [a[0].size for a in axes] == [4, 2]
    whole = _part(2)
    assert pick_sources(whole, None, "a branch") is whole
    with pytest.raises(ReplayError, match="a branch has 1 source"):
        pick_sources(_part(2), [1], "a branch")


def test_arrange_parts_keeps_every_source_makes_one_block_or_one_per_part() -> None:
    parts = [_part(2, 3), _part(4)]
    X, axes = arrange_parts(parts, None)
    assert [x.shape[1] for x in X] == [2, 3, 4]
    assert axes[0][1] == "nm"
    X, axes = arrange_parts(parts, "features")
    assert [x.shape[1] for x in X] == [9]
    assert axes[0][1] == "index"
    assert not X[0].flags.writeable
    X, _ = arrange_parts(parts, "sources")
    assert [x.shape[1] for x in X] == [5, 4]
    single = _part(4)
    assert arrange_parts([single], "sources")[0][0] is single[0][0]  # no copy


def test_fit_widths_pads_truncates_or_allows_equal_widths() -> None:
    a, b = np.ones((3, 2)), np.full((3, 4), 2.0)
    padded = fit_widths([a, b], "pad", "here")
    np.testing.assert_array_equal(padded[0], [[1, 1, 0, 0]] * 3)
    assert padded[1] is b
    assert [m.shape[1] for m in fit_widths([a, b], "truncate", "here")] == [2, 2]
    assert fit_widths([a, a], "allow", "here")[1] is a
    with pytest.raises(ValueError, match="here: on_shape_mismatch 'allow'"):
        fit_widths([a, b], "allow", "here")
    with pytest.raises(ValueError, match="must be 'allow', 'pad' or 'truncate'"):
        fit_widths([a, b], "error", "here")


def test_same_layout_compares_sources_widths_and_axes() -> None:
    assert same_layout([_part(2, 3), _part(2, 3)])
    assert not same_layout([_part(2, 3), _part(2, 4)])
    assert not same_layout([_part(2, 3), _part(5)])
    X, axes = _part(2)
    shifted = (X, ((axes[0][0] + 1.0, "nm"),))
    assert not same_layout([_part(2), shifted])
