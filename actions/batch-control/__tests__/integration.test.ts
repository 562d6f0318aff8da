// batch-control end to end: the bundled action (dist/index.js) in a child process,
// as the runner starts it, against real git repositories whose origin is a local
// bare repository. Issue 6 item 1; docs/contract.md §1–§3. The actor's permission is
// looked up in a fake GitHub API that says admin (access.test.ts covers the rules).

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { type ControlRoutes, type FakeServer, fakeControlApi } from '../../../test/fakes.js'
import { type ActionRun, type Annotation, type TestRepo, createRepo, expectExit, git, raceOnPush, repoRoot, runAction } from '../../../test/harness.js'

// A Wednesday; its budget week started on Monday 2026-03-02 00:00 UTC.
const NOW = '2026-03-04T10:00:00Z'
const MONDAY = '2026-03-02T00:00:00Z'
const CONTROL = 'batch-control.json'
const ACTOR = 'octo-operator'
const INCIDENT = 'https://status.example.com/incidents/42'
const BOT_NAME = 'github-actions[bot]'

const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'upstream', name)

type Json = Record<string, unknown>

function controlDoc(extra: Json = {}): Json {
  return {
    enabled: true,
    disabled_ecosystems: ['cask'],
    reason: '',
    incident_url: '',
    disabled_by: '',
    disabled_at: '',
    expected_resume: '',
    circuit_breaker: {
      homebrew: { state: 'open', failures: 6, last_failure: '2026-03-04T09:00:00Z', opens_at: '2026-03-04T11:00:00Z', window: 'SFFFFF', trips: 1 },
      npm: { state: 'closed', failures: 0 },
      pypi: { state: 'closed', failures: 1, window: 'SSF' },
      cask: { state: 'closed', failures: 0 }
    },
    budget: { macos_minutes_used: 700, linux_minutes_used: 4100, week_start: MONDAY, sampling_active: true },
    batch_sequence: { date: '2026-03-04', last: 2 },
    ...extra
  }
}

const stoppedDoc = (): Json =>
  controlDoc({
    enabled: false,
    reason: 'npm mirror down',
    incident_url: INCIDENT,
    disabled_by: 'bob',
    disabled_at: '2026-03-04T08:00:00Z',
    expected_resume: '2026-03-05T08:00:00Z'
  })

const render = (doc: Json): string => JSON.stringify(doc, null, 2) + '\n'

const repos: TestRepo[] = []
async function repoWith(files: Record<string, string>): Promise<TestRepo> {
  const repo = await createRepo({ files })
  repos.push(repo)
  return repo
}
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

// Everyone is an admin of acme/recipes.
let api: FakeServer & ControlRoutes
beforeAll(async () => {
  api = await fakeControlApi({ roles: { '*': 'admin' } })
})
afterAll(async () => {
  await api.close()
})

