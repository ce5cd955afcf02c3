"""The 0.x ``Predictions`` facade: ranked entries and prediction rows as mappings.

Scripts written for 0.7 read results through ``result.predictions.top(...)``,
``filter_predictions(...)``, ``get_best()`` and entries indexed like dicts
(``entry["model_name"]``, ``entry["rmse"]``). This facade answers those calls from the
run's immutable records; it holds no state of its own and never recomputes a score.

Two kinds of entry, both read-only mappings with the 0.7 keys:

- a *ranked entry* (from :meth:`Predictions.top` and :meth:`Predictions.get_best`) is one
  chain: its pooled out-of-fold score ranks it (``rank_score``, ``val_score``), and the
  flat metric keys (``entry["rmse"]``) are the display partition's scores (the refitted
  model on the test partition by default). 0.7 ranked single fold rows, so its "best"
  could be one lucky fold; ranking pooled CV scores is the fix.
- a *row* (from :meth:`Predictions.filter_predictions` and :meth:`Predictions.to_dicts`)
  is one prediction record: a chain's predictions for one fold and one partition, arrays
  included (``y_true``, ``y_pred``, ``y_proba``, ``sample_indices``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nirs4all.pipeline.folds import FINAL
from nirs4all.pipeline.metrics import sort_key

if TYPE_CHECKING:
    from nirs4all.pipeline.records import PredictionRecord

# nirs4all.api.result builds this facade (and imports this module), so its types are not
# imported here: RunResult is the run read, ChainSummary one of its ranked chains.
RunResult = Any
ChainSummary = Any

__all__ = ["Entry", "Predictions", "check_rank_by", "per_sample", "ranked_entry"]

_GROUP_KEYS = {"model_name": "model_name", "model_classname": "model_class",
               "preprocessings": "preprocessing", "dataset_name": "dataset",
               "config_name": "pipeline_id"}
_NOT_YET = {"aggregate": "aggregation by a column other than the dataset's repetition"}


def per_sample(metric: str, summaries: Sequence[ChainSummary]) -> str:
    """The per-sample spelling of ``metric``, if the chains were scored per sample."""
    name = metric if metric.endswith("@sample") else f"{metric}@sample"
    if not any(name in s.cv_scores or name in s.test_scores for s in summaries):
        raise ValueError(f"ranking per sample (rank_by='sample', by_repetition=) needs {name} "
                         "scores, which only a dataset that declares its repetition column "
                         "has: load it with load_dataset(..., repetition='Sample_ID')")
    return name


def check_rank_by(rank_by: str) -> bool:
    """Whether ``rank_by`` asks for the per-sample scores (``"sample"``), else ``"scan"``."""
    if rank_by not in ("scan", "sample"):
        raise ValueError(f"rank_by must be 'scan' (per spectrum) or 'sample' (the "
                         f"<metric>@sample scores); got {rank_by!r}")
    return rank_by == "sample"


class Entry(Mapping[str, Any]):
    """A read-only mapping with the 0.7 keys; attribute access works too (``e.model_name``)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise KeyError(f"{key!r}: an entry has the keys {sorted(self._data)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("prediction entries are read-only")

    def __repr__(self) -> str:
        shown = {k: self._data[k] for k in ("model_name", "preprocessings", "metric",
                                            "val_score", "test_score") if k in self._data}
        return f"Entry({shown})"


def _task(metric: str) -> str:
    return "classification" if metric in ("accuracy", "balanced_accuracy", "f1",
                                          "log_loss") else "regression"


def ranked_entry(summary: ChainSummary, config_name: str, rank_metric: str,
                 rank_partition: str = "val", display_metrics: Sequence[str] = (),
                 display_partition: str = "test") -> Entry:
    """One chain as a 0.7 ranked entry (flat metric keys from ``display_partition``)."""
    partitions = {"val": dict(summary.cv_scores), "test": dict(summary.test_scores)}
    shown = partitions.get(display_partition, {})
    data: dict[str, Any] = {
        "rank": summary.rank, "chain_id": summary.chain_id, "id": summary.short_id,
        "pipeline_uid": summary.pipeline_id, "config_name": config_name,
        "dataset_name": summary.dataset, "model_name": summary.model_name,
        "model_classname": summary.model_class, "preprocessings": summary.preprocessing,
        "branch_path": summary.branch_path, "best_params": dict(summary.params),
        "fold_id": FINAL if summary.refitted else "cv", "partition": rank_partition,
        "metric": summary.metric, "task_type": _task(summary.metric),
        "rank_metric": rank_metric,
        "rank_score": float(partitions[rank_partition].get(rank_metric, math.nan)),
        "val_score": summary.cv_score, "test_score": summary.test_score,
        "scores": partitions, "choices": summary.choices,
    }
    for metric in display_metrics or (summary.metric,):
        data[metric] = float(shown.get(metric, math.nan))
    return Entry(data)


class Predictions:
    """The 0.7 ``Predictions`` object over one run's records.

    Parameters
    ----------
    result : RunResult
        The run whose records are read.
    """

    def __init__(self, result: RunResult) -> None:
        self._result = result

    # -- rows ---------------------------------------------------------------------------

    def _summaries(self) -> dict[str, ChainSummary]:
        out: dict[str, ChainSummary] = {}
        for sub in self._result.per_dataset.values():
            out.update({s.chain_id: s for s in sub.top(len(sub.chains))})
        return out

    def _row(self, record: PredictionRecord, summary: ChainSummary | None) -> Entry:
        metric = summary.metric if summary is not None else next(iter(record.scores), "")
        score = float(record.scores.get(metric, math.nan))
        data: dict[str, Any] = {
            "chain_id": record.chain_id, "pipeline_uid": record.pipeline_id,
            "config_name": self._result.name, "fold_id": record.fold_id,
            "partition": record.partition, "refit_context": record.refit_context,
            "sample_indices": record.sample_ids, "y_true": record.y_true,
            "y_pred": record.y_pred, "y_proba": record.y_proba, "scores": dict(record.scores),
            "metric": metric, "n_samples": record.n_samples, "task_type": _task(metric),
            "val_score": score if record.partition == "val" else None,
            "test_score": score if record.partition == "test" else None,
            "train_score": score if record.partition == "train" else None,
        }
        if summary is not None:
            data.update(dataset_name=summary.dataset, model_name=summary.model_name,
                        model_classname=summary.model_class,
                        preprocessings=summary.preprocessing,
                        branch_path=summary.branch_path, best_params=dict(summary.params))
        return Entry(data)

    def filter_predictions(self, load_arrays: bool = True, **fields: Any) -> list[Entry]:
        """Prediction rows whose 0.7 fields equal every given value.

        Parameters
        ----------
        load_arrays : bool, default=True
            False drops the arrays from the rows (``y_true``, ``y_pred``, ``y_proba``,
            ``sample_indices``).
        **fields
            Equality filters on row keys (``model_name="PLSRegression"``,
            ``partition="test"``, ``fold_id="final"``, ``dataset_name=...``).
        """
        summaries = self._summaries()
        rows = [self._row(r, summaries.get(r.chain_id)) for r in self._result.filter()]
        if rows:
            unknown = set(fields) - set(rows[0])
            if unknown:
                raise ValueError(f"unknown prediction field(s) {sorted(unknown)}; rows have "
                                 f"{sorted(rows[0])}")
        rows = [r for r in rows if all(r.get(k) == v for k, v in fields.items())]
        if not load_arrays:
            arrays = ("y_true", "y_pred", "y_proba", "sample_indices")
            rows = [Entry({k: v for k, v in r.items() if k not in arrays}) for r in rows]
        return rows

    def to_dicts(self, load_arrays: bool = True) -> list[dict[str, Any]]:
        """Every prediction row as a plain dict."""
        return [dict(r) for r in self.filter_predictions(load_arrays=load_arrays)]

    def to_dataframe(self, load_arrays: bool = False) -> Any:
        """Every prediction row as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - exercised only without pandas
            raise ImportError("to_dataframe needs pandas: pip install pandas") from None
        return pd.DataFrame(self.to_dicts(load_arrays=load_arrays))

    @property
    def num_predictions(self) -> int:
        """Number of prediction rows (one per chain, fold and partition)."""
        return self._result.num_predictions

    def __len__(self) -> int:
        return self.num_predictions

    # -- ranking ------------------------------------------------------------------------

    def _ranked(self, summary: ChainSummary, rank_metric: str, rank_partition: str,
                display_metrics: Sequence[str], display_partition: str) -> Entry:
        return ranked_entry(summary, self._result.name, rank_metric, rank_partition,
                            display_metrics, display_partition)

    def top(self, n: int = 5, rank_metric: str | None = None, rank_partition: str = "val",
            display_metrics: Sequence[str] | None = None, display_partition: str = "test",
            group_by: str | None = None, **options: Any) -> list[Entry]:
        """The ``n`` best chains as 0.7 entries (``n`` per group with ``group_by``).

        Parameters
        ----------
        n : int, default=5
            How many entries (per group).
        rank_metric : str, optional
            Metric to rank by; the task's ranking metric by default.
        rank_partition : {"val", "test"}, default="val"
            Rank on pooled out-of-fold scores or on the refitted models' test scores.
        display_metrics : sequence of str, optional
            Metrics added as flat keys, read from ``display_partition``.
        display_partition : {"test", "val"}, default="test"
        group_by : str, optional
            ``"model_name"``, ``"model_classname"``, ``"preprocessings"``,
            ``"dataset_name"`` or ``"config_name"``: the best ``n`` of each group, each
            entry carrying its ``group_key``. A run over several datasets is always
            ranked within each dataset, since scores of different datasets do not compare.
        by_repetition : bool or str, optional
            Rank on scores of predictions aggregated per sample (``"<metric>@sample"``),
            for a dataset that declares its repetition column (the column's name or True).
            ``rank_by="sample"`` is the same.
        """
        by_repetition = options.pop("by_repetition", None)
        by_sample = check_rank_by(options.pop("rank_by", "scan"))
        for option, what in _NOT_YET.items():
            if options.pop(option, None) not in (None, False):
                # A 0.x option whose feature is not built yet: refused, never silently ignored.
                refused = (f"{option}= needs {what}, which this release does not have yet; "
                           "rank per spectrum instead")
                raise NotImplementedError(refused)  # a 0.x option refused, never ignored
        if options:
            raise TypeError(f"top() got unexpected keyword(s) {sorted(options)}")
        if rank_partition not in ("val", "test") or display_partition not in ("val", "test"):
            raise ValueError("rank_partition and display_partition are 'val' or 'test'; got "
                             f"{rank_partition!r}, {display_partition!r}")
        if group_by is not None and group_by not in _GROUP_KEYS:
            raise ValueError(f"group_by must be one of {sorted(_GROUP_KEYS)}; got {group_by!r}")
        summaries = list(self._summaries().values())
        if group_by is None and len(self._result.datasets) > 1:
            warnings.warn("this run covers several datasets; top() ranks within each "
                          "dataset (group_by='dataset_name')", UserWarning, stacklevel=2)
            group_by = "dataset_name"
        groups: dict[Any, list[ChainSummary]] = {}
        for summary in summaries:
            key = getattr(summary, _GROUP_KEYS[group_by]) if group_by else None
            groups.setdefault(key, []).append(summary)
        entries = []
        for key in sorted(groups, key=str):
            metric = rank_metric or groups[key][0].metric
            if by_repetition not in (None, False) or by_sample:
                metric = per_sample(metric, groups[key])

            def order(s: ChainSummary, metric: str = metric) -> tuple[float, str]:
                scores = s.cv_scores if rank_partition == "val" else s.test_scores
                return (sort_key(metric, scores.get(metric, math.nan)), s.chain_id)

            for summary in sorted(groups[key], key=order)[:n]:
                entry = self._ranked(summary, metric, rank_partition,
                                     list(display_metrics or ()), display_partition)
                entries.append(Entry({**entry, "group_key": key}) if group_by else entry)
        return entries

    def get_best(self, metric: str | None = None, rank_partition: str = "val") -> Entry | None:
        """The best chain as a 0.7 entry (None for an empty run)."""
        top = self.top(1, rank_metric=metric, rank_partition=rank_partition)
        return top[0] if top else None

    def get_datasets(self) -> list[str]:
        """Names of the run's datasets, sorted."""
        return sorted(self._result.datasets.values())

    def get_models(self) -> list[str]:
        """Names of the run's models, sorted."""
        return sorted({c.model_name for c in self._result.chains})

    def __repr__(self) -> str:
        return (f"Predictions({self.num_predictions} rows, {len(self._result.chains)} "
                "chains)")
