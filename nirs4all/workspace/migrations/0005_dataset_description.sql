-- 0005_dataset_description.sql: a dataset's targets and wavelength axes, stored once.
--
-- The dataset row says what a chain trained on: the number of target columns, the class
-- labels of a classification dataset (a JSON list keeping their type: numbers stay numbers)
-- and the full wavelength axis of every source. Exporting a chain reads them here. Until
-- 0004 every pipeline pass carried its own copy of the axes, and the number of targets and
-- the classes were read back from predictions; the copy is dropped from `pipelines`.
--
-- Rows of older stores are filled from what they hold: n_targets from target_names (a
-- dataset has one name per target column), the axes from the first pipeline pass that
-- recorded them, the classes from a stored prediction of the dataset, typed by its
-- array_meta. What cannot be found stays NULL (a store of 0.x rows, a dataset without
-- passes); export then falls back as docs/workspace.md says.

ALTER TABLE datasets ADD COLUMN n_targets INTEGER;
ALTER TABLE datasets ADD COLUMN classes JSON;
ALTER TABLE datasets ADD COLUMN wavelengths STRUCT(source VARCHAR, unit VARCHAR, axis DOUBLE[])[];

UPDATE datasets SET n_targets = len(target_names);

UPDATE datasets SET wavelengths = p.wavelengths
FROM (
    SELECT dataset_hash,
           arg_min(wavelengths, (created_at, run_id, pipeline_id, phase)) AS wavelengths
    FROM pipelines
    WHERE dataset_hash IS NOT NULL AND len(wavelengths) > 0
    GROUP BY dataset_hash
) AS p
WHERE datasets.dataset_hash = p.dataset_hash;

UPDATE datasets SET classes = c.classes
FROM (
    SELECT dataset_hash,
           CASE substr(dtype, 2, 1)
               WHEN 'i' THEN to_json(list_transform(labels, lambda x: CAST(x AS BIGINT)))
               WHEN 'u' THEN to_json(list_transform(labels, lambda x: CAST(x AS BIGINT)))
               WHEN 'f' THEN to_json(list_transform(labels, lambda x: CAST(x AS DOUBLE)))
               WHEN 'b' THEN to_json(list_transform(labels, lambda x: CAST(x AS BOOLEAN)))
               ELSE to_json(labels)
           END AS classes
    FROM (
        SELECT dataset_hash,
               arg_min(classes, (chain_id, fold_id, partition)) AS labels,
               arg_min(json_extract_string(array_meta, '$.classes.dtype'),
                       (chain_id, fold_id, partition)) AS dtype
        FROM predictions
        WHERE dataset_hash IS NOT NULL AND classes IS NOT NULL
        GROUP BY dataset_hash
    )
) AS c
WHERE datasets.dataset_hash = c.dataset_hash AND datasets.task IN ('binary', 'multiclass');

-- DuckDB alters a table only while no index depends on it.
DROP INDEX pipelines_by_pipeline;
ALTER TABLE pipelines DROP COLUMN wavelengths;
CREATE INDEX pipelines_by_pipeline ON pipelines (pipeline_id);
