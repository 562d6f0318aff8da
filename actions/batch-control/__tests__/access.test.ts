// Who may run which command (issue 11 item 3), end to end against the bundle: the
// triggering actor's permission comes from a fake GitHub API on 127.0.0.1; admin for
// admin-commands (stop, resume by default), write for the rest; a failed lookup lets
// only stop through. A refusal writes nothing.

import { type ControlRoutes, type ControlRoutesOptions, type FakeServer, fakeControlApi } from '../../../test/fakes.js'
import { type ActionRun, type Annotation, type TestRepo, createRepo, expectExit, runAction } from '../../../test/harness.js'

const NOW = '2026-03-04T10:00:00Z'
const CONTROL = 'batch-control.json'
const REPO = 'acme/recipes'

const render = (doc: unknown): string => JSON.stringify(doc, null, 2) + '\n'
const START = render({
  enabled: false,
  disabled_ecosystems: [],
  reason: 'earlier stop',
  incident_url: '',
  disabled_by: 'bob',
  disabled_at: '2026-03-04T08:00:00Z',
  expected_resume: '',
  circuit_breaker: { npm: { state: 'closed', failures: 0 }, pypi: { state: 'open', failures: 5, opens_at: '2026-03-04T11:00:00Z' } }
})

// Who is who on acme/recipes.
const ROLES: ControlRoutesOptions['roles'] = { ada: 'admin', max: 'maintain', wes: 'write', tia: 'triage', rae: 'read', nobody: 'none' }

const repos: TestRepo[] = []
const apis: FakeServer[] = []
afterEach(async () => {
  await Promise.all([...repos.splice(0).map((r) => r.cleanup()), ...apis.splice(0).map((a) => a.close())])
})

async function setup(opts: ControlRoutesOptions = { roles: ROLES }): Promise<{ repo: TestRepo; api: FakeServer & ControlRoutes }> {
  const repo = await createRepo({ files: { [CONTROL]: START } })
  repos.push(repo)
  const api = await fakeControlApi(opts)
  apis.push(api)
  return { repo, api }
}

