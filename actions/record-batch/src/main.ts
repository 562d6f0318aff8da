// record-batch: what did this batch do? (docs/contract.md §6)
//
// mode: record (the default)
// 1. Read the inputs and the results file (malformed → a clear error, nothing written).
// 2. Evaluate each ecosystem's success rate against its SLO (pure core).
// 3. Work out the CI minutes (explicit inputs, or what this run's jobs add: finished
//    ones in full, running ones by their elapsed time, less what is already counted)
//    and the files the batch changed under `paths` (the manifest).
// 4. In one commit through the git store: a metrics line, the failure records, the
//    manifest and the budget. On a push conflict all of it is re-applied to the new state.
// 5. Upload to the metrics Worker (advisory: bounded, never fails the step).
// 6. Outputs, annotations per non-ok ecosystem, and the job summary.
//
// mode: account — the budget only, at the end of a run: what this run's jobs add
// beyond what the record steps counted (jobs that finished after them, the rest of
// the jobs they counted while running). No metrics line, failure records or manifest.

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  BATCH_ID_PATTERN,
  type BatchReport,
  type CountedJob,
  type Minutes,
  type RunJob,
  appendLines,
  commitMessage,
  evaluateBatch,
  failureLines,
  formatTimestamp,
  mergeManifest,
  metricsLine,
  parseList,
  parseResults,
  parseTimestamp,
  recentRates,
  recordBudget,
  renderControl,
  stateSubject,
  topFailureCategories,
  uploadBodies
} from '@batch-ops/core'
import {
  InputError,
  InputFileError,
  annotate,
  applyChange,
  batchChanges,
  currentRun,
  endpoint,
  listRunJobs,
  now,
  MAX_WEEK_MINUTES,
  numberInput,
  persistInputs,
  readControl,
  reportFailure,
  requiredInput,
  runUrl,
  secretInput,
  setOutput,
  sloInput,
  storeOptions,
  stringInput,
  uploadMetrics,
  workspace,
  writeSummary
} from '@batch-ops/runtime'
import { accountSummary, recordSummary } from './summary.js'

export const ACTION = 'record-batch'

export type Mode = 'record' | 'account'

export function readMode(): Mode {
  const mode = stringInput('mode', 'record')
  if (mode !== 'record' && mode !== 'account') throw new InputError(`input 'mode' must be 'record' or 'account' (got ${JSON.stringify(mode)})`)
  return mode
}

export function readInputs() {
  const batchId = requiredInput('batch-id')
  if (!BATCH_ID_PATTERN.test(batchId)) {
    throw new InputError(`input 'batch-id' must look like YYYY-MM-DD-NNN, the ID preflight-check hands out (got ${JSON.stringify(batchId)})`)
  }
  const startedAt = stringInput('started-at')
  if (startedAt !== '' && parseTimestamp(startedAt) === null) {
    throw new InputError(`input 'started-at' must be an RFC 3339 timestamp such as 2026-03-04T10:00:00Z (got ${JSON.stringify(startedAt)})`)
  }
  const explicit = stringInput('macos-minutes') !== '' || stringInput('linux-minutes') !== ''
  return {
    batchId,
    results: stringInput('results'),
    ecosystem: stringInput('ecosystem'),
    startedAt,
    slo: { slo: sloInput(), criticalThreshold: numberInput('critical-threshold', 0.5, { min: 0, max: 1 }), latencyThresholdSeconds: numberInput('latency-threshold-seconds', 120, { min: 0, max: 86_400 }) },
    metricsFile: stringInput('metrics-file', 'data/metrics/batch-runs.jsonl'),
    failuresDir: stringInput('failures-dir', 'data/failures'),
    manifestDir: stringInput('manifest-dir', 'data/batches'),
    paths: parseList(stringInput('paths', 'recipes/')),
    baseRef: stringInput('base-ref'),
    metrics: {
      url: stringInput('metrics-url'),
      token: secretInput('metrics-token'),
      timeoutMs: numberInput('metrics-timeout-seconds', 10, { min: 0, exclusiveMin: true, max: 300 }) * 1000,
      deadlineMs: numberInput('metrics-deadline-seconds', 30, { min: 0, exclusiveMin: true, max: 900 }) * 1000
    },
    githubToken: secretInput('github-token'),
    explicitMinutes: explicit
      ? { macos: numberInput('macos-minutes', 0, { min: 0, max: MAX_WEEK_MINUTES }), linux: numberInput('linux-minutes', 0, { min: 0, max: MAX_WEEK_MINUTES }), windows: 0 }
      : undefined,
    limits: { macos: numberInput('macos-minutes-per-week', 1000, { min: 0, max: MAX_WEEK_MINUTES }), linux: numberInput('linux-minutes-per-week', 5000, { min: 0, max: MAX_WEEK_MINUTES }) },
    controlFile: stringInput('control-file', 'batch-control.json'),
    ...persistInputs()
  }
}

