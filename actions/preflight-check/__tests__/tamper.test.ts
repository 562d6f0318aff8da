// Tamper detection in preflight-check, end to end (issue 6 item 3): hand edits of
// the control file (commits without a Batch-Ops-Action trailer since batch-ops last
// wrote it) that move a breaker in a way docs/contract.md §5 forbids. The bundled actions in
// a child process, against real git repositories with a local bare origin.

import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ControlRoutes, type FakeServer, fakeControlApi } from '../../../test/fakes.js'
import { type ActionRun, type Annotation, type TestRepo, createRepo, expectExit, git, runAction } from '../../../test/harness.js'

// A Wednesday; its budget week started on Monday 2026-03-02 00:00 UTC.
const NOW = '2026-03-04T10:00:00Z'
const MONDAY = '2026-03-02T00:00:00Z'
const LAST_MONDAY = '2026-02-23T00:00:00Z'
const CONTROL = 'batch-control.json'
const MALLORY = 'Mallory <m@x>'

type Json = Record<string, unknown>
type Entry = Record<string, unknown>

function controlDoc(breakers: Record<string, Entry>, extra: Json = {}): Json {
  return {
    enabled: true,
    disabled_ecosystems: [],
    reason: '',
    incident_url: '',
    disabled_by: '',
    disabled_at: '',
    expected_resume: '',
    circuit_breaker: breakers,
    budget: { macos_minutes_used: 100, linux_minutes_used: 200, week_start: MONDAY, sampling_active: false },
    ...extra
  }
}

const render = (doc: Json): string => JSON.stringify(doc, null, 2) + '\n'

const CLOSED: Entry = { state: 'closed', failures: 0 }
const OPEN: Entry = { state: 'open', failures: 5, last_failure: '2026-03-04T09:00:00Z', opens_at: '2026-03-04T11:00:00Z', window: 'SFFFFF' }
/** As batch-ops left it: npm tripped, homebrew fine. */
const tripped = (extra: Json = {}): Json => controlDoc({ homebrew: CLOSED, npm: OPEN }, extra)
/** Mallory's "fix": npm closed by hand. */
const unstuck = (extra: Json = {}): Json => controlDoc({ homebrew: CLOSED, npm: { ...OPEN, state: 'closed', failures: 0 } }, extra)

const repos: TestRepo[] = []
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

/** The identity batch-ops commits as by default (author-name / author-email). */
const BOT = ['-c', 'user.name=github-actions[bot]', '-c', 'user.email=41898282+github-actions[bot]@users.noreply.github.com']
const BY_BATCH_CONTROL = 'chore(batch): reset-budget [skip ci]\n\nOperator: oncall\nReason: new week\nBatch-Ops-Action: batch-control\n'
const BY_BREAKER = 'chore(batch): record homebrew: success [skip ci]\n\nEcosystem: homebrew\nBatch-Ops-Action: circuit-breaker\n'

/** A commit as batch-ops makes it (its author, the message given), in a fresh clone, pushed. */
async function commitAsBatchOps(repo: TestRepo, files: Record<string, string>, message: string, identity: string[] = BOT): Promise<string> {
  const dir = await repo.clone()
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true })
    await writeFile(path.join(dir, file), content)
  }
  await git(['add', '--all'], dir)
  await git([...identity, 'commit', '--quiet', '-m', message], dir)
  await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${repo.branch}`], dir)
  return (await git(['rev-parse', 'HEAD'], dir)).stdout.trim()
}

/** A repository whose control file was last written by a batch-control command (which acknowledges everything before it). */
async function repoByBatchOps(doc: Json): Promise<TestRepo> {
  const repo = await createRepo({ files: { 'README.md': '# recipes\n' } })
  repos.push(repo)
  await commitAsBatchOps(repo, { [CONTROL]: render(doc) }, BY_BATCH_CONTROL)
  return repo
}

/** A plain commit by someone, without the trailer, made in a fresh clone and pushed to origin. */
async function handEdit(repo: TestRepo, files: Record<string, string>, subject = 'fix: unstick npm', author = MALLORY): Promise<string> {
  const dir = await repo.clone()
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true })
    await writeFile(path.join(dir, file), content)
  }
  await git(['add', '--all'], dir)
  await git(['commit', '--quiet', `--author=${author}`, '-m', subject], dir)
  await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${repo.branch}`], dir)
  return (await git(['rev-parse', 'HEAD'], dir)).stdout.trim()
}

