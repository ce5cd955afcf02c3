"""Resuming a run: the passes a workspace holds already are read back, not computed again.

A run's identity is its spec, its datasets and its seed (:mod:`nirs4all.workspace.runs`), so
running an interrupted run again opens the same run. :class:`StoredPasses` answers the
runner's ``restore(variant, phase, with_final)`` with the outcome of a pass that the store
lists in :meth:`~nirs4all.workspace.Workspace.completed_variants`, rebuilt as that pass
produced it (each pass writes its outcome in one transaction, so a listed pass is whole).

A stored chain row merges its passes (the refit adds fold ``"final"``); the rebuilt outcome
of each pass keeps only its own folds, so a resumed run's result equals an uninterrupted
one. A pass stored with other folds than this run computes (another refit policy) is
computed again. Restored outcomes carry no fitted objects: their chains refer to artifact
ids, which :class:`~nirs4all.api.result.RunResult` loads from the workspace when asked to
predict or export.

A fine-tuning search is written trial by trial (:class:`TrialJournal`), so a pass killed in
the middle of its search leaves its completed trials stored: the resumed pass replays them
into its study and evaluates only the missing trials.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from nirs4all.data.dataset import SpectroDataset
from nirs4all.pipeline.folds import FINAL, sort_fold_keys
from nirs4all.pipeline.records import (
    ChainRecord,
    PredictionRecord,
    SampleFlag,
    TrialRecord,
    VariantOutcome,
)
from nirs4all.pipeline.runner import PreparedVariant
from nirs4all.workspace._chains import chain_record  # rows -> records, as the resolver does

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nirs4all.workspace.session import RunSession
    from nirs4all.workspace.store import Workspace

__all__ = ["StoredPasses", "TrialJournal"]

_PARTITION_ORDER = {"val": 0, "train": 1, "test": 2}


def _own_folds(chain: ChainRecord, folds: tuple[str, ...], stacking: bool,
               phase: str) -> ChainRecord:
    """The chain as one pass recorded it: only ``folds`` and what they scored."""
    steps = tuple(replace(s, artifacts={k: v for k, v in s.artifacts.items() if k in folds})
                  for s in chain.steps)
    keep_cv = phase == "cv" or stacking  # a stacking refit recomputes its CV folds
    return replace(chain, steps=steps, fold_ids=folds,
                   cv_scores=dict(chain.cv_scores) if keep_cv else {},
                   fold_scores=dict(chain.fold_scores) if keep_cv else {},
                   test_scores=dict(chain.test_scores) if FINAL in folds else {})


class StoredPasses:
    """The completed passes of one run in a workspace, as the runner's ``restore``.

    The chains and predictions of a dataset's stored passes are read in one query each
    when :meth:`for_dataset` is called, not one query per variant.
    """

    def __init__(self, store: Workspace, run_id: str, seed: int) -> None:
        self.store = store
        self.run_id = run_id
        self.seed = seed
        self.done = store.completed_variants(run_id)
        self.dataset: SpectroDataset | None = None
        self._chains: dict[str, list[ChainRecord]] = {}
        self._records: dict[str, list[PredictionRecord]] = {}
        self._trials: dict[str, tuple[TrialRecord, ...]] = {}
        self._flags: dict[str, list[SampleFlag]] = {}

    def __bool__(self) -> bool:
        return bool(self.done)

    def for_dataset(self, dataset: SpectroDataset) -> StoredPasses:
        """Answer for passes on ``dataset`` from now on."""
        self.dataset = dataset
        dataset_hash = dataset.content_hash()
        pipelines = sorted({p for p, d, _ in self.done if d == dataset_hash})
        self._chains, self._records, self._trials = {}, {}, {}
        if pipelines:
            rows = self.store.chains(pipeline_id=pipelines, dataset_hash=dataset_hash)
            for row in rows.to_pylist():
                self._chains.setdefault(row["pipeline_id"], []).append(chain_record(row))
            chain_ids = sorted(c.chain_id for cs in self._chains.values() for c in cs)
            for record in self.store.prediction_records(chain_id=chain_ids):
                self._records.setdefault(record.chain_id, []).append(record)
        trials: dict[str, list[TrialRecord]] = {}  # of complete and of interrupted passes
        for trial in self.store.trials(self.run_id, dataset_hash):
            trials.setdefault(trial.pipeline_id, []).append(trial)
        self._trials = {k: tuple(v) for k, v in trials.items()}
        self._flags = {}
        for row in self.store.sample_flags(dataset_hash=dataset_hash).to_pylist():
            if row["pipeline_id"] in pipelines and row["seed"] == self.seed:
                self._flags.setdefault(row["pipeline_id"], []).append(SampleFlag(
                    **{k: row[k] for k in SampleFlag.__dataclass_fields__}))
        return self

    def __call__(self, variant: PreparedVariant, phase: str,
                 with_final: bool) -> VariantOutcome | None:
        dataset = self.dataset
        if dataset is None:
            return None
        key = (variant.pipeline_id, dataset.content_hash())
        if (*key, phase) not in self.done:
            return None
        refitted = (*key, "refit") in self.done
        chains = []
        for chain in self._chains.get(variant.pipeline_id, []):
            if phase == "refit":
                folds: tuple[str, ...] = (FINAL,)
            else:
                folds = tuple(f for f in chain.fold_ids if f != FINAL or not refitted)
            if phase == "cv" and (FINAL in folds) != with_final:
                return None  # stored under another refit policy: compute it again
            chains.append(_own_folds(chain, folds, variant.has_stacking, phase))
        return VariantOutcome(
            pipeline_id=variant.pipeline_id, pipeline_json=variant.spec_json,
            name=variant.name, dataset_hash=key[1], choices=variant.choices,
            seed=self.seed, phase=phase, status="completed",
            error=None, chains=tuple(chains), predictions=self._predictions(chains),
            artifacts={}, duration_s=0.0, n_fits=0, restored=True,
            trials=self._trials.get(variant.pipeline_id, ()) if phase == "cv" else (),
            flags=tuple(f for f in self._flags.get(variant.pipeline_id, [])
                        if (f.fold_id == FINAL) == (phase == "refit") or
                        (f.fold_id == FINAL and with_final)),
            wavelengths=tuple((s.name, s.wavelengths, s.unit) for s in dataset.sources))

    def trials(self, pipeline_id: str) -> tuple[TrialRecord, ...]:
        """The stored trials of a variant on the current dataset (its pass may be unstored:
        the trials of a search are written as they complete)."""
        return self._trials.get(pipeline_id, ())

    def _predictions(self, chains: list[ChainRecord]) -> tuple[PredictionRecord, ...]:
        """The passes' predictions, in the order the pass made them."""
        out = []
        for chain in chains:
            order = sort_fold_keys(chain.fold_ids)
            records = [r for r in self._records.get(chain.chain_id, [])
                       if r.fold_id in chain.fold_ids]
            out.extend(sorted(records, key=lambda r, order=order: (
                order.index(r.fold_id), _PARTITION_ORDER[r.partition])))
        return tuple(out)


class TrialJournal:
    """A run's :class:`~nirs4all.pipeline.finetune.TrialLog`: its write session keeps each
    trial as it completes, and the stored passes give back those a resumed run replays."""

    def __init__(self, passes: StoredPasses, session: RunSession) -> None:
        self.passes = passes
        self.session = session

    def stored(self, pipeline_id: str) -> tuple[TrialRecord, ...]:
        """The variant's trials stored on the dataset being run."""
        return self.passes.trials(pipeline_id)

    def __call__(self, trials: Sequence[TrialRecord]) -> None:
        """Write ``trials`` now."""
        self.session.add_trials(trials)
