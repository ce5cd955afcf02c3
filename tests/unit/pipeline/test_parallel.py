"""Parallel CV pass (nirs4all/pipeline/parallel.py): tasks, order, progress, backends."""

from __future__ import annotations

import importlib
import os
import tempfile
import time

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.linear_model import Ridge
from sklearn.model_selection import ShuffleSplit

import nirs4all
from nirs4all.operators.transforms import SNV, SavitzkyGolay
from nirs4all.pipeline import parallel
from nirs4all.pipeline.parallel import backend_context, cut_tasks, run_tasks, worker_cache
from nirs4all.pipeline.state import StepCache


def _pipeline() -> list:
    return [{"_or_": [SNV(), SavitzkyGolay()]}, ShuffleSplit(3, test_size=0.25),
            {"model": Ridge, "param": "alpha", "_or_": [0.01, 0.1, 1.0, 10.0, 100.0]}]


def _fingerprint(result) -> list[tuple]:
    return [(p.natural_key, np.asarray(p.y_pred).tobytes()) for p in result.predictions()]


@pytest.mark.parametrize(("n_items", "n_workers"), [(1, 2), (7, 2), (150, 2), (10, 4),
                                                    (3, 8)])
def test_tasks_are_contiguous_cover_every_item_once_and_are_never_empty(
        n_items: int, n_workers: int) -> None:
    tasks = cut_tasks(n_items, n_workers)
    assert [i for task in tasks for i in task] == list(range(n_items))
    assert all(len(task) > 0 for task in tasks)
    assert len(tasks) == min(n_items, n_workers * parallel.TASKS_PER_WORKER)
    assert max(map(len, tasks)) - min(map(len, tasks)) <= 1


def _double(items, cache, offset):
    assert isinstance(cache, StepCache)
    return [2 * item + offset for item in items]


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_results_come_back_in_input_order_and_every_arrival_is_seen(backend: str) -> None:
    arrived: list[int] = []
    with parallel_config(backend=backend):
        out = [r for r, _ in run_tasks(_double, list(range(23)), (1,), n_workers=2,
                                       on_arrival=arrived.append)]
    assert out == [2 * i + 1 for i in range(23)]
    assert sorted(arrived) == out


def test_a_worker_keeps_one_cache_per_run_token() -> None:
    first = worker_cache("run-a")
    assert worker_cache("run-a") is first
    assert worker_cache("run-b") is not first


def test_n_jobs_2_gives_the_serial_runs_bits_with_fewer_tasks_than_variants() -> None:
    dataset = nirs4all.generate(60, random_state=4)
    serial = nirs4all.run(_pipeline(), dataset, random_state=5, n_jobs=1, verbose=0,
                          workspace=None)
    for backend in ("loky", "threading"):
        twice = nirs4all.run(_pipeline(), dataset, random_state=5, n_jobs=2, verbose=0,
                             workspace=None, backend=backend)
        assert [c.chain_id for c in twice.chains] == [c.chain_id for c in serial.chains]
        assert _fingerprint(twice) == _fingerprint(serial)


def test_progress_sees_every_variant_once_in_a_parallel_run(monkeypatch) -> None:
    run_module = importlib.import_module("nirs4all.api.run")  # the module, not the function
    seen: list[str] = []
    original = run_module._Progress.update

    def spy(self, outcome):
        seen.append((outcome.pipeline_id, outcome.phase))
        original(self, outcome)

    monkeypatch.setattr(run_module._Progress, "update", spy)
    result = nirs4all.run(_pipeline(), nirs4all.generate(60, random_state=4), random_state=5,
                          n_jobs=2, verbose=0, workspace=None, backend="threading")
    assert sorted(seen) == sorted((o.pipeline_id, o.phase) for o in result.outcomes)


def test_unknown_backend_and_a_scheduler_without_dask_are_refused() -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        backend_context("spark")
    with pytest.raises(ValueError, match="needs backend='dask'"):
        backend_context(None, "tcp://127.0.0.1:1")
    with pytest.raises(ValueError, match="is for backend='dask'"):
        backend_context("loky", "tcp://127.0.0.1:1")


# -- the default process backend: the caller takes part, tasks from both ends ------------

def _ready_worker() -> None:
    """One warm worker process, as the next run_tasks(n_workers=2) will use."""
    parallel._executor(1).submit(parallel._import_for_tasks).result(timeout=600)


def _slow_pid(items, cache, delay):
    time.sleep(delay * len(items))
    return [(item, os.getpid()) for item in items]


def test_the_caller_takes_tasks_from_the_front_and_the_worker_from_the_back() -> None:
    _ready_worker()
    out = [r for r, _ in run_tasks(_slow_pid, list(range(48)), (0.02,), n_workers=2)]
    assert [item for item, _ in out] == list(range(48))
    mine = [item for item, pid in out if pid == os.getpid()]
    theirs = [item for item, pid in out if pid != os.getpid()]
    assert mine  # both computed
    assert theirs
    assert max(mine) < min(theirs)  # each walked its own end: no interleaving