function preflight(cwd: string, inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}): Promise<ActionRun> {
  // A scheduled run on GitHub Actions, as the runner starts it.
  return runAction('preflight-check', { cwd, inputs: { ecosystems: 'homebrew,npm', ...inputs }, env: { BATCH_OPS_NOW: NOW, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'schedule', ...env } })
}

// batch-control looks up the actor's permission: the on-call operator has write access (enough for
// every command but stop and resume).
let api: FakeServer & ControlRoutes
beforeAll(async () => {
  api = await fakeControlApi({ roles: { oncall: 'write' } })
})
afterAll(async () => {
  await api.close()
})

function batchControl(cwd: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('batch-control', {
    cwd,
    inputs: { 'github-token': 'test-token', ...inputs },
    env: { BATCH_OPS_NOW: NOW, GITHUB_ACTOR: 'oncall', GITHUB_REPOSITORY: 'acme/recipes', GITHUB_API_URL: api.url }
  })
}

const of = (r: ActionRun, level: Annotation['level']): Annotation[] => r.annotations.filter((a) => a.level === level)
const tamperWarnings = (r: ActionRun): Annotation[] => of(r, 'warning').filter((a) => a.message.includes('Hand edit'))

async function originState(repo: TestRepo): Promise<{ head: string; control: string | null }> {
  return { head: await repo.originHead(), control: await repo.readOrigin(CONTROL) }
}

/** The warning, the summary row and the reason all name the commit, its author and the breaker's move. */
function expectNamed(text: string, sha: string, eco = 'npm', move = 'open → closed', author = MALLORY): void {
  expect(text).toContain(`breaker ${eco} moved ${move} in commit ${sha.slice(0, 7)} by ${author}`)
}

function expectSummaryRow(r: ActionRun, sha: string, subject: string, eco = 'npm', move = 'open → closed', author = 'Mallory &lt;m@&#8288;x&gt;'): void {
  expect(r.summary).toContain(`| \`${sha.slice(0, 7)}\` | ${author} | \`${eco}\` | ${move} | ${subject} |`)
}

describe('a hand edit that closes an open breaker', () => {
  test("on-tamper: warn (the default): a warning naming the commit, author and ecosystem, a summary row; the batch proceeds", async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })

    const r = await preflight(repo.work)

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(r.outputs.ecosystems).toBe('["homebrew","npm"]')
    expect(r.outputs['batch-id']).toBe('2026-03-04-001')
    expect(r.outputs.reason).toBe('')
    const warnings = tamperWarnings(r)
    expect(warnings).toHaveLength(1)
    expectNamed(warnings[0]!.message, sha)
    expect(warnings[0]!.message).toContain('"fix: unstick npm"')
    expect(warnings[0]!.message).toContain('batch-control')
    expect(r.summary).toContain('### ⚠️ Hand edits of the control file (on-tamper: warn)')
    expect(r.summary).toContain('| commit | author | breaker | moved | subject |')
    expectSummaryRow(r, sha, 'fix: unstick npm')
    expect(of(r, 'error')).toEqual([])
  })

  test("on-tamper: 'warn' given explicitly behaves the same", async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const r = await preflight(repo.work, { 'on-tamper': 'warn', 'allocate-batch-id': 'false' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expectNamed(tamperWarnings(r)[0]!.message, sha)
  })

  test('on-tamper: block: the batch does not proceed, the reason names the edit, no batch ID, nothing pushed', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const before = await originState(repo)

    const r = await preflight(repo.work, { 'on-tamper': 'block' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expect(r.outputs['batch-id']).toBe('')
    expect(r.outputs.ecosystems).toBe('[]')
    expectNamed(r.outputs.reason!, sha)
    expect(r.outputs.reason).toContain("on-tamper is 'block'")
    const skipped = JSON.parse(r.outputs['skipped-ecosystems']!) as Record<string, string>
    expect(Object.keys(skipped).sort()).toEqual(['homebrew', 'npm'])
    expect(tamperWarnings(r)).toHaveLength(1)
    expect(r.summary).toContain('### ⚠️ Hand edits of the control file (on-tamper: block)')
    expectSummaryRow(r, sha, 'fix: unstick npm')
    expect(await originState(repo)).toEqual(before)

    // It keeps blocking: the check itself acknowledges nothing.
    const again = await preflight(repo.work, { 'on-tamper': 'block' })
    expect(again.outputs['can-proceed']).toBe('false')
    expectNamed(again.outputs.reason!, sha)
  })

  test('on-tamper: block keeps blocking across a new budget week (a preflight that writes the file does not acknowledge the edit)', async () => {
    const lastWeek = { budget: { macos_minutes_used: 100, linux_minutes_used: 200, week_start: LAST_MONDAY, sampling_active: false } }
    const repo = await repoByBatchOps(tripped(lastWeek))
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck(lastWeek)) })

    const first = await preflight(repo.work, { 'on-tamper': 'block' })
    expectExit(first, 0)
    expect(first.outputs['can-proceed']).toBe('false')
    expectNamed(first.outputs.reason!, sha)

    const second = await preflight(repo.work, { 'on-tamper': 'block' })
    expectExit(second, 0)
    expect(second.outputs['can-proceed']).toBe('false')
    expectNamed(second.outputs.reason!, sha)
    expect(second.outputs['batch-id']).toBe('')
  })

  test('deleting an open entry (open → absent) is flagged too', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(controlDoc({ homebrew: CLOSED })) }, 'chore: drop npm breaker')
    const r = await preflight(repo.work, { 'on-tamper': 'block', ecosystems: 'homebrew' })
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha, 'npm', 'open → absent')
  })

  test('several hand edits by several authors: one warning and one row each', async () => {
    const repo = await repoByBatchOps(tripped())
    const first = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const second = await handEdit(
      repo,
      { [CONTROL]: render(controlDoc({ homebrew: { state: 'half-open', failures: 0 }, npm: { ...OPEN, state: 'closed', failures: 0 } })) },
      'try homebrew again',
      'Eve <e@x>'
    )

    const r = await preflight(repo.work, { 'allocate-batch-id': 'false' })

    const warnings = tamperWarnings(r)
    expect(warnings).toHaveLength(2)
    expectNamed(warnings.map((w) => w.message).join('\n'), first)
    expectNamed(warnings.map((w) => w.message).join('\n'), second, 'homebrew', 'closed → half-open', 'Eve <e@x>')
    expectSummaryRow(r, first, 'fix: unstick npm')
    expectSummaryRow(r, second, 'try homebrew again', 'homebrew', 'closed → half-open', 'Eve &lt;e@&#8288;x&gt;')
  })
})

