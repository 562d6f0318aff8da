// What an upload may cost the Worker's memory (an isolate has 128 MB). The body
// limit is what 50,000 results need; arrays and objects are refused where the
// upload has none, before anything is built from them; and the heap the worst
// accepted bodies take is measured in V8 (Node, running the Worker's own code
// in a fresh process, with the heap capped at 128 MB).

import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { LIMITS } from '../src/validate.js'
import { type LocalWorker, type Row, body, rows, startWorker, storedResults, workerModules, workerRoot } from './local-worker.js'

const MiB = 1024 * 1024

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

let batches = 0
const freshBatch = (): string => `2026-10-01-${String(++batches).padStart(3, '0')}`

describe('the body limit', () => {
  test('is lower than the 16 MiB it was, and 50,000 results as record-batch sends them fit', () => {
    expect(LIMITS.bodyBytes).toBeLessThan(16 * MiB)
    // record-batch's shape (uploadBodies), each result at the widest its fixed part can be.
    const widest = JSON.stringify({
      recipe_name: 'r'.repeat(32),
      ecosystem: 'e'.repeat(64),
      result: 'blocked',
      error_category: null,
      error_message: null,
      duration_seconds: 1.2345678901234567e-7
    })
    const top = JSON.stringify(body([], { batch_id: 'b'.repeat(128), ecosystem: 'e'.repeat(64), macos_minutes: 1.2345678901234567e-7, linux_minutes: 1.2345678901234567e-7 }))
    expect(Buffer.byteLength(top) + LIMITS.results * (Buffer.byteLength(widest) + 1)).toBeLessThanOrEqual(LIMITS.bodyBytes)
  })
})

describe('arrays and objects where an upload has none: 400, before they are parsed into anything', () => {
  const valid = (): Record<string, unknown> => body(rows(4), { batch_id: freshBatch() })
  const withRow = (i: number, patch: Record<string, unknown>): Record<string, unknown> => {
    const b = valid()
    ;(b.results as Array<Record<string, unknown>>)[i] = { ...(b.results as Row[])[i]!, ...patch }
    return b
  }

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown top-level array', { ...valid(), padding: [{}, {}, {}] }, /^padding must not be an array: only results is an array in an upload/],
    ['an unknown top-level object', { ...valid(), extra: { a: 1 } }, /^extra must not be an object: only results is an array in an upload/],
    ['a known field as an array', { ...valid(), batch_id: ['2026-03-04-001'] }, /^batch_id must not be an array/],
    ['an object inside a result', withRow(2, { details: { exit: 2 } }), /^results\[2\]\.details must not be an object/],
    ['an array inside a result', withRow(0, { recipe_name: ['a', 'b'] }), /^results\[0\]\.recipe_name must not be an array/],
    ['a result that is an array', { ...valid(), results: [...(valid().results as Row[]).slice(0, 3), ['passed']] }, /^results\[3\] must be a JSON object \(found an array\)/]
  ])('%s', async (_, b, reason) => {
    const r = await w.request('POST', '/batch-metrics', { body: b })
    expect(r.status).toBe(400)
    expect(r.body.error).toMatch(reason)
    const batchId = Array.isArray(b.batch_id) ? (b.batch_id[0] as string) : (b.batch_id as string)
    expect(await storedResults(w.db, batchId, 'homebrew')).toEqual([])
  })

  test('unknown fields holding a string, number, boolean or null are still accepted and ignored, at the top and in results', async () => {
    const b = valid()
    Object.assign(b, { schema_version: 9, note: 'from a newer uploader', dry_run: false, run_url: null })
    const results = b.results as Array<Record<string, unknown>>
    Object.assign(results[0]!, { exit_code: 2, name: 'alias', platform: 'linux-x86_64', retried: true, extra: null })
    const r = await w.request('POST', '/batch-metrics', { body: b })
    expect(r.status).toBe(201)
    expect((await storedResults(w.db, b.batch_id as string, 'homebrew'))[0]).toEqual(rows(4)[0])
  })
})

