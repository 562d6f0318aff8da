// The metrics Worker over HTTP, on a real local D1 (Miniflare: workerd and its
// SQLite-backed D1): the token, validation, atomic and idempotent writes, reads.

import { LIMITS } from '../src/validate.js'
import { type LocalWorker, type Row, TOKEN, body, countRows, rows, splitSql, startWorker, storedResults, wranglerConfig } from './local-worker.js'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { workerRoot } from './local-worker.js'

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

let batches = 0
/** A batch ID no other test uses. */
const freshBatch = (): string => `2026-04-01-${String(++batches).padStart(3, '0')}`

const runsOf = async (batchId: string): Promise<Array<Record<string, unknown>>> =>
  (await w.db.prepare('SELECT * FROM batch_runs WHERE batch_id = ? ORDER BY ecosystem, id').bind(batchId).all()).results
const resultCount = async (batchId: string): Promise<number> =>
  (await w.db
    .prepare('SELECT COUNT(*) AS n FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE batch_id = ?)')
    .bind(batchId)
    .first<{ n: number }>())!.n

// ---------------------------------------------------------------------------

describe('the token (401)', () => {
  const upload = (): Record<string, unknown> => body(rows(4), { batch_id: '2026-04-30-401' })

  test.each<[string, string | null, Record<string, string>]>([
    ['no Authorization header', null, {}],
    ['a wrong token of the same length', 'x'.repeat(TOKEN.length), {}],
    ['a shorter token (a prefix of the real one)', TOKEN.slice(0, -1), {}],
    ['a longer token (the real one and more)', `${TOKEN}x`, {}],
    ['a very short token', 'a', {}],
    ['the token in another case', TOKEN.toUpperCase(), {}],
    ['another scheme', null, { authorization: `Basic ${TOKEN}` }],
    ['the bare token, no scheme', null, { authorization: TOKEN }],
    ['an empty bearer', null, { authorization: 'Bearer ' }]
  ])('%s: 401, a challenge, nothing stored', async (_, token, headers) => {
    const r = await w.request('POST', '/batch-metrics', { body: upload(), token, headers })
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="batch-metrics"')
    expect(r.body.error).toMatch(/bearer token/)
    expect(JSON.stringify(r.body)).not.toContain(TOKEN)
    expect(await runsOf('2026-04-30-401')).toEqual([])
  })

  test('missing and wrong say which', async () => {
    expect((await w.request('POST', '/batch-metrics', { body: upload(), token: null })).body.error).toMatch(/^missing bearer token/)
    expect((await w.request('POST', '/batch-metrics', { body: upload(), token: 'nope' })).body.error).toBe('wrong bearer token')
  })

  test('the token is checked before the body is read: a wrong token with a broken body is 401, not 400', async () => {
    const r = await w.request('POST', '/batch-metrics', { body: '{not json', token: 'nope' })
    expect(r.status).toBe(401)
  })

  test('the scheme is case-insensitive and surrounding blanks are ignored', async () => {
    const batchId = freshBatch()
    const r = await w.request('POST', '/batch-metrics', { body: body(rows(2), { batch_id: batchId }), token: null, headers: { authorization: `bearer   ${TOKEN}  ` } })
    expect(r.status).toBe(201)
  })

  test.each(['/batch-metrics/ecosystems/homebrew', '/batch-metrics/runs/2026-03-04-001'])('GET %s needs the token too', async (p) => {
    expect((await w.request('GET', p, { token: null })).status).toBe(401)
    expect((await w.request('GET', p, { token: `${TOKEN}-` })).status).toBe(401)
    expect((await w.request('GET', p)).status).not.toBe(401)
  })

  test('a Worker without any token secret refuses everything, and says why', async () => {
    const bare = await startWorker({ token: '' })
    try {
      for (const token of [null, '', 'anything']) {
        const r = await bare.request('POST', '/batch-metrics', { body: body(rows(1)), token })
        expect(r.status).toBe(500)
        expect(r.body.error).toMatch(/no METRICS_WRITE_TOKEN secret/)
      }
      expect(await countRows(bare.db, 'batch_runs')).toBe(0)
    } finally {
      await bare.dispose()
    }
  })
})

