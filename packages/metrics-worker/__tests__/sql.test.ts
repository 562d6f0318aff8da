// The pure parts of the Worker, in Node: the statements an upload, a read and a
// retention chunk become, the cursor, and the timestamp normalization.
// (Validation is tested through the Worker, over HTTP, in worker.test.ts.)

import { decodeCursor, encodeCursor } from '../src/cursor.js'
import { RETENTION, pickChunk, retentionSettings } from '../src/retention.js'
import { MAX_BOUND_PARAMETERS, MAX_CHUNK_BYTES, RUN_STATEMENTS, chunks, pruneStatements, ratesStatement, uploadStatements, utf8Length } from '../src/sql.js'
import { type BatchUpload, type RatesQuery, normalizeTimestamp } from '../src/validate.js'

const upload = (n: number | null): BatchUpload => ({
  batch_id: '2026-03-04-001',
  ecosystem: 'homebrew',
  started_at: '2026-03-04T09:30:00Z',
  completed_at: null,
  total_recipes: n ?? 0,
  passed: n ?? 0,
  failed: 0,
  skipped: 0,
  success_rate: 1,
  macos_minutes: 0,
  linux_minutes: 0,
  results:
    n === null
      ? null
      : Array.from({ length: n }, (_, i) => ({
          recipe_name: `r${i}`,
          ecosystem: 'homebrew',
          result: 'passed' as const,
          error_category: null,
          error_message: null,
          duration_seconds: i
        }))
})

describe('uploadStatements', () => {
  test.each([0, 1, 16, 17, 10_000, 50_000])('%i results: every statement binds at most 100 parameters, every row once, in order', (n) => {
    const statements = uploadStatements(upload(n))
    for (const s of statements) {
      expect(s.params.length).toBeLessThanOrEqual(MAX_BOUND_PARAMETERS)
      expect(s.sql.split('?').length - 1).toBe(s.params.length)
    }
    // The inserts carry the rows in order, as JSON arrays whose first element is the recipe name.
    const inserts = statements.slice(RUN_STATEMENTS)
    const names = inserts.flatMap((s) => (JSON.parse(s.params[0] as string) as unknown[][]).map((row) => row[0]))
    expect(names).toEqual(Array.from({ length: n }, (_, i) => `r${i}`))
    for (const s of inserts) {
      expect(new TextEncoder().encode(s.params[0] as string).length).toBeLessThanOrEqual(MAX_CHUNK_BYTES)
      expect(s.params.slice(1)).toEqual(['2026-03-04-001', 'homebrew', null]) // the run's key and completed_at: only the run the upsert wrote
    }
  })

  test('few statements, well inside D1\'s 50 queries per invocation (Free plan), even for 50,000 results', () => {
    expect(uploadStatements(upload(10_000)).length).toBeLessThanOrEqual(RUN_STATEMENTS + 1)
    expect(uploadStatements(upload(50_000)).length).toBeLessThan(50)
  })

  test('a chunk is cut before it passes MAX_CHUNK_BYTES, and no row is split', () => {
    const big = upload(0)
    const message = 'm'.repeat(8000)
    big.results = Array.from({ length: 300 }, (_, i) => ({ recipe_name: `r${i}`, ecosystem: 'homebrew', result: 'failed' as const, error_category: 'x', error_message: message, duration_seconds: 1 }))
    const parts = chunks(big.results)
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.flatMap((c) => JSON.parse(c) as unknown[])).toHaveLength(300)
    for (const c of parts) expect(new TextEncoder().encode(c).length).toBeLessThanOrEqual(MAX_CHUNK_BYTES)
  })

  test('the stored run is read, then upserted only when the upload is at least as new (or replace), then its results replaced only if it was written', () => {
    const u = { ...upload(null), completed_at: '2026-03-04T10:00:00Z' }
    const [prior, upsert, del] = uploadStatements(u)
    expect(prior!.sql).toBe('SELECT id, completed_at FROM batch_runs WHERE batch_id = ? AND ecosystem = ?')
    expect(upsert!.sql).toMatch(/^INSERT INTO batch_runs \(.*\) VALUES \(.*\) ON CONFLICT \(batch_id, ecosystem\) DO UPDATE SET started_at = excluded\.started_at, .* WHERE \? = 1 OR coalesce\(excluded\.completed_at, ''\) >= coalesce\(batch_runs\.completed_at, ''\) RETURNING id$/)
    expect(upsert!.sql).not.toMatch(/SET .*batch_id =|SET .*ecosystem =/) // the key is not rewritten
    expect(upsert!.params.at(-1)).toBe(0)
    expect(uploadStatements(u, true)[1]!.params.at(-1)).toBe(1)
    expect(del!.sql).toBe('DELETE FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE batch_id = ? AND ecosystem = ? AND completed_at IS ?)')
    expect(del!.params).toEqual(['2026-03-04-001', 'homebrew', '2026-03-04T10:00:00Z'])
  })
})

describe('utf8Length', () => {
  test.each(['', 'ascii', 'é', '€', '🦀', 'a€🦀é\u0000\uffff', '\u{10FFFF}', 'x'.repeat(1000) + '漢'])('%j: as TextEncoder counts it', (s) => {
    expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length)
  })
})

