// The metrics Worker: receives record-batch's upload (docs/contract.md §6) and stores it
// in D1; serves the stored runs to dashboards and alerting; deletes what is older
// than the retention, on a cron trigger.
//
//   POST /batch-metrics[?replace=true]           one batch's run of one ecosystem, with its results → 201 (409 when a newer one is stored)
//   GET  /batch-metrics/ecosystems/<eco>?cursor= one ecosystem's runs, newest first, a page at a time
//   GET  /batch-metrics/runs/<batch_id>          the runs of one batch, one per ecosystem, with counts
//   scheduled (wrangler.toml [triggers] crons)   deletes runs older than RETENTION_DAYS (default 90)
//
// Every endpoint needs `Authorization: Bearer <token>`: a write token (METRICS_WRITE_TOKEN,
// or the deprecated METRICS_TOKEN) for POST, a read or write token for GET.

import { type Access, type TokenEnv, accessOf, tokensOf } from './auth.js'
import { type RetentionEnv, pruneOldRuns, retentionSettings } from './retention.js'
import { type StoreOutcome, ratesOf, runsOf, storeUpload } from './store.js'
import { type BatchUpload, LIMITS, type Validated, uploadFromText, validateBatchId, validateRatesQuery, validateReplace } from './validate.js'

export interface Env extends TokenEnv, RetentionEnv {
  DB: D1Database
}

const JSON_TYPE = 'application/json; charset=utf-8'

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers } })
}

const invalid = (problems: string[]): Response => json(400, { error: problems.join('; '), problems })

// ---------------------------------------------------------------------------
// the token

let warnedLegacy = false

/** null when the request may go on, else the answer. */
async function authorize(request: Request, env: Env, need: Access): Promise<Response | null> {
  const tokens = tokensOf(env)
  if (tokens.write.length === 0 && tokens.read.length === 0) {
    console.error('metrics-worker: no METRICS_WRITE_TOKEN or METRICS_READ_TOKEN secret is set; every request is refused')
    return json(500, {
      error: 'the Worker has no METRICS_WRITE_TOKEN secret (wrangler secret put METRICS_WRITE_TOKEN), nor a METRICS_READ_TOKEN or the deprecated METRICS_TOKEN'
    })
  }
  if (!warnedLegacy && typeof env.METRICS_TOKEN === 'string' && env.METRICS_TOKEN.trim() !== '') {
    warnedLegacy = true
    console.warn('metrics-worker: the METRICS_TOKEN secret is deprecated; it is accepted as a write token. Move it to METRICS_WRITE_TOKEN (README, "Rotate a token").')
  }
  const challenge = { 'www-authenticate': 'Bearer realm="batch-metrics"' }
  const header = request.headers.get('authorization')
  const m = header === null ? null : /^Bearer[ \t]+(\S(?:.*\S)?)[ \t]*$/i.exec(header)
  if (!m) return json(401, { error: 'missing bearer token: send Authorization: Bearer <token>' }, challenge)
  const access = await accessOf(m[1]!, tokens)
  if (access === null) return json(401, { error: 'wrong bearer token' }, challenge)
  if (need === 'write' && access !== 'write') {
    return json(403, { error: 'this token may only read; an upload needs a write token (METRICS_WRITE_TOKEN)' })
  }
  return null
}

// ---------------------------------------------------------------------------
// the body

/** Past the limit, the rest of a body is still read (and dropped), up to this, so the client gets the 400 rather than a reset connection. */
const DRAIN_BYTES = 128 * 1024 * 1024

type Body = { text: string } | { error: string }

/**
 * The body as text, refused past LIMITS.bodyBytes whether or not a content-length
 * says so. With a content-length within the limit, the bytes go straight into one
 * buffer of that size (no second copy). A body that ends before its
 * content-length, or whose connection fails mid-way, is an incomplete body.
 */
async function readBody(request: Request): Promise<Body> {
  if (request.body === null) return { text: '' }
  const header = request.headers.get('content-length')
  const declared = header !== null && /^\d+$/.test(header) ? Number(header) : null
  // With a content-length, the bytes go into one buffer of that size; without, into chunks joined at the end.
  const buffer = declared !== null && declared <= LIMITS.bodyBytes ? new Uint8Array(declared) : null
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      const at = size
      size += value.byteLength
      if (size > DRAIN_BYTES) {
        await reader.cancel().catch(() => undefined)
        break
      }
      if (size > LIMITS.bodyBytes || (declared !== null && declared > LIMITS.bodyBytes)) chunks.length = 0 // refused: the rest is only counted
      else if (buffer !== null && size <= buffer.byteLength) buffer.set(value, at)
      else if (buffer === null) chunks.push(value)
      else return { error: `the body is longer than the ${declared} bytes its content-length announced` }
    }
  } catch (e) {
    const announced = declared === null ? '' : ` of the ${declared} announced`
    return { error: `incomplete body: the connection ended after ${size} bytes${announced} (${(e as Error).message})` }
  }
  if (size > LIMITS.bodyBytes || (declared !== null && declared > LIMITS.bodyBytes)) {
    const shown = declared ?? (size > DRAIN_BYTES ? `over ${DRAIN_BYTES}` : size)
    return { error: `the body is ${shown} bytes (the limit is ${LIMITS.bodyBytes})` }
  }
  if (declared !== null && size < declared) return { error: `incomplete body: ${size} of the ${declared} bytes announced arrived` }
  let bytes = buffer
  if (bytes === null) {
    bytes = new Uint8Array(size)
    let at = 0
    for (const c of chunks.splice(0)) {
      bytes.set(c, at)
      at += c.byteLength
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) }
  } catch {
    return { error: 'the body is not valid UTF-8' }
  }
}

