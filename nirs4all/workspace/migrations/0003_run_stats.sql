-- 0003_run_stats.sql: observability counters of each run.
--
-- runs.stats holds the counters nirs4all.run collects (variants, cache hits and bytes
-- saved, predictions written, wall time per phase...), written when the run completes.

ALTER TABLE runs ADD COLUMN stats JSON;
