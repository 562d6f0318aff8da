// The ready-made workflows, run by the local workflow runner against a bare origin:
// their `with:` wiring reaches the bundled actions, and their conditions hold.

import { createRepo, type TestRepo } from './harness.ts'
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
  test('the stop form reaches batch-control with every field, and the audit trail is on origin', async () => {
    const r = await repo()
    const run = await runWorkflow('emergency.yml', {
      cwd: r.work,
      inputs: { command: 'stop', reason: 'bad recipes merged', incident_url: 'https://example.invalid/i/7', expected_resume: '2026-03-03T09:00:00Z' },
      github: { actor: 'alice', triggering_actor: 'alice' },
      env
    })
    expect(run.jobs['batch-control']!.result).toBe('success')
    const doc = JSON.parse((await r.readOrigin('batch-control.json'))!)
    expect(doc).toMatchObject({ enabled: false, reason: 'bad recipes merged', disabled_by: 'alice', incident_url: 'https://example.invalid/i/7', expected_resume: '2026-03-03T09:00:00Z' })
    const [commit] = await r.originCommits()
    expect(commit!.trailers).toEqual(expect.arrayContaining([['Operator', 'alice'], ['Reason', 'bad recipes merged'], ['Incident', 'https://example.invalid/i/7']]))
    // The follow-up step ran and told the operator how to verify.
    const verify = run.steps.find((s) => s.kind === 'run')!
    expect(verify.outcome).toBe('success')
    expect(verify.summary).toMatch(/Next/)
  })

  test('an invalid request fails the job and writes nothing', async () => {
    const r = await repo()
    const head = await r.originHead()
    const run = await runWorkflow('emergency.yml', { cwd: r.work, inputs: { command: 'reset-breaker', ecosystems: 'npm', reason: 'try' }, github: { actor: 'alice' }, env })
    expect(run.jobs['batch-control']!.result).toBe('failure')
    expect(await r.originHead()).toBe(head)
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
  test('preflight, then per ecosystem: check, work, record-batch, breaker record; an open breaker is skipped', async () => {
    const r = await repo()
    const run = await runWorkflow('batch-operations.yml', {
      cwd: r.work,
      inputs: {
        ecosystems: 'npm, pypi',
        'generate-command': 'mkdir -p out && printf \'{"recipe_name":"a","result":"passed"}\\n{"recipe_name":"b","result":"failed"}\\n\' > out/results.jsonl',
        'results-file': 'out/results.jsonl'
      },
      env
    })
    expect(run.jobs.preflight!.outputs).toMatchObject({ 'can-proceed': 'true', 'batch-id': '2026-03-02-001', ecosystems: '["npm"]' })
    expect(run.jobs.ecosystem!.result).toBe('success')
    const names = run.steps.filter((s) => s.action).map((s) => `${s.action!.name}:${s.outcome}`)
    expect(names).toEqual(['preflight-check:success', 'circuit-breaker:success', 'record-batch:success', 'circuit-breaker:success'])
    const doc = JSON.parse((await r.readOrigin('batch-control.json'))!)
    expect(doc.circuit_breaker.npm.window).toBe('SF')
    expect(await r.readOrigin('data/batches/2026-03-02-001.json')).not.toBeNull()
  })
})
