"""`nirs4all.run`: expand a pipeline, cross-validate every variant, refit, rank."""

from __future__ import annotations

import json
import logging
import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nirs4all.api import _legacy_kwargs as legacy
from nirs4all.api._origins import data_origins
from nirs4all.api._resume import StoredPasses, TrialJournal
from nirs4all.api.result import RunResult
from nirs4all.data import SpectroDataset, load_dataset
from nirs4all.pipeline import _repetition as reps
from nirs4all.pipeline.artifact_policy import artifact_policy
from nirs4all.pipeline.canonical import canonical_json
from nirs4all.pipeline.metrics import is_better
from nirs4all.pipeline.parallel import backend_context, warm_workers
from nirs4all.pipeline.reading import load_pipeline_file, split_pipelines
from nirs4all.pipeline.records import VariantOutcome, training_info
from nirs4all.pipeline.runner import (
    PreparedVariant,
    prepare_variants,
    refit_policy,
    run_variants,
)
from nirs4all.pipeline.task import resolve_task
from nirs4all.utils.console import console
from nirs4all.utils.seeding import fresh_seed

if TYPE_CHECKING:
    from nirs4all.workspace.session import RunSession

__all__ = ["run"]

logger = logging.getLogger("nirs4all")


def _pipelines(pipeline: Any) -> list[Any]:
    """One pipeline, a pipeline file, or a list of pipelines (see pipeline/reading.py)."""
    if hasattr(pipeline, "as_pipeline"):  # the 0.x PipelineConfigs
        pipeline = pipeline.as_pipeline()
    if isinstance(pipeline, (str, Path)) and Path(pipeline).suffix.lower() in (
            ".yaml", ".yml", ".json"):
        return [load_pipeline_file(Path(pipeline))]
    return split_pipelines(pipeline)


def _datasets(dataset: Any) -> list[SpectroDataset]:
    if hasattr(dataset, "as_datasets"):  # the 0.x DatasetConfigs
        return dataset.as_datasets()
    if isinstance(dataset, list) and dataset and not all(
            isinstance(d, np.ndarray) for d in dataset):
        return [load_dataset(d) for d in dataset]
    return [load_dataset(dataset)]


def _read_tasks(datasets: list[SpectroDataset], prepared: list[PreparedVariant],
                ) -> tuple[list[SpectroDataset], dict[str, str]]:
    """Each dataset as the run reads it (see :mod:`nirs4all.pipeline.task`), and a note
    for each one whose task the models decided."""
    steps = [v.steps for v in prepared]
    read, notes = [], {}
    for ds in datasets:
        as_read = resolve_task(ds, steps)
        if as_read is not ds:
            notes[as_read.content_hash()] = (
                f"dataset {ds.name!r}: its integer-valued targets are read as "
                f"{as_read.classes.size} classes ({as_read.task}) because every model is a "
                "classifier; pass task= to load_dataset to decide")
        read.append(as_read)
    return read, notes


