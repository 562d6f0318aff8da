// preflight-check end to end: the bundled action (dist/index.js) in a child
// process, as the runner starts it, against real git repositories whose origin
// is a local bare repository. docs/contract.md §1–§4.

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import {
  type ActionRun,
  type Annotation,
  type TestRepo,
  createRepo,
  expectExit,
  git,
  raceOnPush,
  repoRoot,
  runAction
} from '../../../test/harness.js'

// A Wednesday; its budget week started on Monday 2026-03-02 00:00 UTC.
const NOW = '2026-03-04T10:00:00Z'
const TODAY = '2026-03-04'
const MONDAY = '2026-03-02T00:00:00Z'
const CONTROL = 'batch-control.json'
const BOT_NAME = 'github-actions[bot]'
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com'

const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'upstream', name)

type Json = Record<string, unknown>

/** A control file of this budget week: every run against it changes nothing unless told to. */
function controlDoc(extra: Json = {}): Json {
  return {
    enabled: true,
    disabled_ecosystems: [],
    reason: '',
    incident_url: '',
    disabled_by: '',
    disabled_at: '',
    expected_resume: '',
    circuit_breaker: {
      homebrew: { state: 'closed', failures: 0 },
      npm: { state: 'closed', failures: 0 }
    },
    budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false },
    ...extra
  }
}

const render = (doc: Json): string => JSON.stringify(doc, null, 2) + '\n'

/** 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle)
  if (at < 0) throw new Error(`${needle} not in the fixture text`)
  return text.slice(0, at).split('\n').length
}

const repos: TestRepo[] = []
async function repoWith(files: Record<string, string> = {}): Promise<TestRepo> {
  const repo = await createRepo({ files })
  repos.push(repo)
  return repo
}
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

/** A scheduled run on GitHub Actions, as the runner starts it, unless `env` says otherwise (undefined removes a variable). */
const SCHEDULED = { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'schedule' }

function preflight(cwd: string, inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}): Promise<ActionRun> {
  return runAction('preflight-check', { cwd, inputs, env: { BATCH_OPS_NOW: NOW, ...SCHEDULED, ...env } })
}

const of = (r: ActionRun, level: Annotation['level']): Annotation[] => r.annotations.filter((a) => a.level === level)
const originJson = async (repo: TestRepo, file = CONTROL): Promise<Json> => {
  const text = await repo.readOrigin(file)
  if (text === null) throw new Error(`${file} is not on origin`)
  return JSON.parse(text) as Json
}

/** What origin looks like, to prove a run pushed nothing. */
async function originState(repo: TestRepo): Promise<{ head: string; log: string[]; control: string | null }> {
  return { head: await repo.originHead(), log: await repo.originLog(), control: await repo.readOrigin(CONTROL) }
}

/** Outputs every failed preflight must leave: proceed with nothing. */
function expectProceedsWithNothing(r: ActionRun): void {
  expect(r.outputs['can-proceed']).toBe('false')
  expect(r.outputs.ecosystems).toBe('[]')
  expect(r.outputs['batch-id']).toBe('')
}

describe('kill switch (enabled: false)', () => {
  const stopped = (expectedResume: string): Json =>
    controlDoc({
      enabled: false,
      reason: 'npm mirror returning 500s',
      incident_url: 'https://status.example.com/incidents/42',
      disabled_by: 'alice',
      disabled_at: '2026-03-04T08:00:00Z',
      expected_resume: expectedResume
    })

  test('stops the batch with the reason from the file, warns naming who stopped it, exits 0 and pushes nothing', async () => {
    const repo = await repoWith({ [CONTROL]: render(stopped('2026-03-05T12:00:00Z')) })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'homebrew,npm' })

    expectExit(r, 0)
    expect(r.outputs).toEqual({
      'can-proceed': 'false',
      ecosystems: '[]',
      'skipped-ecosystems': JSON.stringify({
        homebrew: 'batch processing is stopped: npm mirror returning 500s',
        npm: 'batch processing is stopped: npm mirror returning 500s'
      }),
      reason: 'npm mirror returning 500s',
      sampling: 'false',
      'batch-id': ''
    })
    const warnings = of(r, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toContain('enabled: false')
    expect(warnings[0]!.message).toContain('alice')
    expect(warnings[0]!.message).toContain('https://status.example.com/incidents/42')
    expect(warnings[0]!.message).toContain('Expected resume: 2026-03-05T12:00:00Z')
    expect(of(r, 'error')).toEqual([])
    expect(r.summary).toContain('## ⛔ Preflight: batch does not proceed')
    expect(r.summary).toContain('**Reason:** npm mirror returning 500s')
    expect(r.summary).toContain('nothing to write')
    expect(await originState(repo)).toEqual(before)
  })

  test('a second warning when expected_resume has passed', async () => {
    const repo = await repoWith({ [CONTROL]: render(stopped('2026-03-04T09:00:00Z')) })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'npm' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expect(r.outputs.reason).toBe('npm mirror returning 500s')
    const warnings = of(r, 'warning')
    expect(warnings).toHaveLength(2)
    expect(warnings[0]!.message).toContain('alice')
    expect(warnings[1]!.message).toContain('2026-03-04T09:00:00Z has passed')
    expect(r.summary).toContain('has passed')
    expect(await originState(repo)).toEqual(before)
  })

  test('an empty reason still gives a reason', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ enabled: false })) })
    const r = await preflight(repo.work)
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expect(r.outputs.reason).toBe('batch processing is stopped (enabled: false)')
    expect(of(r, 'warning')[0]!.message).toContain('an unnamed operator')
  })
})

