// The download adapter against real local HTTP servers on 127.0.0.1 (no mocks of http).

import { afterEach, describe, expect, jest, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { type DownloadOptions, downloadSha256, mapConcurrently, maskUrlCredentials } from '@batch-ops/runtime'

interface Seen {
  url: string
  headers: http.IncomingHttpHeaders
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void

const servers: http.Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
})

/** A server whose handler gets the request number (0-based) too. */
async function serve(handler: Handler): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    handler(req, res, seen.length - 1)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const BODY = Buffer.from('ripgrep 14.1.0 linux-amd64 tarball\n'.repeat(1000))
const ok = (body: Buffer = BODY): Handler => (_req, res) => {
  res.writeHead(200, { 'content-length': String(body.length) })
  res.end(body)
}
const status = (code: number, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(code, headers)
  res.end('{"message":"no"}')
}
const never: Handler = () => undefined
const O: DownloadOptions = { timeoutMs: 5000, maxBytes: 10 * 1024 * 1024, retries: 2, allowedSchemes: ['http', 'https'], backoffMs: 1 }

describe('downloadSha256', () => {
  test('a complete 200: the SHA-256 of the body, its size, one request without Accept-Encoding', async () => {
    const { base, seen } = await serve(ok())
    expect(await downloadSha256(`${base}/rg.tar.gz`, O)).toEqual({ kind: 'complete', sha256: sha(BODY), bytes: BODY.length, attempts: 1 })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.headers['accept-encoding']).toBeUndefined()
    expect(seen[0]!.headers['user-agent']).toBe('batch-ops-checksum-drift')
  })

  test('a body streamed in many chunks without Content-Length hashes the same as the whole', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200)
      let i = 0
      const more = (): void => {
        while (i < 64) {
          const chunk = Buffer.alloc(64 * 1024, i++)
          if (!res.write(chunk)) return void res.once('drain', more)
        }
        res.end()
      }
      more()
    })
    const whole = Buffer.concat(Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i)))
    expect(await downloadSha256(`${base}/big`, O)).toMatchObject({ kind: 'complete', sha256: sha(whole), bytes: 4 * 1024 * 1024 })
  })

  test('a Content-Encoding is not decoded: the checksum is of the bytes as served', async () => {
    const gz = gzipSync(BODY)
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gz.length) })
      res.end(gz)
    })
    expect(await downloadSha256(`${base}/x`, O)).toMatchObject({ kind: 'complete', sha256: sha(gz) })
  })

  test.each([404, 410])('%i is gone, asked once', async (code) => {
    const { base, seen } = await serve(status(code))
    expect(await downloadSha256(`${base}/x`, O)).toEqual({ kind: 'gone', status: code, attempts: 1 })
    expect(seen).toHaveLength(1)
  })

  test.each<[number, RegExp]>([
    [403, /^HTTP 403 \(does the URL need credentials/],
    [401, /^HTTP 401/],
    [400, /^HTTP 400$/],
    [206, /^HTTP 206$/]
  ])('%i is unreachable, asked once (not transient)', async (code, reason) => {
    const { base, seen } = await serve(status(code))
    const r = await downloadSha256(`${base}/x`, O)
    expect(r).toMatchObject({ kind: 'unreachable', attempts: 1 })
    expect(r.kind === 'unreachable' && r.reason).toMatch(reason)
    expect(seen).toHaveLength(1)
  })

  test('5xx and 429 are retried: a 500 then a 429 then a 200 completes on the third attempt', async () => {
    const { base, seen } = await serve((req, res, n) => (n === 0 ? status(500)(req, res, n) : n === 1 ? status(429, { 'retry-after': '0' })(req, res, n) : ok()(req, res, n)))
    expect(await downloadSha256(`${base}/x`, O)).toMatchObject({ kind: 'complete', sha256: sha(BODY), attempts: 3 })
    expect(seen).toHaveLength(3)
  })

  test('a 503 every time: unreachable after 1 + retries attempts, and never more', async () => {
    const { base, seen } = await serve(status(503))
    expect(await downloadSha256(`${base}/x`, { ...O, retries: 3 })).toEqual({ kind: 'unreachable', reason: 'HTTP 503 (after 4 attempts)', attempts: 4 })
    expect(seen).toHaveLength(4)
    const once = await serve(status(502))
    expect(await downloadSha256(`${once.base}/x`, { ...O, retries: 0 })).toEqual({ kind: 'unreachable', reason: 'HTTP 502', attempts: 1 })
  })

  test('a Retry-After longer than batch-ops waits ends the retries at once', async () => {
    const { base, seen } = await serve(status(429, { 'retry-after': '3600' }))
    const r = await downloadSha256(`${base}/x`, O)
    expect(r).toMatchObject({ kind: 'unreachable', attempts: 1 })
    expect(r.kind === 'unreachable' && r.reason).toMatch(/^HTTP 429; the server asked to retry after 3600 s/)
    expect(seen).toHaveLength(1)
  })

  test('backoff between attempts: doubling, with jitter, waiting for Retry-After when it says longer', async () => {
    const waits: number[] = []
    const { base } = await serve((req, res, n) => (n === 1 ? status(503, { 'retry-after': '2' })(req, res, n) : status(500)(req, res, n)))
    await downloadSha256(`${base}/x`, { ...O, retries: 3, backoffMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) })
    expect(waits).toEqual([50, 2000, 200])
  })

  test('no answer: the deadline ends the attempt, which is retried (transient)', async () => {
    const { base, seen } = await serve(never)
    const r = await downloadSha256(`${base}/x`, { ...O, timeoutMs: 200, retries: 1 })
    expect(r).toEqual({ kind: 'unreachable', reason: 'no complete answer within 0.2 s (after 2 attempts)', attempts: 2 })
    expect(seen).toHaveLength(2)
  })

  test('the deadline covers the whole body: headers at once, then a body that never ends', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' })
      res.write(Buffer.alloc(1000))
    })
    const r = await downloadSha256(`${base}/x`, { ...O, timeoutMs: 300, retries: 0 })
    expect(r).toEqual({ kind: 'unreachable', reason: 'no complete answer within 0.3 s (1000 bytes read)', attempts: 1 })
  })

  test('a body cut short (the connection closes early) is unreachable and retried', async () => {
    const { base, seen } = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write(Buffer.alloc(500), () => req.socket.destroy())
    })
    const r = await downloadSha256(`${base}/x`, { ...O, retries: 1 })
    expect(r).toMatchObject({ kind: 'unreachable', attempts: 2 })
    expect(r.kind === 'unreachable' && r.reason).toMatch(/^the body was cut short after 500 bytes.*\(after 2 attempts\)$/)
    expect(seen).toHaveLength(2)
  })

  test('Content-Length over max-bytes: unreachable without reading the body, not retried', async () => {
    let written = 0
    const { base, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) })
      const more = (): void => {
        while (written < 50 * 1024 * 1024 && !res.destroyed) {
          written += 64 * 1024
          if (!res.write(Buffer.alloc(64 * 1024))) return void res.once('drain', more)
        }
      }
      more()
    })
    const r = await downloadSha256(`${base}/x`, { ...O, maxBytes: 1024 })
    expect(r).toEqual({ kind: 'unreachable', reason: `announces ${50 * 1024 * 1024} bytes (Content-Length), over max-bytes (1024); not read`, attempts: 1 })
    expect(seen).toHaveLength(1)
  })

  test('a body without Content-Length that grows past max-bytes is cut off, not retried', async () => {
    const { base, seen } = await serve((_req, res) => {
      res.writeHead(200)
      const more = (): void => {
        while (!res.destroyed) if (!res.write(Buffer.alloc(16 * 1024))) return void res.once('drain', more)
      }
      more()
    })
    const r = await downloadSha256(`${base}/x`, { ...O, maxBytes: 100_000 })
    expect(r).toEqual({ kind: 'unreachable', reason: 'the body is over max-bytes (100000); stopped reading', attempts: 1 })
    expect(seen).toHaveLength(1)
  })

  test('exactly max-bytes is complete', async () => {
    const { base } = await serve(ok())
    expect(await downloadSha256(`${base}/x`, { ...O, maxBytes: BODY.length })).toMatchObject({ kind: 'complete', bytes: BODY.length })
  })

  test('redirects are followed (relative Locations too), up to 5', async () => {
    const { base, seen } = await serve((req, res, n) => {
      if (n < 5) {
        res.writeHead([301, 302, 303, 307, 308][n]!, { location: n % 2 === 0 ? `/hop${n + 1}` : `${base}/hop${n + 1}` })
        res.end()
      } else ok()(req, res, n)
    })
    expect(await downloadSha256(`${base}/start`, O)).toMatchObject({ kind: 'complete', sha256: sha(BODY), attempts: 1 })
    expect(seen.map((s) => s.url)).toEqual(['/start', '/hop1', '/hop2', '/hop3', '/hop4', '/hop5'])
  })

  test('a sixth redirect is one too many: unreachable, not retried', async () => {
    const { base, seen } = await serve((_req, res, n) => {
      res.writeHead(302, { location: `/hop${n + 1}` })
      res.end()
    })
    expect(await downloadSha256(`${base}/start`, O)).toEqual({ kind: 'unreachable', reason: 'more than 5 redirects', attempts: 1 })
    expect(seen).toHaveLength(6)
  })

  test('a URL whose scheme is not allowed is never requested', async () => {
    const { base, seen } = await serve(ok())
    expect(await downloadSha256(`${base}/x`, { ...O, allowedSchemes: ['https'] })).toEqual({
      kind: 'unreachable',
      reason: 'the scheme http is not in allowed-schemes (https); not requested',
      attempts: 0
    })
    expect(seen).toHaveLength(0)
  })

  test('a redirect to a scheme that is not allowed is not followed, nor requested', async () => {
    const ftp = await serve((_req, res) => {
      res.writeHead(302, { location: 'ftp://127.0.0.1/rg.tar.gz' })
      res.end()
    })
    const r = await downloadSha256(`${ftp.base}/x`, O)
    expect(r).toEqual({ kind: 'unreachable', reason: 'redirected to a ftp: URL, a scheme allowed-schemes does not allow (http, https); not requested', attempts: 1 })
    // A hop to https where only http is allowed (or to http where only https is: a downgrade) is refused the same way.
    const target = await serve(ok())
    const hop = await serve((_req, res) => {
      res.writeHead(307, { location: `${target.base.replace('http:', 'https:')}/x` })
      res.end()
    })
    const h = await downloadSha256(`${hop.base}/x`, { ...O, allowedSchemes: ['http'] })
    expect(h).toEqual({ kind: 'unreachable', reason: 'redirected to a https: URL, a scheme allowed-schemes does not allow (http); not requested', attempts: 1 })
    expect(target.seen).toHaveLength(0)
  })

  test('credentials in the URL: basic authentication to its own origin, never to another; never in a reason', async () => {
    const other = await serve(ok())
    const { base, seen } = await serve((req, res, n) => {
      if (n === 0) {
        res.writeHead(302, { location: '/same-origin' })
        return void res.end()
      }
      res.writeHead(302, { location: `${other.base.replace('http://', 'http://evil:creds@')}/elsewhere` })
      res.end()
    })
    const url = base.replace('http://', 'http://alice:s3cr%40t-pass@') + '/x'
    expect(await downloadSha256(url, O)).toMatchObject({ kind: 'complete' })
    const basic = `Basic ${Buffer.from('alice:s3cr@t-pass').toString('base64')}`
    expect(seen.map((s) => s.headers.authorization)).toEqual([basic, basic])
    expect(other.seen.map((s) => s.headers.authorization)).toEqual([undefined])

    const denied = await serve(status(401))
    const r = await downloadSha256(denied.base.replace('http://', 'http://alice:s3cr%40t-pass@') + '/x', O)
    expect(JSON.stringify(r)).not.toMatch(/s3cr|alice/)
  })

  test('a connection refused is retried and reported without the URL', async () => {
    const { base } = await serve(ok())
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()))
    const r = await downloadSha256(base.replace('http://', 'http://u:topsecret@') + '/x', { ...O, retries: 1 })
    expect(r).toMatchObject({ kind: 'unreachable', attempts: 2 })
    expect(r.kind === 'unreachable' && r.reason).toMatch(/^connection failed: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(after 2 attempts\)$/)
    expect(JSON.stringify(r)).not.toContain('topsecret')
  })
})

describe('mapConcurrently', () => {
  test('never more than the limit at once, every item once, results in the items’ order', async () => {
    let running = 0
    let most = 0
    const items = Array.from({ length: 25 }, (_, i) => i)
    const out = await mapConcurrently(items, 4, async (x) => {
      running++
      most = Math.max(most, running)
      await new Promise((r) => setImmediate(r))
      running--
      return x * 2
    })
    expect(out).toEqual(items.map((x) => x * 2))
    expect(most).toBe(4)
    expect(await mapConcurrently([], 8, async () => 1)).toEqual([])
  })
})

describe('maskUrlCredentials', () => {
  test('masks the password (as written and decoded), a token used as user name, and a long user name', () => {
    const written: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      maskUrlCredentials('https://alice:p%40ssw0rd@example.com/x')
      maskUrlCredentials('https://ghp_abcdefghijklmnop@example.com/x')
      maskUrlCredentials('https://example.com/no-credentials')
      maskUrlCredentials('not a url')
    } finally {
      spy.mockRestore()
    }
    const masks = written
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length).replace(/%25/g, '%')) // the command's escape of '%'
    expect(masks).toEqual(['p%40ssw0rd', 'p@ssw0rd', 'ghp_abcdefghijklmnop'])
  })
})
