// The metrics sink against a real local HTTP server (no fetch mocks).

import { afterEach, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type SinkOptions, endpoint, uploadMetrics } from '@batch-ops/runtime'

const TOKEN = 'tok-3f9a-SECRET-b71c'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

type Reply = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void

const servers: http.Server[] = []

/** A server that answers the n-th request (0-based) with `replies[n]` (the last one repeats). */
async function serve(...replies: Reply[]): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const n = seen.length
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      replies[Math.min(n, replies.length - 1)]!(req, res, n)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { base: `http://127.0.0.1:${port}`, seen }
}

const status =
  (code: number, headers: Record<string, string> = {}, reason?: string): Reply =>
  (_req, res) => {
    if (reason === undefined) res.writeHead(code, headers)
    else res.writeHead(code, reason, headers)
    res.end(code < 300 ? '{"ok":true}' : '{"error":"no"}')
  }
const never: Reply = () => undefined

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
})

const FAST: SinkOptions = { timeoutMs: 2000, deadlineMs: 10_000, maxAttempts: 4, backoffMs: 5 }
const BODY = { batch_id: '2026-01-07', ecosystem: 'npm', passed: 1, results: [{ recipe_name: 'a/../b\n<script>', result: 'passed' }] }

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now()
  const value = await f()
  return { value, ms: performance.now() - t0 }
}

