// The two tokens (METRICS_READ_TOKEN reads; METRICS_WRITE_TOKEN reads and
// writes), the deprecated single METRICS_TOKEN (a write token), and rotation
// (each secret may hold a comma-separated list while clients move over).

import { type LocalWorker, body, countRows, rows, startWorker } from './local-worker.js'

const READ = 'read-0123456789abcdef0123456789abcdef'
const WRITE = 'write-0123456789abcdef0123456789abcde'
const NEXT_WRITE = 'write-next-fedcba9876543210fedcba9876'
const NEXT_READ = 'read-next-fedcba9876543210fedcba98765'
const LEGACY = 'legacy-00112233445566778899aabbccddeeff'

const workers: LocalWorker[] = []
async function worker(bindings: Record<string, string>): Promise<LocalWorker> {
  const w = await startWorker({ bindings })
  workers.push(w)
  return w
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.dispose()))
})

let n = 0
const upload = (): Record<string, unknown> => body(rows(3), { batch_id: `2026-06-01-${String(++n).padStart(3, '0')}` })

async function post(w: LocalWorker, token: string | null): Promise<number> {
  return (await w.request('POST', '/batch-metrics', { body: upload(), token })).status
}
async function get(w: LocalWorker, token: string | null): Promise<number> {
  return (await w.request('GET', '/batch-metrics/ecosystems/homebrew', { token })).status
}

test('a read token reads and may not write (403, nothing stored); the write token does both', async () => {
  const w = await worker({ METRICS_READ_TOKEN: READ, METRICS_WRITE_TOKEN: WRITE })
  expect(await get(w, READ)).toBe(200)
  expect((await w.request('GET', '/batch-metrics/runs/2026-06-01-999', { token: READ })).status).toBe(404) // read, found nothing
  const refused = await w.request('POST', '/batch-metrics', { body: upload(), token: READ })
  expect(refused.status).toBe(403)
  expect(refused.body.error).toMatch(/^this token may only read/)
  expect(await countRows(w.db, 'batch_runs')).toBe(0)

  expect(await post(w, WRITE)).toBe(201)
  expect(await get(w, WRITE)).toBe(200)
  expect(await countRows(w.db, 'batch_runs')).toBe(1)

  for (const wrong of [null, 'nope', `${READ}x`, READ.slice(0, -1), `${READ},${WRITE}`]) {
    expect(await get(w, wrong)).toBe(401)
    expect(await post(w, wrong)).toBe(401)
  }
})

test('only a write token: it reads too; no read token is needed', async () => {
  const w = await worker({ METRICS_WRITE_TOKEN: WRITE })
  expect(await post(w, WRITE)).toBe(201)
  expect(await get(w, WRITE)).toBe(200)
})

test('the deprecated METRICS_TOKEN alone still works, as a write token', async () => {
  const w = await worker({ METRICS_TOKEN: LEGACY })
  expect(await post(w, LEGACY)).toBe(201)
  expect(await get(w, LEGACY)).toBe(200)
})

test('moving off METRICS_TOKEN: with METRICS_WRITE_TOKEN also set, both write until METRICS_TOKEN is deleted', async () => {
  const both = await worker({ METRICS_TOKEN: LEGACY, METRICS_WRITE_TOKEN: WRITE, METRICS_READ_TOKEN: READ })
  expect(await post(both, LEGACY)).toBe(201)
  expect(await post(both, WRITE)).toBe(201)
  expect(await post(both, READ)).toBe(403)
  const after = await worker({ METRICS_WRITE_TOKEN: WRITE, METRICS_READ_TOKEN: READ })
  expect(await post(after, LEGACY)).toBe(401)
})

test('rotation without downtime: a comma-separated list is accepted during the switch, then the old token is refused', async () => {
  // 1. before: one token each
  const before = await worker({ METRICS_READ_TOKEN: READ, METRICS_WRITE_TOKEN: WRITE })
  expect(await post(before, NEXT_WRITE)).toBe(401)
  // 2. during: old and new, in either order, with blanks around the commas
  const during = await worker({ METRICS_READ_TOKEN: ` ${NEXT_READ} , ${READ} `, METRICS_WRITE_TOKEN: `${WRITE},${NEXT_WRITE}` })
  expect(await post(during, WRITE)).toBe(201) // clients not yet switched
  expect(await post(during, NEXT_WRITE)).toBe(201) // clients switched
  expect(await get(during, READ)).toBe(200)
  expect(await get(during, NEXT_READ)).toBe(200)
  expect(await post(during, NEXT_READ)).toBe(403) // a read token stays a read token
  // A list is a set of tokens, not a token with commas in it.
  expect(await post(during, `${WRITE},${NEXT_WRITE}`)).toBe(401)
  // 3. after: the new ones only
  const after = await worker({ METRICS_READ_TOKEN: NEXT_READ, METRICS_WRITE_TOKEN: NEXT_WRITE })
  expect(await post(after, WRITE)).toBe(401)
  expect(await get(after, READ)).toBe(401)
  expect(await post(after, NEXT_WRITE)).toBe(201)
  expect(await get(after, NEXT_READ)).toBe(200)
})

test.each<[string, Record<string, string>]>([
  ['no secret at all', {}],
  ['secrets that hold nothing but blanks and commas', { METRICS_WRITE_TOKEN: ' , ', METRICS_READ_TOKEN: ',' }]
])('%s: every request is a 500 that names the secrets, nothing is stored', async (_, bindings) => {
  const w = await worker(bindings)
  for (const token of [null, '', 'anything', ' ']) {
    const r = await w.request('POST', '/batch-metrics', { body: upload(), token })
    expect(r.status).toBe(500)
    expect(r.body.error).toMatch(/no METRICS_WRITE_TOKEN secret \(wrangler secret put METRICS_WRITE_TOKEN\)/)
  }
  expect(await countRows(w.db, 'batch_runs')).toBe(0)
})

test('a read token alone: reads work; writes are refused (403), the Worker has no write token', async () => {
  const w = await worker({ METRICS_READ_TOKEN: READ })
  expect(await get(w, READ)).toBe(200)
  expect(await post(w, READ)).toBe(403)
  expect(await post(w, 'anything')).toBe(401)
})
