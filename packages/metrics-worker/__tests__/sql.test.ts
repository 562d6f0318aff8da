// The pure parts of the Worker, in Node: the statements an upload becomes, and
// the timestamp normalization. (Validation is tested through the Worker, over
// HTTP, in worker.test.ts.)

import { MAX_BOUND_PARAMETERS, MAX_CHUNK_BYTES, RUN_STATEMENTS, chunks, uploadStatements } from '../src/sql.js'
import { type BatchUpload, normalizeTimestamp } from '../src/validate.js'

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
      expect(s.params.slice(1)).toEqual(['2026-03-04-001', 'homebrew'])
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

  test('the earlier run of the same key is deleted first, results before the run (the foreign key)', () => {
    const [a, b, c] = uploadStatements(upload(null))
    expect(a!.sql).toMatch(/^DELETE FROM recipe_results WHERE batch_run_id IN \(SELECT id FROM batch_runs WHERE batch_id = \? AND ecosystem = \?\)/)
    expect(b!.sql).toMatch(/^DELETE FROM batch_runs WHERE batch_id = \? AND ecosystem = \?/)
    expect(c!.sql).toMatch(/^INSERT INTO batch_runs .* RETURNING id$/)
    expect(a!.params).toEqual(['2026-03-04-001', 'homebrew'])
  })
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