describe('uploadMetrics against a real server', () => {
  test('201 on the first try: one POST with the body, JSON, and the bearer token', async () => {
    const { base, seen } = await serve(status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [BODY], FAST)
    expect(out).toEqual({ ok: true, sent: 1, requests: 1 })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.method).toBe('POST')
    expect(seen[0]!.url).toBe('/batch-metrics')
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(seen[0]!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(seen[0]!.body)).toEqual(BODY)
  })

  test('one POST per body, in order', async () => {
    const { base, seen } = await serve(status(200))
    const bodies = [{ ecosystem: 'npm' }, { ecosystem: 'pypi' }, { ecosystem: 'crates.io' }]
    const out = await uploadMetrics(endpoint(base), TOKEN, bodies, FAST)
    expect(out).toEqual({ ok: true, sent: 3, requests: 3 })
    expect(seen.map((s) => JSON.parse(s.body).ecosystem)).toEqual(['npm', 'pypi', 'crates.io'])
  })

  test('nothing to send, no request', async () => {
    const { base, seen } = await serve(status(201))
    expect(await uploadMetrics(endpoint(base), TOKEN, [], FAST)).toEqual({ ok: true, sent: 0, requests: 0 })
    expect(seen).toHaveLength(0)
  })

  test.each<[string, Reply]>([
    ['500', status(500)],
    ['502', status(502)],
    ['503', status(503)],
    ['429 without Retry-After', status(429)]
  ])('%s then 201: retried, 2 requests', async (_name, first) => {
    const { base, seen } = await serve(first, status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [BODY], FAST)
    expect(out).toEqual({ ok: true, sent: 1, requests: 2 })
    expect(seen).toHaveLength(2)
    expect(seen[1]!.body).toBe(seen[0]!.body)
    expect(seen[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  test('a retry of the second body does not resend the first', async () => {
    const { base, seen } = await serve(status(201), status(500), status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [{ n: 1 }, { n: 2 }], FAST)
    expect(out).toEqual({ ok: true, sent: 2, requests: 3 })
    expect(seen.map((s) => JSON.parse(s.body).n)).toEqual([1, 2, 2])
  })

  test('429 with Retry-After: 0 then 201: retried at once (the header wins over the backoff)', async () => {
    const { base, seen } = await serve(status(429, { 'retry-after': '0' }), status(201))
    // Without the header the wait would be 60 s (capped by the 5 s deadline, which would then fail the upload).
    const { value: out, ms } = await timed(() =>
      uploadMetrics(endpoint(base), TOKEN, [BODY], { timeoutMs: 2000, deadlineMs: 5000, maxAttempts: 3, backoffMs: 60_000, random: () => 1 })
    )
    expect(out).toEqual({ ok: true, sent: 1, requests: 2 })
    expect(seen).toHaveLength(2)
    expect(ms).toBeLessThan(1000)
  })

  test('a Retry-After past the deadline gives up at once, with the answer that asked for it', async () => {
    const { base } = await serve(status(429, { 'retry-after': '3600' }))
    const { value: out, ms } = await timed(() => uploadMetrics(endpoint(base), TOKEN, [BODY], { timeoutMs: 500, deadlineMs: 600, maxAttempts: 5, backoffMs: 5 }))
    expect(out.ok).toBe(false)
    expect(out.requests).toBe(1)
    expect(out.error).toMatch(/retry after 3600000 ms, past the upload deadline of 600 ms \(HTTP 429/)
    expect(ms).toBeLessThan(600 + 3000)
  })

  test.each<[number, RegExp]>([
    [401, /^HTTP 401 Unauthorized \(check metrics-token\); not retried$/],
    [403, /^HTTP 403 Forbidden \(check metrics-token\); not retried$/]
  ])('%i is not retried and says to check metrics-token', async (code, message) => {
    const { base, seen } = await serve(status(code), status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [BODY, BODY], FAST)
    expect(out).toEqual({ ok: false, sent: 0, requests: 1, error: expect.stringMatching(message) })
    expect(seen).toHaveLength(1)
  })

  test.each([400, 404, 413, 422])('%i is not retried', async (code) => {
    const { base, seen } = await serve(status(code), status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [BODY], FAST)
    expect(out.ok).toBe(false)
    expect(out.requests).toBe(1)
    expect(out.error).toMatch(new RegExp(`^npm: HTTP ${code} .*; not retried$`))
    expect(out.error).not.toMatch(/metrics-token/)
    expect(seen).toHaveLength(1)
  })

  test('a body refused with a 4xx does not stop the others: each is sent, the refused one named', async () => {
    const { base, seen } = await serve(status(201), status(400), status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [{ ecosystem: 'homebrew' }, { ecosystem: 'npm' }, { ecosystem: 'cask' }], FAST)
    expect(out).toEqual({ ok: false, sent: 2, requests: 3, error: expect.stringMatching(/^npm: HTTP 400 .*; not retried$/) })
    expect(seen).toHaveLength(3)
  })

  test('409: the Worker keeps a newer version of that run; not an error, noted, and the rest are sent', async () => {
    const { base, seen } = await serve(status(201), status(409), status(201))
    const out = await uploadMetrics(endpoint(base), TOKEN, [{ ecosystem: 'homebrew' }, { ecosystem: 'npm' }, { ecosystem: 'cask' }], FAST)
    expect(out).toEqual({ ok: true, sent: 3, requests: 3, notes: ['npm: the Worker keeps a newer version of this run (409)'] })
    expect(seen).toHaveLength(3)
  })

  test('5xx every time: gives up after maxAttempts', async () => {
    const { base, seen } = await serve(status(503))
    const out = await uploadMetrics(endpoint(base), TOKEN, [BODY], { ...FAST, maxAttempts: 3 })
    expect(out).toEqual({ ok: false, sent: 0, requests: 3, error: 'gave up after 3 attempts (HTTP 503 Service Unavailable)' })
    expect(seen).toHaveLength(3)
  })

  test('a server that never answers: ok false within the deadline', async () => {
    const { base, seen } = await serve(never)
    const deadlineMs = 1000
    const { value: out, ms } = await timed(() => uploadMetrics(endpoint(base), TOKEN, [BODY], { timeoutMs: 300, deadlineMs, maxAttempts: 10, backoffMs: 5 }))
    expect(out.ok).toBe(false)
    expect(out.sent).toBe(0)
    expect(out.error).toMatch(/no answer within \d+ ms/)
    expect(out.requests).toBeGreaterThanOrEqual(2)
    expect(seen.length).toBe(out.requests)
    expect(ms).toBeLessThan(deadlineMs + 3000)
  })

  test('a per-request timeout longer than the deadline still ends by the deadline', async () => {
    const { base } = await serve(never)
    const { value: out, ms } = await timed(() => uploadMetrics(endpoint(base), TOKEN, [BODY], { timeoutMs: 30_000, deadlineMs: 500, maxAttempts: 3, backoffMs: 5 }))
    expect(out.ok).toBe(false)
    expect(out.requests).toBe(1)
    expect(ms).toBeLessThan(500 + 3000)
  })

  test('a server that sends headers but never the body counts as no answer', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(500, { 'content-length': '100' })
      res.write('{')
    })
    const { value: out, ms } = await timed(() => uploadMetrics(endpoint(base), TOKEN, [BODY], { timeoutMs: 300, deadlineMs: 1000, maxAttempts: 10, backoffMs: 5 }))
    expect(out.ok).toBe(false)
    expect(ms).toBeLessThan(1000 + 3000)
  })

  test('connection refused (a closed port): ok false after maxAttempts', async () => {
    const probe = http.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const out = await uploadMetrics(endpoint(`http://127.0.0.1:${port}`), TOKEN, [BODY], { ...FAST, maxAttempts: 3 })
    expect(out).toEqual({ ok: false, sent: 0, requests: 3, error: expect.stringMatching(/^gave up after 3 attempts \(network error: /) })
  })

  test('the token never appears in the error, whatever the failure', async () => {
    const reflect: Reply = (req, res) => {
      res.writeHead(503, `Unavailable for ${req.headers.authorization}`)
      res.end()
    }
    const reflect401: Reply = (req, res) => {
      res.writeHead(401, `no such token ${req.headers.authorization}`)
      res.end()
    }
    const errors: string[] = []
    for (const reply of [reflect, reflect401, status(500), status(400), never]) {
      const { base } = await serve(reply)
      const out = await uploadMetrics(endpoint(base), TOKEN, [BODY], { timeoutMs: 200, deadlineMs: 800, maxAttempts: 2, backoffMs: 5 })
      expect(out.ok).toBe(false)
      errors.push(out.error!)
    }
    expect(errors[0]).toMatch(/^gave up after 2 attempts \(HTTP 503 /)
    expect(errors[1]).toMatch(/check metrics-token/)
    for (const e of errors) {
      expect(e).not.toContain(TOKEN)
      expect(e).not.toContain('SECRET')
    }
  })

  test('a token fetch refuses as a header value (a line break in it) is not quoted in the error', async () => {
    const { base, seen } = await serve(status(201))
    const token = 'first-HALF-9c2e\nsecond-HALF-41d7'
    const out = await uploadMetrics(endpoint(base), token, [BODY], { ...FAST, maxAttempts: 2 })
    expect(out.ok).toBe(false)
    expect(out.error).toMatch(/network error/)
    expect(seen).toHaveLength(0)
    for (const part of [token, 'first-HALF-9c2e', 'second-HALF-41d7', 'HALF']) expect(out.error).not.toContain(part)
  })
})

describe('endpoint', () => {
  test.each<[string, string]>([
    ['https://metrics.example.com', 'https://metrics.example.com/batch-metrics'],
    ['https://metrics.example.com/', 'https://metrics.example.com/batch-metrics'],
    ['https://metrics.example.com/api/v1', 'https://metrics.example.com/api/v1/batch-metrics'],
    ['https://metrics.example.com/api/v1/', 'https://metrics.example.com/api/v1/batch-metrics'],
    ['https://metrics.example.com/api//', 'https://metrics.example.com/api/batch-metrics'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787/batch-metrics'],
    ['HTTP://127.0.0.1:8787/', 'HTTP://127.0.0.1:8787/batch-metrics']
  ])('%s → %s', (url, want) => {
    expect(endpoint(url)).toBe(want)
  })

  test.each<[string, RegExp]>([
    ['ftp://metrics.example.com', /must be an http\(s\) URL \(got ftp:\)/],
    ['file:///etc/passwd', /must be an http\(s\) URL \(got file:\)/],
    ['javascript:alert(1)', /must be an http\(s\) URL \(got javascript:\)/],
    ['ws://metrics.example.com', /must be an http\(s\) URL/],
    ['metrics.example.com/api', /is not a URL/],
    ['', /is not a URL/],
    ['not a url', /is not a URL \(got "not a url"\)/]
  ])('rejects %j', (url, message) => {
    expect(() => endpoint(url)).toThrow(message)
  })
})