/** mode: account. The inputs that only a record uses are refused rather than ignored. */
export function readAccountInputs() {
  const batchId = stringInput('batch-id')
  if (batchId !== '' && !BATCH_ID_PATTERN.test(batchId)) {
    throw new InputError(`input 'batch-id' must look like YYYY-MM-DD-NNN, the ID preflight-check hands out, or be empty (got ${JSON.stringify(batchId)})`)
  }
  secretInput('metrics-token') // masked, though nothing is uploaded
  const recordOnly = [
    ['results', stringInput('results')],
    ['macos-minutes', stringInput('macos-minutes')],
    ['linux-minutes', stringInput('linux-minutes')]
  ].filter(([, v]) => v !== '')
  if (recordOnly.length > 0) {
    throw new InputError(
      `mode: account only adds the minutes of this run's jobs to the budget; ${recordOnly.map(([n]) => `'${n}'`).join(', ')} belong to mode: record`
    )
  }
  return {
    batchId,
    githubToken: secretInput('github-token'),
    limits: { macos: numberInput('macos-minutes-per-week', 1000, { min: 0, max: MAX_WEEK_MINUTES }), linux: numberInput('linux-minutes-per-week', 5000, { min: 0, max: MAX_WEEK_MINUTES }) },
    controlFile: stringInput('control-file', 'batch-control.json'),
    ...persistInputs()
  }
}

