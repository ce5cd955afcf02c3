"""Per-target scores and classification metrics through a run, the store and the rankings."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.data import FeatureSource, SpectroDataset


def _two_targets() -> SpectroDataset:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 12))
    y = np.column_stack([X[:, :3].sum(axis=1), 0.1 * X[:, 3] + rng.normal(0, 1, 60)])
    partition = np.array(["train"] * 48 + ["test"] * 12)
    return SpectroDataset(FeatureSource("X", X), y, partition=partition,
                          target_names=["water", "fat"])


def test_multi_target_scores_are_stored_per_target_and_rank(tmp_path) -> None:
    spec = [KFold(3), {"_or_": [PLSRegression(1), PLSRegression(3)]}]
    result = nirs4all.run(spec, _two_targets(), random_state=0, verbose=0,
                          workspace=tmp_path, refit="all")
    chain = result.chains[0]
    for scores in (chain.cv_scores, chain.test_scores, *chain.fold_scores.values()):
        for metric in ("rmse", "r2", "rpiq", "mape", "sep", "bias"):
            per_target = [scores[f"{metric}[water]"], scores[f"{metric}[fat]"]]
            assert scores[metric] == pytest.approx(np.mean(per_target), rel=1e-12)
    by_fat = result.top(2, by="rmse[fat]")
    assert by_fat[0].cv_scores["rmse[fat]"] <= by_fat[1].cv_scores["rmse[fat]"]
    entries = result.top(2, rank_metric="r2[water]")
    assert entries[0]["rank_score"] >= entries[1]["rank_score"]
    again = nirs4all.run(spec, _two_targets(), random_state=0, verbose=0,
                         workspace=tmp_path, refit="all")
    assert [c.cv_scores for c in again.chains] == [c.cv_scores for c in result.chains]
    with nirs4all.workspace.open(tmp_path) as ws:
        stored = ws.sql("SELECT cv_scores['rmse[fat]'] AS v FROM chains ORDER BY v")
    assert sorted(c.cv_scores["rmse[fat]"] for c in result.chains) == pytest.approx(
        stored.column("v").to_pylist())


def test_classification_run_reports_every_metric_and_a_confusion_matrix() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 8))
    y = np.array(["a", "b", "c"])[np.argmax(X[:, :3] + rng.normal(0, 0.5, (90, 3)), axis=1)]
    dataset = SpectroDataset(FeatureSource("X", X), y,
                             partition=np.array(["train"] * 72 + ["test"] * 18))
    result = nirs4all.run([KFold(3), LogisticRegression(max_iter=500)], dataset,
                          random_state=0, verbose=0, workspace=None)
    chain = result.chains[0]
    assert {"precision", "recall", "specificity", "f1_macro", "f1_weighted", "roc_auc",
            "log_loss"} <= set(chain.cv_scores)
    matrix = result.confusion_matrix()
    val = result.filter(chain_id=chain.chain_id, partition="val")
    y_true = np.concatenate([r.y_true for r in val])
    y_pred = np.concatenate([r.y_pred for r in val])
    np.testing.assert_array_equal(matrix, sk_confusion_matrix(y_true, y_pred,
                                                              labels=["a", "b", "c"]))
    assert matrix.sum() == 72
    assert result.confusion_matrix(partition="test").sum() == 18
    assert np.trace(matrix) / 72 == pytest.approx(chain.cv_scores["accuracy"])
