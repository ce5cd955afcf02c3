"""Reading a nirs4all 0.x store and normalizing its rows (no writes here).

The 0.x schema (reference section 5.2) gained columns over time (``predictions.refit_context``,
``artifacts.chain_path_hash`` ...): missing optional columns read as NULL. Every value that is
changed on the way in is counted, every row that cannot be brought forward is returned as a
finding with the row itself, so nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping
from typing import Any

import duckdb

from nirs4all.pipeline.folds import FINAL, FoldKeyError, LegacyFoldIdWarning
from nirs4all.pipeline.folds import normalize_legacy_fold_id as _normalize_fold
from nirs4all.workspace.errors import LegacyImportError

__all__ = [
    "LEGACY_TABLES",
    "chain_fold_key",
    "fold_key",
    "legacy_id",
    "load_json",
    "normalize_partition",
    "read_table",
    "scores_of",
]

LEGACY_TABLES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # table: (required columns, optional columns)
    "runs": (("run_id", "name"), ("config", "datasets", "status", "created_at",
                                  "completed_at", "summary", "error")),
    "pipelines": (("pipeline_id", "run_id", "name"),
                  ("expanded_config", "generator_choices", "dataset_name", "dataset_hash",
                   "status", "created_at", "completed_at", "metric", "duration_ms", "error")),
    "chains": (("chain_id", "pipeline_id"),
               ("steps", "model_step_idx", "model_class", "preprocessings", "fold_strategy",
                "fold_artifacts", "shared_artifacts", "branch_path", "source_index",
                "created_at")),
    "predictions": (("prediction_id", "pipeline_id", "fold_id", "partition"),
                    ("chain_id", "dataset_name", "model_name", "model_class", "val_score",
                     "test_score", "train_score", "metric", "task_type", "n_samples",
                     "scores", "preprocessings", "branch_id", "refit_context",
                     "created_at")),
    "prediction_arrays": (("prediction_id",), ("y_true", "y_pred", "y_proba",
                                                "sample_indices", "weights")),
    "artifacts": (("artifact_id", "artifact_path"),
                  ("content_hash", "operator_class", "artifact_type", "format",
                   "size_bytes", "created_at")),
    "logs": (("log_id",), ("pipeline_id", "step_idx", "operator_class", "event",
                           "duration_ms", "message", "details", "level", "created_at")),
}
_REQUIRED_TABLES = ("runs", "pipelines", "chains", "predictions")
_PARTITIONS = ("train", "val", "test")


def legacy_id(kind: str, value: str) -> str:
    """Return the new SHA-256 identity of a 0.x id (stable: the same old id, the same new id)."""
    return hashlib.sha256(f"nirs4all.legacy/{kind}\n{value}".encode()).hexdigest()


def load_json(value: Any, default: Any) -> Any:
    """Return a JSON column's value parsed (DuckDB hands JSON over as text)."""
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    """Return every row of a 0.x table as dicts, NULL for optional columns it lacks.

    Raises
    ------
    LegacyImportError
        If a required table or column is missing (not a 0.x store).
    """
    required, optional = LEGACY_TABLES[table]
    present = {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
        [table]).fetchall()}
    if not present:
        if table in _REQUIRED_TABLES:
            raise LegacyImportError(f"the store has no {table!r} table: not a 0.x workspace")
        return []
    missing = [c for c in required if c not in present]
    if missing:
        raise LegacyImportError(f"0.x table {table!r} lacks columns {missing}")
    select = ", ".join(c if c in present else f"NULL AS {c}" for c in (*required, *optional))
    order = required[0]
    query = f"SELECT {select} FROM {table} ORDER BY {order}"  # noqa: S608
    return con.sql(query).to_arrow_table().to_pylist()


def fold_key(fold_id: Any, refit_context: str | None, pipeline_name: str,
             ) -> tuple[str | None, str | None, list[str]]:
    """Return ``(fold key or None, refit context, notes)`` of a 0.x prediction row.

    ``None`` as fold key means an aggregate row (``avg``, ``w_avg``). Rules: a row with a
    refit context is the ``"final"`` model; a row of a pipeline named ``pipeline_refit``
    without one is an inferred standalone refit (0.x relabelled it after writing); ``""`` (no
    cross-validation) is the ``"final"`` model; other spellings go through
    :func:`nirs4all.pipeline.folds.normalize_legacy_fold_id`.

    Raises
    ------
    FoldKeyError
        For a spelling no rule covers.
    """
    notes: list[str] = []
    text = "" if fold_id is None else str(fold_id)
    if text in ("avg", "w_avg"):
        return None, None, ["aggregate"]
    if refit_context is not None:
        if refit_context not in ("standalone", "stacking"):
            raise FoldKeyError(f"unknown refit context {refit_context!r}")
        if text != FINAL:
            notes.append("refit_fold_relabelled")
        return FINAL, refit_context, notes
    if pipeline_name == "pipeline_refit":
        return FINAL, "standalone", ["inferred_refit"]
    if text == "":
        return FINAL, "standalone", ["no_cv_as_final"]
    key = chain_fold_key(fold_id)
    if key is None:
        raise FoldKeyError(f"{fold_id!r} is not a known 0.x fold id spelling")
    if key != text:
        notes.append("fold_spelling")
    if key == FINAL:
        notes.append("inferred_refit")
        return key, "standalone", notes
    return key, None, notes


def chain_fold_key(value: Any) -> str | None:
    """Return the fold key of a 0.x spelling (``0``, ``"fold_0"``, ``"fold_final"`` ...), or
    None when it is not one. The deprecation warnings of the conversion are not re-emitted:
    the import report counts every conversion instead."""
    with warnings.catch_warnings(action="ignore", category=LegacyFoldIdWarning):
        try:
            return _normalize_fold(value)
        except FoldKeyError:
            return None


def _numeric(mapping: Mapping[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in mapping.items()
            if isinstance(v, int | float) and not isinstance(v, bool)}


def scores_of(row: Mapping[str, Any], refit: bool) -> tuple[dict[str, float], list[str]]:
    """Return the scores of a 0.x prediction row for its partition, and notes.

    ``scores`` JSON is flat (``{"rmse": ...}``) or nested by partition; the ``*_score``
    columns fill in the ranking metric when it is absent. The 0.0 validation score 0.x wrote
    on refit rows is not a score and is dropped.
    """
    notes: list[str] = []
    raw = load_json(row.get("scores"), {})
    partition = row["partition"]
    if isinstance(raw, dict) and isinstance(raw.get(partition), dict):
        scores = _numeric(raw[partition])
    else:
        scores = _numeric(raw) if isinstance(raw, dict) else {}
    metric = row.get("metric")
    column = {"train": "train_score", "val": "val_score", "test": "test_score"}.get(partition)
    value = row.get(column) if column else None
    if refit and row.get("val_score") == 0.0:
        notes.append("refit_val_score_dropped")
        if partition == "val":
            value = None
            if scores.get(metric) == 0.0:
                del scores[metric]
    if metric and metric not in scores and value is not None and math.isfinite(value):
        scores[metric] = float(value)
    return scores, notes


def normalize_partition(value: Any) -> str | None:
    """Return the partition as ``train`` / ``val`` / ``test``, or None if it is none of them."""
    text = str(value).lower() if value is not None else ""
    text = {"validation": "val", "valid": "val"}.get(text, text)
    return text if text in _PARTITIONS else None
