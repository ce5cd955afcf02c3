"""Contract 2: one fold-key dialect, closed under every fold-key function."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nirs4all.pipeline.folds import (
    FINAL,
    FoldKeyError,
    fold_index,
    fold_key,
    is_fold_key,
    normalize_legacy_fold_id,
    sort_fold_keys,
)

canonical_keys = st.one_of(st.integers(0, 10**9).map(fold_key), st.just(FINAL))


@given(st.integers(0, 10**9))
def test_fold_number_to_key_and_back_is_the_identity(index: int) -> None:
    assert fold_index(fold_key(index)) == index


@given(canonical_keys)
def test_key_to_fold_number_and_back_is_the_identity(key: str) -> None:
    index = fold_index(key)
    assert (FINAL if index is None else fold_key(index)) == key


@given(st.lists(canonical_keys))
def test_every_function_maps_canonical_keys_to_canonical_keys(keys: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        normalized = [normalize_legacy_fold_id(key) for key in keys]
    assert normalized == keys
    assert all(is_fold_key(key) for key in sort_fold_keys(keys))
    assert sorted(sort_fold_keys(keys)) == sorted(keys)


@given(
    st.one_of(
        st.integers(0, 10**9),
        st.integers(0, 10**9).map(np.int64),
        st.integers(0, 10**9).map("fold_{}".format),
        st.just("fold_final"),
    )
)
def test_every_legacy_spelling_lands_in_the_canonical_set(legacy: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert is_fold_key(normalize_legacy_fold_id(legacy))


@given(st.text(max_size=8))
def test_a_string_is_a_fold_key_exactly_when_fold_index_accepts_it(text: str) -> None:
    try:
        index = fold_index(text)
    except FoldKeyError:
        assert not is_fold_key(text)
    else:
        assert is_fold_key(text)
        assert text == (FINAL if index is None else fold_key(index))
