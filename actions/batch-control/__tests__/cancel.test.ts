// stop cancels running batches (issue 11 item 2), end to end against the bundle and a fake
// GitHub API on 127.0.0.1: after the stop is written, every queued, waiting or in-progress
// run of the cancel-workflows is cancelled, never this run; a cancel or a listing that fails
// is a warning and never undoes or fails the stop.

import { type ControlRoutes, type ControlRoutesOptions, type FakeRun, type FakeServer, fakeControlApi } from '../../../test/fakes.js'
import { type ActionRun, type Annotation, type TestRepo, createRepo, expectExit, runAction } from '../../../test/harness.js'

const NOW = '2026-03-04T10:00:00Z'
const CONTROL = 'batch-control.json'
const OWN_RUN = 500
const START = JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: { npm: { state: 'closed', failures: 0 } } }, null, 2) + '\n'

const RUNS: FakeRun[] = [
  { id: 11, workflow: 'batch.yml', status: 'queued' },
  { id: 12, workflow: 'batch.yml', status: 'in_progress' },
  { id: 13, workflow: 'batch.yml', status: 'waiting' },
  { id: 14, workflow: 'batch.yml', status: 'completed', conclusion: 'success' },
  { id: 15, workflow: 'batch.yml', status: 'requested' },
  { id: 16, workflow: 'batch.yml', status: 'pending' },
  { id: 21, workflow: 'nightly.yml', status: 'in_progress' },
  // This very run, if someone lists the emergency workflow too.
  { id: OWN_RUN, workflow: 'emergency.yml', status: 'in_progress' },
  // A workflow that is not listed.
  { id: 31, workflow: 'docs.yml', status: 'in_progress' }
]

const repos: TestRepo[] = []
const apis: FakeServer[] = []
afterEach(async () => {
  await Promise.all([...repos.splice(0).map((r) => r.cleanup()), ...apis.splice(0).map((a) => a.close())])
})

async function setup(opts: Omit<ControlRoutesOptions, 'roles'> = {}): Promise<{ repo: TestRepo; api: FakeServer & ControlRoutes; enabledAt: Array<[string, unknown]> }> {
  const repo = await createRepo({ files: { [CONTROL]: START } })
  repos.push(repo)
  // What origin's control file said when each runs request arrived.
  const enabledAt: Array<[string, unknown]> = []
  const api = await fakeControlApi({
    roles: { '*': 'admin' },
    runs: RUNS,
    // Two runs a page: the listing has to follow the Link headers.
    maxPerPage: 2,
    before: async (r) => {
      if (r.path.includes('/actions/')) enabledAt.push([`${r.method} ${r.path}`, JSON.parse((await repo.readOrigin(CONTROL))!).enabled])
    },
    ...opts
  })
  apis.push(api)
  return { repo, api, enabledAt }
}

function stop(repo: TestRepo, api: FakeServer, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('batch-control', {
    cwd: repo.work,
    inputs: { command: 'stop', reason: 'runaway batch', 'github-token': 'test-token', 'cancel-workflows': 'batch.yml, nightly.yml, emergency.yml', ...inputs },
    env: { BATCH_OPS_NOW: NOW, GITHUB_REPOSITORY: 'acme/recipes', GITHUB_API_URL: api.url, GITHUB_ACTOR: 'ada', GITHUB_RUN_ID: String(OWN_RUN) },
    timeoutMs: 60_000
  })
}

const of = (r: ActionRun, level: Annotation['level']): Annotation[] => r.annotations.filter((a) => a.level === level)
const statusOf = (api: ControlRoutes, id: number): string | undefined => api.runs.find((r) => r.id === id)?.status
const stopped = async (repo: TestRepo): Promise<boolean> => JSON.parse((await repo.readOrigin(CONTROL))!).enabled === false

