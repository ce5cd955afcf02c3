"""finetune_params on backend="dask": the same trials and winner as n_jobs=1, written by the
coordinator, and a search interrupted in a serial run resumes on the cluster.

A LocalCluster of two process workers on the loopback interface.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold

import nirs4all
import nirs4all.workspace
from nirs4all.operators.transforms import SNV

distributed = pytest.importorskip("distributed")
pytest.importorskip("optuna")

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "pipeline"))
from test_finetune_resume import _interrupt, _key, _same_result, _stored  # noqa: E402

FOLDS, N_TRIALS = 3, 6
PIPELINE = [KFold(FOLDS), {"_or_": [None, SNV()]},
            {"model": PLSRegression(), "finetune_params": {
                "n_trials": N_TRIALS, "model_params": {"n_components": [1, 16]}}}]


def _data():
    return nirs4all.generate(60, random_state=0, wavelengths=(1000, 1600, 10))


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as local, \
            distributed.Client(local) as connected:
        yield connected


def test_finetune_on_dask_gives_the_trials_and_winner_of_a_serial_run(client, tmp_path):
    serial = nirs4all.run(PIPELINE, _data(), random_state=0, verbose=0, workspace=None)
    on_dask = nirs4all.run(PIPELINE, _data(), random_state=0, verbose=0,
                           workspace=tmp_path / "ws", backend="dask", scheduler=client)
    assert len(serial.trials) == 2 * N_TRIALS
    assert _key(on_dask.trials) == _key(serial.trials)
    assert on_dask.best.chain_id == serial.best.chain_id
    assert on_dask.best.cv_score == serial.best.cv_score
    assert on_dask.best.model_name == serial.best.model_name
    assert len(_stored(tmp_path / "ws")) == 2 * N_TRIALS  # each trial once


def test_a_search_interrupted_in_a_serial_run_resumes_on_dask(client, tmp_path,
                                                              monkeypatch) -> None:
    whole = nirs4all.run(PIPELINE, _data(), random_state=0, verbose=0,
                         workspace=tmp_path / "whole")
    with monkeypatch.context() as patch:
        _interrupt(patch, PLSRegression, "fit", 2 * FOLDS + 1)  # after 2 trials of 6
        with pytest.raises(KeyboardInterrupt):
            nirs4all.run(PIPELINE, _data(), random_state=0, verbose=0,
                         workspace=tmp_path / "cut")
    assert len(_stored(tmp_path / "cut")) == 2
    resumed = nirs4all.run(PIPELINE, _data(), random_state=0, verbose=0,
                           workspace=tmp_path / "cut", backend="dask", scheduler=client)
    cv_fits = [[o.n_fits for o in r.outcomes if o.phase == "cv"] for r in (whole, resumed)]
    assert cv_fits[1] == [cv_fits[0][0] - 2 * FOLDS, cv_fits[0][1]]
    _same_result(resumed, whole)