describe('missing control file: all defaults', () => {
  test('proceeds with the requested ecosystems and creates the file on origin with the counter', async () => {
    const repo = await repoWith({ 'README.md': '# repo\n' })
    const before = await repo.originLog()

    const r = await preflight(
      repo.work,
      { ecosystems: 'homebrew\nnpm' },
      { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/recipes', GITHUB_RUN_ID: '777' }
    )

    expectExit(r, 0)
    expect(r.outputs).toEqual({
      'can-proceed': 'true',
      ecosystems: '["homebrew","npm"]',
      'skipped-ecosystems': '{}',
      reason: '',
      sampling: 'false',
      'batch-id': `${TODAY}-001`
    })
    expect(r.summary).toContain(`## ✅ Preflight: batch \`${TODAY}-001\` may proceed`)
    expect(r.summary).toContain('| `homebrew` | ▶️ runs |')

    const text = await repo.readOrigin(CONTROL)
    const doc = JSON.parse(text!) as Json
    expect(doc).toEqual({
      enabled: true,
      disabled_ecosystems: [],
      reason: '',
      incident_url: '',
      disabled_by: '',
      disabled_at: '',
      expected_resume: '',
      circuit_breaker: {},
      budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false },
      batch_sequence: { date: TODAY, last: 1 }
    })
    expect(text).toBe(render(doc)) // 2-space JSON with a final newline

    const [commit, ...rest] = await repo.originCommits()
    expect(rest.map((c) => c.subject)).toEqual(before)
    expect(commit!.subject).toBe(`chore(batch): allocate batch ${TODAY}-001 [skip ci]`)
    expect(commit!.trailers).toEqual([
      ['Batch-Id', `${TODAY}-001`],
      ['Batch-Ops-Action', 'preflight-check'],
      ['Run-Url', 'https://github.com/acme/recipes/actions/runs/777']
    ])
    expect([commit!.authorName, commit!.authorEmail]).toEqual([BOT_NAME, BOT_EMAIL])
    const touched = (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', commit!.sha], repo.origin)).stdout
    expect(touched).toBe(`${CONTROL}\n`)
    // The checkout follows what it pushed.
    expect((await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()).toBe(commit!.sha)
    expect(await readFile(path.join(repo.work, CONTROL), 'utf8')).toBe(text)
    expect((await git(['status', '--porcelain'], repo.work)).stdout).toBe('')
  })

  test("allocate-batch-id: 'false' proceeds and creates nothing", async () => {
    const repo = await repoWith({ 'README.md': '# repo\n' })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'homebrew,npm', 'allocate-batch-id': 'false' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(r.outputs.ecosystems).toBe('["homebrew","npm"]')
    expect(r.outputs['batch-id']).toBe('')
    expect(r.summary).toContain('(no ID requested)')
    expect(await originState(repo)).toEqual(before)
    expect(before.control).toBeNull()
    expect(existsSync(path.join(repo.work, CONTROL))).toBe(false)
  })

  test('with nothing requested and nothing known, does not proceed and creates nothing', async () => {
    const repo = await repoWith({ 'README.md': '# repo\n' })
    const before = await originState(repo)
    const r = await preflight(repo.work)
    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toContain('no ecosystems to run')
    expect(await originState(repo)).toEqual(before)
  })
})

describe('an invalid control file fails closed: non-zero, annotated, nothing pushed', () => {
  // Each would, if it were accepted, start a new budget week and hand out a batch ID: a push.
  const base = controlDoc({ budget: { macos_minutes_used: 5, linux_minutes_used: 5, week_start: '', sampling_active: false } })

  async function expectFailedClosed(_repo: TestRepo, r: ActionRun, file: string, line: number, ...fragments: string[]): Promise<Annotation> {
    expectExit(r, 'non-zero')
    expectProceedsWithNothing(r)
    const located = of(r, 'error').filter((a) => a.props.file === file)
    expect(located).toHaveLength(1)
    expect(located[0]!.props.line).toBe(String(line))
    for (const f of fragments) expect(located[0]!.message).toContain(f)
    expect(r.summary).toContain('## Preflight check: failed')
    expect(r.summary).toContain('failed closed')
    expect(r.summary).toContain(`| ${line} |`)
    return located[0]!
  }

  test('broken JSON: the annotation points at the line of the syntax error', async () => {
    const text = ['{', '  "enabled": true,', '  "reason": "maintenance"', '  "disabled_by": "bob"', '}', ''].join('\n')
    const repo = await repoWith({ [CONTROL]: text })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'npm' })

    await expectFailedClosed(repo, r, CONTROL, 4, 'not valid JSON')
    expect(r.outputs.reason).toContain('preflight-check failed')
    expect(await originState(repo)).toEqual(before)
    expect((await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()).toBe(before.head)
  })

  test('the annotation names the file as given in control-file', async () => {
    const text = '{\n  "enabled": tru\n}\n'
    const repo = await repoWith({ 'ops/control.json': text })
    const before = await originState(repo)
    const r = await preflight(repo.work, { 'control-file': 'ops/control.json' })
    await expectFailedClosed(repo, r, 'ops/control.json', 2, 'not valid JSON')
    expect(await originState(repo)).toEqual(before)
  })

  const withNpm = (entry: Json): Json => ({ ...base, circuit_breaker: { homebrew: { state: 'closed', failures: 0 }, npm: entry } })
  test.each<[string, Json, string, string, string]>([
    ['an unknown breaker state', withNpm({ state: 'tripped', failures: 3 }), '"state": "tripped"', '$.circuit_breaker.npm.state', 'must be one of'],
    ['a timestamp that is not RFC 3339', withNpm({ state: 'open', failures: 3, opens_at: 'next tuesday' }), '"opens_at": "next tuesday"', '$.circuit_breaker.npm.opens_at', 'RFC 3339'],
    ['a timestamp that is not a real date', { ...base, expected_resume: '2026-02-30T10:00:00Z' }, '"expected_resume"', '$.expected_resume', 'not a real date'],
    ['"enabled": "false" (a string)', { ...base, enabled: 'false' }, '"enabled"', '$.enabled', 'boolean'],
    ['a bad ecosystem name (breaker key)', { ...base, circuit_breaker: { Homebrew: { state: 'closed', failures: 0 } } }, '"Homebrew"', 'Homebrew', 'not a valid ecosystem name'],
    ['a bad ecosystem name (disabled_ecosystems)', { ...base, disabled_ecosystems: ['homebrew', 'NPM'] }, '"NPM"', '$.disabled_ecosystems', 'not a valid ecosystem name'],
    ['a negative failure count', withNpm({ state: 'closed', failures: -1 }), '"failures": -1', '$.circuit_breaker.npm.failures', '>= 0']
  ])('schema violation: %s', async (_name, doc, needle, jsonPath, problem) => {
    const text = render(doc)
    const repo = await repoWith({ [CONTROL]: text })
    const before = await originState(repo)

    const r = await preflight(repo.work)

    const a = await expectFailedClosed(repo, r, CONTROL, lineOf(text, needle), jsonPath, problem)
    expect(`${a.props.title ?? ''} ${a.message}`).toContain('Invalid control file')
    expect(await originState(repo)).toEqual(before)
  })

  test('a control file path that is a directory fails clearly (persisting: read from the commit)', async () => {
    const repo = await repoWith({ [`${CONTROL}/notes.txt`]: 'not a control file\n' })
    const before = { head: await repo.originHead(), log: await repo.originLog() }
    const r = await preflight(repo.work, { ecosystems: 'npm' })
    await expectFailedClosed(repo, r, CONTROL, 1, 'cannot be read', `${CONTROL} is a directory`)
    expect({ head: await repo.originHead(), log: await repo.originLog() }).toEqual(before)
  })

  test("a control file path that is a directory fails clearly (persist: 'false': read from the working tree)", async () => {
    const repo = await repoWith({ 'README.md': '# repo\n' })
    await mkdir(path.join(repo.work, CONTROL))
    const r = await preflight(repo.work, { ecosystems: 'npm', persist: 'false' })
    await expectFailedClosed(repo, r, CONTROL, 1, 'cannot be read', 'EISDIR')
  })
})

describe('invalid inputs: non-zero, the error names the input, nothing pushed', () => {
  // Accepted, this file would be written (new budget week, batch ID).
  const doc = controlDoc({ budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: '', sampling_active: false } })

  test.each<[Record<string, string>, string]>([
    [{ 'macos-minutes-per-week': 'lots' }, `input 'macos-minutes-per-week' must be a number >= 0 and <= 10080000 (got "lots")`],
    [{ 'linux-minutes-per-week': '-5' }, `input 'linux-minutes-per-week'`],
    [{ 'pause-threshold': '1.5' }, `input 'pause-threshold'`],
    [{ 'sampling-threshold': '0.9', 'pause-threshold': '0.85' }, `input 'sampling-threshold' (0.9) must not be above 'pause-threshold' (0.85)`],
    [{ 'allocate-batch-id': 'yes' }, `input 'allocate-batch-id' must be 'true' or 'false'`],
    [{ 'max-attempts': '0' }, `input 'max-attempts'`],
    [{ ecosystems: 'Homebrew' }, `input 'ecosystems': "Homebrew" is not a valid ecosystem name`],
    [{ ecosystems: 'npm,homebrw' }, `input 'ecosystems': unknown ecosystem "homebrw"; did you mean "homebrew"?`],
    [{ 'allowed-events': 'schedule, workflow-dispatch' }, `input 'allowed-events': "workflow-dispatch" is not a GitHub event name`],
    [{ 'allowed-events': 'schedule, workflow_call' }, `input 'allowed-events': "workflow_call" never starts a batch`],
    [{ 'allowed-events': ' , ' }, `input 'allowed-events' names no event`]
  ])('%j', async (inputs, message) => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const before = await originState(repo)

    const r = await preflight(repo.work, inputs)

    expectExit(r, 'non-zero')
    expectProceedsWithNothing(r)
    const errors = of(r, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toContain(message)
    expect(r.summary).toContain('invalid input')
    expect(await originState(repo)).toEqual(before)
  })

  test('Homebrew gets a did-you-mean when homebrew is known', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const r = await preflight(repo.work, { ecosystems: 'Homebrew' })
    expectExit(r, 'non-zero')
    expect(of(r, 'error')[0]!.message).toContain('did you mean "homebrew"?')
  })

  test('BATCH_OPS_NOW that is not a timestamp', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const before = await originState(repo)
    const r = await preflight(repo.work, {}, { BATCH_OPS_NOW: 'yesterday' })
    expectExit(r, 'non-zero')
    expect(of(r, 'error')[0]!.message).toContain('BATCH_OPS_NOW must be an RFC 3339 timestamp')
    expect(await originState(repo)).toEqual(before)
  })
})

