// The migrations on a real local D1: they apply in order on a fresh database,
// once; they give the existing schema's columns; and they adopt a database
// created from the existing schema, duplicates and all.

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { type LocalWorker, applyMigrations, body, countRows, migrationFiles, rows, splitSql, startWorker, storedResults, workerRoot } from './local-worker.js'

/** test/fixtures/upstream/d1-batch-metrics-schema.sql: the schema of the D1 that exists today. */
const FIXTURE = path.join(workerRoot, '..', '..', 'test', 'fixtures', 'upstream', 'd1-batch-metrics-schema.sql')

const workers: LocalWorker[] = []
async function worker(migrate: boolean): Promise<LocalWorker> {
  const w = await startWorker({ migrate })
  workers.push(w)
  return w
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.dispose()))
})

type D1 = LocalWorker['db']
interface Column {
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
}
const columns = async (db: D1, table: string): Promise<Column[]> =>
  (await db.prepare(`PRAGMA table_info(${table})`).all<Column>()).results.map(({ name, type, notnull, dflt_value, pk }) => ({ name, type, notnull, dflt_value, pk }))
const indexes = async (db: D1): Promise<Array<{ name: string; tbl_name: string; sql: string }>> =>
  (await db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all<{ name: string; tbl_name: string; sql: string }>())
    .results

async function createFixtureSchema(db: D1): Promise<void> {
  await db.batch(splitSql(await readFile(FIXTURE, 'utf8')).map((s) => db.prepare(s)))
}

test('a fresh database: every migration applies, in order, once; the tables and indexes are there', async () => {
  const w = await worker(false)
  const files = await migrationFiles()
  expect(files.slice(0, 2)).toEqual(['0001_batch_metrics.sql', '0002_retention_index.sql'])
  expect(files).toEqual([...files].sort())

  expect(await applyMigrations(w.db)).toEqual(files)
  expect(await applyMigrations(w.db)).toEqual([]) // a second apply does nothing
  const recorded = await w.db.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>()
  expect(recorded.results.map((r) => r.name)).toEqual(files)

  const tables = await w.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('batch_runs', 'recipe_results') ORDER BY name").all<{ name: string }>()
  expect(tables.results.map((t) => t.name)).toEqual(['batch_runs', 'recipe_results'])
  const names = (await indexes(w.db)).map((i) => i.name)
  expect(names).toEqual(
    expect.arrayContaining([
      'idx_batch_runs_batch_id',
      'idx_batch_runs_ecosystem',
      'idx_recipe_results_batch_run_id',
      'idx_recipe_results_recipe_name',
      'idx_recipe_results_result',
      'idx_batch_runs_batch_id_ecosystem',
      'idx_batch_runs_ecosystem_started_at',
      'idx_batch_runs_started_at'
    ])
  )
  const unique = (await indexes(w.db)).find((i) => i.name === 'idx_batch_runs_batch_id_ecosystem')!
  expect(unique.sql).toMatch(/^CREATE UNIQUE INDEX .* ON batch_runs\s*\(batch_id, ecosystem\)/)

  // The unique index holds, in the database itself.
  const run = "INSERT INTO batch_runs (batch_id, ecosystem, started_at) VALUES ('2026-03-04-001', 'npm', '2026-03-04T10:00:00Z')"
  await w.db.prepare(run).run()
  await expect(w.db.prepare(run).run()).rejects.toThrow(/UNIQUE constraint failed: batch_runs\.batch_id, batch_runs\.ecosystem/)
  // And so does the foreign key (D1 enforces foreign keys).
  await expect(
    w.db.prepare("INSERT INTO recipe_results (batch_run_id, recipe_name, ecosystem, result) VALUES (999, 'x', 'npm', 'passed')").run()
  ).rejects.toThrow(/FOREIGN KEY constraint failed/)
})