test('cancels every queued, waiting and in-progress run of the listed workflows, after writing the stop; not completed ones, not its own run, not other workflows', async () => {
  const { repo, api, enabledAt } = await setup()

  const r = await stop(repo, api)

  expectExit(r, 0)
  expect(await stopped(repo)).toBe(true)
  expect(r.outputs.cancelled).toBe('[11,12,13,15,16,21]')
  expect(api.cancelled()).toEqual([11, 12, 13, 15, 16, 21])
  for (const id of [11, 12, 13, 15, 16, 21]) expect(api.runs.find((x) => x.id === id)).toMatchObject({ status: 'completed', conclusion: 'cancelled' })
  expect(statusOf(api, 14)).toBe('completed')
  expect(statusOf(api, OWN_RUN)).toBe('in_progress')
  expect(statusOf(api, 31)).toBe('in_progress')
  expect(api.cancelRequests().map((q) => q.path)).not.toContain(`/repos/acme/recipes/actions/runs/${OWN_RUN}/cancel`)
  // Every unfinished status is asked for, per workflow, and pages are followed.
  const asked = api.listRequests().filter((q) => q.path.endsWith('/batch.yml/runs'))
  expect([...new Set(asked.map((q) => q.query.status))].sort()).toEqual(['in_progress', 'pending', 'queued', 'requested', 'waiting'])
  // The stop was on origin before the first request about runs.
  expect(enabledAt.length).toBeGreaterThan(0)
  expect(enabledAt.every(([, enabled]) => enabled === false)).toBe(true)

  expect(of(r, 'warning')).toEqual([])
  expect(of(r, 'notice').some((a) => a.message.includes('Cancelled 6 run(s) of batch.yml, nightly.yml, emergency.yml: 11, 12, 13, 15, 16, 21.'))).toBe(true)
  expect(r.summary).toContain('### Running batches')
  expect(r.summary).toContain('| run | workflow | status before | result |')
  expect(r.summary).toContain('| [12](https://github.com/acme/recipes/actions/runs/12) | `batch.yml` | in\\_progress | cancelled |')
  expect(r.summary).toContain(`| [${OWN_RUN}](https://github.com/acme/recipes/actions/runs/${OWN_RUN}) | \`emergency.yml\` | in\\_progress | not cancelled: this run, which is doing the stop |`)
})

test('follows pagination: many runs of one status', async () => {
  const many: FakeRun[] = Array.from({ length: 5 }, (_, i) => ({ id: 100 + i, workflow: 'batch.yml', status: 'queued' }))
  const { repo, api } = await setup({ runs: many })
  const r = await stop(repo, api, { 'cancel-workflows': 'batch.yml' })
  expectExit(r, 0)
  expect(r.outputs.cancelled).toBe('[100,101,102,103,104]')
  expect(api.listRequests().filter((q) => q.query.status === 'queued').map((q) => q.query.page ?? '1')).toEqual(['1', '2', '3'])
})

test('a cancel that fails (403, 409, 404, 500) is a warning with what to do; the stop stands and the others are cancelled', async () => {
  const { repo, api } = await setup({ cancelFailure: { 11: 403, 12: 409, 13: 404, 15: 500 } })

  const r = await stop(repo, api)

  expectExit(r, 0)
  expect(await stopped(repo)).toBe(true)
  expect(r.outputs.changed).toBe('true')
  expect(r.outputs.cancelled).toBe('[16,21]')
  const warnings = of(r, 'warning').map((w) => w.message)
  expect(warnings).toHaveLength(4)
  expect(warnings).toContainEqual(expect.stringMatching(/^Could not cancel run 11 of batch\.yml \(queued\): cancel run 11: HTTP 403: scripted 403 \(the token may not cancel runs: give the job permissions: actions: write\)\. The stop is written; cancel it by hand: gh run cancel 11\.$/))
  expect(warnings).toContainEqual(expect.stringContaining('Could not cancel run 12 of batch.yml (in_progress): cancel run 12: HTTP 409: scripted 409 (it had already finished)'))
  expect(warnings).toContainEqual(expect.stringContaining('Could not cancel run 13 of batch.yml (waiting): cancel run 13: HTTP 404: scripted 404 (the run is gone, or the token cannot see it)'))
  expect(warnings).toContainEqual(expect.stringContaining('gh run cancel 15'))
  expect(r.summary).toContain('| [11](https://github.com/acme/recipes/actions/runs/11) | `batch.yml` | queued | not cancelled: cancel run 11: HTTP 403: scripted 403 (the token may not cancel runs: give the job permissions: actions: write) |')
  expect(r.summary).toContain('Cancelled 2 of the 7 unfinished run(s)')
})

