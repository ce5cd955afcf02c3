-- 0005_tuning_failures_trials.sql: where a failed variant pass failed, and fine-tuning trials.
--
-- pipelines.failed_step / failed_fold name the step ("steps[2] (PLSRegression(...))") and
-- the fold key ("0", "1", ... or "final") of a pass whose status is 'failed'
-- (run(continue_on_error=...)); both stay NULL on completed passes.
--
-- trials holds one row per Optuna trial of a model step with finetune_params: the run, the
-- variant and dataset it tuned, the model step, the trial number, the sampled parameters
-- (canonical JSON), the objective (pooled CV score in the run's ranking metric) and the
-- trial state. A trial is written once; a rerun of the same run finds it and does not run
-- it again.

ALTER TABLE pipelines ADD COLUMN failed_step VARCHAR;
ALTER TABLE pipelines ADD COLUMN failed_fold VARCHAR;

CREATE TABLE trials (
    run_id VARCHAR NOT NULL,
    pipeline_id VARCHAR NOT NULL CHECK (regexp_full_match(pipeline_id, '[0-9a-f]{64}')),
    dataset_hash VARCHAR NOT NULL CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    model_step INTEGER NOT NULL,
    trial_number INTEGER NOT NULL CHECK (trial_number >= 0),
    params JSON NOT NULL,
    score DOUBLE,
    metric VARCHAR NOT NULL,
    state VARCHAR NOT NULL CHECK (state IN ('complete', 'pruned', 'fail')),
    duration_s DOUBLE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (run_id, pipeline_id, dataset_hash, model_step, trial_number)
);
