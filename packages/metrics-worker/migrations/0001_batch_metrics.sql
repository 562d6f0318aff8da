-- Batch validation metrics: one row per batch and ecosystem in batch_runs, one per
-- recipe in recipe_results. The tables and the first five indexes are exactly the
-- existing schema (test/fixtures/upstream/d1-batch-metrics-schema.sql), created
-- only where missing, so this migration also adopts a database that already has them.

CREATE TABLE IF NOT EXISTS batch_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    started_at TEXT NOT NULL,
    completed_at TEXT,
    total_recipes INTEGER NOT NULL DEFAULT 0,
    passed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    success_rate REAL NOT NULL DEFAULT 0.0,
    macos_minutes REAL NOT NULL DEFAULT 0.0,
    linux_minutes REAL NOT NULL DEFAULT 0.0
);

CREATE TABLE IF NOT EXISTS recipe_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_run_id INTEGER NOT NULL,
    recipe_name TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    result TEXT NOT NULL,
    error_category TEXT,
    error_message TEXT,
    duration_seconds REAL NOT NULL DEFAULT 0.0,
    FOREIGN KEY (batch_run_id) REFERENCES batch_runs(id)
);

CREATE INDEX IF NOT EXISTS idx_batch_runs_batch_id ON batch_runs(batch_id);
CREATE INDEX IF NOT EXISTS idx_batch_runs_ecosystem ON batch_runs(ecosystem);
CREATE INDEX IF NOT EXISTS idx_recipe_results_batch_run_id ON recipe_results(batch_run_id);
CREATE INDEX IF NOT EXISTS idx_recipe_results_recipe_name ON recipe_results(recipe_name);
CREATE INDEX IF NOT EXISTS idx_recipe_results_result ON recipe_results(result);

-- Idempotency: at most one run per (batch_id, ecosystem). An upload of the same batch
-- and ecosystem replaces the earlier run and its results (the Worker deletes and
-- inserts them in one transaction), so a retried upload never duplicates rows.
--
-- A database adopted from the old schema may already hold duplicates: uploads are one
-- body per batch and ecosystem, so a duplicate is a retried upload. Keep the newest of
-- each (the highest id) and its results, as the Worker would have; drop the others.
DELETE FROM recipe_results WHERE batch_run_id IN (
    SELECT old.id FROM batch_runs AS old
    WHERE EXISTS (SELECT 1 FROM batch_runs AS newer WHERE newer.batch_id = old.batch_id AND newer.ecosystem = old.ecosystem AND newer.id > old.id)
);
DELETE FROM batch_runs WHERE EXISTS (
    SELECT 1 FROM batch_runs AS newer WHERE newer.batch_id = batch_runs.batch_id AND newer.ecosystem = batch_runs.ecosystem AND newer.id > batch_runs.id
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_batch_runs_batch_id_ecosystem ON batch_runs(batch_id, ecosystem);

-- GET /batch-metrics/ecosystems/<eco>?since=: one ecosystem's runs in time order.
CREATE INDEX IF NOT EXISTS idx_batch_runs_ecosystem_started_at ON batch_runs(ecosystem, started_at);
