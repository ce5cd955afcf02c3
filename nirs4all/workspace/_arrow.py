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
from operator import attrgetter, itemgetter

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


_NONE = type(None)


def _flat_values(present: Sequence[np.ndarray], layout: dict | None) -> np.ndarray:
    """Concatenate a column's arrays row-major, in one call when they share a layout."""
    if layout is not None:
        return np.concatenate(present).reshape(-1)
    return np.concatenate([a.reshape(-1) for a in present])


def _list_column(arrays: Sequence[np.ndarray | None], value_type: pa.DataType,
                 layout: dict | None = None, rows: np.ndarray | None = None) -> pa.Array:
    """Return a large-list column; ``layout`` (shared dtype and trailing shape) takes the
    fast path: one concatenation, no per-array Python work. ``rows`` (each array's number
    of rows, when the arrays are aligned with the sample ids) gives the lengths without
    asking every array for its size."""
    n = len(arrays)
    list_type = pa.large_list(value_type)
    types = set(map(type, arrays))
    if types == {_NONE}:
        return pa.nulls(n, list_type)
    missing = None
    if _NONE in types:
        missing = np.fromiter((a is None for a in arrays), bool, n)
        present = [a for a in arrays if a is not None]
        layout = None
    else:
        present = arrays
    if missing is None and layout is not None and rows is not None:
        lengths = rows * math.prod(layout["shape"])
    elif missing is None:
        lengths = np.fromiter(map(attrgetter("size"), present), np.int64, len(present))
    else:
        sizes = np.fromiter(map(attrgetter("size"), present), np.int64, len(present))
        lengths = np.zeros(n, np.int64)
        lengths[~missing] = sizes
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if value_type == pa.string():
        flat = (_flat_values(present, layout).tolist() if layout is not None
                else [v for a in present for v in a.tolist()])
        values = pa.array([str(v) for v in flat], pa.string())
    else:
        numpy_type = np.int64 if value_type == pa.int64() else np.float64
        values = pa.array(_flat_values(present, layout).astype(numpy_type, copy=False),
                          value_type)
    mask = None if missing is None else pa.array(missing)
    return pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=mask)


def _shared_text_column(arrays: Sequence[np.ndarray]) -> pa.Array:
    """A text column whose rows all hold the same array object (a classifier's ``classes``)."""
    first = arrays[0]
    n = len(arrays)
    offsets = np.arange(n + 1, dtype=np.int64) * first.size
    flat = first.reshape(-1)
    values = pa.array([str(v) for v in flat.tolist()] * n, pa.string())
    return pa.LargeListArray.from_arrays(pa.array(offsets), values)


def scores_array(scores: Sequence[Mapping[str, float]]) -> pa.Array:
    """Return a ``MAP(VARCHAR, DOUBLE)`` column with sorted keys."""
    n = len(scores)
    first = scores[0] if n else {}
    keys = sorted(first)
    first_keys = first.keys()
    if all(map(first_keys.__eq__, map(dict.keys, scores))):
        width = len(keys)
        offsets = np.arange(n + 1, dtype=np.int32) * width
        values = np.empty((n, width))
        for j, key in enumerate(keys):
            values[:, j] = np.fromiter(map(itemgetter(key), scores), np.float64, n)
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
    types = set(map(type, arrays))
    if types == {_NONE}:
        return None
    if _NONE in types:
        return False
    dtypes = set(map(attrgetter("dtype"), arrays))
    ndims = set(map(attrgetter("ndim"), arrays))
    shapes = {()} if ndims == {1} else {a.shape[1:] for a in arrays}
    if len(dtypes) != 1 or len(shapes) != 1:
        return False
    return {"dtype": dtypes.pop().str, "shape": list(shapes.pop())}


def _meta(records: Sequence[PredictionRecord], layouts: Sequence[dict | bool | None],
          ) -> pa.Array:
    n = len(records)
    if all(layout is not False for layout in layouts):
        meta = {name: layout for name, layout in zip(_ARRAY_NAMES, layouts, strict=True)
                if layout is not None}
        text = json.dumps(meta, sort_keys=True)
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                              pa.array([text])).cast(pa.string())
    out = []
    for record in records:
        meta = {name: {"dtype": value.dtype.str, "shape": list(value.shape[1:])}
                for name in _ARRAY_NAMES if (value := getattr(record, name)) is not None}
        out.append(json.dumps(meta, sort_keys=True))
    return pa.array(out, pa.string())


