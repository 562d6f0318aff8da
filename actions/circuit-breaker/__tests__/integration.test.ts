// circuit-breaker end to end: the bundled action in a child process, as the
// runner starts it, against real git repositories with a local bare origin. docs/contract.md §5.

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, type TestRepo, createRepo, expectExit, repoRoot, runAction } from '../../../test/harness.js'

const CONTROL = 'batch-control.json'
const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'upstream', name)

type Entry = Record<string, unknown>
const control = (breakers: Record<string, Entry>): string =>
  JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: breakers }, null, 2) + '\n'

const repos: TestRepo[] = []
async function repoWith(text: string): Promise<TestRepo> {
  const repo = await createRepo({ files: { [CONTROL]: text } })
  repos.push(repo)
  return repo
}
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()))
})

async function originEntry(repo: TestRepo, eco: string): Promise<Entry | undefined> {
  const text = await repo.readOrigin(CONTROL)
  return (JSON.parse(text!) as { circuit_breaker: Record<string, Entry> }).circuit_breaker[eco]
}

function breaker(cwd: string, now: string, inputs: Record<string, string>, runId = 'run-1'): Promise<ActionRun> {
  return runAction('circuit-breaker', {
    cwd,
    inputs,
    env: { BATCH_OPS_NOW: now, GITHUB_RUN_ID: runId, GITHUB_REPOSITORY: 'o/r', GITHUB_REF: 'refs/heads/main' },
    timeoutMs: 60_000
  })
}

describe('a whole cycle: trip, wait, probe, re-open with backoff, probe, close', () => {
  test('every transition of docs/contract.md §5, persisted on origin', async () => {
    const repo = await repoWith(control({ npm: { state: 'closed', failures: 0 } }))
    const cwd = repo.work
    const params = { 'window-size': '4', 'minimum-attempts': '4', 'failure-threshold': '50', 'recovery-minutes': '60' }

    // Three attempts: below minimum-attempts, no rate and no trip even at 2/3 failing.
    let r = await breaker(cwd, '2026-03-04T10:00:00Z', { mode: 'record', ecosystem: 'npm', successes: '1', failures: '2', ...params })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ state: 'closed', 'failure-rate': '', 'opens-at': '' })
    expect(await originEntry(repo, 'npm')).toMatchObject({ state: 'closed', failures: 2, window: 'SFF' })

    // The fourth attempt fails: 3/4 = 75% ≥ 50% with 4 attempts → open for recovery-minutes.
    r = await breaker(cwd, '2026-03-04T11:00:00Z', { mode: 'record', ecosystem: 'npm', outcome: 'failure', ...params })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ state: 'open', 'failure-rate': '75', 'opens-at': '2026-03-04T12:00:00Z' })
    expect(r.annotations.some((a) => a.level === 'warning' && /closed → open/.test(a.message))).toBe(true)
    expect(await originEntry(repo, 'npm')).toMatchObject({ state: 'open', trips: 0, opens_at: '2026-03-04T12:00:00Z', window: 'SFFF', failures: 3 })

    // Before opens_at: skip, nothing written.
    const before = await repo.originHead()
    r = await breaker(cwd, '2026-03-04T11:59:59Z', { mode: 'check', ecosystem: 'npm', ...params })
    expect(r.outputs).toMatchObject({ state: 'open', skip: 'true', probe: 'false', 'opens-at': '2026-03-04T12:00:00Z' })
    expect(await repo.originHead()).toBe(before)
    expect(r.summary).toContain('✓ ✗ ✗ ✗')
    expect(r.summary).toContain('75% (trips at ≥ 50%)')

    // A late result while open changes nothing and warns.
    r = await breaker(cwd, '2026-03-04T11:59:59Z', { mode: 'record', ecosystem: 'npm', outcome: 'success', ...params })
    expectExit(r, 0)
    expect(r.outputs.state).toBe('open')
    expect(r.annotations.some((a) => a.level === 'warning' && /while the breaker is open/.test(a.message))).toBe(true)
    expect(await repo.originHead()).toBe(before)

    // At opens_at: this run claims the probe.
    r = await breaker(cwd, '2026-03-04T12:00:00Z', { mode: 'check', ecosystem: 'npm', ...params }, 'run-probe-1')
    expect(r.outputs).toMatchObject({ state: 'half-open', skip: 'false', probe: 'true' })
    expect(await originEntry(repo, 'npm')).toMatchObject({ state: 'half-open', probe: { claimed_at: '2026-03-04T12:00:00Z', run_id: 'run-probe-1' } })

    // The probe fails: open again, trips 1, waits 2 × 60 minutes.
    r = await breaker(cwd, '2026-03-04T12:10:00Z', { mode: 'record', ecosystem: 'npm', outcome: 'failure', ...params }, 'run-probe-1')
    expect(r.outputs).toMatchObject({ state: 'open', 'opens-at': '2026-03-04T14:10:00Z' })
    const reopened = await originEntry(repo, 'npm')
    expect(reopened).toMatchObject({ state: 'open', trips: 1, opens_at: '2026-03-04T14:10:00Z' })
    expect(reopened).not.toHaveProperty('probe')

    // The next probe succeeds: closed, window empty, failures and trips 0, no probe.
    r = await breaker(cwd, '2026-03-04T14:10:00Z', { mode: 'check', ecosystem: 'npm', ...params }, 'run-probe-2')
    expect(r.outputs.probe).toBe('true')
    r = await breaker(cwd, '2026-03-04T14:30:00Z', { mode: 'record', ecosystem: 'npm', outcome: 'success', ...params }, 'run-probe-2')
    expect(r.outputs).toMatchObject({ state: 'closed', 'failure-rate': '', 'opens-at': '' })
    const closed = await originEntry(repo, 'npm')
    expect(closed).toMatchObject({ state: 'closed', window: '', failures: 0, trips: 0 })
    expect(closed).not.toHaveProperty('probe')

    // Every state commit carries the trailers.
    const commits = await repo.originCommits()
    const stateCommits = commits.filter((c) => c.subject.startsWith('chore(batch):'))
    expect(stateCommits).toHaveLength(6)
    for (const c of stateCommits) {
      expect(c.subject).toMatch(/\[skip ci\]$/)
      expect(c.trailers).toEqual(expect.arrayContaining([['Ecosystem', 'npm'], ['Batch-Ops-Action', 'circuit-breaker']]))
    }
  })
})

