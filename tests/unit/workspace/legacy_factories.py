"""Small workspaces in the nirs4all 0.x layout, with the quirks real 0.x stores have.

The DDL is the 0.x schema (reference section 5.2). ``build_legacy_workspace`` writes two runs
of the same script (the second a rerun: logical duplicates under new UUIDs, and chains
pointing at artifact ids the first run created), each with a CV pipeline and a separate
``pipeline_refit`` pipeline; fold ids ``"0"``, ``"1"``, ``"avg"``, ``"w_avg"``, ``""``;
``"fold_<k>"`` keys in chains; refit rows with a 0.0 validation score; a prediction without
a chain; two rows with the same natural key; an artifact row whose file is missing and a
file without a row; a step log.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import duckdb
import joblib
import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.preprocessing import MinMaxScaler

LEGACY_DDL = """
CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, config JSON,
    datasets JSON, status VARCHAR DEFAULT 'running', created_at TIMESTAMP DEFAULT now(),
    completed_at TIMESTAMP, summary JSON, error VARCHAR);
CREATE TABLE pipelines (pipeline_id VARCHAR PRIMARY KEY, run_id VARCHAR NOT NULL
    REFERENCES runs(run_id), name VARCHAR NOT NULL, expanded_config JSON,
    generator_choices JSON, dataset_name VARCHAR NOT NULL, dataset_hash VARCHAR,
    status VARCHAR DEFAULT 'running', created_at TIMESTAMP DEFAULT now(),
    completed_at TIMESTAMP, best_val DOUBLE, best_test DOUBLE, metric VARCHAR,
    duration_ms INTEGER, error VARCHAR);
CREATE TABLE chains (chain_id VARCHAR PRIMARY KEY, pipeline_id VARCHAR NOT NULL
    REFERENCES pipelines(pipeline_id), steps JSON NOT NULL, model_step_idx INTEGER NOT NULL,
    model_class VARCHAR NOT NULL, preprocessings VARCHAR DEFAULT '',
    fold_strategy VARCHAR DEFAULT 'per_fold', fold_artifacts JSON, shared_artifacts JSON,
    branch_path JSON, source_index INTEGER, created_at TIMESTAMP DEFAULT now());
CREATE TABLE predictions (prediction_id VARCHAR PRIMARY KEY, pipeline_id VARCHAR NOT NULL,
    chain_id VARCHAR, dataset_name VARCHAR NOT NULL, model_name VARCHAR NOT NULL,
    model_class VARCHAR NOT NULL, fold_id VARCHAR NOT NULL, partition VARCHAR NOT NULL,
    val_score DOUBLE, test_score DOUBLE, train_score DOUBLE, metric VARCHAR NOT NULL,
    task_type VARCHAR NOT NULL, n_samples INTEGER, n_features INTEGER, scores JSON,
    best_params JSON, preprocessings VARCHAR DEFAULT '', branch_id INTEGER, branch_name VARCHAR,
    exclusion_count INTEGER DEFAULT 0, exclusion_rate DOUBLE DEFAULT 0.0
    {refit_column}, created_at TIMESTAMP DEFAULT now());
CREATE TABLE prediction_arrays (prediction_id VARCHAR PRIMARY KEY
    REFERENCES predictions(prediction_id), y_true DOUBLE[], y_pred DOUBLE[], y_proba DOUBLE[],
    sample_indices INTEGER[], weights DOUBLE[]);
CREATE TABLE artifacts (artifact_id VARCHAR PRIMARY KEY, artifact_path VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL, operator_class VARCHAR, artifact_type VARCHAR,
    format VARCHAR DEFAULT 'joblib', size_bytes BIGINT, ref_count INTEGER DEFAULT 1
    {artifact_columns}, created_at TIMESTAMP DEFAULT now());
CREATE TABLE logs (log_id VARCHAR PRIMARY KEY, pipeline_id VARCHAR NOT NULL, step_idx INTEGER
    NOT NULL, operator_class VARCHAR, event VARCHAR NOT NULL, duration_ms INTEGER,
    message VARCHAR, details JSON, level VARCHAR DEFAULT 'info', created_at TIMESTAMP
    DEFAULT now());
