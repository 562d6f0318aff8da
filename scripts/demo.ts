// npm run demo: the whole batch lifecycle, locally.
//
// Every step runs a bundled action (actions/<name>/dist/index.js) in a child
// process exactly as the GitHub runner does, against a throwaway repository
// whose origin is a local bare repository, and a local fake GitHub API for the
// rollback's pull request. Time is pinned per step with BATCH_OPS_NOW, so a
// breaker can be watched tripping, waiting and recovering in seconds.
//
// The terminal shows each step's key outputs; every job summary goes into one
// HTML page, whose path is printed at the end.

import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { marked } from 'marked'
import { type ActionRun, createRepo, git, repoRoot, runAction } from '../test/harness.ts'
import { addControlRoutes, fakePullsApi } from '../test/fakes.ts'
import { type StepResult, runWorkflow } from '../test/workflow-runner.ts'
import { demoDashboard } from './demo-dashboard.ts'
import { demoDrift } from './demo-drift.ts'
import { demoSloAlerts } from './demo-slo.ts'

const tty = process.stdout.isTTY
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s)
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s)
const started = Date.now()

// ---------------------------------------------------------------------------
// the report: key outputs in the terminal, every summary in one HTML page

interface Step {
  section: string
  title: string
  action: string
  run: ActionRun
}
const steps: Step[] = []
let section = ''

function chapter(title: string): void {
  section = title
  console.log(bold(`\n══ ${title} ══`))
}

function show(action: string, title: string, run: ActionRun, keys: string[], expectFailure = false): ActionRun {
  steps.push({ section, title, action, run })
  const outs = keys
    .map((k) => [k, run.outputs[k] ?? ''] as const)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v.length > 70 ? `${v.slice(0, 67)}…` : v}`)
  console.log(`${run.code === 0 ? '✔' : '✖'} ${title} ${dim(`[${action}, ${run.ms} ms]`)}`)
  if (outs.length > 0) console.log(dim(`    ${outs.join('  ')}`))
  for (const a of run.annotations.filter((x) => x.level !== 'notice')) console.log(`    ${a.level === 'error' ? '✖' : '⚠'} ${a.message.length > 180 ? `${a.message.slice(0, 177)}…` : a.message}`)
  if ((run.code !== 0) !== expectFailure) throw new Error(`${title}: unexpected exit ${run.code}\n${run.stdout}\n${run.stderr}`)
  return run
}

async function writeReport(): Promise<string> {
  const dir = path.join(repoRoot, '.demo')
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, 'batch-ops-demo.html')
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  let body = ''
  let current = ''
  for (const [i, s] of steps.entries()) {
    if (s.section !== current) {
      current = s.section
      body += `<h1>${esc(current)}</h1>\n`
    }
    const outputs = Object.entries(s.run.outputs)
      .map(([k, v]) => `<tr><td><code>${esc(k)}</code></td><td><code>${esc(v)}</code></td></tr>`)
      .join('')
    body +=
      `<section id="step-${i + 1}"><h2>${i + 1}. ${esc(s.title)} <small>${esc(s.action)} · exit ${s.run.code}</small></h2>\n` +
      `<div class="summary">${await marked.parse(s.run.summary)}</div>\n` +
      (outputs ? `<details><summary>outputs</summary><table>${outputs}</table></details>` : '') +
      `</section>\n`
  }
  const css =
    'body{font:14px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}' +
    'h1{border-bottom:2px solid #d0d7de;margin-top:2em}h2{font-size:1.1em;margin-top:1.5em}h2 small{color:#59636e;font-weight:normal}' +
    // Wide tables (checksums, URLs) scroll inside their summary instead of widening the page.
    '.summary{border:1px solid #d0d7de;border-radius:6px;padding:0 1em;background:#fff;overflow-x:auto}table{border-collapse:collapse;margin:.5em 0;display:block;overflow-x:auto;max-width:100%}' +
    'td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}code{background:#f6f8fa;padding:0 3px;border-radius:3px}' +
    'pre{background:#f6f8fa;padding:8px;overflow:auto}details{margin:.5em 0}'
  await writeFile(
    file,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>batch-ops demo</title><style>${css}</style></head><body>` +
      `<header><p><strong>batch-ops demo</strong>: ${steps.length} job summaries, on the demo's own clock (2 to 14 March 2026); written ${new Date().toISOString()}.</p></header>${body}</body></html>\n`
  )
  return file
}

// ---------------------------------------------------------------------------
// the registry

const ECOSYSTEMS = ['homebrew', 'npm', 'pypi']
const initialControl =
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
        npm: { state: 'closed', failures: 0, window: 'SSSSS' },
        pypi: { state: 'closed', failures: 0 }
      },
      budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: '', sampling_active: false }
    },
    null,
    2
  ) + '\n'

