// npm run demo: the batch lifecycle, locally.
//
// Every step runs a bundled action (actions/<name>/dist/index.js) in a child
// process exactly as the GitHub runner does, against a throwaway repository
// whose origin is a local bare repository. Time is pinned with BATCH_OPS_NOW
// so that the breaker can be watched tripping, waiting and recovering.

import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, createRepo, git, runAction } from '../test/harness.ts'
import { fakePullsApi } from '../test/fakes.ts'

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)
const quiet = process.argv.includes('--quiet')

function show(title: string, run: ActionRun, keys: string[]): void {
  console.log(`\n${bold(`▶ ${title}`)}  ${dim(`(exit ${run.code}, ${run.ms} ms)`)}`)
  for (const k of keys) {
    const v = run.outputs[k] ?? ''
    console.log(`  ${k.padEnd(20)} ${v.length > 150 ? `${v.slice(0, 147)}…` : v}`)
  }
  for (const a of run.annotations) console.log(`  ${a.level === 'error' ? '✖' : a.level === 'warning' ? '⚠' : 'ℹ'} ${a.level}: ${a.message}`)
  if (!quiet) console.log(dim(run.summary.trim().replace(/^/gm, '  │ ')))
  if (run.code !== 0 && !title.includes('(fails)')) throw new Error(`${title} failed unexpectedly:\n${run.stdout}\n${run.stderr}`)
}

const control = (over: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      enabled: true,
      disabled_ecosystems: [],
      reason: '',
      incident_url: '',
      disabled_by: '',
      disabled_at: '',
      expected_resume: '',
      circuit_breaker: {
        homebrew: { state: 'closed', failures: 0 },
        npm: { state: 'closed', failures: 0 },
        pypi: { state: 'closed', failures: 0 }
      },
      budget: { macos_minutes_used: 120, linux_minutes_used: 900, week_start: '2026-03-02T00:00:00Z', sampling_active: false },
      ...over
    },
    null,
    2
  ) + '\n'

const PREFLIGHT_OUT = ['can-proceed', 'ecosystems', 'skipped-ecosystems', 'reason', 'sampling', 'batch-id']
const BREAKER_OUT = ['state', 'skip', 'probe', 'failure-rate', 'opens-at']

const started = Date.now()
const repo = await createRepo({ files: { 'batch-control.json': control() } })
const cwd = repo.work
const at = (iso: string) => ({ BATCH_OPS_NOW: iso, GITHUB_RUN_ID: String(Date.parse(iso) / 1000), GITHUB_REPOSITORY: 'demo/registry', GITHUB_REF: 'refs/heads/main' })
const preflight = (title: string, now: string, inputs: Record<string, string> = {}) =>
  runAction('preflight-check', { cwd, inputs: { ecosystems: 'homebrew, npm, pypi', ...inputs }, env: at(now) }).then((r) => {
    show(title, r, PREFLIGHT_OUT)
    return r
  })
const RECORD_OUT = ['success-rate', 'severity', 'successes', 'failures', 'uploaded']

/**
 * A synthetic batch: recipes committed with a `batch_id:` line, some passing and
 * some failing, then record-batch writes its metrics, failures and manifest.
 */
