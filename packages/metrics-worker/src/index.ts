// The metrics Worker: receives record-batch's upload (docs/contract.md §6) and stores it
// in D1; serves the stored runs to dashboards and alerting.
//
//   POST /batch-metrics                         one batch's run of one ecosystem, with its results → 201
//   GET  /batch-metrics/ecosystems/<eco>?since= per-batch rates of one ecosystem over time
//   GET  /batch-metrics/runs/<batch_id>         the runs of one batch, one per ecosystem, with counts
//
// Every endpoint needs `Authorization: Bearer <METRICS_TOKEN>`.

import { ratesOf, runsOf, storeUpload } from './store.js'
import { LIMITS, validateBatchId, validateRatesQuery, validateUpload } from './validate.js'

export interface Env {
  DB: D1Database
  /** The shared secret record-batch sends as its `metrics-token` (wrangler secret put METRICS_TOKEN). */
  METRICS_TOKEN: string
}

const JSON_TYPE = 'application/json; charset=utf-8'

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers } })
}

const invalid = (problems: string[]): Response => json(400, { error: problems.join('; '), problems })

// ---------------------------------------------------------------------------
// the token

const encoder = new TextEncoder()

/**
 * Constant time: both sides are hashed first, so the comparison always runs
 * over 32 bytes whatever the lengths, and timingSafeEqual does not stop at
 * the first differing byte.
 */
async function tokenMatches(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([crypto.subtle.digest('SHA-256', encoder.encode(given)), crypto.subtle.digest('SHA-256', encoder.encode(expected))])
  return crypto.subtle.timingSafeEqual(a, b)
}

/** null when the request may go on, else the answer. */
async function authorize(request: Request, env: Env): Promise<Response | null> {
  if (typeof env.METRICS_TOKEN !== 'string' || env.METRICS_TOKEN === '') {
    console.error('metrics-worker: the METRICS_TOKEN secret is not set; every request is refused')
    return json(500, { error: 'the Worker has no METRICS_TOKEN secret (wrangler secret put METRICS_TOKEN)' })
  }
  const challenge = { 'www-authenticate': 'Bearer realm="batch-metrics"' }
  const header = request.headers.get('authorization')
  const m = header === null ? null : /^Bearer[ \t]+(\S(?:.*\S)?)[ \t]*$/i.exec(header)
  if (!m) return json(401, { error: 'missing bearer token: send Authorization: Bearer <METRICS_TOKEN>' }, challenge)
  if (!(await tokenMatches(m[1]!, env.METRICS_TOKEN))) return json(401, { error: 'wrong bearer token' }, challenge)
  return null
}

// ---------------------------------------------------------------------------
// the body

/** Past the limit, the rest of a body is still read (and dropped), up to this, so the client gets the 400 rather than a reset connection. */
const DRAIN_BYTES = 128 * 1024 * 1024

/** The body as text, refused past LIMITS.bodyBytes whether or not a content-length says so. */
async function readBody(request: Request): Promise<{ text: string } | { error: string }> {
  if (request.body === null) return { text: '' }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > DRAIN_BYTES) {
      await reader.cancel().catch(() => undefined)
      break
    }
    if (size <= LIMITS.bodyBytes) chunks.push(value)
  }
  if (size > LIMITS.bodyBytes) {
    const declared = Number(request.headers.get('content-length') ?? NaN)
    const shown = Number.isFinite(declared) ? declared : size > DRAIN_BYTES ? `over ${DRAIN_BYTES}` : size
    return { error: `the body is ${shown} bytes (the limit is ${LIMITS.bodyBytes})` }
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) }
  } catch {
    return { error: 'the body is not valid UTF-8' }
  }
}