async function readResults(cwd: string, file: string, ecosystem: string) {
  if (file === '') return []
  let text: string
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8')
  } catch (e) {
    throw new InputError(`input 'results': cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  const parsed = parseResults(text, ecosystem)
  if (!parsed.ok) throw new InputFileError(file, 'results file', parsed.problems)
  return parsed.results
}

/** This run's jobs, or why they could not be listed (the budget is then left alone). */
async function runJobs(token: string): Promise<{ jobs: RunJob[] } | { skipped: string }> {
  const run = currentRun()
  if (!token) return { skipped: 'no github-token and no explicit minutes: the budget was not updated' }
  if (!run) return { skipped: 'not in a workflow run (GITHUB_REPOSITORY / GITHUB_RUN_ID unset): the budget was not updated' }
  try {
    return { jobs: await listRunJobs(token, run) }
  } catch (e) {
    return { skipped: `could not list the jobs of run ${run.runId} (${(e as Error).message}); the budget was not updated` }
  }
}

export interface Recorded {
  minutes: Minutes
  /** Jobs that added minutes: finished ones (in full, or the rest) and in-progress ones (their time so far). */
  jobsCounted: number
  /** Of those, the jobs still in progress. */
  jobsInProgress?: number
  failureRecords: number
  budget: { macos: number; linux: number; windows: number }
  /** Per ecosystem of this batch, the success rates of its last 10 batches, oldest first (this one last). */
  trend?: Record<string, Array<number | null>>
}

function jobCounts(counted: readonly CountedJob[]): Pick<Recorded, 'jobsCounted' | 'jobsInProgress'> {
  return { jobsCounted: counted.length, jobsInProgress: counted.filter((j) => !j.finished).length }
}

/** What the minutes came from, for the summary. */
export function jobsNote(r: Pick<Recorded, 'jobsCounted' | 'jobsInProgress'>): string {
  const running = r.jobsInProgress ?? 0
  return `${r.jobsCounted - running} finished and ${running} in-progress job(s) of this run (in progress: counted by the time so far, the rest once it finishes)`
}

export async function run(): Promise<void> {
  try {
    if (readMode() === 'account') return await account()
    const inputs = readInputs()
    const cwd = workspace()
    const at = now()
    const completedAt = formatTimestamp(at)
    const startedAt = inputs.startedAt ? formatTimestamp(parseTimestamp(inputs.startedAt)!) : completedAt
    const url = runUrl()

    // git and the API are asked while the results are parsed.
    const pendingChanges = batchChanges(cwd, inputs.baseRef, inputs.paths)
    const pendingJobs = inputs.explicitMinutes ? undefined : runJobs(inputs.githubToken)
    pendingChanges.catch(() => undefined)
    const results = await readResults(cwd, inputs.results, inputs.ecosystem)
    const report: BatchReport = evaluateBatch(results, inputs.slo)
    const changes = await pendingChanges
    const jobs = await pendingJobs
    if (jobs && 'skipped' in jobs) annotate.warning(jobs.skipped, { title: 'record-batch budget' })

    const manifestPath = path.posix.join(inputs.manifestDir, `${inputs.batchId}.json`)
    const failuresPath = path.posix.join(inputs.failuresDir, `${inputs.batchId}.jsonl`)
    const outcome = await applyChange(
      storeOptions(inputs, cwd),
      async (snapshot) => {
        const control = await readControl(snapshot, inputs.controlFile)
        const { doc, minutes, counted } = recordBudget(control.doc, { explicit: inputs.explicitMinutes, jobs: jobs && 'jobs' in jobs ? jobs.jobs : undefined }, at)
        const ctx = { batchId: inputs.batchId, startedAt, completedAt, minutes, runUrl: url }
        const failures = failureLines(results, ctx)
        const metrics = appendLines(await snapshot.read(inputs.metricsFile), metricsLine(report, ctx))
        const files: Record<string, string | null> = {
          [inputs.metricsFile]: metrics,
          [manifestPath]: mergeManifest(await snapshot.read(manifestPath), {
            batch_id: inputs.batchId,
            created_at: completedAt,
            base_ref: inputs.baseRef,
            base_commit: changes.baseCommit,
            head_commit: changes.headCommit,
            paths: inputs.paths,
            files: changes.files
          })
        }
        // Failure records are only ever appended, and an empty file is never written.
        if (failures !== '') files[failuresPath] = appendLines(await snapshot.read(failuresPath), failures)
        if (doc !== control.doc) files[inputs.controlFile] = renderControl(control, doc)
        const b = doc.budget ?? {}
        const recorded: Recorded = {
          minutes,
          ...jobCounts(counted),
          failureRecords: report.failed,
          budget: { macos: b.macos_minutes_used ?? 0, linux: b.linux_minutes_used ?? 0, windows: b.windows_minutes_used ?? 0 },
          trend: Object.fromEntries(report.ecosystems.map((e) => [e.ecosystem, recentRates(metrics ?? '', e.ecosystem, 10)]))
        }
        return {
          files,
          message: commitMessage(stateSubject(`record batch ${inputs.batchId}`), [
            ['Batch-Id', inputs.batchId],
            ['Batch-Ops-Action', ACTION],
            ['Run-Url', url]
          ]),
          result: recorded
        }
      }
    )
    const recorded = outcome.result

    let uploaded = false
    let uploadNote = 'not configured (no metrics-url)'
    if (inputs.metrics.url !== '') {
      const bodies = uploadBodies(results, report, { batchId: inputs.batchId, startedAt, completedAt, minutes: recorded.minutes, runUrl: url })
      let target = ''
      try {
        target = endpoint(inputs.metrics.url)
      } catch (e) {
        uploadNote = (e as Error).message
      }
      if (target !== '') {
        const sent = await uploadMetrics(target, inputs.metrics.token, bodies, {
          timeoutMs: inputs.metrics.timeoutMs,
          deadlineMs: inputs.metrics.deadlineMs,
          maxAttempts: 4
        })
        uploaded = sent.ok
        uploadNote = sent.ok
          ? `sent ${sent.sent} ecosystem bod${sent.sent === 1 ? 'y' : 'ies'} in ${sent.requests} request${sent.requests === 1 ? '' : 's'}`
          : `failed: ${sent.error} (${sent.sent}/${bodies.length} sent)`
        if (sent.notes) uploadNote += ` (${sent.notes.join('; ')})`
        for (const n of sent.notes ?? []) annotate.notice(`Metrics upload: ${n}; nothing was changed there.`, { title: 'record-batch upload' })
      }
      if (!uploaded) annotate.warning(`Metrics upload ${uploadNote}. The metrics are advisory; the batch record in git is complete.`, { title: 'record-batch upload' })
    }

    setOutput('success-rate', report.rate === null ? '' : String(Math.round(report.rate * 10000) / 10000))
    setOutput('severity', report.severity)
    setOutput(
      'report',
      report.ecosystems.map((e) => ({ ecosystem: e.ecosystem, passed: e.passed, failed: e.failed, skipped: e.skipped, blocked: e.blocked, success_rate: e.rate, slo: e.slo, severity: e.severity }))
    )
    setOutput('successes', report.passed)
    setOutput('failures', report.failed)
    setOutput('uploaded', uploaded)

    for (const e of report.ecosystems) {
      const message = `${e.ecosystem}: ${e.why} (${e.passed} passed, ${e.failed} failed, ${e.skipped + e.blocked} skipped or blocked)`
      if (e.severity === 'critical') annotate.error(message, { title: `batch ${inputs.batchId}: critical` })
      else if (e.severity === 'warning') annotate.warning(message, { title: `batch ${inputs.batchId}: below SLO` })
      else if (e.severity === 'info') annotate.notice(message, { title: `batch ${inputs.batchId}: slow` })
    }
    await writeSummary(
      recordSummary({
        batchId: inputs.batchId,
        report,
        top: topFailureCategories(results),
        recorded,
        limits: inputs.limits,
        budgetNote: inputs.explicitMinutes ? 'explicit inputs' : jobs && 'jobs' in jobs ? jobsNote(recorded) : (jobs?.skipped ?? ''),
        uploadNote,
        uploaded,
        files: { metrics: inputs.metricsFile, manifest: manifestPath, failures: report.failed > 0 ? failuresPath : undefined },
        manifestCount: changes.files.length,
        commit: outcome.commit,
        branch: outcome.branch,
        attempts: outcome.attempts,
        persisted: inputs.persist
      })
    )
  } catch (error) {
    await reportFailure('Record batch', error)
  }
}

/**
 * mode: account. What this run's jobs add to the budget now, beyond what is
 * counted already; one commit of the control file when that is anything.
 */
async function account(): Promise<void> {
  const inputs = readAccountInputs()
  const cwd = workspace()
  const at = now()
  const url = runUrl()
  const jobs = await runJobs(inputs.githubToken)
  if ('skipped' in jobs) {
    annotate.warning(jobs.skipped, { title: 'record-batch budget' })
    await writeSummary(accountSummary({ batchId: inputs.batchId, limits: inputs.limits, budgetNote: jobs.skipped, persisted: inputs.persist }))
    return
  }
  const run = currentRun()
  const outcome = await applyChange(storeOptions(inputs, cwd), async (snapshot) => {
    const control = await readControl(snapshot, inputs.controlFile)
    const { doc, minutes, counted } = recordBudget(control.doc, { jobs: jobs.jobs }, at)
    const b = doc.budget ?? {}
    const recorded: Recorded = {
      minutes,
      ...jobCounts(counted),
      failureRecords: 0,
      budget: { macos: b.macos_minutes_used ?? 0, linux: b.linux_minutes_used ?? 0, windows: b.windows_minutes_used ?? 0 }
    }
    const what = inputs.batchId ? `batch ${inputs.batchId}` : `run ${run!.runId}`
    return {
      files: doc !== control.doc ? { [inputs.controlFile]: renderControl(control, doc) } : {},
      message: commitMessage(stateSubject(`count the CI minutes of ${what}`), [
        ['Batch-Id', inputs.batchId],
        ['Batch-Ops-Action', ACTION],
        ['Run-Url', url]
      ]),
      result: recorded
    }
  })
  await writeSummary(
    accountSummary({
      batchId: inputs.batchId,
      limits: inputs.limits,
      recorded: outcome.result,
      budgetNote: jobsNote(outcome.result),
      commit: outcome.commit,
      branch: outcome.branch,
      attempts: outcome.attempts,
      persisted: inputs.persist
    })
  )
}
