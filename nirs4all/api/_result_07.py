"""The 0.7 members of ``RunResult`` (mixed in): what 0.x scripts read from a run.

``final``/``cv_best``/``models`` are ranked entries (mappings with the 0.7 keys, see
:func:`nirs4all.api.predictions.ranked_entry`); ``result["run_predictions"]`` answers the
0.7 ``per_dataset[name]`` dicts; ``predictions`` is the 0.7 ``Predictions`` facade, also
callable with today's keywords (``result.predictions(fold_id="final")`` returns records).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, KeysView
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nirs4all.api.predictions import Entry, Predictions, ranked_entry
from nirs4all.pipeline.folds import FINAL

if TYPE_CHECKING:
    from nirs4all.pipeline.records import PredictionRecord

# nirs4all.api.result mixes these classes in (and imports this module), so its types are
# not imported here: ``self`` is a RunResult, or a ChainSummary for EntryView.
ChainSummary = Any

__all__ = ["EntryView", "LazyModelRefitResult", "LegacyResultMixin", "ModelRefitResult",
           "RunPredictions", "export_choice"]


class EntryView:
    """A chain summary read as a 0.7 entry: ``best["model_name"]``, ``best["rmse"]``.

    Every metric is a flat key holding the refitted model's test score (NaN without one),
    as in 0.7; ``val_score`` and ``test_score`` are the ranking metric's.
    """

    def entry(self) -> Entry:
        """The chain as a 0.7 entry (see :func:`nirs4all.api.predictions.ranked_entry`)."""
        metrics = sorted({*self.test_scores, *self.cv_scores})
        return ranked_entry(self, self.run_name, self.metric, "val", metrics, "test")

    def __getitem__(self, key: str) -> Any:
        return self.entry()[key]

    def keys(self) -> KeysView[str]:
        """The 0.7 keys."""
        return self.entry().keys()

    def get(self, key: str, default: Any = None) -> Any:
        """``self[key]``, or ``default`` when the entry has no such key."""
        return self.entry().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.entry()

    def __iter__(self) -> Iterator[str]:
        return iter(self.entry())


def export_choice(format: str, chain: str | None, chain_id: str | None,
                  source: Any) -> str | None:
    """The chain ``RunResult.export`` writes, from today's and the 0.7 keywords."""
    if format != "n4a":
        raise ValueError(f"format={format!r}: only 'n4a' bundles are written (the 0.7 "
                         "'n4a.py' script export is not supported: a bundle is verified "
                         "before anything in it is loaded, a script could not be)")
    chosen = {c for c in (chain, chain_id, _chain_id(source)) if c is not None}
    if len(chosen) > 1:
        raise ValueError(f"chain, chain_id and source name different chains {sorted(chosen)}")
    return chosen.pop() if chosen else None


class RunPredictions(Predictions):
    """The 0.7 facade, callable as ``result.predictions(chain_id=, fold_id=, partition=)``."""

    def __call__(self, *, chain_id: str | None = None, fold_id: str | None = None,
                 partition: str | None = None) -> list[PredictionRecord]:
        """Prediction records (arrays included), optionally filtered."""
        return self._result.filter(chain_id=chain_id, fold_id=fold_id, partition=partition)


@dataclass(frozen=True)
class ModelRefitResult:
    """A model's refitted chain next to its cross-validation scores (0.7 ``models``)."""

    model_name: str
    final_entry: ChainSummary
    cv_entry: ChainSummary
    final_score: float
    cv_score: float
    metric: str

    @property
    def score(self) -> float:
        """The final model's test score."""
        return self.final_score

    @property
    def is_resolved(self) -> bool:
        """Always True: the refit ran during the run (0.7's lazy results refitted on first
        access)."""
        return True


LazyModelRefitResult = ModelRefitResult
"""0.7 name of a refit result computed on first access; refits are never deferred here, so
it is the same, already resolved, class."""