describe('hand edits docs/contract.md §5 allows are not flagged', () => {
  const cases: Array<{ name: string; after: Json; proceeds: string }> = [
    { name: 'closed → open (tripping a breaker by hand)', after: controlDoc({ homebrew: { ...OPEN }, npm: OPEN }), proceeds: '[]' },
    { name: 'open → half-open', after: controlDoc({ homebrew: CLOSED, npm: { ...OPEN, state: 'half-open' } }), proceeds: '["homebrew","npm"]' },
    { name: 'an unrelated field: disabled_ecosystems', after: tripped({ disabled_ecosystems: ['homebrew'] }), proceeds: '[]' },
    { name: 'an unrelated field: opens_at of the open breaker (earlier)', after: controlDoc({ homebrew: CLOSED, npm: { ...OPEN, opens_at: '2026-03-04T09:30:00Z' } }), proceeds: '["homebrew","npm"]' },
    { name: 'a new closed breaker', after: controlDoc({ homebrew: CLOSED, npm: OPEN, pypi: CLOSED }), proceeds: '["homebrew"]' }
  ]

  test.each(cases)('$name: no warning, and on-tamper: block does not stop it', async ({ after, proceeds }) => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { [CONTROL]: render(after) }, 'ops: hand edit')

    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })

    expectExit(r, 0)
    expect(tamperWarnings(r)).toEqual([])
    expect(r.outputs.reason).not.toContain('hand-edited')
    expect(r.outputs.ecosystems).toBe(proceeds)
    expect(r.summary).not.toContain('Hand edits of the control file')
    expect(r.summary).toContain('Hand edits since batch-ops last wrote the control file: 1 commit(s) checked, none moved a breaker in a forbidden way')
  })

  test('a commit that does not touch the control file is not examined', async () => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { 'recipes/foo.rb': 'class Foo; end\n' }, 'add foo')
    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.summary).toContain('0 commit(s) checked')
    expect(tamperWarnings(r)).toEqual([])
  })
})

