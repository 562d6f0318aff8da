// slo-alerts end to end: the bundled action in a child process, as the runner starts it, over a
// metrics file and a fake GitHub issues API on 127.0.0.1. docs/contract.md §11.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { type ActionRun, expectExit, runAction } from '../../../test/harness.js'
import { type FakeIssue, type FakeServer, type IssueRoutes, fakeIssuesApi } from '../../../test/fakes.js'

const NOW = Date.parse('2026-03-10T12:00:00Z')
const HOUR = 3_600_000

/** A metrics line as record-batch writes it, completed `hoursAgo` before NOW. */
function line(hoursAgo: number, counts: Record<string, [passed: number, failed: number]>, batch = `b-${hoursAgo}`): string {
  const completed = new Date(NOW - hoursAgo * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return JSON.stringify({
    schema_version: 1,
    batch_id: batch,
    started_at: completed,
    completed_at: completed,
    ecosystems: Object.fromEntries(Object.entries(counts).map(([e, [passed, failed]]) => [e, { passed, failed, skipped: 2, blocked: 0, total: passed + failed + 2, success_rate: passed / (passed + failed), slo: 0.9, severity: 'ok' }])),
    minutes: { macos: 0, linux: 3, windows: 0 },
    run_url: `https://github.com/acme/recipes/actions/runs/${Math.round(hoursAgo)}`
  })
}

// SLO 0.9: a 10% error budget. Page: burn ≥ 6 over 24 h and 6 h (60% failures); ticket: ≥ 1 over 168 h and 24 h.
const SLO = '{"default":0.9}'
const fast = (): string[] => [line(1, { npm: [4, 6] }), line(3, { npm: [4, 6] }), line(20, { npm: [4, 6] }), line(2, { pypi: [10, 0] }), line(30, { pypi: [10, 0] })]
const slow = (): string[] => [line(1, { npm: [8, 2] }), line(12, { npm: [8, 2] }), line(60, { npm: [8, 2] }), line(2, { pypi: [10, 0] })]
const healthy = (): string[] => [line(1, { npm: [20, 0] }), line(4, { npm: [20, 0] }), line(30, { npm: [8, 2] }), line(2, { pypi: [10, 0] })]

let dir: string
let server: (FakeServer & IssueRoutes) | undefined
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-slo-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(dir, { recursive: true, force: true })
})

async function api(issues: FakeIssue[] = []): Promise<FakeServer & IssueRoutes> {
  server = await fakeIssuesApi({ issues })
  return server
}

async function alerts(lines: string[], inputs: Record<string, string> = {}): Promise<ActionRun> {
  await writeFile(path.join(dir, 'metrics.jsonl'), lines.join('\n') + '\n')
  return runAction('slo-alerts', {
    cwd: dir,
    inputs: { 'metrics-file': 'metrics.jsonl', slo: SLO, 'github-token': 'ghs_sloTestToken0123456789', ...inputs },
    env: {
      BATCH_OPS_NOW: new Date(NOW).toISOString(),
      GITHUB_API_URL: server?.url ?? 'http://127.0.0.1:9',
      GITHUB_REPOSITORY: 'acme/recipes',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '42'
    }
  })
}

const outputs = (r: ActionRun) => ({ alerts: JSON.parse(r.outputs.alerts ?? 'null'), opened: r.outputs.opened, updated: r.outputs.updated, closed: r.outputs.closed })

