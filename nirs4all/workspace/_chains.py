"""Chain rows: from records, merged across passes, back to records.

A chain is written by the CV pass (fold models ``"0"``, ``"1"``, ...) and again by the refit
pass (the ``"final"`` model and its test scores). Both write the same ``chain_id``; the row
holds the union. What identifies the chain (pipeline, dataset, model step, branch path,
steps) must agree between passes, and so must any score both passes carry: a disagreement
is an :class:`~nirs4all.workspace.errors.IdentityConflictError`, never an overwrite.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

import pyarrow as pa

from nirs4all.pipeline.folds import fold_order, sort_fold_keys
from nirs4all.pipeline.records import ChainRecord, ChainStep
from nirs4all.workspace.errors import IdentityConflictError
from nirs4all.workspace.schema import higher_is_better

__all__ = ["CHAIN_SCHEMA", "chain_record", "chain_row", "chain_table", "merge_chain_rows",
           "row_from_db"]

_SCORES = pa.map_(pa.string(), pa.float64())
CHAIN_SCHEMA = pa.schema([
    ("chain_id", pa.string()), ("pipeline_id", pa.string()), ("dataset_hash", pa.string()),
    ("model_step", pa.int32()), ("model_name", pa.string()), ("model_class", pa.string()),
    ("branch_path", pa.list_(pa.int32())), ("steps", pa.string()),
    ("artifact_ids", pa.list_(pa.string())), ("source_chains", pa.list_(pa.string())),
    ("fold_ids", pa.list_(pa.string())), ("metric", pa.string()),
    ("higher_is_better", pa.bool_()), ("cv_score", pa.float64()), ("test_score", pa.float64()),
    ("cv_scores", _SCORES), ("fold_scores", pa.map_(pa.string(), _SCORES)),
    ("test_scores", _SCORES), ("preprocessing", pa.string()),
    ("created_at", pa.timestamp("us")), ("updated_at", pa.timestamp("us")),
])
_IDENTITY = ("pipeline_id", "dataset_hash", "model_step", "model_name", "model_class",
             "branch_path", "source_chains", "metric", "preprocessing")


def _sorted_folds(keys: Iterable[str]) -> list[str]:
    """Sort fold keys already checked by the caller (cheaper than ``sort_fold_keys``)."""
    return list(_fold_order_of(tuple(keys)))


@lru_cache(maxsize=256)
def _fold_order_of(keys: tuple[str, ...]) -> tuple[str, ...]:
    # The chains of a batch share a handful of fold sets: each is sorted once.
    return tuple(sorted(keys, key=fold_order))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def chain_row(chain: ChainRecord, *, dataset_hash: str | None,
              artifact_ids: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """Return the row of a chain, its steps pointing at artifact ids instead of local keys."""
    steps = [{
        "index": int(step.index),
        "kind": step.kind,
        "spec": step.spec,
        "branch_path": [int(i) for i in step.branch_path],
        "artifacts": {k: artifact_ids[step.artifacts[k]]
                      for k in _sorted_folds(step.artifacts)},
    } for step in chain.steps]
    row = {
        "chain_id": chain.chain_id,
        "pipeline_id": chain.pipeline_id,
        "dataset_hash": dataset_hash,
        "model_step": int(chain.model_step),
        "model_name": chain.model_name,
        "model_class": chain.model_class,
        "branch_path": [int(i) for i in chain.branch_path],
        "steps": steps,
        "source_chains": list(chain.source_chains),
        "fold_ids": _sorted_folds(chain.fold_ids),
        "metric": chain.metric,
        "cv_scores": {k: float(v) for k, v in chain.cv_scores.items()},
        "fold_scores": {f: {k: float(v) for k, v in s.items()}
                        for f, s in chain.fold_scores.items()},
        "test_scores": {k: float(v) for k, v in chain.test_scores.items()},
        "preprocessing": chain.preprocessing,
        "created_at": now,
        "updated_at": now,
    }
    return _derive(row)


def _derive(row: dict[str, Any]) -> dict[str, Any]:
    row["artifact_ids"] = sorted({a for s in row["steps"] for a in s["artifacts"].values()})
    row["higher_is_better"] = higher_is_better(row["metric"])
    row["cv_score"] = _finite(row["cv_scores"].get(row["metric"]))
    row["test_score"] = _finite(row["test_scores"].get(row["metric"]))
    return row


def row_from_db(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a ``chains`` row fetched through Arrow in the form :func:`chain_row` builds."""
    out = dict(row)
    out["steps"] = json.loads(row["steps"])
    out["cv_scores"] = dict(row["cv_scores"])
    out["test_scores"] = dict(row["test_scores"])
    out["fold_scores"] = {f: dict(s) for f, s in row["fold_scores"]}
    return out


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _merge_scores(old: dict, new: dict, what: str, chain_id: str) -> dict:
    merged = dict(old)
    for key, value in new.items():
        if key in merged and not _same(merged[key], value):
            raise IdentityConflictError(
                f"chain {chain_id[:10]}...: {what}[{key!r}] is stored as {merged[key]!r} but "
                f"this pass computed {value!r}; the same chain must give the same scores in "
                "every pass (is the pipeline deterministic for a given seed?)"
            )
        merged[key] = value
    return merged


