"""The one chain selector (full id, or a unique prefix of at least 4 hex digits)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nirs4all.errors import AmbiguousSelectorError, ChainNotFoundError
from nirs4all.pipeline.records import ChainRecord
from nirs4all.pipeline.selection import MIN_PREFIX, select_chain
from nirs4all.workspace import errors as workspace_errors


def _chain(chain_id: str) -> ChainRecord:
    return ChainRecord(chain_id=chain_id, pipeline_id="p" * 64, model_step=1,
                       model_name="PLS", model_class="sklearn.PLSRegression", branch_path=(),
                       steps=(), source_chains=(), fold_ids=("0",), metric="rmse",
                       cv_scores={}, fold_scores={}, test_scores={}, preprocessing="")


CHAINS = [_chain("abcd" + "0" * 60), _chain("abce" + "1" * 60), _chain("ab12" + "2" * 60)]


def test_full_id_selects_its_chain() -> None:
    assert select_chain(CHAINS, CHAINS[1].chain_id) is CHAINS[1]


def test_unique_prefix_of_four_hex_digits_selects_its_chain() -> None:
    assert select_chain(CHAINS, "abcd") is CHAINS[0]
    assert select_chain(CHAINS, CHAINS[2].chain_id[:10]) is CHAINS[2]


def test_shorter_than_the_minimum_or_not_hex_is_refused() -> None:
    for selector in ("abc", "ABCD", "xyz0", "", "abcd "):
        with pytest.raises(ValueError, match="hex digits"):
            select_chain(CHAINS, selector)
    assert MIN_PREFIX == 4


def test_ambiguous_prefix_names_every_candidate() -> None:
    chains = [*CHAINS, _chain("abcd" + "f" * 60)]
    with pytest.raises(AmbiguousSelectorError) as info:
        select_chain(chains, "abcd")
    assert [line.split()[1] for line in info.value.candidates] == ["abcd000000", "abcdffffff"]
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, ValueError)


def test_unknown_prefix_is_not_found_and_is_a_lookup_and_value_error() -> None:
    with pytest.raises(ChainNotFoundError, match="no chain 'dead' in this result"):
        select_chain(CHAINS, "dead")
    assert issubclass(ChainNotFoundError, LookupError)
    assert issubclass(ChainNotFoundError, ValueError)


def test_workspace_errors_keep_the_moved_classes_at_their_old_path() -> None:
    assert workspace_errors.ChainNotFoundError is ChainNotFoundError
    assert workspace_errors.AmbiguousSelectorError is AmbiguousSelectorError
    assert issubclass(ChainNotFoundError, workspace_errors.WorkspaceError)
    error = AmbiguousSelectorError("abcd", ["c1", "c2"])
    assert pickle.loads(pickle.dumps(error)).candidates == ("c1", "c2")  # noqa: S301


@given(st.integers(min_value=MIN_PREFIX, max_value=64), st.integers(0, 2))
def test_any_prefix_long_enough_to_be_unique_selects_that_chain(length: int, which: int) -> None:
    chain = CHAINS[which]
    prefix = chain.chain_id[:length]
    others = [c for c in CHAINS if c is not chain and c.chain_id.startswith(prefix)]
    if others:
        with pytest.raises(AmbiguousSelectorError):
            select_chain(CHAINS, prefix)
    else:
        assert select_chain(CHAINS, prefix) is chain