async function simulateBatch(batchId: string, now: string, plan: Record<string, { passed: number; failed: number }>): Promise<void> {
  const base = (await git(['rev-parse', 'HEAD'], cwd)).stdout.trim()
  const files: Record<string, string> = {}
  const results: string[] = []
  for (const [eco, { passed, failed }] of Object.entries(plan)) {
    for (let i = 0; i < passed + failed; i++) {
      const name = `${eco}-tool-${batchId.slice(-3)}-${i}`
      files[`recipes/${eco}/${name}.toml`] = `# batch_id: ${batchId}
name = "${name}"
version = "1.${i}.0"
`
      const ok = i < passed
      results.push(
        JSON.stringify({
          recipe_name: name,
          ecosystem: eco,
          result: ok ? 'passed' : 'failed',
          duration_seconds: 20 + i,
          ...(ok ? {} : { error_category: i % 2 ? 'install_failed' : 'checksum_mismatch', error_message: `recipe validation failed for '${name}'` })
        })
      )
    }
  }
  await repo.commitAndPush(files, `feat(recipes): batch ${batchId}\n\nbatch_id: ${batchId}`)
  const resultsFile = path.join(repo.root, `results-${batchId}.jsonl`)
  await writeFile(resultsFile, results.join('\n') + '\n')
  const r = await runAction('record-batch', {
    cwd,
    inputs: { 'batch-id': batchId, results: resultsFile, 'base-ref': base, 'macos-minutes': '14', 'linux-minutes': '31' },
    env: at(now)
  })
  show(`record-batch ${batchId}`, r, RECORD_OUT)
  const metrics = ((await repo.readOrigin('data/metrics/batch-runs.jsonl')) ?? '').trim().split('\n')
  console.log(dim(`  metrics line  ${metrics[metrics.length - 1]!.slice(0, 160)}…`))
  const failures = ((await repo.readOrigin(`data/failures/${batchId}.jsonl`)) ?? '').trim().split('\n').filter(Boolean)
  console.log(dim(`  failures      ${failures.length} record(s)${failures[0] ? `, first: ${failures[0].slice(0, 120)}…` : ''}`))
  const manifest = JSON.parse((await repo.readOrigin(`data/batches/${batchId}.json`)) ?? '{"files":[]}') as { files: Array<{ path: string; status: string }> }
  console.log(dim(`  manifest      ${manifest.files.length} file(s): ${manifest.files.slice(0, 3).map((f) => `${f.status} ${f.path}`).join(', ')}${manifest.files.length > 3 ? ', …' : ''}`))
}
const breaker = (title: string, now: string, inputs: Record<string, string>) =>
  runAction('circuit-breaker', { cwd, inputs, env: at(now) }).then((r) => show(title, r, BREAKER_OUT))

