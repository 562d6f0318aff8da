// Bodies whose parts contradict each other are refused (400) with nothing
// stored: the rate that is not passed / (passed + failed), timestamps out of
// order or out of range, the same recipe (and platform) twice in one run.

import { type LocalWorker, type Row, body, rows, startWorker } from './local-worker.js'

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

let batches = 0
const freshBatch = (): string => `2026-08-01-${String(++batches).padStart(3, '0')}`
const runs = async (batch: string): Promise<number> => (await w.db.prepare('SELECT COUNT(*) AS n FROM batch_runs WHERE batch_id = ?').bind(batch).first<{ n: number }>())!.n

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const DAY = 86_400_000

/** n passed, f failed, s skipped, as results, with the counts and rate filled in by body(). */
const tally = (p: number, f: number, s = 0): Row[] => [...rows(p, 'homebrew', ['passed'], 'p'), ...rows(f, 'homebrew', ['failed'], 'f'), ...rows(s, 'homebrew', ['skipped'], 's')]

async function expect400(b: Record<string, unknown>, reason: RegExp): Promise<void> {
  const batch = freshBatch()
  const r = await w.request('POST', '/batch-metrics', { body: { ...b, batch_id: batch } })
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(reason)
  expect(await runs(batch)).toBe(0)
}
async function expect201(b: Record<string, unknown>): Promise<void> {
  const batch = freshBatch()
  const r = await w.request('POST', '/batch-metrics', { body: { ...b, batch_id: batch } })
  expect(r.body).toMatchObject({ results: expect.any(Number) })
  expect(r.status).toBe(201)
  expect(await runs(batch)).toBe(1)
}

describe('success_rate = passed / (passed + failed), to 4 decimals', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['0 with 10 passed and 0 failed', body(tally(10, 0), { success_rate: 0 }), /^success_rate is 0, but passed \/ \(passed \+ failed\) = 10 \/ 10 = 1/],
    ['1 with 0 passed and 3 failed', body(tally(0, 3), { success_rate: 1 }), /^success_rate is 1, but passed \/ \(passed \+ failed\) = 0 \/ 3 = 0/],
    ['0.66 for 2 of 3 (not rounded to 4 decimals)', body(tally(2, 1), { success_rate: 0.66 }), /^success_rate is 0.66, but .* = 2 \/ 3 = 0.6667/],
    ['0.6668 for 2 of 3 (rounded the wrong way)', body(tally(2, 1), { success_rate: 0.6668 }), /^success_rate is 0.6668/],
    ['the rate of passed over all, skipped included', body(tally(1, 1, 2), { success_rate: 0.25 }), /^success_rate is 0.25, but .* = 1 \/ 2 = 0.5/],
    ['1 with nothing attempted (only skipped)', body(tally(0, 0, 3), { success_rate: 1 }), /^success_rate is 1, but nothing passed or failed, so it must be 0/],
    ['a summary whose rate contradicts its counts', { ...body(tally(9, 1), { success_rate: 0.5 }), results: undefined }, /^success_rate is 0.5, but .* = 9 \/ 10 = 0.9/]
  ])('%s: 400', async (_, b, reason) => expect400(b, reason))

  test.each<[string, Record<string, unknown>]>([
    ['2 of 3 as record-batch rounds it', body(tally(2, 1), { success_rate: 0.6667 })],
    ['2 of 3 unrounded', body(tally(2, 1), { success_rate: 2 / 3 })],
    ['1 of 7 rounded (0.1429)', body(tally(1, 6), { success_rate: 0.1429 })],
    ['nothing attempted: 0, as record-batch sends it', body(tally(0, 0, 3), { success_rate: 0 })],
    ['no results at all', body([], { success_rate: 0 })]
  ])('%s: 201', async (_, b) => expect201(b))
})