describe('concurrency', () => {
  test('12 concurrent record runs over 3 ecosystems: every attempt is in the final file on origin', async () => {
    const repo = await repoWith(control({}))
    const plan = Array.from({ length: 12 }, (_, i) => ({
      eco: ['homebrew', 'crates.io', 'npm'][i % 3]!,
      successes: (i % 4) + 1,
      failures: i % 2
    }))
    const clones = await Promise.all(plan.map(() => repo.clone()))
    const runs = await Promise.all(
      plan.map((p, i) =>
        breaker(
          clones[i]!,
          '2026-03-04T10:00:00Z',
          {
            mode: 'record',
            ecosystem: p.eco,
            successes: String(p.successes),
            failures: String(p.failures),
            // Large enough to hold every attempt and never trip, so the window is a full ledger.
            'window-size': '100',
            'minimum-attempts': '100',
            'max-attempts': '16'
          },
          `run-${i}`
        )
      )
    )
    for (const r of runs) expectExit(r, 0)
    const retried = runs.filter((r) => /rejected \(attempt 1\//.test(r.stdout)).length
    expect(retried).toBeGreaterThan(0) // the runs really did collide
    for (const eco of ['homebrew', 'crates.io', 'npm']) {
      const mine = plan.filter((p) => p.eco === eco)
      const entry = (await originEntry(repo, eco)) as { window: string }
      expect(entry.window).toHaveLength(mine.reduce((n, p) => n + p.successes + p.failures, 0))
      expect([...entry.window].filter((c) => c === 'F')).toHaveLength(mine.reduce((n, p) => n + p.failures, 0))
    }
    expect((await repo.originLog()).filter((s) => s.startsWith('chore(batch): record'))).toHaveLength(12)
  })

  test('2 concurrent checks at the due time: exactly one gets the probe', async () => {
    const repo = await repoWith(control({ npm: { state: 'open', failures: 7, last_failure: '2026-03-04T09:00:00Z', opens_at: '2026-03-04T10:00:00Z', trips: 0 } }))
    const [a, b] = [await repo.clone(), await repo.clone()]
    const runs = await Promise.all([
      breaker(a, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' }, 'run-a'),
      breaker(b, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' }, 'run-b')
    ])
    for (const r of runs) expectExit(r, 0)
    const probes = runs.filter((r) => r.outputs.probe === 'true')
    expect(probes).toHaveLength(1)
    const loser = runs.find((r) => r.outputs.probe !== 'true')!
    expect(loser.outputs).toMatchObject({ skip: 'true', state: 'half-open' })
    const winner = runs.indexOf(probes[0]!) === 0 ? 'run-a' : 'run-b'
    expect(await originEntry(repo, 'npm')).toMatchObject({ state: 'half-open', probe: { run_id: winner } })
    expect((await repo.originLog()).filter((s) => s.includes('claim half-open probe'))).toHaveLength(1)
  })
})

describe('the legacy control file of the shell tooling', () => {
  test('batch-control.head.json: a stale open breaker is probed, closed ones run, and the file is otherwise unchanged', async () => {
    const legacy = await readFile(fixture('batch-control.head.json'), 'utf8')
    const repo = await repoWith(legacy)
    let r = await breaker(repo.work, '2026-11-26T12:00:00Z', { mode: 'check', ecosystem: 'npm' }, 'legacy-run')
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ state: 'half-open', skip: 'false', probe: 'true' })
    const after = (await repo.readOrigin(CONTROL))!
    // Only npm's entry changed: state, plus the probe.
    const changed = after.split('\n').filter((l) => !legacy.split('\n').includes(l))
    expect(changed.map((l) => l.trim())).toEqual(['"state": "half-open",', '"opens_at": "2026-06-26T21:51:01Z",', '"probe": {', '"claimed_at": "2026-11-26T12:00:00Z",', '"run_id": "legacy-run"', '}'])

    // The probe succeeds: a breaker with 696 legacy failures closes cleanly.
    r = await breaker(repo.work, '2026-11-26T12:30:00Z', { mode: 'record', ecosystem: 'npm', outcome: 'success' }, 'legacy-run')
    expect(r.outputs.state).toBe('closed')
    expect(await originEntry(repo, 'npm')).toMatchObject({ state: 'closed', failures: 0, window: '', trips: 0 })

    // "default" is closed with no window: it runs, and a record starts its window.
    r = await breaker(repo.work, '2026-11-26T12:30:00Z', { mode: 'check', ecosystem: 'default' })
    expect(r.outputs).toMatchObject({ state: 'closed', skip: 'false', probe: 'false' })
    r = await breaker(repo.work, '2026-11-26T12:30:00Z', { mode: 'record', ecosystem: 'default', outcome: 'failure' })
    expect(await originEntry(repo, 'default')).toMatchObject({ state: 'closed', failures: 1, window: 'F' })
  })
})

describe('fail closed', () => {
  test('open with no usable opens_at and no last_failure: skip, an error at the entry, nothing written', async () => {
    const text = control({ homebrew: { state: 'closed', failures: 0 }, npm: { state: 'open', failures: 3, opens_at: '' } })
    const repo = await repoWith(text)
    const before = await repo.originHead()
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' })
    expectExit(r, 'non-zero')
    expect(r.outputs.skip).toBe('true')
    const located = r.annotations.find((a) => a.level === 'error' && a.props.file === CONTROL)
    expect(located?.props.line).toBe(String(text.split('\n').findIndex((l) => l.includes('"npm"')) + 1))
    expect(located?.message).toMatch(/no usable opens_at/)
    expect(r.outputs.reason).toMatch(/^circuit-breaker failed, so the work is skipped \(fail closed\): .*no usable opens_at/)
    expect(await repo.originHead()).toBe(before)
    expect(r.summary).toMatch(/failed closed/)
  })

  test('an entry that breaks the schema: skip, the error names the path and line, nothing written', async () => {
    const text = control({ npm: { state: 'tripped', failures: 3 } })
    const repo = await repoWith(text)
    const before = await repo.originHead()
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' })
    expectExit(r, 'non-zero')
    expect(r.outputs.skip).toBe('true')
    const e = r.annotations.find((a) => a.level === 'error' && a.props.file === CONTROL)!
    expect(e.message).toContain('$.circuit_breaker.npm.state')
    expect(e.props.line).toBe(String(text.split('\n').findIndex((l) => l.includes('"tripped"')) + 1))
    expect(await repo.originHead()).toBe(before)
  })

  test.each([
    [{ mode: 'probe', ecosystem: 'npm' }, /input 'mode' must be 'check' or 'record'/],
    [{ mode: 'record', ecosystem: 'npm' }, /needs input 'outcome'/],
    [{ mode: 'record', ecosystem: 'npm', outcome: 'success', successes: '1' }, /either input 'outcome' or 'successes'/],
    [{ mode: 'record', ecosystem: 'npm', outcome: 'passed' }, /input 'outcome' must be/],
    [{ mode: 'check', ecosystem: 'NPM' }, /not a valid ecosystem name/],
    [{ mode: 'check', ecosystem: 'npm', 'window-size': '3', 'minimum-attempts': '5' }, /could never trip/],
    [{ mode: 'check', ecosystem: 'npm', 'failure-threshold': 'half' }, /input 'failure-threshold' must be a number/]
  ])('invalid inputs %j are refused and nothing is written', async (inputs, message) => {
    const repo = await repoWith(control({ npm: { state: 'closed', failures: 0 } }))
    const before = await repo.originHead()
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', inputs as Record<string, string>)
    expectExit(r, 'non-zero')
    expect(r.stdout).toMatch(message)
    expect(r.outputs.skip).toBe('true')
    expect(await repo.originHead()).toBe(before)
  })
})

describe("the operators' controls gate the check (enabled: false, disabled_ecosystems)", () => {
  const stop = {
    enabled: false,
    reason: 'bad recipes merged',
    incident_url: 'https://status.example.com/incidents/42',
    disabled_by: 'alice',
    disabled_at: '2026-03-04T08:00:00Z',
    expected_resume: '2026-03-05T09:00:00Z'
  }
  // Due for its probe: without the operators' controls, a check would claim it and commit.
  const due = { state: 'open', failures: 5, window: 'FFFFF', trips: 0, last_failure: '2026-03-04T08:00:00Z', opens_at: '2026-03-04T09:00:00Z' }
  const doc = (extra: Entry, breakers: Record<string, Entry>): string =>
    JSON.stringify({ enabled: true, disabled_ecosystems: [], ...extra, circuit_breaker: breakers }, null, 2) + '\n'

  test('after a stop, a check skips with the reason, who stopped it and the incident; no probe is claimed and nothing is written', async () => {
    const repo = await repoWith(doc(stop, { npm: due }))
    const before = { head: await repo.originHead(), control: await repo.readOrigin(CONTROL) }
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ state: 'open', skip: 'true', probe: 'false' })
    expect(r.outputs.reason).toContain('stopped (enabled: false) by alice since 2026-03-04T08:00:00Z: bad recipes merged')
    expect(r.outputs.reason).toContain('incident https://status.example.com/incidents/42')
    expect({ head: await repo.originHead(), control: await repo.readOrigin(CONTROL) }).toEqual(before)
    expect(r.summary).toContain('stopped by an operator')
    expect(r.summary).toContain('bad recipes merged')
    expect(r.summary).toContain('[https')
    expect(r.summary).toContain('resume')
    expect(r.summary).toContain('nothing to write')
  })

  test('after a pause of homebrew, a check of homebrew skips and writes nothing; npm still runs with reason ""', async () => {
    const repo = await repoWith(doc({ disabled_ecosystems: ['homebrew'] }, { homebrew: due, npm: { state: 'closed', failures: 0 } }))
    const head = await repo.originHead()
    const paused = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'homebrew' })
    expectExit(paused, 0)
    expect(paused.outputs).toMatchObject({ skip: 'true', probe: 'false', state: 'open' })
    expect(paused.outputs.reason).toMatch(/homebrew is paused by an operator \(disabled_ecosystems\)/)
    expect(paused.summary).toContain('paused by an operator')
    expect(paused.summary).toContain('resume-ecosystem')
    expect(await repo.originHead()).toBe(head)

    const other = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' })
    expectExit(other, 0)
    expect(other.outputs).toMatchObject({ skip: 'false', probe: 'false', reason: '' })
  })

  test('a paused ecosystem with no breaker entry yet is skipped too', async () => {
    const repo = await repoWith(doc({ disabled_ecosystems: ['cask'] }, {}))
    const head = await repo.originHead()
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'cask' })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ skip: 'true', probe: 'false', state: 'closed' })
    expect(await repo.originHead()).toBe(head)
  })

  test('after a stop, a record still records (a result is never dropped)', async () => {
    const repo = await repoWith(doc(stop, { npm: { state: 'closed', failures: 0 } }))
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'record', ecosystem: 'npm', outcome: 'failure' })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ state: 'closed', skip: 'false', reason: '' })
    expect(await originEntry(repo, 'npm')).toMatchObject({ state: 'closed', failures: 1, window: 'F' })
    const [commit] = await repo.originCommits()
    expect(commit!.subject).toMatch(/^chore\(batch\): record npm/)
    // The stop itself is left as it was.
    expect(JSON.parse((await repo.readOrigin(CONTROL))!)).toMatchObject(stop)
  })

  test('reason says why whenever a check skips: an open breaker names its time; a probe run has ""', async () => {
    const repo = await repoWith(control({ npm: due }))
    const early = await breaker(repo.work, '2026-03-04T08:30:00Z', { mode: 'check', ecosystem: 'npm' })
    expect(early.outputs).toMatchObject({ skip: 'true', reason: 'breaker open until 2026-03-04T09:00:00Z' })
    const probe = await breaker(repo.work, '2026-03-04T09:00:00Z', { mode: 'check', ecosystem: 'npm' }, 'run-probe')
    expect(probe.outputs).toMatchObject({ skip: 'false', probe: 'true', reason: '' })
  })

  test('an operator reason with Markdown and mentions is shown inert in the summary', async () => {
    const repo = await repoWith(doc({ ...stop, reason: '@everyone <img src=x> **now**' }, { npm: due }))
    const r = await breaker(repo.work, '2026-03-04T10:00:00Z', { mode: 'check', ecosystem: 'npm' })
    expect(r.outputs.skip).toBe('true')
    expect(r.summary).not.toContain('<img')
    expect(r.summary).not.toContain('@everyone')
    expect(r.summary).toContain('&lt;img')
  })
})