describe('which events may run a batch (allowed-events)', () => {
  // Proceeding, a run against this file commits a batch ID: an unchanged origin shows it did not proceed.
  const doc = controlDoc()

  test('schedule proceeds by default, and the summary names the event', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const r = await preflight(repo.work, { ecosystems: 'npm' }, { GITHUB_EVENT_NAME: 'schedule' })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ 'can-proceed': 'true', ecosystems: '["npm"]', reason: '', 'batch-id': `${TODAY}-001` })
    expect(r.summary).toContain('Event: `schedule`')
  })

  test('workflow_dispatch is refused by default: the reason names the event and how to allow it, no batch ID, nothing written', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const before = await originState(repo)
    const r = await preflight(repo.work, { ecosystems: 'homebrew,npm' }, { GITHUB_EVENT_NAME: 'workflow_dispatch' })
    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toContain("started by the event 'workflow_dispatch', which is not in allowed-events (schedule)")
    expect(r.outputs.reason).toContain('add workflow_dispatch to the allowed-events input')
    expect(JSON.parse(r.outputs['skipped-ecosystems']!)).toEqual({ homebrew: r.outputs.reason, npm: r.outputs.reason })
    expect(of(r, 'warning').map((a) => a.message).join('\n')).toContain('workflow_dispatch')
    expect(r.summary).toContain('## ⛔ Preflight: batch does not proceed')
    expect(r.summary).toContain('Event: `workflow_dispatch`')
    expect(r.summary).toContain('**How to allow it:** `allowed-events: schedule, workflow_dispatch`')
    expect(await originState(repo)).toEqual(before)
  })

  test('workflow_dispatch proceeds when allowed-events lists it', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const r = await preflight(repo.work, { ecosystems: 'npm', 'allowed-events': 'schedule\nworkflow_dispatch' }, { GITHUB_EVENT_NAME: 'workflow_dispatch' })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ 'can-proceed': 'true', reason: '', 'batch-id': `${TODAY}-001` })
    expect(JSON.parse((await repo.readOrigin(CONTROL))!)).toMatchObject({ batch_sequence: { date: TODAY, last: 1 } })
  })

  test('allowed-events replaces the default: schedule is refused when only workflow_dispatch is listed', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const before = await originState(repo)
    const r = await preflight(repo.work, { ecosystems: 'npm', 'allowed-events': 'workflow_dispatch' }, { GITHUB_EVENT_NAME: 'schedule' })
    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toContain("'schedule', which is not in allowed-events (workflow_dispatch)")
    expect(await originState(repo)).toEqual(before)
  })

  test('on GitHub Actions with no GITHUB_EVENT_NAME: refused (fail closed), nothing written', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const before = await originState(repo)
    const r = await preflight(repo.work, { ecosystems: 'npm' }, { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: undefined })
    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toContain('GITHUB_EVENT_NAME is not set')
    expect(await originState(repo)).toEqual(before)
  })

  test('outside GitHub Actions with no GITHUB_EVENT_NAME (a local run): proceeds, and the summary says the check did not apply', async () => {
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const r = await preflight(repo.work, { ecosystems: 'npm' }, { GITHUB_ACTIONS: undefined, GITHUB_EVENT_NAME: undefined })
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ 'can-proceed': 'true', 'batch-id': `${TODAY}-001` })
    expect(r.summary).toContain('not on GitHub Actions, a local run or a test: the check does not apply')
  })
})

