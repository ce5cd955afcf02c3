"""The one set of read-only array helpers (nirs4all/utils/arrays.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.utils.arrays import frozen_copy, readonly_view, seal


def test_readonly_view_shares_memory_and_leaves_the_callers_array_writable() -> None:
    owned = np.arange(4.0)
    view = readonly_view(owned)
    assert np.shares_memory(view, owned)
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 9.0
    owned[0] = 5.0  # the caller's array is untouched by the helper
    assert view[0] == 5.0


def test_readonly_view_of_a_read_only_array_is_the_array_itself() -> None:
    frozen = seal(np.arange(3))
    assert readonly_view(frozen) is frozen


def test_frozen_copy_copies_a_writable_array_once_and_keeps_a_read_only_one() -> None:
    owned = np.arange(3.0)
    copy = frozen_copy(owned)
    assert not np.shares_memory(copy, owned)
    assert not copy.flags.writeable
    assert frozen_copy(copy) is copy
    owned[0] = 7.0
    assert copy[0] == 0.0


def test_seal_marks_the_array_itself_read_only() -> None:
    built = np.zeros(2)
    assert seal(built) is built
    assert not built.flags.writeable
