"""Fan-out of the CV pass over worker processes (joblib) or a Dask cluster.

Where the time of a parallel sweep goes (``benchmarks/parallel.py``): starting the worker
interpreters and importing scikit-learn in them (seconds: SciPy's stats and pandas come
with it), shipping the dataset, and waiting for the slowest task. So, on the default
process backend (loky):

- the calling process takes part: ``n_jobs=2`` is the caller and one worker process, not
  two workers and an idle caller. The caller has everything imported, so it computes from
  the first moment while fresh workers are still importing; :func:`warm_workers` starts
  them before the run parses its variants;
- the variants are cut into contiguous tasks (``TASKS_PER_WORKER`` per process) taken
  from both ends: the caller from the front, the workers from the back. Contiguous
  because the expansion order keeps variants that share a prefix together, and each side
  walks its own end, so a shared prefix is computed once per process (each keeps one step
  cache per run, ``run_token``); small, so that nobody waits long for the last task;
- the dataset is written once to a memory-mapped file that the workers map read-only
  (each task carries a file reference, not the arrays); the workers start with one BLAS
  thread (``OMP_NUM_THREADS`` and friends), so two processes never run four BLAS threads.

Other joblib backends (``threading``, ``multiprocessing``, or one registered by the user)
run the tasks through :class:`joblib.Parallel`, arrays over ``MMAP_BYTES`` memory-mapped;
on Dask the dataset is scattered to the workers once and the caller only coordinates.
Tasks come back in completion order: ``on_arrival`` sees each outcome at once (the
progress bar), and the caller receives them in input order (the store writes them in a
deterministic order).

Every task runs with one BLAS thread and draws its seeds from stable identities, so the
results are bit-identical whatever the number of workers, the backend, who computes a task
or the order in which tasks finish. A task that dies with its worker is run again by Dask;
its outcomes reach the caller once, because only the coordinator receives and writes them.
"""

from __future__ import annotations

import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs, parallel_config
from joblib.parallel import get_active_backend
from threadpoolctl import threadpool_limits

from nirs4all.data.dataset import SpectroDataset
from nirs4all.pipeline.state import StepCache

__all__ = ["BACKENDS", "MMAP_BYTES", "TASKS_PER_WORKER", "backend_context", "cut_tasks",
           "run_tasks", "warm_workers"]

BACKENDS = ("loky", "dask", "threading", "multiprocessing")
TASKS_PER_WORKER = 8
MMAP_BYTES = "1M"
CACHE_BYTES = 1 << 30
#: How long an idle worker process waits for the next run before it exits (joblib's own).
IDLE_TIMEOUT_S = 300
#: One BLAS/OpenMP thread per worker from its start (the tasks also limit it at run time).
_WORKER_ENV = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                             "BLIS_NUM_THREADS"), "1")
#: Spectra at least this large go to the workers as a mapped file (smaller: pickled).
MAP_MIN_BYTES = 1 << 20

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


def _coordinator_takes_part() -> bool:
    """Whether the caller computes tasks too: on joblib's default process backend (loky)."""
    backend, _ = get_active_backend()
    return type(backend).__name__ == "LokyBackend"


def _executor(n_processes: int) -> Any:
    """joblib's reusable loky executor with ``n_processes`` single-BLAS-thread workers.

    Arrays that are already memory-mapped travel as file references; the others are
    pickled (:func:`_mapped` maps the shared data first). The same arguments give the same
    executor back, so warm workers are reused from one run to the next.
    """
    from joblib.executor import get_memmapping_executor

    return get_memmapping_executor(n_processes, timeout=IDLE_TIMEOUT_S, env=_WORKER_ENV,
                                   max_nbytes=None)


def _import_for_tasks() -> int:
    """A worker's first job: import what every task needs (the engine, scikit-learn)."""
    import nirs4all.pipeline.execute  # noqa: F401  (the engine: scikit-learn, SciPy)

    return 0


def warm_workers(n_jobs: int) -> None:
    """Start the worker processes of a coming parallel run and have them import the engine.

    Called before the run parses its variants, so that the workers' start and imports
    (seconds for scikit-learn) overlap the caller's own work. Does nothing unless the
    backend in force is loky and ``n_jobs`` means more than one process; the workers it
    starts are the ones :func:`run_tasks` uses (the caller is one of the ``n_jobs``).
    """
    n_processes = effective_n_jobs(n_jobs) - 1
    if n_processes < 1 or not _coordinator_takes_part():
        return
    executor = _executor(n_processes)
    for _ in range(n_processes):
        executor.submit(_import_for_tasks)


