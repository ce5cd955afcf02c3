-- 0007_sample_flags.sql: the samples that `exclude` and `tag` steps flagged.
--
-- One row per (pipeline variant, dataset, seed, step, fold key, sample, tag): `action` says
-- whether the sample left the fits of that fold ('exclude': only the fold's training rows are
-- recorded) or was marked only ('tag'). The natural key makes a rerun write nothing new;
-- `run_id` is the run that first wrote the row.

CREATE TABLE sample_flags (
    run_id VARCHAR NOT NULL,
    pipeline_id VARCHAR NOT NULL CHECK (regexp_full_match(pipeline_id, '[0-9a-f]{64}')),
    dataset_hash VARCHAR NOT NULL CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    seed BIGINT NOT NULL,
    step_index INTEGER NOT NULL,
    action VARCHAR NOT NULL CHECK (action IN ('exclude', 'tag')),
    fold_id VARCHAR NOT NULL,
    sample_index BIGINT NOT NULL,
    sample_id VARCHAR NOT NULL,
    filter VARCHAR NOT NULL,
    tag_name VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (pipeline_id, dataset_hash, seed, step_index, fold_id, sample_index, tag_name)
);
