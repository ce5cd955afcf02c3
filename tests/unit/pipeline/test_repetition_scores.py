"""Predictions aggregated per sample: the methods, the T² exclusion, the @sample scores."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.cross_decomposition import PLSRegression
from sklearn.metrics import accuracy_score, mean_squared_error
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsClassifier
from test_repetition_split import _repeated

import nirs4all
from nirs4all.api.predictions import Predictions
from nirs4all.pipeline._repetition import aggregate


def test_mean_median_vote_and_proba_mean_reduce_each_sample() -> None:
    samples = np.array(["b", "a", "b", "a", "b"])
    pred = np.array([1.0, 10.0, 2.0, 20.0, 6.0])
    ids, mean, _ = aggregate(samples, pred)
    assert ids.tolist() == ["a", "b"]
    np.testing.assert_allclose(mean, [15.0, 3.0])
    np.testing.assert_allclose(aggregate(samples, pred, method="median")[1], [15.0, 2.0])
    labels = np.array(["x", "y", "y", "y", "x"])
    assert aggregate(samples, labels, method="vote")[1].tolist() == ["y", "x"]
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.4, 0.6], [0.45, 0.55]])
    _, chosen, mean_proba = aggregate(samples, labels, proba, method="proba_mean",
                                      classes=np.array(["x", "y"]))
    np.testing.assert_allclose(mean_proba, [[0.3, 0.7], [(0.9 + 0.4 + 0.45) / 3,
                                                          (0.1 + 0.6 + 0.55) / 3]])
    assert chosen.tolist() == ["y", "x"]


def test_an_outlying_repetition_is_left_out_by_its_hotelling_t2() -> None:
    values = np.array([1.0, 1.1, 0.9, 1.05, 0.95, 1.0, 0.98, 1.02, 9.0])
    samples = np.zeros(values.size, dtype=int)
    _, kept, _ = aggregate(samples, values, exclude_outliers=True)
    np.testing.assert_allclose(kept, [values[:-1].mean()])
    r = values.size
    t2 = (values - values.mean()) ** 2 / values.var(ddof=1)
    limit = (r - 1) ** 2 / r * stats.beta.ppf(0.95, 0.5, (r - 2) / 2)
    assert (t2 > limit).tolist() == [False] * 8 + [True]


def test_bad_aggregations_are_refused() -> None:
    with pytest.raises(ValueError, match="must be one of"):
        aggregate(np.zeros(2), np.zeros(2), method="mode")
    with pytest.raises(ValueError, match="needs class probabilities"):
        aggregate(np.zeros(2), np.zeros(2), method="proba_mean")


def test_scores_per_sample_sit_beside_scores_per_scan_and_rank_top() -> None:
    dataset = _repeated()
    result = nirs4all.run([KFold(3), PLSRegression(4)], dataset, random_state=0, verbose=0,
                          workspace=None)
    chain = result.chains[0]
    assert {"rmse", "rmse@sample", "r2@sample"} <= set(chain.cv_scores)
    val = [p for p in result.predictions() if p.partition == "val"]
    rows = np.concatenate([np.flatnonzero(np.isin(dataset.sample_ids, p.sample_ids))
                           for p in val])
    pred = np.concatenate([p.y_pred for p in val])
    ids = dataset.metadata["Sample_ID"][rows]
    truth = {i: dataset.y[rows][ids == i].mean() for i in np.unique(ids)}
    mean = {i: pred[ids == i].mean() for i in np.unique(ids)}
    expected = np.sqrt(mean_squared_error([truth[i] for i in sorted(truth)],
                                          [mean[i] for i in sorted(mean)]))
    assert chain.cv_scores["rmse@sample"] == pytest.approx(expected, rel=1e-10)
    entry = Predictions(result).top(1, by_repetition="Sample_ID")[0]
    assert entry["rank_metric"] == "rmse@sample"
    assert entry["rank_score"] == chain.cv_scores["rmse@sample"]
    assert result.top(1, by="rmse@sample")[0].chain_id == chain.chain_id


def test_classifiers_vote_per_sample() -> None:
    dataset = _repeated(classes=True)
    result = nirs4all.run([KFold(3), KNeighborsClassifier(3)], dataset, random_state=0,
                          verbose=0, workspace=None)
    scores = result.chains[0].cv_scores
    val = [p for p in result.predictions() if p.partition == "val"]
    rows = np.concatenate([np.flatnonzero(np.isin(dataset.sample_ids, p.sample_ids))
                           for p in val])
    ids = dataset.metadata["Sample_ID"][rows]
    if val[0].y_proba is not None:
        proba = np.vstack([p.y_proba for p in val])
        votes = {i: dataset.classes[np.argmax(proba[ids == i].mean(axis=0))]
                 for i in np.unique(ids)}
    else:
        pred = np.concatenate([p.y_pred for p in val])
        votes = {i: max(set(pred[ids == i]), key=list(pred[ids == i]).count)
                 for i in np.unique(ids)}
    truth = {i: dataset.y[rows][ids == i][0] for i in np.unique(ids)}
    expected = accuracy_score([truth[i] for i in sorted(truth)],
                              [votes[i] for i in sorted(votes)])
    assert scores["accuracy@sample"] == pytest.approx(expected)


def test_per_sample_scores_are_stored_and_rank_in_the_workspace(tmp_path) -> None:
    import nirs4all.workspace

    dataset = _repeated()
    result = nirs4all.run([KFold(3), {"_or_": [PLSRegression(2), PLSRegression(6)]}],
                          dataset, random_state=0, verbose=0, workspace=tmp_path / "ws")
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        best = ws.top(1, metric="r2@sample").to_pylist()[0]
        stored = {r["chain_id"]: r for r in ws.chains().to_pylist()}
    by_r2 = max(result.chains, key=lambda c: c.cv_scores["r2@sample"])
    assert best["chain_id"] == by_r2.chain_id
    assert dict(stored[by_r2.chain_id]["cv_scores"])["rmse@sample"] == \
        by_r2.cv_scores["rmse@sample"]
