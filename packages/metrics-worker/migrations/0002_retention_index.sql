-- Retention (the scheduled() handler): the oldest runs of every ecosystem, by
-- started_at, found without a scan of the table. (The newest-first read of one
-- ecosystem needs no new index: idx_batch_runs_ecosystem_started_at holds the
-- rowid, the run's id, after started_at, so it serves ORDER BY started_at, id in
-- either direction and the cursor's (started_at, id) comparison.)
CREATE INDEX IF NOT EXISTS idx_batch_runs_started_at ON batch_runs(started_at);
