// End to end: the bundled record-batch action (actions/record-batch/dist/index.js),
// run in a child process as the runner runs it, in a clone whose origin is a local
// bare repository, uploads to the real Worker on a real local D1 (Miniflare on
// 127.0.0.1); the rows are then read back from D1 and compared with the results file.

import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, type TestRepo, createRepo, expectExit, runAction } from '../../../test/harness.js'
import { type LocalWorker, type Row, TOKEN, startWorker, storedResults } from './local-worker.js'

const NOW = '2026-03-04T10:00:00Z'
const MONDAY = '2026-03-02T00:00:00Z'

const control = {
  enabled: true,
  disabled_ecosystems: [],
  reason: '',
  circuit_breaker: {},
  budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false }
}

/** A line of the results file, as the batch's jobs write it (docs/contract.md §6). */
interface Line {
  recipe_name?: string
  name?: string
  ecosystem: string
  result: Row['result']
  error_category?: string
  error_message?: string
  duration_seconds?: number
  platform?: string
}

const RESULTS: Line[] = [
  { recipe_name: 'ripgrep', ecosystem: 'homebrew', result: 'passed', duration_seconds: 12.5, platform: 'macos-14' },
  { recipe_name: 'fd', ecosystem: 'homebrew', result: 'failed', error_category: 'checksum', error_message: 'sha256 mismatch: expected 9f…, got 0a…' },
  { name: 'jq', ecosystem: 'homebrew', result: 'blocked', error_category: 'dependency' },
  { recipe_name: 'left-pad', ecosystem: 'npm', result: 'passed', duration_seconds: 3 },
  { recipe_name: 'bat', ecosystem: 'homebrew', result: 'skipped' },
  { recipe_name: 'is-odd', ecosystem: 'npm', result: 'failed', error_category: 'network', error_message: 'ETIMEDOUT "registry"\nsecond line' },
  ...Array.from({ length: 300 }, (_, i): Line => ({ recipe_name: `formula-${i}`, ecosystem: 'homebrew', result: i % 10 === 0 ? 'failed' : 'passed', duration_seconds: i / 10 })),
  { recipe_name: 'firefox', ecosystem: 'cask', result: 'passed', duration_seconds: 200 }
]

/** The rows D1 should hold for one ecosystem: the file's lines of it, in order. */
const expectedRows = (lines: Line[], eco: string): Row[] =>
  lines
    .filter((l) => l.ecosystem === eco)
    .map((l) => ({
      recipe_name: (l.recipe_name ?? l.name)!,
      ecosystem: l.ecosystem,
      result: l.result,
      error_category: l.error_category ?? null,
      error_message: l.error_message ?? null,
      duration_seconds: l.duration_seconds ?? 0
    }))

function expectedRun(batch: string, lines: Line[], eco: string): Record<string, unknown> {
  const of = lines.filter((l) => l.ecosystem === eco)
  const n = (k: Row['result']): number => of.filter((l) => l.result === k).length
  const [passed, failed] = [n('passed'), n('failed')]
  return {
    batch_id: batch,
    ecosystem: eco,
    started_at: '2026-03-04T09:30:00Z',
    completed_at: NOW,
    total_recipes: of.length,
    passed,
    failed,
    skipped: n('skipped') + n('blocked'),
    success_rate: passed + failed > 0 ? Math.round((passed / (passed + failed)) * 10000) / 10000 : 0
  }
}

let w: LocalWorker
const repos: TestRepo[] = []
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

async function repo(): Promise<TestRepo> {
  const r = await createRepo({ files: { 'batch-control.json': JSON.stringify(control, null, 2) + '\n', 'recipes/a.toml': 'name = "a"\n' } })
  repos.push(r)
  return r
}

let files = 0
async function resultsFile(r: TestRepo, lines: Line[]): Promise<string> {
  const file = path.join(r.root, `results-${++files}.jsonl`)
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  return file
}

