// record-batch end to end: the bundled action (dist/index.js) in a child process,
// as the runner starts it, against real git repositories with a local bare origin,
// a fake GitHub REST API (the run's jobs) and a fake metrics Worker. docs/contract.md §2, §3, §6.

import { existsSync } from 'node:fs'
import { readFile, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, type Annotation, type TestRepo, createRepo, expectExit, git, runAction } from '../../../test/harness.js'
import { type FakeJob, type FakeServer, fakeGitHub, fakeServer, fakeSink, job, queuedJob, runningJob } from '../../../test/fakes.js'

// A Wednesday; its budget week started on Monday 2026-03-02 00:00 UTC.
const NOW = '2026-03-04T10:00:00Z'
const MONDAY = '2026-03-02T00:00:00Z'
const RUN_ID = '4242'
const RUN_URL = `https://github.com/acme/recipes/actions/runs/${RUN_ID}`
const CONTROL = 'batch-control.json'
const METRICS = 'data/metrics/batch-runs.jsonl'
const BOT_NAME = 'github-actions[bot]'
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com'
const GH_TOKEN = 'ghs_FAKEgithubTOKEN0123456789abcdef'
const METRICS_TOKEN = 'mtok-FAKE-metrics-secret-9f8e7d6c'

// Earlier lines, written by the shell tooling: odd spacing that a rewrite would lose.
const EARLIER_METRICS = '{"batch_id": "2026-03-03-001",  "legacy": true}\n{"schema_version":1,"batch_id":"2026-03-03-002"}\n'
const EARLIER_FAILURES = '{"recipe": "old-recipe", "batch_id": "2026-03-03-001"}\n'

type Json = Record<string, unknown>
const render = (doc: object): string => JSON.stringify(doc, null, 2) + '\n'

const control = (budget: Json = { macos_minutes_used: 10, linux_minutes_used: 20, week_start: MONDAY, sampling_active: false }): Json => ({
  enabled: true,
  disabled_ecosystems: [],
  reason: '',
  circuit_breaker: { homebrew: { state: 'closed', failures: 0 } },
  budget,
  custom_field: { kept: true }
})

const baseFiles = (): Record<string, string> => ({
  [CONTROL]: render(control()),
  [METRICS]: EARLIER_METRICS,
  'data/failures/2026-03-03-001.jsonl': EARLIER_FAILURES,
  'recipes/a.toml': 'name = "a"\n',
  'recipes/b.toml': 'name = "b"\n',
  'recipes/c.toml': 'name = "c"\n',
  'docs/guide.md': '# guide\n'
})

// ---------------------------------------------------------------------------
// fixtures and helpers

