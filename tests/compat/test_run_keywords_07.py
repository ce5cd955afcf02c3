"""0.7-style ``nirs4all.run`` calls: every 0.7 keyword is accepted with its meaning."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.errors import ExecutionError


class _Exploding(RegressorMixin, BaseEstimator):
    """A regressor whose fit always fails (a variant that cannot run)."""

    def fit(self, X, y):
        raise ValueError("this model cannot be fitted")


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


def _pipeline(*models):
    return [KFold(3), {"model": {"_or_": list(models)}} if len(models) > 1 else
            {"model": models[0]}]


def test_run_accepts_the_07_keywords_together(data, tmp_path):
    with pytest.warns(UserWarning, match="save_artifacts=False has no effect"):
        result = nirs4all.run(
            _pipeline(PLSRegression(2)), data, name="demo", verbose=0, plots_visible=True,
            save_artifacts=False, save_charts=True, cache=None, workspace=tmp_path,
            refit=True, continue_on_error=False, keep_datasets=True,
            show_progress_bar=False, log_file=False, random_state=3)
    assert result.name == "demo"
    assert result.seed == 3
    assert result.chart_options == {"plots_visible": True, "save_charts": True}
    assert result.best.refitted  # refit=True is refit="best"
    assert result.workspace == tmp_path
    assert result.run_id is not None


def test_workspace_path_is_a_deprecated_alias_of_workspace(data, tmp_path):
    with pytest.warns(DeprecationWarning, match=r"use run\(workspace=\.\.\.\)"):
        result = nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, random_state=0,
                              workspace_path=tmp_path / "ws")
    assert result.workspace == tmp_path / "ws"
    assert (tmp_path / "ws").is_dir()


def test_workspace_and_workspace_path_that_disagree_are_refused(data, tmp_path):
    with (pytest.warns(DeprecationWarning, match="workspace_path"),
          pytest.raises(ValueError, match="disagree")):
        nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, workspace=tmp_path / "a",
                     workspace_path=tmp_path / "b")


def test_continue_on_error_records_the_failed_variant_and_goes_on(data, tmp_path):
    pipeline = _pipeline(PLSRegression(2), _Exploding())
    result = nirs4all.run(pipeline, data, verbose=0, random_state=0, workspace=tmp_path,
                          continue_on_error=True)
    assert [o.status for o in result.failures] == ["failed"]
    assert "cannot be fitted" in result.failures[0].error
    assert result.best.model_name == "PLSRegression"
    assert result.best.refitted
    with pytest.raises(ExecutionError, match="cannot be fitted"):
        nirs4all.run(pipeline, data, verbose=0, random_state=0, workspace=None,
                     continue_on_error=False)


def test_log_file_writes_the_run_messages_and_is_detached_after(data, tmp_path):
    log = tmp_path / "run.log"
    handlers = list(logging.getLogger("nirs4all").handlers)
    nirs4all.run(_pipeline(PLSRegression(2), _Exploding()), data, verbose=0, workspace=None,
                 random_state=0, continue_on_error=True, log_file=log)
    assert "failed and is skipped" in log.read_text(encoding="utf-8")
    assert logging.getLogger("nirs4all").handlers == handlers


def test_log_file_true_writes_into_the_workspace_logs(data, tmp_path):
    nirs4all.run(_pipeline(PLSRegression(2)), data, name="a b", verbose=0, random_state=0,
                 workspace=tmp_path, log_file=True)
    assert len(list((tmp_path / "logs").glob("a_b_*.log"))) == 1
    with pytest.raises(ValueError, match="log_file=<path>"):
        nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, workspace=None,
                     log_file=True)


def test_show_progress_bar_is_independent_of_verbose(data, capsys):
    nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, workspace=None,
                 random_state=0, show_progress_bar=True)
    assert "variant" in capsys.readouterr().err
    nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=1, workspace=None,
                 random_state=0, show_progress_bar=False)
    assert "variant/s" not in capsys.readouterr().err


def test_cache_and_keep_datasets_are_documented_no_ops(data):
    plain = nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, workspace=None,
                         random_state=0)
    moot = nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, workspace=None,
                        random_state=0, cache=True, keep_datasets=False)
    assert moot.best_rmse == plain.best_rmse
    with pytest.raises(TypeError, match="cache must be"):
        nirs4all.run(_pipeline(PLSRegression(2)), data, verbose=0, workspace=None, cache=3)


def test_07_tuple_with_partition_info_splits_train_and_test():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 8)), rng.normal(size=50)
    ds = nirs4all.load_dataset((X, y, {"train": 40}))
    np.testing.assert_array_equal(ds.train.x(), X[:40])
    np.testing.assert_array_equal(ds.test.x(), X[40:])
    ds = nirs4all.load_dataset((X, y, {"train": slice(10, 50), "test": [0, 1, 2]}))
    np.testing.assert_array_equal(ds.test.x(), X[:3])
    assert ds.train.x().shape == (40, 8)


@pytest.mark.parametrize("info", [{"train": 0}, {"train": 80, "test": [1]}, {"val": 3},
                                  {"train": [1, 2], "test": [2, 3]}])
def test_07_partition_info_that_cannot_split_is_refused(info):
    from nirs4all.errors import DatasetConfigError

    X, y = np.zeros((50, 4)), np.zeros(50)
    with pytest.raises(DatasetConfigError, match=r"partition info|partition 'test'"):
        nirs4all.load_dataset((X, y, info))


def test_07_dataset_config_with_loader_params(tmp_path):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 5)), rng.normal(size=30)
    header = ";".join(f"{w}" for w in range(1000, 1010, 2))
    for stem, part in (("Xcal", X[:20]), ("Xval", X[20:])):
        rows = [";".join(f"{v:.6f}".replace(".", ",") for v in r) for r in part]
        (tmp_path / f"{stem}.csv").write_text("\n".join([header, *rows]) + "\n")
    for stem, part in (("Ycal", y[:20]), ("Yval", y[20:])):
        rows = [f"{v:.6f}".replace(".", ",") for v in part]
        (tmp_path / f"{stem}.csv").write_text("\n".join(["target", *rows]) + "\n")
    config = {"train_x": "Xcal.csv", "train_y": "Ycal.csv", "test_x": "Xval.csv",
              "test_y": "Yval.csv",
              "params": {"has_header": True, "delimiter": ";", "decimal_separator": ","}}
    (tmp_path / "dataset.yaml").write_text(
        "\n".join(f"{k}: {v}" for k, v in config.items() if k != "params")
        + "\nparams:\n  has_header: true\n  delimiter: ';'\n  decimal_separator: ','\n")
    for source in (tmp_path / "dataset.yaml",):
        ds = nirs4all.load_dataset(source)
        np.testing.assert_allclose(ds.train.x(), X[:20], atol=1e-6)
        np.testing.assert_allclose(ds.test.x(), X[20:], atol=1e-6)
    from nirs4all.errors import DatasetConfigError

    with pytest.raises(DatasetConfigError, match="unknown loader option"):
        nirs4all.load_dataset({**config, "params": {"skiprows": 2}})
