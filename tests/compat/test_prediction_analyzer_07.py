"""0.7 style: PredictionAnalyzer(result.predictions) and its plot_* methods, rendered to PNG."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.predictions import Predictions
from nirs4all.operators.transforms import MSC, SNV

pytest.importorskip("matplotlib")
from nirs4all.visualization.predictions import PredictionAnalyzer

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def regression():
    data = nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=5, name="corn")
    return nirs4all.run(
        [{"_or_": [SNV(), MSC()]}, KFold(3, shuffle=True, random_state=0),
         {"model": PLSRegression, "_range_": [2, 4], "param": "n_components"}],
        data, random_state=0, verbose=0, refit="all", workspace=None)


@pytest.fixture(scope="module")
def branched():
    data = nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=6, name="soil")
    return nirs4all.run(
        [KFold(3, shuffle=True, random_state=1),
         {"branch": [[SNV(), PLSRegression(3)], [MSC(), Ridge(alpha=1e-3)]]}],
        data, random_state=0, verbose=0, workspace=None)


def _saved(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == PNG
    return fig


def test_analyzer_accepts_the_predictions_facade_or_the_result(regression):
    assert PredictionAnalyzer(Predictions(regression)).result is regression
    assert PredictionAnalyzer(regression).result is regression
    with pytest.raises(TypeError, match="RunResult"):
        PredictionAnalyzer([1, 2])
    with pytest.raises(NotImplementedError, match="repetition"):
        PredictionAnalyzer(regression, default_aggregate="Sample_ID")


def test_plot_top_k_draws_one_panel_per_chain(regression, tmp_path):
    fig = _saved(PredictionAnalyzer(regression).plot_top_k(4), tmp_path, "top")
    drawn = [ax for ax in fig.axes if ax.collections]
    assert len(drawn) == 4
    best = Predictions(regression).top(1)[0]
    assert f"{best['rmse']:.4g}" in drawn[0].get_title()


def test_plot_heatmap_uses_07_field_names_and_both_partitions(regression, tmp_path):
    analyzer = PredictionAnalyzer(regression)
    fig = _saved(analyzer.plot_heatmap(x_var="n_components", y_var="preprocessings"),
                 tmp_path, "heat")
    grid = fig.axes[0].images[0].get_array()
    assert grid.shape == (2, 3)
    cv = sorted(c.cv_score for c in regression.chains)
    assert sorted(np.asarray(grid).ravel().tolist()) == pytest.approx(cv)
    test = analyzer.plot_heatmap(x_var="n_components", display_partition="test")
    values = np.asarray(test.axes[0].images[0].get_array()).ravel()
    assert sorted(values.tolist()) == pytest.approx(sorted(c.test_score
                                                           for c in regression.chains))
    with pytest.raises(ValueError, match="display_partition"):
        analyzer.plot_heatmap(display_partition="train")


def test_plot_candlestick_and_histogram(regression, tmp_path):
    analyzer = PredictionAnalyzer(regression)
    fig = _saved(analyzer.plot_candlestick("preprocessings"), tmp_path, "candle")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert sorted(labels) == ["MSC", "SNV"]
    fig = _saved(analyzer.plot_histogram(bins=4), tmp_path, "hist")
    counts = [patch.get_height() for patch in fig.axes[0].patches]
    assert sum(counts) == len(regression.chains)
    with pytest.raises(ValueError, match="cannot group"):
        analyzer.plot_candlestick("colour")


def test_branch_plots_show_one_entry_per_branch(branched, tmp_path):
    analyzer = PredictionAnalyzer(branched)
    fig = _saved(analyzer.plot_branch_comparison(), tmp_path, "branches")
    heights = [bar.get_height() for bar in fig.axes[0].patches]
    best = {c.branch_path: c.cv_score for c in reversed(branched.chains)}
    assert sorted(heights) == pytest.approx(sorted(best.values()))
    fig = _saved(analyzer.plot_branch_boxplot(), tmp_path, "box")
    assert len(fig.axes[0].get_xticklabels()) == 2
    fig = _saved(analyzer.plot_branch_heatmap(), tmp_path, "bheat")
    grid = np.asarray(fig.axes[0].images[0].get_array())
    assert grid.shape == (2, 3)
    assert not np.isnan(grid).any()


def test_confusion_matrix_for_a_classifier_and_refusal_for_a_regressor(regression, tmp_path):
    data = nirs4all.generate(60, wavelengths=(1000, 1600, 10), task="classification",
                             n_classes=3, random_state=2)
    result = nirs4all.run([KFold(3, shuffle=True, random_state=0),
                           {"model": LogisticRegression(max_iter=500)}], data,
                          random_state=0, verbose=0, workspace=None)
    fig = _saved(PredictionAnalyzer(result).plot_confusion_matrix(), tmp_path, "cm")
    counts = np.asarray(fig.axes[0].images[0].get_array())
    assert counts.shape == (3, 3)
    best = result.predictions(chain_id=result.best.chain_id, fold_id="final",
                              partition="test")
    n_test = len(best[0].sample_ids) if best else sum(
        len(r.sample_ids) for r in result.predictions(chain_id=result.best.chain_id,
                                                      partition="val"))
    assert counts.sum() == n_test
    with pytest.raises(ValueError, match="classification run"):
        PredictionAnalyzer(regression).plot_confusion_matrix()
    assert not math.isnan(result.best.cv_score)
