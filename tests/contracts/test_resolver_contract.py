"""Contract 10: resolution sorts candidates explicitly, matches branch paths structurally,
and an ambiguous selector is an error that lists the candidates."""

from __future__ import annotations

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.workspace import AmbiguousSelectorError


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resolver") / "ws"
    pipeline = [KFold(3), {"branch": [[PLSRegression(3)], [PLSRegression(5)], [Ridge()]]}]
    result = nirs4all.run(pipeline, nirs4all.generate(60, random_state=0), random_state=0,
                          verbose=0, workspace=folder)
    return folder, result


def test_an_ambiguous_selector_lists_every_candidate(stored) -> None:
    folder, result = stored
    plsr = [c for c in result.chains if "PLSRegression" in c.model_class]
    with (nirs4all.workspace.open(folder, read_only=True) as ws,
          pytest.raises(AmbiguousSelectorError) as info):
        ws.resolve_chain({"model_class": plsr[0].model_class})
    message = str(info.value)
    for chain in plsr:
        assert chain.chain_id[:10] in message


def test_branch_paths_match_as_lists_of_integers(stored) -> None:
    folder, result = stored
    with nirs4all.workspace.open(folder, read_only=True) as ws:
        chain = ws.resolve_chain({"branch_path": [1]})
        with pytest.raises(TypeError, match="list of ints"):
            ws.resolve_chain({"branch_path": "[1]"})
    expected = next(c for c in result.chains if c.branch_path == (1,))
    assert chain.chain_id == expected.chain_id


def test_candidates_come_back_in_the_same_sorted_order_every_time(stored) -> None:
    folder, result = stored
    model_class = next(c.model_class for c in result.chains if "PLS" in c.model_class)
    messages = set()
    with nirs4all.workspace.open(folder, read_only=True) as ws:
        for _ in range(3):
            with pytest.raises(AmbiguousSelectorError) as info:
                ws.resolve_chain({"model_class": model_class})
            messages.add(str(info.value))
    assert len(messages) == 1
