-- 0006_tuning_failures_trials.sql: where a failed variant pass failed, and fine-tuning trials.
--
-- pipelines.failed_step / failed_fold name the step ("steps[2] (PLSRegression(...))") and
-- the fold key ("0", "1", ... or "final") of a pass whose status is 'failed'
-- (run(continue_on_error=...)); both stay NULL on completed passes.
--
-- trials holds one row per Optuna trial of a model step with finetune_params: the run, the
-- variant and dataset it tuned, the model step and its branch path, the study ('pooled'
-- for approach grouped, the fold key it was scored on for single and individual), the
-- trial number, the sampled parameters (canonical JSON), the objective in the run's
-- ranking metric and the trial state. A trial is written once; a rerun of the same run
-- restores the tuned pass with its trials and does not run them again; the writer inserts
-- only trials whose key is not stored yet.

ALTER TABLE pipelines ADD COLUMN failed_step VARCHAR;
ALTER TABLE pipelines ADD COLUMN failed_fold VARCHAR;

CREATE TABLE trials (
    run_id VARCHAR NOT NULL,
    pipeline_id VARCHAR NOT NULL CHECK (regexp_full_match(pipeline_id, '[0-9a-f]{64}')),
    dataset_hash VARCHAR NOT NULL CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    model_step INTEGER NOT NULL,
    branch_path INTEGER[] NOT NULL,
    study VARCHAR NOT NULL,
    trial_number INTEGER NOT NULL CHECK (trial_number >= 0),
    params JSON NOT NULL,
    score DOUBLE,
    metric VARCHAR NOT NULL,
    state VARCHAR NOT NULL CHECK (state IN ('complete', 'pruned', 'fail')),
    duration_s DOUBLE,
    created_at TIMESTAMP NOT NULL
);
-- The key (run_id, pipeline_id, dataset_hash, model_step, branch_path, study,
-- trial_number) is kept unique by the writer: DuckDB takes no list column in an index key.
