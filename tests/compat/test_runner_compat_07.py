"""0.7-style ``PipelineRunner`` / ``PipelineConfigs`` / ``DatasetConfigs`` scripts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.predictions import Predictions
from nirs4all.api.runner_compat import DatasetConfigs, PipelineConfigs, PipelineRunner

STEPS = [KFold(3), {"model": {"_or_": [PLSRegression(2), PLSRegression(3)]}}]


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


def _configs(data):
    with pytest.warns(DeprecationWarning, match=r"use nirs4all\.run"):
        pipeline = PipelineConfigs(STEPS, name="pls")
    with pytest.warns(DeprecationWarning, match=r"use nirs4all\.load_dataset"):
        datasets = DatasetConfigs([data])
    with pytest.warns(DeprecationWarning, match=r"use nirs4all\.run\(pipeline"):
        runner = PipelineRunner(workspace_path=None, verbose=0, random_state=0,
                                show_spinner=False, enable_tab_reports=False)
    return pipeline, datasets, runner


def test_runner_run_returns_the_07_pair_and_matches_nirs4all_run(data):
    pipeline, datasets, runner = _configs(data)
    predictions, per_dataset = runner.run(pipeline, datasets)
    assert isinstance(predictions, Predictions)
    direct = nirs4all.run(STEPS, data, verbose=0, random_state=0, workspace=None)
    best = predictions.get_best()
    assert best["chain_id"] == direct.best.chain_id
    assert best["test_score"] == direct.best.test_score
    assert list(per_dataset) == [data.name]
    assert per_dataset[data.name]["run_predictions"].num_predictions == (
        direct.num_predictions)
    assert runner.last_result.name == "pls"


def test_runner_predict_export_and_retrain(data, tmp_path):
    pipeline, datasets, runner = _configs(data)
    with pytest.raises(ValueError, match="has not run"):
        runner.predict("abc", data)
    predictions, _ = runner.run(pipeline, datasets)
    best = predictions.get_best()
    expected = runner.last_result.predict(data).to_numpy()
    np.testing.assert_allclose(runner.predict(best, data), expected)
    bundle = runner.export(best, tmp_path / "best.n4a")
    np.testing.assert_allclose(runner.predict(bundle, data), expected)
    again = runner.retrain(best, data, mode="full")
    np.testing.assert_allclose(again.predict(data).to_numpy(), expected)


def test_runner_refuses_unknown_options():
    with (pytest.warns(DeprecationWarning, match="PipelineRunner"),
          pytest.raises(TypeError, match="unexpected")):
        PipelineRunner(workspace_path=None, colour=True)


def test_pipeline_configs_reads_the_07_dict_form(data):
    with pytest.warns(DeprecationWarning, match="PipelineConfigs is deprecated"):
        config = PipelineConfigs({"pipeline": STEPS, "name": "from-dict"})
    assert config.name == "from-dict"
    result = nirs4all.run(config, data, verbose=0, random_state=0, workspace=None)
    assert result.num_variants == 2
    with pytest.warns(DeprecationWarning, match="PipelineConfigs is deprecated"), \
            pytest.raises(ValueError, match="holds 'pipeline'"):
        PipelineConfigs({"steps": STEPS})