const repo = await createRepo({ files: { 'batch-control.json': initialControl, 'recipes/README.md': 'Recipes, generated in batches.\n' } })
const api = await fakePullsApi()
// batch-control asks the API whether the form's user may act (alice is an admin), and a stop
// cancels the runs of batch.yml that are still going (one, on another runner).
addControlRoutes(api, { roles: { alice: 'admin' }, runs: [{ id: 999, workflow: 'batch.yml', status: 'in_progress' }] })
// The run's jobs, for record-batch's budget, on a simulated clock. The local runner runs a batch's
// jobs one after another; each takes the simulated time below (homebrew's work on macOS), and its
// steps run at BATCH_OPS_NOW = its start + 25 s. The fake API lists, at that time, the jobs that
// finished as completed and the one running (the record job itself) as in_progress, without a
// completed_at, as GitHub does: record-batch counts both, and the account job the rest.
const SIMULATED_SECONDS: Record<string, number> = { preflight: 40, gate: 35, record: 75, account: 30 }
const workSeconds = (eco: string): number => (eco === 'homebrew' ? 390 : 150)
interface SimJob {
  id: number
  name: string
  labels: string[]
  started: number
  completed?: number
}
const runJobs = new Map<string, SimJob[]>()
let simNow = 0
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
api.route('GET', '/repos/:owner/:repo/actions/runs/:run_id/jobs', ({ params }) => {
  const jobs = (runJobs.get(params.run_id!) ?? [])
    .filter((j) => j.started <= simNow)
    .map((j) => {
      const done = j.completed !== undefined && j.completed <= simNow
      return {
        id: j.id,
        name: j.name,
        status: done ? 'completed' : 'in_progress',
        conclusion: done ? 'success' : null,
        started_at: stamp(j.started),
        completed_at: done ? stamp(j.completed!) : null,
        labels: j.labels
      }
    })
  return { status: 200, body: { total_count: jobs.length, jobs } }
})
const cwd = repo.work
let runNumber = 1000
const env = (now: string, runId = String(++runNumber), actor = 'batch-bot') => ({
  BATCH_OPS_NOW: now,
  // The commits a step makes carry the demo's time, not the machine's: the dashboard reads the
  // control file's history by commit time, as it would on a real repository.
  GIT_AUTHOR_DATE: now,
  GIT_COMMITTER_DATE: now,
  GITHUB_RUN_ID: runId,
  GITHUB_REPOSITORY: 'demo/registry',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: actor,
  GITHUB_API_URL: api.url
})

const PREFLIGHT = ['can-proceed', 'batch-id', 'ecosystems', 'skipped-ecosystems', 'sampling', 'reason']
const BREAKER = ['state', 'skip', 'probe', 'failure-rate', 'opens-at']
const RECORD = ['success-rate', 'severity', 'successes', 'failures']

function preflight(title: string, now: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  // The preflight of a scheduled batch (preflight-check runs batches on allowed-events, schedule by default).
  return runAction('preflight-check', { cwd, inputs: { ecosystems: ECOSYSTEMS.join(', '), ...inputs }, env: { ...env(now), GITHUB_EVENT_NAME: 'schedule' } }).then((r) =>
    show('preflight-check', title, r, PREFLIGHT)
  )
}

type Plan = Record<string, { passed: number; failed: number }>

const OUTPUT_KEYS: Record<string, string[]> = {
  'preflight-check': PREFLIGHT,
  'circuit-breaker': BREAKER,
  'record-batch': RECORD,
  'batch-control': ['changed', 'summary', 'cancelled'],
  'rollback-batch': ['count', 'branch', 'pr-number', 'pr-url']
}

/** Reports each action step of a workflow run as the demo's own steps. */
function reportSteps(label: string, expectFailure = false): (s: StepResult) => void {
  return (s) => {
    if (!s.action) return
    const where = s.matrix ? `${Object.values(s.matrix).join(', ')}: ` : ''
    show(s.action.name, `${label}: ${where}${s.step}`, s.action.run, OUTPUT_KEYS[s.action.name] ?? [], expectFailure)
  }
}

/**
 * One scheduled batch: .github/workflows/batch-operations.yml run by the local
 * workflow runner — preflight, then per ecosystem the gate (breaker check), the
 * work (scripts/demo-work.mjs, read-only: it leaves recipes in its checkout), the
 * record job (delivers the recipes in a `Batch-Id:` commit, record-batch, breaker
 * record), and last the account job. Time moves on a simulated clock from `now`.
 */
