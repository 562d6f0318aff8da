// Of two uploads of the same (batch_id, ecosystem), the one with the later
// completed_at is kept, whichever arrives last; an older one is a 409 and
// changes nothing, unless it says ?replace=true. The check and the write are one
// transaction, so concurrent uploads cannot interleave between them.

import { type LocalWorker, type Row, body, rows, startWorker, storedResults } from './local-worker.js'

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

let batches = 0
const freshBatch = (): string => `2026-07-01-${String(++batches).padStart(3, '0')}`

/** An upload of `batch` completed at `completed` (2026-07-01, UTC), with results named after it. */
const at = (batch: string, completed: string | null, n = 4): Record<string, unknown> =>
  body(rows(n, 'homebrew', undefined, `at-${completed ?? 'null'}`), { batch_id: batch, started_at: '2026-07-01T08:00:00Z', completed_at: completed === null ? null : `2026-07-01T${completed}Z` })

const post = (b: Record<string, unknown>, query = ''): ReturnType<LocalWorker['request']> => w.request('POST', `/batch-metrics${query}`, { body: b })
const stored = async (batch: string): Promise<Record<string, unknown>[]> =>
  (await w.db.prepare('SELECT id, completed_at, total_recipes FROM batch_runs WHERE batch_id = ?').bind(batch).all()).results

test('an older upload arriving after a newer one: 409 with the stored time, and nothing changes', async () => {
  const batch = freshBatch()
  const newer = at(batch, '11:00:00', 6)
  const first = await post(newer)
  expect(first.status).toBe(201)

  const r = await post(at(batch, '10:00:00', 3))
  expect(r.status).toBe(409)
  expect(r.body).toEqual({
    error: expect.stringMatching(/^a newer upload of batch 2026-07-01-\d{3} \(homebrew\) is stored: completed_at 2026-07-01T11:00:00Z, this one 2026-07-01T10:00:00Z; nothing was changed/),
    batch_run_id: first.body.batch_run_id,
    stored_completed_at: '2026-07-01T11:00:00Z'
  })
  expect(await stored(batch)).toEqual([{ id: first.body.batch_run_id, completed_at: '2026-07-01T11:00:00Z', total_recipes: 6 }])
  expect(await storedResults(w.db, batch, 'homebrew')).toEqual(newer.results)
})

test('a newer upload replaces the stored one; the same completed_at again (a retry) is accepted', async () => {
  const batch = freshBatch()
  const a = await post(at(batch, '10:00:00'))
  const later = at(batch, '12:00:00', 5)
  const b = await post(later)
  expect(b.status).toBe(201)
  expect(b.body).toMatchObject({ replaced: true, results: 5, batch_run_id: a.body.batch_run_id }) // the run keeps its id
  expect(await storedResults(w.db, batch, 'homebrew')).toEqual(later.results)

  const retry = at(batch, '12:00:00', 2)
  const c = await post(retry)
  expect(c.status).toBe(201)
  expect(c.body).toMatchObject({ replaced: true, results: 2 })
  expect(await storedResults(w.db, batch, 'homebrew')).toEqual(retry.results)
})

test('?replace=true lets an older upload replace a newer one (a correction); ?replace=false is the default', async () => {
  const batch = freshBatch()
  expect((await post(at(batch, '12:00:00'))).status).toBe(201)
  expect((await post(at(batch, '09:00:00'), '?replace=false')).status).toBe(409)
  const correction = at(batch, '09:00:00', 7)
  const r = await post(correction, '?replace=true')
  expect(r.status).toBe(201)
  expect(r.body).toMatchObject({ replaced: true, results: 7 })
  expect(await stored(batch)).toEqual([expect.objectContaining({ completed_at: '2026-07-01T09:00:00Z', total_recipes: 7 })])
  expect(await storedResults(w.db, batch, 'homebrew')).toEqual(correction.results)
})

test.each(['yes', '1', 'TRUE', ''])('?replace=%s is refused (400), nothing changes', async (value) => {
  const batch = freshBatch()
  const r = await post(at(batch, '09:00:00'), `?replace=${value}`)
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(/^replace must be true or false/)
  expect(await stored(batch)).toEqual([])
})

test('a stored run without completed_at is older than any upload with one; one without is older than a stored one with one', async () => {
  const batch = freshBatch()
  expect((await post(at(batch, null))).status).toBe(201)
  expect((await post(at(batch, '08:30:00'))).status).toBe(201)
  const r = await post(at(batch, null))
  expect(r.status).toBe(409)
  expect(r.body.stored_completed_at).toBe('2026-07-01T08:30:00Z')
  expect(r.body.error).toMatch(/this one has no completed_at/)
})

test('concurrent uploads of one batch and ecosystem, newest sent first: the newest is kept with exactly its results', async () => {
  for (let round = 0; round < 3; round++) {
    const batch = freshBatch()
    // Eight versions, 10:00 to 10:07; sent at once, the newest first, so the oldest tends to commit last.
    const versions = Array.from({ length: 8 }, (_, i) => at(batch, `10:0${7 - i}:00`, 50 + i))
    const answers = await Promise.all(versions.map((v) => post(v)))
    for (const a of answers) expect([201, 409]).toContain(a.status)
    expect(answers[0]!.status).toBe(201) // the newest is never refused
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.stored_completed_at >= '2026-07-01T10:00:00Z').toBe(true)

    expect(await stored(batch)).toEqual([expect.objectContaining({ completed_at: '2026-07-01T10:07:00Z', total_recipes: 50 })])
    expect(await storedResults(w.db, batch, 'homebrew')).toEqual(versions[0]!.results as Row[])
  }
})
