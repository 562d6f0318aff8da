// The metrics sink: POST <metrics-url>/batch-metrics, one body per ecosystem.
//
// Advisory: every request has a timeout, network errors, 429 and 5xx are
// retried with backoff, other 4xx are not, and the whole upload ends by a
// deadline. It never throws; the caller warns and sets uploaded=false.

export interface SinkOptions {
  /** Per request. */
  timeoutMs: number
  /** The whole upload, retries included. */
  deadlineMs: number
  maxAttempts: number
  backoffMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
  fetch?: typeof fetch
  now?: () => number
}

export interface UploadOutcome {
  /** Every body is stored: accepted, or a newer version of it was there already. */
  ok: boolean
  /** Bodies accepted (a 409 counts: the Worker keeps a newer version of that run). */
  sent: number
  requests: number
  /** Why it failed, safe to log (never contains the token). */
  error?: string
  /** Bodies the Worker kept a newer version of (409), e.g. "npm: a newer run is stored". */
  notes?: string[]
}

/** A request with less time than this before the deadline is not started. */
const MIN_ATTEMPT_MS = 50

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function endpoint(metricsUrl: string): string {
  let url: URL
  try {
    url = new URL(metricsUrl)
  } catch {
    throw new Error(`input 'metrics-url' is not a URL (got ${JSON.stringify(metricsUrl)})`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`input 'metrics-url' must be an http(s) URL (got ${url.protocol})`)
  return `${metricsUrl.replace(/\/+$/, '')}/batch-metrics`
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

/** `text` without the token or any line of it (fetch quotes an invalid header value, e.g. a token with a line break, in its error). */
function redact(text: string, token: string): string {
  const parts = [token, ...token.split(/\r?\n/)].map((p) => p.trim()).filter((p) => p !== '')
  return parts.sort((a, b) => b.length - a.length).reduce((t, p) => t.split(p).join('***'), text)
}

export async function uploadMetrics(url: string, token: string, bodies: readonly unknown[], o: SinkOptions): Promise<UploadOutcome> {
  const doFetch = o.fetch ?? fetch
  const sleep = o.sleep ?? delay
  const random = o.random ?? Math.random
  const clock = o.now ?? Date.now
  const deadline = clock() + o.deadlineMs
  const backoff = o.backoffMs ?? 500
  let requests = 0
  let sent = 0
  const refused: string[] = []
  const notes: string[] = []
  const label = (body: unknown): string => {
    const eco = (body as { ecosystem?: unknown })?.ecosystem
    return typeof eco === 'string' ? eco : `body ${bodies.indexOf(body) + 1}`
  }
  const outcome = (): UploadOutcome => {
    const out: UploadOutcome = refused.length === 0 ? { ok: true, sent, requests } : { ok: false, sent, requests, error: refused.join('; ') }
    return notes.length > 0 ? { ...out, notes } : out
  }
  for (const body of bodies) {
    const payload = JSON.stringify(body)
    let lastError = ''
    let done = false
    for (let attempt = 1; attempt <= o.maxAttempts && !done; attempt++) {
      const left = deadline - clock()
      // Too little time left for a request to mean anything: stop with the last real answer.
      if (left < MIN_ATTEMPT_MS) return { ...outcome(), ok: false, error: [...refused, `gave up: the upload deadline of ${o.deadlineMs} ms passed (${lastError || 'no answer'})`].join('; ') }
      requests++
      let retryWait: number | undefined
      try {
        const res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': 'batch-ops/record-batch' },
          body: payload,
          signal: AbortSignal.timeout(Math.min(o.timeoutMs, left))
        })
        await res.arrayBuffer().catch(() => undefined)
        if (res.ok) {
          done = true
          sent++
          continue
        }
        lastError = redact(`HTTP ${res.status} ${res.statusText}`.trim(), token)
        if (res.status === 409) {
          // The Worker keeps the newest version of a run: a newer one of this body is stored. Not an error.
          notes.push(`${label(body)}: the Worker keeps a newer version of this run (409)`)
          done = true
          sent++
          continue
        }
        if (res.status !== 429 && res.status < 500) {
          // The token is the same for every body: no point in sending the rest.
          if (res.status === 401 || res.status === 403) return { ...outcome(), ok: false, error: [...refused, `${lastError} (check metrics-token); not retried`].join('; ') }
          // This body is refused; the others may still be stored.
          refused.push(`${label(body)}: ${lastError}; not retried`)
          done = true
          continue
        }
        retryWait = retryAfterMs(res.headers.get('retry-after'))
      } catch (e) {
        const err = e as Error
        lastError = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${Math.min(o.timeoutMs, left)} ms` : `network error: ${redact(err.message, token)}`
      }
      if (attempt < o.maxAttempts) {
        const remaining = deadline - clock()
        if (retryWait !== undefined && retryWait > remaining) {
          return { ok: false, sent, requests, error: `gave up: the server asked to retry after ${Math.round(retryWait)} ms, past the upload deadline of ${o.deadlineMs} ms (${lastError})` }
        }
        await sleep(Math.min(retryWait ?? random() * backoff * 2 ** (attempt - 1), Math.max(0, remaining)))
      }
    }
    if (!done) return { ...outcome(), ok: false, error: [...refused, `gave up after ${o.maxAttempts} attempts (${lastError})`].join('; ') }
  }
  return outcome()
}
