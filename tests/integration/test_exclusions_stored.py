"""What ``exclude``/``tag`` steps flagged is stored with the run, idempotently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.data import FeatureSource, SpectroDataset
from nirs4all.operators.filters import XOutlierFilter, YOutlierFilter
from nirs4all.operators.transforms import SNV

PIPELINE = [SNV(), KFold(3), {"exclude": YOutlierFilter(method="zscore", threshold=2.0)},
            {"tag": XOutlierFilter(method="pca_leverage", n_components=3)},
            PLSRegression(3)]


def _dataset() -> SpectroDataset:
    base = nirs4all.generate(90, random_state=2, test_fraction=0.2)
    y = np.array(base.y, dtype=np.float64)
    y[np.flatnonzero(base.partition == "train")[::10]] += 10 * y.std()
    return SpectroDataset(FeatureSource("nir", base.sources[0].X, base.sources[0].wavelengths,
                                        base.sources[0].unit), y, partition=base.partition,
                          name="flags")


def test_exclusions_are_stored_read_back_and_not_written_twice(tmp_path: Path) -> None:
    dataset = _dataset()
    first = nirs4all.run(PIPELINE, dataset, random_state=3, verbose=0,
                         workspace=tmp_path / "ws")
    excluded = first.exclusions
    assert excluded
    assert {e["fold_id"] for e in excluded} == {"0", "1", "2", "final"}
    assert {e["reason"] for e in excluded} == {"|z-score of y| > 2"}
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        stored = ws.sample_flags(action="exclude").to_pylist()
        n_rows = ws.sample_flags().num_rows
    key = ("fold_id", "sample_index", "tag_name", "reason", "filter", "step_index")
    assert sorted(tuple(r[k] for k in key) for r in stored) == \
        sorted(tuple(e[k] for k in key) for e in excluded)
    assert all(r["run_id"] == first.run_id for r in stored)
    again = nirs4all.run(PIPELINE, dataset, random_state=3, verbose=0,
                         workspace=tmp_path / "ws")
    assert again.stats["fits"] == 0  # restored from the store, flags included
    assert sorted(map(sorted, (e.items() for e in again.exclusions))) == \
        sorted(map(sorted, (e.items() for e in excluded)))
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.sample_flags().num_rows == n_rows


def test_a_chain_with_exclude_and_tag_steps_exports_and_predicts_like_the_run(
        tmp_path: Path) -> None:
    dataset = _dataset()
    result = nirs4all.run(PIPELINE, dataset, random_state=3, verbose=0, workspace=None)
    bundle = result.export(tmp_path / "model.n4a")
    test = dataset.partition == "test"
    replayed = nirs4all.predict(bundle, dataset.x()[test])
    stored = next(p for p in result.predictions() if p.fold_id == "final"
                  and p.partition == "test")
    np.testing.assert_array_equal(np.asarray(replayed.y_pred).reshape(stored.y_pred.shape),
                                  stored.y_pred)


BRANCHED = [SNV(), KFold(3), {"branch": [
    [{"exclude": YOutlierFilter(method="zscore", threshold=2.0)}, PLSRegression(3)],
    [{"exclude": YOutlierFilter(method="percentile", lower_percentile=10,
                                upper_percentile=90)}, PLSRegression(2)]]}]


def test_exclusions_inside_branches_are_stored_with_their_branch_path(tmp_path: Path) -> None:
    dataset = _dataset()
    first = nirs4all.run(BRANCHED, dataset, random_state=3, verbose=0,
                         workspace=tmp_path / "ws")
    by_branch = {p: {(e["fold_id"], e["sample_index"]) for e in first.exclusions
                     if e["branch_path"] == p} for p in ((0,), (1,))}
    assert by_branch[(0,)]
    assert by_branch[(1,)]
    assert by_branch[(0,)] != by_branch[(1,)]
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        stored = {p: {(r["fold_id"], r["sample_index"])
                      for r in ws.sample_flags(branch_path=p).to_pylist()}
                  for p in ("0", "1")}
        n_rows = ws.sample_flags().num_rows
    assert stored == {"0": by_branch[(0,)], "1": by_branch[(1,)]}
    again = nirs4all.run(BRANCHED, dataset, random_state=3, verbose=0,
                         workspace=tmp_path / "ws")
    assert again.stats["fits"] == 0
    assert sorted(map(sorted, (e.items() for e in again.exclusions))) == \
        sorted(map(sorted, (e.items() for e in first.exclusions)))
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.sample_flags().num_rows == n_rows


def test_a_chain_with_an_exclude_inside_its_branch_predicts_like_the_run(
        tmp_path: Path) -> None:
    dataset = _dataset()
    result = nirs4all.run(BRANCHED, dataset, random_state=3, verbose=0, workspace=None)
    test = dataset.partition == "test"
    for chain in result.chains:
        bundle = result.export(tmp_path / f"m{chain.branch_path[0]}.n4a", chain.chain_id)
        replayed = nirs4all.predict(bundle, dataset.x()[test])
        stored = result.predictions(chain_id=chain.chain_id, fold_id="final",
                                    partition="test")[0]
        np.testing.assert_array_equal(
            np.asarray(replayed.y_pred).reshape(stored.y_pred.shape), stored.y_pred)
