-- 0004_run_lineage.sql: where a retrained run came from.
--
-- nirs4all.retrain records, on the run it starts, the chain it trained again, the run that
-- chain came from (when the source was a stored run), or the bundle file and the SHA-256 of
-- its bytes (when the source was a bundle), and the retrain mode ('full' or 'transfer').
-- The columns stay NULL on runs that are not retrains.

ALTER TABLE runs ADD COLUMN parent_chain_id VARCHAR;
ALTER TABLE runs ADD COLUMN parent_run_id VARCHAR;
ALTER TABLE runs ADD COLUMN parent_bundle VARCHAR;
ALTER TABLE runs ADD COLUMN parent_bundle_sha256 VARCHAR;
ALTER TABLE runs ADD COLUMN retrain_mode VARCHAR;
