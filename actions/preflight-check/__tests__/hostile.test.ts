// Hostile control files against the bundled preflight-check (issue 12 item 11):
// each fails closed with its own message, located by file and line, and nothing
// is written. Also the batch counter around midnight (issue 12 item 1).

import { type ActionRun, type TestRepo, createRepo, expectExit, runAction } from '../../../test/harness.js'

const CONTROL = 'batch-control.json'
const repos: TestRepo[] = []
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()))
})

async function preflight(control: string, now = '2026-03-04T10:00:00Z'): Promise<{ run: ActionRun; repo: TestRepo; headBefore: string }> {
  const repo = await createRepo({ files: { [CONTROL]: control } })
  repos.push(repo)
  const headBefore = await repo.originHead()
  const run = await runAction('preflight-check', { cwd: repo.work, inputs: { ecosystems: 'npm' }, env: { BATCH_OPS_NOW: now, GITHUB_REF: 'refs/heads/main' } })
  return { run, repo, headBefore }
}

const errorsOf = (r: ActionRun) => r.annotations.filter((a) => a.level === 'error' && a.props.file === CONTROL)

describe('hostile control files fail closed, located, and write nothing', () => {
  test.each([
    [
      'a duplicate key: "enabled": false, then "enabled": true',
      '{\n  "enabled": false,\n  "reason": "incident",\n  "enabled": true\n}\n',
      4,
      /"enabled" appears twice in \$ \(lines 2 and 4\)/
    ],
    ['a number out of range', '{\n  "enabled": true,\n  "budget": {\n    "macos_minutes_used": 1e400\n  }\n}\n', 4, /number out of range/],
    ['nesting 100,000 levels deep', '{\n  "x": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n}\n', 2, /nested deeper than 256 levels/],
    ['a comment', '{\n  // stop everything\n  "enabled": false\n}\n', 2, /comment/i]
  ])('%s', async (_name, control, line, message) => {
    const { run, repo, headBefore } = await preflight(control)
    expectExit(run, 1)
    expect(run.outputs['can-proceed']).toBe('false')
    expect(run.outputs['batch-id']).toBe('')
    const errors = errorsOf(run)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0]!.props.line).toBe(String(line))
    expect(errors.map((e) => e.message).join('\n')).toMatch(message)
    expect(run.summary).toMatch(/failed closed/)
    expect(await repo.originHead()).toBe(headBefore)
  })
})

describe('the batch counter never goes backwards (issue 12 item 1)', () => {
  test("a run whose clock is a second before midnight continues the next day's sequence another run started", async () => {
    const control = JSON.stringify({ enabled: true, batch_sequence: { date: '2026-03-05', last: 1 } }, null, 2) + '\n'
    const { run, repo } = await preflight(control, '2026-03-04T23:59:59Z')
    expectExit(run, 0)
    expect(run.outputs['batch-id']).toBe('2026-03-05-002')
    expect(JSON.parse((await repo.readOrigin(CONTROL))!).batch_sequence).toEqual({ date: '2026-03-05', last: 2 })
  })
})