describe('the heap the worst accepted bodies take (V8, capped at 128 MB)', () => {
  let dir: string
  beforeAll(async () => {
    // The Worker's modules as wrangler would bundle them, for a plain Node process to import.
    dir = await mkdtemp(path.join(os.tmpdir(), 'metrics-worker-memory-'))
    for (const m of await workerModules()) await writeFile(path.join(dir, path.basename(m.path)), m.contents)
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  interface Probe {
    limit: number
    size: number
    status: number
    answer: unknown
    statements: number
    ms: number
    baseline: { heapUsed: number; arrayBuffers: number }
    atD1: { heapUsed: number; arrayBuffers: number } | null
  }

  const PROBE = path.join(workerRoot, '__tests__', 'memory-probe.mjs')

  function node(args: string[]): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal, out, err }))
    })
  }

  /**
   * Builds the body of `shape` in one process, then sends it through the Worker's
   * fetch() in a fresh one whose heap is capped at `capMB` MB: the probe's line,
   * the peak heap in use (MB, the largest "before" of --trace-gc), and how it exited.
   */
  async function probe(shape: string, capMB: number): Promise<{ code: number | null; signal: string | null; result: Probe | null; peakMB: number; stderr: string }> {
    const file = path.join(dir, `${shape}.json`)
    const built = await node([PROBE, 'build', dir, shape, file])
    if (built.code !== 0) throw new Error(`building the ${shape} body failed: ${built.err}`)
    const run = await node([`--max-old-space-size=${capMB}`, '--expose-gc', '--trace-gc', PROBE, 'run', dir, file])
    // "Scavenge 12.3 (14.0) -> 11.1 (15.0) MB": the heap in use before each collection.
    const before = [...run.out.matchAll(/ (\d+(?:\.\d+)?) \(\d+(?:\.\d+)?\) -> \d+(?:\.\d+)? \(\d+(?:\.\d+)?\) MB/g)].map((m) => Number(m[1]))
    const line = run.out.split('\n').find((l) => l.startsWith('PROBE '))
    return { code: run.code, signal: run.signal, result: line ? (JSON.parse(line.slice(6)) as Probe) : null, peakMB: Math.max(0, ...before), stderr: run.err.slice(-2000) }
  }

  const HEAP_BOUND_MB = 64 // half of an isolate's 128 MB: room for the runtime and D1's own copy of the statements

  test.each<[string, number, RegExp | null]>([
    ['padded-tiny-objects', 400, /^padding must not be an array/],
    ['widest-results', 201, null],
    ['long-texts', 201, null],
    ['unknown-result-fields', 201, null],
    ['unknown-long-string', 201, null]
  ])(
    '%s: completes within the capped heap, its peak under the bound',
    async (shape, status, error) => {
      const p = await probe(shape, 128)
      const r = p.result
      console.log(
        `metrics-worker memory: ${shape}: ${r ? `${(r.size / MiB).toFixed(2)} MiB body → ${r.status}, ` : ''}peak heap ${p.peakMB.toFixed(1)} MB` +
          (r?.atD1 ? `, live at the D1 call ${(r.atD1.heapUsed / 1e6).toFixed(1)} MB heap + ${(r.atD1.arrayBuffers / 1e6).toFixed(1)} MB array buffers` : '') +
          (r ? `, baseline ${(r.baseline.heapUsed / 1e6).toFixed(1)} MB, ${r.ms} ms` : ` (exit ${p.code ?? p.signal}: ${p.stderr.split('\n').filter(Boolean).slice(-3).join(' | ')})`)
      )
      expect({ code: p.code, signal: p.signal }).toEqual({ code: 0, signal: null })
      expect(r).not.toBeNull()
      expect(r!.size).toBeGreaterThan(LIMITS.bodyBytes - 64 * 1024) // as large as accepted
      expect(r!.status).toBe(status)
      if (error) expect(r!.answer).toMatch(error)
      expect(p.peakMB).toBeLessThan(HEAP_BOUND_MB)
    },
    180_000
  )
})
