"""Explanation plots render headless to PNG files."""

from __future__ import annotations

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all

pytest.importorskip("shap")
pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def explained():
    data = nirs4all.generate(40, random_state=0, wavelengths=(1000, 1200, 10))
    run = nirs4all.run([KFold(3), PLSRegression(3)], data, random_state=0, verbose=0,
                       workspace=None)
    return nirs4all.explain(run, data)


@pytest.mark.parametrize("plot", ["plot_spectral_importance", "plot_beeswarm",
                                  "plot_waterfall"])
def test_each_explanation_plot_writes_a_png(explained, plot, tmp_path) -> None:
    path = tmp_path / f"{plot}.png"
    fig = getattr(explained, plot)(path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.axes


def test_spectral_importance_draws_each_intrinsic_importance(explained, tmp_path) -> None:
    for name in ("vip", "coefficients", "selectivity_ratio"):
        fig = explained.plot_spectral_importance(importance=name)
        assert fig.axes[0].get_ylabel() == name.replace("_", " ")
    with pytest.raises(ValueError, match="importance must be"):
        explained.plot_spectral_importance(importance="gini")


def test_waterfall_ends_at_the_prediction(explained) -> None:
    fig = explained.plot_waterfall(3, max_display=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "16 other features"
    total = float(explained.base_value[0] + explained.shap_values[3].sum())
    assert f"{total:.4g}" in fig.axes[0].get_xlabel()