def merge_chain_rows(old: dict[str, Any], new: dict[str, Any],
                     warnings: list[str]) -> dict[str, Any]:
    """Return the union of two rows of one chain (stored ``old``, incoming ``new``).

    An artifact id already stored for a step and fold key is kept; a different incoming id
    for that slot is reported in ``warnings`` (the bytes of a refitted object can differ
    while its predictions, which the store verifies, do not).

    Raises
    ------
    IdentityConflictError
        If the rows describe different chains or disagree on a score.
    """
    chain_id = old["chain_id"]
    for field in _IDENTITY:
        if old[field] != new[field]:
            hint = (" (chain ids must be unique per dataset: derive them from the dataset "
                    "hash and the seed as well as the pipeline)" if field == "dataset_hash"
                    else "")
            raise IdentityConflictError(
                f"chain {chain_id[:10]}... is stored with {field}={old[field]!r} but an "
                f"outcome now gives {new[field]!r}{hint}"
            )
    shape = [(s["index"], s["kind"], s["spec"], s["branch_path"]) for s in old["steps"]]
    if shape != [(s["index"], s["kind"], s["spec"], s["branch_path"]) for s in new["steps"]]:
        raise IdentityConflictError(
            f"chain {chain_id[:10]}... is stored with other steps than an outcome now gives")
    steps = []
    for before, after in zip(old["steps"], new["steps"], strict=True):
        artifacts = dict(before["artifacts"])
        for key, artifact_id in after["artifacts"].items():
            if key in artifacts and artifacts[key] != artifact_id:
                warnings.append(
                    f"chain {chain_id[:10]}... step {before['index']} fold {key}: keeping "
                    f"stored artifact {artifacts[key][:10]}..., not {artifact_id[:10]}...")
                continue
            artifacts[key] = artifact_id
        steps.append({**before, "artifacts": {k: artifacts[k]
                                              for k in sort_fold_keys(artifacts)}})
    fold_scores = dict(old["fold_scores"])
    for fold, scores in new["fold_scores"].items():
        fold_scores[fold] = _merge_scores(fold_scores.get(fold, {}), scores,
                                          f"fold_scores[{fold!r}]", chain_id)
    merged = {
        **old,
        "steps": steps,
        "fold_ids": sort_fold_keys(set(old["fold_ids"]) | set(new["fold_ids"])),
        "cv_scores": _merge_scores(old["cv_scores"], new["cv_scores"], "cv_scores", chain_id),
        "fold_scores": fold_scores,
        "test_scores": _merge_scores(old["test_scores"], new["test_scores"], "test_scores",
                                     chain_id),
        "updated_at": new["updated_at"],
    }
    return _derive(merged)


def _score_maps(mappings: list[Mapping[str, float]]) -> pa.MapArray:
    """``MAP(VARCHAR, DOUBLE)`` with sorted keys, from flat key and value lists: no
    ``(key, value)`` tuple per entry for the garbage collector to track."""
    offsets = [0]
    keys: list[str] = []
    values: list[float] = []
    for mapping in mappings:
        ordered = sorted(mapping)
        keys.extend(ordered)
        values.extend(map(mapping.__getitem__, ordered))
        offsets.append(len(keys))
    return pa.MapArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(keys, pa.string()),
                                   pa.array(values, pa.float64()))


def _fold_score_maps(folds: list[Mapping[str, Mapping[str, float]]]) -> pa.MapArray:
    offsets = [0]
    keys: list[str] = []
    inner: list[Mapping[str, float]] = []
    for by_fold in folds:
        ordered = sorted(by_fold)
        keys.extend(ordered)
        inner.extend(map(by_fold.__getitem__, ordered))
        offsets.append(len(keys))
    return pa.MapArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(keys, pa.string()),
                                   _score_maps(inner))


_ENCODERS = {
    "steps": lambda values: pa.array([json.dumps(s, sort_keys=True) for s in values],
                                     pa.string()),
    "cv_scores": _score_maps,
    "test_scores": _score_maps,
    "fold_scores": _fold_score_maps,
}


def chain_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Return the Arrow rows of ``chains`` (built column by column)."""
    columns = []
    for field in CHAIN_SCHEMA:
        values = [row[field.name] for row in rows]
        encode = _ENCODERS.get(field.name)
        columns.append(pa.array(values, field.type) if encode is None else encode(values))
    return pa.Table.from_arrays(columns, schema=CHAIN_SCHEMA)


def chain_record(row: Mapping[str, Any]) -> ChainRecord:
    """Rebuild a :class:`ChainRecord` from a stored row.

    In a stored chain, each step's ``artifacts`` maps fold keys to artifact ids (SHA-256 of
    the file), which :meth:`Workspace.load_artifact` accepts.
    """
    data = row_from_db(row) if isinstance(row["steps"], str) else row
    return ChainRecord(
        chain_id=data["chain_id"],
        pipeline_id=data["pipeline_id"],
        model_step=int(data["model_step"]),
        model_name=data["model_name"],
        model_class=data["model_class"],
        branch_path=tuple(data["branch_path"]),
        steps=tuple(ChainStep(s["index"], s["kind"], s["spec"], tuple(s["branch_path"]),
                              s["artifacts"]) for s in data["steps"]),
        source_chains=tuple(data["source_chains"]),
        fold_ids=tuple(data["fold_ids"]),
        metric=data["metric"],
        cv_scores=data["cv_scores"],
        fold_scores=data["fold_scores"],
        test_scores=data["test_scores"],
        preprocessing=data["preprocessing"],
    )
