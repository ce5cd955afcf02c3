"""backend="dask": variants run on a distributed cluster, the coordinator alone writes.

A LocalCluster of two process workers on the loopback interface; one worker is killed
while it computes. Dask runs its tasks again elsewhere; the results are bit-identical to
``n_jobs=1`` and the store holds each prediction once.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import ShuffleSplit

import nirs4all
from nirs4all.operators.transforms import SNV, Detrend

distributed = pytest.importorskip("distributed")

ALPHAS = [float(a) for a in np.logspace(-3, 3, 6)]


def _pipeline() -> list:
    return [{"_or_": [SNV(), Detrend()]}, ShuffleSplit(3, test_size=0.25),
            {"model": Ridge, "param": "alpha", "_or_": ALPHAS}]


def _fingerprint(result) -> list[tuple]:
    return [(p.natural_key, np.asarray(p.y_pred).tobytes()) for p in result.predictions()]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as local, \
            distributed.Client(local) as client:
        yield local, client


def _kill_a_busy_worker(client, pids: dict[str, int], stop: threading.Event,
                        killed: list[str]) -> None:
    while not stop.is_set():
        busy = [addr for addr, keys in client.processing().items() if keys and addr in pids]
        if busy:
            # SIGKILL: a crash, not a clean shutdown; the nanny starts a new worker and
            # the scheduler reruns the tasks the dead one held.
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(busy[0])
            return
        time.sleep(0.005)


def test_dask_run_with_a_killed_worker_is_bit_identical_and_writes_each_row_once(
        cluster, tmp_path) -> None:
    _, client = cluster
    dataset = nirs4all.generate(80, random_state=7)
    serial = nirs4all.run(_pipeline(), dataset, random_state=3, n_jobs=1, verbose=0,
                          workspace=None)
    pids = client.run(os.getpid)
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_a_busy_worker, args=(client, pids, stop, killed))
    killer.start()
    try:
        on_dask = nirs4all.run(_pipeline(), dataset, random_state=3, verbose=0,
                               workspace=tmp_path / "ws", backend="dask", scheduler=client)
    finally:
        stop.set()
        killer.join()
    assert killed, "no worker was busy while the run computed"
    assert [c.chain_id for c in on_dask.chains] == [c.chain_id for c in serial.chains]
    assert _fingerprint(on_dask) == _fingerprint(serial)
    with nirs4all.workspace.open(tmp_path / "ws", read_only=True) as ws:
        rows = ws.sql("SELECT count(*) AS n, count(DISTINCT (pipeline_id, chain_id, fold_id, "
                      "partition)) AS keys FROM predictions").to_pylist()[0]
    assert rows["n"] == rows["keys"] == len(serial.predictions())


def test_joblib_parallel_config_dask_reaches_the_cluster(cluster) -> None:
    from joblib import parallel_config

    _, client = cluster
    dataset = nirs4all.generate(60, random_state=7)
    serial = nirs4all.run([*_pipeline()[:2], Ridge()], dataset, random_state=3, verbose=0,
                          workspace=None)
    with parallel_config(backend="dask"):
        on_dask = nirs4all.run([*_pipeline()[:2], Ridge()], dataset, random_state=3,
                               n_jobs=-1, verbose=0, workspace=None)
    assert _fingerprint(on_dask) == _fingerprint(serial)
    assert client.scheduler_info()["workers"]


def test_scheduler_address_opens_a_client(cluster) -> None:
    local, _ = cluster
    dataset = nirs4all.generate(50, random_state=7)
    before = set(local.scheduler.clients)
    result = nirs4all.run([SNV(), ShuffleSplit(2, test_size=0.3), Ridge()], dataset,
                          random_state=3, verbose=0, workspace=None, backend="dask",
                          scheduler=local.scheduler_address)
    assert len(result.chains) == 1
    opened = set(local.scheduler.clients) - before
    assert [c for c in opened if not c.startswith("Client-worker")] == []  # closed again
