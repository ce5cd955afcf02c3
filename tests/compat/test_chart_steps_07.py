"""0.7 chart steps inside pipelines: drawn when the run asks, a no-op otherwise, and never a
change to results, identities or replay."""

from __future__ import annotations

import logging

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import SpecError
from nirs4all.operators.augmentation import GaussianAdditiveNoise
from nirs4all.operators.transforms import StandardNormalVariate
from nirs4all.pipeline._charts import CHART_KINDS, without_charts
from nirs4all.pipeline.spec import parse_pipeline

ALIASES = ["2d_chart", "3d_chart", "chart_fold", "chart_y", "augmentation_chart",
           "augment_details_chart", "augmentation_details_chart", "chart_exclusion",
           "spectral_distribution", "spectra_envelope"]


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


def _with(*charts):
    """SNV > KFold > PLS, with the first chart before SNV and the others after KFold."""
    return [*charts[:1], StandardNormalVariate(), KFold(3), *charts[1:],
            {"model": PLSRegression(3)}]


def _pngs(folder):
    return sorted(folder.rglob("*.png"))


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_every_chart_kind_saves_a_png_when_save_charts(data, tmp_path, kind):
    pipeline = [kind, StandardNormalVariate(), KFold(3),
                {"sample_augmentation": {"transformers": [GaussianAdditiveNoise()]}}, kind,
                {"model": PLSRegression(3)}]
    nirs4all.run(pipeline, data, verbose=0, workspace=tmp_path, random_state=0,
                 save_charts=True, refit=False)
    files = _pngs(tmp_path / "charts")
    # one before the splitter, one after it (drawn from fold 0)
    assert [f.stem.rsplit("-", 1)[-1] for f in files] == ["shared", "0"]
    assert all(kind.replace("_", "-") in f.name for f in files)
    assert all(f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f.stat().st_size > 5000
               for f in files)


@pytest.mark.parametrize("alias", ALIASES)
def test_the_07_aliases_are_chart_steps(alias):
    steps = parse_pipeline([alias, {"model": PLSRegression(2)}])
    assert steps[0].kind == "chart"
    assert steps[0].name in CHART_KINDS


def test_without_chart_options_a_chart_step_does_nothing_and_says_so(data, tmp_path,
                                                                     caplog):
    with caplog.at_level(logging.DEBUG, logger="nirs4all"):
        result = nirs4all.run(_with("chart_2d", "fold_chart"), data, verbose=0,
                              workspace=tmp_path, random_state=0)
    assert not (tmp_path / "charts").exists()
    notes = [r.getMessage() for r in caplog.records if "not drawn" in r.getMessage()]
    assert len(notes) == 4  # two chart steps, CV pass and refit pass
    plain = nirs4all.run(_with(), data, verbose=0, workspace=None, random_state=0)
    assert result.best_cv_score == plain.best_cv_score


def test_a_drawn_chart_changes_no_result_and_no_identity(data, tmp_path):
    drawn = nirs4all.run(_with("chart_2d", "y_chart", "exclusion_chart"), data, verbose=0,
                         workspace=tmp_path, random_state=0, save_charts=True)
    plain = nirs4all.run(_with(), data, verbose=0, workspace=None, random_state=0)
    assert [o.pipeline_id for o in drawn.outcomes] == [o.pipeline_id for o in plain.outcomes]
    assert [c.chain_id for o in drawn.outcomes for c in o.chains] == \
        [c.chain_id for o in plain.outcomes for c in o.chains]
    for a, b in zip(drawn.outcomes, plain.outcomes, strict=True):
        assert a.n_fits == b.n_fits
        for p, q in zip(a.predictions, b.predictions, strict=True):
            np.testing.assert_array_equal(p.y_pred, q.y_pred)
    # chart_2d comes before the splitter: the refit pass draws the same file again; the
    # two others are drawn from fold 0 in the CV pass and from "final" in the refit pass
    assert [f.stem.split("-steps-")[1] for f in _pngs(tmp_path / "charts")] == [
        "0-chart-2d-shared", "3-y-chart-0", "3-y-chart-final", "4-exclusion-chart-0",
        "4-exclusion-chart-final"]


