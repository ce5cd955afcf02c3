"""The column-wise prediction table stores exactly the rows a plain per-record build gives.

``prediction_table`` builds each column from the whole batch at once (one concatenation per
array column, shared layouts detected once). The reference below builds the same rows the
slow, obvious way: one dict per record, every value converted on its own. Both go through
DuckDB and are compared with ``SELECT *`` ordered by the natural key, on three real runs
(multi-target regression, classification with probabilities, repeated scans) and on a
batch mixing every dtype, shape and missing array, which takes the slow paths.
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from store_factories import make_outcome

import nirs4all
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.errors import DuplicateKeyError
from nirs4all.pipeline.folds import FoldKeyError
from nirs4all.pipeline.records import PredictionRecord
from nirs4all.workspace._arrow import PREDICTION_COLUMNS, prediction_table
from nirs4all.workspace.migrate import migrate

_EXACT = 2**53
_KEY = "pipeline_id, chain_id, fold_id, partition"
_TYPES = {"score": pa.float64(), "scores": pa.map_(pa.string(), pa.float64()),
          "n_samples": pa.int32(), "sample_ids": pa.large_list(pa.int64()),
          "y_true": pa.large_list(pa.float64()), "y_pred": pa.large_list(pa.float64()),
          "y_true_labels": pa.large_list(pa.string()),
          "y_pred_labels": pa.large_list(pa.string()),
          "y_proba": pa.large_list(pa.float64()), "classes": pa.large_list(pa.string()),
          "created_at": pa.timestamp("us")}


def _numeric(a: np.ndarray) -> bool:
    return a.dtype.kind in "fb" or (a.dtype.kind in "iu"
                                    and (a.size == 0 or int(np.abs(a).max()) <= _EXACT))


def _reference_row(r: PredictionRecord, metric: str, dataset_hash: str | None,
                   now: datetime) -> dict:
    def flat(a: np.ndarray | None, text: bool) -> list | None:
        if a is None or _numeric(a) == text:
            return None
        return [str(v) for v in a.reshape(-1).tolist()] if text else [
            float(v) for v in a.reshape(-1).tolist()]

    score = r.scores.get(metric, math.nan)
    meta = {name: {"dtype": v.dtype.str, "shape": list(v.shape[1:])}
            for name in ("y_true", "y_pred", "y_proba", "classes")
            if (v := getattr(r, name)) is not None}
    return {
        "pipeline_id": r.pipeline_id, "chain_id": r.chain_id, "fold_id": r.fold_id,
        "partition": r.partition, "refit_context": r.refit_context,
        "dataset_hash": dataset_hash, "metric": metric,
        "score": score if math.isfinite(score) else None,
        "scores": sorted(r.scores.items()), "n_samples": len(r.sample_ids),
        "sample_ids": [int(i) for i in r.sample_ids], "y_true": flat(r.y_true, False),
        "y_pred": flat(r.y_pred, False), "y_true_labels": flat(r.y_true, True),
        "y_pred_labels": flat(r.y_pred, True),
        "y_proba": None if r.y_proba is None else [float(v) for v in r.y_proba.reshape(-1)],
        "classes": None if r.classes is None else [str(v) for v in r.classes.tolist()],
        "array_meta": json.dumps(meta, sort_keys=True), "created_at": now,
    }


def _reference_table(records, metrics, hashes, now) -> pa.Table:
    rows = [_reference_row(r, metrics[r.chain_id], hashes[r.chain_id], now) for r in records]
    schema = pa.schema([(c, _TYPES.get(c, pa.string())) for c in PREDICTION_COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


def _stored(table: pa.Table) -> list[str]:
    """``SELECT *`` of the table after a round trip through the store, one repr per row."""
    con = duckdb.connect()
    migrate(con, ":memory:")
    con.register("incoming", table)
    cols = ", ".join(PREDICTION_COLUMNS)
    con.execute(f"INSERT INTO predictions ({cols}) SELECT {cols} FROM incoming")  # noqa: S608
    rows = con.sql(f"SELECT * FROM predictions ORDER BY {_KEY}").fetchall()  # noqa: S608
    return [repr(row) for row in rows]  # repr: NaN equals NaN


def _multi_target() -> SpectroDataset:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 12))
    y = np.c_[X[:, 0] + 0.1 * rng.normal(size=40), 2 * X[:, 1]]
    return SpectroDataset(FeatureSource("nir", X), y, target_names=["a", "b"], name="multi")


def _repeated(n_samples: int, reps: int, *, classes: bool = False, seed: int = 0,
              ) -> SpectroDataset:
    """``reps`` noisy scans of each of ``n_samples`` generated spectra, shuffled."""
    base = nirs4all.generate(n_samples, random_state=seed)
    rng = np.random.default_rng(seed)
    sample = np.repeat(np.arange(n_samples), reps)[rng.permutation(n_samples * reps)]
    X = base.sources[0].X[sample] + 0.001 * rng.normal(size=(sample.size,
                                                             base.sources[0].X.shape[1]))
    y = (sample % 3).astype(str) if classes else np.asarray(base.y)[sample, 0]
    return SpectroDataset(FeatureSource("nir", X, base.sources[0].wavelengths), y,
                          metadata={"Sample_ID": np.array([f"S{s:03d}" for s in sample])},
                          repetition="Sample_ID", name="repeated")


RUNS = {
    "multi-target regression": ([KFold(3), PLSRegression(2)], _multi_target),
    "classification": ([KFold(3), LogisticRegression(max_iter=300)],
                       lambda: _repeated(20, 1, classes=True, seed=1)),
    "repetitions": ([KFold(3), PLSRegression(3)], lambda: _repeated(12, 3)),
}
NOW = datetime(2026, 1, 2, 3, 4, 5, 678901)


@pytest.mark.parametrize("name", list(RUNS))
def test_a_runs_stored_rows_equal_the_per_record_reference(name, tmp_path):
    pipeline, dataset = RUNS[name]
    result = nirs4all.run(pipeline, dataset(), random_state=0, verbose=0,
                          workspace=tmp_path / "ws")
    records = [p for o in result.outcomes for p in o.predictions]
    metrics = {c.chain_id: c.metric for o in result.outcomes for c in o.chains}
    hashes = {c.chain_id: o.dataset_hash for o in result.outcomes for c in o.chains}
    assert records
    assert name != "classification" or all(r.y_proba is not None for r in records)
    built = prediction_table(records, metrics=metrics, dataset_hashes=hashes, created_at=NOW)
    expected = _reference_table(records, metrics, hashes, NOW)
    assert built.schema == expected.schema
    assert _stored(built) == _stored(expected)
    # and what the run itself wrote into its workspace is the same rows
    con = duckdb.connect(str(tmp_path / "ws" / "store.duckdb"), read_only=True)
    written = con.sql(f"SELECT * EXCLUDE (created_at) FROM predictions "  # noqa: S608
                      f"ORDER BY {_KEY}").fetchall()
    assert [repr(row) for row in written] == [s[:s.rindex(", datetime")] + ")"
                                              for s in _stored(expected)]


def _mixed_batch() -> list[PredictionRecord]:
    p, c = "a" * 64, "b" * 64
    ids = np.array([7, 3, 5])
    cases = [
        (np.array([0.1, 2.5, -3.0]), np.array([0.2, 2.0, np.nan]), None, None),
        (np.arange(6, dtype=np.float32).reshape(3, 2), np.ones((3, 2), np.float32) / 3,
         None, None),
        (np.array([0, 2, 1]), np.array([0, 1, 1]), np.full((3, 3), 1 / 3), np.arange(3)),
        (np.array([2**60, 1, 2]), np.array([2**60 + 1, 1, 2]), None, None),
        (np.array([True, False, True]), np.array([True, True, False]), None, None),
        (np.array(["high", "low", "mid"]), np.array(["low", "low", "mid"]),
         np.full((3, 3), 1 / 3), np.array(["high", "low", "mid"])),
    ]
    records = [PredictionRecord(p, c, str(i), "val", ids, t, y, proba,
                                {"rmse": 1.5 + i, "r2": math.nan} if i % 2 else {"rmse": 0.5},
                                classes=classes)
               for i, (t, y, proba, classes) in enumerate(cases)]
    records.append(PredictionRecord(p, c, "final", "train", ids, *cases[2][:2], None,
                                    {"r2": 0.1}, refit_context="standalone"))
    return records


@pytest.mark.parametrize("order", ["as built", "reversed", "one by one"])
def test_a_batch_of_mixed_dtypes_and_missing_arrays_stores_the_reference_rows(order):
    records = _mixed_batch()
    if order == "reversed":
        records.reverse()
    batches = [[r] for r in records] if order == "one by one" else [records]
    kw = {"metrics": {"b" * 64: "rmse"}, "dataset_hashes": {"b" * 64: None}}
    for batch in batches:
        built = prediction_table(batch, created_at=NOW, **kw)
        expected = _reference_table(batch, kw["metrics"], kw["dataset_hashes"], NOW)
        assert built.schema == expected.schema
        assert _stored(built) == _stored(expected)


def test_rows_sharing_one_classes_array_store_it_on_every_row():
    shared = np.array(["x", "y"])
    records = [PredictionRecord("a" * 64, "b" * 64, str(i), "val", np.arange(2),
                                np.array(["x", "y"]), np.array(["y", "y"]),
                                np.full((2, 2), 0.5), {"accuracy": 0.5}, classes=shared)
               for i in range(3)]
    built = prediction_table(records, metrics={"b" * 64: "accuracy"},
                             dataset_hashes={"b" * 64: "h"}, created_at=NOW)
    assert built.column("classes").to_pylist() == [["x", "y"]] * 3


def test_two_predictions_under_one_natural_key_are_refused_before_any_write(tmp_path):
    from nirs4all.workspace._persist import _require_unique_keys

    record = _mixed_batch()[0]
    table = prediction_table([record, record], metrics={"b" * 64: "rmse"},
                             dataset_hashes={"b" * 64: None}, created_at=NOW)
    with pytest.raises(DuplicateKeyError, match="predictions"):
        _require_unique_keys(table)
    _require_unique_keys(table.slice(0, 1))


def test_chain_score_maps_are_stored_with_sorted_keys_nan_and_empty_maps_kept():
    from nirs4all.workspace._chains import CHAIN_SCHEMA, chain_table

    base = {f.name: None for f in CHAIN_SCHEMA}
    base.update(branch_path=[], artifact_ids=[], source_chains=[], fold_ids=[], steps=[])
    rows = [{**base, "chain_id": "c0", "cv_scores": {"rmse": 1.0, "r2": math.nan},
             "test_scores": {}, "fold_scores": {"1": {"b": 2.0, "a": 1.0}, "0": {},
                                                "final": {"x": math.nan}}},
            {**base, "chain_id": "c1", "cv_scores": {}, "test_scores": {"mae": 0.5},
             "fold_scores": {}}]
    stored = chain_table(rows).to_pylist()
    assert repr([r["cv_scores"] for r in stored]) == repr([[("r2", math.nan), ("rmse", 1.0)],
                                                           []])
    assert [r["test_scores"] for r in stored] == [[], [("mae", 0.5)]]
    assert repr(stored[0]["fold_scores"]) == repr(
        [("0", []), ("1", [("a", 1.0), ("b", 2.0)]), ("final", [("x", math.nan)])])
    assert stored[1]["fold_scores"] == []
    assert [r["steps"] for r in stored] == ["[]", "[]"]


def _with_chain(outcome, **changes):
    chain = dataclasses.replace(outcome.chains[0], **changes)
    return dataclasses.replace(outcome, chains=(chain, *outcome.chains[1:]))


def test_a_bad_fold_key_of_a_chain_step_is_named_with_its_chain_and_step(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    step = outcome.chains[0].steps[0]
    bad = dataclasses.replace(step, artifacts={"fold_1": next(iter(step.artifacts.values()))})
    with pytest.raises(FoldKeyError, match=rf"step {step.index}: 'fold_1'"):
        ws.persist(run_id, _with_chain(outcome, steps=(bad, *outcome.chains[0].steps[1:])))
    assert ws._writable().table("chains").aggregate("count(*)").fetchall()[0][0] == 0


def test_an_unhashable_fold_key_of_a_chain_is_refused_as_a_fold_key(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    with pytest.raises(FoldKeyError, match=r"\['0'\]"):
        ws.persist(run_id, _with_chain(outcome, fold_ids=(["0"],)))


def test_a_step_artifact_the_outcome_does_not_hold_is_named(ws, run_id, dataset):
    outcome = make_outcome(dataset)
    step = outcome.chains[0].steps[0]
    fold = next(iter(step.artifacts))
    bad = dataclasses.replace(step, artifacts={**step.artifacts, fold: "missing"})
    with pytest.raises(ValueError, match=rf"step {step.index} fold {fold} refers to artifact "
                                         "'missing'"):
        ws.persist(run_id, _with_chain(outcome, steps=(bad, *outcome.chains[0].steps[1:])))


def test_text_labels_of_one_layout_go_to_the_label_columns_only():
    records = [PredictionRecord("a" * 64, "b" * 64, str(i), "val", np.arange(2),
                                np.array(["x", "y"]), np.array(["y", "x"]), None,
                                {"accuracy": 0.0}) for i in range(3)]
    built = prediction_table(records, metrics={"b" * 64: "accuracy"},
                             dataset_hashes={"b" * 64: "h"}, created_at=NOW)
    assert built.column("y_true_labels").to_pylist() == [["x", "y"]] * 3
    assert built.column("y_pred_labels").to_pylist() == [["y", "x"]] * 3
    assert built.column("y_true").to_pylist() == [None] * 3
    assert _stored(built) == _stored(_reference_table(
        records, {"b" * 64: "accuracy"}, {"b" * 64: "h"}, NOW))


def test_float_arrays_of_two_dtypes_in_one_batch_store_the_reference_rows():
    records = [PredictionRecord("a" * 64, "b" * 64, str(i), "val", np.arange(3),
                                np.array([0.5, 1.5, 2.5], dtype=dtype),
                                np.array([0.25, 1.0, 3.0], dtype=dtype), None, {"rmse": 0.1})
               for i, dtype in enumerate([np.float64, np.float32, np.float64])]
    kw = {"metrics": {"b" * 64: "rmse"}, "dataset_hashes": {"b" * 64: "h"}}
    built = prediction_table(records, created_at=NOW, **kw)
    assert built.column("y_true_labels").to_pylist() == [None] * 3
    assert _stored(built) == _stored(_reference_table(records, kw["metrics"],
                                                      kw["dataset_hashes"], NOW))