describe('acknowledged by a batch-control command', () => {
  test('acknowledge: preflight blocked → acknowledge (write access is enough) → preflight proceeds; the file says who, when, why and through which commit', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })

    const blocked = await preflight(repo.work, { 'on-tamper': 'block' })
    expect(blocked.outputs['can-proceed']).toBe('false')
    expectNamed(blocked.outputs.reason!, sha)

    const ack = await batchControl(repo.work, { command: 'acknowledge', reason: 'asked Mallory: npm recovered, the edit stays' })
    expectExit(ack, 0)
    expect(ack.outputs.changed).toBe('true')
    expect(ack.outputs.summary).toBe(`acknowledged the hand edit through commit ${sha.slice(0, 7)} (npm open → closed)`)
    // Only the acknowledgement was added; the breaker stays as the edit left it.
    expect(JSON.parse((await repo.readOrigin(CONTROL))!)).toEqual({
      ...unstuck(),
      acknowledged: { by: 'oncall', at: NOW, reason: 'asked Mallory: npm recovered, the edit stays', through: sha }
    })
    const [commit] = await repo.originCommits()
    expect(commit!.subject).toBe(`chore(batch): acknowledge: acknowledged the hand edit through commit ${sha.slice(0, 7)} (npm open → closed) [skip ci]`)
    expect(commit!.trailers).toEqual([
      ['Batch-Ops-Action', 'batch-control'],
      ['Operator', 'oncall'],
      ['Reason', 'asked Mallory: npm recovered, the edit stays']
    ])
    expect(ack.summary).toContain('| access | oncall has `write`; this command needs write |')

    const r = await preflight(repo.work, { 'on-tamper': 'block' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(r.outputs.ecosystems).toBe('["homebrew","npm"]')
    expect(tamperWarnings(r)).toEqual([])

    // Acknowledged once is enough: a second acknowledge has nothing to acknowledge.
    const again = await batchControl(repo.work, { command: 'acknowledge', reason: 'again' })
    expectExit(again, 'non-zero')
    expect(of(again, 'error')[0]!.message).toContain('acknowledge refused: there is no flagged hand edit to acknowledge')
  })

  test('acknowledge with nothing flagged is refused and writes nothing (an allowed hand edit is not flagged either)', async () => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { [CONTROL]: render(tripped({ disabled_ecosystems: ['npm'] })) }, 'pause npm by hand')
    const before = await originState(repo)

    const r = await batchControl(repo.work, { command: 'acknowledge', reason: 'nothing to see' })

    expectExit(r, 'non-zero')
    const error = of(r, 'error')[0]!.message
    expect(error).toContain('acknowledge refused: there is no flagged hand edit to acknowledge: no commit since batch-ops last wrote the control file moves a breaker')
    expect(error).toContain('(nothing was written)')
    expect(r.outputs.changed).toBe('false')
    expect(await originState(repo)).toEqual(before)
  })

  test('acknowledge in a shallow clone (depth 1, as actions/checkout makes it) finds the edit behind later commits', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    await handEdit(repo, { 'recipes/foo.rb': 'class Foo; end\n' }, 'add foo', 'Bob <b@x>')
    const shallow = await repo.clone({ depth: 1 })

    const ack = await batchControl(shallow, { command: 'acknowledge', reason: 'reviewed' })

    expectExit(ack, 0)
    expect((JSON.parse((await repo.readOrigin(CONTROL))!) as Json).acknowledged).toMatchObject({ through: sha })
    const r = await preflight(await repo.clone({ depth: 1 }), { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('true')
  })

  test('after reset-budget with a reason, the edit is behind batch-ops’ last commit: block no longer stops', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })

    const blocked = await preflight(repo.work, { 'on-tamper': 'block' })
    expect(blocked.outputs['can-proceed']).toBe('false')
    expectNamed(blocked.outputs.reason!, sha)

    const ack = await batchControl(repo.work, { command: 'reset-budget', reason: 'acknowledge the npm hand edit after review' })
    expectExit(ack, 0)
    expect(ack.outputs.changed).toBe('true')

    const r = await preflight(repo.work, { 'on-tamper': 'block' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(r.outputs.ecosystems).toBe('["homebrew","npm"]')
    expect(r.outputs['batch-id']).toBe('2026-03-04-001')
    expect(tamperWarnings(r)).toEqual([])
    expect(r.summary).toContain('0 commit(s) checked')
  })

  test('a forbidden edit after the acknowledgement is flagged again', async () => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { [CONTROL]: render(unstuck()) })
    expectExit(await batchControl(repo.work, { command: 'reset-budget', reason: 'ack' }), 0)
    const acked = JSON.parse((await repo.readOrigin(CONTROL))!) as Json

    // An allowed hand edit after it: still clean.
    await handEdit(repo, { [CONTROL]: render({ ...acked, x_note: 'reviewed' }) }, 'note the review')
    let r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('true')

    // Trip npm by hand (allowed), then close it by hand again (forbidden): only the second is flagged.
    const open = { ...acked, x_note: 'reviewed', circuit_breaker: { homebrew: CLOSED, npm: OPEN } }
    const trip = await handEdit(repo, { [CONTROL]: render(open) }, 'trip npm by hand')
    const close = await handEdit(repo, { [CONTROL]: render({ ...open, circuit_breaker: { homebrew: CLOSED, npm: CLOSED } }) }, 'close npm again')
    r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, close)
    expect(r.outputs.reason).not.toContain(trip.slice(0, 7))
    expect(tamperWarnings(r)).toHaveLength(1)
    expect(r.summary).toContain('Hand edits of the control file (on-tamper: block)')
  })
})

