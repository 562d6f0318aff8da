// A control file of 40,000 lines (issue 12 item 10): the stop is pushed and the summary written,
// with a diff worked out in linear time and a summary within GitHub's limits.

import { type TestRepo, createRepo, expectExit, runAction } from '../../../test/harness.js'
import { type ControlRoutes, type FakeServer, fakeControlApi } from '../../../test/fakes.js'

const CONTROL = 'batch-control.json'
let api: FakeServer & ControlRoutes
let repo: TestRepo
beforeAll(async () => {
  api = await fakeControlApi({ roles: { '*': 'admin' } })
  // 8,000 breakers of five lines each.
  const breakers = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`eco-${i}`, { state: 'closed', failures: 0, last_failure: '' }]))
  repo = await createRepo({ files: { [CONTROL]: JSON.stringify({ enabled: true, disabled_ecosystems: [], reason: '', circuit_breaker: breakers }, null, 2) + '\n' } })
})
afterAll(async () => {
  await api.close()
  await repo.cleanup()
})

test('stop on a 40,000-line control file: pushed, a short diff, the versions left to the commit', async () => {
  const lines = (await repo.readOrigin(CONTROL))!.split('\n').length
  expect(lines).toBeGreaterThan(40_000)
  const r = await runAction('batch-control', {
    cwd: repo.work,
    inputs: { command: 'stop', reason: 'big file', 'github-token': 't' },
    env: { BATCH_OPS_NOW: '2026-03-04T10:00:00Z', GITHUB_ACTOR: 'alice', GITHUB_REPOSITORY: 'acme/recipes', GITHUB_API_URL: api.url },
    timeoutMs: 60_000
  })
  expectExit(r, 0)
  expect(JSON.parse((await repo.readOrigin(CONTROL))!).enabled).toBe(false)
  const diff = /```diff\n([\s\S]*?)```/.exec(r.summary)![1]!
  expect(diff).toContain('+   "enabled": false,')
  expect(diff.split('\n').length).toBeLessThan(30)
  expect(r.summary).toMatch(/batch-control\.json before: [\d,]+ lines, too long to show here \(the commit has it\)/)
  expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024)
})