describe('which ecosystems run', () => {
  test('paused and not-yet-due open ones are skipped with a reason; the rest run', async () => {
    const doc = controlDoc({
      disabled_ecosystems: ['npm'],
      circuit_breaker: {
        homebrew: { state: 'closed', failures: 0 },
        npm: { state: 'closed', failures: 0 },
        'crates.io': { state: 'open', failures: 7, last_failure: '2026-03-04T09:00:00Z', opens_at: '2026-03-04T11:00:00Z' },
        pypi: { state: 'open', failures: 2, last_failure: '2026-03-04T08:00:00Z', opens_at: '2026-03-04T09:00:00Z' }
      }
    })
    const text = render(doc)
    const repo = await repoWith({ [CONTROL]: text })

    const r = await preflight(repo.work, { ecosystems: 'homebrew, npm, crates.io, pypi' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(JSON.parse(r.outputs.ecosystems!)).toEqual(['homebrew', 'pypi'])
    expect(JSON.parse(r.outputs['skipped-ecosystems']!)).toEqual({
      npm: 'paused by an operator (disabled_ecosystems)',
      'crates.io': 'circuit breaker open after 7 consecutive failures until 2026-03-04T11:00:00Z'
    })
    expect(r.outputs['batch-id']).toBe(`${TODAY}-001`)
    expect(r.summary).toContain('| `npm` | ⏸️ skipped | paused by an operator (disabled\\_ecosystems) |')
    expect(r.summary).toContain('| `pypi` | ▶️ runs |')
    // Only the counter changed; the pause and the breakers are as they were.
    expect(await repo.readOrigin(CONTROL)).toBe(render({ ...doc, batch_sequence: { date: TODAY, last: 1 } }))
  })

  test('no ecosystems input: every key of circuit_breaker is requested', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ disabled_ecosystems: ['homebrew'] })) })
    const r = await preflight(repo.work)
    expectExit(r, 0)
    expect(r.outputs.ecosystems).toBe('["npm"]')
    expect(JSON.parse(r.outputs['skipped-ecosystems']!)).toEqual({ homebrew: 'paused by an operator (disabled_ecosystems)' })
  })

  test('nothing left: does not proceed, exit 0, no batch ID, nothing pushed', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ disabled_ecosystems: ['homebrew', 'npm'] })) })
    const before = await originState(repo)
    const r = await preflight(repo.work, { ecosystems: 'homebrew,npm' })
    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toBe(
      'no ecosystems left to run: homebrew (paused by an operator (disabled_ecosystems)); npm (paused by an operator (disabled_ecosystems))'
    )
    expect(Object.keys(JSON.parse(r.outputs['skipped-ecosystems']!) as Json)).toEqual(['homebrew', 'npm'])
    expect(await originState(repo)).toEqual(before)
  })
})