"""


def _uuid(*parts: object) -> str:
    text = hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:32]}"


def _joblib_bytes(obj: object) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=3)
    return buffer.getvalue()


def fitted_objects() -> tuple[np.ndarray, MinMaxScaler, list[PLSRegression]]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 6))
    y = X @ rng.normal(size=6)
    scaler = MinMaxScaler().fit(X)
    models = [PLSRegression(2).fit(scaler.transform(X[i::2]), y[i::2]) for i in range(2)]
    models.append(PLSRegression(2).fit(scaler.transform(X), y))
    return X, scaler, models


def build_legacy_workspace(folder: Path, *, with_refit_column: bool = True) -> dict:
    """Write a 0.x workspace; return facts the tests check against."""
    folder.mkdir(parents=True)
    con = duckdb.connect(str(folder / "store.duckdb"))
    con.execute(LEGACY_DDL.format(
        refit_column=", refit_context VARCHAR DEFAULT NULL" if with_refit_column else "",
        artifact_columns=(", chain_path_hash VARCHAR, input_data_hash VARCHAR, "
                          "dataset_hash VARCHAR") if with_refit_column else ""))
    X, scaler, models = fitted_objects()
    artifacts = {"config_0cc972$7c1fa10edc2c:all": ("transformer", scaler),
                 "config_0cc972$4a40f902eb51:0": ("model", models[0]),
                 "config_0cc972$4a40f902eb51:1": ("model", models[1]),
                 "pipeline_refit$4a40f902eb51:all": ("model", models[2])}
    for artifact_id, (kind, obj) in artifacts.items():
        data = _joblib_bytes(obj)
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{kind}_{type(obj).__name__}_{digest[:12]}.joblib"
        (folder / "artifacts" / digest[:2]).mkdir(parents=True, exist_ok=True)
        (folder / "artifacts" / relative).write_bytes(data)
        con.execute("INSERT INTO artifacts (artifact_id, artifact_path, content_hash, "
                    "operator_class, artifact_type, format, size_bytes) VALUES "
                    "(?, ?, ?, ?, ?, 'joblib', ?)",
                    [artifact_id, relative, f"sha256:{digest}", type(obj).__name__, kind,
                     len(data)])
    con.execute("INSERT INTO artifacts (artifact_id, artifact_path, content_hash, format) "
                "VALUES ('lost$000000000000:0', 'ab/model_Lost_abababababab.joblib', "
                "'sha256:abab', 'joblib')")
    (folder / "artifacts" / "ff").mkdir(exist_ok=True)
    (folder / "artifacts" / "ff" / "model_Orphan_ffffffffffff.joblib").write_bytes(b"orphan")
    y = X @ np.ones(6)
    rows = []
    for run in range(2):
        run_id = _uuid("run", run)
        con.execute("INSERT INTO runs (run_id, name, config, datasets, status) VALUES "
                    "(?, 'demo', '{\"steps\": 3}', '[\"corn\"]', ?)",
                    [run_id, "completed" if run == 0 else "running"])
        cv, refit = _uuid("cv", run), _uuid("refit", run)
        for pipeline_id, name in ((cv, "config_0cc972"), (refit, "pipeline_refit")):
            legacy_hash = "0cc972" if run == 0 else hashlib.sha256(X.tobytes()).hexdigest()
            con.execute("INSERT INTO pipelines (pipeline_id, run_id, name, expanded_config, "
                        "dataset_name, dataset_hash, status, metric, duration_ms) VALUES "
                        "(?, ?, ?, '[{\"class\": \"MinMaxScaler\"}]', 'corn', ?, 'completed', "
                        "'rmse', 1200)", [pipeline_id, run_id, name, legacy_hash])
        chain_cv, chain_refit = _uuid("chain-cv", run), _uuid("chain-refit", run)
        steps = json.dumps([
            {"step_idx": 0, "operator_class": "MinMaxScaler", "params": {},
             "artifact_ids": ["config_0cc972$7c1fa10edc2c:all"], "stateless": False},
            {"step_idx": 2, "operator_class": "PLSRegression", "params": {"n_components": 2},
             "artifact_ids": [], "stateless": False}])
        con.execute("INSERT INTO chains (chain_id, pipeline_id, steps, model_step_idx, "
                    "model_class, preprocessings, fold_artifacts, shared_artifacts, "
                    "branch_path) VALUES (?, ?, ?, 2, 'PLSRegression', 'MinMax', ?, ?, ?)",
                    [chain_cv, cv, steps,
                     json.dumps({"fold_0": "config_0cc972$4a40f902eb51:0",
                                 "fold_1": "config_0cc972$4a40f902eb51:1"}),
                     json.dumps({"0": ["config_0cc972$7c1fa10edc2c:all"]}),
                     "[0]" if run == 0 else None])
        con.execute("INSERT INTO chains (chain_id, pipeline_id, steps, model_step_idx, "
                    "model_class, fold_artifacts, shared_artifacts, branch_path) VALUES "
                    "(?, ?, ?, 2, 'PLSRegression', ?, ?, '[]')",
                    [chain_refit, refit, steps,
                     json.dumps({"fold_0": "pipeline_refit$4a40f902eb51:all"}),
                     json.dumps({"0": ["config_0cc972$7c1fa10edc2c:all"],
                                 "1": ["lost$000000000000:0"]})])
        val = [(0, np.arange(0, 20, 2)), (1, np.arange(1, 20, 2))]
        for fold, idx in val:
            rows.append((f"{run}-v{fold}", cv, chain_cv, str(fold), "val", y[idx],
                         y[idx] + 0.1 * (fold + 1), 0.1 * (fold + 1), None, None))
        for fold_id in ("avg", "w_avg"):
            rows.append((f"{run}-{fold_id}", cv, chain_cv, fold_id, "val", y, y + 0.15, 0.15,
                         None, None))
        rows.append((f"{run}-t0", cv, chain_cv, "0", "test", y[:5], y[:5] + 0.2, None, 0.2,
                     None))
        rows.append((f"{run}-rt", refit, chain_refit, "0", "test", y[:5], y[:5] + 0.05, 0.0,
                     0.05, "standalone" if with_refit_column else None))
        rows.append((f"{run}-rtr", refit, chain_refit, "0", "train", y, y + 0.01, 0.0, None,
                     "standalone" if with_refit_column else None))
    rows.append(("nochain", _uuid("cv", 0), "", "0", "val", y, y, 1.0, None, None))
    rows.append(("0-v0-twin", _uuid("cv", 0), _uuid("chain-cv", 0), "0", "val", y[:3], y[:3],
                 0.3, None, None))
    rows.append(("nocv", _uuid("cv", 0), _uuid("chain-cv", 0), "", "train", y, y, None, None,
                 None))
    for pid, pipeline, chain, fold, partition, y_true, y_pred, val, test, refit in rows:
        scores = ({"val": {"rmse": 0.0}, partition: {"rmse": 0.05}} if pid.endswith(("rt", "rtr"))
                  else {"rmse": float(val if val is not None else test or 0.0)})
        columns = ("prediction_id, pipeline_id, chain_id, dataset_name, model_name, model_class, "
                   "fold_id, partition, val_score, test_score, metric, task_type, n_samples, "
                   "scores")
        values = [pid, pipeline, chain, "corn", "PLS-2", "PLSRegression", fold, partition, val,
                  test, "rmse", "regression", len(y_true), json.dumps(scores)]
        if with_refit_column:
            columns += ", refit_context"
            values.append(refit)
        con.execute(f"INSERT INTO predictions ({columns}) VALUES "  # noqa: S608
                    f"({', '.join('?' * len(values))})", values)
        con.execute("INSERT INTO prediction_arrays (prediction_id, y_true, y_pred) VALUES "
                    "(?, ?, ?)", [pid, list(map(float, y_true)), list(map(float, y_pred))])
    con.execute("INSERT INTO logs (log_id, pipeline_id, step_idx, operator_class, event, "
                "message) VALUES ('log-1', ?, 0, 'MinMaxScaler', 'fit', 'fitted')",
                [_uuid("cv", 0)])
    con.close()
    return {"X": X, "scaler": scaler, "models": models, "n_predictions": len(rows),
            "cv_pipeline": _uuid("cv", 0), "refit_pipeline": _uuid("refit", 0),
            "chain_cv": _uuid("chain-cv", 0), "chain_refit": _uuid("chain-refit", 0)}


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (to prove the old workspace is untouched)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
