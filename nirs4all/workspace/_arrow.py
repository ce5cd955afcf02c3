"""Prediction records <-> Arrow columns, built in bulk (no per-row SQL).

Arrays are flattened row-major into list columns; ``array_meta`` keeps each array's dtype and
trailing shape so that :func:`records_from_table` rebuilds records bit for bit. Numeric
arrays (float, integer within 2**53, bool) go to ``DOUBLE[]`` columns, anything else (text
labels) to ``VARCHAR[]`` columns. Scores are ``MAP(VARCHAR, DOUBLE)`` with sorted keys, so
NaN survives and equal maps compare equal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from operator import attrgetter

import duckdb
import numpy as np
import pyarrow as pa

from nirs4all.pipeline.records import PredictionRecord

__all__ = [
    "PREDICTION_COLUMNS",
    "SCORES_TYPE",
    "prediction_table",
    "records_from_table",
    "scores_array",
]

SCORES_TYPE = pa.map_(pa.string(), pa.float64())
PREDICTION_COLUMNS = (
    "pipeline_id", "chain_id", "fold_id", "partition", "refit_context", "dataset_hash",
    "metric", "score", "scores", "n_samples", "sample_ids", "y_true", "y_pred",
    "y_true_labels", "y_pred_labels", "y_proba", "classes", "array_meta", "created_at",
)  # fmt: skip
_EXACT_INT = 2**53


def _is_numeric(array: np.ndarray) -> bool:
    kind = array.dtype.kind
    if kind in "fb":
        return True
    if kind in "iu":
        return array.size == 0 or int(np.abs(array).max()) <= _EXACT_INT
    return False


def _list_column(arrays: Sequence[np.ndarray | None], value_type: pa.DataType) -> pa.Array:
    n = len(arrays)
    present = [a for a in arrays if a is not None]
    list_type = pa.large_list(value_type)
    if not present:
        return pa.nulls(n, list_type)
    sizes = np.fromiter(map(attrgetter("size"), present), np.int64, len(present))
    missing = None
    if len(present) == n:
        lengths = sizes
    else:
        missing = np.fromiter((a is None for a in arrays), bool, n)
        lengths = np.zeros(n, np.int64)
        lengths[~missing] = sizes
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if value_type == pa.string():
        values = pa.array([str(v) for a in present for v in a.tolist()], pa.string())
    else:
        numpy_type = np.int64 if value_type == pa.int64() else np.float64
        if {a.ndim for a in present} != {1}:
            present = [a.reshape(-1) for a in present]
        values = pa.array(np.concatenate(present).astype(numpy_type, copy=False), value_type)
    mask = None if missing is None else pa.array(missing)
    return pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=mask)


def scores_array(scores: Sequence[Mapping[str, float]]) -> pa.Array:
    """Return a ``MAP(VARCHAR, DOUBLE)`` column with sorted keys."""
    n = len(scores)
    first = scores[0] if n else {}
    keys = sorted(first)
    first_keys = first.keys()
    if all(s.keys() == first_keys for s in scores):
        width = len(keys)
        offsets = np.arange(n + 1, dtype=np.int32) * width
        values = np.empty((n, width))
        for j, key in enumerate(keys):
            values[:, j] = np.fromiter((s[key] for s in scores), np.float64, n)
        return pa.MapArray.from_arrays(pa.array(offsets), pa.array(keys * n, pa.string()),
                                       pa.array(values.reshape(-1), pa.float64()))
    all_keys: list[str] = []
    all_values: list[float] = []
    offsets = np.zeros(n + 1, np.int32)
    for i, mapping in enumerate(scores):
        items = sorted(mapping.items())
        all_keys.extend(k for k, _ in items)
        all_values.extend(float(v) for _, v in items)
        offsets[i + 1] = offsets[i] + len(items)
    return pa.MapArray.from_arrays(pa.array(offsets), pa.array(all_keys, pa.string()),
                                   pa.array(all_values, pa.float64()))


_ARRAY_NAMES = ("y_true", "y_pred", "y_proba", "classes")


def _column_layout(arrays: Sequence[np.ndarray | None]) -> dict | bool | None:
    """Return the layout shared by every array of a column: a dict, None when every entry is
    None, or False when the entries differ."""
    present = [a for a in arrays if a is not None]
    if not present:
        return None
    if len(present) != len(arrays):
        return False
    dtypes = {a.dtype for a in present}
    shapes = {()} if {a.ndim for a in present} == {1} else {a.shape[1:] for a in present}
    if len(dtypes) != 1 or len(shapes) != 1:
        return False
    return {"dtype": dtypes.pop().str, "shape": list(shapes.pop())}


def _meta(records: Sequence[PredictionRecord], columns: Sequence[Sequence]) -> list[str]:
    layouts = [_column_layout(column) for column in columns]
    if all(layout is not False for layout in layouts):
        meta = {name: layout for name, layout in zip(_ARRAY_NAMES, layouts, strict=True)
                if layout is not None}
        return [json.dumps(meta, sort_keys=True)] * len(records)
    out = []
    for record in records:
        meta = {name: {"dtype": value.dtype.str, "shape": list(value.shape[1:])}
                for name in _ARRAY_NAMES if (value := getattr(record, name)) is not None}
        out.append(json.dumps(meta, sort_keys=True))
    return out


def _split_numeric(arrays: Sequence[np.ndarray | None],
                   ) -> tuple[list[np.ndarray | None], list[np.ndarray | None]]:
    """Return (numeric arrays or None, text arrays or None), aligned with ``arrays``."""
    kinds = {a.dtype.kind for a in arrays if a is not None}
    if kinds <= {"f", "b"}:
        return list(arrays), [None] * len(arrays)
    numeric = [a if a is not None and _is_numeric(a) else None for a in arrays]
    text = [a if a is not None and n is None else None
            for a, n in zip(arrays, numeric, strict=True)]
    return numeric, text


def prediction_table(records: Sequence[PredictionRecord], *, metrics: Mapping[str, str],
                     dataset_hashes: Mapping[str, str | None],
                     created_at: datetime) -> pa.Table:
    """Return the Arrow rows of ``predictions`` for a batch of records.

    Parameters
    ----------
    records : sequence of PredictionRecord
        The batch, in write order.
    metrics, dataset_hashes : mapping of chain_id to str
        The ranking metric and dataset of each record's chain.
    created_at : datetime
        Timestamp of the batch (UTC, naive).
    """
    n = len(records)
    if n == 0:
        return pa.table({name: [] for name in PREDICTION_COLUMNS})
    pipeline_ids = [r.pipeline_id for r in records]
    chain_ids = [r.chain_id for r in records]
    scores = [r.scores for r in records]
    sample_ids = [r.sample_ids for r in records]
    y_true = [r.y_true for r in records]
    y_pred = [r.y_pred for r in records]
    y_proba = [r.y_proba for r in records]
    classes = [r.classes for r in records]
    metric = list(map(metrics.__getitem__, chain_ids))
    score = np.fromiter((s.get(m, math.nan) for s, m in zip(scores, metric, strict=True)),
                        np.float64, n)
    true_numeric, true_text = _split_numeric(y_true)
    pred_numeric, pred_text = _split_numeric(y_pred)
    meta = _meta(records, (y_true, y_pred, y_proba, classes))
    columns = {
        "pipeline_id": pa.array(pipeline_ids, pa.string()),
        "chain_id": pa.array(chain_ids, pa.string()),
        "fold_id": pa.array([r.fold_id for r in records], pa.string()),
        "partition": pa.array([r.partition for r in records], pa.string()),
        "refit_context": pa.array([r.refit_context for r in records], pa.string()),
        "dataset_hash": pa.array(list(map(dataset_hashes.__getitem__, chain_ids)), pa.string()),
        "metric": pa.array(metric, pa.string()),
        "score": pa.array(score, pa.float64(), mask=~np.isfinite(score)),
        "scores": scores_array(scores),
        "n_samples": pa.array(np.fromiter(map(len, sample_ids), np.int32, n), pa.int32()),
        "sample_ids": _list_column(sample_ids, pa.int64()),
        "y_true": _list_column(true_numeric, pa.float64()),
        "y_pred": _list_column(pred_numeric, pa.float64()),
        "y_true_labels": _list_column(true_text, pa.string()),
        "y_pred_labels": _list_column(pred_text, pa.string()),
        "y_proba": _list_column(y_proba, pa.float64()),
        "classes": _list_column(classes, pa.string()),
        "array_meta": pa.array(meta, pa.string()),
        "created_at": pa.array([created_at] * n, pa.timestamp("us")),
    }
    return pa.table(columns)


def _slices(column: pa.ChunkedArray) -> tuple[np.ndarray | list, np.ndarray, np.ndarray]:
    """Return (flat values, offsets, validity) of a list column."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(array, pa.ListArray | pa.LargeListArray):
        offsets = array.offsets.to_numpy()
        base = offsets[0]
        values = array.values.slice(base, offsets[-1] - base)
        flat = (values.to_pylist() if pa.types.is_string(values.type)
                or pa.types.is_large_string(values.type)
                else values.to_numpy(zero_copy_only=False))
        valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), bool)
        return flat, offsets - base, valid
    raise TypeError(f"expected a list column, got {array.type}")


