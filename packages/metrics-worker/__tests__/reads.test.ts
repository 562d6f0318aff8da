// GET /batch-metrics/ecosystems/<eco> over a long history, on a real local D1:
// newest first by default, and a cursor that walks every run exactly once, even
// while uploads keep arriving.

import { ratesStatement } from '../src/sql.js'
import type { RatesQuery } from '../src/validate.js'
import { type LocalWorker, body, rows, startWorker } from './local-worker.js'

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

interface ReadRun {
  batch_id: string
  batch_run_id: number
  started_at: string
}

const HISTORY = 1_200
const ECO = 'go'
const HOUR = 3_600_000
const BASE = Date.parse('2026-01-01T00:00:00Z')
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Newest first: by started_at, then by id, both descending. */
const newestFirst = (a: ReadRun, b: ReadRun): number => (a.started_at === b.started_at ? b.batch_run_id - a.batch_run_id : a.started_at < b.started_at ? 1 : -1)

beforeAll(async () => {
  // 1,200 runs of one ecosystem, stored straight into D1 (the reads are under test here, not
  // the uploads): three runs share each start time, so the order needs its tie-break, and they
  // are inserted shuffled, so that the ids do not follow the times.
  const order = Array.from({ length: HISTORY }, (_, i) => i)
  let seed = 17
  for (let i = order.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    const j = seed % (i + 1)
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const insert = (i: number): ReturnType<LocalWorker['db']['prepare']> =>
    w.db
      .prepare('INSERT INTO batch_runs (batch_id, ecosystem, started_at, completed_at, total_recipes, passed, success_rate) VALUES (?, ?, ?, ?, 1, 1, 1)')
      .bind(`h-${String(i).padStart(4, '0')}`, ECO, iso(BASE + Math.floor(i / 3) * HOUR), iso(BASE + Math.floor(i / 3) * HOUR + 60_000))
  for (let i = 0; i < order.length; i += 100) await w.db.batch(order.slice(i, i + 100).map(insert))
})

async function page(query: string): Promise<{ runs: ReadRun[]; next_cursor: string | null; body: any }> {
  const r = await w.request('GET', `/batch-metrics/ecosystems/${ECO}${query}`)
  expect(r.status).toBe(200)
  return { runs: r.body.runs, next_cursor: r.body.next_cursor, body: r.body }
}

test('without since, the newest runs come first (not the first 1,000 ever stored)', async () => {
  const { runs, next_cursor, body: b } = await page('')
  expect(runs).toHaveLength(1_000)
  expect(b.truncated).toBe(true)
  expect(typeof next_cursor).toBe('string')
  // The newest start time of the history is that of runs 1197..1199.
  expect(runs[0]!.started_at).toBe(iso(BASE + 399 * HOUR))
  expect(runs.map((r) => r.batch_id).slice(0, 3).sort()).toEqual(['h-1197', 'h-1198', 'h-1199'])
  expect([...runs].sort(newestFirst)).toEqual(runs)
  // What is left out is the oldest 200, not the newest.
  expect(runs.map((r) => r.batch_id)).not.toContain('h-0000')
  expect(runs.map((r) => r.batch_id)).toContain('h-1199')
})

test('a cursor walks all 1,200 runs exactly once, newest first, while new uploads arrive', async () => {
  const seen: ReadRun[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const got: Awaited<ReturnType<typeof page>> = await page(`?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)
    seen.push(...got.runs)
    cursor = got.next_cursor
    expect(got.body.truncated).toBe(cursor !== null)
    pages++
    if (pages === 3) {
      // Uploads land mid-walk: newer than every run and inside the part already read (both
      // behind the cursor: not in this walk), and older than every run (ahead of it: read
      // once, at its place). None shifts or repeats what follows.
      for (const [n, started] of [
        [1, '2026-06-01T00:00:00Z'],
        [2, iso(BASE + 398 * HOUR)],
        [3, '2025-12-31T00:00:00Z']
      ] as const) {
        const upload = body(rows(2, ECO, ['passed']), { batch_id: `mid-walk-${n}`, ecosystem: ECO, started_at: started, completed_at: started })
        expect((await w.request('POST', '/batch-metrics', { body: upload })).status).toBe(201)
      }
    }
    expect(pages).toBeLessThan(20)
  } while (cursor !== null)

  expect(pages).toBe(13)
  const ids = seen.map((r) => r.batch_id)
  expect(new Set(ids).size).toBe(ids.length) // no run twice
  expect(ids.filter((id) => id.startsWith('h-')).sort()).toEqual(Array.from({ length: HISTORY }, (_, i) => `h-${String(i).padStart(4, '0')}`))
  expect(ids.filter((id) => id.startsWith('mid-walk-'))).toEqual(['mid-walk-3'])
  expect(ids.at(-1)).toBe('mid-walk-3')
  expect([...seen].sort(newestFirst)).toEqual(seen)
})

test('the same walk oldest first (order=asc), and a cursor keeps since and until', async () => {
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const got: Awaited<ReturnType<typeof page>> = await page(
      `?order=asc&limit=250&since=2026-01-05T00:00:00Z&until=2026-01-10T00:00:00Z${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`
    )
    seen.push(...got.runs.map((r) => r.started_at))
    cursor = got.next_cursor
    expect(seen.length).toBeLessThan(1_000)
  } while (cursor !== null)
  // Five days of three runs an hour.
  expect(seen).toHaveLength(5 * 24 * 3)
  expect(seen[0]).toBe('2026-01-05T00:00:00Z')
  expect(seen.at(-1)).toBe('2026-01-09T23:00:00Z')
  expect([...seen].sort()).toEqual(seen)
})

test.each<[string, RegExp]>([
  ['?cursor=not-a-cursor', /^cursor is not one this endpoint returned/],
  ['?cursor=', /^cursor is not one this endpoint returned/],
  ['?order=newest', /^order must be desc \(newest first, the default\) or asc/]
])('GET …%s: 400', async (query, reason) => {
  const r = await w.request('GET', `/batch-metrics/ecosystems/${ECO}${query}`)
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(reason)
})

test('a cursor of one order is refused with the other', async () => {
  const { next_cursor } = await page('?limit=5')
  const r = await w.request('GET', `/batch-metrics/ecosystems/${ECO}?order=asc&cursor=${encodeURIComponent(next_cursor!)}`)
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(/^cursor is from a walk in the other order/)
})

test('a page is read through the (ecosystem, started_at) index, in either order, with or without since, until and a cursor: no sort', async () => {
  const cursor = { started_at: '2026-01-10T00:00:00Z', id: 500 }
  const queries: RatesQuery[] = [
    { ecosystem: ECO, since: null, until: null, limit: 100, order: 'desc', cursor: null },
    { ecosystem: ECO, since: '2026-01-02T00:00:00Z', until: '2026-01-20T00:00:00Z', limit: 100, order: 'desc', cursor: { order: 'desc', ...cursor } },
    { ecosystem: ECO, since: null, until: null, limit: 100, order: 'asc', cursor: { order: 'asc', ...cursor } }
  ]
  for (const q of queries) {
    const s = ratesStatement(q)
    const plan = await w.db
      .prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
      .bind(...s.params)
      .all<{ detail: string }>()
    const details = plan.results.map((r) => r.detail).join(' | ')
    expect(details).toMatch(/USING INDEX idx_batch_runs_ecosystem_started_at/)
    expect(details).not.toMatch(/TEMP B-TREE/)
  }
})
