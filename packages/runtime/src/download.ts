// Downloads that only hash: the body streams through SHA-256 and is never kept, so memory stays
// flat whatever the size (checksum-drift, docs/contract.md §9).
//
// node:http and node:https rather than fetch: fetch decodes a Content-Encoding, and the checksum
// a recipe pins is of the bytes as served (as curl downloads them). Per attempt, one deadline
// covers every redirect and the whole body. Redirects (at most 5) are followed by hand, so each
// hop's scheme is checked before it is requested; credentials in the URL are sent as basic
// authentication to its own origin only, never to another. A body over max-bytes is cut off
// (announced by Content-Length: not read at all). Only transient failures are retried, with
// backoff: timeouts, connection errors, 429, 5xx and a body cut short.

import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import v8 from 'node:v8'
import vm from 'node:vm'
import type { DownloadResult } from '@batch-ops/core'

export interface DownloadOptions {
  /** Per attempt: connecting, every redirect and the whole body. */
  timeoutMs: number
  maxBytes: number
  /** Further attempts after a transient failure. */
  retries: number
  /** e.g. ['https']; a URL or a redirect to another scheme is never requested. */
  allowedSchemes: readonly string[]
  /** Default 5. */
  maxRedirects?: number
  /** First backoff (full jitter, doubling, capped at 20 times this); default 500 ms. */
  backoffMs?: number
  /** A Retry-After longer than this ends the retries; default 60 s. */
  maxRetryAfterMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
  userAgent?: string
}

/** What a download gave (core's DownloadResult), and how it went. */
export type DownloadReport = DownloadResult & {
  /** Requests made (0 when the URL was refused before any). */
  attempts: number
}

type Attempt =
  | { kind: 'complete'; sha256: string; bytes: number }
  | { kind: 'gone'; status: number }
  | { kind: 'failed'; reason: string; transient: boolean; retryAfterMs?: number }

const REDIRECTS = new Set([301, 302, 303, 307, 308])

// Memory. The HTTP parser hands over each piece of a body as a new buffer, and V8 frees them only
// after some 64 MB or more of them have piled up: a 1 GiB download would peak some 80 MB above the
// process's own size (measured: 150 MB for the action, against 67 MB for a small file). A young-
// generation collection every 8 MB hashed (well under a millisecond each) keeps the peak near 30 MB
// above it. The collector is reached as test runners reach it (the flag is set, the function taken,
// the flag cleared again: no global `gc` appears); where that is not possible, nothing is done.
const COLLECT_EVERY = 8 * 1024 * 1024
let collector: ((options?: { type: 'minor' | 'major' }) => void) | null | undefined
let sinceCollect = 0

function collectGarbage(): void {
  if (collector === undefined) {
    try {
      const exposed = (globalThis as { gc?: typeof collector }).gc
      if (exposed) collector = exposed
      else {
        v8.setFlagsFromString('--expose-gc')
        collector = vm.runInNewContext('gc') as typeof collector
        v8.setFlagsFromString('--no-expose-gc')
      }
    } catch {
      collector = null
    }
  }
  try {
    collector?.({ type: 'minor' })
  } catch {
    collector = null
  }
}

/** Counts bytes hashed, by every download at once, and collects the buffers done with every COLLECT_EVERY. */
function hashed(bytes: number): void {
  sinceCollect += bytes
  if (sinceCollect < COLLECT_EVERY) return
  sinceCollect = 0
  collectGarbage()
}
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A one-line reason, whatever an error message holds. */
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim()

/** The scheme of a URL object, without the colon. */
const schemeOf = (u: URL): string => u.protocol.replace(/:$/, '').toLowerCase()

/** The credentials of a URL (percent-decoded) and the URL without them. */
export function splitCredentials(raw: string): { url: URL; auth: string | undefined } {
  const url = new URL(raw)
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  }
  const auth = url.username !== '' || url.password !== '' ? `${decode(url.username)}:${decode(url.password)}` : undefined
  url.username = ''
  url.password = ''
  return { url, auth }
}

/**
 * Masks the credentials of a URL in the log (setSecret), as they are written and decoded: the
 * password always, the user name when there is no password (a token as user name) or when it is
 * long enough to be one. Defence in depth: nothing prints a URL that still has them.
 */
export function maskUrlCredentials(raw: string): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return
  }
  const secrets = new Set<string>()
  const add = (s: string): void => {
    if (s.length >= 4) secrets.add(s)
    try {
      const d = decodeURIComponent(s)
      if (d.length >= 4) secrets.add(d)
    } catch {
      // not percent-encoded
    }
  }
  if (url.password !== '') add(url.password)
  if (url.username !== '' && (url.password === '' || url.username.length >= 16)) add(url.username)
  for (const s of secrets) core.setSecret(s)
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const h = Array.isArray(header) ? header[0] : header
  if (!h) return undefined
  const seconds = Number(h)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const at = Date.parse(h)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

/** Connection failures that another try will not fix: the certificate, the TLS handshake. */
function permanentError(e: NodeJS.ErrnoException): boolean {
  const code = e.code ?? ''
  return /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|ERR_INVALID_URL|ERR_UNESCAPED_CHARACTERS)/.test(code) || /certificate/i.test(e.message)
}

/** One GET: resolves with the response (headers read), or rejects. */
function get(url: URL, auth: string | undefined, signal: AbortSignal, userAgent: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http
    const req = lib.request(url, {
      method: 'GET',
      // No Accept-Encoding: the checksum is of the bytes as served, unencoded.
      headers: { 'user-agent': userAgent, accept: '*/*' },
      ...(auth !== undefined ? { auth } : {}),
      signal
    })
    req.once('response', resolve)
    req.once('error', reject)
    req.end()
  })
}