describe('the legacy control file (test/fixtures/upstream/batch-control.head.json) loads unchanged', () => {
  const OPEN = ['github', 'homebrew', 'rubygems', 'crates.io', 'npm', 'pypi']
  const FAILURES: Record<string, number> = { github: 996, homebrew: 957, rubygems: 413, 'crates.io': 993, npm: 696, pypi: 964 }

  test.each<[string, string, string[]]>([
    ['before opens_at', '2026-06-26T21:00:00Z', ['default']],
    ['exactly at opens_at', '2026-06-26T21:51:01Z', [...OPEN, 'default']],
    ['after opens_at', '2026-06-26T22:00:00Z', [...OPEN, 'default']]
  ])('%s', async (_name, now, runs) => {
    const legacy = await readFile(fixture('batch-control.head.json'), 'utf8')
    const repo = await repoWith({ [CONTROL]: legacy })

    const r = await preflight(repo.work, {}, { BATCH_OPS_NOW: now })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(JSON.parse(r.outputs.ecosystems!)).toEqual(runs)
    const skipped = JSON.parse(r.outputs['skipped-ecosystems']!) as Record<string, string>
    const held = OPEN.filter((e) => !runs.includes(e))
    expect(Object.keys(skipped)).toEqual(held)
    for (const e of held) expect(skipped[e]).toBe(`circuit breaker open after ${FAILURES[e]} consecutive failures until 2026-06-26T21:51:01Z`)
    expect(r.outputs['batch-id']).toBe('2026-06-26-001')

    // The rewrite touches only what changed: the budget week (it was "") and the new counter.
    const expected = legacy
      .replace('"week_start": ""', '"week_start": "2026-06-22T00:00:00Z"')
      .replace(/\n  }\n}\n$/, '\n  },\n  "batch_sequence": {\n    "date": "2026-06-26",\n    "last": 1\n  }\n}\n')
    expect(expected).not.toBe(legacy)
    expect(await repo.readOrigin(CONTROL)).toBe(expected)
  })

  test('the initial file (batch-control.initial.json) proceeds with what is requested', async () => {
    const initial = await readFile(fixture('batch-control.initial.json'), 'utf8')
    const repo = await repoWith({ [CONTROL]: initial })
    const r = await preflight(repo.work, { ecosystems: 'homebrew' })
    expectExit(r, 0)
    expect(r.outputs.ecosystems).toBe('["homebrew"]')
    const doc = await originJson(repo)
    expect(doc.batch_sequence).toEqual({ date: TODAY, last: 1 })
    expect(Object.keys(doc)).toEqual([...Object.keys(JSON.parse(initial) as Json), 'batch_sequence'])
  })
})

