// The ready-made workflows, run by the local workflow runner against a bare origin:
// their `with:` wiring reaches the bundled actions, and their conditions hold.

import { createRepo, git, type TestRepo } from './harness.ts'
import { type ControlRoutes, type FakeServer, fakeControlApi, fakeGitHub, job } from './fakes.ts'
import { evaluate, interpolate, runWorkflow } from './workflow-runner.ts'

const control = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: { npm: { state: 'closed', failures: 0 }, pypi: { state: 'open', failures: 9, opens_at: '2026-03-02T11:00:00Z' } }, ...extra }, null, 2) + '\n'

const repos: TestRepo[] = []
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()))
})
async function repo(): Promise<TestRepo> {
  const r = await createRepo({ files: { 'batch-control.json': control() } })
  repos.push(r)
  return r
}
const env = { BATCH_OPS_NOW: '2026-03-02T10:00:00Z', GITHUB_REF: 'refs/heads/main' }

describe('the local runner evaluates expressions as GitHub does for these workflows', () => {
  const ctx = { inputs: { a: '', b: 'x', flag: false }, steps: { s: { outputs: { skip: 'false' }, outcome: 'failure' } }, github: { actor: 'alice' } }
  test.each([
    ["inputs.a || 'fallback'", 'fallback'],
    ["inputs.b || 'fallback'", 'x'],
    ["steps.s.outputs.skip == 'false'", true],
    ["steps.s.outputs.skip == 'FALSE'", true],
    ['!inputs.flag', true],
    ["inputs.flag && ' (dry run)' || ''", ''],
    ["format('{0}-{1}', github.actor, inputs.b)", 'alice-x'],
    ["fromJSON('[\"npm\",\"pypi\"]')[1]", 'pypi'],
    ["always() && steps.s.outputs.skip == 'false'", true]
  ])('%s', (expr, value) => {
    expect(evaluate(expr, ctx as never)).toEqual(value)
  })
  test('interpolation keeps the type of a whole expression and joins text otherwise', () => {
    expect(interpolate('${{ fromJSON(\'[1,2]\') }}', {})).toEqual([1, 2])
    expect(interpolate('run ${{ github.actor }}!', ctx as never)).toBe('run alice!')
  })
})