async function postBatchMetrics(request: Request, env: Env): Promise<Response> {
  const type = request.headers.get('content-type')
  if (type !== null && !/^application\/json\s*(;|$)/i.test(type)) {
    return json(415, { error: `the body must be JSON (content-type: application/json), not ${type}` })
  }
  const body = await readBody(request)
  if ('error' in body) return invalid([body.error])
  let parsed: unknown
  try {
    parsed = JSON.parse(body.text)
  } catch (e) {
    return invalid([`the body is not valid JSON: ${(e as Error).message}`])
  }
  const upload = validateUpload(parsed)
  if (!upload.ok) return invalid(upload.problems)
  try {
    const stored = await storeUpload(env.DB, upload.value)
    return json(201, stored)
  } catch (e) {
    // D1 rolled the whole batch back: nothing of this upload is stored, and the
    // earlier upload of the same batch and ecosystem (if any) is still there.
    const message = (e as Error).message
    console.error(`metrics-worker: storing batch ${upload.value.batch_id} (${upload.value.ecosystem}) failed: ${message}`)
    return json(500, { error: `could not store the upload, nothing was stored: ${message}` })
  }
}

// ---------------------------------------------------------------------------
// the reads

async function getRates(env: Env, ecosystem: string, params: URLSearchParams): Promise<Response> {
  const q = validateRatesQuery(ecosystem, params)
  if (!q.ok) return invalid(q.problems)
  const { runs, truncated } = await ratesOf(env.DB, q.value)
  const passed = runs.reduce((n, r) => n + r.passed, 0)
  const failed = runs.reduce((n, r) => n + r.failed, 0)
  return json(200, {
    ecosystem,
    since: q.value.since,
    until: q.value.until,
    count: runs.length,
    truncated,
    totals: {
      runs: runs.length,
      passed,
      failed,
      skipped: runs.reduce((n, r) => n + r.skipped, 0),
      success_rate: passed + failed > 0 ? Math.round((passed / (passed + failed)) * 10000) / 10000 : null
    },
    runs: runs.map((r) => ({
      batch_id: r.batch_id,
      batch_run_id: r.batch_run_id,
      started_at: r.started_at,
      completed_at: r.completed_at,
      total_recipes: r.total_recipes,
      passed: r.passed,
      failed: r.failed,
      skipped: r.skipped,
      success_rate: r.success_rate,
      macos_minutes: r.macos_minutes,
      linux_minutes: r.linux_minutes
    }))
  })
}

async function getRuns(env: Env, batchId: string): Promise<Response> {
  const id = validateBatchId(batchId)
  if (!id.ok) return invalid(id.problems)
  const runs = await runsOf(env.DB, id.value)
  if (runs.length === 0) return json(404, { error: `no runs of batch ${batchId}` })
  return json(200, { batch_id: batchId, runs })
}

// ---------------------------------------------------------------------------
// routing

type Handler = (request: Request, env: Env, params: string[], url: URL) => Promise<Response>

const ROUTES: Array<{ pattern: RegExp; methods: Record<string, Handler> }> = [
  { pattern: /^\/batch-metrics\/?$/, methods: { POST: (request, env) => postBatchMetrics(request, env) } },
  { pattern: /^\/batch-metrics\/ecosystems\/([^/]+)\/?$/, methods: { GET: (_r, env, [eco], url) => getRates(env, eco!, url.searchParams) } },
  { pattern: /^\/batch-metrics\/runs\/([^/]+)\/?$/, methods: { GET: (_r, env, [id]) => getRuns(env, id!) } }
]

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

export async function handle(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url)
  for (const route of ROUTES) {
    const m = route.pattern.exec(url.pathname)
    if (!m) continue
    const handler = route.methods[request.method]
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ')
      return json(405, { error: `${request.method} is not allowed on ${url.pathname}; use ${allow}` }, { allow })
    }
    const params = m.slice(1).map(decode)
    if (params.some((p) => p === null)) return invalid([`the path ${url.pathname} is not validly percent-encoded`])
    const denied = await authorize(request, env)
    if (denied) return denied
    return handler(request, env, params as string[], url)
  }
  return json(404, { error: `no such endpoint: ${url.pathname}` })
}

export default {
  async fetch(request, env): Promise<Response> {
    try {
      return await handle(request, env)
    } catch (e) {
      console.error(`metrics-worker: ${(e as Error).stack ?? String(e)}`)
      return json(500, { error: 'internal error' })
    }
  }
} satisfies ExportedHandler<Env>