describe('weekly budget', () => {
  const budgetDoc = (budget: Json): Json => controlDoc({ budget: { week_start: MONDAY, sampling_active: false, ...budget } })

  test('at 80%: sampling, proceeds, and budget.sampling_active is persisted', async () => {
    const repo = await repoWith({ [CONTROL]: render(budgetDoc({ macos_minutes_used: 800, linux_minutes_used: 100 })) })

    const r = await preflight(repo.work, { ecosystems: 'homebrew' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(r.outputs.sampling).toBe('true')
    expect(r.outputs['batch-id']).toBe(`${TODAY}-001`)
    const warnings = of(r, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toContain('macOS 800/1000 min (80%)')
    expect(r.summary).toContain('**Sampling mode:**')
    expect(r.summary).toContain('| macOS | 800 | 1000 | 80% | ⚠️ sampling |')
    const doc = await originJson(repo)
    expect(doc.budget).toEqual({ macos_minutes_used: 800, linux_minutes_used: 100, week_start: MONDAY, sampling_active: true })
    expect(doc.batch_sequence).toEqual({ date: TODAY, last: 1 })
  })

  test('just under 80%: no sampling, sampling_active stays false', async () => {
    const repo = await repoWith({ [CONTROL]: render(budgetDoc({ macos_minutes_used: 799, linux_minutes_used: 0 })) })
    const r = await preflight(repo.work, { ecosystems: 'homebrew' })
    expectExit(r, 0)
    expect(r.outputs.sampling).toBe('false')
    expect(of(r, 'warning')).toEqual([])
    expect(((await originJson(repo)).budget as Json).sampling_active).toBe(false)
  })

  test('at 95%: does not proceed, the reason names the budget, no batch ID', async () => {
    const doc = budgetDoc({ macos_minutes_used: 10, linux_minutes_used: 4750, sampling_active: true })
    const repo = await repoWith({ [CONTROL]: render(doc) })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'homebrew,npm' })

    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toContain('weekly CI budget')
    expect(r.outputs.reason).toContain('Linux 4750/5000 min (95%)')
    expect(r.outputs.reason).toContain('pause threshold 95%')
    expect(JSON.parse(r.outputs['skipped-ecosystems']!)).toEqual({ homebrew: r.outputs.reason, npm: r.outputs.reason })
    expect(r.summary).toContain('| Linux | 4750 | 5000 | 95% | ⛔ paused |')
    expect(await originState(repo)).toEqual(before)
    expect((await originJson(repo)).batch_sequence).toBeUndefined()
  })

  test('the limits come from the inputs', async () => {
    const repo = await repoWith({ [CONTROL]: render(budgetDoc({ macos_minutes_used: 100, linux_minutes_used: 0 })) })
    const r = await preflight(repo.work, { ecosystems: 'homebrew', 'macos-minutes-per-week': '100' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expect(r.outputs.reason).toContain('macOS 100/100 min (100%)')
  })

  test.each<[string, string, boolean]>([
    ['a timestamp in an earlier week', '2026-02-23T00:00:00Z', true],
    ['a date in an earlier week', '2026-02-23', true],
    ['empty', '', true],
    ['this Monday as a date', '2026-03-02', false]
  ])('week_start %s', async (_name, weekStart, resets) => {
    const budget = { macos_minutes_used: 990, linux_minutes_used: 4000, windows_minutes_used: 12, week_start: weekStart, sampling_active: true }
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ budget })) })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'npm' })

    expectExit(r, 0)
    if (resets) {
      expect(r.outputs['can-proceed']).toBe('true')
      expect(r.outputs.sampling).toBe('false')
      expect(r.summary).toContain('a new week started with this run: usage reset to 0')
      const doc = await originJson(repo)
      expect(doc.budget).toEqual({ macos_minutes_used: 0, linux_minutes_used: 0, windows_minutes_used: 0, week_start: MONDAY, sampling_active: false })
      expect(doc.batch_sequence).toEqual({ date: TODAY, last: 1 })
    } else {
      // 990/1000 macOS minutes in the current week: paused, nothing written.
      expect(r.outputs['can-proceed']).toBe('false')
      expect(r.outputs.reason).toContain('macOS 990/1000 min (99%)')
      expect(await originState(repo)).toEqual(before)
    }
  })

  test('a new week is persisted even when the batch is stopped (no batch ID)', async () => {
    const budget = { macos_minutes_used: 300, linux_minutes_used: 0, week_start: '2026-02-23T00:00:00Z', sampling_active: false }
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ enabled: false, reason: 'frozen', budget })) })
    const r = await preflight(repo.work, { ecosystems: 'npm' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expect(r.outputs['batch-id']).toBe('')
    const [commit] = await repo.originCommits()
    expect(commit!.subject).toBe('chore(batch): start a new budget week [skip ci]')
    expect(commit!.trailers.find(([k]) => k === 'Batch-Id')).toBeUndefined()
    const doc = await originJson(repo)
    expect((doc.budget as Json).macos_minutes_used).toBe(0)
    expect(doc.batch_sequence).toBeUndefined()
  })
})