/** One attempt: every redirect and the whole body within the deadline. */
async function attempt(start: URL, startAuth: string | undefined, o: DownloadOptions): Promise<Attempt> {
  const seconds = `${o.timeoutMs / 1000} s`
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), o.timeoutMs)
  const maxRedirects = o.maxRedirects ?? 5
  let bytes = 0
  let reading = false
  try {
    let url = start
    let auth = startAuth
    for (let hop = 0; ; hop++) {
      const res = await get(url, auth, controller.signal, o.userAgent ?? 'batch-ops-checksum-drift')
      const status = res.statusCode ?? 0
      if (REDIRECTS.has(status)) {
        res.destroy()
        const location = res.headers.location
        if (!location) return { kind: 'failed', reason: `HTTP ${status} without a Location to redirect to`, transient: false }
        if (hop >= maxRedirects) return { kind: 'failed', reason: `more than ${maxRedirects} redirects`, transient: false }
        let next: URL
        try {
          next = new URL(location, url)
        } catch {
          return { kind: 'failed', reason: `HTTP ${status} redirects to something that is not a URL`, transient: false }
        }
        if (!o.allowedSchemes.includes(schemeOf(next))) {
          return { kind: 'failed', reason: `redirected to a ${schemeOf(next)}: URL, a scheme allowed-schemes does not allow (${o.allowedSchemes.join(', ')}); not requested`, transient: false }
        }
        // Credentials go to the URL's own origin only; a Location's own are never used.
        if (next.origin !== url.origin) auth = undefined
        next.username = ''
        next.password = ''
        url = next
        continue
      }
      if (status === 404 || status === 410) {
        res.destroy()
        return { kind: 'gone', status }
      }
      if (status < 200 || status > 299 || status === 206) {
        res.destroy()
        const transient = status === 429 || status >= 500
        const hint = status === 401 || status === 403 ? ' (does the URL need credentials, or other ones?)' : ''
        const after = transient ? retryAfterMs(res.headers['retry-after']) : undefined
        return { kind: 'failed', reason: `HTTP ${status}${hint}`, transient, ...(after !== undefined ? { retryAfterMs: after } : {}) }
      }
      const announced = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length'])
      if (announced !== undefined && Number.isFinite(announced) && announced > o.maxBytes) {
        res.destroy()
        return { kind: 'failed', reason: `announces ${announced} bytes (Content-Length), over max-bytes (${o.maxBytes}); not read`, transient: false }
      }
      const hash = createHash('sha256')
      reading = true
      for await (const chunk of res as AsyncIterable<Buffer>) {
        bytes += chunk.length
        if (bytes > o.maxBytes) {
          res.destroy()
          return { kind: 'failed', reason: `the body is over max-bytes (${o.maxBytes}); stopped reading`, transient: false }
        }
        hash.update(chunk)
        hashed(chunk.length)
      }
      if (!res.complete || (announced !== undefined && Number.isFinite(announced) && bytes !== announced)) {
        return { kind: 'failed', reason: `the body was cut short after ${bytes} bytes${announced !== undefined ? ` of ${announced}` : ''}`, transient: true }
      }
      return { kind: 'complete', sha256: hash.digest('hex'), bytes }
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (controller.signal.aborted) {
      return { kind: 'failed', reason: `no complete answer within ${seconds}${reading ? ` (${bytes} bytes read)` : ''}`, transient: true }
    }
    if (reading) return { kind: 'failed', reason: `the body was cut short after ${bytes} bytes (${oneLine(err.code ?? err.message)})`, transient: true }
    return { kind: 'failed', reason: `connection failed: ${oneLine(err.message || String(err.code))}`, transient: !permanentError(err) }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Downloads `rawUrl` and hashes it: `complete` (the whole body, 2xx after at most 5 redirects,
 * within max-bytes), `gone` (404 or 410), or `unreachable` with the reason, after the retries.
 * A URL whose scheme is not allowed is never requested. Never throws; no reason holds the URL's
 * credentials.
 */
export async function downloadSha256(rawUrl: string, o: DownloadOptions): Promise<DownloadReport> {
  let start: { url: URL; auth: string | undefined }
  try {
    start = splitCredentials(rawUrl)
  } catch {
    return { kind: 'unreachable', reason: 'not a URL', attempts: 0 }
  }
  const scheme = schemeOf(start.url)
  if (!o.allowedSchemes.includes(scheme)) {
    return { kind: 'unreachable', reason: `the scheme ${scheme} is not in allowed-schemes (${o.allowedSchemes.join(', ')}); not requested`, attempts: 0 }
  }
  const sleep = o.sleep ?? delay
  const random = o.random ?? Math.random
  const backoff = o.backoffMs ?? 500
  const maxRetryAfter = o.maxRetryAfterMs ?? 60_000
  const tries = 1 + Math.max(0, o.retries)
  for (let n = 1; ; n++) {
    const r = await attempt(start.url, start.auth, o)
    if (r.kind !== 'failed') return { ...r, attempts: n }
    const after = n > 1 ? ` (after ${n} attempts)` : ''
    if (!r.transient || n >= tries) return { kind: 'unreachable', reason: `${r.reason}${after}`, attempts: n }
    if (r.retryAfterMs !== undefined && r.retryAfterMs > maxRetryAfter) {
      return { kind: 'unreachable', reason: `${r.reason}; the server asked to retry after ${Math.round(r.retryAfterMs / 1000)} s, longer than batch-ops waits${after}`, attempts: n }
    }
    const jitter = Math.round(random() * Math.min(backoff * 20, backoff * 2 ** (n - 1)))
    await sleep(Math.max(jitter, r.retryAfterMs ?? 0))
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time; the results in the items' order. */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return out
}