// ---------------------------------------------------------------------------

describe('routing (404, 405)', () => {
  test.each(['/', '/batch-metrics/nope', '/batch-metrics/runs', '/batch-metrics/runs/a/b', '/batch-metrics/ecosystems', '/api/batch-metrics'])('%s: 404', async (p) => {
    const r = await w.request('GET', p)
    expect(r.status).toBe(404)
    expect(r.body.error).toMatch(/no such endpoint/)
  })

  test.each<[string, string, string]>([
    ['GET', '/batch-metrics', 'POST'],
    ['PUT', '/batch-metrics', 'POST'],
    ['DELETE', '/batch-metrics', 'POST'],
    ['POST', '/batch-metrics/runs/2026-03-04-001', 'GET'],
    ['DELETE', '/batch-metrics/ecosystems/homebrew', 'GET']
  ])('%s %s: 405, Allow: %s', async (method, p, allow) => {
    const r = await w.request(method, p, method === 'GET' || method === 'DELETE' ? {} : { body: body(rows(1)) })
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe(allow)
  })

  test('a trailing slash is the same endpoint', async () => {
    const r = await w.request('POST', '/batch-metrics/', { body: body(rows(1), { batch_id: freshBatch() }) })
    expect(r.status).toBe(201)
  })
})

// ---------------------------------------------------------------------------