async function batch(label: string, now: string, plan: Plan): Promise<string | undefined> {
  const base = env(now)
  const jobs: SimJob[] = []
  runJobs.set(base.GITHUB_RUN_ID, jobs)
  let clock = Date.parse(now)
  const run = await runWorkflow('batch-operations.yml', {
    cwd,
    inputs: {
      ecosystems: ECOSYSTEMS.join(', '),
      'generate-command': 'node "$DEMO_WORK"',
      'results-file': '.batch-results/results.jsonl',
      'runs-on-by-ecosystem': '{"homebrew": "macos-14"}'
    },
    env: { ...base, GITHUB_EVENT_NAME: 'schedule', DEMO_WORK: path.join(repoRoot, 'scripts', 'demo-work.mjs'), DEMO_PLAN: JSON.stringify(plan) },
    onJob: (j) => {
      if (j.status === 'in_progress') {
        jobs.push({ id: Number(base.GITHUB_RUN_ID) * 100 + j.id, name: j.name, labels: j.labels, started: clock })
        simNow = clock + 25_000
        return { BATCH_OPS_NOW: stamp(simNow) }
      }
      const eco = String(j.matrix?.ecosystem ?? '')
      clock += (j.job === 'work' ? workSeconds(eco) : (SIMULATED_SECONDS[j.job] ?? 30)) * 1000
      jobs[jobs.length - 1]!.completed = clock
    },
    onStep: reportSteps(label)
  })
  const pre = run.jobs.preflight!.outputs
  return pre['can-proceed'] === 'true' ? pre['batch-id'] : undefined
}

/** The emergency form: .github/workflows/emergency.yml with these form values. */
async function emergency(title: string, now: string, form: Record<string, string>, actor = 'alice', expectFailure = false): Promise<void> {
  await runWorkflow('emergency.yml', {
    cwd,
    inputs: form,
    github: { actor, triggering_actor: actor },
    env: env(now, undefined, actor),
    onStep: reportSteps(title, expectFailure)
  })
}

/** The rollback form: .github/workflows/rollback.yml. */
async function rollbackForm(title: string, now: string, form: Record<string, string | boolean>): Promise<void> {
  await runWorkflow('rollback.yml', {
    cwd,
    inputs: form,
    github: { actor: 'alice', triggering_actor: 'alice', token: 'demo-token' },
    vars: { BATCH_OPS_ROLLBACK_REVIEWERS: 'alice, demo/registry-maintainers' },
    env: env(now, undefined, 'alice'),
    onStep: reportSteps(title)
  })
}

