// Retention (issue 14): a cron trigger's scheduled() deletes the runs that
// started more than RETENTION_DAYS (default 90) before it fired, with their
// results, oldest first, in chunks that are each one transaction; a chunk that
// fails leaves its runs and all their results as they were, so no result is
// ever left without its run nor a run with part of its results.

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { oldRunsStatement, pruneStatements } from '../src/sql.js'
import { type LocalWorker, body, countRows, rows, startWorker, workerRoot } from './local-worker.js'

const DAY = 86_400_000
/** When the trigger fires in these tests. */
const T = Date.parse('2026-12-01T03:17:00Z')
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** [batch_id, ecosystems, started_at]: the history every test starts from. */
const HISTORY: Array<[string, string[], number]> = [
  ['old-200', ['homebrew', 'npm'], T - 200 * DAY],
  ['old-120', ['homebrew'], T - 120 * DAY],
  ['old-91', ['homebrew', 'cask'], T - 91 * DAY],
  ['old-edge', ['homebrew'], T - 90 * DAY - 1_000], // a second more than 90 days: goes
  ['kept-edge', ['homebrew'], T - 90 * DAY], // exactly 90 days: stays
  ['kept-60', ['homebrew', 'npm'], T - 60 * DAY],
  ['kept-1', ['homebrew'], T - DAY]
]
const OLD = ['old-200', 'old-120', 'old-91', 'old-edge']
const KEPT = ['kept-edge', 'kept-60', 'kept-1']

const workers: LocalWorker[] = []
async function worker(bindings: Record<string, string> = {}): Promise<LocalWorker> {
  const w = await startWorker({ bindings: { METRICS_TOKEN: 'mtok-LOCAL-test-secret-0123456789abcdef', ...bindings } })
  workers.push(w)
  for (const [batch, ecosystems, started] of HISTORY) {
    for (const [k, eco] of ecosystems.entries()) {
      const upload = body(rows(5 + k * 3, eco, undefined, `${batch}-${eco}`), { batch_id: batch, ecosystem: eco, started_at: iso(started), completed_at: iso(started + 600_000) })
      const r = await w.request('POST', '/batch-metrics', { body: upload })
      expect(r.status).toBe(201)
    }
  }
  return w
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.dispose()))
})

const batchesLeft = async (w: LocalWorker): Promise<string[]> =>
  [...new Set((await w.db.prepare('SELECT batch_id FROM batch_runs ORDER BY started_at, id').all<{ batch_id: string }>()).results.map((r) => r.batch_id))]

/** No result without its run, and every run with all of its results. */
async function expectConsistent(w: LocalWorker): Promise<void> {
  const orphans = await w.db.prepare('SELECT COUNT(*) AS n FROM recipe_results WHERE batch_run_id NOT IN (SELECT id FROM batch_runs)').first<{ n: number }>()
  expect(orphans!.n).toBe(0)
  const partial = await w.db
    .prepare('SELECT r.batch_id, r.ecosystem, r.total_recipes, (SELECT COUNT(*) FROM recipe_results WHERE batch_run_id = r.id) AS stored FROM batch_runs r')
    .all<{ total_recipes: number; stored: number }>()
  for (const run of partial.results) expect(run).toEqual(expect.objectContaining({ stored: run.total_recipes }))
}

test('wrangler.toml has the cron trigger and the 90-day default', async () => {
  const toml = await readFile(path.join(workerRoot, 'wrangler.toml'), 'utf8')
  const triggers = /^\[triggers\]\s*\ncrons\s*=\s*\[\s*"([^"]+)"\s*\]/m.exec(toml)
  expect(triggers).not.toBeNull()
  expect(triggers![1]!.split(' ')).toHaveLength(5) // minute hour day month weekday
  expect(toml).toMatch(/^\[vars\]\s*\nRETENTION_DAYS\s*=\s*"90"/m)
})

