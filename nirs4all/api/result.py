"""`RunResult`: what `nirs4all.run` returns, read from the run's outcome records."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from nirs4all.api._legacy_kwargs import deprecated
from nirs4all.api._result_07 import EntryView, LegacyResultMixin, export_choice
from nirs4all.api._result_plots import ResultPlots
from nirs4all.api.predictions import Entry, check_rank_by, per_sample
from nirs4all.api.predictor import Predictor, PredictResult
from nirs4all.pipeline import records
from nirs4all.pipeline.canonical import short_id
from nirs4all.pipeline.folds import FINAL, sort_fold_keys
from nirs4all.pipeline.records import ChainRecord, PredictionRecord, TrainingInfo, VariantOutcome
from nirs4all.pipeline.runner import rank_chains
from nirs4all.pipeline.selection import select_chain
from nirs4all.workspace.bundle import export_bundle

__all__ = ["ChainSummary", "RunResult"]


@dataclass(frozen=True)
class ChainSummary(EntryView):
    """One ranked chain: a model and the path of steps that feeds it.

    ``cv_score`` is the ranking metric on pooled out-of-fold predictions; ``test_score`` the
    same metric for the refitted (``"final"``) model on the test partition (NaN when the
    chain was not refitted or there is no test partition). ``params`` are the model's
    parameters that differ from its defaults, in canonical form; ``choices`` the generator
    choices that produced the variant. It is also a mapping with the 0.7 keys
    (``summary["model_name"]``, ``summary["rmse"]``, see :class:`EntryView`).
    """

    rank: int
    chain_id: str
    pipeline_id: str
    dataset: str
    model_name: str
    model_class: str
    preprocessing: str
    branch_path: tuple[int, ...]
    metric: str
    cv_score: float
    test_score: float
    cv_scores: Mapping[str, float] = field(repr=False)
    test_scores: Mapping[str, float] = field(repr=False)
    fold_ids: tuple[str, ...] = field(repr=False)
    choices: tuple[tuple[str, Any], ...] = field(repr=False)
    params: Mapping[str, Any] = field(default_factory=dict, repr=False)
    run_name: str = field(default="", repr=False, compare=False)

    @property
    def short_id(self) -> str:
        """First 10 hex of the chain id, for display only."""
        return short_id(self.chain_id)

    @property
    def refitted(self) -> bool:
        """Whether the chain has a final model fitted on all training rows."""
        return FINAL in self.fold_ids

    def as_dict(self) -> dict[str, Any]:
        """A plain dict of the fields."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _model_params(chain: ChainRecord) -> dict[str, Any]:
    """Non-default parameters of a chain's model, read from its canonical spec."""
    step = next((s for s in chain.steps if s.index == chain.model_step), None)
    if step is None:
        return {}
    spec = json.loads(step.spec)
    extra: dict[str, Any] = {}
    if isinstance(spec, dict) and "model" in spec:  # {"model": M, "params"/"model_params"}
        for key in ("params", "model_params"):
            if isinstance(spec.get(key), dict):
                extra.update(spec[key])
        spec = spec["model"]
    params = spec.get("params", {}) if isinstance(spec, dict) else {}
    return {**(params if isinstance(params, dict) else {}), **extra}


def _merge_chain(cv: ChainRecord, refit: ChainRecord) -> ChainRecord:
    """The CV record completed with what the refit pass added (its final fold)."""
    steps = []
    extra = {(s.index, s.branch_path): s.artifacts for s in refit.steps}
    for step in cv.steps:
        added = extra.get((step.index, step.branch_path), {})
        steps.append(replace(step, artifacts={**step.artifacts, **added}))
    return replace(cv, steps=tuple(steps),
                   fold_ids=tuple(sort_fold_keys({*cv.fold_ids, *refit.fold_ids})),
                   test_scores=dict(refit.test_scores) or dict(cv.test_scores))