describe('batch IDs', () => {
  test('001 then 002 on the same day, 001 again the next day', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })

    // Each run in its own fresh checkout, as separate workflow runs are.
    const first = await preflight(await repo.clone(), { ecosystems: 'npm' })
    expectExit(first, 0)
    expect(first.outputs['batch-id']).toBe(`${TODAY}-001`)
    expect((await originJson(repo)).batch_sequence).toEqual({ date: TODAY, last: 1 })

    const second = await preflight(await repo.clone(), { ecosystems: 'npm' }, { BATCH_OPS_NOW: '2026-03-04T23:59:59Z' })
    expectExit(second, 0)
    expect(second.outputs['batch-id']).toBe(`${TODAY}-002`)
    expect((await originJson(repo)).batch_sequence).toEqual({ date: TODAY, last: 2 })

    const nextDay = await preflight(await repo.clone(), { ecosystems: 'npm' }, { BATCH_OPS_NOW: '2026-03-05T00:00:00Z' })
    expectExit(nextDay, 0)
    expect(nextDay.outputs['batch-id']).toBe('2026-03-05-001')
    expect((await originJson(repo)).batch_sequence).toEqual({ date: '2026-03-05', last: 1 })

    const commits = await repo.originCommits()
    expect(commits.map((c) => c.trailers.find(([k]) => k === 'Batch-Id')?.[1])).toEqual(['2026-03-05-001', `${TODAY}-002`, `${TODAY}-001`, undefined])
  })

  test('a stale shallow checkout decides on the state of origin, not on its own', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const stale = await repo.clone({ depth: 1 })

    const other = await preflight(repo.work, { ecosystems: 'npm' })
    expect(other.outputs['batch-id']).toBe(`${TODAY}-001`)

    const r = await preflight(stale, { ecosystems: 'npm' })

    expectExit(r, 0)
    expect(r.outputs['batch-id']).toBe(`${TODAY}-002`)
    expect((await originJson(repo)).batch_sequence).toEqual({ date: TODAY, last: 2 })
    const [mine, theirs] = await repo.originCommits()
    expect(mine!.subject).toBe(`chore(batch): allocate batch ${TODAY}-002 [skip ci]`)
    expect(theirs!.subject).toBe(`chore(batch): allocate batch ${TODAY}-001 [skip ci]`)
    expect((await git(['rev-parse', `${mine!.sha}^`], repo.origin)).stdout.trim()).toBe(theirs!.sha)
    // The stale checkout is brought up to what it pushed.
    expect((await git(['rev-parse', 'HEAD'], stale)).stdout.trim()).toBe(mine!.sha)
    expect((await git(['status', '--porcelain'], stale)).stdout).toBe('')
  })

  test('a push rejected because the branch moved is re-applied to the new state, keeping the other change', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    // Between this run's decision and its push, another writer lands its own change.
    const rivalDoc = controlDoc({
      budget: { macos_minutes_used: 0, linux_minutes_used: 77, week_start: MONDAY, sampling_active: false },
      batch_sequence: { date: TODAY, last: 41 }
    })
    const race = await raceOnPush(repo, { files: { [CONTROL]: render(rivalDoc) } })

    const r = await preflight(repo.work, { ecosystems: 'npm' }, race)

    expectExit(r, 0)
    expect(r.outputs['batch-id']).toBe(`${TODAY}-042`)
    expect(of(r, 'notice').some((a) => a.message.includes('rejected (attempt 1/8)'))).toBe(true)
    expect(r.summary).toContain('after 2 attempts')
    // The same change applied to the rival's file: its minutes stay, the counter goes on from 41.
    expect(await repo.readOrigin(CONTROL)).toBe(render({ ...rivalDoc, batch_sequence: { date: TODAY, last: 42 } }))
    const [mine, theirs, initial] = await repo.originCommits()
    expect(mine!.subject).toBe(`chore(batch): allocate batch ${TODAY}-042 [skip ci]`)
    expect(theirs!.subject).toBe('rival change 1')
    expect(initial!.subject).toBe('initial commit')
    expect((await git(['rev-parse', `${mine!.sha}^`], repo.origin)).stdout.trim()).toBe(theirs!.sha)
  })

  test('still rejected after max-attempts: fails clearly, nothing of its own pushed, the summary shows the change', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const race = await raceOnPush(repo, { times: 3 })

    const r = await preflight(repo.work, { ecosystems: 'npm', 'max-attempts': '3' }, race)

    expectExit(r, 'non-zero')
    expectProceedsWithNothing(r)
    expect(of(r, 'error').map((a) => a.message).join('\n')).toContain('Could not push to origin main after 3 attempts')
    expect(r.summary).toContain('could not be pushed (3 attempts)')
    expect(r.summary).toContain(`The change it meant to make to \`${CONTROL}\``)
    expect(r.summary).toContain('"batch_sequence": {')
    expect(await repo.originLog()).toEqual(['rival change 3', 'rival change 2', 'rival change 1', 'initial commit'])
    expect((await originJson(repo)).batch_sequence).toBeUndefined()
  })

  test('two concurrent runs from separate clones get different IDs', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const [a, b] = await Promise.all([repo.clone(), repo.clone()])

    const runs = await Promise.all([preflight(a!, { ecosystems: 'npm' }), preflight(b!, { ecosystems: 'npm' })])

    for (const r of runs) expectExit(r, 0)
    expect(runs.map((r) => r.outputs['batch-id']).sort()).toEqual([`${TODAY}-001`, `${TODAY}-002`])
    expect((await originJson(repo)).batch_sequence).toEqual({ date: TODAY, last: 2 })
    const log = await repo.originLog()
    expect(log).toHaveLength(3)
    expect(log.slice(0, 2).sort()).toEqual([`chore(batch): allocate batch ${TODAY}-001 [skip ci]`, `chore(batch): allocate batch ${TODAY}-002 [skip ci]`])
  })

  test('the day is full after 999: does not proceed, exit 0, nothing pushed', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ batch_sequence: { date: TODAY, last: 999 } })) })
    const before = await originState(repo)
    const r = await preflight(repo.work, { ecosystems: 'npm' })
    expectExit(r, 0)
    expectProceedsWithNothing(r)
    expect(r.outputs.reason).toContain('all 999 batch IDs for 2026-03-04 are used')
    expect(await originState(repo)).toEqual(before)
  })
})