describe('validation (400 with the reason)', () => {
  const valid = (): Record<string, unknown> => body(rows(4), { batch_id: '2026-04-30-400' })
  const withRow = (i: number, patch: Record<string, unknown>): Record<string, unknown> => {
    const b = valid()
    const results = b.results as Row[]
    results[i] = { ...results[i]!, ...patch } as Row
    return b
  }
  const without = (key: string): Record<string, unknown> => {
    const b = valid()
    delete b[key]
    return b
  }

  afterEach(async () => {
    expect(await runsOf('2026-04-30-400')).toEqual([]) // nothing of a refused upload is stored
  })

  test.each<[string, unknown, RegExp]>([
    ['the body is not JSON', '{"batch_id": x}', /^the body is not valid JSON: unexpected "x" at character 13, where a value should be \(in batch_id\)/],
    ['the body is cut short', '{"batch_id": ', /^incomplete body: the JSON text ends after 13 characters/],
    ['the body is an array', [valid()], /^the body must be a JSON object/],
    ['the body is empty', '', /^the body is not valid JSON/],
    ['batch_id missing', without('batch_id'), /^batch_id must be 1 to 128 letters, digits.*\(found undefined\)/],
    ['batch_id with a slash', { ...valid(), batch_id: '../2026-03-04' }, /^batch_id must be/],
    ['batch_id too long', { ...valid(), batch_id: 'b'.repeat(129) }, /^batch_id must be 1 to 128/],
    ['batch_id a number', { ...valid(), batch_id: 20260304001 }, /^batch_id must be .*\(found 20260304001\)/],
    ['ecosystem in capitals', { ...valid(), ecosystem: 'Homebrew' }, /^ecosystem must be a lower-case ecosystem name/],
    ['ecosystem missing', without('ecosystem'), /^ecosystem must be/],
    ['ecosystem too long', { ...valid(), ecosystem: 'e'.repeat(65) }, /^ecosystem must be/],
    ['started_at missing', without('started_at'), /^started_at must be an RFC 3339 timestamp/],
    ['started_at not a date', { ...valid(), started_at: '2026-02-30T10:00:00Z' }, /^started_at must be an RFC 3339 timestamp .*2026-02-30/],
    ['started_at without an offset', { ...valid(), started_at: '2026-03-04T10:00:00' }, /^started_at must be an RFC 3339 timestamp/],
    ['completed_at a number', { ...valid(), completed_at: 1772618400 }, /^completed_at must be an RFC 3339 timestamp/],
    ['total_recipes negative', { ...valid(), total_recipes: -4 }, /^total_recipes must be an integer from 0 to 10000000 \(found -4\)/],
    ['passed a fraction', { ...valid(), passed: 1.5 }, /^passed must be an integer/],
    ['failed a string', { ...valid(), failed: '1' }, /^failed must be an integer .*\(found "1"\)/],
    ['skipped missing', without('skipped'), /^skipped must be an integer/],
    ['counts that do not add up', { ...valid(), total_recipes: 5 }, /^the counts do not add up: passed 1 \+ failed 1 \+ skipped 2 = 4, but total_recipes is 5/],
    [
      'results fewer than total_recipes',
      { ...valid(), total_recipes: 5, skipped: 3 },
      /^results has 4 entries, but total_recipes is 5; results has 2 skipped and blocked, but the counts say 3$/
    ],
    ['results tallied otherwise than the counts', { ...valid(), passed: 2, failed: 0, success_rate: 1 }, /^results has 1 passed, but the counts say 2; results has 1 failed, but the counts say 0$/],
    ['success_rate above 1', { ...valid(), success_rate: 1.5 }, /^success_rate must be a number from 0 to 1 \(found 1.5\)/],
    ['success_rate below 0', { ...valid(), success_rate: -0.01 }, /^success_rate must be a number from 0 to 1/],
    ['success_rate a string', { ...valid(), success_rate: '0.5' }, /^success_rate must be a number from 0 to 1 \(found "0.5"\)/],
    ['success_rate null', { ...valid(), success_rate: null }, /^success_rate must be a number/],
    ['macos_minutes negative', { ...valid(), macos_minutes: -1 }, /^macos_minutes must be a number from 0/],
    ['linux_minutes absurd', { ...valid(), linux_minutes: 1e12 }, /^linux_minutes must be a number from 0 to 10000000/],
    ['results not an array', { ...valid(), results: { 0: {} } }, /^results must be an array/],
    ['a result not an object', withRow(2, {}) && { ...valid(), results: [...(valid().results as Row[]).slice(0, 3), 'passed'] }, /^results\[3\] must be a JSON object/],
    ['an unknown result', withRow(1, { result: 'ok' }), /^results\[1\]\.result must be one of passed, failed, skipped, blocked \(found "ok"\)/],
    ['a result without result', withRow(0, { result: undefined }), /^results\[0\]\.result must be one of passed, failed, skipped, blocked/],
    ['a result of another ecosystem', withRow(0, { ecosystem: 'npm' }), /^results\[0\]\.ecosystem is "npm", not the upload's ecosystem "homebrew"/],
    ['a result without recipe_name', withRow(3, { recipe_name: undefined }), /^results\[3\]\.recipe_name must be a string/],
    ['an empty recipe_name', withRow(3, { recipe_name: '  ' }), /^results\[3\]\.recipe_name must not be empty/],
    ['a recipe_name too long', withRow(0, { recipe_name: 'r'.repeat(257) }), /^results\[0\]\.recipe_name is 257 characters long \(the limit is 256\)/],
    ['an error_category not a string', withRow(1, { error_category: 42 }), /^results\[1\]\.error_category must be a string \(found 42\)/],
    ['an error_category too long', withRow(1, { error_category: 'c'.repeat(129) }), /^results\[1\]\.error_category is 129 characters long \(the limit is 128\)/],
    ['an error_message too long', withRow(1, { error_message: 'm'.repeat(8193) }), /^results\[1\]\.error_message is 8193 characters long \(the limit is 8192\)/],
    ['a negative duration', withRow(2, { duration_seconds: -3 }), /^results\[2\]\.duration_seconds must be a number from 0 to 10000000 \(found -3\)/],
    ['a duration as a string', withRow(2, { duration_seconds: '3' }), /^results\[2\]\.duration_seconds must be a number/]
  ])('%s', async (_, payload, reason) => {
    const r = await w.request('POST', '/batch-metrics', { body: payload })
    expect(r.status).toBe(400)
    expect(r.headers.get('content-type')).toMatch(/^application\/json/)
    expect(r.body.error).toMatch(reason)
    expect(r.body.problems[0]).toBe(r.body.error.split('; ')[0])
  })

  test(`more than ${LIMITS.results} results`, async () => {
    const r = await w.request('POST', '/batch-metrics', { body: { ...valid(), results: Array.from({ length: LIMITS.results + 1 }, () => ({})) } })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('results has 50001 entries (the limit is 50000 per upload)')
  })

  test('many problems: the first 20 are listed', async () => {
    const b = body(rows(100, 'homebrew', ['passed']), { batch_id: '2026-04-30-400' })
    for (const row of b.results as Row[]) (row as { result: string }).result = 'ok'
    const r = await w.request('POST', '/batch-metrics', { body: b })
    expect(r.status).toBe(400)
    expect(r.body.problems).toHaveLength(20)
    expect(r.body.problems[19]).toMatch(/^results\[19\]\.result/)
  })

  test(`a body over ${LIMITS.bodyBytes} bytes, with a content-length`, async () => {
    const big = JSON.stringify({ ...valid(), padding: 'x'.repeat(LIMITS.bodyBytes) })
    const r = await w.request('POST', '/batch-metrics', { body: big })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe(`the body is ${Buffer.byteLength(big)} bytes (the limit is ${LIMITS.bodyBytes})`)
  })

  test(`a body over ${LIMITS.bodyBytes} bytes, streamed without a content-length`, async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk)
        else controller.close()
      }
    })
    const res = await fetch(`${w.url}/batch-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half'
    } as RequestInit)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe(`the body is ${20 * 1024 * 1024} bytes (the limit is ${LIMITS.bodyBytes})`)
  })

  test('a body that is not UTF-8', async () => {
    const res = await fetch(`${w.url}/batch-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe('the body is not valid UTF-8')
  })

  test('a body that is not JSON by its content-type: 415', async () => {
    const r = await w.request('POST', '/batch-metrics', { body: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } })
    expect(r.status).toBe(415)
    expect(r.body.error).toMatch(/must be JSON/)
  })
})