describe('the read of one page', () => {
  const q = (o: Partial<RatesQuery>): RatesQuery => ({ ecosystem: 'go', since: null, until: null, limit: 100, order: 'desc', cursor: null, ...o })

  test('newest first by default: by started_at then id, descending, one row more than the page', () => {
    const s = ratesStatement(q({}))
    expect(s.sql).toMatch(/WHERE ecosystem = \? ORDER BY started_at DESC, id DESC LIMIT \?$/)
    expect(s.params).toEqual(['go', 101])
  })

  test('after a cursor: strictly beyond its (started_at, id), in the walk’s direction, within since and until', () => {
    const desc = ratesStatement(q({ since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z', cursor: { order: 'desc', started_at: '2026-01-15T00:00:00Z', id: 42 } }))
    expect(desc.sql).toMatch(/WHERE ecosystem = \? AND started_at >= \? AND started_at < \? AND \(started_at, id\) < \(\?, \?\) ORDER BY started_at DESC, id DESC LIMIT \?$/)
    expect(desc.params).toEqual(['go', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-01-15T00:00:00Z', 42, 101])
    const asc = ratesStatement(q({ order: 'asc', cursor: { order: 'asc', started_at: '2026-01-15T00:00:00Z', id: 42 } }))
    expect(asc.sql).toMatch(/AND \(started_at, id\) > \(\?, \?\) ORDER BY started_at, id LIMIT \?$/)
  })
})

describe('the cursor', () => {
  test('round-trips, and is opaque (base64url)', () => {
    const c = { order: 'desc' as const, started_at: '2026-03-04T10:00:00Z', id: 123456 }
    const s = encodeCursor(c)
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(s)).toEqual(c)
    // a started_at of an adopted database, in another form, round-trips too
    expect(decodeCursor(encodeCursor({ ...c, started_at: '2026-03-04 10:00:00.5' }))).toEqual({ ...c, started_at: '2026-03-04 10:00:00.5' })
  })

  test.each(['', 'x', '!!!!', 'W10', encodeCursor({ order: 'desc', started_at: 'x', id: 1 }).slice(0, -2), btoa(JSON.stringify([1, 'desc', 'x', 0])), btoa(JSON.stringify([2, 'desc', 'x', 1])), btoa(JSON.stringify([1, 'up', 'x', 1])), 'A'.repeat(600)])(
    '%j is not a cursor',
    (s) => expect(decodeCursor(s.replace(/=+$/, ''))).toBeNull()
  )
})

describe('retention', () => {
  test('a chunk takes the oldest runs, up to the run limit and the results limit, and always one', () => {
    const runs = (n: number, results: number): Array<{ id: number; results: number }> => Array.from({ length: n }, (_, i) => ({ id: i + 1, results }))
    expect(pickChunk(runs(10, 5), 3)).toEqual([1, 2, 3])
    expect(pickChunk(runs(10, 30_000), 500)).toEqual([1, 2, 3]) // 90,000 results; a fourth run would pass 100,000
    expect(pickChunk(runs(2, RETENTION.chunkResults + 1), 500)).toEqual([1]) // one run bigger than the limit still goes, alone
    expect(pickChunk([], 500)).toEqual([])
  })

  test('the chunk’s two deletes: results, then runs, of the same picked runs still older than the cutoff', () => {
    const [results, runs] = pruneStatements([3, 1, 2], '2026-09-02T03:17:00Z')
    const picked = 'SELECT id FROM batch_runs WHERE id IN (SELECT value FROM json_each(?)) AND started_at < ?'
    expect(results).toEqual({ sql: `DELETE FROM recipe_results WHERE batch_run_id IN (${picked})`, params: ['[3,1,2]', '2026-09-02T03:17:00Z'] })
    expect(runs).toEqual({ sql: `DELETE FROM batch_runs WHERE id IN (${picked})`, params: ['[3,1,2]', '2026-09-02T03:17:00Z'] })
  })

  test.each<[Record<string, string>, unknown]>([
    [{}, { days: 90, chunkRuns: 500, maxChunks: 10 }],
    [{ RETENTION_DAYS: ' 30 ', RETENTION_CHUNK_RUNS: '1', RETENTION_MAX_CHUNKS: '100' }, { days: 30, chunkRuns: 1, maxChunks: 100 }],
    [{ RETENTION_DAYS: '0' }, { error: 'RETENTION_DAYS must be a whole number from 1 to 36500 (found "0")' }],
    [{ RETENTION_CHUNK_RUNS: '1001' }, { error: 'RETENTION_CHUNK_RUNS must be a whole number from 1 to 1000 (found "1001")' }],
    [{ RETENTION_MAX_CHUNKS: '1e2' }, { error: 'RETENTION_MAX_CHUNKS must be a whole number from 1 to 100 (found "1e2")' }]
  ])('settings %j', (env, want) => expect(retentionSettings(env)).toEqual(want))
})

describe('normalizeTimestamp', () => {
  test.each([
    ['2026-03-04T10:00:00Z', '2026-03-04T10:00:00Z'],
    ['2026-03-04T10:30:00+01:00', '2026-03-04T09:30:00Z'],
    ['2026-03-04t10:00:00.987z', '2026-03-04T10:00:00Z'],
    ['2026-03-04 10:00:00-00:30', '2026-03-04T10:30:00Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z']
  ])('%s → %s', (input, output) => expect(normalizeTimestamp(input)).toBe(output))

  test.each(['', '2026-03-04', '2026-03-04T10:00:00', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-03-04T24:00:00Z', 'yesterday', '1709546400'])(
    '%j is not one',
    (input) => expect(normalizeTimestamp(input)).toBeNull()
  )
})
