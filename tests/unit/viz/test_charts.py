"""The chart-step drawings on their own: every kind on regression, classification,
multi-source and target-less data renders a figure with the panels it promises."""

from __future__ import annotations

import numpy as np
import pytest

from nirs4all.pipeline._charts import CHART_KINDS, ChartData
from nirs4all.viz._charts import ChartRenderer, draw_chart


def _data(kind, *, y="regression", sources=1, folds=True, options=None):
    rng = np.random.default_rng(0)
    n, p = 30, 12
    X = tuple(rng.normal(size=(n, p)) for _ in range(sources))
    axes = tuple((np.linspace(1000, 1100, p), "nm") for _ in range(sources))
    target = {"regression": rng.normal(size=(n, 1)), "classes": rng.integers(0, 3, (n, 1)),
              "none": None}[y]
    roles = np.array(["train"] * 20 + ["test"] * 6 + ["excluded"] * 2 + ["augmented"] * 2)
    split = ((np.arange(0, 10), np.arange(10, 20)), (np.arange(10, 20), np.arange(0, 10)))
    return ChartData(kind=kind, title=f"{kind} test", stem=f"{kind}-stem", X=X, axes=axes,
                     y=target, roles=roles, folds=split if folds else (),
                     options=options or {})


@pytest.mark.parametrize("kind", CHART_KINDS)
@pytest.mark.parametrize("y", ["regression", "classes"])
def test_every_kind_draws_on_regression_and_class_targets(kind, y):
    fig = draw_chart(_data(kind, y=y))
    assert fig.axes
    assert fig.get_suptitle() == f"{kind} test"


@pytest.mark.parametrize("kind", ["chart_2d", "chart_3d", "spectra_dist", "augment_chart"])
def test_spectra_kinds_draw_one_panel_per_source(kind):
    assert len(draw_chart(_data(kind, sources=3)).axes) == 3


def test_max_samples_limits_the_spectra_drawn():
    fig = draw_chart(_data("chart_2d", options={"max_samples": 4}))
    assert len(fig.axes[0].lines) == 4


def test_y_chart_without_targets_says_so():
    fig = draw_chart(_data("y_chart", y="none"))
    assert "no targets" in fig.axes[0].texts[0].get_text()


def test_fold_chart_before_the_splitter_says_so():
    fig = draw_chart(_data("fold_chart", folds=False))
    assert "no cross-validation folds" in fig.axes[0].texts[0].get_text()


def test_fold_chart_marks_fit_and_validation_rows():
    image = draw_chart(_data("fold_chart")).axes[0].images[0].get_array()
    assert image.shape == (2, 20)
    assert set(np.unique(image.compressed())) == {0.0, 1.0}


def test_exclusion_chart_marks_the_excluded_rows():
    fig = draw_chart(_data("exclusion_chart"))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["train (20)", "test (6)", "excluded (2)"]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown chart kind"):
        draw_chart(_data("chart_4d"))


def test_the_renderer_saves_a_png_named_by_the_stem(tmp_path):
    path = ChartRenderer(tmp_path / "charts")(_data("chart_2d"))
    assert path == tmp_path / "charts" / "chart_2d-stem.png"
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert ChartRenderer(None)(_data("chart_2d")) is None
