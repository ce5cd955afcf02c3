"""Fan-out of the CV pass over worker processes (joblib) or a Dask cluster.

Where the time of a parallel sweep goes (``benchmarks/parallel.py``): starting the worker
interpreters and importing the library in them, shipping the dataset, and waiting for the
slowest task. So:

- the variants are cut into contiguous tasks, a few per worker (``TASKS_PER_WORKER``):
  contiguous because the expansion order keeps variants that share a prefix together, a few
  per worker so that one slow task does not leave the other workers idle at the end;
- each worker keeps one step cache per run (``run_token``) across its tasks, so cutting a
  shared prefix into two tasks on the same worker recomputes nothing;
- arrays travel by memory map (joblib dumps every array over ``MMAP_BYTES`` once to a
  file the workers map read-only); on Dask the dataset is scattered to the workers once;
- tasks come back in completion order (``return_as="generator_unordered"``): ``on_arrival``
  sees each outcome at once (the progress bar), and the caller receives them in input order
  (the store writes them in a deterministic order).

Every task runs with one BLAS thread and draws its seeds from stable identities, so the
results are bit-identical whatever the number of workers, the backend or the order in which
tasks finish. A task that dies with its worker is run again by Dask; its outcomes reach the
caller once, because only the coordinator receives and writes them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from typing import Any

from joblib import Parallel, delayed, effective_n_jobs, parallel_config
from joblib.parallel import get_active_backend
from threadpoolctl import threadpool_limits

from nirs4all.pipeline.state import StepCache

__all__ = ["BACKENDS", "MMAP_BYTES", "TASKS_PER_WORKER", "backend_context", "cut_tasks",
           "run_tasks"]

BACKENDS = ("loky", "dask", "threading", "multiprocessing")
TASKS_PER_WORKER = 4
MMAP_BYTES = "1M"
CACHE_BYTES = 1 << 30

_local = threading.local()


def cut_tasks(n_items: int, n_workers: int) -> list[range]:
    """Contiguous index ranges, about ``TASKS_PER_WORKER`` per worker, none empty."""
    n_tasks = max(1, min(n_items, n_workers * TASKS_PER_WORKER))
    size, extra = divmod(n_items, n_tasks)
    out, start = [], 0
    for i in range(n_tasks):
        stop = start + size + (1 if i < extra else 0)
        out.append(range(start, stop))
        start = stop
    return out


def worker_cache(run_token: str) -> StepCache:
    """This worker thread's step cache for the run ``run_token`` (a new run drops the old)."""
    if getattr(_local, "token", None) != run_token:
        _local.token, _local.cache = run_token, StepCache(CACHE_BYTES)
    return _local.cache


def _task(index: int, run_token: str, work: Callable[..., list], items: Sequence[Any],
          *shared: Any) -> tuple[int, list, dict[str, int]]:
    cache = worker_cache(run_token)
    before = cache.stats()
    with threadpool_limits(limits=1):
        results = work(items, cache, *shared)
    after = cache.stats()
    delta = {k: after[k] - before[k] for k in ("cache_hits", "cache_misses",
                                                "cache_bytes_saved")}
    return index, results, delta


def backend_context(backend: str | None, scheduler: Any = None) -> AbstractContextManager:
    """The joblib configuration of ``backend`` (None: whatever the caller configured).

    ``"dask"`` runs the tasks on a ``distributed`` cluster: ``scheduler`` is its address
    (``"tcp://host:8786"``) or a ``distributed.Client``; without it the current client is
    used. The other names are joblib's own backends.
    """
    if backend is None:
        if scheduler is not None:
            raise ValueError("scheduler= needs backend='dask'")
        return nullcontext()
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if backend != "dask":
        if scheduler is not None:
            raise ValueError(f"scheduler= is for backend='dask', not {backend!r}")
        return parallel_config(backend=backend)
    return _dask_context(scheduler)


@contextmanager
def _dask_context(scheduler: Any) -> Iterator[None]:
    try:
        from distributed import Client, get_client
    except ImportError as exc:  # the optional extra is missing
        raise ImportError("backend='dask' needs the dask extra: pip install "
                          "'nirs4all[dask]'") from exc
    with ExitStack() as stack:
        if scheduler is None:
            client = get_client()
        elif isinstance(scheduler, Client):
            client = scheduler
        else:  # an address: this run's own client, closed when the run ends
            client = stack.enter_context(Client(scheduler))
        with parallel_config(backend="dask", client=client):
            yield


def _shipping(shared: tuple) -> AbstractContextManager:
    """Memory maps for process pools; on Dask, the shared arguments scattered once."""
    backend, _ = get_active_backend()
    client = getattr(backend, "client", None)
    if type(backend).__name__ == "DaskDistributedBackend" and client is not None:
        return parallel_config(backend="dask", client=client, scatter=list(shared))
    return parallel_config(max_nbytes=MMAP_BYTES, mmap_mode="r")


def run_tasks(work: Callable[..., list], items: Sequence[Any], shared: tuple, *,
              n_workers: int, on_arrival: Callable[[Any], None] | None = None,
              ) -> Iterator[tuple[Any, dict[str, int]]]:
    """Run ``work(items[task], cache, *shared)`` over tasks; yield results in input order.

    Parameters
    ----------
    work : callable
        A module-level function (it is pickled to the workers) returning one result per
        item of its slice, in order.
    items : sequence
        What to compute, in the order results must come back.
    shared : tuple
        Arguments every task needs (the dataset), passed after the cache: memory-mapped
        for process pools, scattered once to a Dask cluster.
    n_workers : int
        joblib's ``n_jobs`` (``-1``: every worker of the backend in force).
    on_arrival : callable, optional
        Called in the calling process with each result as soon as its task is done, in
        completion order.

    Yields
    ------
    (result, cache_stats_delta)
        One per item, in input order; the cache counters of the item's task come with the
        task's first item and are zero for the others.
    """
    tasks = cut_tasks(len(items), effective_n_jobs(n_workers))
    run_token = uuid.uuid4().hex
    done: dict[int, tuple[list, dict[str, int]]] = {}
    zero = {"cache_hits": 0, "cache_misses": 0, "cache_bytes_saved": 0}
    with _shipping(shared):
        arrivals = Parallel(n_jobs=n_workers, return_as="generator_unordered")(
            delayed(_task)(i, run_token, work, [items[k] for k in task], *shared)
            for i, task in enumerate(tasks))
        following = 0
        for index, results, delta in arrivals:
            if on_arrival is not None:
                for result in results:
                    on_arrival(result)
            done[index] = (results, delta)
            while following in done:
                results, delta = done.pop(following)
                for position, result in enumerate(results):
                    yield result, delta if position == 0 else zero
                following += 1