def _mapped_dataset(dataset: SpectroDataset, folder: Path, tag: str) -> SpectroDataset:
    """``dataset`` with each source's spectra read back from a ``.npy`` file, mapped."""
    for j, source in enumerate(dataset.sources):
        if source.X.nbytes >= MAP_MIN_BYTES:
            path = folder / f"{tag}_{j}.npy"
            np.save(path, source.X)
            dataset = dataset.with_source(j, np.load(path, mmap_mode="r"))
    dataset.content_hash()  # computed once here; the hash travels with the dataset
    return dataset


@contextmanager
def _mapped(shared: tuple) -> Iterator[tuple]:
    """``shared`` with the spectra of every dataset in it written once to a file and mapped.

    A mapped array travels to a worker as a reference to its file (joblib's reducer), so
    the workers map the same file read-only whatever the number of tasks. The files go
    when the run ends (a worker still mapping one keeps its pages until it lets go).
    """
    folder = Path(tempfile.mkdtemp(prefix="nirs4all-shared-"))
    try:
        yield tuple(_mapped_dataset(item, folder, str(i))
                    if isinstance(item, SpectroDataset) else item
                    for i, item in enumerate(shared))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _TwoEnded:
    """Tasks taken from both ends: the caller from the front, the worker processes from
    the back.

    A worker gets a task only once it has shown it is ready (its import job is done) and
    then one at a time, the next as soon as its last one is done: a worker still importing
    scikit-learn holds no task the caller could have computed meanwhile.
    """

    def __init__(self, executor: Any, n_processes: int, submit: Callable[[int], Any],
                 n_tasks: int) -> None:
        self._submit = submit
        self._lock = threading.RLock()  # a callback may run inside submit (done already)
        self._front, self._back = 0, n_tasks
        self.finished: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(n_processes):
            executor.submit(_import_for_tasks).add_done_callback(self._ready)

    def _send_next(self) -> None:
        with self._lock:
            if self._front >= self._back:
                return
            self._back -= 1
            future = self._submit(self._back)
        future.add_done_callback(self._done)

    def _ready(self, future: Any) -> None:
        if future.exception() is None:  # a worker that cannot import gets nothing
            self._send_next()

    def _done(self, future: Any) -> None:
        self.finished.put(future)
        self._send_next()

    def take_front(self) -> int | None:
        """The next task for the caller, or None when every task is taken."""
        with self._lock:
            if self._front >= self._back:
                return None
            self._front += 1
            return self._front - 1

    def stop(self) -> None:
        """Send nothing more (the caller gave up: a task raised)."""
        with self._lock:
            self._front = self._back


def _run_two_ended(work: Callable[..., list], slices: list[list], shared: tuple,
                   n_workers: int) -> Iterator[tuple[int, list, dict[str, int]]]:
    """Every task's ``(index, results, cache delta)`` in completion order, computed by the
    caller and ``n_workers - 1`` worker processes (:class:`_TwoEnded`)."""
    run_token = uuid.uuid4().hex
    with _mapped(shared) as remote:
        executor = _executor(n_workers - 1)
        pool = _TwoEnded(executor, n_workers - 1,
                         lambda i: executor.submit(_task, i, run_token, work, slices[i],
                                                   *remote), len(slices))
        received = 0
        try:
            while received < len(slices):
                while not pool.finished.empty():
                    received += 1
                    yield pool.finished.get().result()
                mine = pool.take_front()
                if mine is not None:
                    received += 1
                    yield _task(mine, run_token, work, slices[mine], *shared)
                elif received < len(slices):
                    received += 1
                    yield pool.finished.get().result()
        finally:
            pool.stop()


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
    n_processes = effective_n_jobs(n_workers)
    tasks = cut_tasks(len(items), n_processes)
    slices = [[items[k] for k in task] for task in tasks]
    done: dict[int, tuple[list, dict[str, int]]] = {}
    zero = {"cache_hits": 0, "cache_misses": 0, "cache_bytes_saved": 0}
    with ExitStack() as stack:
        if n_processes >= 2 and _coordinator_takes_part():
            arrivals = _run_two_ended(work, slices, shared, n_processes)
        else:
            stack.enter_context(_shipping(shared))
            run_token = uuid.uuid4().hex
            arrivals = Parallel(n_jobs=n_workers, return_as="generator_unordered")(
                delayed(_task)(i, run_token, work, part, *shared)
                for i, part in enumerate(slices))
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
