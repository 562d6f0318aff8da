// Every GitHub API request is bounded in time and in size (issue 12 item 3): a server on
// 127.0.0.1 that never answers, or answers without end, cannot hold a step.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { boundedFetch, listRunJobs, octokit } from '@batch-ops/runtime'

const servers: http.Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))))
})

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`
}

test('an answer within the bounds comes through as it was', async () => {
  const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json', link: '<x>; rel="next"' }).end('{"ok":true}'))
  const res = await boundedFetch(2000, 1024)(`${base}/repos/o/r`)
  expect(res.status).toBe(200)
  expect(res.headers.get('link')).toBe('<x>; rel="next"')
  expect(await res.json()).toEqual({ ok: true })
  // The client builds later pages from the answer's URL: a bounded answer keeps it.
  expect(res.url).toBe(`${base}/repos/o/r`)
})

test('the jobs of a run, paginated through the bounded client, as record-batch lists them', async () => {
  const base = await serve((req, res) => {
    const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1')
    const jobs = Array.from({ length: page === 1 ? 100 : 3 }, (_, i) => ({ id: page * 1000 + i, status: 'completed', started_at: null, completed_at: null, labels: [] }))
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' }
    if (page === 1) headers.link = `<${base}/repos/o/r/actions/runs/7/jobs?filter=all&per_page=100&page=2>; rel="next"`
    res.writeHead(200, headers).end(JSON.stringify({ total_count: 103, jobs }))
  })
  const saved = process.env.GITHUB_API_URL
  process.env.GITHUB_API_URL = base
  try {
    const jobs = await listRunJobs('t', { owner: 'o', repo: 'r', runId: 7 })
    expect(jobs.map((j) => j.id)).toEqual([...Array.from({ length: 100 }, (_, i) => 1000 + i), 2000, 2001, 2002])
  } finally {
    if (saved === undefined) delete process.env.GITHUB_API_URL
    else process.env.GITHUB_API_URL = saved
  }
})

test('a server that accepts the connection and never answers: an error naming the URL and the bound', async () => {
  const base = await serve(() => undefined)
  await expect(boundedFetch(300, 1024)(`${base}/repos/o/r/actions/runs/1/jobs?page=2`)).rejects.toThrow(`no answer from ${base}/repos/o/r/actions/runs/1/jobs within 0.3 s`)
})

test('headers, then a body that never ends: the same bound covers the body', async () => {
  const base = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('[')
  })
  await expect(boundedFetch(300, 1 << 20)(`${base}/x`)).rejects.toThrow(/no answer from .* within 0\.3 s/)
})

test('a body larger than the bound, announced or streamed: refused, its stream cancelled', async () => {
  const announced = await serve((_req, res) => res.writeHead(200, { 'content-length': String(10_000) }).end('x'.repeat(10_000)))
  await expect(boundedFetch(2000, 1024)(`${announced}/big`)).rejects.toThrow(`announces 10000 bytes, more than the 1024 batch-ops reads`)
  const streamed = await serve((_req, res) => {
    res.writeHead(200)
    const chunk = 'y'.repeat(64 * 1024)
    const more = (): void => void (res.write(chunk) ? setImmediate(more) : res.once('drain', more))
    more()
  })
  await expect(boundedFetch(5000, 1 << 20)(`${streamed}/endless`)).rejects.toThrow('is longer than the 1048576 bytes batch-ops reads')
})

test('the client uses it: an Octokit request to a silent API fails within BATCH_OPS_API_TIMEOUT_SECONDS', async () => {
  const base = await serve(() => undefined)
  const saved = { url: process.env.GITHUB_API_URL, t: process.env.BATCH_OPS_API_TIMEOUT_SECONDS }
  process.env.GITHUB_API_URL = base
  process.env.BATCH_OPS_API_TIMEOUT_SECONDS = '1'
  try {
    const client = await octokit('t')
    await expect(client.rest.repos.get({ owner: 'o', repo: 'r' })).rejects.toThrow(/no answer from .*\/repos\/o\/r within 1 s/)
  } finally {
    if (saved.url === undefined) delete process.env.GITHUB_API_URL
    else process.env.GITHUB_API_URL = saved.url
    if (saved.t === undefined) delete process.env.BATCH_OPS_API_TIMEOUT_SECONDS
    else process.env.BATCH_OPS_API_TIMEOUT_SECONDS = saved.t
  }
})
