"""A whole 0.7-style script: run with 0.7 keywords, read best/top/filter/per_dataset, plot
with PredictionAnalyzer, export, predict the bundle, retrain, and a session."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.session import session
from nirs4all.operators.transforms import StandardNormalVariate
from nirs4all.visualization.predictions import PredictionAnalyzer


def test_a_07_script_runs_unchanged(tmp_path):
    rng = np.random.default_rng(0)
    X = nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)
    X, y = X.x(), X.y.ravel()
    pipeline = [
        {"_or_": [None, StandardNormalVariate()]},
        KFold(n_splits=3, shuffle=True, random_state=0),
        {"model": PLSRegression(n_components=2), "name": "PLS"},
    ]
    with pytest.warns(DeprecationWarning, match="workspace_path"):
        result = nirs4all.run(pipeline=pipeline, dataset=(X, y, {"train": 45}),
                              name="demo", verbose=0, plots_visible=False,
                              workspace_path=tmp_path, random_state=42)
    print(f"best RMSE {result.best_rmse:.4f}, R2 {result.best_r2:.4f}")
    assert result.best_score == result.best["test_score"]
    assert result.best["rmse"] == pytest.approx(result.best_rmse)
    for entry in result.top(n=2, rank_metric="rmse", display_metrics=["rmse", "r2"]):
        assert {"model_name", "preprocessings", "rmse", "r2"} <= set(entry)
    assert result.num_predictions == len(result.filter(config_name="demo"))
    for name, per in result.per_dataset.items():
        assert per["dataset_name"] == name
        assert per["run_predictions"].get_best()["chain_id"] == result.best["chain_id"]

    analyzer = PredictionAnalyzer(result.predictions)
    figures = [analyzer.plot_top_k(k=2), analyzer.plot_heatmap("preprocessings", "model_name"),
               analyzer.plot_candlestick("preprocessings"), analyzer.plot_histogram()]
    assert all(f is not None for f in figures)

    bundle = result.export(tmp_path / "best.n4a", source=result.best)
    new = rng.normal(size=(5, X.shape[1])) * 0.01 + X[:5]
    y_new = nirs4all.predict(bundle, (new,)).to_numpy()
    np.testing.assert_allclose(y_new, result.predict((new,)).to_numpy())
    retrained = nirs4all.retrain(bundle, (X, y), mode="transfer", verbose=0,
                                 workspace=None)
    assert retrained.best is not None

    with session(pipeline, name="sess", workspace=tmp_path, verbose=0,
                 random_state=42) as s:
        again = s.run((X, y, {"train": 45}))
        assert again.best["chain_id"] == result.best["chain_id"]
        assert again.best_score == result.best_score