// ---------------------------------------------------------------------------

describe('storing an upload (201)', () => {
  test('the run and its results are stored as sent; timestamps in UTC; the answer names the run', async () => {
    const batchId = freshBatch()
    const sent = body(rows(7), { batch_id: batchId, started_at: '2026-03-04T10:30:00.250+01:00', completed_at: '2026-03-04T10:00:00Z', macos_minutes: 1.25 })
    const r = await w.request('POST', '/batch-metrics', { body: sent })
    expect(r.status).toBe(201)
    expect(r.headers.get('content-type')).toMatch(/^application\/json/)
    expect(r.body).toEqual({ batch_run_id: expect.any(Number), results: 7, replaced: false })

    const [run, ...more] = await runsOf(batchId)
    expect(more).toEqual([])
    expect(run).toEqual({
      id: r.body.batch_run_id,
      batch_id: batchId,
      ecosystem: 'homebrew',
      started_at: '2026-03-04T09:30:00Z',
      completed_at: '2026-03-04T10:00:00Z',
      total_recipes: 7,
      passed: 2,
      failed: 2,
      skipped: 3,
      success_rate: 0.5,
      macos_minutes: 1.25,
      linux_minutes: 4.5
    })
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual(sent.results)
  })

  test('null and missing optional fields take the schema’s values; unknown fields are ignored', async () => {
    const batchId = freshBatch()
    const sent = body([{ recipe_name: 'jq', result: 'passed', platform: 'linux' } as unknown as Row], {
      batch_id: batchId,
      completed_at: null,
      ecosystem: 'homebrew',
      schema_version: 9
    })
    delete sent.macos_minutes
    const r = await w.request('POST', '/batch-metrics', { body: sent })
    expect(r.status).toBe(201)
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual([
      { recipe_name: 'jq', ecosystem: 'homebrew', result: 'passed', error_category: null, error_message: null, duration_seconds: 0 }
    ])
    expect(await runsOf(batchId)).toEqual([expect.objectContaining({ completed_at: null, macos_minutes: 0 })])
  })

  test('a summary without results: the run alone', async () => {
    const batchId = freshBatch()
    const sent = { ...body(rows(3), { batch_id: batchId }), results: undefined }
    const r = await w.request('POST', '/batch-metrics', { body: sent })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ results: 0 })
    expect(await runsOf(batchId)).toEqual([expect.objectContaining({ total_recipes: 3 })])
    expect(await resultCount(batchId)).toBe(0)
  })

  test('the ecosystems of one batch are separate runs', async () => {
    const batchId = freshBatch()
    for (const eco of ['homebrew', 'npm', 'cask']) {
      expect((await w.request('POST', '/batch-metrics', { body: body(rows(3, eco), { batch_id: batchId }) })).status).toBe(201)
    }
    expect((await runsOf(batchId)).map((r) => r.ecosystem)).toEqual(['cask', 'homebrew', 'npm'])
    expect(await resultCount(batchId)).toBe(9)
  })

  test('10,000 results in one upload land in one transaction: all of them, in order; a reader meanwhile sees the old run or the new one, never a part', async () => {
    const batchId = freshBatch()
    const before = body(rows(100, 'homebrew', undefined, 'before'), { batch_id: batchId })
    expect((await w.request('POST', '/batch-metrics', { body: before })).status).toBe(201)

    const sent = body(rows(10_000), { batch_id: batchId })
    const seen = new Set<number>()
    let done = false
    const watcher = (async () => {
      while (!done) seen.add(await resultCount(batchId))
    })()
    const r = await w.request('POST', '/batch-metrics', { body: sent })
    done = true
    await watcher
    console.log(`metrics-worker: 10,000 results stored in one upload in ${Math.round(r.ms)} ms (${seen.size} distinct counts seen by a concurrent reader)`)

    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ results: 10_000, replaced: true })
    expect([...seen].every((n) => n === 100 || n === 10_000)).toBe(true)
    expect(await resultCount(batchId)).toBe(10_000)
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual(sent.results)
  })

  test(`${LIMITS.results} results, the most one upload may have`, async () => {
    const batchId = freshBatch()
    const r = await w.request('POST', '/batch-metrics', { body: body(rows(LIMITS.results), { batch_id: batchId }) })
    console.log(`metrics-worker: ${LIMITS.results} results stored in one upload in ${Math.round(r.ms)} ms`)
    expect(r.status).toBe(201)
    expect(r.body.results).toBe(LIMITS.results)
    expect(await resultCount(batchId)).toBe(LIMITS.results)
  })

  test('D1 itself refuses a statement of more than 100 parameters (why the inserts are chunked)', async () => {
    const params = Array.from({ length: 101 }, (_, i) => i)
    await expect(w.db.prepare(`SELECT ${params.map(() => '?').join(', ')}`).bind(...params).all()).rejects.toThrow(/too many SQL variables/)
    await expect(w.db.prepare(`SELECT ${params.slice(1).map(() => '?').join(', ')}`).bind(...params.slice(1)).all()).resolves.toBeTruthy()
  })
})

