"""Fold keys: one dialect, and one conversion from legacy spellings (contract 2)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nirs4all.errors import Nirs4allError
from nirs4all.pipeline.folds import (
    FINAL,
    FoldKeyError,
    LegacyFoldIdWarning,
    fold_index,
    fold_key,
    is_fold_key,
    normalize_legacy_fold_id,
    sort_fold_keys,
)

indices = st.integers(min_value=0, max_value=10**6)


def test_fold_keys_are_decimal_strings_and_final() -> None:
    assert FINAL == "final"
    assert [fold_key(i) for i in range(3)] == ["0", "1", "2"]
    assert fold_key(np.int64(12)) == "12"
    assert type(fold_key(np.int64(12))) is str


@pytest.mark.parametrize("bad", [1.0, "1", True, None])
def test_fold_key_rejects_non_integers(bad: object) -> None:
    with pytest.raises(TypeError, match="fold index must be an int"):
        fold_key(bad)  # type: ignore[arg-type]


def test_fold_key_rejects_negative_indices() -> None:
    with pytest.raises(FoldKeyError, match=">= 0, got -1"):
        fold_key(-1)


@pytest.mark.parametrize("value", ["0", "1", "10", "123", "final"])
def test_canonical_spellings_are_fold_keys(value: str) -> None:
    assert is_fold_key(value)


@pytest.mark.parametrize(
    "value",
    ["00", "01", "-1", "+1", "fold_0", "fold_final", "Final", "", " 1", "1\n", "\u0661", 0, None],
)
def test_other_spellings_are_not_fold_keys(value: object) -> None:
    assert not is_fold_key(value)


def test_fold_index_of_final_is_none_and_of_a_legacy_spelling_an_error() -> None:
    assert fold_index(FINAL) is None
    assert fold_index("7") == 7
    with pytest.raises(FoldKeyError, match="normalize_legacy_fold_id"):
        fold_index("fold_7")
    with pytest.raises(FoldKeyError):
        fold_index(7)  # type: ignore[arg-type]


def test_sort_is_numeric_with_final_last() -> None:
    assert sort_fold_keys(["final", "10", "2", "0"]) == ["0", "2", "10", "final"]
    with pytest.raises(FoldKeyError, match="'fold_1'"):
        sort_fold_keys(["0", "fold_1"])


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [(0, "0"), (np.int64(3), "3"), (np.int32(4), "4"), ("fold_0", "0"), ("fold_12", "12"),
     ("fold_final", "final")],
)  # fmt: skip
def test_legacy_spellings_convert_with_a_deprecation_warning(legacy: object, expected: str) -> None:
    with pytest.warns(LegacyFoldIdWarning, match="legacy fold id"):
        assert normalize_legacy_fold_id(legacy) == expected
    assert issubclass(LegacyFoldIdWarning, DeprecationWarning)


@pytest.mark.parametrize("value", ["", None])
def test_foldless_legacy_rows_are_left_to_the_caller(value: object) -> None:
    with pytest.raises(FoldKeyError, match=r"without cross-validation.*caller must decide"):
        normalize_legacy_fold_id(value)


@pytest.mark.parametrize("value", ["avg", "w_avg"])
def test_legacy_aggregate_rows_are_not_folds(value: str) -> None:
    with pytest.raises(FoldKeyError, match="aggregate"):
        normalize_legacy_fold_id(value)


@pytest.mark.parametrize("value", [-1, True, 1.0, "fold_01", "fold_-1", "FINAL", "fold_", b"0"])
def test_unknown_legacy_spellings_are_errors(value: object) -> None:
    with pytest.raises(FoldKeyError, match="not a known fold id spelling") as caught:
        normalize_legacy_fold_id(value)
    assert isinstance(caught.value, Nirs4allError)
    assert isinstance(caught.value, ValueError)


@given(indices)
def test_fold_index_inverts_fold_key(index: int) -> None:
    key = fold_key(index)
    assert is_fold_key(key)
    assert fold_index(key) == index


@given(indices, st.sampled_from([int, np.int64, np.uint32, lambda i: f"fold_{i}"]))
def test_legacy_spellings_normalize_to_the_fold_key_with_a_warning(index: int, spell) -> None:
    if spell is np.uint32 and index >= 2**32:
        return
    with pytest.warns(LegacyFoldIdWarning):
        assert normalize_legacy_fold_id(spell(index)) == fold_key(index)


@given(st.one_of(indices.map(fold_key), st.just(FINAL)))
def test_canonical_keys_normalize_to_themselves_without_a_warning(key: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert normalize_legacy_fold_id(key) == key


@given(st.lists(indices, unique=True), st.booleans())
def test_sorted_fold_keys_follow_the_fold_numbers(numbers: list[int], with_final: bool) -> None:
    keys = [fold_key(i) for i in numbers] + ([FINAL] if with_final else [])
    shuffled = list(reversed(keys))
    expected = [fold_key(i) for i in sorted(numbers)] + ([FINAL] if with_final else [])
    assert sort_fold_keys(shuffled) == expected
