"""nirs4all.viz: every plot renders headless, saves a valid PNG and shows the run's numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.pipeline.folds import FINAL

matplotlib = pytest.importorskip("matplotlib")
viz = pytest.importorskip("nirs4all.viz")
mpl_image = pytest.importorskip("matplotlib.image")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def dataset():
    return nirs4all.generate(60, random_state=0)


@pytest.fixture(scope="module")
def result(dataset):
    pipeline = [
        {"_or_": [SNV(), SavitzkyGolay(deriv=1)]},
        KFold(3),
        {"model": PLSRegression, "_range_": [2, 6, 2], "param": "n_components"},
    ]
    return nirs4all.run(pipeline, dataset, random_state=0, verbose=0)


@pytest.fixture(scope="module")
def classification():
    data = nirs4all.generate(90, task="classification", n_classes=3, random_state=1)
    pipeline = [SNV(), KFold(3), {"model": LogisticRegression(max_iter=500)}]
    return nirs4all.run(pipeline, data, random_state=0, verbose=0)


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert path.stat().st_size > 5_000
    pixels = mpl_image.imread(path)
    assert pixels.ndim == 3
    assert pixels.shape[0] > 300
    assert pixels.shape[1] > 300
    assert pixels[..., :3].std() > 0.05  # not a blank canvas


def final_test(result, chain_id):
    (record,) = result.predictions(chain_id=chain_id, fold_id=FINAL, partition="test")
    return record


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


# -- spectra ----------------------------------------------------------------------------------


def test_spectra_of_a_dataset_show_raw_and_transformed_panels_on_the_nm_axis(dataset,
                                                                             tmp_path) -> None:
    path = tmp_path / "spectra.png"
    fig = viz.plot_spectra(dataset, transformed=SNV(), path=path)
    raw, after = fig.axes
    assert raw.get_xlabel() == after.get_xlabel() == "Wavelength (nm)"
    assert "Raw spectra (60 spectra)" in raw.get_title()
    assert after.get_title() == "After SNV()"
    drawn = np.stack([segment[:, 1] for segment in after.collections[0].get_segments()])
    np.testing.assert_allclose(drawn, SNV().fit_transform(dataset.x()), rtol=0, atol=1e-12)
    axis = dataset.wavelengths()
    assert raw.get_xlim() == (axis.min(), axis.max())
    assert_png(path)


def test_wavenumber_axis_is_labelled_and_drawn_high_to_low(dataset, tmp_path) -> None:
    wavenumbers = np.linspace(10_000, 4_000, dataset.x().shape[1])
    fig = viz.plot_spectra(dataset.x(), wavenumbers, path=tmp_path / "cm.png")
    (ax,) = fig.axes
    assert ax.get_xlabel().startswith("Wavenumber (cm")
    left, right = ax.get_xlim()
    assert left == 10_000
    assert right == 4_000
    assert_png(tmp_path / "cm.png")


def test_spectra_without_an_axis_are_plotted_against_the_column_index(dataset) -> None:
    (ax,) = viz.plot_spectra(dataset.x()[:5]).axes
    assert ax.get_xlabel() == "Index"


def test_colour_by_partition_has_a_legend_with_counts(dataset) -> None:
    fig = viz.plot_spectra(dataset, color_by="partition")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    n_test = int(np.sum(dataset.partition == "test"))
    assert labels == [f"train ({60 - n_test})", f"test ({n_test})"]


def test_colour_by_target_adds_a_colour_bar_named_after_the_target(dataset) -> None:
    transformed = SavitzkyGolay(deriv=1).fit_transform(dataset.x())
    fig = viz.plot_spectra(dataset, transformed=transformed, color_by="y")
    _, after, colorbar = fig.axes
    assert after.get_title() == "Transformed spectra"
    assert colorbar.get_ylabel() == dataset.target_names[0]


def test_max_spectra_draws_evenly_spaced_rows_and_says_so(dataset) -> None:
    (ax,) = viz.plot_spectra(dataset, max_spectra=10).axes
    assert len(ax.collections[0].get_segments()) == 10
    assert "10 of 60 spectra" in ax.get_title()


def test_spectra_errors_name_the_mismatch(dataset) -> None:
    with pytest.raises(ValueError, match="columns but the wavelength axis has 3 values"):
        viz.plot_spectra(dataset.x(), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="color_by='partition' needs a SpectroDataset"):
        viz.plot_spectra(dataset.x(), color_by="partition")
    with pytest.raises(ValueError, match="one row per spectrum"):
        viz.plot_spectra(dataset, transformed=dataset.x()[:10])


# -- predicted vs observed, residuals ---------------------------------------------------------


def test_predicted_vs_observed_shows_final_test_predictions_with_1_1_line_and_metrics(
        result, tmp_path) -> None:
    path = tmp_path / "pvo.png"
    (ax,) = viz.plot_predicted_vs_observed(result, path=path).axes
    best = result.best
    record = final_test(result, best.chain_id)
    assert "final model, test partition" in ax.get_title()
    assert best.model_name in ax.get_title()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Observed", "Predicted")
    (identity,) = [line for line in ax.get_lines() if line.get_label() == "1:1 line"]
    np.testing.assert_array_equal(identity.get_xdata(), identity.get_ydata())
    points = ax.collections[0].get_offsets()
    np.testing.assert_array_equal(points[:, 0], record.y_true[:, 0])
    np.testing.assert_array_equal(points[:, 1], record.y_pred[:, 0])
    (box,) = texts(ax)
    for name, label in [("rmse", "RMSE"), ("r2", "R²"), ("bias", "Bias"), ("rpd", "RPD")]:
        assert f"{label} = {record.scores[name]:.4g}" in box
    assert_png(path)


def test_test_partition_falls_back_to_pooled_out_of_fold_predictions(result, dataset) -> None:
    chain = result.top(2)[1]
    assert not chain.refitted
    (ax,) = viz.plot_predicted_vs_observed(result, chain).axes
    assert "pooled out-of-fold predictions, 3 fold(s)" in ax.get_title()
    assert "no final-model test predictions" in ax.get_title()
    n_train = int(np.sum(dataset.partition == "train"))
    assert len(ax.collections[0].get_offsets()) == n_train
    assert f"RMSE = {chain.cv_scores['rmse']:.4g}" in texts(ax)[0]


def test_chain_can_be_named_by_its_short_id(result) -> None:
    chain = result.top(3)[2]
    by_prefix = viz.plot_predicted_vs_observed(result, chain.short_id, partition="val")
    by_summary = viz.plot_predicted_vs_observed(result, chain, partition="val")
    assert by_prefix.axes[0].get_title() == by_summary.axes[0].get_title()


def test_residuals_have_a_zero_line_and_a_bias_centred_two_sep_band(result, dataset,
                                                                   tmp_path) -> None:
    path = tmp_path / "residuals.png"
    (ax,) = viz.plot_residuals(result, partition="val", path=path).axes
    scores = result.best.cv_scores
    assert ax.get_ylabel() == "Residual (predicted - observed)"
    assert "pooled out-of-fold" in ax.get_title()
    (zero,) = [line for line in ax.get_lines() if line.get_label() == "zero"]
    assert list(zero.get_ydata()) == [0.0, 0.0]
    (band,) = [p for p in ax.patches if p.get_label().startswith("bias ± 2·SEP")]
    low, high = band.get_path().transformed(band.get_patch_transform()).get_extents().intervaly
    assert low == pytest.approx(scores["bias"] - 2 * scores["sep"], rel=1e-9)
    assert high == pytest.approx(scores["bias"] + 2 * scores["sep"], rel=1e-9)
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points == int(np.sum(dataset.partition == "train"))
    assert_png(path)


def test_prediction_plot_errors_name_the_problem(result, classification) -> None:
    with pytest.raises(ValueError, match=r"partition must be one of .* got 'holdout'"):
        viz.plot_predicted_vs_observed(result, partition="holdout")
    with pytest.raises(ValueError, match="no chain 'deadbeef' in this result"):
        viz.plot_residuals(result, "deadbeef")
    with pytest.raises(ValueError, match="has no final model, so no 'train' predictions"):
        viz.plot_predicted_vs_observed(result, result.top(2)[1], partition="train")
    with pytest.raises(ValueError, match="target 1 is out of range"):
        viz.plot_predicted_vs_observed(result, target=1)
    with pytest.raises(ValueError, match="residuals need a regression chain"):
        viz.plot_residuals(classification)


def test_classifier_gets_a_confusion_matrix_of_its_test_predictions(classification,
                                                                    tmp_path) -> None:
    path = tmp_path / "confusion.png"
    fig = viz.plot_predicted_vs_observed(classification, path=path)
    ax = fig.axes[0]
    record = final_test(classification, classification.best.chain_id)
    counts = np.asarray(ax.images[0].get_array())
    expected = np.zeros((3, 3), dtype=int)
    np.add.at(expected, (record.y_true, record.y_pred), 1)
    np.testing.assert_array_equal(counts, expected)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Predicted label", "True label")
    assert "Confusion matrix" in ax.get_title()
    assert f"Balanced accuracy {record.scores['balanced_accuracy']:.4g}" in ax.get_title()
    assert sorted(int(t) for t in texts(ax)) == sorted(expected.ravel().tolist())
    assert_png(path)


# -- CV heatmap, fold scores ------------------------------------------------------------------


def grid_of(fig) -> tuple[list[str], list[str], np.ma.MaskedArray]:
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    cols = [t.get_text() for t in ax.get_xticklabels()]
    return rows, cols, ax.images[0].get_array()


def test_cv_heatmap_grid_holds_every_chains_pooled_cv_score(result, tmp_path) -> None:
    path = tmp_path / "heatmap.png"
    fig = viz.plot_cv_heatmap(result, path=path)
    rows, cols, grid = grid_of(fig)
    assert rows == ["SNV", "SavitzkyGolay(deriv=1)"]
    assert cols == ["2", "4", "6"]
    assert fig.axes[0].get_xlabel() == "n_components"
    assert fig.axes[0].get_ylabel() == "Preprocessing"
    assert not np.ma.is_masked(grid)
    for chain in result.top(6):
        (n_components,) = [v for p, v in chain.choices if p.endswith("n_components")]
        cell = grid[rows.index(chain.preprocessing), cols.index(str(n_components))]
        assert cell == chain.cv_score
    assert len(texts(fig.axes[0])) == 6
    assert_png(path)


def test_cv_heatmap_colours_the_best_cell_alike_whatever_the_metric_direction(result) -> None:
    top_colour = matplotlib.colormaps["viridis"](1.0)
    for metric, label, best in [("rmse", "RMSE", np.min), ("r2", "R²", np.max)]:
        fig = viz.plot_cv_heatmap(result, cols="n_components", metric=metric)
        image = fig.axes[0].images[0]
        assert image.cmap(image.norm(best(image.get_array()))) == top_colour
        assert f"Pooled cross-validation {label}" in fig.axes[0].get_title()


def test_cv_heatmap_leaves_missing_cells_blank_and_counts_hidden_chains(result) -> None:
    fig = viz.plot_cv_heatmap(result, rows="model_name", cols="n_components")
    rows, cols, grid = grid_of(fig)
    assert cols == ["2", "4", "6"]
    assert int(np.ma.count_masked(grid)) == len(rows) * len(cols) - 3
    assert "3 chain(s) hidden" in fig.axes[0].get_title()
    best_by_model: dict[str, float] = {}
    for chain in result.top(6):
        best_by_model.setdefault(chain.model_name, chain.cv_score)  # top() is best first
    for model, score in best_by_model.items():
        assert grid[rows.index(model)].compressed().tolist() == [score]


def test_cv_heatmap_of_a_single_chain_falls_back_to_model_columns(classification) -> None:
    fig = viz.plot_cv_heatmap(classification)
    rows, cols, grid = grid_of(fig)
    best = classification.best
    assert (rows, cols) == (["SNV"], [best.model_name])
    assert fig.axes[0].get_xlabel() == "Model"
    assert grid[0, 0] == best.cv_score


def test_cv_heatmap_errors_name_the_key_or_metric(result) -> None:
    with pytest.raises(ValueError, match="cannot group chains by 'alpha'"):
        viz.plot_cv_heatmap(result, cols="alpha")
    with pytest.raises(ValueError, match="no chain has a cross-validation 'accuracy' score"):
        viz.plot_cv_heatmap(result, metric="accuracy")


def test_fold_scores_bars_are_the_fold_scores_with_the_pooled_line(result, tmp_path) -> None:
    path = tmp_path / "folds.png"
    (ax,) = viz.plot_fold_scores(result, path=path).axes
    chain = result.chains[0]
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [chain.fold_scores[f]["rmse"] for f in ("0", "1", "2")]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["fold 0", "fold 1", "fold 2"]
    (pooled,) = [line for line in ax.get_lines() if line.get_label().startswith("pooled CV")]
    assert list(pooled.get_ydata()) == [chain.cv_score, chain.cv_score]
    assert ax.get_ylabel() == "RMSE (lower is better)"
    assert_png(path)


def test_fold_scores_of_a_classifier_use_its_ranking_metric(classification) -> None:
    (ax,) = viz.plot_fold_scores(classification).axes
    assert ax.get_ylabel() == "Balanced accuracy (higher is better)"
    with pytest.raises(ValueError, match="the folds have no 'rmse' score"):
        viz.plot_fold_scores(classification, metric="rmse")


# -- import hygiene ---------------------------------------------------------------------------

_STATE_SCRIPT = """
import sys, warnings
import nirs4all
assert "matplotlib" not in sys.modules, "import nirs4all imported matplotlib"
import matplotlib
def state():
    keys = sorted(k for k in matplotlib.rcParams.keys() if k != "backend")
    return {k: repr(matplotlib.rcParams[k]) for k in keys}, list(warnings.filters)