function recordBatch(r: TestRepo, batch: string, results: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('record-batch', {
    cwd: r.work,
    inputs: {
      'batch-id': batch,
      results,
      'started-at': '2026-03-04T10:30:00+01:00',
      'metrics-url': `${w.url}/`,
      'metrics-token': TOKEN,
      'macos-minutes': '4',
      'linux-minutes': '6',
      'metrics-deadline-seconds': '20',
      ...inputs
    },
    env: { BATCH_OPS_NOW: NOW, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/recipes', GITHUB_RUN_ID: '4242', GITHUB_REF: 'refs/heads/main' },
    timeoutMs: 60_000
  })
}

const runs = async (batch: string): Promise<Array<Record<string, unknown>>> =>
  (await w.db.prepare('SELECT * FROM batch_runs WHERE batch_id = ? ORDER BY id').bind(batch).all()).results
const resultRows = async (batch: string): Promise<number> =>
  (await w.db.prepare('SELECT COUNT(*) AS n FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE batch_id = ?)').bind(batch).first<{ n: number }>())!.n

const resultIds = async (batch: string): Promise<number[]> =>
  (await w.db.prepare('SELECT id FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE batch_id = ?) ORDER BY id').bind(batch).all<{ id: number }>()).results.map((r) => r.id)

/** D1 holds exactly `lines` for the batch: one run per ecosystem, its results in order, nothing else. */
async function expectStored(batch: string, lines: Line[]): Promise<void> {
  const ecosystems = [...new Set(lines.map((l) => l.ecosystem))]
  const stored = await runs(batch)
  expect(stored.map((s) => s.ecosystem).sort()).toEqual([...ecosystems].sort()) // one run per ecosystem, no duplicates
  for (const eco of ecosystems) {
    expect(stored.find((s) => s.ecosystem === eco)).toMatchObject(expectedRun(batch, lines, eco))
    expect(await storedResults(w.db, batch, eco)).toEqual(expectedRows(lines, eco))
  }
  expect(await resultRows(batch)).toBe(lines.length)
  // The minutes, shared among the ecosystems, add back up to the inputs.
  const sum = (k: string): number => Math.round(stored.reduce((n, s) => n + (s[k] as number), 0) * 100) / 100
  expect([sum('macos_minutes'), sum('linux_minutes')]).toEqual([4, 6])
}

test('record-batch uploads the batch to the Worker; every run and result can be read back from D1 as the results file has it', async () => {
  const batch = '2026-03-04-007'
  const r = await repo()
  const run = await recordBatch(r, batch, await resultsFile(r, RESULTS))
  expectExit(run, 0)
  expect(run.outputs.uploaded).toBe('true')
  expect(run.summary).toMatch(/metrics upload: ✅ sent 3 ecosystem bodies in 3 requests/)
  expect(run.annotations.filter((a) => a.props.title === 'record-batch upload')).toEqual([])
  await expectStored(batch, RESULTS)

  // The read endpoints see what was stored.
  const read = await w.request('GET', `/batch-metrics/runs/${batch}`)
  expect(read.status).toBe(200)
  expect(read.body.runs.map((x: { ecosystem: string; stored_results: unknown }) => [x.ecosystem, x.stored_results])).toEqual([
    ['cask', { passed: 1, failed: 0, skipped: 0, blocked: 0, total: 1 }],
    ['homebrew', { passed: 271, failed: 31, skipped: 1, blocked: 1, total: 304 }],
    ['npm', { passed: 1, failed: 1, skipped: 0, blocked: 0, total: 2 }]
  ])
  const rates = await w.request('GET', '/batch-metrics/ecosystems/homebrew?since=2026-03-04T00:00:00Z')
  expect(rates.status).toBe(200)
  expect(rates.body.runs).toEqual([expect.objectContaining({ batch_id: batch, success_rate: 0.8974 })]) // 271 / (271 + 31)
})

test('retries are safe: a failed upload stores nothing; re-running the job stores the batch once; a re-run with other results replaces it', async () => {
  const batch = '2026-03-04-008'
  const r = await repo()
  const file = await resultsFile(r, RESULTS)

  // The database refuses a homebrew row: each of record-batch's attempts gets a 500 and is rolled back whole.
  await w.db.prepare("CREATE TRIGGER refuse_fd BEFORE INSERT ON recipe_results WHEN NEW.recipe_name = 'formula-250' BEGIN SELECT RAISE(ABORT, 'refused'); END").run()
  let run: ActionRun
  try {
    run = await recordBatch(r, batch, file)
  } finally {
    await w.db.prepare('DROP TRIGGER refuse_fd').run()
  }
  expectExit(run, 0) // the upload is advisory
  expect(run.outputs.uploaded).toBe('false')
  const warning = run.annotations.filter((a) => a.props.title === 'record-batch upload')
  expect(warning).toHaveLength(1)
  expect(warning[0]!.message).toMatch(/gave up after 4 attempts \(HTTP 500/)
  expect(await runs(batch)).toEqual([])
  expect(await resultRows(batch)).toBe(0)

  // The job is re-run: the same batch, uploaded again, now lands once.
  run = await recordBatch(r, batch, file, { persist: 'false' })
  expectExit(run, 0)
  expect(run.outputs.uploaded).toBe('true')
  await expectStored(batch, RESULTS)
  const first = await runs(batch)
  const firstResults = await resultIds(batch)

  // And again (a second re-run): still once.
  run = await recordBatch(r, batch, file, { persist: 'false' })
  expect(run.outputs.uploaded).toBe('true')
  await expectStored(batch, RESULTS)

  // Re-validated with other results (fd now passes, is-odd dropped): the new results replace the old, per ecosystem.
  const changed = RESULTS.filter((l) => l.recipe_name !== 'is-odd').map((l) => (l.recipe_name === 'fd' ? { recipe_name: 'fd', ecosystem: 'homebrew', result: 'passed' as const } : l))
  run = await recordBatch(r, batch, await resultsFile(r, changed), { persist: 'false' })
  expectExit(run, 0)
  expect(run.outputs.uploaded).toBe('true')
  await expectStored(batch, changed)
  // Each ecosystem's run is updated in place (it keeps its id); its results are new rows, the old ones gone.
  expect((await runs(batch)).map((x) => x.id)).toEqual(first.map((x) => x.id))
  expect(Math.min(...(await resultIds(batch)))).toBeGreaterThan(Math.max(...firstResults))
})

test('a stale upload: the Worker answers 409 and keeps the newer run; record-batch notes it, does not retry, and sends the bodies after it', async () => {
  const batch = '2026-03-04-009'
  // A newer npm run of the batch is stored already (completed at 11:00; record-batch's run below completes at 10:00).
  const newer = {
    batch_id: batch,
    ecosystem: 'npm',
    started_at: '2026-03-04T10:30:00Z',
    completed_at: '2026-03-04T11:00:00Z',
    total_recipes: 1,
    passed: 1,
    failed: 0,
    skipped: 0,
    success_rate: 1,
    results: [{ recipe_name: 'left-pad', ecosystem: 'npm', result: 'passed' }]
  }
  expect((await w.request('POST', '/batch-metrics', { body: newer })).status).toBe(201)

  const r = await repo()
  const run = await recordBatch(r, batch, await resultsFile(r, RESULTS))
  expectExit(run, 0) // advisory
  // Every body is stored or has a newer version stored: the upload did its job.
  expect(run.outputs.uploaded).toBe('true')
  const notes = run.annotations.filter((a) => a.props.title === 'record-batch upload')
  expect(notes.map((n) => [n.level, n.message])).toEqual([['notice', 'Metrics upload: npm: the Worker keeps a newer version of this run (409); nothing was changed there.']])
  // The bodies go in order of first appearance: homebrew is stored, npm keeps the newer run, cask is stored after it.
  expect((await runs(batch)).map((x) => [x.ecosystem, x.completed_at])).toEqual([
    ['npm', '2026-03-04T11:00:00Z'],
    ['homebrew', NOW],
    ['cask', NOW]
  ])
})
