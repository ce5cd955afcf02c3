"""Running every variant of a pipeline on a dataset: CV pass, ranking, refit.

1. The spec is expanded into variants (generators seeded from the run's seed) and each
   variant is parsed and identified by the SHA-256 of its canonical JSON.
2. CV pass: every variant runs its cross-validation folds, in this process and in joblib
   workers (:mod:`nirs4all.pipeline.parallel`: variants sharing a prefix share its
   computation through the step cache). Results come back in input order; variants run
   with one BLAS thread, so the bits do not depend on ``n_jobs``.
3. Ranking: chains are sorted by the ranking metric on pooled out-of-fold predictions,
   ties broken by ``chain_id`` - never by execution order.
4. Refit: ``refit="best"`` (or ``True``, the 0.x spelling) refits the winning variant on
   all training rows, ``"all"`` refits every variant in the CV pass itself, ``False``
   refits nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from joblib import effective_n_jobs
from threadpoolctl import threadpool_limits

from nirs4all.data.dataset import SpectroDataset
from nirs4all.errors import ExecutionError
from nirs4all.pipeline._charts import Renderer, without_charts
from nirs4all.pipeline._fold_file import embed_fold_files, with_dataset_folds
from nirs4all.pipeline._repetition import check_aggregation
from nirs4all.pipeline.canonical import canonical_json, identity_of_json, short_id
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.finetune import TrialLog
from nirs4all.pipeline.generators import expand_with_seed
from nirs4all.pipeline.metrics import sort_key
from nirs4all.pipeline.outcome import build_records
from nirs4all.pipeline.parallel import run_tasks
from nirs4all.pipeline.records import ChainRecord, TrialRecord, VariantOutcome
from nirs4all.pipeline.spec import Step, iter_steps, parse_pipeline
from nirs4all.pipeline.spelling import normalize_spelling
from nirs4all.pipeline.state import StepCache, release_points
from nirs4all.pipeline.sweep import SweepMember, sweep_plan
from nirs4all.pipeline.task import check_model_types
from nirs4all.pipeline.training import identity_view

__all__ = ["REFIT_POLICIES", "PreparedVariant", "execute_variant", "prepare_variants",
           "rank_chains", "refit_policy", "run_variants"]

logger = logging.getLogger(__name__)

REFIT_POLICIES = ("best", "all", False)


def refit_policy(refit: object) -> str | bool:
    """The refit policy a ``refit=`` value means: ``"best"``, ``"all"`` or False.

    ``True`` is the 0.x spelling of ``"best"``.
    """
    if refit is True:
        return "best"
    if refit is False or refit is None:
        return False
    if isinstance(refit, str) and refit in ("best", "all"):
        return refit
    raise ValueError(f"refit must be 'best' (or True), 'all' or False; got {refit!r}")
CACHE_BYTES = 1 << 30


@dataclass(frozen=True, eq=False)
class PreparedVariant:
    """A parsed variant and its identity."""

    pipeline_id: str
    spec_json: str
    name: str
    choices: tuple[tuple[str, Any], ...]
    steps: tuple[Step, ...]
    aggregation: Any = None  # a _repetition.SampleAggregation (run(repetition_aggregation=))

    @property
    def has_split(self) -> bool:
        """Whether the variant cross-validates."""
        return any(s.kind == "split" for s in self.steps)

    @property
    def has_stacking(self) -> bool:
        """Whether a meta-model stacks the predictions of other models."""
        return any(s.kind == "merge_predictions" for s in iter_steps(self.steps))


def _variant_name(steps: tuple[Step, ...], pipeline_id: str) -> str:
    labels = [s.label for s in steps if s.kind not in ("split", "branch", "chart")]
    return f"{short_id(pipeline_id)} {' > '.join(labels)}"


def prepare_variants(pipeline: Any, *, seed: int, max_variants: int) -> list[PreparedVariant]:
    """Expand, parse and identify every variant; identical variants are kept once."""
    variants, _ = expand_with_seed(pipeline, random_state=seed, max_variants=max_variants)
    prepared, seen = [], set()
    for variant in variants:
        # identity: one spelling of each step, a fold file's folds (not its path), without
        # chart steps, verbose and n_jobs
        spec = normalize_spelling(embed_fold_files(variant.spec))
        spec_json = canonical_json(identity_view(without_charts(spec)))
        pipeline_id = identity_of_json(spec_json)
        if pipeline_id in seen:
            continue
        seen.add(pipeline_id)
        steps = parse_pipeline(spec)
        prepared.append(PreparedVariant(pipeline_id, spec_json, _variant_name(steps, pipeline_id),
                                        tuple(variant.choices), steps))
    return prepared


def _failed(variant: PreparedVariant, dataset: SpectroDataset, seed: int, phase: str,
            error: ExecutionError, start: float) -> VariantOutcome:
    return VariantOutcome(
        pipeline_id=variant.pipeline_id, pipeline_json=variant.spec_json, name=variant.name,
        dataset_hash=dataset.content_hash(), choices=variant.choices, seed=seed, phase=phase,
        status="failed", error=str(error), chains=(), predictions=(), artifacts={},
        wavelengths=tuple((s.name, s.wavelengths, s.unit) for s in dataset.sources),
        duration_s=time.perf_counter() - start, failed_step=error.step,
        failed_fold=error.fold, failure=error)


def execute_variant(variant: PreparedVariant, dataset: SpectroDataset, *, seed: int,
                    phase: str, with_final: bool, cache: StepCache,
                    trace: bool = False, continue_on_error: bool = False,
                    nested: dict[int, SweepMember] | None = None,
                    charts: Renderer | None = None,
                    tuned: tuple[TrialRecord, ...] = (),
                    on_trial: TrialLog | None = None,
                    release: frozenset[int] = frozenset()) -> VariantOutcome:
    """Run one pass of one variant and build its complete outcome records.

    With ``continue_on_error`` a pass whose step raises :class:`ExecutionError` becomes a
    ``"failed"`` outcome (no chains, the error message kept) instead of raising.
    ``nested`` (from :func:`~nirs4all.pipeline.sweep.sweep_plan`): the variant's CV models
    are truncated from the largest fit of its component sweep. ``tuned``: the fine-tuning
    trials of the variant's CV pass, which a refit pass fits the best of (in a CV pass,
    those of an interrupted search, replayed). ``on_trial`` gets each trial as it completes;
    ``release``: the steps whose results leave the cache after this variant.
    """
    start = time.perf_counter()
    try:
        return _execute(variant, dataset, seed=seed, phase=phase, with_final=with_final,
                        cache=cache, trace=trace, nested=nested, charts=charts, tuned=tuned,
                        start=start, on_trial=on_trial, release=release)
    except ExecutionError as exc:
        if not continue_on_error:
            raise
        logger.warning("variant %s failed and is skipped (continue_on_error): %s",
                       variant.name, exc, extra={"pipeline_id": variant.pipeline_id})
        return _failed(variant, dataset, seed, phase, exc, start)


def _execute(variant: PreparedVariant, dataset: SpectroDataset, *, seed: int, phase: str,
             with_final: bool, cache: StepCache, trace: bool,
             nested: dict[int, SweepMember] | None, charts: Renderer | None,
             tuned: tuple[TrialRecord, ...], start: float,
             on_trial: TrialLog | None = None,
             release: frozenset[int] = frozenset()) -> VariantOutcome:
    """One pass of one variant (:func:`execute_variant` without the failure policy)."""
    with_cv = phase == "cv" or variant.has_stacking
    executor = VariantExecutor(dataset, variant.steps, pipeline_id=variant.pipeline_id,
                               seed=seed, with_cv=with_cv and variant.has_split,
                               with_final=with_final, cache=cache, trace=trace,
                               name=variant.name, nested=nested, charts=charts, tuned=tuned,
                               on_trial=on_trial, release=release)
    models = executor.run()
    chains, predictions, used = build_records(
        models, pipeline_id=variant.pipeline_id, dataset=executor.dataset, rows=executor.rows,
        emit_cv=phase == "cv", emit_final=with_final, aggregation=variant.aggregation,
    )
    return VariantOutcome(
        pipeline_id=variant.pipeline_id,
        pipeline_json=variant.spec_json,
        name=variant.name,
        dataset_hash=dataset.content_hash(),
        choices=variant.choices,
        seed=seed,
        phase=phase,
        status="completed",
        error=None,
        chains=chains,
        predictions=predictions,
        flags=executor.sample_flags(emit_cv=phase == "cv", emit_final=with_final),
        artifacts={k: executor.artifacts[k] for k in sorted(used)},
        wavelengths=tuple((s.name, s.wavelengths, s.unit) for s in dataset.sources),
        duration_s=time.perf_counter() - start,
        n_fits=executor.fits,
        trials=tuple(executor.trials),
    )


def _run_task(items: list[tuple[PreparedVariant, bool, frozenset[int]]], cache: StepCache,
              dataset: SpectroDataset, seed: int, trace: bool,
              plan: dict[str, dict[int, SweepMember]], go_on: bool,
              charts: Renderer | None = None,
              stored: dict[str, tuple[TrialRecord, ...]] | None = None) -> list[VariantOutcome]:
    """One parallel task: the CV pass of a slice of variants (``stored``: the trials of
    each variant's interrupted search, see :class:`TrialLog`)."""
    return [execute_variant(v, dataset, seed=seed, phase="cv", with_final=final, cache=cache,
                            trace=trace, continue_on_error=go_on, nested=plan.get(v.pipeline_id),
                            charts=charts, tuned=(stored or {}).get(v.pipeline_id, ()),
                            release=release) for v, final, release in items]


def rank_chains(chains: Iterable[ChainRecord]) -> list[ChainRecord]:
    """Best first: pooled CV score (test score without CV), ties broken by chain_id."""
    def key(chain: ChainRecord) -> tuple[float, str]:
        value = chain.cv_score if chain.cv_scores else chain.test_score
        return (sort_key(chain.metric, value), chain.chain_id)
    return sorted(chains, key=key)


Restore = Callable[[PreparedVariant, str, bool], VariantOutcome | None]
"""``restore(variant, phase, with_final)``: the stored outcome of a pass, or None."""


def _cv_pass(jobs: list[tuple[PreparedVariant, bool]], dataset: SpectroDataset, seed: int,
             n_workers: int, restore: Restore, trace: bool,
             chunk_stats: list[Callable[[], dict[str, int]]],
             plan: dict[str, dict[int, SweepMember]], go_on: bool = False,
             on_arrival: Callable[[VariantOutcome], None] | None = None,
             charts: Renderer | None = None, trials: TrialLog | None = None,
             ) -> Iterator[VariantOutcome]:
    """Every variant's CV pass in input order, each as soon as it is ready: restored from
    the store, or computed (serially, or in parallel tasks: :mod:`.parallel`).
    ``on_arrival`` sees each computed outcome of a parallel pass when its task is done.
    ``trials``: the stored trials of an interrupted search are replayed, and a serial pass
    writes each new trial as it completes (a worker cannot: see :func:`run_variants`)."""
    restored = [restore(v, "cv", final) for v, final in jobs]
    missing = [job for job, done in zip(jobs, restored, strict=True) if done is None]
    n_workers = min(effective_n_jobs(n_workers), len(missing))
    stored = {v.pipeline_id: trials.stored(v.pipeline_id) for v, _ in missing} if trials else {}
    if n_workers <= 1:
        on_arrival = None
        cache = StepCache(CACHE_BYTES)
        chunk_stats.append(cache.stats)  # read when the pass is over
        releases = release_points([v.steps for v, _ in missing])
        computed: Iterator[VariantOutcome] = (
            execute_variant(v, dataset, seed=seed, phase="cv", with_final=final, cache=cache,
                            trace=trace, continue_on_error=go_on,
                            nested=plan.get(v.pipeline_id), charts=charts,
                            tuned=stored.get(v.pipeline_id, ()), on_trial=trials,
                            release=release)
            for (v, final), release in zip(missing, releases, strict=True))
    else:
        def in_order() -> Iterator[VariantOutcome]:
            # which process runs which variant, in which order, is decided as they run
            releases = release_points([v.steps for v, _ in missing], in_order=False)
            items = [(v, final, r) for (v, final), r in zip(missing, releases, strict=True)]
            for outcome, delta in run_tasks(_run_task, items,
                                            (dataset, seed, trace, plan, go_on, charts,
                                             stored),
                                            n_workers=n_workers, on_arrival=on_arrival):
                chunk_stats.append(lambda stat=delta: stat)
                yield outcome
        computed = in_order()
    with threadpool_limits(limits=1):
        for done in restored:
            yield done if done is not None else next(computed)


def _raise_if_all_failed(outcomes: list[VariantOutcome], what: str) -> None:
    failed = [o for o in outcomes if o.status == "failed"]
    if outcomes and len(failed) == len(outcomes):
        first = failed[0].failure
        reason = first.reason if isinstance(first, ExecutionError) else failed[0].error
        raise ExecutionError(
            f"{what} failed ({len(failed)} of {len(outcomes)}); the first: {reason}",
            variant=getattr(first, "variant", None), step=failed[0].failed_step,
            fold=failed[0].failed_fold) from (first.__cause__ if first is not None else None)


def _never(variant: PreparedVariant, phase: str, with_final: bool) -> None:
    return None


# long: the CV pass, the refit of the winner and the run's counters, read in that order
def run_variants(
    variants: list[PreparedVariant],
    dataset: SpectroDataset,
    *,
    seed: int,
    refit: str | bool = "best",
    n_jobs: int = 1,
    on_outcome: Callable[[VariantOutcome], None] | None = None,
    trace: bool = False,
    restore: Restore | None = None,
    continue_on_error: bool | None = False,
    charts: Renderer | None = None,
    on_progress: Callable[[VariantOutcome], None] | None = None,
    trials: TrialLog | None = None,
) -> tuple[list[VariantOutcome], dict[str, int]]:
    """CV pass over all variants, then the refit pass the policy asks for.

    ``on_outcome`` is called with each outcome in deterministic order, in the calling
    process, as soon as it is complete (this is where a store writes it). ``trace`` logs
    the output shapes of every step (debug level). ``restore`` returns the stored outcome
    of a pass already completed (an interrupted run being resumed), which is then not
    computed again; ``stats["restored"]`` counts them and ``stats["fits"]`` counts only
    the fits this call made. ``continue_on_error`` records a variant whose step raises
    :class:`~nirs4all.errors.ExecutionError` as a ``"failed"`` outcome and goes on: with
    ``True`` whatever fails, with ``None`` unless every variant fails (then the first
    failure is raised, once every failure is recorded); ``False`` raises at the first one.
    ``charts`` draws the chart steps (None: they do nothing). ``on_progress`` is called once
    per outcome as soon as it exists: in completion order when variants run in parallel (a
    progress bar), before ``on_outcome`` otherwise. The joblib backend in force
    (``joblib.parallel_config``) decides where the parallel tasks run; ``n_jobs=-1`` uses
    every worker it has. ``trials`` keeps the fine-tuning trials as they complete (each
    one in a serial pass; a parallel task's when it returns, in completion order) and
    gives back those of a search that was interrupted, so that it runs only the rest.
    """
    refit = refit_policy(refit)
    if dataset.y is None:
        raise ValueError("the dataset has no targets; a run needs targets to fit models")
    check_model_types(dataset, [v.steps for v in variants])
    check_aggregation(variants, dataset)  # run(repetition_aggregation=), see _repetition.py
    variants = with_dataset_folds(variants, dataset)  # the dataset's folds key
    restore = restore or _never
    jobs = [(v, refit == "all" or not v.has_split) for v in variants]
    stats = {"variants": len(variants), "cache_hits": 0, "cache_misses": 0,
             "cache_bytes_saved": 0}
    outcomes: list[VariantOutcome] = []

    def collect(outcome: VariantOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    chunk_stats: list[Callable[[], dict[str, int]]] = []
    plan = sweep_plan(variants)
    go_on = continue_on_error is not False
    arrived: set[int] = set()

    def arrival(outcome: VariantOutcome) -> None:
        arrived.add(id(outcome))
        if trials is not None:
            trials(outcome.trials)
        if on_progress is not None:
            on_progress(outcome)

    for outcome in _cv_pass(jobs, dataset, seed, n_jobs, restore, trace, chunk_stats,
                            plan, go_on, arrival, charts, trials):
        if on_progress is not None and id(outcome) not in arrived:
            on_progress(outcome)
        collect(outcome)
    if continue_on_error is None:
        _raise_if_all_failed(outcomes, "every variant")
    restored = sum(o.restored for o in outcomes)
    _add_cache_stats(stats, chunk_stats)
    if refit == "best":
        refitted = _refit_winner(variants, outcomes, dataset, seed=seed, restore=restore,
                                 trace=trace, go_on=go_on, charts=charts)
        if refitted is not None:
            restored += refitted.restored
            if on_progress is not None:
                on_progress(refitted)
            collect(refitted)
            if continue_on_error is None:  # a winner without its final model is no result
                _raise_if_all_failed([refitted], "the refit of the best variant")
    stats["fits"] = sum(o.n_fits for o in outcomes)
    stats["restored"] = restored
    return outcomes, stats


def _refit_winner(variants: list[PreparedVariant], outcomes: list[VariantOutcome],
                  dataset: SpectroDataset, *, seed: int, restore: Restore, trace: bool,
                  go_on: bool, charts: Renderer | None) -> VariantOutcome | None:
    """The refit pass of the best variant by CV (restored when stored), or None when
    there is nothing to refit (no chain, or a winner without a splitter, fitted already)."""
    ranked = rank_chains(c for o in outcomes for c in o.chains)
    if not ranked:
        return None
    winner = next(v for v in variants if v.pipeline_id == ranked[0].pipeline_id)
    if not winner.has_split:
        return None
    refitted = restore(winner, "refit", True)
    if refitted is None:
        tuned = tuple(t for o in outcomes if o.pipeline_id == winner.pipeline_id
                      for t in o.trials)
        with threadpool_limits(limits=1):
            refitted = execute_variant(winner, dataset, seed=seed, phase="refit",
                                       with_final=True, cache=StepCache(CACHE_BYTES),
                                       trace=trace, continue_on_error=go_on, tuned=tuned,
                                       charts=charts,
                                       release=release_points([winner.steps])[0])
    return refitted


def _add_cache_stats(stats: dict[str, int],
                     chunk_stats: list[Callable[[], dict[str, int]]]) -> None:
    """Add the step-cache counters of every computed chunk of the CV pass to ``stats``."""
    for chunk_stat in chunk_stats:
        for name in ("cache_hits", "cache_misses", "cache_bytes_saved"):
            stats[name] += chunk_stat()[name]