test('the default, 90 days: the older runs go with their results; the recent ones stay, whole', async () => {
  const w = await worker()
  const resultsBefore = await countRows(w.db, 'recipe_results')
  const r = await w.scheduled(new Date(T))
  expect(r.outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(KEPT)
  await expectConsistent(w)
  // old-200: 5 + 8 results, old-120: 5, old-91: 5 + 8, old-edge: 5.
  expect(await countRows(w.db, 'recipe_results')).toBe(resultsBefore - 36)
  // A second run finds nothing more to delete.
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(KEPT)
})

test('RETENTION_DAYS=30 keeps less', async () => {
  const w = await worker({ RETENTION_DAYS: '30' })
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(['kept-1'])
  await expectConsistent(w)
})

test.each(['0', '-5', 'ninety', '1.5', ''])('RETENTION_DAYS=%j is refused: nothing is deleted, and the invocation fails so it shows', async (days) => {
  const w = await worker({ RETENTION_DAYS: days })
  const before = await countRows(w.db, 'recipe_results')
  expect((await w.scheduled(new Date(T))).outcome).toBe('exception')
  expect(await batchesLeft(w)).toEqual([...OLD, ...KEPT])
  expect(await countRows(w.db, 'recipe_results')).toBe(before)
})

test('one chunk of two runs per invocation: each invocation deletes the two oldest, whole; the next ones finish', async () => {
  const w = await worker({ RETENTION_CHUNK_RUNS: '2', RETENTION_MAX_CHUNKS: '1' })
  // The old runs, oldest first: old-200 (homebrew, npm), old-120, old-91 (homebrew, cask), old-edge.
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(['old-120', 'old-91', 'old-edge', ...KEPT])
  await expectConsistent(w)
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(['old-91', 'old-edge', ...KEPT]) // old-120 and old-91's first run
  await expectConsistent(w)
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(KEPT)
  await expectConsistent(w)
})

test('a failure between chunks: the chunks before it are deleted whole, the failing one is left whole, and a later run finishes', async () => {
  const w = await worker({ RETENTION_CHUNK_RUNS: '2' })
  // The second chunk (old-120 and old-91's first run) cannot delete old-120's run.
  await w.db.prepare("CREATE TRIGGER keep_old_120 BEFORE DELETE ON batch_runs WHEN OLD.batch_id = 'old-120' BEGIN SELECT RAISE(ABORT, 'injected failure'); END").run()
  try {
    expect((await w.scheduled(new Date(T))).outcome).toBe('exception')
    expect(await batchesLeft(w)).toEqual(['old-120', 'old-91', 'old-edge', ...KEPT])
    await expectConsistent(w) // old-120's results were deleted in the same transaction, and rolled back with it
  } finally {
    await w.db.prepare('DROP TRIGGER keep_old_120').run()
  }
  expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  expect(await batchesLeft(w)).toEqual(KEPT)
  await expectConsistent(w)
})

test('a failure half way through a chunk’s results: the whole chunk is rolled back, no run loses part of its results', async () => {
  const w = await worker({ RETENTION_CHUNK_RUNS: '3' })
  // The first chunk is old-200 (homebrew, npm) and old-120; the failure is on old-120's third result.
  await w.db
    .prepare("CREATE TRIGGER keep_one_result BEFORE DELETE ON recipe_results WHEN OLD.recipe_name = 'old-120-homebrew-00002' BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    .run()
  try {
    const before = await countRows(w.db, 'recipe_results')
    expect((await w.scheduled(new Date(T))).outcome).toBe('exception')
    expect(await batchesLeft(w)).toEqual([...OLD, ...KEPT])
    expect(await countRows(w.db, 'recipe_results')).toBe(before)
    await expectConsistent(w)
  } finally {
    await w.db.prepare('DROP TRIGGER keep_one_result').run()
  }
})

test('a run is judged by its started_at as stored now: a correction that re-dates an old run keeps it', async () => {
  const w = await worker({ RETENTION_CHUNK_RUNS: '1', RETENTION_MAX_CHUNKS: '1' })
  // A correction of old-91 (homebrew), re-dated to yesterday.
  const redated = body(rows(4, 'homebrew', undefined, 'redated'), { batch_id: 'old-91', ecosystem: 'homebrew', started_at: iso(T - DAY), completed_at: iso(T - DAY + 60_000) })
  expect((await w.request('POST', '/batch-metrics?replace=true', { body: redated })).status).toBe(201)
  for (let i = 0; i < 8; i++) expect((await w.scheduled(new Date(T))).outcome).toBe('ok')
  const left = (await w.db.prepare('SELECT batch_id, ecosystem FROM batch_runs ORDER BY batch_id, ecosystem').all()).results
  expect(left).toEqual([
    { batch_id: 'kept-1', ecosystem: 'homebrew' },
    { batch_id: 'kept-60', ecosystem: 'homebrew' },
    { batch_id: 'kept-60', ecosystem: 'npm' },
    { batch_id: 'kept-edge', ecosystem: 'homebrew' },
    { batch_id: 'old-91', ecosystem: 'homebrew' }
  ])
  await expectConsistent(w)
})

test('the oldest runs are found through the started_at index (migration 0002), and a chunk’s deletes through the ids and batch_run_id: no scan, no sort', async () => {
  const w = await worker()
  const plan = async (sql: string, params: Array<string | number | null>): Promise<string> =>
    (
      await w.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>()
    ).results
      .map((r) => r.detail)
      .join(' | ')
  const pick = oldRunsStatement(iso(T - 90 * DAY), 500)
  const picked = await plan(pick.sql, pick.params)
  expect(picked).toMatch(/SEARCH r USING (COVERING )?INDEX idx_batch_runs_started_at \(started_at<\?\)/)
  expect(picked).toMatch(/USING COVERING INDEX idx_recipe_results_batch_run_id/)
  expect(picked).not.toMatch(/TEMP B-TREE|SCAN r\b/)
  const [results, runs] = pruneStatements([1, 2], iso(T - 90 * DAY))
  expect(await plan(results!.sql, results!.params)).toMatch(/USING (COVERING )?INDEX idx_recipe_results_batch_run_id/)
  expect(await plan(runs!.sql, runs!.params)).toMatch(/USING INTEGER PRIMARY KEY/)
})
