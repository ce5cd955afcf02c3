"""Parallel CV pass (nirs4all/pipeline/parallel.py): tasks, order, progress, backends."""

from __future__ import annotations

import importlib

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