/** A workflow run of acme/recipes (its token, its API), started by ACTOR unless `env` says otherwise. */
function batchControl(cwd: string, inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<ActionRun> {
  return runAction('batch-control', {
    cwd,
    inputs: { 'github-token': 'test-token', ...inputs },
    env: { BATCH_OPS_NOW: NOW, GITHUB_ACTOR: ACTOR, GITHUB_REPOSITORY: 'acme/recipes', GITHUB_API_URL: api.url, ...env },
    timeoutMs: 60_000
  })
}

function preflight(cwd: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('preflight-check', { cwd, inputs, env: { BATCH_OPS_NOW: NOW } })
}

const of = (r: ActionRun, level: Annotation['level']): Annotation[] => r.annotations.filter((a) => a.level === level)

async function originJson(repo: TestRepo): Promise<Json> {
  const text = await repo.readOrigin(CONTROL)
  if (text === null) throw new Error(`${CONTROL} is not on origin`)
  return JSON.parse(text) as Json
}

async function originState(repo: TestRepo): Promise<{ head: string; log: string[]; control: string | null }> {
  return { head: await repo.originHead(), log: await repo.originLog(), control: await repo.readOrigin(CONTROL) }
}

async function touched(repo: TestRepo, sha: string): Promise<string> {
  return (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', sha], repo.origin)).stdout
}

// ---------------------------------------------------------------------------

describe('each command changes origin’s control file, in one audited commit', () => {
  interface Case {
    name: string
    start: () => Json
    inputs: Record<string, string>
    expected: (start: Json) => Json
    incident?: string
    summary: RegExp
  }
  const cases: Case[] = [
    {
      name: 'stop (with incident and expected resume)',
      start: controlDoc,
      inputs: { command: 'stop', reason: 'npm registry returns 500s', 'incident-url': INCIDENT, 'expected-resume': '2026-03-05T09:00:00Z' },
      expected: (s) => ({
        ...s,
        enabled: false,
        reason: 'npm registry returns 500s',
        incident_url: INCIDENT,
        disabled_by: ACTOR,
        disabled_at: NOW,
        expected_resume: '2026-03-05T09:00:00Z'
      }),
      incident: INCIDENT,
      summary: /stopped every batch until about 2026-03-05T09:00:00Z/
    },
    {
      name: 'stop (reason only)',
      start: controlDoc,
      inputs: { command: 'stop', reason: 'freeze for the release' },
      expected: (s) => ({ ...s, enabled: false, reason: 'freeze for the release', disabled_by: ACTOR, disabled_at: NOW }),
      summary: /stopped every batch/
    },
    {
      name: 'resume',
      start: stoppedDoc,
      inputs: { command: 'resume', reason: 'mirror is back' },
      expected: () => controlDoc(),
      summary: /resumed batch processing/
    },
    {
      name: 'pause-ecosystem (two, comma- and newline-separated)',
      start: controlDoc,
      inputs: { command: 'pause-ecosystem', reason: 'flaky registry', ecosystems: 'npm,\npypi' },
      expected: (s) => ({ ...s, disabled_ecosystems: ['cask', 'npm', 'pypi'] }),
      summary: /paused npm, pypi/
    },
    {
      name: 'resume-ecosystem',
      start: controlDoc,
      inputs: { command: 'resume-ecosystem', reason: 'cask fixed', ecosystems: 'cask', 'incident-url': INCIDENT },
      expected: (s) => ({ ...s, disabled_ecosystems: [] }),
      incident: INCIDENT,
      summary: /resumed cask/
    },
    {
      name: 'reset-breaker (open → half-open, due now, no probe)',
      start: controlDoc,
      inputs: { command: 'reset-breaker', reason: 'homebrew CDN fixed', ecosystems: 'homebrew' },
      expected: (s) => ({
        ...s,
        circuit_breaker: {
          ...(s.circuit_breaker as Json),
          homebrew: { state: 'half-open', failures: 6, last_failure: '2026-03-04T09:00:00Z', opens_at: NOW, window: 'SFFFFF', trips: 1 }
        }
      }),
      summary: /reset homebrew to half-open/
    },
    {
      name: 'reset-budget',
      start: controlDoc,
      inputs: { command: 'reset-budget', reason: 'billing raised the limit' },
      expected: (s) => ({ ...s, budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false } }),
      summary: /reset this week's budget use to 0/
    }
  ]

  test.each(cases)('$name', async ({ start, inputs, expected, incident, summary }) => {
    const startDoc = start()
    const beforeText = render(startDoc)
    const repo = await repoWith({ [CONTROL]: beforeText })
    const before = await repo.originLog()

    const r = await batchControl(repo.work, inputs)

    expectExit(r, 0)
    expect(of(r, 'error')).toEqual([])
    expect(of(r, 'warning')).toEqual([])
    const want = expected(startDoc)
    const afterText = render(want)
    // Exactly the expected file, byte for byte (2-space JSON, key order kept, final newline).
    expect(await repo.readOrigin(CONTROL)).toBe(afterText)
    expect(afterText).not.toBe(beforeText)

    // One commit, on top of what was there, touching only the control file.
    const [commit, ...rest] = await repo.originCommits()
    expect(rest.map((c) => c.subject)).toEqual(before)
    expect(commit!.subject).toMatch(new RegExp(`^chore\\(batch\\): ${inputs.command}: .* \\[skip ci\\]$`))
    expect(commit!.trailers).toEqual([
      ['Batch-Ops-Action', 'batch-control'],
      ['Operator', ACTOR],
      ['Reason', inputs.reason!],
      ...(incident ? [['Incident', incident]] : [])
    ])
    expect(commit!.authorName).toBe(BOT_NAME)
    expect(await touched(repo, commit!.sha)).toBe(`${CONTROL}\n`)

    expect(r.outputs.changed).toBe('true')
    expect(r.outputs.commit).toBe(commit!.sha)
    expect(r.outputs.summary).toMatch(summary)
    expect(of(r, 'notice').some((a) => a.message.includes(`${ACTOR}: ${inputs.command}`) && a.message.includes(inputs.reason!))).toBe(true)

    // The summary: who, why, a diff, and both versions in full.
    expect(r.summary).toContain(`## 🎛️ batch-control: \`${inputs.command}\``)
    expect(r.summary).toContain(`| operator | ${ACTOR} |`)
    expect(r.summary).toContain(`| reason | ${inputs.reason} |`)
    expect(r.summary).toContain(`| access | ${ACTOR} has \`admin\`; this command needs ${['stop', 'resume'].includes(inputs.command!) ? 'admin' : 'write'} |`)
    const diff = /```diff\n([\s\S]*?)```/.exec(r.summary)
    if (!diff) throw new Error(`no diff block in the summary:\n${r.summary}`)
    const beforeLines = new Set(beforeText.split('\n'))
    const afterLines = new Set(afterText.split('\n'))
    const removed = diff[1]!.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2))
    const added = diff[1]!.split('\n').filter((l) => l.startsWith('+ ')).map((l) => l.slice(2))
    expect(removed.length + added.length).toBeGreaterThan(0)
    for (const l of removed) expect(beforeLines.has(l)).toBe(true)
    for (const l of added) expect(afterLines.has(l)).toBe(true)
    expect(r.summary).toContain(`<details><summary>${CONTROL} before</summary>\n\n\`\`\`json\n${beforeText}\`\`\``)
    expect(r.summary).toContain(`<details><summary>${CONTROL} after</summary>\n\n\`\`\`json\n${afterText}\`\`\``)

    // The checkout follows the pushed commit.
    expect((await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()).toBe(commit!.sha)
    expect(await readFile(path.join(repo.work, CONTROL), 'utf8')).toBe(afterText)
  })

  test('the diff marks the changed lines of a stop', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const r = await batchControl(repo.work, { command: 'stop', reason: 'outage' })
    expectExit(r, 0)
    const diff = /```diff\n([\s\S]*?)```/.exec(r.summary)![1]!
    expect(diff).toContain('-   "enabled": true,')
    expect(diff).toContain('+   "enabled": false,')
    expect(diff).toContain('-   "reason": "",')
    expect(diff).toContain('+   "reason": "outage",')
    expect(diff).toContain(`+   "disabled_by": "${ACTOR}",`)
    expect(diff).toContain(`+   "disabled_at": "${NOW}",`)
    // Context only around what changed: the breakers are far from it.
    expect(diff).not.toContain('"homebrew"')
  })

  test("the operator input wins over GITHUB_ACTOR, and a run URL becomes a Run-Url trailer", async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const r = await batchControl(
      repo.work,
      { command: 'pause-ecosystem', reason: 'flaky', ecosystems: 'npm', operator: 'carol (on call)' },
      { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/recipes', GITHUB_RUN_ID: '99' }
    )
    expectExit(r, 0)
    const [commit] = await repo.originCommits()
    expect(commit!.trailers).toEqual([
      ['Batch-Ops-Action', 'batch-control'],
      ['Operator', 'carol (on call)'],
      ['Reason', 'flaky'],
      ['Run-Url', 'https://github.com/acme/recipes/actions/runs/99']
    ])
  })

  test('a multi-line reason is one Reason trailer line, and is kept whole in the file', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const r = await batchControl(repo.work, { command: 'stop', reason: 'registry down\nsee the incident channel' })
    expectExit(r, 0)
    const [commit] = await repo.originCommits()
    expect(commit!.trailers).toEqual([
      ['Batch-Ops-Action', 'batch-control'],
      ['Operator', ACTOR],
      ['Reason', 'registry down see the incident channel']
    ])
    expect((await originJson(repo)).reason).toBe('registry down\nsee the incident channel')
  })

  test('a command that changes nothing pushes nothing and says so', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const before = await originState(repo)
    const r = await batchControl(repo.work, { command: 'pause-ecosystem', reason: 'again', ecosystems: 'cask' })
    expectExit(r, 0)
    expect(r.outputs.changed).toBe('false')
    expect(r.outputs.commit).toBe('')
    expect(r.outputs.summary).toContain('already paused')
    expect(r.summary).toContain('nothing changed')
    expect(await originState(repo)).toEqual(before)
  })

  test('resume of a running pipeline clears leftover stop fields (and writes them)', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ reason: 'old', disabled_by: 'bob' })) })
    const r = await batchControl(repo.work, { command: 'resume', reason: 'tidy up' })
    expectExit(r, 0)
    expect(r.outputs.summary).toContain('cleared the stop fields')
    expect(r.outputs.changed).toBe('true')
    expect(await repo.readOrigin(CONTROL)).toBe(render(controlDoc()))
  })
})