// ---------------------------------------------------------------------------

describe('a failure mid-way leaves no partial rows', () => {
  async function expectIntact(db: LocalWorker['db'], batchId: string, earlier: Record<string, unknown>, earlierId: number): Promise<void> {
    const runs = (await db.prepare('SELECT id, total_recipes FROM batch_runs WHERE batch_id = ?').bind(batchId).all()).results
    expect(runs).toEqual([{ id: earlierId, total_recipes: (earlier.results as Row[]).length }])
    expect(await storedResults(db, batchId, 'homebrew')).toEqual(earlier.results)
    const leaked = await db.prepare("SELECT COUNT(*) AS n FROM recipe_results WHERE recipe_name LIKE 'retry-%'").first<{ n: number }>()
    expect(leaked!.n).toBe(0)
  }

  test('a late row that D1 refuses (a trigger raising an error on row 9,990 of 10,000, in the last insert): 500, nothing of the upload stored, the earlier run intact; once fixed, the retry lands', async () => {
    const batchId = freshBatch()
    const earlier = body(rows(50, 'homebrew', undefined, 'first'), { batch_id: batchId })
    const first = await w.request('POST', '/batch-metrics', { body: earlier })
    expect(first.status).toBe(201)
    const runsBefore = await countRows(w.db, 'batch_runs')
    const resultsBefore = await countRows(w.db, 'recipe_results')

    const retry = body(rows(10_000, 'homebrew', undefined, 'retry'), { batch_id: batchId })
    const poisoned = (retry.results as Row[])[9_990]!.recipe_name
    await w.db
      .prepare(`CREATE TRIGGER poison BEFORE INSERT ON recipe_results WHEN NEW.recipe_name = '${poisoned}' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`)
      .run()
    try {
      const r = await w.request('POST', '/batch-metrics', { body: retry })
      expect(r.status).toBe(500)
      expect(r.body.error).toMatch(/^could not store the upload, nothing was stored: .*poisoned row/)
    } finally {
      await w.db.prepare('DROP TRIGGER poison').run()
    }
    await expectIntact(w.db, batchId, earlier, first.body.batch_run_id)
    expect(await countRows(w.db, 'batch_runs')).toBe(runsBefore)
    expect(await countRows(w.db, 'recipe_results')).toBe(resultsBefore)

    const again = await w.request('POST', '/batch-metrics', { body: retry })
    expect(again.status).toBe(201)
    expect(again.body).toMatchObject({ results: 10_000, replaced: true })
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual(retry.results)
  })

  test('a late row that breaks a CHECK constraint (a database whose schema limits error_message to 200 characters)', async () => {
    const strict = await startWorker({ migrate: false })
    try {
      const { migrationsDir } = await wranglerConfig()
      const sql = await readFile(path.join(workerRoot, migrationsDir, '0001_batch_metrics.sql'), 'utf8')
      const checked = sql.replace(/error_message TEXT,/, 'error_message TEXT CHECK (error_message IS NULL OR length(error_message) <= 200),')
      expect(checked).not.toBe(sql)
      await strict.db.batch(splitSql(checked).map((s) => strict.db.prepare(s)))

      const batchId = '2026-03-04-001'
      const earlier = body(rows(20, 'homebrew', undefined, 'first'), { batch_id: batchId })
      const first = await strict.request('POST', '/batch-metrics', { body: earlier })
      expect(first.status).toBe(201)

      const retry = body(rows(1_000, 'homebrew', ['failed'], 'retry'), { batch_id: batchId })
      ;(retry.results as Row[])[990]!.error_message = 'e'.repeat(500) // valid for the Worker (≤ 8192), not for this table
      const r = await strict.request('POST', '/batch-metrics', { body: retry })
      expect(r.status).toBe(500)
      expect(r.body.error).toMatch(/CHECK constraint failed/)
      await expectIntact(strict.db, batchId, earlier, first.body.batch_run_id)
      expect(await countRows(strict.db, 'recipe_results')).toBe(20)
    } finally {
      await strict.dispose()
    }
  })
})