try {
  console.log(bold('batch-ops demo') + dim(`  repository ${repo.work}  origin ${repo.origin}  fake GitHub API ${api.url}`))

  chapter('1. Scheduled batches: preflight, breaker check, the work (read-only), delivery and record-batch, breaker record, CI minutes')
  await batch('Mon 10:00', '2026-03-02T10:00:00Z', { homebrew: { passed: 6, failed: 0 }, npm: { passed: 3, failed: 1 }, pypi: { passed: 4, failed: 0 } })
  const bad = await batch('Mon 14:00', '2026-03-02T14:00:00Z', { homebrew: { passed: 6, failed: 1 }, npm: { passed: 1, failed: 5 }, pypi: { passed: 4, failed: 0 } })
  console.log(dim(`    npm failed most of batch ${bad}: its breaker tripped and stays open for an hour.`))

  chapter('2. The npm breaker waits, is probed and recovers; the others keep running')
  await batch('Mon 14:30', '2026-03-02T14:30:00Z', { homebrew: { passed: 5, failed: 0 }, pypi: { passed: 3, failed: 0 } })
  // The 14:00 batch recorded npm's failures at about 14:16, so the breaker may be probed from about 15:16.
  show('circuit-breaker', 'Mon 15:20: another run checks npm first and claims the probe', await runAction('circuit-breaker', { cwd, inputs: { mode: 'check', ecosystem: 'npm', 'run-id': 'probe-run' }, env: env('2026-03-02T15:20:00Z') }), BREAKER)
  show('circuit-breaker', 'Mon 15:21: a concurrent run finds the probe taken and skips npm', await runAction('circuit-breaker', { cwd, inputs: { mode: 'check', ecosystem: 'npm', 'run-id': 'other-run' }, env: env('2026-03-02T15:21:00Z') }), BREAKER)
  show('circuit-breaker', 'Mon 15:40: the probe passes, npm closes', await runAction('circuit-breaker', { cwd, inputs: { mode: 'record', ecosystem: 'npm', successes: '4', failures: '0', 'run-id': 'probe-run' }, env: env('2026-03-02T15:40:00Z') }), BREAKER)
  await batch('Mon 18:00', '2026-03-02T18:00:00Z', { homebrew: { passed: 5, failed: 0 }, npm: { passed: 5, failed: 0 }, pypi: { passed: 3, failed: 0 } })

  chapter('3. An operator stops everything, then resumes (batch-control, the emergency form)')
  await emergency('emergency form: alice stops every batch', '2026-03-02T18:30:00Z', {
    command: 'stop',
    reason: 'compromised upstream package suspected in npm',
    incident_url: 'https://example.invalid/incidents/42',
    expected_resume: '2026-03-03T09:00:00Z'
  })
  await preflight('Mon 20:00: the next preflight is blocked', '2026-03-02T20:00:00Z')
  await emergency('emergency form: a typo is refused, nothing written', '2026-03-02T20:05:00Z', { command: 'pause-ecosystem', ecosystems: 'npmjs', reason: 'keep npm out' }, 'alice', true)
  await emergency('emergency form: alice pauses npm', '2026-03-02T20:06:00Z', { command: 'pause-ecosystem', ecosystems: 'npm', reason: 'keep npm out until the advisory is resolved' })
  await emergency('emergency form: alice resumes batches', '2026-03-03T09:00:00Z', { command: 'resume', reason: 'advisory triaged; npm stays paused' })
  await batch('Tue 10:00', '2026-03-03T10:00:00Z', { homebrew: { passed: 4, failed: 0 }, pypi: { passed: 4, failed: 0 } })

  chapter(`4. The bad batch ${bad} is rolled back with a pull request (rollback-batch, the rollback form)`)
  await rollbackForm('rollback form, dry run: the plan, nothing changed', '2026-03-03T11:00:00Z', { batch_id: bad!, reason: 'npm recipes of this batch fail checksum validation', dry_run: true })
  await rollbackForm('rollback form: branch pushed, pull request opened', '2026-03-03T11:05:00Z', { batch_id: bad!, reason: 'npm recipes of this batch fail checksum validation', dry_run: false })
  const pr = api.pulls[0]
  if (pr) {
    console.log(dim(`    pull request #${pr.number} ${pr.head} → ${pr.base}: "${pr.title}"`))
    console.log(dim(`    labels: ${pr.labels.join(', ')}; reviewers: ${[...pr.reviewers, ...pr.teamReviewers].join(', ') || '(none)'}`))
  }

  chapter('5. A hand edit that closes an open breaker is flagged')
  await batch('Tue 12:00', '2026-03-03T12:00:00Z', { homebrew: { passed: 4, failed: 0 }, pypi: { passed: 1, failed: 6 } })
  // Someone "fixes" the tripped pypi breaker by editing the file directly.
  const text = (await repo.readOrigin('batch-control.json'))!
  await git(['pull', '--quiet', '--ff-only', 'origin', 'main'], cwd)
  // The hand edit, dated like the demo's other commits (Tue 12:20).
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = '2026-03-03T12:20:00Z'
  try {
    await repo.commitAndPush({ 'batch-control.json': text.replace(/("pypi": \{\s*"state": )"open"/, '$1"closed"') }, 'unblock pypi, it is probably fine')
  } finally {
    delete process.env.GIT_AUTHOR_DATE
    delete process.env.GIT_COMMITTER_DATE
  }
  await preflight('Tue 12:30: preflight with on-tamper: block stops the batch', '2026-03-03T12:30:00Z', { 'on-tamper': 'block' })
  await emergency('emergency form: alice reviews the edit and acknowledges it', '2026-03-03T12:38:00Z', { command: 'acknowledge', reason: 'asked the author: pypi is not fixed, so it is paused next' })
  await emergency('emergency form: alice pauses pypi instead', '2026-03-03T12:40:00Z', { command: 'pause-ecosystem', ecosystems: 'pypi', reason: 'reviewed the hand edit of pypi; paused until its failures are fixed' })
  await preflight('Tue 12:45: the edit is acknowledged; the batch proceeds without pypi', '2026-03-03T12:45:00Z', { 'on-tamper': 'block' })

  chapter('6. An artifact changes upstream: checksum-drift opens an issue and pauses homebrew')
  await demoDrift({ cwd, api, env, show, note: (l) => console.log(dim(`    ${l}`)), batchId: bad })

  chapter("7. An ecosystem burns its error budget: slo-alerts opens an issue, changes its severity, closes it")
  await demoSloAlerts({ cwd, env, show, note: (l) => console.log(dim(`    ${l}`)) })

  chapter('8. What origin holds')
  for (const subject of (await repo.originLog()).slice(0, 8)) console.log(dim(`    ${subject}`))
  const metrics = ((await repo.readOrigin('data/metrics/batch-runs.jsonl')) ?? '').trim().split('\n')
  console.log(dim(`    data/metrics/batch-runs.jsonl: ${metrics.length} batch line(s); data/failures and data/batches hold each batch's failures and manifest`))

  const report = await writeReport()
  console.log(bold(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s: ${steps.length} action runs.`))
  console.log(`Every job summary is in ${bold(report)}`)
  console.log(`The dashboard of its history is in ${bold(await demoDashboard(cwd, path.join(repoRoot, '.demo', 'dashboard')))}`)
} finally {
  await api.close()
  await repo.cleanup()
}