describe('invalid requests: a clear error, non-zero, nothing pushed', () => {
  const cases: Array<{ name: string; inputs: Record<string, string>; env?: Record<string, string | undefined>; says: RegExp[] }> = [
    { name: 'an unknown ecosystem spelling (homebrw)', inputs: { command: 'pause-ecosystem', reason: 'x', ecosystems: 'npm,homebrw' }, says: [/pause-ecosystem refused/, /did you mean "homebrew"/] },
    { name: 'an ecosystem in the wrong case (Homebrew)', inputs: { command: 'reset-breaker', reason: 'x', ecosystems: 'Homebrew' }, says: [/"Homebrew" is not a valid ecosystem name/, /did you mean "homebrew"/] },
    { name: 'an ecosystem the file does not know', inputs: { command: 'pause-ecosystem', reason: 'x', ecosystems: 'gitlab' }, says: [/unknown ecosystem "gitlab"/] },
    { name: 'reset-breaker of a closed breaker', inputs: { command: 'reset-breaker', reason: 'x', ecosystems: 'npm' }, says: [/reset-breaker refused/, /only an open breaker can be reset/, /npm is closed/] },
    { name: 'resume-ecosystem of one not paused', inputs: { command: 'resume-ecosystem', reason: 'x', ecosystems: 'npm' }, says: [/npm is not paused/] },
    { name: 'pause-ecosystem with no ecosystems', inputs: { command: 'pause-ecosystem', reason: 'x' }, says: [/needs at least one ecosystem/] },
    { name: 'expected-resume in the past', inputs: { command: 'stop', reason: 'x', 'expected-resume': '2026-03-04T09:00:00Z' }, says: [/stop refused/, /in the past/, /now is 2026-03-04T10:00:00Z/] },
    { name: 'expected-resume not a timestamp', inputs: { command: 'stop', reason: 'x', 'expected-resume': 'after lunch' }, says: [/not an RFC 3339 timestamp/] },
    { name: 'a missing reason', inputs: { command: 'stop' }, says: [/input 'reason' is required/] },
    { name: 'a blank reason', inputs: { command: 'reset-budget', reason: '   ' }, says: [/input 'reason' is required/] },
    { name: 'an unknown command', inputs: { command: 'close-breaker', reason: 'x', ecosystems: 'homebrew' }, says: [/input 'command' must be one of stop, resume, pause-ecosystem, resume-ecosystem, reset-breaker, reset-budget, acknowledge/, /"close-breaker"/] },
    { name: 'a typo in admin-commands', inputs: { command: 'stop', reason: 'x', 'admin-commands': 'stop,reusme' }, says: [/input 'admin-commands': "reusme" is not a command/, /or none/] },
    { name: 'a cancel-workflows entry that is not a workflow file', inputs: { command: 'stop', reason: 'x', 'cancel-workflows': 'batch' }, says: [/input 'cancel-workflows': "batch" is not a workflow file name/, /e\.g\. batch\.yml/] },
    { name: 'a missing command', inputs: { reason: 'x' }, says: [/input 'command' is required/] },
    { name: 'no operator (GITHUB_ACTOR unset)', inputs: { command: 'stop', reason: 'x' }, env: { GITHUB_ACTOR: undefined }, says: [/no operator/] }
  ]

  test.each(cases)('$name', async ({ inputs, env, says }) => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const before = await originState(repo)
    const localHead = (await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()

    const r = await batchControl(repo.work, inputs, env)

    expectExit(r, 'non-zero')
    const errors = of(r, 'error')
    expect(errors).toHaveLength(1)
    for (const re of says) expect(errors[0]!.message).toMatch(re)
    expect(r.outputs.changed).toBe('false')
    expect(r.outputs.commit ?? '').toBe('')
    expect(r.summary).toContain('## Batch control: failed')
    expect(r.summary).toContain('invalid input')
    // Nothing pushed, nothing committed locally, the working tree untouched.
    expect(await originState(repo)).toEqual(before)
    expect((await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()).toBe(localHead)
    expect((await git(['status', '--porcelain'], repo.work)).stdout).toBe('')
  })

  test('a refused command names "nothing was written"', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const r = await batchControl(repo.work, { command: 'reset-breaker', reason: 'x', ecosystems: 'pypi' })
    expectExit(r, 'non-zero')
    expect(of(r, 'error')[0]!.message).toContain('nothing was written')
  })

  test('an invalid control file fails closed, annotated at its line, nothing pushed', async () => {
    const text = render(controlDoc()).replace('"enabled": true', '"enabled": "yes"')
    const repo = await repoWith({ [CONTROL]: text })
    const before = await originState(repo)
    const r = await batchControl(repo.work, { command: 'stop', reason: 'x' })
    expectExit(r, 'non-zero')
    const located = of(r, 'error').filter((a) => a.props.file === CONTROL)
    expect(located).toHaveLength(1)
    expect(located[0]!.props.line).toBe('2')
    expect(located[0]!.message).toContain('$.enabled')
    expect(await originState(repo)).toEqual(before)
  })
})