const repos: TestRepo[] = []
const servers: FakeServer[] = []
async function repoWith(files: Record<string, string> = baseFiles()): Promise<TestRepo> {
  const repo = await createRepo({ files })
  repos.push(repo)
  return repo
}
async function track<S extends FakeServer>(server: Promise<S>): Promise<S> {
  const s = await server
  servers.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

interface R {
  recipe_name?: string
  name?: string
  ecosystem?: string
  result: string
  error_category?: string
  error_message?: string
  duration_seconds?: number
  platform?: string
}
const res = (name: string, ecosystem: string, result: string, extra: Partial<R> = {}): R => ({ recipe_name: name, ecosystem, result, ...extra })
const many = (n: number, ecosystem: string, result: string, extra: Partial<R> = {}): R[] =>
  Array.from({ length: n }, (_, i) => res(`${ecosystem}-${result}-${i}`, ecosystem, result, extra))

let resultFiles = 0
/** Writes results as JSON Lines outside the checkout (so they are no change of the repository); returns the path. */
async function resultsFile(repo: TestRepo, records: R[] | string): Promise<string> {
  const file = path.join(repo.root, `results-${++resultFiles}.jsonl`)
  await writeFile(file, typeof records === 'string' ? records : records.map((r) => JSON.stringify(r)).join('\n') + '\n')
  return file
}

interface RecordOptions {
  env?: Record<string, string | undefined>
  timeoutMs?: number
}
function record(cwd: string, inputs: Record<string, string>, o: RecordOptions = {}): Promise<ActionRun> {
  return runAction('record-batch', {
    cwd,
    inputs,
    env: {
      BATCH_OPS_NOW: NOW,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/recipes',
      GITHUB_RUN_ID: RUN_ID,
      GITHUB_REF: 'refs/heads/main',
      ...o.env
    },
    timeoutMs: o.timeoutMs ?? 60_000
  })
}

const of = (r: ActionRun, level: Annotation['level']): Annotation[] => r.annotations.filter((a) => a.level === level)
const reportOf = (r: ActionRun): Json[] => JSON.parse(r.outputs.report ?? 'null') as Json[]
const bySeverity = (r: ActionRun): Record<string, unknown> => Object.fromEntries(reportOf(r).map((e) => [e.ecosystem, e.severity]))

async function originJson(repo: TestRepo, file: string): Promise<Json> {
  const text = await repo.readOrigin(file)
  if (text === null) throw new Error(`${file} is not on origin`)
  return JSON.parse(text) as Json
}
const originBudget = async (repo: TestRepo): Promise<Json> => (await originJson(repo, CONTROL)).budget as Json
/** The lines after the earlier ones (which must be kept byte for byte). */
async function newMetricsLines(repo: TestRepo, earlier = EARLIER_METRICS): Promise<string[]> {
  const text = (await repo.readOrigin(METRICS)) ?? ''
  expect(text.startsWith(earlier)).toBe(true)
  expect(text.endsWith('\n')).toBe(true)
  return text.slice(earlier.length).split('\n').slice(0, -1)
}
const originFiles = async (repo: TestRepo): Promise<string[]> =>
  (await git(['ls-tree', '-r', '--name-only', `refs/heads/${repo.branch}`], repo.origin)).stdout.split('\n').filter(Boolean).sort()
/** Files the commit changed (against its first parent). */
const commitFiles = async (repo: TestRepo, sha: string): Promise<string[]> =>
  (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', `${sha}^`, sha], repo.origin)).stdout.split('\n').filter(Boolean).sort()
const status = async (dir: string): Promise<string> => (await git(['status', '--porcelain', '--untracked-files=all'], dir)).stdout

/** Every file and directory under `dir`, relative, skipping git's own directories. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name.endsWith('.git')) continue
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    out.push(rel)
    if (entry.isDirectory()) out.push(...(await walk(path.join(dir, entry.name), rel)))
  }
  return out.sort()
}

// ---------------------------------------------------------------------------

describe('severity: outputs, annotations and the summary', () => {
  // Default SLOs: homebrew 85%, default 98%; critical below 50%; info over a 120 s mean.
  const mixed: R[] = [
    ...many(1, 'npm', 'passed'),
    ...many(2, 'npm', 'failed', { error_category: 'network' }), // 33% → critical
    ...many(4, 'homebrew', 'passed'),
    ...many(1, 'homebrew', 'failed', { error_category: 'checksum' }), // 80% < 85% → warning
    ...many(3, 'cask', 'passed', { duration_seconds: 200 }), // 100%, mean 200 s > 120 s → info
    ...many(2, 'pypi', 'passed', { duration_seconds: 10 }), // 100% → ok
    ...many(1, 'pypi', 'skipped'),
    ...many(1, 'pypi', 'blocked')
  ]

  test('one batch with all four: each ecosystem judged on its own, the worst is the severity', async () => {
    const repo = await repoWith()
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, mixed) })

    expectExit(r, 0)
    expect(r.outputs.severity).toBe('critical')
    expect(bySeverity(r)).toEqual({ npm: 'critical', homebrew: 'warning', cask: 'info', pypi: 'ok' })
    expect(r.outputs['success-rate']).toBe(String(Math.round((10 / 13) * 10000) / 10000))

    // One annotation per non-ok ecosystem, at the level of its severity; none for the ok one.
    const about = (eco: string): Annotation[] => r.annotations.filter((a) => a.message.startsWith(`${eco}:`))
    expect(about('npm')).toEqual([expect.objectContaining({ level: 'error', props: expect.objectContaining({ title: 'batch 2026-03-04-001: critical' }) })])
    expect(about('npm')[0]!.message).toMatch(/critical threshold 50%/)
    expect(about('homebrew')).toEqual([expect.objectContaining({ level: 'warning', props: expect.objectContaining({ title: 'batch 2026-03-04-001: below SLO' }) })])
    expect(about('homebrew')[0]!.message).toMatch(/80% is below its SLO 85%/)
    expect(about('cask')).toEqual([expect.objectContaining({ level: 'notice', props: expect.objectContaining({ title: 'batch 2026-03-04-001: slow' }) })])
    expect(about('cask')[0]!.message).toMatch(/mean duration 200 s is over 120 s/)
    expect(about('pypi')).toEqual([])

    expect(r.summary).toMatch(/^## 🔴 Batch `2026-03-04-001`: 76\.9% success \(10 passed, 3 failed, 2 skipped or blocked\)/)
    const row = (eco: string): string => r.summary.split('\n').find((l) => l.startsWith(`| \`${eco}\` |`)) ?? ''
    expect(row('npm')).toContain('🔴 critical')
    expect(row('homebrew')).toContain('🟠 warning')
    expect(row('cask')).toContain('🔵 info')
    expect(row('pypi')).toContain('🟢 ok')
    expect(r.summary).toContain('### Top failure categories')
    expect(r.summary).toMatch(/\| `network` \| 2 \|/)
  })

  test.each([
    ['critical', [...many(1, 'npm', 'passed'), ...many(3, 'npm', 'failed')], '🔴', 'error'],
    ['warning', [...many(97, 'npm', 'passed'), ...many(3, 'npm', 'failed')], '🟠', 'warning'],
    ['info', many(2, 'npm', 'passed', { duration_seconds: 121 }), '🔵', 'notice'],
    ['ok', many(2, 'npm', 'passed', { duration_seconds: 120 }), '🟢', undefined]
  ] as const)('%s alone', async (severity, results, mark, level) => {
    const repo = await repoWith()
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, [...results]), persist: 'false' })
    expectExit(r, 0)
    expect(r.outputs.severity).toBe(severity)
    expect(bySeverity(r)).toEqual({ npm: severity })
    expect(r.summary.startsWith(`## ${mark} Batch`)).toBe(true)
    expect(r.summary).toMatch(new RegExp(`\\| \`npm\` \\|.*\\| ${mark} ${severity} \\|`))
    const npm = r.annotations.filter((a) => a.message.startsWith('npm:'))
    expect(npm.map((a) => a.level)).toEqual(level ? [level] : [])
  })

  test("the summary shows each ecosystem's last batches as a sparkline next to its SLO, from the metrics file", async () => {
    const repo = await repoWith()
    // Three batches of npm: 100%, 50%, 0%; the first two lines already in the file.
    await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(4, 'npm', 'passed')) })
    await record(repo.work, { 'batch-id': '2026-03-04-002', results: await resultsFile(repo, [...many(2, 'npm', 'passed'), ...many(2, 'npm', 'failed')]) })
    const r = await record(repo.work, { 'batch-id': '2026-03-04-003', results: await resultsFile(repo, many(3, 'npm', 'failed')) })
    expectExit(r, 0)
    expect(r.summary).toContain('| success rate | SLO | last 10 batches | severity |')
    expect(r.summary).toMatch(/\| `npm` \| 0 \| 3 \| 0 \| 0 \| 0% \| 98% \| `█▅▁` \|/)
  })

  test('slo and thresholds come from the inputs', async () => {
    const repo = await repoWith()
    const results = [...many(7, 'npm', 'passed', { duration_seconds: 30 }), ...many(3, 'npm', 'failed')] // 70%
    const file = await resultsFile(repo, results)
    let r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: file, persist: 'false', slo: '{"npm":0.7}', 'latency-threshold-seconds': '20' })
    expect(r.outputs.severity).toBe('info')
    r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: file, persist: 'false', slo: '{"default":0.75}' })
    expect(r.outputs.severity).toBe('warning')
    r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: file, persist: 'false', 'critical-threshold': '0.8' })
    expect(r.outputs.severity).toBe('critical')
  })
})

describe('skipped and blocked are not failures', () => {
  test('rate = passed / (passed + failed); counts in outputs, metrics line and report', async () => {
    const repo = await repoWith()
    const results = [...many(3, 'homebrew', 'passed'), ...many(1, 'homebrew', 'failed'), ...many(5, 'homebrew', 'skipped'), ...many(4, 'homebrew', 'blocked')]
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, results) })

    expectExit(r, 0)
    expect(r.outputs['success-rate']).toBe('0.75')
    expect(r.outputs.successes).toBe('3')
    expect(r.outputs.failures).toBe('1')
    expect(reportOf(r)).toEqual([
      { ecosystem: 'homebrew', passed: 3, failed: 1, skipped: 5, blocked: 4, success_rate: 0.75, slo: 0.85, severity: 'warning' }
    ])
    const [line] = await newMetricsLines(repo)
    const m = JSON.parse(line!) as Json
    expect(m.totals).toEqual({ passed: 3, failed: 1, skipped: 5, blocked: 4, total: 13 })
    expect(m.success_rate).toBe(0.75)
    expect(((await repo.readOrigin('data/failures/2026-03-04-001.jsonl')) ?? '').split('\n').filter(Boolean)).toHaveLength(1)
  })

  test('only skipped and blocked: no rate, ok, no failures, no failure file', async () => {
    const repo = await repoWith()
    const results = [...many(2, 'npm', 'skipped'), ...many(2, 'npm', 'blocked')]
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, results) })

    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ 'success-rate': '', severity: 'ok', successes: '0', failures: '0' })
    expect(reportOf(r)[0]).toMatchObject({ success_rate: null, severity: 'ok' })
    expect(r.annotations.filter((a) => a.level === 'error')).toEqual([])
    expect(await repo.readOrigin('data/failures/2026-03-04-001.jsonl')).toBeNull()
    expect(r.summary).toContain('no failures, so no failure file')
  })
})

describe('budget: the run’s job minutes from the GitHub API', () => {
  // 114 jobs: two pages of 100. 61 s counts as 2 minutes; the job in progress since 09:57:30
  // counts 3 at NOW (10:00); the queued one nothing; the macOS job is on page 2, so it only
  // counts if pagination is followed.
  const fillers = (): FakeJob[] => Array.from({ length: 110 }, (_, i) => job(1000 + i, 90, ['ubuntu-22.04'])) // 2 min each
  const runJobs = (): FakeJob[] => [job(1, 61, ['ubuntu-latest']), runningJob(2, '2026-03-04T09:57:30Z'), queuedJob(5), ...fillers(), job(3, 300, ['macos-14'])]
  const LINUX = 2 + 3 + 110 * 2
  const FINISHED = 1 + 110 + 1

  const withApi = (api: FakeServer, extra: Record<string, string> = {}) => ({
    inputs: { 'github-token': GH_TOKEN, ...extra },
    env: { GITHUB_API_URL: api.url }
  })

  test('each job rounded up, sorted by OS, in progress by its time so far, queued left out, both pages read; the control file on origin gains the minutes', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: runJobs() } }))
    const { inputs, env } = withApi(api)
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')), ...inputs }, { env })

    expectExit(r, 0)
    const requests = api.jobRequests()
    expect(requests).toHaveLength(2)
    expect(requests.map((q) => q.path)).toEqual([`/repos/acme/recipes/actions/runs/${RUN_ID}/jobs`, `/repos/acme/recipes/actions/runs/${RUN_ID}/jobs`])
    expect(requests[0]!.query).toMatchObject({ filter: 'all', per_page: '100' })
    expect(requests[0]!.query.page ?? '1').toBe('1')
    expect(requests[1]!.query).toMatchObject({ filter: 'all', per_page: '100', page: '2' })
    expect(requests[0]!.method).toBe('GET')
    expect(String(requests[0]!.headers.authorization)).toContain(GH_TOKEN)
    expect(api.requests).toHaveLength(2) // nothing else was asked

    const budget = await originBudget(repo)
    expect(budget).toMatchObject({ macos_minutes_used: 10 + 5, linux_minutes_used: 20 + LINUX, week_start: MONDAY, sampling_active: false })
    expect(budget.counted_jobs).toEqual(Object.fromEntries([[1, 2], [2, 3], [3, 5], ...fillers().map((j) => [j.id, 2])].map(([id, m]) => [String(id), m])))
    expect(budget).not.toHaveProperty('counted_job_ids')
    expect((await originJson(repo, CONTROL)).custom_field).toEqual({ kept: true })
    const [line] = await newMetricsLines(repo)
    expect((JSON.parse(line!) as Json).minutes).toEqual({ macos: 5, linux: LINUX, windows: 0 })
    expect(r.summary).toContain(`${FINISHED} finished and 1 in-progress job(s) of this run`)
    expect(r.summary).toMatch(/\| macOS \| 5 \| 15 \| 1000 \| 1\.5% \|/)
  })

  test('a job in progress counts its elapsed time at BATCH_OPS_NOW, rounded up; later, finished, only the difference', async () => {
    const repo = await repoWith()
    // Started 4 min 59 s before NOW: 5 minutes so far.
    const jobs = [runningJob(7, '2026-03-04T09:55:01Z', ['macos-14'])]
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: jobs } }))
    const { inputs, env } = withApi(api)
    const results = await resultsFile(repo, many(1, 'npm', 'passed'))
    const first = await record(repo.work, { 'batch-id': '2026-03-04-001', results, ...inputs }, { env })
    expectExit(first, 0)
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 10 + 5, linux_minutes_used: 20, counted_jobs: { '7': 5 } })
    expect(first.summary).toContain('0 finished and 1 in-progress job(s) of this run')

    // Two minutes later it is still running (7 min so far): 2 more. Then it finished after 11 min 30 s
    // (12): 5 more. Seen finished again: nothing.
    const second = await record(await repo.clone(), { 'batch-id': '2026-03-04-002', results, ...inputs }, { env: { ...env, BATCH_OPS_NOW: '2026-03-04T10:02:00Z' } })
    expectExit(second, 0)
    jobs[0] = job(7, 690, ['macos-14'], '2026-03-04T09:55:01Z')
    const third = await record(await repo.clone(), { 'batch-id': '2026-03-04-003', results, ...inputs }, { env: { ...env, BATCH_OPS_NOW: '2026-03-04T10:20:00Z' } })
    expectExit(third, 0)
    const fourth = await record(await repo.clone(), { 'batch-id': '2026-03-04-004', results, ...inputs }, { env: { ...env, BATCH_OPS_NOW: '2026-03-04T10:30:00Z' } })
    expectExit(fourth, 0)

    expect((await newMetricsLines(repo)).map((l) => ((JSON.parse(l) as Json).minutes as Json).macos)).toEqual([5, 2, 5, 0])
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 10 + 12, linux_minutes_used: 20, counted_jobs: { '7': 12 } })
    expect(third.summary).toContain('1 finished and 0 in-progress job(s) of this run')
    expect(fourth.summary).toContain('0 finished and 0 in-progress job(s) of this run')
  })

  test('a second record-batch in the same run counts only what the first did not', async () => {
    const repo = await repoWith()
    const jobs = runJobs()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: jobs } }))
    const { inputs, env } = withApi(api)
    const results = await resultsFile(repo, many(1, 'npm', 'passed'))
    expectExit(await record(repo.work, { 'batch-id': '2026-03-04-001', results, ...inputs }, { env }), 0)

    // Since then: the job in progress finished after 4 min 10 s (5 min, 3 of them counted already),
    // and a new macOS job ran 2 min 1 s → 3 min.
    jobs[1] = job(2, 250, ['ubuntu-latest'], '2026-03-04T09:57:30Z')
    jobs.push(job(4, 121, ['macOS', 'self-hosted', 'ARM64']))
    const clone = await repo.clone()
    const r = await record(clone, { 'batch-id': '2026-03-04-002', results, ...inputs }, { env: { ...env, BATCH_OPS_NOW: '2026-03-04T10:05:00Z' } })

    expectExit(r, 0)
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 10 + 5 + 3, linux_minutes_used: 20 + LINUX + 2 })
    const lines = await newMetricsLines(repo)
    expect(lines.map((l) => (JSON.parse(l) as Json).minutes)).toEqual([
      { macos: 5, linux: LINUX, windows: 0 },
      { macos: 3, linux: 2, windows: 0 }
    ])
    expect(r.summary).toContain('2 finished and 0 in-progress job(s) of this run')
  })

  test('a control file written by the earlier version: its counted_job_ids are not counted again and are kept', async () => {
    const repo = await repoWith({ ...baseFiles(), [CONTROL]: render(control({ macos_minutes_used: 10, linux_minutes_used: 20, week_start: MONDAY, sampling_active: false, counted_job_ids: [1, 3] })) })
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: [job(1, 61), job(3, 300, ['macos-14']), job(8, 30)] } }))
    const { inputs, env } = withApi(api)
    expectExit(await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')), ...inputs }, { env }), 0)
    expect(await originBudget(repo)).toEqual({ macos_minutes_used: 10, linux_minutes_used: 21, week_start: MONDAY, sampling_active: false, counted_job_ids: [1, 3], counted_jobs: { '8': 1 } })
  })

  test('explicit macos-minutes / linux-minutes override the job listing: no API request', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: runJobs() } }))
    const { inputs, env } = withApi(api, { 'macos-minutes': '7', 'linux-minutes': '3' })
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')), ...inputs }, { env })

    expectExit(r, 0)
    expect(api.requests).toEqual([])
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 17, linux_minutes_used: 23 })
    expect(await originBudget(repo)).not.toHaveProperty('counted_job_ids')
    expect(await originBudget(repo)).not.toHaveProperty('counted_jobs')
    expect(r.summary).toContain('Minutes from: explicit inputs')

    // One of the two alone also overrides; the other counts as 0.
    const r2 = await record(repo.work, { 'batch-id': '2026-03-04-002', results: await resultsFile(repo, many(1, 'npm', 'passed')), ...withApi(api, { 'linux-minutes': '4' }).inputs }, { env })
    expectExit(r2, 0)
    expect(api.requests).toEqual([])
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 17, linux_minutes_used: 27 })
  })

  test('a jobs API that accepts the connection and never answers: the request gives up, the batch is recorded (issue 12 item 3)', async () => {
    const repo = await repoWith()
    const api = await track(fakeServer([{ method: 'GET', pattern: '/repos/:owner/:repo/actions/runs/:run_id/jobs', handler: () => 'hang' }]))
    const before = await repo.readOrigin(CONTROL)
    const { inputs, env } = withApi(api)
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')), ...inputs }, { env: { ...env, BATCH_OPS_API_TIMEOUT_SECONDS: '1' } })
    expectExit(r, 0)
    expect(of(r, 'warning').map((a) => a.message)).toEqual([expect.stringMatching(/could not list the jobs of run .*no answer from .* within 1 s/)])
    expect(await repo.readOrigin(CONTROL)).toBe(before)
    expect(await newMetricsLines(repo)).toHaveLength(1)
  })

  test('the API failing leaves the budget alone, warns, and records the batch anyway', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { '999': runJobs() } })) // not this run: 404
    const before = await repo.readOrigin(CONTROL)
    const { inputs, env } = withApi(api)
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')), ...inputs }, { env })

    expectExit(r, 0)
    expect(api.jobRequests()).toHaveLength(1)
    expect(of(r, 'warning').map((a) => a.message)).toEqual([expect.stringMatching(new RegExp(`could not list the jobs of run ${RUN_ID}.*budget was not updated`))])
    expect(await repo.readOrigin(CONTROL)).toBe(before)
    expect(await newMetricsLines(repo)).toHaveLength(1)
  })

  test('without a github-token: a warning, the budget is not touched', async () => {
    const repo = await repoWith()
    const before = await repo.readOrigin(CONTROL)
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')) })
    expectExit(r, 0)
    expect(of(r, 'warning').map((a) => a.message)).toEqual([expect.stringContaining('no github-token')])
    expect(await repo.readOrigin(CONTROL)).toBe(before)
  })
})

describe('mode: account, the last job of a run', () => {
  const account = (cwd: string, inputs: Record<string, string>, o: RecordOptions = {}) => record(cwd, { mode: 'account', ...inputs }, o)

  test('after everything: counts what finished after the record step and the rest of what it counted in progress; a second accounting adds nothing', async () => {
    const repo = await repoWith()
    // 10:00, the record step of job 12: the work (job 11) finished; its own job has run 1 min 30 s.
    const jobs: FakeJob[] = [job(11, 61, ['macos-14'], '2026-03-04T09:50:00Z'), runningJob(12, '2026-03-04T09:58:30Z')]
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: jobs } }))
    const env = { GITHUB_API_URL: api.url }
    expectExit(await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(2, 'npm', 'failed')), 'github-token': GH_TOKEN }, { env }), 0)
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 10 + 2, linux_minutes_used: 20 + 2, counted_jobs: { '11': 2, '12': 2 } })
    const metricsBefore = await repo.readOrigin(METRICS)
    const filesBefore = await originFiles(repo)

    // 10:10, the accounting job (14): job 12 took 4 min 50 s in all (5, 2 counted), a breaker record
    // after it (13) 45 s (1), and the accounting job itself has run 40 s (1).
    jobs[1] = job(12, 290, ['ubuntu-latest'], '2026-03-04T09:58:30Z')
    jobs.push(job(13, 45, ['ubuntu-latest'], '2026-03-04T10:03:20Z'), runningJob(14, '2026-03-04T10:09:20Z'))
    const head = await repo.originHead()
    const r = await account(await repo.clone(), { 'batch-id': '2026-03-04-001', 'github-token': GH_TOKEN }, { env: { ...env, BATCH_OPS_NOW: '2026-03-04T10:10:00Z' } })

    expectExit(r, 0)
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 12, linux_minutes_used: 22 + 3 + 1 + 1, counted_jobs: { '11': 2, '12': 5, '13': 1, '14': 1 } })
    // The budget only: no metrics line, no failure records, no manifest; one commit of the control file.
    expect(await repo.readOrigin(METRICS)).toBe(metricsBefore)
    expect(await originFiles(repo)).toEqual(filesBefore)
    const [commit] = await repo.originCommits()
    expect(commit!.sha).not.toBe(head)
    expect(await commitFiles(repo, commit!.sha)).toEqual([CONTROL])
    expect(commit!.subject).toBe('chore(batch): count the CI minutes of batch 2026-03-04-001 [skip ci]')
    expect(commit!.trailers).toEqual([
      ['Batch-Id', '2026-03-04-001'],
      ['Batch-Ops-Action', 'record-batch'],
      ['Run-Url', RUN_URL]
    ])
    expect(r.summary).toContain('5 more minute(s) counted')
    expect(r.summary).toContain('2 finished and 1 in-progress job(s) of this run')
    expect(r.summary).toMatch(/\| Linux \+ Windows \| 5 \| 27 \| 5000 \|/)
    expect(r.outputs).toEqual({})

    // Another accounting run once the accounting job finished (50 s: the 1 minute it counted): nothing to add.
    jobs[3] = job(14, 50, ['ubuntu-latest'], '2026-03-04T10:09:20Z')
    const after = await repo.originHead()
    const again = await account(await repo.clone(), { 'github-token': GH_TOKEN }, { env: { ...env, BATCH_OPS_NOW: '2026-03-04T10:30:00Z' } })
    expectExit(again, 0)
    expect(await repo.originHead()).toBe(after)
    expect(again.summary).toContain('nothing left to count')
    expect(again.summary).toContain('- the budget in the control file: nothing to write')
  })

  test('without a batch ID (the batch did not proceed) it still counts, and names the run', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: [job(21, 30)] } }))
    const r = await account(repo.work, { 'github-token': GH_TOKEN }, { env: { GITHUB_API_URL: api.url } })
    expectExit(r, 0)
    expect(await originBudget(repo)).toMatchObject({ linux_minutes_used: 21, counted_jobs: { '21': 1 } })
    const [commit] = await repo.originCommits()
    expect(commit!.subject).toBe(`chore(batch): count the CI minutes of run ${RUN_ID} [skip ci]`)
    expect(commit!.trailers.map(([k]) => k)).toEqual(['Batch-Ops-Action', 'Run-Url'])
  })

  test.each<[string, Record<string, string>, RegExp]>([
    ['results', { results: 'out/results.jsonl' }, /'results' belong to mode: record/],
    ['explicit minutes', { 'macos-minutes': '3', 'linux-minutes': '1' }, /'macos-minutes', 'linux-minutes' belong to mode: record/],
    ['a batch ID that is not one', { 'batch-id': '../x' }, /input 'batch-id' must look like YYYY-MM-DD-NNN/],
    ['an unknown mode', { mode: 'accounts' }, /input 'mode' must be 'record' or 'account'/]
  ])('refuses %s, writes nothing', async (_name, extra, message) => {
    const repo = await repoWith()
    const head = await repo.originHead()
    const r = await account(repo.work, { 'github-token': GH_TOKEN, ...extra })
    expectExit(r, 1)
    expect(of(r, 'error').map((a) => a.message).join('\n')).toMatch(message)
    expect(await repo.originHead()).toBe(head)
  })

  test('without a github-token: a warning, exit 0, nothing written', async () => {
    const repo = await repoWith()
    const head = await repo.originHead()
    const r = await account(repo.work, { 'batch-id': '2026-03-04-001' })
    expectExit(r, 0)
    expect(of(r, 'warning').map((a) => a.message)).toEqual([expect.stringContaining('no github-token')])
    expect(r.summary).toContain('not counted')
    expect(await repo.originHead()).toBe(head)
  })

  test('an invalid control file fails closed', async () => {
    const repo = await repoWith({ ...baseFiles(), [CONTROL]: '{"budget": {"counted_jobs": {"x": 1}}}\n' })
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: [job(21, 30)] } }))
    const head = await repo.originHead()
    const r = await account(repo.work, { 'github-token': GH_TOKEN }, { env: { GITHUB_API_URL: api.url } })
    expectExit(r, 1)
    expect(of(r, 'error').some((a) => a.props.file === CONTROL && /counted_jobs/.test(a.message))).toBe(true)
    expect(await repo.originHead()).toBe(head)
  })
})

describe('metrics upload (advisory)', () => {
  const D1_COLUMNS = ['batch_id', 'completed_at', 'ecosystem', 'failed', 'linux_minutes', 'macos_minutes', 'passed', 'results', 'skipped', 'started_at', 'success_rate', 'total_recipes']
  // The D1 columns, and the platform (the Worker allows a recipe once per platform; it is not stored).
  const RESULT_COLUMNS = ['duration_seconds', 'ecosystem', 'error_category', 'error_message', 'platform', 'recipe_name', 'result']

  test('a 500 is retried, then 201: uploaded, one body per ecosystem in the D1 shape', async () => {
    const repo = await repoWith()
    const sink = await track(fakeSink([500, 201]))
    const results = [
      res('ripgrep', 'homebrew', 'passed', { duration_seconds: 12.5 }),
      res('fd', 'homebrew', 'failed', { error_category: 'checksum', error_message: 'sha256 mismatch' }),
      res('jq', 'homebrew', 'blocked'),
      res('left-pad', 'npm', 'passed')
    ]
    const r = await record(repo.work, {
      'batch-id': '2026-03-04-001',
      results: await resultsFile(repo, results),
      'started-at': '2026-03-04T10:30:00+01:00',
      'metrics-url': `${sink.url}/`,
      'metrics-token': METRICS_TOKEN,
      'macos-minutes': '4',
      'linux-minutes': '6'
    })

    expectExit(r, 0)
    expect(r.outputs.uploaded).toBe('true')
    const posts = sink.posts()
    expect(posts).toHaveLength(3) // homebrew 500, homebrew 201, npm 201
    expect(sink.requests).toHaveLength(3)
    for (const p of posts) {
      expect(p.headers.authorization).toBe(`Bearer ${METRICS_TOKEN}`)
      expect(p.headers['content-type']).toMatch(/^application\/json/)
    }
    expect(posts[1]!.text).toBe(posts[0]!.text) // the same body, retried
    const [homebrew, npm] = [posts[1]!.body as Json, posts[2]!.body as Json]
    expect(Object.keys(homebrew).sort()).toEqual(D1_COLUMNS)
    expect(homebrew).toMatchObject({
      batch_id: '2026-03-04-001',
      ecosystem: 'homebrew',
      started_at: '2026-03-04T09:30:00Z',
      completed_at: NOW,
      total_recipes: 3,
      passed: 1,
      failed: 1,
      skipped: 1,
      success_rate: 0.5,
      macos_minutes: 3,
      linux_minutes: 4.5
    })
    const rows = homebrew.results as Json[]
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(RESULT_COLUMNS)
    expect(rows[1]).toEqual({ recipe_name: 'fd', ecosystem: 'homebrew', result: 'failed', error_category: 'checksum', error_message: 'sha256 mismatch', duration_seconds: 0, platform: null })
    expect(rows[0]).toMatchObject({ recipe_name: 'ripgrep', duration_seconds: 12.5, error_category: null })
    expect(npm).toMatchObject({ ecosystem: 'npm', total_recipes: 1, passed: 1, success_rate: 1, macos_minutes: 1, linux_minutes: 1.5 })
    expect(of(r, 'warning').filter((a) => a.props.title === 'record-batch upload')).toEqual([])
    expect(r.summary).toMatch(/metrics upload: ✅ sent 2 ecosystem bodies in 3 requests/)
  })

  test('a 401 is not retried: one request, a warning, uploaded false, the step still succeeds', async () => {
    const repo = await repoWith()
    const sink = await track(fakeSink([401, 201]))
    const r = await record(repo.work, {
      'batch-id': '2026-03-04-001',
      results: await resultsFile(repo, many(2, 'npm', 'passed')),
      'metrics-url': sink.url,
      'metrics-token': METRICS_TOKEN
    })

    expectExit(r, 0)
    expect(r.outputs.uploaded).toBe('false')
    expect(sink.posts()).toHaveLength(1)
    const upload = of(r, 'warning').filter((a) => a.props.title === 'record-batch upload')
    expect(upload).toHaveLength(1)
    expect(upload[0]!.message).toMatch(/HTTP 401.*check metrics-token.*not retried/)
    expect(of(r, 'error')).toEqual([])
    expect(r.summary).toContain('metrics upload: ⚠️')
    expect(await newMetricsLines(repo)).toHaveLength(1) // the git record is complete
  })

  test('a Worker that never answers: bounded by timeout and deadline, exit 0, uploaded false', async () => {
    const repo = await repoWith()
    const sink = await track(fakeSink(['hang']))
    const r = await record(
      repo.work,
      {
        'batch-id': '2026-03-04-001',
        results: await resultsFile(repo, many(2, 'npm', 'passed')),
        'metrics-url': sink.url,
        'metrics-token': METRICS_TOKEN,
        'metrics-timeout-seconds': '1',
        'metrics-deadline-seconds': '3'
      },
      { timeoutMs: 30_000 }
    )

    expect(r.signal).toBeNull() // not killed by the harness
    expectExit(r, 0)
    expect(r.ms).toBeLessThan(15_000)
    expect(r.outputs.uploaded).toBe('false')
    expect(sink.posts().length).toBeGreaterThanOrEqual(1)
    expect(sink.posts().length).toBeLessThanOrEqual(4)
    const upload = of(r, 'warning').filter((a) => a.props.title === 'record-batch upload')
    expect(upload).toHaveLength(1)
    expect(upload[0]!.message).toMatch(/no answer within|deadline/)
    expect(await newMetricsLines(repo)).toHaveLength(1)
  })

  test('no metrics-url: no upload, uploaded false, no warning', async () => {
    const repo = await repoWith()
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'passed')), 'macos-minutes': '0' })
    expectExit(r, 0)
    expect(r.outputs.uploaded).toBe('false')
    expect(of(r, 'warning')).toEqual([])
    expect(r.summary).toContain('not configured (no metrics-url)')
  })
})

describe('secrets', () => {
  test('the metrics token and the github-token are masked and appear nowhere else', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: [job(1, 61)] } }))
    const sink = await track(fakeSink([503, 401]))
    const r = await record(
      repo.work,
      {
        'batch-id': '2026-03-04-001',
        results: await resultsFile(repo, [...many(1, 'npm', 'passed'), res('x', 'npm', 'failed', { error_message: 'boom' })]),
        'metrics-url': sink.url,
        'metrics-token': METRICS_TOKEN,
        'github-token': GH_TOKEN
      },
      { env: { GITHUB_API_URL: api.url } }
    )

    expectExit(r, 0)
    // The tokens were really used...
    expect(String(api.requests[0]?.headers.authorization)).toContain(GH_TOKEN)
    expect(sink.posts().map((p) => p.headers.authorization)).toEqual([`Bearer ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}`])
    // ...masked before anything was logged...
    const lines = r.stdout.split('\n')
    const masks = lines.filter((l) => l.startsWith('::add-mask::'))
    expect(masks).toEqual(expect.arrayContaining([`::add-mask::${METRICS_TOKEN}`, `::add-mask::${GH_TOKEN}`]))
    expect(lines.findIndex((l) => l.startsWith('::add-mask::'))).toBe(0)
    // ...and nowhere else.
    const rest = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')
    for (const secret of [METRICS_TOKEN, GH_TOKEN]) {
      expect(rest).not.toContain(secret)
      expect(r.stderr).not.toContain(secret)
      expect(r.summary).not.toContain(secret)
      expect(JSON.stringify(r.outputs)).not.toContain(secret)
      for (const file of await originFiles(repo)) expect((await repo.readOrigin(file)) ?? '').not.toContain(secret)
      expect((await repo.originCommits()).map((c) => c.message).join('\n')).not.toContain(secret)
    }
  })
})

describe('malformed input: fail, write nothing', () => {
  test('a bad JSON line: non-zero exit, ::error with file= and line=, nothing pushed or sent', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: [job(1, 61)] } }))
    const sink = await track(fakeSink([201]))
    const before = { head: await repo.originHead(), status: await status(repo.work) }
    await writeFile(
      path.join(repo.work, 'results.jsonl'),
      [JSON.stringify(res('a', 'npm', 'passed')), '{"recipe_name": "b", "ecosystem": "npm", "result": "passed"', JSON.stringify(res('c', 'npm', 'failed')), ''].join('\n')
    )
    const r = await record(
      repo.work,
      { 'batch-id': '2026-03-04-001', results: 'results.jsonl', 'metrics-url': sink.url, 'metrics-token': METRICS_TOKEN, 'github-token': GH_TOKEN },
      { env: { GITHUB_API_URL: api.url } }
    )

    expectExit(r, 'non-zero')
    const located = of(r, 'error').filter((a) => a.props.file !== undefined)
    expect(located).toHaveLength(1)
    expect(located[0]!.props).toMatchObject({ file: 'results.jsonl', line: '2' })
    expect(located[0]!.message).toMatch(/line 2: not valid JSON/)
    expect(of(r, 'error').some((a) => a.props.file === undefined && /Nothing was written/.test(a.message))).toBe(true)
    expect(r.summary).toContain('nothing was recorded or written')
    expect(await repo.originHead()).toBe(before.head)
    expect(await status(repo.work)).toBe(`${before.status}?? results.jsonl\n`)
    expect(sink.requests).toEqual([])
    // The job listing may be asked while the file is parsed; nothing but reads.
    expect(api.requests.filter((q) => q.method !== 'GET')).toEqual([])
    expect(r.outputs).toEqual({})
  })

  test('a JSON array with an invalid element names its line', async () => {
    const repo = await repoWith()
    const before = await repo.originHead()
    const file = await resultsFile(repo, '[\n  {"name": "a", "ecosystem": "npm", "result": "passed"},\n  {"name": "b", "ecosystem": "npm",\n   "result": "exploded"}\n]\n')
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: file })
    expectExit(r, 'non-zero')
    const located = of(r, 'error').filter((a) => a.props.file !== undefined)
    expect(located.map((a) => [a.props.file, a.props.line])).toEqual([[file, '3']])
    expect(located[0]!.message).toMatch(/element \[1\].*"result" must be one of/)
    expect(await repo.originHead()).toBe(before)
    expect(await status(repo.work)).toBe('')
  })

  test.each(['../x', '2026', '2026-03-04-001/../../x', '2026-03-04-0010', 'x/2026-03-04-001', ''])('batch-id %j is refused, nothing written', async (id) => {
    const repo = await repoWith()
    const before = await repo.originHead()
    const listing = await walk(repo.root)
    const r = await record(repo.work, { 'batch-id': id, results: await resultsFile(repo, many(1, 'npm', 'failed')), 'macos-minutes': '5' })

    expectExit(r, 'non-zero')
    expect(of(r, 'error').map((a) => a.message)).toEqual([expect.stringContaining("input 'batch-id'")])
    expect(r.summary).toContain('invalid input')
    expect(await repo.originHead()).toBe(before)
    expect(await status(repo.work)).toBe('')
    expect((await walk(repo.root)).filter((f) => !/^results-\d+\.jsonl$/.test(f))).toEqual(listing.filter((f) => !/^results-\d+\.jsonl$/.test(f)))
    expect(r.outputs).toEqual({})
  })
})

describe('hostile recipe names are data', () => {
  test('a name with "/", ".." and a newline is stored in the failure record; no file is made from it', async () => {
    const repo = await repoWith()
    const hostile = ['../../x\ny', '/etc/passwd', 'a/../../../z', '`|| rm -rf ~`']
    const before = await walk(repo.root)
    const beforeOrigin = await originFiles(repo)
    const results = hostile.map((name) => res(name, 'npm', 'failed', { error_category: '../../category\nz', error_message: 'line 1\nline 2' }))
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, results) })

    expectExit(r, 0)
    const failures = await repo.readOrigin('data/failures/2026-03-04-001.jsonl')
    const records = failures!.trimEnd().split('\n').map((l) => JSON.parse(l) as Json)
    expect(records.map((x) => x.recipe)).toEqual(hostile)
    expect(records[0]).toMatchObject({ batch_id: '2026-03-04-001', ecosystem: 'npm', category: '../../category\nz', message: 'line 1\nline 2' })

    // Origin gained exactly the batch's three record files; the checkout the same (and nothing outside it).
    const added = ['data/batches/2026-03-04-001.json', 'data/failures/2026-03-04-001.jsonl']
    expect(await originFiles(repo)).toEqual([...beforeOrigin, ...added].sort())
    const after = (await walk(repo.root)).filter((f) => !/^results-\d+\.jsonl$/.test(f))
    expect(after).toEqual([...before, 'work/data/batches', 'work/data/batches/2026-03-04-001.json', 'work/data/failures/2026-03-04-001.jsonl'].sort())
    expect(after.some((f) => f.includes('\n'))).toBe(false)
    expect(existsSync(path.join(repo.root, '..', 'x\ny'))).toBe(false)
    // The summary is not broken by the newline either.
    expect(r.summary.split('\n').some((l) => l.startsWith('y'))).toBe(false)
  })
})

describe('the records: metrics line, failures, manifest, one commit', () => {
  test('appended and written against base-ref, in ONE commit with the trailers', async () => {
    const repo = await repoWith({
      ...baseFiles(),
      'data/failures/2026-03-04-001.jsonl': '{"recipe":"earlier-ecosystem-run","batch_id":"2026-03-04-001"}\n'
    })
    const base = await repo.originHead()
    const earlierSameBatch = (await repo.readOrigin('data/failures/2026-03-04-001.jsonl'))!
    // The batch: a modified, b deleted, d added (committed and pushed), c modified and e added (not committed),
    // plus a change outside `paths`, which the manifest leaves out.
    await rm(path.join(repo.work, 'recipes/b.toml'))
    const batchCommit = await repo.commitAndPush({ 'recipes/a.toml': 'name = "a2"\n', 'recipes/d.toml': 'name = "d"\n', 'docs/guide.md': '# changed\n' }, 'batch: recipes')
    await writeFile(path.join(repo.work, 'recipes/c.toml'), 'name = "c2"\n')
    await writeFile(path.join(repo.work, 'recipes/e.toml'), 'name = "e"\n')
    // The results file in the workspace, as a workflow would leave it: never committed.
    await writeFile(
      path.join(repo.work, 'results.json'),
      JSON.stringify([
        res('a', 'npm', 'passed', { duration_seconds: 3 }),
        res('d', 'npm', 'failed', { error_category: 'build', error_message: 'exit 2', platform: 'linux-x86_64' }),
        { name: 'e', result: 'failed' },
        res('c', 'npm', 'skipped')
      ])
    )
    const commitsBefore = await repo.originCommits()

    const r = await record(repo.work, {
      'batch-id': '2026-03-04-001',
      results: 'results.json',
      ecosystem: 'pypi',
      'started-at': '2026-03-04T10:30:00+01:00',
      'base-ref': base,
      'macos-minutes': '3',
      'linux-minutes': '9'
    })
    expectExit(r, 0)

    // One commit on top of the batch commit, with only the record files, subject and trailers of docs/contract.md §3.
    const commits = await repo.originCommits()
    expect(commits).toHaveLength(commitsBefore.length + 1)
    const head = commits[0]!
    expect((await git(['rev-parse', `${head.sha}^`], repo.origin)).stdout.trim()).toBe(batchCommit)
    expect(head.subject).toBe('chore(batch): record batch 2026-03-04-001 [skip ci]')
    expect(head.trailers).toEqual(
      expect.arrayContaining([
        ['Batch-Id', '2026-03-04-001'],
        ['Batch-Ops-Action', 'record-batch'],
        ['Run-Url', RUN_URL]
      ])
    )
    expect([head.authorName, head.authorEmail]).toEqual([BOT_NAME, BOT_EMAIL])
    expect(await commitFiles(repo, head.sha)).toEqual([CONTROL, 'data/batches/2026-03-04-001.json', 'data/failures/2026-03-04-001.jsonl', METRICS])
    expect(r.summary).toContain(`committed and pushed to \`origin/main\` as \`${head.sha.slice(0, 12)}\``)

    // The metrics line: one compact line after the earlier ones, kept byte for byte.
    const lines = await newMetricsLines(repo)
    expect(lines).toHaveLength(1)
    const m = JSON.parse(lines[0]!) as Json
    expect(JSON.stringify(m)).toBe(lines[0])
    expect(m).toMatchObject({
      schema_version: 1,
      batch_id: '2026-03-04-001',
      started_at: '2026-03-04T09:30:00Z',
      completed_at: NOW,
      totals: { passed: 1, failed: 2, skipped: 1, blocked: 0, total: 4 },
      success_rate: 0.3333,
      severity: 'critical',
      minutes: { macos: 3, linux: 9, windows: 0 },
      run_url: RUN_URL
    })
    expect(m.ecosystems).toEqual({
      npm: { passed: 1, failed: 1, skipped: 1, blocked: 0, total: 3, success_rate: 0.5, slo: 0.98, severity: 'warning', mean_duration_seconds: 3 },
      pypi: { passed: 0, failed: 1, skipped: 0, blocked: 0, total: 1, success_rate: 0, slo: 0.98, severity: 'critical', mean_duration_seconds: null }
    })

    // Failure records: appended after the earlier record of this batch; other batches' files untouched.
    const failures = (await repo.readOrigin('data/failures/2026-03-04-001.jsonl'))!
    expect(failures.startsWith(earlierSameBatch)).toBe(true)
    const fresh = failures.slice(earlierSameBatch.length).trimEnd().split('\n').map((l) => JSON.parse(l) as Json)
    expect(fresh).toEqual([
      expect.objectContaining({ batch_id: '2026-03-04-001', recipe: 'd', ecosystem: 'npm', platform: 'linux-x86_64', category: 'build', message: 'exit 2', timestamp: NOW }),
      expect.objectContaining({ batch_id: '2026-03-04-001', recipe: 'e', ecosystem: 'pypi', category: 'uncategorized', message: null })
    ])
    expect(await repo.readOrigin('data/failures/2026-03-03-001.jsonl')).toBe(EARLIER_FAILURES)

    // The manifest: A/M/D under recipes/ against base-ref.
    const manifest = await originJson(repo, 'data/batches/2026-03-04-001.json')
    expect(manifest).toMatchObject({ schema_version: 1, batch_id: '2026-03-04-001', created_at: NOW, base_ref: base, base_commit: base, head_commit: batchCommit, paths: ['recipes/'] })
    expect(manifest.files).toEqual([
      { path: 'recipes/a.toml', status: 'M' },
      { path: 'recipes/b.toml', status: 'D' },
      { path: 'recipes/c.toml', status: 'M' },
      { path: 'recipes/d.toml', status: 'A' },
      { path: 'recipes/e.toml', status: 'A' }
    ])
    expect(r.summary).toContain('5 file(s) changed by the batch')

    // The budget, and nothing of the workspace's own changes pushed.
    expect(await originBudget(repo)).toMatchObject({ macos_minutes_used: 13, linux_minutes_used: 29 })
    expect(await repo.readOrigin('results.json')).toBeNull()
    expect(await repo.readOrigin('recipes/e.toml')).toBeNull()
    expect(await repo.readOrigin('recipes/c.toml')).toBe('name = "c"\n')
    // The checkout follows the pushed commit and keeps its uncommitted work.
    expect((await git(['rev-parse', 'HEAD'], repo.work)).stdout.trim()).toBe(head.sha)
    expect(await readFile(path.join(repo.work, 'recipes/c.toml'), 'utf8')).toBe('name = "c2"\n')

    // A second batch without failures: another line, the first kept byte for byte, no failure file.
    const first = (await repo.readOrigin(METRICS))!
    const r2 = await record(repo.work, { 'batch-id': '2026-03-04-002', results: await resultsFile(repo, many(2, 'npm', 'passed')), 'macos-minutes': '0' })
    expectExit(r2, 0)
    const second = (await repo.readOrigin(METRICS))!
    expect(second.startsWith(first)).toBe(true)
    expect(second.slice(first.length).split('\n')).toEqual([expect.stringContaining('"batch_id":"2026-03-04-002"'), ''])
    expect(await repo.readOrigin('data/failures/2026-03-04-002.jsonl')).toBeNull()
    expect(existsSync(path.join(repo.work, 'data/failures/2026-03-04-002.jsonl'))).toBe(false)
    expect(await repo.readOrigin('data/failures/2026-03-04-001.jsonl')).toBe(failures)
    expect(await commitFiles(repo, await repo.originHead())).toEqual(['data/batches/2026-03-04-002.json', METRICS])
    expect(r2.summary).toContain('no failures, so no failure file')
  })

  test('persist: false writes the working tree only', async () => {
    const repo = await repoWith()
    const before = await repo.originHead()
    const r = await record(repo.work, { 'batch-id': '2026-03-04-001', results: await resultsFile(repo, many(1, 'npm', 'failed')), persist: 'false', 'linux-minutes': '2' })
    expectExit(r, 0)
    expect(await repo.originHead()).toBe(before)
    expect((await status(repo.work)).split('\n').filter(Boolean).sort()).toEqual([
      ` M ${CONTROL}`,
      ` M ${METRICS}`,
      '?? data/batches/2026-03-04-001.json',
      '?? data/failures/2026-03-04-001.jsonl'
    ])
    expect(r.summary).toContain('written to the working tree only')
  })
})

describe('concurrency', () => {
  test('4 record-batch runs of different batches at once, on 4 clones: all 4 records on origin', async () => {
    const repo = await repoWith()
    const clones = await Promise.all([0, 1, 2, 3].map((i) => repo.clone(i % 2 === 0 ? { depth: 1 } : {})))
    const ids = [1, 2, 3, 4].map((n) => `2026-03-04-00${n}`)
    const files = await Promise.all(ids.map((id) => resultsFile(repo, [res(`${id}-ok`, 'npm', 'passed'), res(`${id}-bad`, 'npm', 'failed')])))
    const runs = await Promise.all(
      clones.map((cwd, i) => record(cwd, { 'batch-id': ids[i]!, results: files[i]!, 'linux-minutes': String(i + 1), 'max-attempts': '12' }))
    )
    for (const r of runs) expectExit(r, 0)

    const lines = await newMetricsLines(repo)
    expect(lines.map((l) => (JSON.parse(l) as Json).batch_id).sort()).toEqual(ids)
    for (const id of ids) {
      expect((await repo.readOrigin(`data/failures/${id}.jsonl`))!.trimEnd().split('\n').map((l) => (JSON.parse(l) as Json).recipe)).toEqual([`${id}-bad`])
      expect((await originJson(repo, `data/batches/${id}.json`)).batch_id).toBe(id)
    }
    expect(await originBudget(repo)).toMatchObject({ linux_minutes_used: 20 + 1 + 2 + 3 + 4, macos_minutes_used: 10 })
    expect((await repo.originLog()).filter((s) => s.startsWith('chore(batch): record batch'))).toHaveLength(4)
  })

  test('2 record-batch steps of the same run at once count its jobs once', async () => {
    const repo = await repoWith()
    const api = await track(fakeGitHub({ jobs: { [RUN_ID]: [job(1, 61), job(2, 600, ['macos-14']), job(3, 30, ['windows-latest'])] } }))
    const clones = await Promise.all([repo.clone(), repo.clone()])
    const runs = await Promise.all(
      clones.map(async (cwd, i) =>
        record(cwd, { 'batch-id': `2026-03-04-00${i + 1}`, results: await resultsFile(repo, many(1, 'npm', 'passed')), 'github-token': GH_TOKEN }, { env: { GITHUB_API_URL: api.url } })
      )
    )
    for (const r of runs) expectExit(r, 0)
    expect(api.jobRequests()).toHaveLength(2)
    const budget = await originBudget(repo)
    expect(budget).toMatchObject({ macos_minutes_used: 10 + 10, linux_minutes_used: 20 + 2, windows_minutes_used: 1 })
    expect(budget.counted_jobs).toEqual({ '1': 2, '2': 10, '3': 1 })
    const minutes = (await newMetricsLines(repo)).map((l) => (JSON.parse(l) as Json).minutes as Json)
    expect(minutes).toHaveLength(2)
    expect(minutes.reduce((n, x) => n + (x.macos as number) + (x.linux as number) + (x.windows as number), 0)).toBe(13)
  })
})