/** The validated upload of the request. Its own function, so that the body's bytes are garbage once it returns. */
async function readUpload(request: Request): Promise<Validated<BatchUpload>> {
  const body = await readBody(request)
  if ('error' in body) return { ok: false, problems: [body.error] }
  return uploadFromText(body.text, Date.now())
}

function conflict(u: BatchUpload, outcome: Extract<StoreOutcome, { stored: false }>): Response {
  const mine = u.completed_at === null ? 'this one has no completed_at' : `this one ${u.completed_at}`
  return json(409, {
    error:
      `a newer upload of batch ${u.batch_id} (${u.ecosystem}) is stored: completed_at ${outcome.stored_completed_at}, ${mine}; nothing was changed ` +
      '(to replace it anyway, send the upload again with ?replace=true)',
    batch_run_id: outcome.batch_run_id,
    stored_completed_at: outcome.stored_completed_at
  })
}

async function postBatchMetrics(request: Request, env: Env, url: URL): Promise<Response> {
  const replace = validateReplace(url.searchParams)
  if (!replace.ok) return invalid(replace.problems)
  const type = request.headers.get('content-type')
  if (type !== null && !/^application\/json\s*(;|$)/i.test(type)) {
    return json(415, { error: `the body must be JSON (content-type: application/json), not ${type}` })
  }
  const upload = await readUpload(request)
  if (!upload.ok) return invalid(upload.problems)
  const u = upload.value
  let outcome: StoreOutcome
  try {
    outcome = await storeUpload(env.DB, u, replace.value)
  } catch (e) {
    // D1 rolled the whole batch back: nothing of this upload is stored, and the
    // earlier upload of the same batch and ecosystem (if any) is still there.
    const message = (e as Error).message
    console.error(`metrics-worker: storing batch ${u.batch_id} (${u.ecosystem}) failed: ${message}`)
    return json(500, { error: `could not store the upload, nothing was stored: ${message}` })
  }
  if (!outcome.stored) return conflict(u, outcome)
  return json(201, { batch_run_id: outcome.batch_run_id, results: outcome.results, replaced: outcome.replaced })
}

// ---------------------------------------------------------------------------
// the reads

async function getRates(env: Env, ecosystem: string, params: URLSearchParams): Promise<Response> {
  const q = validateRatesQuery(ecosystem, params)
  if (!q.ok) return invalid(q.problems)
  const { runs, next_cursor } = await ratesOf(env.DB, q.value)
  const passed = runs.reduce((n, r) => n + r.passed, 0)
  const failed = runs.reduce((n, r) => n + r.failed, 0)
  return json(200, {
    ecosystem,
    since: q.value.since,
    until: q.value.until,
    order: q.value.order,
    count: runs.length,
    truncated: next_cursor !== null,
    next_cursor,
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

const ROUTES: Array<{ pattern: RegExp; methods: Record<string, { access: Access; handle: Handler }> }> = [
  { pattern: /^\/batch-metrics\/?$/, methods: { POST: { access: 'write', handle: (request, env, _p, url) => postBatchMetrics(request, env, url) } } },
  { pattern: /^\/batch-metrics\/ecosystems\/([^/]+)\/?$/, methods: { GET: { access: 'read', handle: (_r, env, [eco], url) => getRates(env, eco!, url.searchParams) } } },
  { pattern: /^\/batch-metrics\/runs\/([^/]+)\/?$/, methods: { GET: { access: 'read', handle: (_r, env, [id]) => getRuns(env, id!) } } }
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
    const method = route.methods[request.method]
    if (!method) {
      const allow = Object.keys(route.methods).join(', ')
      return json(405, { error: `${request.method} is not allowed on ${url.pathname}; use ${allow}` }, { allow })
    }
    const params = m.slice(1).map(decode)
    if (params.some((p) => p === null)) return invalid([`the path ${url.pathname} is not validly percent-encoded`])
    const denied = await authorize(request, env, method.access)
    if (denied) return denied
    return method.handle(request, env, params as string[], url)
  }
  return json(404, { error: `no such endpoint: ${url.pathname}` })
}

// ---------------------------------------------------------------------------
// retention

/** The cron trigger: deletes the runs older than the retention. Throws (so the invocation shows as failed) on a bad setting or a chunk D1 refuses. */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const settings = retentionSettings(env)
  if ('error' in settings) {
    console.error(`metrics-worker retention: nothing deleted: ${settings.error}`)
    throw new Error(settings.error)
  }
  try {
    const done = await pruneOldRuns(env.DB, controller.scheduledTime, settings)
    console.log(
      `metrics-worker retention: deleted ${done.runs} runs and ${done.results} results that started before ${done.cutoff} (${settings.days} days), in ${done.chunks} chunks` +
        (done.more ? '; older runs remain for the next trigger' : '')
    )
  } catch (e) {
    console.error(`metrics-worker retention: stopped: ${(e as Error).message}; the chunks before this one are deleted, this one and the rest are untouched`)
    throw e
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    try {
      return await handle(request, env)
    } catch (e) {
      console.error(`metrics-worker: ${(e as Error).stack ?? String(e)}`)
      return json(500, { error: 'internal error' })
    }
  },
  scheduled
} satisfies ExportedHandler<Env>