def _mapped_flags(items, cache, dataset):
    def mapped(array):
        while array is not None:
            if isinstance(array, np.memmap):
                return True
            array = array.base
        return False
    time.sleep(0.02 * len(items))
    return [(os.getpid(), mapped(dataset.x()), dataset.content_hash()) for _ in items]


def test_workers_get_the_spectra_as_a_mapped_file_removed_after_the_run(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dataset = nirs4all.generate(80, wavelengths=(350, 2500, 1), random_state=0)
    assert dataset.x().nbytes >= parallel.MAP_MIN_BYTES
    _ready_worker()
    out = [r for r, _ in run_tasks(_mapped_flags, list(range(32)), (dataset,), n_workers=2)]
    in_workers = {flag for pid, flag, _ in out if pid != os.getpid()}
    assert in_workers == {True}
    assert {h for _, _, h in out} == {dataset.content_hash()}
    assert list(tmp_path.iterdir()) == []


class _Future:
    def __init__(self) -> None:
        self.callbacks: list = []
        self.done = False

    def add_done_callback(self, callback) -> None:
        if self.done:
            callback(self)
        else:
            self.callbacks.append(callback)

    def finish(self) -> None:
        self.done = True
        for callback in self.callbacks:
            callback(self)

    def exception(self):
        return None


class _Executor:
    def __init__(self) -> None:
        self.probes: list[_Future] = []

    def submit(self, function, *args):
        self.probes.append(_Future())
        return self.probes[-1]


def test_a_worker_still_importing_holds_no_task_the_caller_could_take() -> None:
    executor, sent = _Executor(), {}

    def submit(index):
        sent[index] = _Future()
        return sent[index]

    pool = parallel._TwoEnded(executor, 1, submit, 6)
    assert [pool.take_front() for _ in range(4)] == [0, 1, 2, 3]
    assert sent == {}  # the worker is not ready: nothing waits for it
    executor.probes[0].finish()  # ready: it gets the last task, one at a time
    assert list(sent) == [5]
    sent[5].finish()
    assert list(sent) == [5, 4]
    assert pool.take_front() is None
    sent[4].finish()
    assert pool.finished.qsize() == 2


def _fail_in_worker(items, cache):
    if os.getpid() != items[0][1]:
        raise RuntimeError("task failed in the worker")
    time.sleep(0.05)
    return [item for item, _ in items]


def test_a_task_failing_in_a_worker_raises_in_the_caller() -> None:
    _ready_worker()
    items = [(i, os.getpid()) for i in range(16)]
    with pytest.raises(RuntimeError, match="failed in the worker"):
        list(run_tasks(_fail_in_worker, items, (), n_workers=2))


def test_warm_workers_starts_nothing_for_one_process_or_another_backend(monkeypatch) -> None:
    started: list[int] = []

    def executor(n_processes):
        started.append(n_processes)
        return _Executor()

    monkeypatch.setattr(parallel, "_executor", executor)
    parallel.warm_workers(1)
    with parallel_config(backend="threading"):
        parallel.warm_workers(2)
    assert started == []
    parallel.warm_workers(2)
    assert started == [1]


def test_n_jobs_2_with_a_warm_worker_taking_part_gives_the_serial_runs_bits() -> None:
    dataset = nirs4all.generate(60, random_state=4)
    pipeline = [{"_or_": [SNV(), SavitzkyGolay(), None]}, ShuffleSplit(3, test_size=0.25),
                {"model": Ridge, "param": "alpha", "_or_": [0.01, 0.1, 1.0, 10.0, 100.0]}]
    serial = nirs4all.run(pipeline, dataset, random_state=5, n_jobs=1, verbose=0,
                          workspace=None)
    _ready_worker()
    twice = nirs4all.run(pipeline, dataset, random_state=5, n_jobs=2, verbose=0,
                         workspace=None)
    assert [c.chain_id for c in twice.chains] == [c.chain_id for c in serial.chains]
    assert _fingerprint(twice) == _fingerprint(serial)


def _slower_in_the_worker(items, cache, caller):
    time.sleep(0.01 if os.getpid() == caller else 0.3)
    return [(item, os.getpid()) for item in items]


def test_the_caller_waits_for_the_workers_last_task_once_it_has_taken_every_other() -> None:
    _ready_worker()
    out = [r for r, _ in run_tasks(_slower_in_the_worker, list(range(16)), (os.getpid(),),
                                   n_workers=2)]
    assert [item for item, _ in out] == list(range(16))
    assert out[-1][1] != os.getpid()  # the worker's task, from the back, came last


class _FailedFuture(_Future):
    def exception(self):
        return ImportError("no scikit-learn in this worker")


def test_a_worker_that_cannot_import_gets_no_task() -> None:
    sent: dict[int, _Future] = {}
    executor = _Executor()
    pool = parallel._TwoEnded(executor, 1, lambda i: sent.setdefault(i, _Future()), 3)
    failed = _FailedFuture()
    pool._ready(failed)
    assert sent == {}
    assert [pool.take_front() for _ in range(4)] == [0, 1, 2, None]
    assert parallel._import_for_tasks() == 0