def test_a_rerun_with_a_chart_added_writes_no_new_rows(data, tmp_path):
    first = nirs4all.run(_with(), data, verbose=0, workspace=tmp_path, random_state=0)
    again = nirs4all.run(_with("chart_2d"), data, verbose=0, workspace=tmp_path,
                         random_state=0)
    assert again.stats["restored"] == len(first.outcomes)


def test_replay_and_bundles_skip_chart_steps(data, tmp_path):
    result = nirs4all.run(_with("chart_2d", "fold_chart"), data, verbose=0,
                          workspace=tmp_path, random_state=0, save_charts=True)
    kinds = {s.kind for o in result.outcomes for c in o.chains for s in c.steps}
    assert "chart" not in kinds
    bundle = result.export(tmp_path / "best.n4a")
    X = data.x()[:7]
    np.testing.assert_allclose(nirs4all.predict(bundle, (X,)).to_numpy(),
                               result.predict((X,)).to_numpy())


def test_charts_inside_branches_are_drawn_per_branch(data, tmp_path):
    pipeline = [KFold(3), {"branch": [[StandardNormalVariate(), "chart_2d"], ["chart_2d"]]},
                {"merge": "features"}, {"model": PLSRegression(2)}]
    nirs4all.run(pipeline, data, verbose=0, workspace=tmp_path, random_state=0,
                 save_charts=True, refit=False)
    names = [f.name for f in _pngs(tmp_path / "charts")]
    assert len(names) == 2
    assert any("-b0-" in n for n in names)
    assert any("-b1-" in n for n in names)


def test_plots_visible_opens_the_charts_in_pyplot_without_blocking(data):
    before = set(plt.get_fignums())
    nirs4all.run(_with("chart_2d", "spectra_dist"), data, verbose=0, workspace=None,
                 random_state=0, plots_visible=True, refit=False)
    opened = set(plt.get_fignums()) - before
    assert len(opened) == 2
    for number in opened:
        assert plt.figure(number).axes
        plt.close(number)


def test_save_charts_needs_a_workspace(data):
    with pytest.raises(ValueError, match="save_charts=True writes into the workspace"):
        nirs4all.run(_with("chart_2d"), data, verbose=0, workspace=None, save_charts=True)


def test_chart_options_in_the_dict_form(data, tmp_path):
    nirs4all.run(_with({"chart_2d": {"max_samples": 5}}, {"y_chart": None}), data,
                 verbose=0, workspace=tmp_path, random_state=0, save_charts=True,
                 refit=False)
    assert len(_pngs(tmp_path / "charts")) == 2
    with pytest.raises(SpecError, match=r"unknown option\(s\) \['colour'\]"):
        parse_pipeline([{"chart_2d": {"colour": "red"}}, {"model": PLSRegression(2)}])
    with pytest.raises(SpecError, match="max_samples must be an integer >= 1"):
        parse_pipeline([{"chart_2d": {"max_samples": 0}}, {"model": PLSRegression(2)}])
    with pytest.raises(SpecError, match="must be a mapping"):
        parse_pipeline([{"chart_2d": 5}, {"model": PLSRegression(2)}])


def test_an_unknown_string_step_is_still_an_error():
    with pytest.raises(SpecError, match=r"steps\[0\]"):
        parse_pipeline(["chart_4d", {"model": PLSRegression(2)}])
    with pytest.raises(SpecError, match="no keyword"):
        parse_pipeline([{"chart_4d": {}}, {"model": PLSRegression(2)}])


def test_chart_steps_take_no_step_index():
    with_chart = parse_pipeline(["chart_2d", StandardNormalVariate(), "y_chart",
                                 {"model": PLSRegression(2)}])
    plain = parse_pipeline([StandardNormalVariate(), {"model": PLSRegression(2)}])
    assert [s.index for s in with_chart if s.kind != "chart"] == [s.index for s in plain]


def test_without_charts_removes_them_everywhere():
    spec = ["chart_2d", {"branch": {"a": ["fold_chart", "x"], "b": [["y_chart"]]}},
            {"preprocessing": ["spectra_dist", "z"]}, {"chart_3d": {"max_samples": 3}}]
    assert without_charts(spec) == [{"branch": {"a": ["x"], "b": [[]]}},
                                    {"preprocessing": ["z"]}]
