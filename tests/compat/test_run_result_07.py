"""0.7-style reading of a ``RunResult``: ``best`` as a mapping, ``top``/``filter`` with
the 0.7 keywords, ``final``/``cv_best``/``models``, ``per_dataset[name][...]``, exports."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.predictions import Predictions

PIPELINE = [KFold(3), {"model": {"_or_": [PLSRegression(2), PLSRegression(4), Ridge()]}}]


@pytest.fixture(scope="module")
def result():
    data = nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)
    return nirs4all.run(PIPELINE, data, name="demo", verbose=0, random_state=0,
                        workspace=None)


def test_best_is_a_mapping_with_the_07_keys(result):
    best = result.best
    assert best["model_name"] == best.model_name
    assert best["test_score"] == best.test_score
    assert best["val_score"] == best.cv_score
    assert best["preprocessings"] == best.preprocessing
    assert best["config_name"] == "demo"
    assert best["rmse"] == best.test_scores["rmse"]
    assert best.get("no such key", 7) == 7
    assert "rmse" in best
    assert set(dict(best)) == set(best.keys())
    with pytest.raises(KeyError, match="an entry has the keys"):
        best["no such key"]


def test_best_score_is_the_best_by_validation_chains_test_score(result):
    best = result.best
    assert result.best_score == best.test_score
    assert result.best_test_score == best.test_score
    assert result.best_cv_score == best.cv_score
    assert result.best_score != result.best_cv_score


def test_top_with_07_keywords_returns_entries_ranked_as_asked(result):
    entries = result.top(2, rank_metric="r2", rank_partition="val",
                         display_metrics=["rmse", "r2"])
    assert len(entries) == 2
    by_r2 = sorted(result.chains, key=lambda c: -c.cv_scores["r2"])
    assert [e["chain_id"] for e in entries] == [c.chain_id for c in by_r2[:2]]
    assert entries[0]["rank_score"] >= entries[1]["rank_score"]
    np.testing.assert_equal(entries[0]["rmse"], by_r2[0].test_scores.get("rmse", math.nan))
    grouped = result.top(1, group_by="model_classname")
    assert [e["group_key"].rsplit(".", 1)[1] for e in grouped] == ["PLSRegression", "Ridge"]
    assert [s.chain_id for s in result.top(3)] == [c.chain_id for c in result.chains]


def test_filter_with_07_fields_returns_rows(result):
    rows = result.filter(model_name="Ridge", partition="val")
    assert rows
    assert all(r["model_name"] == "Ridge" and r["partition"] == "val" for r in rows)
    assert "y_pred" not in result.filter(model_name="Ridge", load_arrays=False)[0]
    records = result.filter(partition="val")
    assert all(r.partition == "val" for r in records)


def test_predictions_is_the_facade_and_still_callable(result):
    assert isinstance(result.predictions, Predictions)
    assert result.predictions.num_predictions == result.num_predictions
    assert result.predictions.get_best()["chain_id"] == result.best.chain_id
    records = result.predictions(fold_id="final", partition="test")
    assert [r.chain_id for r in records] == [result.best.chain_id]


def test_final_cv_best_and_models(result):
    assert result.final.chain_id == result.best.chain_id
    assert result.final_score == result.best.test_score
    assert result.cv_best.chain_id == result.best.chain_id
    assert result.cv_best_score == result.best.cv_score
    models = result.models
    assert list(models) == [result.best.model_name]
    assert models[result.best.model_name].final_score == result.best.test_score
    assert result.get_models() == sorted({c.model_name for c in result.chains})
    assert len(result.get_models()) == 3
    assert result.get_datasets() == list(result.datasets.values())
    assert result.artifacts_path is None


def test_validate_reports_and_raises(result):
    assert result.validate() == {"valid": True, "issues": [], "nan_count": 0,
                                 "total_count": 3}
    empty = nirs4all.api.RunResult([], {}, seed=0, stats={})
    assert empty.validate(raise_on_failure=False)["valid"] is False
    with pytest.raises(ValueError, match="no chain"):
        empty.validate()


def test_per_dataset_entries_answer_the_07_keys(result):
    (name, sub), = result.per_dataset.items()
    assert sub["dataset_name"] == name
    assert sub["run_predictions"].num_predictions == result.num_predictions
    with pytest.raises(KeyError, match="does not keep the dataset"):
        sub["dataset"]


def test_export_with_07_keywords_and_export_model(result, tmp_path):
    data = nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)
    path = result.export(tmp_path / "best.n4a", source=result.best)
    expected = result.predict(data).to_numpy()
    np.testing.assert_allclose(nirs4all.predict(path, data).to_numpy(), expected)
    same = result.export(tmp_path / "same.n4a", chain_id=result.best["chain_id"])
    np.testing.assert_allclose(nirs4all.predict(same, data).to_numpy(), expected)
    with pytest.raises(ValueError, match=r"n4a\.py"):
        result.export(tmp_path / "x.n4a.py", format="n4a.py")
    with pytest.raises(ValueError, match="different chains"):
        result.export(tmp_path / "y.n4a", chain=result.chains[1].chain_id,
                      source=result.best)
    model = result.export_model(tmp_path / "model.skops")
    assert model.stat().st_size > 0
    with pytest.raises(ValueError, match="no model for fold"):
        result.export_model(tmp_path / "m.skops", fold="9")