try {
  console.log(bold('batch-ops demo') + dim(`  repository ${repo.work}, origin ${repo.origin}`))

  console.log(bold('\n══ 1. preflight-check over four control-file states ══'))
  const first = await preflight('running: every ecosystem may run, batch ID 001', '2026-03-04T10:00:00Z')
  await simulateBatch(first.outputs['batch-id']!, '2026-03-04T10:40:00Z', { homebrew: { passed: 6, failed: 1 }, npm: { passed: 5, failed: 0 }, pypi: { passed: 2, failed: 3 } })
  const second = await preflight('running again the same day: batch ID 002', '2026-03-04T16:00:00Z')
  await simulateBatch(second.outputs['batch-id']!, '2026-03-04T16:30:00Z', { homebrew: { passed: 7, failed: 0 }, npm: { passed: 4, failed: 0 }, pypi: { passed: 5, failed: 0 } })

  await repo.commitAndPush({ 'batch-control.json': control({ disabled_ecosystems: ['pypi'], batch_sequence: { date: '2026-03-04', last: 2 } }) }, 'ops: pause pypi')
  await preflight('paused ecosystem: pypi is left out', '2026-03-04T18:00:00Z')

  await repo.commitAndPush(
    {
      'batch-control.json': control({
        enabled: false,
        reason: 'compromised upstream package in npm',
        incident_url: 'https://example.invalid/incidents/42',
        disabled_by: 'alice',
        disabled_at: '2026-03-04T18:30:00Z',
        expected_resume: '2026-03-05T09:00:00Z',
        batch_sequence: { date: '2026-03-04', last: 3 }
      })
    },
    'ops: stop all batches'
  )
  await preflight('stopped: the kill switch holds everything (and the resume time has passed)', '2026-03-05T10:00:00Z')

  await repo.commitAndPush(
    { 'batch-control.json': control({ budget: { macos_minutes_used: 850, linux_minutes_used: 1200, week_start: '2026-03-02T00:00:00Z', sampling_active: false } }) },
    'ops: resume; budget at 85% macOS'
  )
  await preflight('budget at 85%: sampling mode', '2026-03-05T11:00:00Z')
  await repo.commitAndPush(
    { 'batch-control.json': control({ budget: { macos_minutes_used: 960, linux_minutes_used: 1200, week_start: '2026-03-02T00:00:00Z', sampling_active: true } }) },
    'sim: more macOS minutes spent'
  )
  await preflight('budget nearly spent (96%): the batch does not proceed', '2026-03-05T12:00:00Z')
  await preflight('next Monday: a new budget week, usage reset', '2026-03-09T00:05:00Z')

  console.log(bold('\n══ 2. circuit-breaker: npm keeps failing, trips, waits, is probed and recovers; homebrew keeps running ══'))
  // npm has a healthy history (SSSS); then every run fails, and the failure rate climbs to the threshold.
  await repo.commitAndPush({ 'batch-control.json': control({ circuit_breaker: { homebrew: { state: 'closed', failures: 0 }, npm: { state: 'closed', failures: 0, window: 'SSSS' }, pypi: { state: 'closed', failures: 0 } } }) }, 'sim: npm history')
  const hours = ['2026-03-09T01:00:00Z', '2026-03-09T02:00:00Z', '2026-03-09T03:00:00Z', '2026-03-09T04:00:00Z']
  for (const [i, now] of hours.entries()) {
    await breaker(`run ${i + 1}: npm check`, now, { mode: 'check', ecosystem: 'npm' })
    await breaker(`run ${i + 1}: npm record (failure)`, now, { mode: 'record', ecosystem: 'npm', outcome: 'failure' })
    await breaker(`run ${i + 1}: homebrew record (success)`, now, { mode: 'record', ecosystem: 'homebrew', outcome: 'success' })
  }
  await breaker('30 min after the trip: npm is skipped while open', '2026-03-09T04:30:00Z', { mode: 'check', ecosystem: 'npm' })
  await breaker('homebrew is unaffected', '2026-03-09T04:30:00Z', { mode: 'check', ecosystem: 'homebrew' })
  await breaker('one hour after the trip: this run claims the half-open probe', '2026-03-09T05:00:00Z', { mode: 'check', ecosystem: 'npm', 'run-id': 'run-6' })
  await breaker('another run finds the probe taken and skips', '2026-03-09T05:01:00Z', { mode: 'check', ecosystem: 'npm', 'run-id': 'run-7' })
  await breaker('run 6, the probe, passes: npm closes', '2026-03-09T05:20:00Z', { mode: 'record', ecosystem: 'npm', successes: '5', failures: '0', 'run-id': 'run-6' })
  await preflight('preflight after recovery: every ecosystem runs', '2026-03-09T07:00:00Z')

  console.log(bold('\n══ 3. rollback-batch: batch 2026-03-04-001 took pypi down; take it back out with a pull request ══'))
  const api = await fakePullsApi()
  try {
    const rollbackEnv = { ...at('2026-03-09T08:00:00Z'), GITHUB_API_URL: api.url, GITHUB_ACTOR: 'alice', GITHUB_SERVER_URL: 'https://github.com' }
    const ROLLBACK_OUT = ['count', 'files', 'conflicts', 'branch', 'pr-number', 'pr-url']
    const dry = await runAction('rollback-batch', { cwd, inputs: { 'batch-id': '2026-03-04-001', 'dry-run': 'true' }, env: rollbackEnv })
    show('dry run: the plan, nothing changed', dry, ROLLBACK_OUT)
    const real = await runAction('rollback-batch', {
      cwd,
      inputs: { 'batch-id': '2026-03-04-001', reason: 'pypi recipes fail checksum validation', 'github-token': 'demo-token', reviewers: 'alice, registry/maintainers' },
      env: rollbackEnv
    })
    show('rollback: branch pushed, pull request opened', real, ROLLBACK_OUT)
    const pr = api.pulls[0]
    if (pr) {
      console.log(bold(`\n  The pull request it opened (#${pr.number}, from ${pr.head} into ${pr.base}), as the local fake GitHub API received it:`))
      console.log(`  title:     ${pr.title}\n  labels:    ${pr.labels.join(', ')}\n  reviewers: ${[...pr.reviewers, ...pr.teamReviewers].join(', ') || '(none: not over the review threshold)'}`)
      console.log(dim(pr.body.trim().split('\n').slice(0, 24).join('\n').replace(/^/gm, '  │ ')))
    }
  } finally {
    await api.close()
  }

  console.log(bold('\n══ 4. what origin holds ══'))
  for (const subject of (await repo.originLog()).slice(0, 12)) console.log(`  ${subject}`)
  console.log(dim(`  …\n  control file on origin:`))
  console.log(dim(((await repo.readOrigin('batch-control.json')) ?? '').replace(/^/gm, '  │ ')))
  console.log(bold(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`))
} finally {
  await repo.cleanup()
}