describe('only batch-control acknowledges; only batch-ops’ own commits are not hand edits (issue 12 item 6)', () => {
  test('a routine breaker record after the hand edit does not clear on-tamper: block', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const later = unstuck()
    ;(later.circuit_breaker as Record<string, Entry>).homebrew = { state: 'closed', failures: 0, window: 'S' }
    await commitAsBatchOps(repo, { [CONTROL]: render(later) }, BY_BREAKER)
    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
  })

  test('a hand edit whose message quotes the trailer outside the trailer block is still a hand edit, even with batch-ops’ author', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await commitAsBatchOps(repo, { [CONTROL]: render(unstuck()) }, 'fix: unstick npm\n\nBatch-Ops-Action: batch-control\nwas what I meant to write, but this is by hand.\n')
    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha, 'npm', 'open → closed', 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>')
  })

  test('a subject holding the record separator byte (\\x1e) is read as text: the edit is flagged, the check does not fail', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) }, 'fix\x1eedit\x1e0123456789012345678901234567890123456789')
    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
  })

  test('the trailer in its place but another author: a hand edit, and it acknowledges nothing', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await commitAsBatchOps(repo, { [CONTROL]: render(unstuck()) }, BY_BATCH_CONTROL, ['-c', 'user.name=Mallory', '-c', 'user.email=m@x'])
    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
  })

  test('the trailer and the author, but the commit also changes a recipe: a hand edit', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await commitAsBatchOps(repo, { [CONTROL]: render(unstuck()), 'recipes/evil.rb': 'class Evil; end\n' }, BY_BATCH_CONTROL)
    const r = await preflight(repo.work, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha, 'npm', 'open → closed', 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>')
  })
})

describe('the checkouts actions/checkout makes', () => {
  test('a shallow clone (depth 1) still detects it: the history is deepened', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    // Later commits that do not touch the control file.
    await handEdit(repo, { 'recipes/foo.rb': 'class Foo; end\n' }, 'add foo', 'Bob <b@x>')
    const shallow = await repo.clone({ depth: 1 })
    expect((await git(['rev-parse', '--is-shallow-repository'], shallow)).stdout.trim()).toBe('true')
    expect((await git(['rev-list', '--count', 'HEAD'], shallow)).stdout.trim()).toBe('1')

    const r = await preflight(shallow, { 'on-tamper': 'block' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
    expectNamed(tamperWarnings(r)[0]!.message, sha)
    expectSummaryRow(r, sha, 'fix: unstick npm')
    expect(of(r, 'notice').filter((a) => a.message.includes('incomplete'))).toEqual([])
  })

  test('a shallow clone whose tip is the hand edit', async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const shallow = await repo.clone({ depth: 1, detach: true })
    const r = await preflight(shallow, { 'on-tamper': 'block' }, { GITHUB_REF: 'refs/heads/main' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
  })

  test('a shallow clone with a clean history: nothing flagged, the batch proceeds', async () => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { 'recipes/foo.rb': 'class Foo; end\n' }, 'add foo')
    const shallow = await repo.clone({ depth: 1 })
    const r = await preflight(shallow, { 'on-tamper': 'block' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('true')
    expect(r.outputs.ecosystems).toBe('["homebrew"]')
    expect(tamperWarnings(r)).toEqual([])
  })

  test('a hand edit deeper than the deepened history: the check says it is incomplete (never a silent all-clear)', async () => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { [CONTROL]: render(unstuck()) })
    // 120 later commits: more than the 100 the check deepens by.
    const busy = await repo.clone()
    for (let i = 0; i < 120; i++) await git(['commit', '--quiet', '--allow-empty', '-m', `recipe ${i}`], busy)
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], busy)
    const shallow = await repo.clone({ depth: 1 })

    const r = await preflight(shallow, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })

    expectExit(r, 0)
    const notices = of(r, 'notice').filter((a) => a.message.startsWith('Tamper check incomplete'))
    expect(notices).toHaveLength(1)
    expect(notices[0]!.message).toContain('shallow')
    expect(r.summary).toContain('incomplete')
  })

  test("persist: 'false' checks the checked-out history", async () => {
    const repo = await repoByBatchOps(tripped())
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const dir = await repo.clone()
    const r = await preflight(dir, { 'on-tamper': 'block', persist: 'false' })
    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
  })
})