describe('timestamps in order and in range', () => {
  const now = Date.now()
  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      'completed_at before started_at',
      body(tally(1, 0), { started_at: '2026-03-04T10:00:00Z', completed_at: '2026-03-04T09:59:59Z' }),
      /^completed_at 2026-03-04T09:59:59Z is before started_at 2026-03-04T10:00:00Z/
    ],
    ['a start in the year 9999', body(tally(1, 0), { started_at: '9999-03-04T10:00:00Z', completed_at: null }), /^started_at 9999-03-04T10:00:00Z is more than a day ahead of the Worker's clock/],
    ['a completion 25 hours ahead', body(tally(1, 0), { started_at: iso(now), completed_at: iso(now + DAY + 3_600_000) }), /^completed_at .* is more than a day ahead of the Worker's clock/],
    ['a start before 2020', body(tally(1, 0), { started_at: '2019-12-31T23:59:59Z', completed_at: '2020-01-01T00:10:00Z' }), /^started_at 2019-12-31T23:59:59Z is before 2020-01-01T00:00:00Z/],
    ['a start in year 0', body(tally(1, 0), { started_at: '0000-01-01T00:00:00Z', completed_at: null }), /^started_at 0000-01-01T00:00:00Z is before 2020-01-01/]
  ])('%s: 400', async (_, b, reason) => expect400(b, reason))

  test.each<[string, Record<string, unknown>]>([
    ['completed_at equal to started_at', body(tally(1, 0), { started_at: '2026-03-04T10:00:00Z', completed_at: '2026-03-04T10:00:00Z' })],
    ['a clock a little ahead of the Worker’s (23 hours)', body(tally(1, 0), { started_at: iso(now + 23 * 3_600_000), completed_at: iso(now + 23 * 3_600_000 + 60_000) })],
    ['2020-01-01 itself', body(tally(1, 0), { started_at: '2020-01-01T00:00:00Z', completed_at: '2020-01-01T00:00:00Z' })]
  ])('%s: 201', async (_, b) => expect201(b))
})

describe('a recipe once per run, or once per platform', () => {
  test('the same recipe four times in one run: 400, naming the repeats', async () => {
    const four = rows(4, 'homebrew', ['passed'])
    for (const r of four) r.recipe_name = 'ripgrep'
    await expect400(body(four), /^results\[1\] repeats results\[0\]: recipe "ripgrep" \(no platform\) is in this run more than once.*; results\[2\] repeats results\[0\].*; results\[3\] repeats results\[0\]/)
  })

  test('the same recipe on the same platform twice: 400', async () => {
    const two = rows(2, 'homebrew', ['passed', 'failed']).map((r) => ({ ...r, recipe_name: 'fd', platform: 'linux-x86_64' }))
    await expect400(body(two), /^results\[1\] repeats results\[0\]: recipe "fd" on platform "linux-x86_64"/)
  })

  test('the same recipe on several platforms, each named: 201, stored once per platform', async () => {
    const platforms = ['linux-debian-glibc-x86_64', 'linux-rhel-glibc-x86_64', 'darwin-arm64']
    const three = rows(3, 'homebrew', ['passed', 'failed', 'passed']).map((r, i) => ({ ...r, recipe_name: 'solargraph', platform: platforms[i] }))
    // and the same name without a platform, once: distinct from each of them
    await expect201(body([...three, { ...rows(1)[0]!, recipe_name: 'solargraph', result: 'passed' }]))
  })

  test.each<[string, unknown, RegExp]>([
    ['an empty platform', '', /^results\[0\]\.platform must not be empty/],
    ['a platform that is not a string', 7, /^results\[0\]\.platform must be a string \(found 7\)/],
    ['a platform too long', 'p'.repeat(129), /^results\[0\]\.platform is 129 characters long \(the limit is 128\)/]
  ])('%s: 400', async (_, platform, reason) => {
    const one = rows(1, 'homebrew', ['passed']).map((r) => ({ ...r, platform }))
    await expect400(body(one as Row[]), reason)
  })
})