describe('outside a workflow run (no GITHUB_REPOSITORY): the permission lookup fails', () => {
  test('stop goes ahead with a warning that says why; resume is refused and writes nothing', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const outside = { GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined }
    const asked = api.permissionRequests().length

    const stop = await batchControl(repo.work, { command: 'stop', reason: 'local drill' }, outside)
    expectExit(stop, 0)
    const warning = of(stop, 'warning').find((a) => a.message.includes('could not be checked'))
    expect(warning?.message).toContain(`The permission of ${ACTOR} could not be checked (this is not a GitHub Actions workflow run (GITHUB_REPOSITORY is not set))`)
    expect(warning?.message).toContain('stop goes ahead anyway')
    expect((await originJson(repo)).enabled).toBe(false)
    expect(stop.summary).toContain('| access | **not checked**: this is not a GitHub Actions workflow run')

    const before = await originState(repo)
    const resume = await batchControl(repo.work, { command: 'resume', reason: 'drill over' }, outside)
    expectExit(resume, 'non-zero')
    const error = of(resume, 'error')[0]!.message
    expect(error).toContain(`resume refused: the permission of ${ACTOR} could not be checked (this is not a GitHub Actions workflow run`)
    expect(error).toContain('Only stop goes ahead without that check. Nothing was written.')
    expect(await originState(repo)).toEqual(before)
    // Nothing was asked of an API.
    expect(api.permissionRequests().length).toBe(asked)
  })
})

