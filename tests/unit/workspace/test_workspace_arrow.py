"""Prediction arrays survive the store bit for bit, whatever their dtype and shape."""

from __future__ import annotations

import math
from datetime import datetime

import duckdb
import numpy as np
import pytest

from nirs4all.pipeline.records import PredictionRecord
from nirs4all.workspace._arrow import PREDICTION_COLUMNS, prediction_table, records_from_table
from nirs4all.workspace.migrate import migrate

P, C = "a" * 64, "b" * 64
CASES = {
    "float64 1d": (np.array([0.1, 2.5, -3.0]), np.array([0.2, 2.0, np.nan])),
    "float32 2d": (np.arange(6, dtype=np.float32).reshape(3, 2),
                   np.ones((3, 2), dtype=np.float32) / 3),
    "int labels": (np.array([0, 2, 1]), np.array([0, 1, 1])),
    "huge ints": (np.array([2**60, 1, 2]), np.array([2**60 + 1, 1, 2])),
    "bool labels": (np.array([True, False, True]), np.array([True, True, False])),
    "text labels": (np.array(["high", "low", "mid"]), np.array(["low", "low", "mid"])),
}


def _record(y_true: np.ndarray, y_pred: np.ndarray, fold: str = "0") -> PredictionRecord:
    classes = np.unique(y_true) if y_true.dtype.kind in "biUO" else None
    proba = None if classes is None else np.full((3, len(classes)), 1 / len(classes))
    return PredictionRecord(P, C, fold, "val", np.array([7, 3, 5]), y_true, y_pred, proba,
                            {"rmse": 1.5, "r2": math.nan}, classes=classes)


def _same(a: PredictionRecord, b: PredictionRecord) -> None:
    assert a.natural_key == b.natural_key
    assert set(a.scores) == set(b.scores)
    for key, value in b.scores.items():
        assert a.scores[key] == value or (math.isnan(a.scores[key]) and math.isnan(value))
    for name in ("sample_ids", "y_true", "y_pred", "y_proba", "classes"):
        x, y = getattr(a, name), getattr(b, name)
        if y is None:
            assert x is None
            continue
        assert (x.dtype, x.shape) == (y.dtype, y.shape), name
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("case", list(CASES))
def test_arrays_round_trip_through_arrow_and_duckdb(case):
    record = _record(*CASES[case])
    table = prediction_table([record], metrics={C: "rmse"}, dataset_hashes={C: None},
                             created_at=datetime(2024, 1, 1))
    _same(records_from_table(table)[0], record)
    con = duckdb.connect()
    migrate(con, ":memory:")
    con.register("incoming", table)
    cols = ", ".join(PREDICTION_COLUMNS)
    con.execute(f"INSERT INTO predictions ({cols}) SELECT {cols} FROM incoming")  # noqa: S608
    stored = con.sql("SELECT * FROM predictions").to_arrow_table()
    _same(records_from_table(stored)[0], record)


def test_a_batch_mixing_dtypes_keeps_each_record_apart():
    records = [_record(*CASES[name], fold=str(i)) for i, name in enumerate(CASES)]
    table = prediction_table(records, metrics={C: "rmse"}, dataset_hashes={C: None},
                             created_at=datetime(2024, 1, 1))
    for stored, original in zip(records_from_table(table), records, strict=True):
        _same(stored, original)


def test_score_column_is_null_when_the_ranking_metric_is_not_finite():
    record = _record(*CASES["float64 1d"])
    table = prediction_table([record], metrics={C: "r2"}, dataset_hashes={C: None},
                             created_at=datetime(2024, 1, 1))
    assert table.column("score").to_pylist() == [None]
    assert dict(table.column("scores").to_pylist()[0])["rmse"] == 1.5
