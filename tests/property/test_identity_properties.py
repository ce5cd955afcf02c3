"""Properties of the canonical form and identity of pipeline specs (contract 1)."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nirs4all.pipeline.canonical import canonical, canonical_json, from_canonical, identity

any_float = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    any_float,
    st.text(max_size=10),
)
keys = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["__tuple__", "__float__", "__dict__", "__estimator__", "params"]),
)
arrays = hnp.arrays(
    st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_]),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)
structures = st.recursive(
    st.one_of(scalars, arrays),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=12,
)


def _through_json(obj: object) -> object:
    return from_canonical(json.loads(canonical_json(obj)))


@given(structures)
@settings(max_examples=75, deadline=None)
def test_canonical_is_idempotent_through_from_canonical(obj: object) -> None:
    assert canonical_json(from_canonical(canonical(obj))) == canonical_json(obj)
    assert canonical_json(_through_json(obj)) == canonical_json(obj)


@given(structures, structures, st.booleans())
@settings(max_examples=75, deadline=None)
def test_identities_are_equal_exactly_when_canonical_json_is(
    first: object, second: object, rebuild: bool
) -> None:
    other = _through_json(first) if rebuild else second
    same_json = canonical_json(first) == canonical_json(other)
    assert (identity(first) == identity(other)) == same_json
    assert len(identity(first)) == 64


@given(st.dictionaries(keys, structures, min_size=1, max_size=6), st.randoms(use_true_random=False))
@settings(max_examples=50, deadline=None)
def test_key_order_does_not_change_identity(mapping: dict, shuffler) -> None:
    items = list(mapping.items())
    shuffler.shuffle(items)
    assert identity(dict(items)) == identity(mapping)
    assert identity(dict(reversed(items))) == identity(mapping)


def _bits(value: float) -> bytes:
    return b"nan" if math.isnan(value) else struct.pack("<d", value)


@given(any_float)
def test_float_values_round_trip_exactly(value: float) -> None:
    rebuilt = _through_json(value)
    assert type(rebuilt) is float
    assert _bits(rebuilt) == _bits(value)


@given(hnp.arrays(st.sampled_from([np.float64, np.float32]), hnp.array_shapes(max_dims=2)))
def test_float_arrays_round_trip_exactly(array: np.ndarray) -> None:
    rebuilt = _through_json(array)
    assert rebuilt.dtype == array.dtype
    assert rebuilt.shape == array.shape
    assert np.array_equal(np.isnan(rebuilt), np.isnan(array))
    finite = ~np.isnan(array)
    assert rebuilt[finite].tobytes() == array[finite].tobytes()
