-- 0008_sample_flags_branch_path.sql: the branch an `exclude` or `tag` step ran in.
--
-- A filter inside a branch flags rows for that branch's fits only, and a step after an
-- unmerged branch runs once per branch with one step index, so the branch path joins the
-- natural key. `branch_path` is the path as text ("0", "1.2"; "" outside any branch): DuckDB
-- takes no list column in a UNIQUE key. A UNIQUE constraint cannot be altered in place, so
-- the table is rebuilt; rows written before this migration ran outside any branch.

CREATE TABLE sample_flags_v8 (
    run_id VARCHAR NOT NULL,
    pipeline_id VARCHAR NOT NULL CHECK (regexp_full_match(pipeline_id, '[0-9a-f]{64}')),
    dataset_hash VARCHAR NOT NULL CHECK (regexp_full_match(dataset_hash, '[0-9a-f]{64}')),
    seed BIGINT NOT NULL,
    step_index INTEGER NOT NULL,
    branch_path VARCHAR NOT NULL CHECK (regexp_full_match(branch_path, '([0-9]+(\.[0-9]+)*)?')),
    action VARCHAR NOT NULL CHECK (action IN ('exclude', 'tag')),
    fold_id VARCHAR NOT NULL,
    sample_index BIGINT NOT NULL,
    sample_id VARCHAR NOT NULL,
    filter VARCHAR NOT NULL,
    tag_name VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (pipeline_id, dataset_hash, seed, step_index, branch_path, fold_id, sample_index,
            tag_name)
);

INSERT INTO sample_flags_v8 (run_id, pipeline_id, dataset_hash, seed, step_index, branch_path,
                             action, fold_id, sample_index, sample_id, filter, tag_name,
                             reason, created_at)
SELECT run_id, pipeline_id, dataset_hash, seed, step_index, '', action, fold_id, sample_index,
       sample_id, filter, tag_name, reason, created_at
FROM sample_flags;

DROP TABLE sample_flags;
ALTER TABLE sample_flags_v8 RENAME TO sample_flags;