describe('the legacy control file (test/fixtures/upstream/batch-control.head.json)', () => {
  test('stop keeps every other byte', async () => {
    const text = await readFile(fixture('batch-control.head.json'), 'utf8')
    const repo = await repoWith({ [CONTROL]: text })

    const r = await batchControl(repo.work, { command: 'stop', reason: 'all registries failing', 'incident-url': INCIDENT, 'expected-resume': '2026-03-04T18:00:00Z' })

    expectExit(r, 0)
    const expected = text
      .replace('"enabled": true,', '"enabled": false,')
      .replace('"reason": "",', '"reason": "all registries failing",')
      .replace('"incident_url": "",', `"incident_url": "${INCIDENT}",`)
      .replace('"disabled_by": "",', `"disabled_by": "${ACTOR}",`)
      .replace('"disabled_at": "",', `"disabled_at": "${NOW}",`)
      .replace('"expected_resume": "",', '"expected_resume": "2026-03-04T18:00:00Z",')
    expect(expected).not.toBe(text)
    expect(await repo.readOrigin(CONTROL)).toBe(expected)
  })

  test('reset-breaker keeps every other byte, including the other open breakers', async () => {
    const text = await readFile(fixture('batch-control.head.json'), 'utf8')
    const repo = await repoWith({ [CONTROL]: text })

    const r = await batchControl(repo.work, { command: 'reset-breaker', reason: 'npm recovered', ecosystems: 'npm' })

    expectExit(r, 0)
    const start = text.indexOf('"npm": {')
    const end = text.indexOf('}', start)
    const block = text.slice(start, end)
    const expected =
      text.slice(0, start) +
      block.replace('"state": "open"', '"state": "half-open"').replace('"opens_at": "2026-06-26T21:51:01Z"', `"opens_at": "${NOW}"`) +
      text.slice(end)
    expect(expected).not.toBe(text)
    expect(await repo.readOrigin(CONTROL)).toBe(expected)
  })
})

