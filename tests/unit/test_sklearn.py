"""NIRSPipeline writes nothing unless given a workspace, and works in parallel sklearn tools."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold, cross_val_predict

import nirs4all
from nirs4all.operators.transforms import SNV
from nirs4all.sklearn import NIRSPipeline


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    dataset = nirs4all.generate(80, random_state=0)
    result = nirs4all.run([SNV(), KFold(3), PLSRegression(4)], dataset, random_state=0,
                          verbose=0, workspace=None)
    return result.export(tmp_path_factory.mktemp("bundle") / "model.n4a")


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch) -> Path:
    """An empty working directory and no NIRS4ALL_WORKSPACE: ./workspace is the default."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("NIRS4ALL_WORKSPACE", raising=False)
    return cwd


def test_fit_writes_nothing_to_disk_without_a_workspace(bundle, empty_cwd) -> None:
    new = nirs4all.generate(60, random_state=3)
    estimator = NIRSPipeline(bundle).fit(new.x(), new.y[:, 0])
    assert estimator.predict(new.x()).shape == (new.n_samples,)
    assert list(empty_cwd.iterdir()) == []


def test_fit_with_a_workspace_stores_the_retrain_there(bundle, empty_cwd, tmp_path) -> None:
    new = nirs4all.generate(60, random_state=3)
    NIRSPipeline(bundle, workspace=tmp_path / "ws").fit(new.x(), new.y[:, 0])
    assert list(empty_cwd.iterdir()) == []
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        assert ws.runs().num_rows == 1


def test_cross_val_predict_runs_in_three_processes(bundle, empty_cwd) -> None:
    new = nirs4all.generate(60, random_state=3)
    parallel = cross_val_predict(NIRSPipeline(bundle), new.x(), new.y[:, 0], cv=3, n_jobs=3)
    serial = cross_val_predict(NIRSPipeline(bundle), new.x(), new.y[:, 0], cv=3)
    np.testing.assert_array_equal(parallel, serial)
    assert list(empty_cwd.iterdir()) == []