// ---------------------------------------------------------------------------

describe('idempotent on (batch_id, ecosystem)', () => {
  test('the same upload twice: one run, its results once', async () => {
    const batchId = freshBatch()
    const sent = body(rows(40), { batch_id: batchId })
    const a = await w.request('POST', '/batch-metrics', { body: sent })
    const b = await w.request('POST', '/batch-metrics', { body: sent })
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.replaced).toBe(false)
    expect(b.body.replaced).toBe(true)
    expect(await runsOf(batchId)).toHaveLength(1)
    expect(await resultCount(batchId)).toBe(40)
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual(sent.results)
  })

  test('a different second upload replaces the first: the run’s counts and its results are the second’s', async () => {
    const batchId = freshBatch()
    const other = body(rows(5, 'npm'), { batch_id: batchId })
    expect((await w.request('POST', '/batch-metrics', { body: other })).status).toBe(201)
    expect((await w.request('POST', '/batch-metrics', { body: body(rows(30, 'homebrew', undefined, 'one'), { batch_id: batchId }) })).status).toBe(201)
    const second = body(rows(12, 'homebrew', ['passed', 'failed', 'failed'], 'two'), { batch_id: batchId, completed_at: '2026-03-04T11:00:00Z' })
    const r = await w.request('POST', '/batch-metrics', { body: second })
    expect(r.status).toBe(201)

    const runs = await runsOf(batchId)
    expect(runs).toHaveLength(2)
    expect(runs.find((x) => x.ecosystem === 'homebrew')).toMatchObject({ id: r.body.batch_run_id, total_recipes: 12, passed: 4, failed: 8, skipped: 0, completed_at: '2026-03-04T11:00:00Z' })
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual(second.results)
    expect(await storedResults(w.db, batchId, 'npm')).toEqual(other.results) // the other ecosystem is untouched
  })

  test('the same upload five times at once: one run, its results once', async () => {
    const batchId = freshBatch()
    const sent = body(rows(500), { batch_id: batchId })
    const answers = await Promise.all(Array.from({ length: 5 }, () => w.request('POST', '/batch-metrics', { body: sent })))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201])
    expect(answers.filter((a) => !a.body.replaced)).toHaveLength(1)
    expect(await runsOf(batchId)).toHaveLength(1)
    expect(await resultCount(batchId)).toBe(500)
  })
})

