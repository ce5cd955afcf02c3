"""0.7 style: read a run through the Predictions facade (top, filter, get_best, rows)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.predictions import Entry, Predictions
from nirs4all.operators.transforms import MSC, SNV


@pytest.fixture(scope="module")
def result():
    data = nirs4all.generate(80, wavelengths=(1000, 1600, 8), random_state=3, name="wheat")
    return nirs4all.run(
        [{"_or_": [SNV(), MSC()]}, KFold(3, shuffle=True, random_state=0),
         {"model": PLSRegression, "_range_": [2, 6, 2], "param": "n_components"}],
        data, random_state=0, verbose=0, refit="all", workspace=None, name="demo")


def test_top_returns_mappings_with_the_07_keys(result):
    predictions = Predictions(result)
    top = predictions.top(3, display_metrics=["rmse", "r2"])
    assert len(top) == 3
    best = top[0]
    assert isinstance(best, Entry)
    for key in ("model_name", "model_classname", "preprocessings", "dataset_name",
                "config_name", "val_score", "test_score", "rank_score", "fold_id", "rmse",
                "r2"):
        assert key in best
    assert best["dataset_name"] == "wheat"
    assert best["config_name"] == "demo"
    assert best["model_name"] == best.model_name
    assert best["rmse"] == pytest.approx(result.best_rmse)
    assert best["rank_score"] == best["val_score"] == pytest.approx(result.best.cv_score)
    assert [e["rank_score"] for e in top] == sorted(e["rank_score"] for e in top)
    with pytest.raises(AttributeError, match="read-only"):
        best.model_name = "x"


def test_rank_metric_and_partition_reorder_the_entries(result):
    predictions = Predictions(result)
    by_r2 = predictions.top(6, rank_metric="r2")
    assert [e["rank_score"] for e in by_r2] == sorted((e["rank_score"] for e in by_r2),
                                                      reverse=True)
    on_test = predictions.top(6, rank_partition="test")
    assert [e["rank_score"] for e in on_test] == sorted(e["rank_score"] for e in on_test)
    assert predictions.get_best()["chain_id"] == result.best.chain_id


def test_group_by_gives_the_best_of_each_group(result):
    entries = Predictions(result).top(1, group_by="preprocessings")
    assert sorted(e["group_key"] for e in entries) == sorted(
        {c.preprocessing for c in result.chains})
    with pytest.raises(ValueError, match="group_by must be one of"):
        Predictions(result).top(1, group_by="colour")


def test_by_repetition_without_a_repetition_column_and_aggregate_are_refused(result):
    with pytest.raises(ValueError, match="declares its repetition column"):
        Predictions(result).top(1, by_repetition="Sample_ID")
    with pytest.raises(NotImplementedError, match="aggregate"):
        Predictions(result).top(1, aggregate="Sample_ID")
    with pytest.raises(TypeError, match="unexpected keyword"):
        Predictions(result).top(1, colour="red")


def test_filter_predictions_returns_rows_with_arrays(result):
    predictions = Predictions(result)
    assert predictions.num_predictions == len(predictions) == result.num_predictions
    finals = predictions.filter_predictions(fold_id="final", partition="test")
    assert len(finals) == len(result.chains)
    row = finals[0]
    assert row["test_score"] == pytest.approx(row["scores"][row["metric"]])
    assert row["val_score"] is None
    assert len(row["y_pred"]) == len(row["sample_indices"]) == row["n_samples"]
    light = predictions.filter_predictions(load_arrays=False, partition="val")
    assert light
    assert all("y_pred" not in r for r in light)
    with pytest.raises(ValueError, match="unknown prediction field"):
        predictions.filter_predictions(colour="red")


def test_rows_as_dicts_and_dataframe(result):
    predictions = Predictions(result)
    dicts = predictions.to_dicts()
    assert len(dicts) == result.num_predictions
    assert isinstance(dicts[0], dict)
    assert predictions.get_models() == sorted({c.model_name for c in result.chains})
    assert all(name.startswith("PLSRegression") for name in predictions.get_models())
    assert predictions.get_datasets() == ["wheat"]
    pytest.importorskip("pandas")
    frame = predictions.to_dataframe()
    assert len(frame) == result.num_predictions
    assert "y_pred" not in frame.columns
    assert set(frame["partition"]) == {"train", "val", "test"}


def test_scores_of_rows_match_their_arrays(result):
    for row in Predictions(result).filter_predictions(partition="test"):
        rmse = math.sqrt(float(np.mean((row["y_true"] - row["y_pred"]) ** 2)))
        assert row["scores"]["rmse"] == pytest.approx(rmse, rel=1e-12)


def test_several_datasets_rank_within_each_dataset():
    data = [nirs4all.generate(40, wavelengths=(1000, 1400, 10), random_state=s, name=n)
            for s, n in ((1, "a"), (2, "b"))]
    result = nirs4all.run([KFold(2), {"model": PLSRegression(2)}], data, random_state=0,
                          verbose=0, workspace=None)
    with pytest.warns(UserWarning, match="ranks within each dataset"):
        entries = Predictions(result).top(5)
    assert sorted(e["dataset_name"] for e in entries) == ["a", "b"]
