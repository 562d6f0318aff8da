// Inputs that used to make circuit-breaker write a control file its own schema refuses, or never
// finish (issue 12 item 5), against the bundled action and a real origin.

import { type ActionRun, type TestRepo, createRepo, expectExit, runAction } from '../../../test/harness.js'

const CONTROL = 'batch-control.json'
const control = JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: { npm: { state: 'closed', failures: 0 } } }, null, 2) + '\n'

const repos: TestRepo[] = []
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()))
})
async function repo(): Promise<TestRepo> {
  const r = await createRepo({ files: { [CONTROL]: control } })
  repos.push(r)
  return r
}
function breaker(cwd: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('circuit-breaker', {
    cwd,
    inputs,
    env: { BATCH_OPS_NOW: '2026-03-04T10:00:00Z', GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'o/r', GITHUB_REF: 'refs/heads/main' },
    timeoutMs: 30_000
  })
}

test("an ecosystem named 'constructor' is an ecosystem like any other, not Object.prototype's", async () => {
  const r = await repo()
  const check = await breaker(r.work, { mode: 'check', ecosystem: 'constructor' })
  expectExit(check, 0)
  expect(check.outputs).toMatchObject({ state: 'closed', skip: 'false', probe: 'false' })
  const rec = await breaker(r.work, { mode: 'record', ecosystem: 'constructor', successes: '3', failures: '0' })
  expectExit(rec, 0)
  const doc = JSON.parse((await r.readOrigin(CONTROL))!) as { circuit_breaker: Record<string, unknown> }
  expect(Object.hasOwn(doc.circuit_breaker, 'constructor')).toBe(true)
  expect(doc.circuit_breaker.constructor).toMatchObject({ state: 'closed', failures: 0, window: 'SSS' })
})

test.each([
  // Never ended: a loop over 2^53 attempts.
  ['failures', { mode: 'record', ecosystem: 'npm', failures: '9007199254740994' }, "input 'failures' must be a whole number >= 0 and <= 1000000"],
  // A year-13434 opens_at.
  ['recovery-minutes', { mode: 'record', ecosystem: 'npm', outcome: 'failure', 'recovery-minutes': '6000000000' }, "input 'recovery-minutes' must be a number >= 0 and <= 525600"],
  ['backoff-multiplier', { mode: 'record', ecosystem: 'npm', outcome: 'failure', 'backoff-multiplier': '1e308' }, "input 'backoff-multiplier' must be a number >= 1 and <= 100"]
])('%s out of range: an error naming the range, nothing written', async (_name, inputs, message) => {
  const r = await repo()
  const head = await r.originHead()
  const run = await breaker(r.work, inputs)
  expectExit(run, 1)
  expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(message)
  expect(await r.originHead()).toBe(head)
})