# import nirs4all loads no dependency (its names load on first use); SciPy and
# scikit-learn install their own warnings filters when imported: import them before measuring.
import scipy.interpolate, scipy.signal, scipy.sparse, scipy.special, scipy.stats, sklearn.base
dataset = nirs4all.generate(20, random_state=0)
before = state()
import nirs4all.viz
fig = nirs4all.viz.plot_spectra(dataset, path=sys.argv[1])
assert state() == before, "nirs4all.viz changed rcParams or warnings filters"
assert "matplotlib.pyplot" not in sys.modules, "nirs4all.viz imported pyplot"
"""


def _headless_env() -> dict[str, str]:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")
    return {k: v for k, v in os.environ.items() if k not in hidden}


def test_viz_is_headless_and_leaves_global_state_alone(tmp_path) -> None:
    path = tmp_path / "state.png"
    done = subprocess.run([sys.executable, "-W", "error", "-c", _STATE_SCRIPT, str(path)],
                          capture_output=True, text=True, check=False, env=_headless_env())
    assert done.returncode == 0, done.stderr
    assert_png(path)


def test_missing_matplotlib_raises_an_import_error_naming_the_extra() -> None:
    script = "import sys; sys.modules['matplotlib'] = None; import nirs4all.viz"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, env=_headless_env())
    assert done.returncode != 0
    assert "ImportError: nirs4all.viz needs matplotlib" in done.stderr
    assert 'pip install "nirs4all[viz]"' in done.stderr


def test_run_result_plot_methods_delegate(tmp_path) -> None:
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.model_selection import KFold

    import nirs4all

    result = nirs4all.run([KFold(3), {"model": PLSRegression, "_range_": [2, 4, 2],
                                      "param": "n_components"}],
                          nirs4all.generate(60, random_state=0), random_state=0, verbose=0)
    for name in ("plot_predicted_vs_observed", "plot_residuals", "plot_cv_heatmap",
                 "plot_fold_scores"):
        path = tmp_path / f"{name}.png"
        figure = getattr(result, name)(path=path)
        assert path.stat().st_size > 5000
        assert figure.axes