describe('where the change goes', () => {
  test('a detached, shallow checkout with GITHUB_REF=refs/heads/main pushes to main', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const checkout = await repo.clone({ depth: 1, detach: true })
    expect((await git(['symbolic-ref', '-q', 'HEAD'], checkout, { allowFail: true })).code).not.toBe(0)

    const r = await preflight(checkout, { ecosystems: 'npm' }, { GITHUB_REF: 'refs/heads/main' })

    expectExit(r, 0)
    expect(r.outputs['batch-id']).toBe(`${TODAY}-001`)
    expect((await originJson(repo)).batch_sequence).toEqual({ date: TODAY, last: 1 })
    expect((await repo.originLog())[0]).toBe(`chore(batch): allocate batch ${TODAY}-001 [skip ci]`)
    expect((await git(['for-each-ref', '--format=%(refname)'], repo.origin)).stdout).toBe('refs/heads/main\n')
    expect((await git(['rev-parse', 'HEAD'], checkout)).stdout.trim()).toBe(await repo.originHead())
  })

  test('a detached checkout whose GITHUB_REF is not a branch fails clearly and pushes nothing', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const before = await originState(repo)
    const checkout = await repo.clone({ detach: true })

    const r = await preflight(checkout, { ecosystems: 'npm' }, { GITHUB_REF: 'refs/pull/7/merge' })

    expectExit(r, 'non-zero')
    expectProceedsWithNothing(r)
    expect(of(r, 'error')[0]!.message).toContain('HEAD is detached and GITHUB_REF (refs/pull/7/merge) does not name a branch')
    expect(await originState(repo)).toEqual(before)
  })

  test("persist: 'false' writes the working tree only", async () => {
    const text = render(controlDoc({ batch_sequence: { date: TODAY, last: 4 } }))
    const repo = await repoWith({ [CONTROL]: text })
    const before = await originState(repo)

    const r = await preflight(repo.work, { ecosystems: 'npm', persist: 'false' })

    expectExit(r, 0)
    expect(r.outputs['batch-id']).toBe(`${TODAY}-005`)
    expect(r.summary).toContain('written to the working tree only (persist: false)')
    expect(await readFile(path.join(repo.work, CONTROL), 'utf8')).toBe(render(controlDoc({ batch_sequence: { date: TODAY, last: 5 } })))
    expect((await git(['status', '--porcelain'], repo.work)).stdout).toBe(` M ${CONTROL}\n`)
    expect((await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()).toBe(before.head)
    expect(await originState(repo)).toEqual(before)
  })

  test("persist: 'false' works outside a git repository; persisting there fails clearly", async () => {
    const repo = await repoWith()
    const plain = path.join(repo.root, 'plain')
    await mkdir(plain)
    await writeFile(path.join(plain, CONTROL), render(controlDoc()))

    const worktreeOnly = await preflight(plain, { ecosystems: 'npm', persist: 'false' })
    expectExit(worktreeOnly, 0)
    expect(worktreeOnly.outputs['batch-id']).toBe(`${TODAY}-001`)
    expect((JSON.parse(await readFile(path.join(plain, CONTROL), 'utf8')) as Json).batch_sequence).toEqual({ date: TODAY, last: 1 })

    const persisting = await preflight(plain, { ecosystems: 'npm' })
    expectExit(persisting, 'non-zero')
    expectProceedsWithNothing(persisting)
    expect(of(persisting, 'error')[0]!.message).toContain('is not inside a git repository')
  })
})