def _decode(part: np.ndarray | list, dtype: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
    if isinstance(part, list):
        if dtype.kind == "b":
            return (np.asarray(part, dtype=object) == "True").reshape(shape)
        if dtype.kind == "O":
            return np.asarray(part, dtype=object).reshape(shape)
        return np.asarray(part).astype(dtype).reshape(shape)
    return np.asarray(part).astype(dtype).reshape(shape)


_LIST_COLUMNS = ("sample_ids", "y_true", "y_pred", "y_true_labels", "y_pred_labels",
                 "y_proba", "classes")
_PLAIN_COLUMNS = ("pipeline_id", "chain_id", "fold_id", "partition", "refit_context",
                  "scores", "n_samples", "array_meta")


def records_from_table(table: pa.Table) -> list[PredictionRecord]:
    """Rebuild :class:`PredictionRecord` objects from ``predictions`` rows."""
    lists = {name: _slices(table.column(name)) for name in _LIST_COLUMNS}
    plain = {name: table.column(name).to_pylist() for name in _PLAIN_COLUMNS}

    def array(column: str, i: int, meta: Mapping | None, n: int) -> np.ndarray | None:
        flat, offsets, valid = lists[column]
        if not valid[i] or meta is None:
            return None
        part = flat[offsets[i]:offsets[i + 1]]
        shape = (len(part),) if column == "classes" else (n, *meta["shape"])
        return _decode(part, np.dtype(meta["dtype"]), shape)

    out = []
    for i in range(table.num_rows):
        meta = json.loads(plain["array_meta"][i])
        n = plain["n_samples"][i]
        flat, offsets, valid = lists["sample_ids"]
        # Rows imported from 0.x stores may lack sample ids: -1 marks them unknown.
        ids = (np.asarray(flat[offsets[i]:offsets[i + 1]], np.int64) if valid[i]
               else np.full(n, -1, np.int64))
        y_true = array("y_true", i, meta.get("y_true"), n)
        y_pred = array("y_pred", i, meta.get("y_pred"), n)
        out.append(PredictionRecord(
            pipeline_id=plain["pipeline_id"][i],
            chain_id=plain["chain_id"][i],
            fold_id=plain["fold_id"][i],
            partition=plain["partition"][i],
            sample_ids=ids,
            y_true=y_true if y_true is not None
            else array("y_true_labels", i, meta.get("y_true"), n),
            y_pred=y_pred if y_pred is not None
            else array("y_pred_labels", i, meta.get("y_pred"), n),
            y_proba=array("y_proba", i, meta.get("y_proba"), n),
            scores=dict(plain["scores"][i]),
            refit_context=plain["refit_context"][i],
            classes=array("classes", i, meta.get("classes"), n),
        ))
    return out


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> Iterator[str]:
    """Register an Arrow table under a fresh name for the statements of a ``with`` block."""
    name = f"_n4a_rows_{id(rows):x}"
    con.register(name, rows)
    try:
        yield name
    finally:
        con.unregister(name)
