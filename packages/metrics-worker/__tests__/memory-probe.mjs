// Run by memory.test.ts in fresh Node processes (V8, like workerd), as a Worker
// isolate would run the upload. Two steps, each its own process:
//
//   node memory-probe.mjs build <dir of transpiled src> <shape> <file>
//     writes one upload body of the given shape, as large as the Worker accepts;
//   node --max-old-space-size=128 --expose-gc --trace-gc memory-probe.mjs run <dir of transpiled src> <file>
//     sends it through the Worker's own fetch() handler (src/, transpiled) with a
//     stand-in D1 that records the statements and stores nothing, and prints one
//     JSON line: the answer, and the heap in use at the D1 call (after a full GC:
//     what the Worker holds while D1 stores the upload). Building the body is the
//     other process's work, so every collection --trace-gc reports here is the
//     Worker's (and the module loading's); the test reads the peak from them.

import { timingSafeEqual } from 'node:crypto'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

import { readFileSync, writeFileSync } from 'node:fs'

const [step, dir, ...args] = process.argv.slice(2)
const worker = (await import(pathToFileURL(path.join(dir, 'index.js')).href)).default
const { LIMITS } = await import(pathToFileURL(path.join(dir, 'validate.js')).href)

// workerd's extension of WebCrypto, which Node does not have.
crypto.subtle.timingSafeEqual ??= (a, b) => timingSafeEqual(Buffer.from(a), Buffer.from(b))

const MiB = 1024 * 1024
const limit = LIMITS.bodyBytes

/** The top-level fields of a valid upload of `n` failed results; `results` is spliced in. */
const head = (n) =>
  `{"batch_id":"2026-03-04-001","ecosystem":"homebrew","started_at":"2026-03-04T09:30:00Z","completed_at":"2026-03-04T10:00:00Z",` +
  `"total_recipes":${n},"passed":0,"failed":${n},"skipped":0,"success_rate":0,"macos_minutes":3,"linux_minutes":4.5`

function shuffle(a, seed) {
  for (let i = a.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const j = seed % (i + 1)
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

/** `n` results whose JSON fills `budget` bytes: every text at the length that takes, two-byte (a '€' in each), keys in random order. */
function results(n, budget, extraKeys = 0) {
  const per = Math.floor(budget / n)
  const out = []
  for (let i = 0; i < n; i++) {
    const name = `€${i}-`
    const fields = {
      recipe_name: JSON.stringify(name),
      ecosystem: '"homebrew"',
      result: '"failed"',
      error_category: '"c"',
      error_message: '""',
      duration_seconds: '1234567.891',
      platform: `"p${i}"`
    }
    for (let k = 0; k < extraKeys; k++) fields[`u${i}_${k}`] = '0'
    const keys = shuffle(Object.keys(fields), i + 1)
    const bare = `{${keys.map((k) => `"${k}":${fields[k]}`).join(',')}},`
    // Spread what is left over the texts, within their limits.
    let spare = per - Buffer.byteLength(bare)
    const grow = (max, current) => {
      const add = Math.max(0, Math.min(spare, max - current))
      spare -= add
      return add
    }
    const nameAdd = grow(LIMITS.recipeName, [...name].length)
    fields.recipe_name = JSON.stringify(name + 'n'.repeat(nameAdd))
    fields.platform = JSON.stringify(`p${i}` + 'p'.repeat(grow(128, String(i).length + 1)))
    fields.error_category = JSON.stringify('c' + 'c'.repeat(grow(LIMITS.errorCategory, 1)))
    fields.error_message = JSON.stringify('m'.repeat(grow(LIMITS.errorMessage, 0)))
    out.push(`{${keys.map((k) => `"${k}":${fields[k]}`).join(',')}}`)
  }
  return out
}

/** The body of `shape`, at most `limit` bytes long. */
function build(shape) {
  switch (shape) {
    // The case of the issue: a valid body, padded with an unknown field of tiny objects.
    case 'padded-tiny-objects': {
      const start = `${head(1)},"results":[{"recipe_name":"jq","ecosystem":"homebrew","result":"failed"}],"padding":[`
      const count = Math.floor((limit - start.length - 2) / 3)
      return `${start}${'{},'.repeat(count - 1)}{}]}`
    }
    // 50,000 results (the most), each as wide as the limit allows, keys in random order.
    case 'widest-results':
      return `${head(LIMITS.results)},"results":[${results(LIMITS.results, limit - 600).join(',')}]}`
    // Fewer results with long texts: more of the body is strings the Worker keeps.
    case 'long-texts':
      return `${head(2_000)},"results":[${results(2_000, limit - 600).join(',')}]}`
    // Results with unknown fields of names never seen twice (every one a new hidden class, were they kept).
    case 'unknown-result-fields': {
      const n = Math.min(LIMITS.results, Math.floor((limit - 600) / 600))
      return `${head(n)},"results":[${results(n, limit - 600, 24).join(',')}]}`
    }
    // One unknown top-level string as long as the body may be, two-byte and full of escapes.
    case 'unknown-long-string': {
      const start = `${head(1)},"results":[{"recipe_name":"jq","ecosystem":"homebrew","result":"failed"}],"note":"€`
      return `${start}${'\\u00e9x€'.repeat(Math.floor((limit - Buffer.byteLength(start) - 2) / 10))}"}`
    }
    default:
      throw new Error(`no shape ${shape}`)
  }
}

if (step === 'build') {
  const [shape, file] = args
  const bytes = new TextEncoder().encode(build(shape))
  if (bytes.length > limit) throw new Error(`the ${shape} body is ${bytes.length} bytes, over the limit ${limit}`)
  writeFileSync(file, bytes)
  process.exit(0)
}

let bytes = new Uint8Array(readFileSync(args[0]))
const size = bytes.length

let atD1 = null
let statements = 0
const stub = {
  prepare(sql) {
    return {
      bind: (...params) => ({ sql, params }),
      sql,
      params: []
    }
  },
  async batch(list) {
    statements = list.length
    globalThis.gc()
    const m = process.memoryUsage()
    atD1 = { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers }
    return list.map((s) => ({ results: /RETURNING id/.test(s.sql) ? [{ id: 1 }] : [], meta: { changes: 1 } }))
  }
}

globalThis.gc()
const before = process.memoryUsage()
// The body arrives as workerd hands it over: in 64 KiB chunks.
const CHUNK = 64 * 1024
let at = 0
const stream = new ReadableStream({
  pull(controller) {
    if (at >= size) {
      bytes = null
      controller.close()
      return
    }
    controller.enqueue(bytes.slice(at, at + CHUNK))
    at += CHUNK
  }
})
const request = new Request('http://metrics.test/batch-metrics', {
  method: 'POST',
  headers: { authorization: 'Bearer t', 'content-type': 'application/json', 'content-length': String(size) },
  body: stream,
  duplex: 'half'
})
// METRICS_TOKEN as well, so that the probe also runs the Worker as it was before the two tokens (for comparison).
const env = { DB: stub, METRICS_TOKEN: 't', METRICS_WRITE_TOKEN: 't' }
const started = performance.now()
const res = await worker.fetch(request, env, { waitUntil() {}, passThroughOnException() {} })
const answer = await res.json()
const ms = performance.now() - started
console.log(
  `PROBE ${JSON.stringify({
    limit,
    size,
    status: res.status,
    answer: res.status === 201 ? answer : String(answer.error).slice(0, 300),
    statements,
    ms: Math.round(ms),
    baseline: { heapUsed: before.heapUsed, arrayBuffers: before.arrayBuffers },
    atD1
  })}`
)