// ---------------------------------------------------------------------------

describe('reads', () => {
  // Runs of an ecosystem no other test writes, over five days.
  const days = ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05']
  beforeAll(async () => {
    for (const [i, day] of days.entries()) {
      const results = [...rows(i + 1, 'pypi', ['passed'], `p${i}`), ...rows(1, 'pypi', ['failed'], `f${i}`), ...rows(1, 'pypi', ['blocked'], `b${i}`)]
      for (const [n, r] of results.entries()) r.recipe_name = `${r.recipe_name}-${n}`
      const b = body(results, { batch_id: `${day}-001`, started_at: `${day}T06:00:00Z`, completed_at: `${day}T06:30:00Z` })
      expect((await w.request('POST', '/batch-metrics', { body: b })).status).toBe(201)
      // and another ecosystem in the same batches
      expect((await w.request('POST', '/batch-metrics', { body: body(rows(2, 'rubygems', ['failed']), { batch_id: `${day}-001`, started_at: `${day}T06:00:00Z`, completed_at: `${day}T06:40:00Z` }) })).status).toBe(201)
    }
  })

  test('GET /batch-metrics/ecosystems/<eco>?since=: the ecosystem’s runs since then, newest first, with their rates', async () => {
    const r = await w.request('GET', '/batch-metrics/ecosystems/pypi?since=2026-05-03T00:00:00Z')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ ecosystem: 'pypi', since: '2026-05-03T00:00:00Z', until: null, order: 'desc', count: 3, truncated: false, next_cursor: null })
    expect(r.body.runs.map((x: { batch_id: string }) => x.batch_id)).toEqual(['2026-05-05-001', '2026-05-04-001', '2026-05-03-001'])
    expect(r.body.runs[2]).toEqual({
      batch_id: '2026-05-03-001',
      batch_run_id: expect.any(Number),
      started_at: '2026-05-03T06:00:00Z',
      completed_at: '2026-05-03T06:30:00Z',
      total_recipes: 5,
      passed: 3,
      failed: 1,
      skipped: 1,
      success_rate: 0.75,
      macos_minutes: 3,
      linux_minutes: 4.5
    })
    expect(r.body.runs.map((x: { success_rate: number }) => x.success_rate)).toEqual([0.8333, 0.8, 0.75])
    expect(r.body.totals).toEqual({ runs: 3, passed: 12, failed: 3, skipped: 3, success_rate: 0.8 })
  })

  test('since in another offset, until, limit; order=asc for oldest first', async () => {
    let r = await w.request('GET', `/batch-metrics/ecosystems/pypi?since=${encodeURIComponent('2026-05-02T08:00:00+02:00')}&until=2026-05-04T06:00:00Z`)
    expect(r.body.runs.map((x: { batch_id: string }) => x.batch_id)).toEqual(['2026-05-03-001', '2026-05-02-001'])
    expect(r.body.since).toBe('2026-05-02T06:00:00Z')
    r = await w.request('GET', '/batch-metrics/ecosystems/pypi?limit=2')
    expect(r.body).toMatchObject({ count: 2, truncated: true, since: null, next_cursor: expect.any(String) })
    expect(r.body.runs.map((x: { batch_id: string }) => x.batch_id)).toEqual(['2026-05-05-001', '2026-05-04-001'])
    r = await w.request('GET', '/batch-metrics/ecosystems/pypi?limit=2&order=asc')
    expect(r.body.runs.map((x: { batch_id: string }) => x.batch_id)).toEqual(['2026-05-01-001', '2026-05-02-001'])
  })

  test('an ecosystem without runs: an empty series', async () => {
    const r = await w.request('GET', '/batch-metrics/ecosystems/crates.io')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ count: 0, runs: [], totals: { runs: 0, success_rate: null } })
  })

  test.each<[string, RegExp]>([
    ['/batch-metrics/ecosystems/pypi?since=yesterday', /^since must be an RFC 3339 timestamp/],
    ['/batch-metrics/ecosystems/pypi?until=2026-05-32T00:00:00Z', /^until must be an RFC 3339 timestamp/],
    ['/batch-metrics/ecosystems/pypi?limit=0', /^limit must be an integer from 1 to 10000/],
    ['/batch-metrics/ecosystems/pypi?limit=10001', /^limit must be an integer from 1 to 10000/],
    ['/batch-metrics/ecosystems/PyPI', /^the ecosystem must be a lower-case ecosystem name/],
    ['/batch-metrics/runs/..%2Fetc', /^the batch ID must be 1 to 128/],
    ['/batch-metrics/runs/%E0%A4%A', /is not validly percent-encoded/]
  ])('GET %s: 400', async (p, reason) => {
    const r = await w.request('GET', p)
    expect(r.status).toBe(400)
    expect(r.body.error).toMatch(reason)
  })

  test('GET /batch-metrics/runs/<batch_id>: the batch’s run per ecosystem, with its counts and the stored results by kind', async () => {
    const r = await w.request('GET', '/batch-metrics/runs/2026-05-02-001')
    expect(r.status).toBe(200)
    expect(r.body.batch_id).toBe('2026-05-02-001')
    expect(r.body.runs).toEqual([
      {
        batch_run_id: expect.any(Number),
        batch_id: '2026-05-02-001',
        ecosystem: 'pypi',
        started_at: '2026-05-02T06:00:00Z',
        completed_at: '2026-05-02T06:30:00Z',
        total_recipes: 4,
        passed: 2,
        failed: 1,
        skipped: 1,
        success_rate: 0.6667,
        macos_minutes: 3,
        linux_minutes: 4.5,
        stored_results: { passed: 2, failed: 1, skipped: 0, blocked: 1, total: 4 }
      },
      expect.objectContaining({ ecosystem: 'rubygems', total_recipes: 2, failed: 2, stored_results: { passed: 0, failed: 2, skipped: 0, blocked: 0, total: 2 } })
    ])
  })

  test('GET /batch-metrics/runs/<batch_id> of a batch never uploaded: 404', async () => {
    const r = await w.request('GET', '/batch-metrics/runs/2020-01-01-001')
    expect(r.status).toBe(404)
    expect(r.body.error).toBe('no runs of batch 2020-01-01-001')
  })
})