test("an invalid on-tamper fails clearly, proceeds with nothing, pushes nothing", async () => {
  const repo = await repoByBatchOps(tripped())
  const before = await originState(repo)
  const r = await preflight(repo.work, { 'on-tamper': 'ignore' })
  expectExit(r, 'non-zero')
  expect(r.outputs['can-proceed']).toBe('false')
  expect(of(r, 'error')[0]!.message).toContain(`input 'on-tamper' must be 'warn' or 'block' (got "ignore")`)
  expect(await originState(repo)).toEqual(before)
})

describe('deepening a shallow clone only as far as the last batch-control commit (issue 15)', () => {
  /** A repository with `old` commits before batch-ops first wrote the control file. */
  async function longHistory(old: number): Promise<TestRepo> {
    const repo = await createRepo({ files: { 'README.md': '# recipes\n' } })
    repos.push(repo)
    for (let i = 0; i < old; i++) await git(['commit', '--quiet', '--allow-empty', '-m', `recipe ${i}`], repo.work)
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${repo.branch}`], repo.work)
    await commitAsBatchOps(repo, { [CONTROL]: render(tripped()) }, BY_BATCH_CONTROL)
    return repo
  }

  test('steps of 10, 30, 60: the clone gets the 10 commits that show the last batch-ops commit, not a blind 100', async () => {
    const repo = await longHistory(150)
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    for (let i = 0; i < 3; i++) await handEdit(repo, { [`recipes/r${i}.rb`]: `class R${i}; end\n` }, `add r${i}`, 'Bob <b@x>')
    const shallow = await repo.clone({ depth: 1 })

    const r = await preflight(shallow, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
    expect(of(r, 'notice').filter((a) => a.message.includes('incomplete'))).toEqual([])
    // The tip and one step of 10: the three later commits, the edit, batch-ops' commit and five more.
    expect((await git(['rev-list', '--count', 'HEAD'], shallow)).stdout.trim()).toBe('11')
  })

  test('a batch-ops commit 41 to 100 commits down is still reached, in the third step', async () => {
    const repo = await longHistory(150)
    const sha = await handEdit(repo, { [CONTROL]: render(unstuck()) })
    const busy = await repo.clone()
    for (let i = 0; i < 60; i++) await git(['commit', '--quiet', '--allow-empty', '-m', `later ${i}`], busy)
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], busy)
    const shallow = await repo.clone({ depth: 1 })

    const r = await preflight(shallow, { 'on-tamper': 'block', 'allocate-batch-id': 'false' })

    expectExit(r, 0)
    expect(r.outputs['can-proceed']).toBe('false')
    expectNamed(r.outputs.reason!, sha)
    expect((await git(['rev-list', '--count', 'HEAD'], shallow)).stdout.trim()).toBe('101')
  })

  test('a clone that cannot be deepened (origin unreachable): the check says it is incomplete, and why', async () => {
    const repo = await repoByBatchOps(tripped())
    await handEdit(repo, { [CONTROL]: render(unstuck()) })
    await handEdit(repo, { 'recipes/foo.rb': 'class Foo; end\n' }, 'add foo', 'Bob <b@x>')
    const shallow = await repo.clone({ depth: 1 })
    await git(['remote', 'set-url', 'origin', path.join(repo.root, 'gone.git')], shallow)

    const r = await preflight(shallow, { 'on-tamper': 'block', 'allocate-batch-id': 'false', persist: 'false' })

    expectExit(r, 0)
    const notices = of(r, 'notice').filter((a) => a.message.startsWith('Tamper check incomplete'))
    expect(notices).toHaveLength(1)
    expect(notices[0]!.message).toContain('is not in this clone (shallow)')
    expect(notices[0]!.message).toMatch(/deepening the shallow clone after 0 commits failed: git fetch .*gone\.git/)
  })
})
