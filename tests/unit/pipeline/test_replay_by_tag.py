"""Replay of ``by_tag`` separation branches: new rows are tagged by the tag step's fitted
filter and routed as in training, so an exported chain predicts bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import nirs4all
from nirs4all.errors import ReplayError
from nirs4all.operators.filters import MetadataFilter, XOutlierFilter, YOutlierFilter
from tests.unit.pipeline._separation_helpers import make_dataset


def _tagged_run(tmp_path, *, after_concat=(), steps=None, tag=None, tag_first=False):
    dataset = make_dataset(n=80, n_test=20, seed=4)
    branch = {"by_tag": "far"} if steps is None else {"by_tag": "far", "steps": steps}
    tagging = {"tag": tag or XOutlierFilter(method="mahalanobis", threshold=8.0,
                                            tag_name="far")}
    pipeline = [StandardScaler(), *([tagging, KFold(3)] if tag_first else [KFold(3), tagging]),
                {"branch": branch}, *([] if after_concat else [PLSRegression(2)]),
                {"merge": "concat"}, *after_concat]
    result = nirs4all.run(pipeline, dataset, workspace=tmp_path / "ws", verbose=0,
                          random_state=3)
    return result, dataset


def _assert_replays(result, dataset, chain_id, tmp_path, **kwargs) -> None:
    stored = result.predictions(chain_id=chain_id, fold_id="final", partition="test")[0]
    test = np.flatnonzero(dataset.partition == "test")
    bundle = result.export(tmp_path / f"{chain_id[:8]}.n4a", chain_id)
    replayed = nirs4all.predict(bundle, dataset.select(test), **kwargs)
    np.testing.assert_array_equal(replayed.sample_ids, stored.sample_ids)
    np.testing.assert_array_equal(replayed.y_pred, stored.y_pred)
    from_store = nirs4all.predict(chain_id, dataset.select(test), workspace=tmp_path / "ws",
                                  **kwargs)
    np.testing.assert_array_equal(from_store.y_pred, stored.y_pred)


@pytest.mark.parametrize("tag_first", [False, True], ids=["tag_per_fold", "tag_before_split"])
def test_the_reassembled_chain_of_a_tag_separation_replays_bit_for_bit(tmp_path, tag_first):
    result, dataset = _tagged_run(tmp_path, tag_first=tag_first)
    joined = next(s for s in result.top(10) if s.branch_path == ())
    _assert_replays(result, dataset, joined.chain_id, tmp_path)


def test_both_tag_branches_receive_test_rows_in_the_fixture(tmp_path) -> None:
    """The fixture is meaningful: the fitted filter flags some test rows and not others,
    so replay must route rows to both branches."""
    result, _ = _tagged_run(tmp_path)
    stored = result.predictions(fold_id="final", partition="test")
    per_branch = {p.chain_id: p.n_samples for p in stored}
    branch_chains = {s.branch_path: s.chain_id for s in result.top(10)}
    assert per_branch[branch_chains[(0,)]] > 0
    assert per_branch[branch_chains[(1,)]] > 0


def test_a_metadata_tag_routes_new_rows_by_their_metadata(tmp_path) -> None:
    result, dataset = _tagged_run(tmp_path, tag=MetadataFilter(
        "instrument", values_to_exclude=["a"], tag_name="far"))
    joined = next(s for s in result.top(10) if s.branch_path == ())
    _assert_replays(result, dataset, joined.chain_id, tmp_path)


def test_tag_separation_with_steps_after_concat_replays_bit_for_bit(tmp_path) -> None:
    result, dataset = _tagged_run(tmp_path, steps=[StandardScaler()],
                                  after_concat=[PLSRegression(2)])
    for chain in result.chains:
        _assert_replays(result, dataset, chain.chain_id, tmp_path)


def test_a_tag_filter_that_needs_targets_is_refused_at_replay_with_the_reason(tmp_path):
    result, dataset = _tagged_run(tmp_path, tag=YOutlierFilter(tag_name="far"))
    joined = next(s for s in result.top(10) if s.branch_path == ())
    bundle = result.export(tmp_path / "y.n4a", joined.chain_id)
    test = np.flatnonzero(dataset.partition == "test")
    with pytest.raises(ReplayError, match="cannot judge new rows"):
        nirs4all.predict(bundle, dataset.select(test))