class LegacyResultMixin:
    """0.7 members of :class:`~nirs4all.api.result.RunResult`."""

    @property
    def predictions(self) -> RunPredictions:
        """The 0.7 ``Predictions`` facade over this run (callable: records by filter)."""
        return RunPredictions(self)

    @property
    def best_cv_score(self) -> float:
        """Ranking metric of the best chain on pooled out-of-fold predictions."""
        best = self.best
        return math.nan if best is None else best.cv_score

    @property
    def best_test_score(self) -> float:
        """Ranking metric of the best chain's refitted model on the test partition."""
        best = self.best
        return math.nan if best is None else best.test_score

    @property
    def final(self) -> ChainSummary | None:
        """The best chain refitted on all training rows (None without refit)."""
        return next((s for s in self.top(len(self.chains)) if s.refitted), None)

    @property
    def final_score(self) -> float | None:
        """Test score of :attr:`final` (None without refit)."""
        final = self.final
        return None if final is None else final.test_score

    @property
    def cv_best(self) -> ChainSummary | None:
        """The best chain by pooled cross-validation score."""
        return self.best

    @property
    def cv_best_score(self) -> float:
        """Pooled cross-validation score of :attr:`cv_best`."""
        return self.best_cv_score

    @property
    def models(self) -> dict[str, ModelRefitResult]:
        """Each model name's best refitted chain, with its CV and final scores."""
        out: dict[str, ModelRefitResult] = {}
        for summary in self.top(len(self.chains)):
            if summary.refitted and summary.model_name not in out:
                out[summary.model_name] = ModelRefitResult(
                    summary.model_name, summary, summary, summary.test_score,
                    summary.cv_score, summary.metric)
        return out

    def get_models(self) -> list[str]:
        """Names of the run's models, sorted."""
        return sorted({c.model_name for c in self.chains})

    def get_datasets(self) -> list[str]:
        """Names of the run's datasets, sorted."""
        return sorted(self.datasets.values())

    @property
    def artifacts_path(self) -> Path | None:
        """The workspace the run was written to (None when kept in memory)."""
        return self.workspace

    def validate(self, check_nan_metrics: bool = True, check_empty: bool = True,
                 raise_on_failure: bool = True, nan_threshold: float = 0.0) -> dict[str, Any]:
        """Check the run produced scores: ``{valid, issues, nan_count, total_count}``.

        ``nan_threshold`` is the fraction of chains allowed a NaN ranking score; with
        ``raise_on_failure`` an invalid run raises :class:`ValueError` listing the issues.
        """
        issues = []
        total = len(self.chains)
        nan_count = sum(math.isnan(c.cv_score if c.cv_scores else c.test_score)
                        for c in self.chains)
        if check_empty and total == 0:
            issues.append("the run produced no chain")
        if check_nan_metrics and total and nan_count / total > nan_threshold:
            issues.append(f"{nan_count} of {total} chain(s) have a NaN ranking score")
        issues.extend(f"variant {o.name} failed: {o.error}" for o in self.failures)
        report = {"valid": not issues, "issues": issues, "nan_count": nan_count,
                  "total_count": total}
        if issues and raise_on_failure:
            raise ValueError("the run is not valid: " + "; ".join(issues))
        return report

    def export_model(self, output_path: str | Path, source: Any = None,
                     format: str | None = None, fold: str | int | None = None) -> Path:
        """Write one fitted model (the final one by default) as a skops file.

        ``source`` is a chain id or an entry holding one; ``fold`` a CV fold (``0``) or
        ``"final"``. Only the model: to predict, export the whole chain (:meth:`export`).
        """
        from nirs4all.workspace.serialization import serialize

        if format not in (None, "skops"):
            raise ValueError(f"export_model writes skops files only; got format={format!r}")
        predictor = self.predictor(_chain_id(source))
        chain = predictor.chain
        step = next(s for s in chain.steps if s.index == chain.model_step)
        key = FINAL if fold is None else str(fold)
        refs = {str(k): v for k, v in step.artifacts.items()}
        if key not in refs:
            raise ValueError(f"chain {chain.model_name} has no model for fold {key!r}; folds "
                             f"are {sorted(refs)}")
        path = Path(output_path)
        path.write_bytes(serialize(predictor.load(refs[key]), "skops"))
        return path

    def __getitem__(self, key: str) -> Any:
        """The 0.7 ``per_dataset[name]`` keys: ``run_predictions``, ``dataset_name``."""
        if key == "run_predictions":
            return self.predictions
        if key == "dataset_name":
            return self.get_datasets()[0] if len(self.datasets) == 1 else self.get_datasets()
        if key == "dataset":
            raise KeyError("'dataset': a result does not keep the dataset (the 0.x "
                           "keep_datasets); load it again with nirs4all.load_dataset")
        raise KeyError(f"{key!r}: a result answers 'run_predictions' and 'dataset_name'")


def _chain_id(source: Any) -> str | None:
    """A chain id from None, an id, or an entry (a mapping or summary with ``chain_id``)."""
    if source is None or isinstance(source, str):
        return source
    try:
        return source["chain_id"]
    except (KeyError, TypeError):
        raise TypeError(f"source must be a chain id or an entry with a 'chain_id'; got "
                        f"{type(source).__name__}") from None