test('the columns are the existing schema’s, name for name, type for type, default for default', async () => {
  const fresh = await worker(true)
  const existing = await worker(false)
  await createFixtureSchema(existing.db)
  for (const table of ['batch_runs', 'recipe_results']) {
    const want = await columns(existing.db, table)
    expect(want.length).toBeGreaterThan(5)
    expect(await columns(fresh.db, table)).toEqual(want)
  }
  // The existing indexes are all kept, with the same definitions.
  const before = await indexes(existing.db)
  const after = await indexes(fresh.db)
  for (const i of before) expect(after.find((a) => a.name === i.name)?.sql.replace(/\s+/g, ' ')).toBe(i.sql.replace(/\s+/g, ' '))
})

test('adopting a database created from the existing schema: duplicates of a retried upload collapse to the newest, everything else is kept', async () => {
  const w = await worker(false)
  await createFixtureSchema(w.db)
  const run = (batch: string, eco: string, passed: number): ReturnType<D1['prepare']> =>
    w.db
      .prepare("INSERT INTO batch_runs (batch_id, ecosystem, started_at, total_recipes, passed, success_rate) VALUES (?, ?, '2026-03-03T10:00:00Z', ?, ?, 1)")
      .bind(batch, eco, passed, passed)
  const result = (runId: number, name: string, eco: string): ReturnType<D1['prepare']> =>
    w.db.prepare("INSERT INTO recipe_results (batch_run_id, recipe_name, ecosystem, result) VALUES (?, ?, ?, 'passed')").bind(runId, name, eco)
  await w.db.batch([
    run('2026-03-03-001', 'homebrew', 2), // id 1: retried below
    result(1, 'old-a', 'homebrew'),
    result(1, 'old-b', 'homebrew'),
    run('2026-03-03-001', 'npm', 1), // id 2: no duplicate
    result(2, 'left-pad', 'npm'),
    run('2026-03-03-001', 'homebrew', 1), // id 3: the retry, newest
    result(3, 'new-a', 'homebrew')
  ])

  expect(await applyMigrations(w.db)).toEqual(await migrationFiles())
  expect((await indexes(w.db)).map((i) => i.name)).toEqual(expect.arrayContaining(['idx_batch_runs_batch_id_ecosystem', 'idx_batch_runs_started_at']))
  const runs = await w.db.prepare('SELECT id, batch_id, ecosystem, passed FROM batch_runs ORDER BY id').all()
  expect(runs.results).toEqual([
    { id: 2, batch_id: '2026-03-03-001', ecosystem: 'npm', passed: 1 },
    { id: 3, batch_id: '2026-03-03-001', ecosystem: 'homebrew', passed: 1 }
  ])
  const kept = await w.db.prepare('SELECT batch_run_id, recipe_name FROM recipe_results ORDER BY id').all()
  expect(kept.results).toEqual([
    { batch_run_id: 2, recipe_name: 'left-pad' },
    { batch_run_id: 3, recipe_name: 'new-a' }
  ])

  // The Worker then writes into the adopted database like into a fresh one.
  const upload = body(rows(5, 'homebrew'), { batch_id: '2026-03-03-001' })
  const r = await w.request('POST', '/batch-metrics', { body: upload })
  expect(r.status).toBe(201)
  expect(r.body).toMatchObject({ results: 5, replaced: true })
  expect(await storedResults(w.db, '2026-03-03-001', 'homebrew')).toEqual(upload.results)
  expect(await storedResults(w.db, '2026-03-03-001', 'npm')).toHaveLength(1)
  expect(await countRows(w.db, 'batch_runs')).toBe(2)
})

test('the Worker refuses to store into a database whose migrations were not applied (500, and it says why)', async () => {
  const w = await worker(false)
  const r = await w.request('POST', '/batch-metrics', { body: body(rows(3)) })
  expect(r.status).toBe(500)
  expect(r.body.error).toMatch(/nothing was stored: .*no such table/)
})