function batchControl(repo: TestRepo, api: FakeServer, actor: string, inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<ActionRun> {
  return runAction('batch-control', {
    cwd: repo.work,
    inputs: { 'github-token': 'ghs_secret-token-value', ...inputs },
    env: { BATCH_OPS_NOW: NOW, GITHUB_REPOSITORY: REPO, GITHUB_API_URL: api.url, GITHUB_ACTOR: actor, GITHUB_TRIGGERING_ACTOR: actor, ...env },
    timeoutMs: 60_000
  })
}

const of = (r: ActionRun, level: Annotation['level']): Annotation[] => r.annotations.filter((a) => a.level === level)
const originState = async (repo: TestRepo) => ({ head: await repo.originHead(), control: await repo.readOrigin(CONTROL) })

const COMMANDS: Record<string, Record<string, string>> = {
  stop: { command: 'stop', reason: 'outage' },
  resume: { command: 'resume', reason: 'fixed' },
  'pause-ecosystem': { command: 'pause-ecosystem', reason: 'flaky', ecosystems: 'npm' },
  'reset-breaker': { command: 'reset-breaker', reason: 'cause fixed', ecosystems: 'pypi' },
  'reset-budget': { command: 'reset-budget', reason: 'approved by the budget owner' }
}

describe('with the default admin-commands (stop, resume)', () => {
  // actor, command, allowed?, the role the refusal names, the access it needs (every row is whole:
  // jest takes a parameter past the row's end for a done callback)
  const cases: Array<[string, string, boolean, string, string]> = [
    ['ada', 'stop', true, '', ''],
    ['ada', 'resume', true, '', ''],
    ['ada', 'reset-budget', true, '', ''],
    ['wes', 'stop', false, 'write', 'admin'],
    ['wes', 'resume', false, 'write', 'admin'],
    ['max', 'stop', false, 'maintain', 'admin'],
    ['wes', 'pause-ecosystem', true, '', ''],
    ['wes', 'reset-breaker', true, '', ''],
    ['max', 'pause-ecosystem', true, '', ''],
    ['tia', 'pause-ecosystem', false, 'triage', 'write (or maintain, or admin)'],
    ['rae', 'reset-budget', false, 'read', 'write (or maintain, or admin)'],
    ['nobody', 'stop', false, 'none', 'admin']
  ]

  test.each(cases)('%s runs %s: allowed %s', async (actor, command, allowed, role, need) => {
    const { repo, api } = await setup()
    const before = await originState(repo)

    const r = await batchControl(repo, api, actor, COMMANDS[command]!)

    expect(api.permissionRequests().map((q) => q.path)).toEqual([`/repos/acme/recipes/collaborators/${actor}/permission`])
    if (allowed) {
      expectExit(r, 0)
      expect(r.outputs.changed).toBe('true')
      expect((await repo.originCommits())[0]!.trailers).toContainEqual(['Operator', actor])
      expect(of(r, 'warning')).toEqual([])
      return
    }
    expectExit(r, 'non-zero')
    const errors = of(r, 'error')
    expect(errors).toHaveLength(1)
    const message = errors[0]!.message
    expect(message).toContain(`${command} refused: ${actor} has ${role} access to ${REPO}, and ${command} needs ${need}. Nothing was written.`)
    expect(message).toMatch(need === 'admin' ? /Ask a repository admin to run it\. .*admin-commands/ : /Ask someone with write access/)
    expect(r.outputs.changed).toBe('false')
    expect(r.outputs.cancelled).toBe('[]')
    expect(r.summary).toContain('## Batch control: failed')
    expect(await originState(repo)).toEqual(before)
  })
})

test("admin-commands: 'none' lets a write user stop, and a narrower list keeps resume admin-only", async () => {
  const { repo, api } = await setup()
  const stop = await batchControl(repo, api, 'wes', { ...COMMANDS.stop!, 'admin-commands': 'none' })
  expectExit(stop, 0)
  expect(stop.summary).toContain('| access | wes has `write`; this command needs write |')

  const resume = await batchControl(repo, api, 'wes', { ...COMMANDS.resume!, 'admin-commands': 'resume, reset-budget' })
  expectExit(resume, 'non-zero')
  expect(of(resume, 'error')[0]!.message).toContain('resume refused: wes has write access')
  const budget = await batchControl(repo, api, 'wes', { ...COMMANDS['reset-budget']!, 'admin-commands': 'resume, reset-budget' })
  expectExit(budget, 'non-zero')
  expect(of(budget, 'error')[0]!.message).toContain('reset-budget refused: wes has write access')
})

test('the actor is GITHUB_TRIGGERING_ACTOR, never the operator input', async () => {
  const { repo, api } = await setup()
  const before = await originState(repo)
  // A write user re-runs a run an admin started, and names the admin as the operator.
  const r = await batchControl(repo, api, 'ada', { ...COMMANDS.stop!, operator: 'ada' }, { GITHUB_TRIGGERING_ACTOR: 'wes' })
  expectExit(r, 'non-zero')
  expect(api.permissionRequests().map((q) => q.path)).toEqual(['/repos/acme/recipes/collaborators/wes/permission'])
  expect(of(r, 'error')[0]!.message).toContain('stop refused: wes has write access')
  expect(await originState(repo)).toEqual(before)

  // Without GITHUB_TRIGGERING_ACTOR, GITHUB_ACTOR is looked up.
  const ok = await batchControl(repo, api, 'ada', COMMANDS.stop!, { GITHUB_TRIGGERING_ACTOR: undefined })
  expectExit(ok, 0)
  expect(api.permissionRequests().at(-1)!.path).toBe('/repos/acme/recipes/collaborators/ada/permission')
})

test('the token goes to the API and is masked in the log', async () => {
  const { repo, api } = await setup()
  const r = await batchControl(repo, api, 'ada', COMMANDS.stop!)
  expectExit(r, 0)
  expect(api.permissionRequests()[0]!.headers.authorization).toBe('token ghs_secret-token-value')
  expect(r.stdout).toContain('::add-mask::ghs_secret-token-value')
})

describe('a lookup that fails: stop goes ahead with a warning, every other command is refused', () => {
  const cases: Array<{ name: string; opts: ControlRoutesOptions; inputs?: Record<string, string>; says: RegExp }> = [
    { name: 'HTTP 500', opts: { roles: ROLES, permissionFailure: 500 }, says: /HTTP 500: scripted 500; GitHub may be unavailable/ },
    { name: 'HTTP 403 (the token cannot read collaborators)', opts: { roles: ROLES, permissionFailure: 403 }, says: /HTTP 403: scripted 403; the token may not read collaborator permissions: GITHUB_TOKEN can/ },
    { name: 'an unknown user (404)', opts: { roles: {} }, says: /HTTP 404: Not Found; GitHub knows no such user or repository/ },
    { name: 'no answer (the API hangs past api-timeout-seconds)', opts: { roles: ROLES, permissionFailure: 'hang' }, inputs: { 'api-timeout-seconds': '1' }, says: /no answer within 1 s/ },
    { name: 'no token', opts: { roles: ROLES }, inputs: { 'github-token': '' }, says: /input 'github-token' is empty/ }
  ]

  test.each(cases)('$name', async ({ opts, inputs, says }) => {
    const { repo, api } = await setup(opts)

    const resumeBefore = await originState(repo)
    const resume = await batchControl(repo, api, 'ada', { ...COMMANDS.resume!, ...inputs })
    expectExit(resume, 'non-zero')
    const error = of(resume, 'error')[0]!.message
    expect(error).toContain('resume refused: the permission of ada could not be checked (')
    expect(error).toMatch(says)
    expect(error).toContain('Only stop goes ahead without that check. Nothing was written.')
    expect(await originState(repo)).toEqual(resumeBefore)
    // Bounded: a hanging API costs about one timeout, not the harness's kill.
    expect(resume.ms).toBeLessThan(30_000)

    const stop = await batchControl(repo, api, 'ada', { ...COMMANDS.stop!, ...inputs })
    expectExit(stop, 0)
    const warning = of(stop, 'warning').find((w) => w.message.startsWith('The permission of ada could not be checked'))
    expect(warning?.message).toMatch(says)
    expect(warning?.message).toContain('stop goes ahead anyway: stopping is the safe direction')
    expect(JSON.parse((await repo.readOrigin(CONTROL))!)).toMatchObject({ enabled: false, reason: 'outage', disabled_by: 'ada' })
    expect(stop.summary).toContain('| access | **not checked**:')
    expect(stop.ms).toBeLessThan(30_000)
  })
})