describe('the lifecycle with preflight-check', () => {
  test('stop → preflight does not proceed, with the reason; resume → it proceeds again', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc({ budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false } })) })

    let p = await preflight(repo.work, { ecosystems: 'npm,pypi' })
    expectExit(p, 0)
    expect(p.outputs['can-proceed']).toBe('true')
    expect(p.outputs['batch-id']).toBe('2026-03-04-003')

    const stop = await batchControl(repo.work, { command: 'stop', reason: 'registry outage', 'incident-url': INCIDENT })
    expectExit(stop, 0)

    // From another clone, as the next workflow run would be.
    const other = await repo.clone()
    p = await preflight(other, { ecosystems: 'npm,pypi' })
    expectExit(p, 0)
    expect(p.outputs['can-proceed']).toBe('false')
    expect(p.outputs.reason).toBe('registry outage')
    expect(p.outputs['batch-id']).toBe('')
    expect(p.outputs.ecosystems).toBe('[]')
    const warning = of(p, 'warning').find((a) => a.message.includes('enabled: false'))
    expect(warning?.message).toContain(ACTOR)
    expect(warning?.message).toContain(INCIDENT)

    const resume = await batchControl(other, { command: 'resume', reason: 'registry back' })
    expectExit(resume, 0)

    p = await preflight(repo.work, { ecosystems: 'npm,pypi' })
    expectExit(p, 0)
    expect(p.outputs['can-proceed']).toBe('true')
    expect(p.outputs.reason).toBe('')
    expect(p.outputs.ecosystems).toBe('["npm","pypi"]')
    expect(p.outputs['batch-id']).toBe('2026-03-04-004')
    expect(of(p, 'warning')).toEqual([])
  })

  test('pause-ecosystem → preflight skips it; reset-breaker → preflight runs the breaker again', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    let p = await preflight(repo.work, { ecosystems: 'homebrew,npm', 'allocate-batch-id': 'false' })
    expect(JSON.parse(p.outputs['skipped-ecosystems']!)).toHaveProperty('homebrew')

    expectExit(await batchControl(repo.work, { command: 'pause-ecosystem', reason: 'x', ecosystems: 'npm' }), 0)
    expectExit(await batchControl(repo.work, { command: 'reset-breaker', reason: 'y', ecosystems: 'homebrew' }), 0)

    p = await preflight(repo.work, { ecosystems: 'homebrew,npm', 'allocate-batch-id': 'false' })
    expectExit(p, 0)
    expect(p.outputs.ecosystems).toBe('["homebrew"]')
    expect(JSON.parse(p.outputs['skipped-ecosystems']!)).toEqual({ npm: 'paused by an operator (disabled_ecosystems)' })
  })
})