class _Progress:
    """A tqdm bar over variants showing the best score so far."""

    def __init__(self, total: int, show: bool, label: str) -> None:
        self.bar = None
        self.best: float | None = None
        if show:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=label, unit="variant", leave=True)

    def update(self, outcome: VariantOutcome) -> None:
        for chain in outcome.chains:
            score = chain.cv_score if chain.cv_scores else chain.test_score
            if self.best is None or is_better(chain.metric, score, self.best):
                self.best = score
        if self.bar is not None and outcome.phase == "cv":
            self.bar.update(1)
            if self.best is not None:
                self.bar.set_postfix(best=f"{self.best:.6g}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


WORKSPACE_VARIABLE = "NIRS4ALL_WORKSPACE"
_DEFAULT = "./workspace"


def _workspace_path(workspace: str | Path | None) -> Path | None:
    """``./workspace`` (or ``$NIRS4ALL_WORKSPACE``) by default; None keeps results in memory."""
    if workspace is None:
        return None
    if workspace == _DEFAULT and WORKSPACE_VARIABLE in os.environ:
        value = os.environ[WORKSPACE_VARIABLE]
        return None if value.strip().lower() in ("", "none") else Path(value)
    return Path(workspace)


def run(
    pipeline: Any,
    dataset: Any,
    *,
    name: str = "",
    random_state: int | None = None,
    n_jobs: int = 1,
    refit: str | bool = "best",
    verbose: int = 1,
    max_variants: int = 10_000,
    workspace: str | Path | None = _DEFAULT,
    session: Any = None,
    continue_on_error: bool | None = None,
    show_progress_bar: bool | None = None,
    log_file: bool | str | Path | None = None,
    plots_visible: bool = False,
    save_charts: bool = False,
    save_artifacts: bool | str = True,
    cache: Any = None,
    keep_datasets: bool = True,
    workspace_path: str | Path | None = None,
    backend: str | None = None,
    scheduler: Any = None,
    repetition_aggregation: str | None = None,
    repetition_exclude_outliers: bool = False,
) -> RunResult:
    """Expand a pipeline into variants, cross-validate each, refit and rank.

    Parameters
    ----------
    pipeline : list, dict, str or Path
        A list of steps (see :mod:`nirs4all.pipeline.spec`), possibly with generator
        keywords (see :mod:`nirs4all.pipeline.generators`); ``{"pipeline": [...]}``; a
        ``.yaml``/``.json`` pipeline file; or a list of such pipelines.
    dataset : Any
        Anything :func:`nirs4all.load_dataset` accepts, or a list of those.
    name : str
        Name of the run.
    random_state : int, optional
        Root seed. Generators, splitters and estimators whose ``random_state`` is unset
        all derive their seeds from it (on copies; your objects are not changed). Without
        it a seed is drawn and recorded in ``RunResult.seed``.
    n_jobs : int
        Variants run in this many processes (``-1``: one per core), this one included;
        results are identical for any value.
    refit : {"best", "all", False} or True
        Refit the best variant (default; ``True`` is the 0.x spelling), every variant, or
        none on all training rows.
    verbose : int
        0 silent; 1 a progress bar and the library's INFO messages; 2 also every variant
        and the output shapes of every step (DEBUG). Messages go through the ``nirs4all``
        logger, to one console handler attached on first use (never to the root logger).
    max_variants : int
        Refuse to expand a pipeline into more variants than this.
    workspace : str, Path or None
        Folder of the workspace that stores every prediction, chain and fitted object
        (``./workspace`` by default, or ``$NIRS4ALL_WORKSPACE``); None keeps the results in
        memory only. Each variant's outcome is written in one transaction; rerunning the
        same run (same pipeline, data and seed) writes no new prediction rows.
    session : Session, optional
        Run in this session's workspace; the result is added to its ``history``.
    continue_on_error : bool or None, default=None
        A variant whose step raises :class:`~nirs4all.errors.ExecutionError` is recorded
        as failed, with its error, step and fold (``RunResult.failures``, and the
        ``pipelines`` table of the workspace), and the run goes on. By default (None) a
        failure in every variant of a dataset is still an error: it is raised once all
        are recorded. ``True`` never raises for a failed variant; ``False`` raises at the
        first failure (fail-fast).
    show_progress_bar : bool, optional
        The progress bar on or off (default: on when ``verbose >= 1``).
    log_file : bool, str or Path, optional
        Also log to this file (``True``: one in the workspace's ``logs/``) meanwhile.
    plots_visible, save_charts : bool, default=False
        Draw the pipeline's chart steps: shown, and/or saved as PNGs in the workspace's
        ``charts/`` folder (see :mod:`nirs4all.pipeline._charts`); also recorded in
        ``RunResult.chart_options``. Without them a chart step does nothing.
    save_artifacts : {True, "refit", "all", False}
        Which fitted objects the workspace keeps (:mod:`nirs4all.pipeline.artifact_policy`):
        ``True`` (default) is ``"refit"``, the objects of every chain refitted on all
        training rows, so each stays replayable; ``"all"`` also every CV fold's; ``False``
        none. Predictions and chains are stored in every case.
    cache, keep_datasets, workspace_path
        0.x keywords: see :mod:`nirs4all.api._legacy_kwargs` (``workspace_path`` is the
        deprecated spelling of ``workspace``).
    backend : {"loky", "dask", "threading", "multiprocessing"}, optional
        Where parallel variants run (default: joblib's backend in force, see
        ``joblib.parallel_config``). ``"dask"`` runs them on a ``distributed`` cluster
        (``pip install "nirs4all[dask]"``; ``n_jobs`` then defaults to every worker core);
        this process alone writes the workspace. Results are identical to ``n_jobs=1``.
    scheduler : str or distributed.Client, optional
        With ``backend="dask"``: the scheduler's address (``"tcp://host:8786"``) or a
        client; default the current client.
    repetition_aggregation : {"mean", "median", "vote", "proba_mean"}, optional
        How ``<metric>@sample`` scores reduce a sample's scans (``repetition_exclude_outliers``).

    Returns
    -------
    RunResult
    """
    if continue_on_error is not None and not isinstance(continue_on_error, bool):
        raise TypeError("continue_on_error must be None (go on unless every variant fails), "
                        f"True or False; got {continue_on_error!r}")
    workspace = legacy.resolve_workspace(workspace, workspace_path, _DEFAULT)
    legacy.check_moot(cache=cache, keep_datasets=keep_datasets, save_artifacts=save_artifacts)
    policy = artifact_policy(save_artifacts)
    workspace = legacy.session_workspace(session, workspace, _DEFAULT)
    path = _workspace_path(workspace)
    charts = legacy.chart_renderer(save_charts, plots_visible, path, name)
    if backend == "dask" and n_jobs == 1:
        n_jobs = -1
    with console(verbose), legacy.log_to_file(log_file, path, name, verbose), \
            backend_context(backend, scheduler):
        result = _run(pipeline, dataset, name=name, random_state=random_state, n_jobs=n_jobs,
                      refit=refit_policy(refit), verbose=verbose, max_variants=max_variants,
                      workspace=workspace, go_on=continue_on_error,
                      bar=verbose >= 1 if show_progress_bar is None else show_progress_bar,
                      charts=charts, policy=policy, aggregation=reps.SampleAggregation(
                          repetition_aggregation, repetition_exclude_outliers))
    legacy.show_charts(charts)
    result.chart_options = {"plots_visible": bool(plots_visible),
                            "save_charts": bool(save_charts)}
    if session is not None:
        session.history.append(result)
    return result


def _run_dataset(prepared: list[PreparedVariant], ds: SpectroDataset, *, seed: int,
                 refit: str | bool, n_jobs: int, verbose: int, session: RunSession | None,
                 passes: StoredPasses | None, outcomes: list[VariantOutcome],
                 go_on: bool | None = None,
                 bar: bool = False, charts: Any = None) -> dict[str, Any]:
    """Run every variant on one dataset; append its outcomes, return its counters."""
    progress = _Progress(len(prepared), bar, ds.name)

    def on_outcome(outcome: VariantOutcome) -> None:
        if session is not None:
            session.add(outcome)
        if verbose >= 2:
            logger.info("variant %s done%s", outcome.name,
                        " (read back from the workspace)" if outcome.restored else "",
                        extra={"pipeline_id": outcome.pipeline_id, "phase": outcome.phase})
    try:
        ds_outcomes, ds_stats = run_variants(
            prepared, ds, seed=seed, refit=refit, n_jobs=n_jobs, on_outcome=on_outcome,
            trace=verbose >= 2,
            restore=None if passes is None else passes.for_dataset(ds),
            continue_on_error=go_on, charts=charts, on_progress=progress.update,
            trials=None if passes is None else TrialJournal(passes, session))
    finally:
        progress.close()
    outcomes.extend(ds_outcomes)
    return ds_stats


def _run(pipeline: Any, dataset: Any, *, name: str, random_state: int | None, n_jobs: int,
         refit: str | bool, verbose: int, max_variants: int,
         workspace: str | Path | None, go_on: bool | None = None, bar: bool = False,
         charts: Any = None, policy: str = "refit",
         aggregation: reps.SampleAggregation = reps.DEFAULT_AGGREGATION) -> RunResult:
    start = time.perf_counter()
    seed = int(random_state) if random_state is not None else fresh_seed()
    if random_state is None:
        logger.info("run drew seed %d; pass random_state=%d to reproduce it", seed, seed,
                    extra={"seed": seed})
    prepared = [v for p in _pipelines(pipeline)
                for v in prepare_variants(p, seed=seed, max_variants=max_variants)]
    if len(prepared) > 1:  # the workers start and import while the data load
        warm_workers(n_jobs)
    loaded = _datasets(dataset)
    prepared = reps.with_aggregation(prepared, aggregation)
    datasets, notes = _read_tasks(loaded, prepared)
    notes.update({} if aggregation.is_default else {"aggregation": aggregation.describe()})
    path = _workspace_path(workspace)
    with ExitStack() as stack:
        session, passes = (None, None) if path is None else _session(
            stack, path, name, prepared, datasets, seed,
            {"refit": refit, "max_variants": max_variants, **aggregation.config(),
             "data": data_origins(dataset, loaded, datasets)}, policy)
        outcomes, stats = _run_datasets(prepared, datasets, seed=seed, refit=refit,
                                        n_jobs=n_jobs, verbose=verbose, session=session,
                                        passes=passes, go_on=go_on, bar=bar, start=start,
                                        charts=charts)
    training = {ds.content_hash(): training_info(
        dataset_hash=ds.content_hash(), task=ds.task, n_targets=ds.n_targets,
        target_names=ds.target_names, classes=ds.classes, seed=seed,
        sources=tuple((s.name, s.wavelengths, s.unit) for s in ds.sources))
        for ds in datasets}
    if session is not None:
        stats.update(session.written)
    result = RunResult(outcomes, {ds.content_hash(): ds.name for ds in datasets}, seed=seed,
                       stats=stats, name=name, training=training, notes=notes)
    if session is not None:
        result.workspace, result.run_id = path, session.run_id
    return result


def _run_datasets(prepared: list[PreparedVariant], datasets: list[SpectroDataset], *,
                  seed: int, refit: str | bool, n_jobs: int, verbose: int,
                  session: RunSession | None, passes: StoredPasses | None, go_on: bool | None,
                  bar: bool, start: float, charts: Any = None,
                  ) -> tuple[list[VariantOutcome], dict[str, Any]]:
    """Every variant on every dataset; the outcomes and the run's counters."""
    outcomes: list[VariantOutcome] = []
    stats: dict[str, Any] = {"variants": 0, "cache_hits": 0, "cache_misses": 0,
                             "cache_bytes_saved": 0, "restored": 0}
    try:
        for ds in datasets:
            ds_stats = _run_dataset(prepared, ds, seed=seed, refit=refit, n_jobs=n_jobs,
                                    verbose=verbose, session=session, passes=passes,
                                    outcomes=outcomes, go_on=go_on, bar=bar, charts=charts)
            for key, value in ds_stats.items():
                stats[key] = stats.get(key, 0) + value
    finally:
        stats["cv_s"] = sum(o.duration_s for o in outcomes if o.phase == "cv")
        stats["refit_s"] = sum(o.duration_s for o in outcomes if o.phase == "refit")
        stats["predictions"] = sum(len(o.predictions) for o in outcomes)
        stats["wall_time_s"] = time.perf_counter() - start
        if session is not None:
            session.record(stats)
    return outcomes, stats


def _session(stack: ExitStack, path: Path, name: str, prepared: list[PreparedVariant],
             datasets: list[SpectroDataset], seed: int, config: dict, policy: str = "refit",
             ) -> tuple[RunSession, StoredPasses]:
    """Open the workspace and the run's write session (``stack`` closes both, in order),
    and the passes of the run stored already."""
    from nirs4all import workspace  # the store (DuckDB) loads only when a run writes

    store = stack.enter_context(workspace.open(path))
    spec_json = canonical_json(reps.run_spec([json.loads(v.spec_json) for v in prepared], config))
    session = stack.enter_context(store.session(name, spec_json=spec_json, datasets=datasets,
                                                seed=seed, config=config, artifacts=policy))
    passes = StoredPasses(store, session.run_id, seed)
    if passes:
        logger.info("run %s resumes: %d pass(es) are stored already and are not computed "
                    "again", session.run_id[:10], len(passes.done),
                    extra={"run_id": session.run_id})
    return session, passes
