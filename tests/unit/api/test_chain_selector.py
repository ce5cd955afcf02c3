"""RunResult, nirs4all.predict and the plots name a chain by one rule (pipeline/selection.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import ChainNotFoundError
from nirs4all.operators.transforms import SNV


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(60, random_state=3)


@pytest.fixture(scope="module")
def result(dataset):
    return nirs4all.run([SNV(), KFold(3), PLSRegression(3)], dataset, random_state=0,
                        verbose=0)


def test_predict_takes_the_short_id_a_summary_prints(result, dataset) -> None:
    best = result.best
    by_short = result.predict(dataset, chain=best.short_id)
    by_full = result.predict(dataset, chain=best.chain_id)
    assert by_short.chain_id == best.chain_id
    assert (by_short.to_numpy() == by_full.to_numpy()).all()
    assert nirs4all.predict(result, dataset, chain=best.short_id).chain_id == best.chain_id


def test_chain_and_export_take_a_prefix_too(result, tmp_path: Path) -> None:
    best = result.best
    assert result.chain(best.chain_id[:6]).chain_id == best.chain_id
    assert result.export(tmp_path / "m.n4a", chain=best.short_id).exists()


def test_unknown_chain_is_the_same_error_for_predict_and_plots(result, dataset) -> None:
    with pytest.raises(ChainNotFoundError, match="no chain 'deadbeef'"):
        result.predict(dataset, chain="deadbeef")
    with pytest.raises(ChainNotFoundError, match="no chain 'deadbeef'"):
        result.chain("deadbeef")
    with pytest.raises(ValueError, match="hex digits"):
        result.chain("PLS")