describe('the lifecycle of one alert', () => {
  test('opens, updates without a comment, changes severity with one comment, recovers and closes; one issue throughout', async () => {
    const s = await api()

    // 1. A slow burn: a ticket.
    let r = await alerts(slow())
    expectExit(r, 0)
    expect(outputs(r)).toMatchObject({ opened: '1', updated: '0', closed: '0' })
    expect(outputs(r).alerts).toEqual({ npm: { severity: 'ticket', windows: expect.objectContaining({ '168h': { attempts: 30, burn: 2 }, '24h': { attempts: 20, burn: 2 } }) } })
    expect(s.issues).toHaveLength(1)
    const issue = s.issues[0]!
    expect(issue).toMatchObject({ title: 'SLO burn: npm (ticket)', labels: ['batch-ops:slo', 'severity:ticket'], state: 'open', comments: [] })
    expect(issue.body).toContain('<!-- batch-ops:slo-alert ecosystem=npm -->')
    expect(issue.body).toContain('### The last batches')
    expect(issue.body).toContain('https://github.com/acme/recipes/actions/workflows/emergency.yml')
    expect(JSON.parse(r.outputs.issues!)).toEqual(['https://github.com/acme/recipes/issues/1'])

    // 2. The same again: the body is updated, nobody is notified.
    r = await alerts(slow())
    expect(outputs(r)).toMatchObject({ opened: '0', updated: '1', closed: '0' })
    expect(s.issues).toHaveLength(1)
    expect(s.issues[0]!.comments).toEqual([])
    expect(s.calls('comment')).toHaveLength(0)

    // 3. A fast burn: the same issue becomes a page, with one comment and the label swapped.
    r = await alerts(fast())
    expect(outputs(r)).toMatchObject({ opened: '0', updated: '1', closed: '0', alerts: { npm: { severity: 'page' } } })
    expect(s.issues).toHaveLength(1)
    expect(s.issues[0]).toMatchObject({ title: 'SLO burn: npm (page)', labels: ['batch-ops:slo', 'severity:page'], state: 'open' })
    expect(s.issues[0]!.comments).toEqual([expect.stringMatching(/^Severity changed from \*\*ticket\*\* to \*\*page\*\*/)])

    // 4. Still a page: quiet again.
    r = await alerts(fast())
    expect(s.issues[0]!.comments).toHaveLength(1)

    // 5. Healthy for the last hours: recovered, one comment, closed.
    r = await alerts(healthy())
    expect(outputs(r)).toMatchObject({ opened: '0', updated: '0', closed: '1', alerts: {} })
    expect(s.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(s.issues[0]!.comments[1]).toMatch(/^Recovered: over the last 6 h, 40 attempts burned the error budget at 0 \(below 1\)/)

    // 6. Still healthy: nothing to do, nothing opened.
    r = await alerts(healthy())
    expect(outputs(r)).toMatchObject({ opened: '0', updated: '0', closed: '0' })
    expect(s.issues).toHaveLength(1)
  })

  test('not firing any more but the shortest window still burns: the issue stays open, updated, without a comment', async () => {
    const s = await api()
    await alerts(slow())
    // No rule fires (too few attempts in the 24 h window now), but the last 6 h burn at 2.
    const r = await alerts([line(1, { npm: [4, 1] }), line(100, { npm: [40, 0] })])
    expect(outputs(r)).toMatchObject({ opened: '0', updated: '1', closed: '0', alerts: {} })
    expect(s.issues[0]).toMatchObject({ state: 'open', comments: [] })
  })
})

describe('what must not fire or change', () => {
  test('a tiny sample, however bad, does not fire', async () => {
    const s = await api()
    const r = await alerts([line(1, { npm: [0, 4] }), line(2, { npm: [1, 4] })])
    expectExit(r, 0)
    expect(outputs(r)).toMatchObject({ alerts: {}, opened: '0' })
    expect(s.issues).toEqual([])
    expect(r.summary).toContain('too few attempts (< 10)')
  })

  test.each([
    ['not JSON', '[{'],
    ['a rule without burn', '[{"severity":"page","long-hours":24,"short-hours":6}]'],
    ['short longer than long', '[{"severity":"page","long-hours":6,"short-hours":24,"burn":6}]']
  ])('a malformed rules input (%s) is an error and changes nothing', async (_n, rules) => {
    const s = await api([{ number: 7, title: 'SLO burn: npm (page)', body: '<!-- batch-ops:slo-alert ecosystem=npm -->\n', state: 'open', labels: ['batch-ops:slo'], comments: [] }])
    const r = await alerts(healthy(), { rules })
    expectExit(r, 1)
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/^input 'rules': .*Nothing was evaluated and no issue was touched\./)
    expect(s.requests).toEqual([])
    expect(s.issues[0]).toMatchObject({ state: 'open', comments: [] })
  })

  test('an SLO of 1 is refused: a burn rate divides by 1 − SLO', async () => {
    await api()
    const r = await alerts(fast(), { slo: '{"default":1}' })
    expectExit(r, 1)
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/must lie strictly between 0 and 1/)
  })

  test('a malformed metrics line is skipped with a warning naming its line; the rest is evaluated', async () => {
    await api()
    const r = await alerts([...slow(), 'not json', '{"batch_id":"x"}'])
    expectExit(r, 0)
    const warnings = r.annotations.filter((a) => a.level === 'warning' && a.props.file === 'metrics.jsonl')
    expect(warnings.map((w) => [w.props.line, w.message])).toEqual([
      ['5', 'Skipped a line that is not a metrics line: not valid JSON.'],
      ['6', 'Skipped a line that is not a metrics line: "completed_at" is not an RFC 3339 timestamp.']
    ])
    expect(outputs(r).alerts).toMatchObject({ npm: { severity: 'ticket' } })
  })
})

describe('the job summary', () => {
  test("shows every ecosystem's burn against each rule, firing or not", async () => {
    await api()
    const r = await alerts(slow())
    expect(r.summary).toMatch(/^## 🔥 SLO alerts: `npm` \(ticket\)/)
    expect(r.summary).toContain('### `npm`: SLO 90%, fires: **ticket**; issue: opened #1')
    expect(r.summary).toContain('### `pypi`: SLO 90%, no rule fires; issue: none')
    expect(r.summary).toContain('| page | long | 24 h | 20 | 20% | 2 | 6 | below |  |')
    expect(r.summary).toContain('| ticket | long | 168 h | 30 | 20% | 2 | 1 | ≥ threshold | 🔥 fires |')
  })

  test('an API that fails: the alerts are still evaluated and shown, and the step fails saying what could not be done', async () => {
    server = await fakeIssuesApi({ fail: { list: 500 } })
    const r = await alerts(fast())
    expectExit(r, 1)
    expect(outputs(r).alerts).toMatchObject({ npm: { severity: 'page' } })
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/^The open alert issues could not be listed: .*HTTP 500/)
    expect(r.summary).toContain('issue: not written')
  })
})
