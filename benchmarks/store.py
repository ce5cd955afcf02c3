"""Workspace store write throughput: bulk persist against a naive row-by-row insert loop.

Persists 100,000 prediction rows (arrays of 50 values: y_true, y_pred and sample ids) through
``Workspace.persist`` and prints rows per second (target >= 50,000 rows/s on 2 cores), then
inserts a smaller number of the same rows one ``execute`` at a time into the same table
layout and prints that rate and the ratio.

Run: ``python benchmarks/store.py [--rows 100000] [--naive-rows 2000]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from sklearn.preprocessing import StandardScaler

import nirs4all.workspace
from nirs4all.data.dataset import FeatureSource, SpectroDataset
from nirs4all.pipeline.records import ChainRecord, ChainStep, PredictionRecord, VariantOutcome
from nirs4all.workspace._arrow import PREDICTION_COLUMNS, prediction_table
from nirs4all.workspace.serialization import serialize

N_VALUES = 50
ROWS_PER_CHAIN = 20  # 10 folds x (val, test)
CHAINS_PER_OUTCOME = 50


def _sha(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()


def _dataset() -> SpectroDataset:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N_VALUES, 8))
    return SpectroDataset(FeatureSource("nir", X), X[:, 0], name="bench")


def _outcomes(n_rows: int, dataset: SpectroDataset) -> list[VariantOutcome]:
    rng = np.random.default_rng(1)
    dataset_hash = dataset.content_hash()
    scaler = StandardScaler().fit(dataset.x())
    sample_ids = np.arange(N_VALUES, dtype=np.int64)
    rows_per_outcome = ROWS_PER_CHAIN * CHAINS_PER_OUTCOME
    outcomes = []
    for v in range(max(1, n_rows // rows_per_outcome)):
        spec = json.dumps({"bench": v})
        pipeline_id = _sha("pipeline", spec)
        chains, predictions = [], []
        for c in range(CHAINS_PER_OUTCOME):
            chain_id = _sha("chain", pipeline_id, dataset_hash, c)
            folds = tuple(str(k) for k in range(ROWS_PER_CHAIN // 2))
            for fold in folds:
                for partition in ("val", "test"):
                    y_true = rng.normal(size=N_VALUES)
                    y_pred = y_true + rng.normal(scale=0.1, size=N_VALUES)
                    predictions.append(PredictionRecord(
                        pipeline_id, chain_id, fold, partition, sample_ids, y_true, y_pred,
                        None, {"rmse": float(np.sqrt(np.mean((y_pred - y_true) ** 2))),
                               "r2": 0.9}))
            steps = (ChainStep(0, "model", '{"class": "StandardScaler"}', (),
                               dict.fromkeys(folds, "scaler")),)
            chains.append(ChainRecord(chain_id, pipeline_id, 0, f"m{c}", "sklearn.Scaler", (c,),
                                      steps, (), folds, "rmse", {"rmse": 1.0}, {}, {}, "raw"))
        outcomes.append(VariantOutcome(
            pipeline_id, spec, f"bench {v}", dataset_hash, (), 0, "cv", "completed", None,
            tuple(chains), tuple(predictions), {"scaler": scaler},
            (("nir", dataset.wavelengths(), "index"),), 0.0))
    return outcomes


def bulk(n_rows: int, folder: Path, batch: int) -> tuple[int, float]:
    """Persist ``n_rows`` predictions, ``batch`` outcomes per transaction."""
    dataset = _dataset()
    outcomes = _outcomes(n_rows, dataset)
    with nirs4all.workspace.open(folder) as ws:
        run_id = ws.begin_run("bench", spec_json="{}", datasets=[dataset], seed=0)
        start = time.perf_counter()
        written = 0
        for i in range(0, len(outcomes), batch):
            written += ws.persist(run_id, outcomes[i:i + batch]).predictions_written
        elapsed = time.perf_counter() - start
    return written, elapsed


def raw_arrow(n_rows: int, folder: Path) -> tuple[int, float]:
    """The floor: the same rows, already in one Arrow table, inserted in one statement."""
    dataset = _dataset()
    outcomes = _outcomes(n_rows, dataset)
    chains = {c.chain_id: c for o in outcomes for c in o.chains}
    records = [p for o in outcomes for p in o.predictions]
    table = prediction_table(records, metrics=dict.fromkeys(chains, "rmse"),
                             dataset_hashes=dict.fromkeys(chains, dataset.content_hash()),
                             created_at=datetime(2024, 1, 1))
    cols = ", ".join(PREDICTION_COLUMNS)
    with nirs4all.workspace.open(folder) as ws:
        con = ws._writable()
        con.register("incoming", table)
        start = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        con.execute(f"INSERT INTO predictions ({cols}) SELECT {cols} FROM incoming")  # noqa: S608
        con.execute("COMMIT")
        elapsed = time.perf_counter() - start
    return table.num_rows, elapsed


def naive(n_rows: int, folder: Path) -> tuple[int, float]:
    """Insert ``n_rows`` predictions with one ``execute`` per row, in one transaction."""
    dataset = _dataset()
    records = [p for o in _outcomes(n_rows, dataset) for p in o.predictions][:n_rows]
    with nirs4all.workspace.open(folder) as ws:
        con = ws._writable()
        start = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        for r in records:
            con.execute(
                "INSERT INTO predictions (pipeline_id, chain_id, fold_id, partition, "
                "dataset_hash, metric, score, scores, n_samples, sample_ids, y_true, y_pred, "
                "array_meta, created_at) VALUES (?, ?, ?, ?, ?, 'rmse', ?, MAP(?, ?), ?, ?, ?, "
                "?, '{}', now())",
                [r.pipeline_id, r.chain_id, r.fold_id, r.partition, dataset.content_hash(),
                 r.scores["rmse"], list(r.scores), list(r.scores.values()), r.n_samples,
                 r.sample_ids.tolist(), r.y_true.tolist(), r.y_pred.tolist()])
        con.execute("COMMIT")
        elapsed = time.perf_counter() - start
    return len(records), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--naive-rows", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100,
                        help="outcomes per persist call (1000 rows each)")
    args = parser.parse_args()
    serialize(StandardScaler())  # import skops once, outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        rows, seconds = bulk(args.rows, Path(tmp) / "bulk", args.batch)
        bulk_rate = rows / seconds
        print(f"persist: {rows} rows in {seconds:.2f} s = {bulk_rate:,.0f} rows/s "
              f"({args.batch} outcomes per transaction)")
        rows1, seconds1 = bulk(min(args.rows, 20_000), Path(tmp) / "one", 1)
        print(f"persist, one outcome per transaction: {rows1} rows in {seconds1:.2f} s = "
              f"{rows1 / seconds1:,.0f} rows/s")
        floor_rows, floor_s = raw_arrow(args.rows, Path(tmp) / "floor")
        print(f"floor, one INSERT of a ready Arrow table: {floor_rows} rows in {floor_s:.2f} s "
              f"= {floor_rows / floor_s:,.0f} rows/s")
        # On a loaded machine both rates drop; their ratio says how close persist is to
        # DuckDB's own cost (1.0 = no Python work left).
        print(f"persist / floor rate: {bulk_rate / (floor_rows / floor_s):.2f}")
        n, naive_s = naive(args.naive_rows, Path(tmp) / "naive")
        naive_rate = n / naive_s
        print(f"row-by-row execute: {n} rows in {naive_s:.2f} s = {naive_rate:,.0f} rows/s")
        print(f"ratio bulk / row-by-row: {bulk_rate / naive_rate:.1f}x")


if __name__ == "__main__":
    main()