class RunResult(ResultPlots, LegacyResultMixin):
    """Results of one run: every variant's chains and predictions, ranked.

    Parameters
    ----------
    outcomes : sequence of VariantOutcome
        What the run produced, in deterministic order.
    datasets : mapping of str to str
        Dataset name by dataset hash.
    seed : int
        The run's root seed (pass it as ``random_state`` to reproduce the run).
    stats : mapping
        Counters: variants, cache hits, bytes saved, wall time.
    notes : mapping of str to str, optional
        What the run decided about a dataset (its task read from the models), by dataset
        hash; :meth:`summary` shows them.
    """

    chart_options: Mapping[str, bool] = MappingProxyType(
        {"plots_visible": False, "save_charts": False})
    """What ``run(plots_visible=, save_charts=)`` asked of chart steps."""

    def __init__(self, outcomes: Sequence[VariantOutcome], datasets: Mapping[str, str], *,
                 seed: int, stats: Mapping[str, Any], name: str = "",
                 training: Mapping[str, TrainingInfo] | None = None,
                 notes: Mapping[str, str] | None = None) -> None:
        self.outcomes = tuple(outcomes)
        self.notes = dict(notes or {})
        self.training = dict(training or {})
        self.workspace: Path | None = None
        self.run_id: str | None = None
        self.datasets = dict(datasets)
        self.seed = seed
        self.stats = dict(stats)
        self.name = name
        merged: dict[str, ChainRecord] = {}
        for outcome in self.outcomes:
            for chain in outcome.chains:
                if chain.chain_id in merged and outcome.phase == "refit":
                    merged[chain.chain_id] = _merge_chain(merged[chain.chain_id], chain)
                else:
                    merged.setdefault(chain.chain_id, chain)
        self._chains = rank_chains(merged.values())
        # A pipeline run on two datasets has the same pipeline_id and artifact keys in both:
        # everything a chain uses is looked up by (pipeline_id, dataset_hash).
        self._dataset_hash_of = {c.chain_id: o.dataset_hash for o in self.outcomes
                                 for c in o.chains}
        self._outcome_of = {(o.pipeline_id, o.dataset_hash): o for o in self.outcomes
                            if o.phase == "cv"}
        self._stored: dict[str, Any] = {}  # objects loaded from the workspace, by id
        self._artifacts: dict[tuple[str, str], dict[str, Any]] = {}
        for outcome in self.outcomes:  # the refit pass comes last and wins for "final"
            self._artifacts.setdefault((outcome.pipeline_id, outcome.dataset_hash),
                                       {}).update(outcome.artifacts)

    # -- chains -----------------------------------------------------------------------------

    @property
    def chains(self) -> tuple[ChainRecord, ...]:
        """Every chain, best first."""
        return tuple(self._chains)

    def _key(self, chain: ChainRecord) -> tuple[str, str]:
        return (chain.pipeline_id, self._dataset_hash_of.get(chain.chain_id, ""))

    def _summary(self, rank: int, chain: ChainRecord) -> ChainSummary:
        outcome = self._outcome_of.get(self._key(chain))
        dataset_hash = self._key(chain)[1]
        return ChainSummary(
            rank=rank, chain_id=chain.chain_id, pipeline_id=chain.pipeline_id,
            dataset=self.datasets.get(dataset_hash, dataset_hash),
            model_name=chain.model_name, model_class=chain.model_class,
            preprocessing=chain.preprocessing, branch_path=chain.branch_path,
            metric=chain.metric, cv_score=chain.cv_score, test_score=chain.test_score,
            cv_scores=chain.cv_scores, test_scores=chain.test_scores,
            fold_ids=chain.fold_ids, choices=() if outcome is None else outcome.choices,
            params=_model_params(chain), run_name=self.name,
        )

    def _single_dataset(self) -> None:
        if len(self.datasets) > 1:
            names = sorted(self.datasets.values())
            raise ValueError(f"this run covers {len(names)} datasets {names}; rank within "
                             "one of them: result.per_dataset[name]")

    def top(self, n: int = 5, *, by: str | None = None, partition: str = "val",
            rank_by: str = "scan", **options: Any) -> list[ChainSummary] | list[Entry]:
        """The ``n`` best chains (each also a mapping with the 0.7 keys); with the 0.7
        keywords (``rank_metric``, ``display_metrics``...) :meth:`Predictions.top` entries.

        Parameters
        ----------
        n : int
            How many.
        by : str, optional
            Metric to rank by; the task's ranking metric by default.
        partition : {"val", "test"}
            Rank on pooled out-of-fold scores (default) or on final test scores.
        rank_by : {"scan", "sample"}
            ``"sample"``: rank by (and show) the ``<metric>@sample`` scores of a dataset
            that declares its repetition column; an error for one that does not.
        """
        if options:
            return self.predictions.top(n, rank_by=rank_by, **options)
        self._single_dataset()
        if partition not in ("val", "test"):
            raise ValueError(f"partition must be 'val' or 'test'; got {partition!r}")
        chains = self._chains
        by_sample = check_rank_by(rank_by) and bool(chains)
        if by_sample:
            by = per_sample(by or chains[0].metric, chains)
        if by is not None or partition == "test":
            from nirs4all.pipeline.metrics import sort_key

            def key(chain: ChainRecord) -> tuple[float, str]:
                metric = by or chain.metric
                scores = chain.cv_scores if partition == "val" else chain.test_scores
                return (sort_key(metric, scores.get(metric, math.nan)), chain.chain_id)
            chains = sorted(chains, key=key)
        tops = [self._summary(i + 1, c) for i, c in enumerate(chains[:n])]
        return [replace(s, metric=by, cv_score=s.cv_scores.get(by, math.nan),
                        test_score=s.test_scores.get(by, math.nan)) for s in tops] \
            if by_sample else tops

    @property
    def best(self) -> ChainSummary | None:
        """The best chain by pooled cross-validation score (None for an empty run)."""
        top = self.top(1)
        return top[0] if top else None

    @property
    def best_score(self) -> float:
        """The 0.7 meaning: the best-by-CV chain's refitted test score (ranking metric);
        :attr:`best_cv_score` is its pooled out-of-fold score."""
        return self.best_test_score

    def _best_test(self, metric: str) -> float:
        best = self.best
        return math.nan if best is None else float(best.test_scores.get(metric, math.nan))

    @property
    def best_rmse(self) -> float:
        """RMSE of the best chain's final model on the test partition."""
        return self._best_test("rmse")

    @property
    def best_r2(self) -> float:
        """R² of the best chain's final model on the test partition."""
        return self._best_test("r2")

    @property
    def best_accuracy(self) -> float:
        """Accuracy of the best chain's final model on the test partition."""
        return self._best_test("accuracy")

    @property
    def per_dataset(self) -> dict[str, RunResult]:
        """One result per dataset of the run, by dataset name."""
        out = {}
        for digest, name in self.datasets.items():
            outcomes = [o for o in self.outcomes if o.dataset_hash == digest]
            out[name] = RunResult(outcomes, {digest: name}, seed=self.seed, stats=self.stats,
                                  name=self.name, training={
                                      k: v for k, v in self.training.items() if k == digest},
                                  notes={k: v for k, v in self.notes.items() if k == digest})
        return out

    # -- trained chains ---------------------------------------------------------------------

    def chain(self, chain_id: str | None = None) -> ChainRecord:
        """A chain by full id or unique id prefix (the best chain by default)."""
        if chain_id is None:
            best = self.best
            if best is None:
                raise ValueError("this run has no chain")
            chain_id = best.chain_id
        return select_chain(self._chains, chain_id)

    def predictor(self, chain_id: str | None = None) -> Predictor:
        """The chain (best by default) ready to predict new spectra."""
        chain = self.chain(chain_id)
        if FINAL not in chain.fold_ids:
            raise ValueError(f"chain {short_id(chain.chain_id)} ({chain.model_name}) was not "
                             "refitted on all training rows; run with refit='all' or use the "
                             "best chain")
        key = self._key(chain)
        training = self.training.get(key[1])
        if training is None:
            raise ValueError("this result does not know its training data (built by hand?)")
        chains = {c.chain_id: c for c in self._chains if self._key(c) == key}
        return Predictor(chain, chains, self._loader(self._artifacts.get(key, {})), training)

    def _loader(self, objects: Mapping[str, Any]) -> Callable[[str], Any]:
        """Fitted objects by artifact key; a resumed run's restored passes hold none, and
        their chains' artifact ids are loaded from the workspace (under its trust model)."""
        def load(ref: str) -> Any:
            if ref in objects:
                return objects[ref]
            if ref not in self._stored:
                if self.workspace is None:
                    raise KeyError(f"no fitted object {ref!r} in this result")
                from nirs4all import workspace

                with workspace.open(self.workspace, read_only=True) as ws:
                    self._stored[ref] = ws.load_artifact(ref)
            return self._stored[ref]
        return load

    def predict(self, data: Any, *, chain: str | None = None,
                resample: bool = False) -> PredictResult:
        """Predict new spectra with a refitted chain (the best by default)."""
        return self.predictor(chain).predict(data, resample=resample)

    def export(self, path: str | Path, chain: str | None = None, *,
               key: str | bytes | None = None, format: str = "n4a", source: Any = None,
               chain_id: str | None = None) -> Path:
        """Write a chain's final model (the best chain by default) as a ``.n4a`` bundle.

        ``source`` (an entry such as ``result.best``) and ``chain_id`` are the 0.7
        spellings of ``chain``. ``format="n4a.py"`` (0.7's portable script) is refused:
        this release writes verified ``.n4a`` bundles only.
        """
        if source is not None or chain_id is not None:
            deprecated("export(source=...)" if source is not None else "export(chain_id=...)",
                       "export(path, chain=<chain id>)", stacklevel=3)
        predictor = self.predictor(export_choice(format, chain, chain_id, source))
        return export_bundle(path, predictor.chain, chains=predictor.chains,
                             load=predictor.load, training=predictor.training, key=key)

    # -- predictions ------------------------------------------------------------------------

    def filter(self, **fields: Any) -> list[PredictionRecord] | list[Entry]:
        """Prediction records whose attributes equal every given value (None = any); with
        0.7 row fields (``model_name``...) :meth:`Predictions.filter_predictions` rows."""
        wanted = {k: v for k, v in fields.items() if v is not None}
        unknown = set(wanted) - set(PredictionRecord.__dataclass_fields__)
        if unknown and self.num_predictions:
            return self.predictions.filter_predictions(**wanted)
        if unknown:
            raise ValueError(f"unknown prediction field(s) {sorted(unknown)}; fields are "
                             f"{sorted(PredictionRecord.__dataclass_fields__)}")
        return [p for o in self.outcomes for p in o.predictions
                if all(getattr(p, k) == v for k, v in wanted.items())]

    def confusion_matrix(self, chain_id: str | None = None, partition: str = "val") -> Any:
        """Counts (true x predicted class) of a chain's pooled val or final test predictions."""
        from nirs4all.pipeline.metrics import confusion_table
        records = self.filter(chain_id=self.chain(chain_id).chain_id, partition=partition)
        return confusion_table(r for r in records if partition == "val" or r.fold_id == "final")

    @property
    def num_predictions(self) -> int:
        """Number of prediction records (one per chain, fold and partition)."""
        return sum(len(o.predictions) for o in self.outcomes)

    @property
    def failures(self) -> list[VariantOutcome]:
        """Outcomes of the variant passes that failed (``run(continue_on_error=True)``)."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def trials(self) -> list[records.TrialRecord]:
        """Every fine-tuning trial of the run (``finetune_params``), in execution order."""
        return [t for o in self.outcomes for t in o.trials]

    @property
    def exclusions(self) -> list[dict[str, Any]]:
        """Rows ``exclude`` steps removed from fits: a mapping per variant, fold, sample, tag."""
        return records.flag_rows(self.outcomes, "exclude")

    @property
    def num_variants(self) -> int:
        """Number of distinct pipeline variants run."""
        return len({o.pipeline_id for o in self.outcomes})

    # -- display ----------------------------------------------------------------------------

    def summary(self, n: int = 10, *, rank_by: str = "scan") -> str:
        """A readable table of the best chains of each dataset (see :mod:`._tables`);
        ``rank_by="sample"`` ranks and shows the ``<metric>@sample`` scores."""
        from nirs4all.api._tables import render_summary

        return render_summary(self, n, notes=self.notes, rank_by=rank_by)

    def __repr__(self) -> str:
        return (f"RunResult(variants={self.num_variants}, chains={len(self._chains)}, "
                f"best_score={self.best_score if len(self.datasets) <= 1 else '...'})")