describe('emergency.yml', () => {
  // alice is an admin of demo/registry, wes has write access; batch.yml has a run in progress, one
  // queued and one finished.
  let api: FakeServer & ControlRoutes
  beforeAll(async () => {
    api = await fakeControlApi({
      roles: { alice: 'admin', wes: 'write' },
      runs: [
        { id: 901, workflow: 'batch.yml', status: 'in_progress' },
        { id: 902, workflow: 'batch.yml', status: 'queued' },
        { id: 903, workflow: 'batch.yml', status: 'completed', conclusion: 'success' }
      ]
    })
  })
  afterAll(async () => {
    await api.close()
  })
  const formEnv = () => ({ ...env, GITHUB_API_URL: api.url, GITHUB_RUN_ID: '4242' })

  test('the stop form reaches batch-control with every field, cancels the running batch, and the audit trail is on origin', async () => {
    const r = await repo()
    const run = await runWorkflow('emergency.yml', {
      cwd: r.work,
      inputs: { command: 'stop', reason: 'bad recipes merged', incident_url: 'https://example.invalid/i/7', expected_resume: '2026-03-03T09:00:00Z' },
      github: { actor: 'alice', triggering_actor: 'alice' },
      env: formEnv()
    })
    expect(run.jobs['batch-control']!.result).toBe('success')
    const doc = JSON.parse((await r.readOrigin('batch-control.json'))!)
    expect(doc).toMatchObject({ enabled: false, reason: 'bad recipes merged', disabled_by: 'alice', incident_url: 'https://example.invalid/i/7', expected_resume: '2026-03-03T09:00:00Z' })
    const [commit] = await r.originCommits()
    expect(commit!.trailers).toEqual(expect.arrayContaining([['Operator', 'alice'], ['Reason', 'bad recipes merged'], ['Incident', 'https://example.invalid/i/7']]))
    // The form's default cancel_workflows (batch.yml) and the workflow token reached the action.
    const control = run.steps.find((s) => s.action?.name === 'batch-control')!
    expect(control.outputs.cancelled).toBe('[901,902]')
    expect(api.permissionRequests().at(-1)!.headers.authorization).toBe('token local-token')
    // The follow-up step ran and told the operator how to verify, and that the batch was cancelled.
    const verify = run.steps.find((s) => s.kind === 'run')!
    expect(verify.outcome).toBe('success')
    expect(verify.summary).toMatch(/Next/)
    expect(verify.summary).toContain('Cancelled the queued and running batch runs `[901,902]`')
    expect(verify.summary).not.toContain('finish their ecosystem')
  })

  test('a stop run from a feature branch’s form lands on the default branch, and the summary names it (issue 12 item 2)', async () => {
    const r = await repo()
    // The feature branch carries a control file of its own: the stop must not go there.
    await git(['checkout', '--quiet', '-b', 'feature'], r.work)
    await git(['push', '--quiet', 'origin', 'feature'], r.work)
    const featureHead = (await git(['rev-parse', 'origin/feature'], r.work)).stdout.trim()
    const run = await runWorkflow('emergency.yml', {
      cwd: r.work,
      inputs: { command: 'stop', reason: 'from the wrong branch' },
      github: { actor: 'alice', triggering_actor: 'alice' },
      env: { ...formEnv(), GITHUB_REF: 'refs/heads/feature' }
    })
    expect(run.jobs['batch-control']!.result).toBe('success')
    expect(JSON.parse((await r.readOrigin('batch-control.json'))!).enabled).toBe(false)
    expect((await git(['ls-remote', 'origin', 'refs/heads/feature'], r.work)).stdout.split('\t')[0]).toBe(featureHead)
    expect(run.steps.find((s) => s.action?.name === 'batch-control')!.summary).toContain('pushed to `origin/main` as')
  })

  test('an invalid request fails the job and writes nothing', async () => {
    const r = await repo()
    const head = await r.originHead()
    const run = await runWorkflow('emergency.yml', { cwd: r.work, inputs: { command: 'reset-breaker', ecosystems: 'npm', reason: 'try' }, github: { actor: 'alice' }, env: formEnv() })
    expect(run.jobs['batch-control']!.result).toBe('failure')
    expect(await r.originHead()).toBe(head)
  })

  test('a user with write access cannot stop from the form (stop needs admin), but can pause an ecosystem', async () => {
    const r = await repo()
    const head = await r.originHead()
    const refused = await runWorkflow('emergency.yml', { cwd: r.work, inputs: { command: 'stop', reason: 'I think it is broken' }, github: { actor: 'wes', triggering_actor: 'wes' }, env: formEnv() })
    expect(refused.jobs['batch-control']!.result).toBe('failure')
    expect(refused.steps.find((s) => s.action?.name === 'batch-control')!.action!.run.stdout).toContain('stop refused: wes has write access to demo/registry, and stop needs admin')
    expect(refused.steps.find((s) => s.kind === 'run')!.summary).toContain('The command was **refused or failed**')
    expect(await r.originHead()).toBe(head)

    const paused = await runWorkflow('emergency.yml', { cwd: r.work, inputs: { command: 'pause-ecosystem', ecosystems: 'npm', reason: 'flaky' }, github: { actor: 'wes', triggering_actor: 'wes' }, env: formEnv() })
    expect(paused.jobs['batch-control']!.result).toBe('success')
    expect(JSON.parse((await r.readOrigin('batch-control.json'))!).disabled_ecosystems).toEqual(['npm'])
  })
})

describe('rollback.yml', () => {
  test('dry_run (the default) runs only the read-only plan job', async () => {
    const r = await repo()
    await r.commitAndPush({ 'recipes/npm/a.toml': 'x\n' }, 'feat: batch\n\nbatch_id: 2026-03-01-001')
    const head = await r.originHead()
    const run = await runWorkflow('rollback.yml', { cwd: r.work, inputs: { batch_id: '2026-03-01-001', reason: 'check' }, env })
    expect(run.jobs.plan!.result).toBe('success')
    expect(run.jobs.rollback!.result).toBe('skipped')
    const plan = run.steps.find((s) => s.action?.name === 'rollback-batch')!
    expect(plan.outputs.count).toBe('1')
    expect(await r.originHead()).toBe(head)
  })
})