describe('concurrent operators', () => {
  test('two runs from two clones (pause npm, pause pypi) both land', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    const a = await repo.clone()
    const b = await repo.clone()

    const [ra, rb] = await Promise.all([
      batchControl(a, { command: 'pause-ecosystem', reason: 'npm flaky', ecosystems: 'npm' }, { GITHUB_ACTOR: 'alice' }),
      batchControl(b, { command: 'pause-ecosystem', reason: 'pypi flaky', ecosystems: 'pypi' }, { GITHUB_ACTOR: 'bob' })
    ])

    expectExit(ra, 0)
    expectExit(rb, 0)
    const doc = await originJson(repo)
    expect([...(doc.disabled_ecosystems as string[])].sort()).toEqual(['cask', 'npm', 'pypi'])
    // Nothing else of the file changed.
    expect({ ...doc, disabled_ecosystems: [] }).toEqual({ ...controlDoc(), disabled_ecosystems: [] })
    const commits = (await repo.originCommits()).filter((c) => c.trailers.some(([k, v]) => k === 'Batch-Ops-Action' && v === 'batch-control'))
    expect(commits.map((c) => c.trailers.find(([k]) => k === 'Operator')![1]).sort()).toEqual(['alice', 'bob'])
  })

  test('a push rejected because the branch moved is re-applied to the new state (never overwrites the other change)', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    // The rival pauses pypi and pushes first.
    const env = await raceOnPush(repo, { files: { [CONTROL]: render(controlDoc({ disabled_ecosystems: ['cask', 'pypi'] })) } })

    const r = await batchControl(repo.work, { command: 'pause-ecosystem', reason: 'npm flaky', ecosystems: 'npm' }, env)

    expectExit(r, 0)
    expect(r.annotations.some((a) => /rejected/.test(a.message))).toBe(true)
    expect((await originJson(repo)).disabled_ecosystems).toEqual(['cask', 'pypi', 'npm'])
    const [commit, rival] = await repo.originCommits()
    expect(commit!.trailers[0]).toEqual(['Batch-Ops-Action', 'batch-control'])
    expect(rival!.subject).toBe('rival change 1')
  })

  test('a command that became invalid on the new state is refused on it, and nothing is pushed', async () => {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    // While the operator submits reset-breaker, a probe run moves homebrew to half-open.
    const probed = controlDoc()
    ;(probed.circuit_breaker as Record<string, Json>).homebrew = { state: 'half-open', failures: 6, opens_at: NOW, probe: { claimed_at: NOW, run_id: 'r1' } }
    const env = await raceOnPush(repo, { files: { [CONTROL]: render(probed) } })

    const r = await batchControl(repo.work, { command: 'reset-breaker', reason: 'z', ecosystems: 'homebrew' }, env)

    expectExit(r, 'non-zero')
    expect(of(r, 'error')[0]!.message).toMatch(/homebrew is half-open/)
    expect(await repo.readOrigin(CONTROL)).toBe(render(probed))
    expect((await repo.originCommits())[0]!.subject).toBe('rival change 1')
  })
})

describe('the default branch (issue 12 item 2)', () => {
  async function onFeatureBranch(): Promise<TestRepo> {
    const repo = await repoWith({ [CONTROL]: render(controlDoc()) })
    await git(['checkout', '--quiet', '-b', 'feature'], repo.work)
    await git(['push', '--quiet', 'origin', 'feature'], repo.work)
    return repo
  }

  test('a checkout of another branch is refused, naming both branches and what to do; nothing is written anywhere', async () => {
    const repo = await onFeatureBranch()
    const before = await originState(repo)
    const feature = (await git(['rev-parse', 'refs/heads/feature'], repo.origin)).stdout
    const r = await batchControl(repo.work, { command: 'stop', reason: 'stop from a feature branch' })
    expectExit(r, 1)
    const [error] = of(r, 'error')
    expect(error!.message).toContain(`this checkout is on branch 'feature', not the default branch 'main'`)
    expect(error!.message).toContain('ref: ${{ github.event.repository.default_branch }}')
    expect(error!.message).toContain(`allow-non-default-branch: 'true'`)
    expect(await originState(repo)).toEqual(before)
    expect((await git(['rev-parse', 'refs/heads/feature'], repo.origin)).stdout).toBe(feature)
  })

  test('origin decides, not the event payload: a payload naming the feature branch as default does not let the stop through', async () => {
    const repo = await onFeatureBranch()
    const before = await originState(repo)
    const { writeFile } = await import('node:fs/promises')
    const event = path.join(repo.work, '..', 'event.json')
    await writeFile(event, JSON.stringify({ repository: { default_branch: 'feature', full_name: 'acme/recipes' } }))
    const r = await batchControl(repo.work, { command: 'stop', reason: 'the payload says feature' }, { GITHUB_EVENT_PATH: event })
    expectExit(r, 1)
    expect(of(r, 'error')[0]!.message).toContain(`not the default branch 'main'`)
    expect(await originState(repo)).toEqual(before)
  })

  test('allow-non-default-branch: the change goes to that branch, and the summary says which', async () => {
    const repo = await onFeatureBranch()
    const main = await repo.originHead()
    const r = await batchControl(repo.work, { command: 'stop', reason: 'steer the feature branch batches', 'allow-non-default-branch': 'true' })
    expectExit(r, 0)
    expect(r.summary).toContain('pushed to `origin/feature` as')
    expect(await repo.originHead()).toBe(main)
    const onFeature = (await git(['show', `refs/heads/feature:${CONTROL}`], repo.origin)).stdout
    expect(JSON.parse(onFeature).enabled).toBe(false)
  })
})