test('a cancel that never answers: the step ends after about one timeout, the rest are not attempted, the stop stands', async () => {
  const { repo, api } = await setup({ cancelFailure: { 12: 'hang' } })

  // 3 s: long enough for the requests the fake does answer, on a busy machine.
  const r = await stop(repo, api, { 'api-timeout-seconds': '3' })

  expectExit(r, 0)
  expect(r.ms).toBeLessThan(30_000)
  expect(await stopped(repo)).toBe(true)
  expect(r.outputs.cancelled).toBe('[11]')
  expect(api.cancelRequests().map((q) => q.path.split('/')[6])).toEqual(['11', '12'])
  const warnings = of(r, 'warning').map((w) => w.message)
  expect(warnings).toContainEqual(expect.stringContaining('Could not cancel run 12 of batch.yml (in_progress): cancel run 12: no answer within 3 s'))
  expect(warnings).toContainEqual(expect.stringContaining('Run 21 of nightly.yml (in_progress) was not cancelled: the API did not answer in time. The stop is written; cancel it by hand: gh run cancel 21.'))
  expect(r.summary).toContain('not cancelled: not attempted, the API did not answer in time')
})

test('a listing that fails (500, or a workflow file that does not exist) is a warning that says what to check; the stop stands', async () => {
  const { repo, api } = await setup({ listFailure: 500 })
  const r = await stop(repo, api, { 'cancel-workflows': 'batch.yml' })
  expectExit(r, 0)
  expect(await stopped(repo)).toBe(true)
  expect(r.outputs.cancelled).toBe('[]')
  // One warning per workflow: after a failed listing its other statuses are not asked for.
  expect(api.listRequests()).toHaveLength(1)
  expect(of(r, 'warning').map((w) => w.message)).toEqual([
    'Could not list the runs of batch.yml to cancel (list the queued runs of batch.yml: HTTP 500: scripted 500). The stop is written; cancel them by hand: gh run list --workflow batch.yml --status in_progress (and --status queued), then gh run cancel <run-id>.'
  ])

  const typo = await setup()
  const t = await stop(typo.repo, typo.api, { 'cancel-workflows': 'bacth.yml, nightly.yml' })
  expectExit(t, 0)
  expect(t.outputs.cancelled).toBe('[21]')
  expect(of(t, 'warning')[0]!.message).toContain('HTTP 404: Not Found). Is bacth.yml the file name of a workflow in .github/workflows of this repository? Set cancel-workflows')
})

test('a listing that never answers: the step ends after about one timeout, and cancels nothing', async () => {
  const { repo, api } = await setup({ listFailure: 'hang' })
  // 3 s: long enough for the requests the fake does answer, on a busy machine.
  const r = await stop(repo, api, { 'api-timeout-seconds': '3' })
  expectExit(r, 0)
  expect(r.ms).toBeLessThan(30_000)
  expect(await stopped(repo)).toBe(true)
  expect(r.outputs.cancelled).toBe('[]')
  expect(api.listRequests()).toHaveLength(1)
  expect(of(r, 'warning')[0]!.message).toContain('no answer within 3 s')
})

test('without cancel-workflows nothing is listed or cancelled, and the summary says running batches finish', async () => {
  const { repo, api } = await setup()
  const r = await stop(repo, api, { 'cancel-workflows': '' })
  expectExit(r, 0)
  expect(r.outputs.cancelled).toBe('[]')
  expect(api.listRequests()).toEqual([])
  expect(r.summary).toContain('No workflows to cancel were given (input `cancel-workflows`)')
})

test("other commands ignore cancel-workflows, and persist: 'false' cancels nothing", async () => {
  const { repo, api } = await setup()
  const pause = await runAction('batch-control', {
    cwd: repo.work,
    inputs: { command: 'pause-ecosystem', ecosystems: 'npm', reason: 'x', 'github-token': 't', 'cancel-workflows': 'batch.yml' },
    env: { BATCH_OPS_NOW: NOW, GITHUB_REPOSITORY: 'acme/recipes', GITHUB_API_URL: api.url, GITHUB_ACTOR: 'ada' }
  })
  expectExit(pause, 0)
  expect(pause.outputs.cancelled).toBe('[]')

  const local = await stop(repo, api, { persist: 'false' })
  expectExit(local, 0)
  expect(local.outputs.cancelled).toBe('[]')
  expect(of(local, 'notice').some((a) => a.message.includes("No runs were cancelled: persist is 'false'"))).toBe(true)
  expect(api.listRequests()).toEqual([])
  expect(api.cancelRequests()).toEqual([])
})