describe('batch-operations.yml', () => {
  const servers: FakeServer[] = []
  afterAll(async () => {
    await Promise.all(servers.map((x) => x.close()))
  })
  /** Writes results for recipes a (passed) and b (failed); the recipes go where `recipes` says. */
  const RESULTS = 'mkdir -p out && printf \'{"recipe_name":"a","result":"passed"}\\n{"recipe_name":"b","result":"failed"}\\n\' > out/results.jsonl'
  const ID = ['-c', 'user.name=work', '-c', 'user.email=work@example.invalid']
  // A scheduled run, as the caller's schedule starts it (preflight's allowed-events is schedule by default).
  const batch = (r: TestRepo, command: string, extra: Record<string, string> = {}, envExtra: Record<string, string> = {}) =>
    runWorkflow('batch-operations.yml', {
      cwd: r.work,
      inputs: { ecosystems: 'npm, pypi', 'generate-command': command, 'results-file': 'out/results.jsonl', ...extra },
      env: { ...env, GITHUB_EVENT_NAME: 'schedule', ...envExtra }
    })
  const actionSteps = (run: Awaited<ReturnType<typeof batch>>) => run.steps.filter((s) => s.action).map((s) => `${s.job}:${s.action!.name}:${s.outcome}`)

  test('preflight; per ecosystem gate, work, record; then account. An open breaker is skipped; the work’s changes under paths reach origin in one commit the manifest lists', async () => {
    const r = await repo()
    // One recipe committed in the work's checkout, one left untracked, and a file outside recipes/.
    const command = [
      'mkdir -p recipes/npm',
      'echo a > recipes/npm/a.toml',
      `git ${ID.join(' ')} add recipes/npm/a.toml`,
      `git ${ID.join(' ')} commit --quiet -m "recipe a"`,
      'echo b > recipes/npm/b.toml',
      'echo scratch > notes.txt',
      RESULTS
    ].join(' && ')
    const run = await batch(r, command)

    expect(run.jobs.preflight!.outputs).toMatchObject({ 'can-proceed': 'true', 'batch-id': '2026-03-02-001', ecosystems: '["npm"]' })
    expect(Object.fromEntries(Object.entries(run.jobs).map(([k, v]) => [k, v.result]))).toEqual({ preflight: 'success', gate: 'success', work: 'success', record: 'success', account: 'success' })
    expect(actionSteps(run)).toEqual(['preflight:preflight-check:success', 'gate:circuit-breaker:success', 'record:record-batch:success', 'record:circuit-breaker:success', 'account:record-batch:success'])
    expect(run.steps.find((s) => s.job === 'account' && s.action)!.action!.run.stdout).not.toMatch(/::error/)
    // Each job (and matrix leg) ran in a workspace of its own.
    expect(run.jobRuns.map((j) => `${j.job}:${j.name}`)).toEqual(['preflight:preflight', 'gate:gate npm', 'work:npm', 'record:record npm', 'account:account CI minutes'])

    const doc = JSON.parse((await r.readOrigin('batch-control.json'))!)
    expect(doc.circuit_breaker.npm.window).toBe('SF')
    expect(await r.readOrigin('recipes/npm/a.toml')).toBe('a\n')
    expect(await r.readOrigin('recipes/npm/b.toml')).toBe('b\n')
    expect(await r.readOrigin('notes.txt')).toBeNull()
    const delivery = (await r.originCommits()).find((c) => c.subject === 'feat(batch): npm changes of batch 2026-03-02-001')!
    expect(delivery.trailers).toEqual([['Batch-Id', '2026-03-02-001'], ['Ecosystem', 'npm']])
    const files = (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', `${delivery.sha}^`, delivery.sha], r.origin)).stdout.split('\n').filter(Boolean)
    expect(files).toEqual(['recipes/npm/a.toml', 'recipes/npm/b.toml'])
    const manifest = JSON.parse((await r.readOrigin('data/batches/2026-03-02-001.json'))!)
    expect(manifest.files).toEqual([{ path: 'recipes/npm/a.toml', status: 'A' }, { path: 'recipes/npm/b.toml', status: 'A' }])
    expect(manifest.head_commit).toBe(delivery.sha)
  })

  test('a manual run (workflow_dispatch) does nothing unless the allowed-events input lists it', async () => {
    const r = await repo()
    const refused = await batch(r, RESULTS, { ecosystems: 'npm' }, { GITHUB_EVENT_NAME: 'workflow_dispatch' })
    expect(refused.jobs.preflight!.outputs).toMatchObject({ 'can-proceed': 'false', 'batch-id': '' })
    expect(refused.jobs.preflight!.outputs.reason).toContain("'workflow_dispatch', which is not in allowed-events (schedule)")
    expect(Object.fromEntries(Object.entries(refused.jobs).map(([k, v]) => [k, v.result]))).toMatchObject({ gate: 'skipped', work: 'skipped', record: 'skipped' })
    expect(JSON.parse((await r.readOrigin('batch-control.json'))!).batch_sequence).toBeUndefined()
    expect((await r.originLog()).filter((s) => s.includes('allocate batch'))).toEqual([])

    const allowed = await batch(r, RESULTS, { ecosystems: 'npm', 'allowed-events': 'schedule, workflow_dispatch' }, { GITHUB_EVENT_NAME: 'workflow_dispatch' })
    expect(allowed.jobs.preflight!.outputs).toMatchObject({ 'can-proceed': 'true', 'batch-id': '2026-03-02-001' })
    expect(allowed.jobs.gate!.result).toBe('success')
  })

  test('the work gets no token: nothing in its environment, and a push from its checkout fails', async () => {
    const r = await repo()
    const command = [
      'if env | grep -q "local-tok""en"; then echo "a token is in the environment"; exit 3; fi',
      'if [ -n "${GH_TOKEN:-}${GITHUB_TOKEN:-}" ]; then exit 4; fi',
      `git ${ID.join(' ')} commit --quiet --allow-empty -m "try to push"`,
      'if git push --quiet origin HEAD:refs/heads/main 2>/dev/null; then echo "the push went through"; exit 5; fi',
      RESULTS
    ].join('\n')
    const head = await r.originHead()
    const run = await batch(r, command, { ecosystems: 'npm' })
    const work = run.steps.find((s) => s.job === 'work' && s.step === 'work')!
    expect([work.outcome, work.stdout]).toEqual(['success', ''])
    expect((await r.originLog()).filter((s) => s === 'try to push')).toEqual([])
    expect(await r.originHead()).not.toBe(head) // the batch's own records did arrive
  })

  test('a change to the control file, with paths: ".", is refused whole: nothing of the work is pushed, the breaker records a failure', async () => {
    const r = await repo()
    const command = [
      'mkdir -p recipes/npm',
      'echo a > recipes/npm/a.toml',
      `sed -i 's/"open"/"closed"/' batch-control.json`,
      RESULTS
    ].join(' && ')
    const run = await batch(r, command, { ecosystems: 'npm', paths: '.' })
    const deliver = run.steps.find((s) => s.job === 'record' && s.step === 'deliver')!
    expect(deliver.outcome).toBe('failure')
    expect(deliver.stdout).toMatch(/outside paths \(\.\), or the batch.s own records .*; nothing was delivered/)
    expect(run.jobs.record!.result).toBe('failure')
    expect(await r.readOrigin('recipes/npm/a.toml')).toBeNull()
    const doc = JSON.parse((await r.readOrigin('batch-control.json'))!)
    expect(doc.circuit_breaker.pypi.state).toBe('open')
    expect(doc.circuit_breaker.npm.window).toBe('F')
    expect(run.steps.find((s) => s.job === 'record' && s.step === 'attempts')!.summary).toMatch(/could not be delivered/)
  })

  test('a work step that fails delivers nothing; its outcome is what the breaker records', async () => {
    const r = await repo()
    const run = await batch(r, 'mkdir -p recipes/npm && echo a > recipes/npm/a.toml && exit 1', { ecosystems: 'npm', 'results-file': '' })
    expect(run.jobs.work!.result).toBe('failure')
    expect(run.steps.find((s) => s.job === 'record' && s.step === 'deliver')!.outcome).toBe('skipped')
    expect(await r.readOrigin('recipes/npm/a.toml')).toBeNull()
    expect(run.steps.find((s) => s.job === 'record' && s.step === 'attempts')!.outputs).toEqual({ outcome: 'failure', successes: '', failures: '' })
    expect(JSON.parse((await r.readOrigin('batch-control.json'))!).circuit_breaker.npm.window).toBe('F')
    expect(await r.readOrigin('data/batches/2026-03-02-001.json')).not.toBeNull()
  })

  test('a batch that does not proceed still ends with the account job, which counts the run’s minutes', async () => {
    const r = await createRepo({ files: { 'batch-control.json': control({ enabled: false, reason: 'stopped' }) } })
    repos.push(r)
    const api = await fakeGitHub({ jobs: { '77': [job(1, 30, ['ubuntu-latest'], '2026-03-02T09:59:00Z')] } })
    servers.push(api)
    const run = await batch(r, 'exit 1', {}, { GITHUB_RUN_ID: '77', GITHUB_API_URL: api.url })
    expect(Object.fromEntries(Object.entries(run.jobs).map(([k, v]) => [k, v.result]))).toEqual({ preflight: 'success', gate: 'skipped', work: 'skipped', record: 'skipped', account: 'success' })
    const doc = JSON.parse((await r.readOrigin('batch-control.json'))!)
    expect(doc.budget).toMatchObject({ linux_minutes_used: 1, counted_jobs: { '1': 1 } })
    expect((await r.originLog())[0]).toBe('chore(batch): count the CI minutes of run 77 [skip ci]')
  })
})
