-- 0001_initial.sql: the workspace schema of nirs4all 0.8.
--
-- Identities are full 64-hex SHA-256 strings (contract 1). Key columns never change once
-- written: predictions, datasets and artifacts are append-only; runs change only their
-- status columns; chains merge new fold artifacts and scores (a refit pass adds "final").
-- Timestamps are UTC.

CREATE TABLE store_info (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(run_id, '[0-9a-f]{64}')),
    name VARCHAR NOT NULL,
    seed BIGINT,
    spec JSON NOT NULL,
    dataset_hashes VARCHAR[] NOT NULL,
    config JSON NOT NULL,
    nirs4all_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL
        CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    error VARCHAR
);

CREATE TABLE datasets (
    dataset_hash VARCHAR PRIMARY KEY
        CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    name VARCHAR NOT NULL,
    task VARCHAR,
    n_samples BIGINT NOT NULL,
    n_train BIGINT NOT NULL,
    n_test BIGINT NOT NULL,
    target_names VARCHAR[] NOT NULL,
    sources STRUCT(name VARCHAR, n_features BIGINT, unit VARCHAR, first DOUBLE, last DOUBLE)[]
        NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One row per pass (cv or refit) of one pipeline variant on one dataset in one run.
CREATE TABLE pipelines (
    run_id VARCHAR NOT NULL,
    pipeline_id VARCHAR NOT NULL CHECK (regexp_full_match(pipeline_id, '[0-9a-f]{64}')),
    dataset_hash VARCHAR CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    phase VARCHAR NOT NULL CHECK (phase IN ('cv', 'refit')),
    name VARCHAR NOT NULL,
    spec JSON NOT NULL,
    choices JSON NOT NULL,
    seed BIGINT,
    status VARCHAR NOT NULL CHECK (status IN ('completed', 'failed')),
    error VARCHAR,
    duration_s DOUBLE,
    wavelengths STRUCT(source VARCHAR, unit VARCHAR, axis DOUBLE[])[] NOT NULL,
    n_chains INTEGER NOT NULL,
    n_predictions INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (run_id, pipeline_id, dataset_hash, phase)
);

-- The replayable path from raw spectra to one model. steps is a JSON list of
-- {"index", "kind", "spec", "branch_path", "artifacts": {fold key: artifact_id}}.
CREATE TABLE chains (
    chain_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(chain_id, '[0-9a-f]{64}')),
    pipeline_id VARCHAR NOT NULL CHECK (regexp_full_match(pipeline_id, '[0-9a-f]{64}')),
    dataset_hash VARCHAR CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    model_step INTEGER NOT NULL,
    model_name VARCHAR NOT NULL,
    model_class VARCHAR NOT NULL,
    branch_path INTEGER[] NOT NULL,
    steps JSON NOT NULL,
    artifact_ids VARCHAR[] NOT NULL,
    source_chains VARCHAR[] NOT NULL,
    fold_ids VARCHAR[] NOT NULL,
    metric VARCHAR NOT NULL,
    higher_is_better BOOLEAN NOT NULL,
    cv_score DOUBLE,
    test_score DOUBLE,
    cv_scores MAP(VARCHAR, DOUBLE) NOT NULL,
    fold_scores MAP(VARCHAR, MAP(VARCHAR, DOUBLE)) NOT NULL,
    test_scores MAP(VARCHAR, DOUBLE) NOT NULL,
    preprocessing VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Arrays are flattened row-major; array_meta holds each array's dtype and trailing shape.
-- Numeric targets and labels go to y_true / y_pred, text labels to the *_labels columns.
-- sample_ids is NULL only for rows imported from 0.x stores, which did not record them.
CREATE TABLE predictions (
    pipeline_id VARCHAR NOT NULL,
    chain_id VARCHAR NOT NULL,
    fold_id VARCHAR NOT NULL
        CHECK (fold_id = 'final' OR regexp_full_match(fold_id, '0|[1-9][0-9]*')),
    partition VARCHAR NOT NULL CHECK (partition IN ('train', 'val', 'test')),
    refit_context VARCHAR CHECK (refit_context IN ('standalone', 'stacking')),
    dataset_hash VARCHAR,
    metric VARCHAR NOT NULL,
    score DOUBLE,
    scores MAP(VARCHAR, DOUBLE) NOT NULL,
    n_samples INTEGER NOT NULL,
    sample_ids BIGINT[],
    y_true DOUBLE[],
    y_pred DOUBLE[],
    y_true_labels VARCHAR[],
    y_pred_labels VARCHAR[],
    y_proba DOUBLE[],
    classes VARCHAR[],
    array_meta JSON NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((fold_id = 'final') = (refit_context IS NOT NULL)),
    UNIQUE (pipeline_id, chain_id, fold_id, partition)
);

-- Content-addressed files: artifacts/<id[:2]>/<id>.<extension>.
CREATE TABLE artifacts (
    artifact_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(artifact_id, '[0-9a-f]{64}')),
    format VARCHAR NOT NULL CHECK (format IN ('skops', 'joblib', 'pickle')),
    extension VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    class_name VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX pipelines_by_pipeline ON pipelines (pipeline_id);
CREATE INDEX chains_by_pipeline ON chains (pipeline_id);
CREATE INDEX chains_by_dataset ON chains (dataset_hash);

-- Validation scores of each chain: the pooled CV score (the ranking one) beside the spread
-- of its per-fold scores.
CREATE VIEW chain_cv_scores AS
SELECT
    c.chain_id,
    c.pipeline_id,
    c.dataset_hash,
    c.model_name,
    c.model_class,
    c.branch_path,
    c.preprocessing,
    c.metric,
    c.higher_is_better,
    c.cv_score AS pooled_cv_score,
    count(p.fold_id) AS n_folds,
    avg(p.score) AS mean_fold_score,
    stddev_samp(p.score) AS std_fold_score,
    min(p.score) AS min_fold_score,
    max(p.score) AS max_fold_score,
    c.test_score
FROM chains AS c
LEFT JOIN predictions AS p
    ON p.chain_id = c.chain_id
    AND p.pipeline_id = c.pipeline_id
    AND p.partition = 'val'
    AND p.fold_id <> 'final'
GROUP BY
    c.chain_id, c.pipeline_id, c.dataset_hash, c.model_name, c.model_class, c.branch_path,
    c.preprocessing, c.metric, c.higher_is_better, c.cv_score, c.test_score;

-- Best chain of each dataset for each ranking metric: pooled CV score, direction aware,
-- ties broken by chain_id.
CREATE VIEW best_chain_per_dataset AS
SELECT * EXCLUDE (rank_in_dataset)
FROM (
    SELECT
        c.dataset_hash,
        c.metric,
        c.chain_id,
        c.pipeline_id,
        c.model_name,
        c.model_class,
        c.branch_path,
        c.preprocessing,
        c.cv_score,
        c.test_score,
        row_number() OVER (
            PARTITION BY c.dataset_hash, c.metric
            ORDER BY CASE WHEN c.higher_is_better THEN -c.cv_score ELSE c.cv_score END,
                     c.chain_id
        ) AS rank_in_dataset
    FROM chains AS c
    WHERE c.dataset_hash IS NOT NULL AND c.cv_score IS NOT NULL AND isfinite(c.cv_score)
)
WHERE rank_in_dataset = 1;
