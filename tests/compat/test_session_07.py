"""0.7-style sessions: several runs share one workspace; save, load, predict, retrain."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
from nirs4all.api.session import Session, load_session, session


@pytest.fixture(scope="module")
def data():
    return nirs4all.generate(60, wavelengths=(1000, 1600, 10), random_state=0)


PIPELINE = [KFold(3), {"model": PLSRegression(2)}]


def test_runs_of_a_session_share_its_workspace_and_history(data, tmp_path):
    with session(PIPELINE, name="s", workspace=tmp_path, verbose=0, random_state=0) as s:
        first = s.run(data)
        second = nirs4all.run([KFold(3), {"model": PLSRegression(3)}], data, session=s,
                              verbose=0, random_state=0)
        assert s.history == [first, second]
        assert s.status == "trained"
        assert first.workspace == tmp_path
        assert second.workspace == tmp_path
        assert first.run_id != second.run_id
        with nirs4all.workspace.open(tmp_path, read_only=True) as ws:
            stored = ws.sql("SELECT count(*) AS n FROM runs").to_pylist()[0]["n"]
        assert stored == 2
    assert s.history == []


def test_a_session_and_a_different_workspace_are_refused(data, tmp_path):
    s = Session(PIPELINE, workspace=tmp_path / "a")
    with pytest.raises(ValueError, match="disagree"):
        nirs4all.run(PIPELINE, data, session=s, workspace=tmp_path / "b", verbose=0)


def test_saved_session_loads_predicts_and_retrains(data, tmp_path):
    s = Session(PIPELINE, workspace=None, verbose=0, random_state=0)
    with pytest.raises(ValueError, match="not been trained"):
        s.predict(data)
    result = s.run(data)
    bundle = s.save(tmp_path / "model.n4a")
    expected = result.predict(data).to_numpy()
    np.testing.assert_allclose(s.predict(data).to_numpy(), expected)
    loaded = load_session(bundle, workspace=None)
    assert loaded.status == "trained"
    np.testing.assert_allclose(loaded.predict(data).to_numpy(), expected)
    again = loaded.retrain(data, mode="full")
    assert loaded.history == [again]
    np.testing.assert_allclose(again.predict(data).to_numpy(), expected)


def test_a_failed_run_marks_the_session_failed(data):
    s = Session([{"model": PLSRegression(2)}], workspace=None, verbose=0)
    with pytest.raises(ValueError, match="max_variants"):
        s.run(data, max_variants="many")
    assert s.status == "error"