def _split_numeric(arrays: Sequence[np.ndarray | None], layout: dict | bool | None,
                   ) -> tuple[list[np.ndarray | None], list[np.ndarray | None]]:
    """Return (numeric arrays or None, text arrays or None), aligned with ``arrays``."""
    nones = [None] * len(arrays)
    if isinstance(layout, dict) and np.dtype(layout["dtype"]).kind in "fb":
        return arrays, nones
    kinds = {a.dtype.kind for a in arrays if a is not None}
    if kinds <= {"f", "b"}:
        return arrays, nones
    if isinstance(layout, dict) and np.dtype(layout["dtype"]).kind in "OSU":
        return nones, arrays
    numeric = [a if a is not None and _is_numeric(a) else None for a in arrays]
    text = [a if a is not None and n is None else None
            for a, n in zip(arrays, numeric, strict=True)]
    return numeric, text


def _strings(values: Sequence[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


_IDS_LAYOUT = {"dtype": "<i8", "shape": []}
_FIELDS = ("pipeline_id", "chain_id", "fold_id", "partition", "refit_context", "scores",
           "sample_ids", "y_true", "y_pred", "y_proba", "classes")


def prediction_table(records: Sequence[PredictionRecord], *, metrics: Mapping[str, str],
                     dataset_hashes: Mapping[str, str | None],
                     created_at: datetime) -> pa.Table:
    """Return the Arrow rows of ``predictions`` for a batch of records.

    The records are read once per field, into one list; every column is then built from
    its whole field at once (one concatenation per array column, no per-row conversion).

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
    # One list per field: no tuple per record, which the garbage collector would track.
    (pipeline_ids, chain_ids, folds, partitions, contexts, scores, sample_ids, y_true,
     y_pred, y_proba, classes) = (list(map(attrgetter(name), records)) for name in _FIELDS)
    metric = list(map(metrics.__getitem__, chain_ids))
    score = np.fromiter(map(dict.get, scores, metric, [math.nan] * n), np.float64, n)
    layouts = [_column_layout(column) for column in (y_true, y_pred, y_proba, classes)]
    true_numeric, true_text = _split_numeric(y_true, layouts[0])
    pred_numeric, pred_text = _split_numeric(y_pred, layouts[1])
    lengths = np.fromiter(map(len, sample_ids), np.int32, n)
    rows = lengths.astype(np.int64)
    ids_layout = _IDS_LAYOUT if set(map(attrgetter("ndim"), sample_ids)) == {1} else None
    shared = layouts[3] not in (None, False) and len(set(map(id, classes))) == 1
    columns = {
        "pipeline_id": _strings(pipeline_ids),
        "chain_id": _strings(chain_ids),
        "fold_id": _strings(folds),
        "partition": _strings(partitions),
        "refit_context": _strings(contexts),
        "dataset_hash": _strings(list(map(dataset_hashes.__getitem__, chain_ids))),
        "metric": _strings(metric),
        "score": pa.array(score, pa.float64(), mask=~np.isfinite(score)),
        "scores": scores_array(scores),
        "n_samples": pa.array(lengths, pa.int32()),
        "sample_ids": _list_column(sample_ids, pa.int64(), ids_layout, rows),
        "y_true": _list_column(true_numeric, pa.float64(), layouts[0] or None, rows),
        "y_pred": _list_column(pred_numeric, pa.float64(), layouts[1] or None, rows),
        "y_true_labels": _list_column(true_text, pa.string(), layouts[0] or None, rows),
        "y_pred_labels": _list_column(pred_text, pa.string(), layouts[1] or None, rows),
        "y_proba": _list_column(y_proba, pa.float64(), layouts[2] or None, rows),
        "classes": (_shared_text_column(classes) if shared
                    else _list_column(classes, pa.string(), layouts[3] or None)),
        "array_meta": _meta(records, layouts),
        "created_at": pa.array(np.full(n, np.datetime64(created_at, "us")),
                               pa.timestamp("us")),
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
