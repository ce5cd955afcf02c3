-- 0002_legacy_import.sql: provenance of rows imported from a nirs4all 0.x workspace.
--
-- The import (nirs4all.workspace.legacy) writes 0.x rows into the tables of 0001 under new
-- SHA-256 identities derived from the 0.x ids, and records here what it read, what it
-- changed and what it could not bring forward.

CREATE TABLE legacy_imports (
    import_id VARCHAR PRIMARY KEY,
    source_path VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    report JSON NOT NULL
);

-- Old id -> new id of every imported run, pipeline, chain, prediction and artifact.
-- For pipelines, legacy_dataset_hash keeps the 0.x dataset_hash column as it was (a pipeline
-- hash or a hash of the raw features, never a dataset content hash).
CREATE TABLE legacy_ids (
    kind VARCHAR NOT NULL
        CHECK (kind IN ('run', 'pipeline', 'chain', 'prediction', 'artifact')),
    legacy_id VARCHAR NOT NULL,
    new_id VARCHAR NOT NULL,
    import_id VARCHAR NOT NULL,
    legacy_name VARCHAR,
    legacy_dataset_hash VARCHAR,
    UNIQUE (import_id, kind, legacy_id)
);

-- 0.x "avg" and "w_avg" rows: aggregates of fold predictions, not folds; kept as they were.
CREATE TABLE legacy_aggregate_predictions (
    legacy_prediction_id VARCHAR NOT NULL,
    import_id VARCHAR NOT NULL,
    pipeline_id VARCHAR NOT NULL,
    chain_id VARCHAR NOT NULL,
    aggregate VARCHAR NOT NULL CHECK (aggregate IN ('avg', 'w_avg')),
    partition VARCHAR NOT NULL,
    metric VARCHAR,
    scores MAP(VARCHAR, DOUBLE) NOT NULL,
    n_samples INTEGER,
    sample_ids BIGINT[],
    y_true DOUBLE[],
    y_pred DOUBLE[],
    y_proba DOUBLE[],
    UNIQUE (import_id, legacy_prediction_id)
);

-- What the import noticed: normalized fold ids, inferred refits, logical duplicates,
-- artifact id collisions, unverifiable artifact references, files without a row, and rows
-- it could not write (kept verbatim in detail.row).
CREATE TABLE legacy_findings (
    import_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    legacy_table VARCHAR NOT NULL,
    legacy_id VARCHAR,
    related_id VARCHAR,
    detail JSON NOT NULL
);

-- 0.x step logs, kept as they were (the 0.8 store writes no step logs of its own).
CREATE TABLE legacy_logs (
    import_id VARCHAR NOT NULL,
    log_id VARCHAR NOT NULL,
    legacy_pipeline_id VARCHAR,
    pipeline_id VARCHAR,
    step_idx INTEGER,
    operator_class VARCHAR,
    event VARCHAR,
    duration_ms INTEGER,
    message VARCHAR,
    details JSON,
    level VARCHAR,
    created_at TIMESTAMP
);
