// batch-dashboard: everything batch-ops keeps in the repository, as one static page
// (docs/contract.md §10).
//
// Read the control file (an invalid one fails closed: no page), the metrics history, the
// failure records of the last week and the manifests of the recent batches; read the trips,
// stops and pauses from the control file's versions in git (or, without them, from the file as
// it is now); build the page model in the core; draw the charts with Vega; write
// <output-dir>/index.html. Malformed history lines are skipped, counted on the page and warned.

import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  type DashboardModel,
  type DashboardOptions,
  DASHBOARD_DEFAULTS,
  DAY,
  controlEvents,
  dashboardModel,
  recentBatchIds
} from '@batch-ops/core'
import { InputError, MAX_WEEK_MINUTES, annotate, booleanInput, now, numberInput, readControl, reportFailure, setOutput, stringInput, workspace, writeSummary } from '@batch-ops/runtime'
import { budgetSpec, minutesSpec, successSpec } from './charts.js'
import { type ChartSvgs, renderPage } from './page.js'
import { controlHistory, readFailures, readManifests, readMetrics, worktree } from './read.js'
import { dashboardSummary } from './summary.js'
import { renderSvg } from './svg.js'

export function readInputs() {
  const sampling = numberInput('sampling-threshold', 0.8, { min: 0, exclusiveMin: true, max: 1 })
  const pause = numberInput('pause-threshold', 0.95, { min: 0, exclusiveMin: true, max: 1 })
  if (sampling > pause) throw new InputError(`input 'sampling-threshold' (${sampling}) must not be above 'pause-threshold' (${pause})`)
  return {
    controlFile: stringInput('control-file', 'batch-control.json'),
    metricsFile: stringInput('metrics-file', 'data/metrics/batch-runs.jsonl'),
    failuresDir: stringInput('failures-dir', 'data/failures'),
    manifestDir: stringInput('manifest-dir', 'data/batches'),
    outputDir: stringInput('output-dir', 'site'),
    days: numberInput('days', 28, { min: 1, max: 366, integer: true }),
    title: stringInput('title', 'batch-ops dashboard'),
    limits: {
      macos: numberInput('macos-minutes-per-week', 1000, { min: 0, max: MAX_WEEK_MINUTES }),
      linux: numberInput('linux-minutes-per-week', 5000, { min: 0, max: MAX_WEEK_MINUTES })
    },
    thresholds: { sampling, pause },
    criticalThreshold: numberInput('critical-threshold', 0.5, { min: 0, max: 1 }),
    controlHistory: booleanInput('control-history', true)
  }
}

/** Every chart of the page, drawn one after another (Vega's views share nothing, but the CPU is one). */
async function drawCharts(m: DashboardModel): Promise<ChartSvgs> {
  const success = new Map<string, string>()
  for (const c of m.charts) success.set(c.ecosystem, await renderSvg(successSpec(c, m)))
  return {
    budget: await renderSvg(budgetSpec(m.status.budget)),
    success,
    minutes: { macOS: await renderSvg(minutesSpec(m.minutes, 'macOS', m.now)), Linux: await renderSvg(minutesSpec(m.minutes, 'Linux', m.now)) }
  }
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const cwd = workspace()
    const at = now()
    const from = at - inputs.days * DAY
    const failureFrom = at - DASHBOARD_DEFAULTS.failureDays * DAY

    // First the control file: invalid, and nothing else is read and no page is written.
    const control = await readControl(worktree(cwd), inputs.controlFile)

    const [metrics, failures, history] = await Promise.all([
      readMetrics(cwd, inputs.metricsFile),
      readFailures(cwd, inputs.failuresDir, failureFrom, at),
      inputs.controlHistory ? controlHistory(cwd, inputs.controlFile, from - 7 * DAY) : Promise.resolve({ versions: [], note: 'control-history is off', unavailable: true })
    ])
    const recent = recentBatchIds(metrics.records, at, DASHBOARD_DEFAULTS.recent)
    const manifests = await readManifests(cwd, inputs.manifestDir, recent)

    // Without the history, the control file as it is now: an open breaker's trip and a stop, with their times.
    const versions = history.unavailable ? [{ commit: '', at, doc: control.doc }] : history.versions
    const eventsNote = history.unavailable
      ? `Marks: what ${inputs.controlFile} holds now (an open breaker's last failure, a stop's time); its history in git was not read: ${history.note}.`
      : `Marks: the changes between successive versions of ${inputs.controlFile}: ${history.note}`

    const options: DashboardOptions = {
      ...DASHBOARD_DEFAULTS,
      title: inputs.title,
      days: inputs.days,
      limits: inputs.limits,
      thresholds: inputs.thresholds,
      criticalThreshold: inputs.criticalThreshold,
      links: {
        serverUrl: process.env.GITHUB_SERVER_URL,
        repository: process.env.GITHUB_REPOSITORY,
        commit: process.env.GITHUB_SHA,
        manifestDir: inputs.manifestDir
      }
    }
    const skipped = [...metrics.skipped, ...failures.skipped, ...manifests.skipped]
    const model = dashboardModel(
      {
        control: control.doc,
        metrics: metrics.records,
        failures: failures.records,
        manifests: manifests.manifests,
        events: controlEvents(versions, from, at),
        eventsNote,
        skipped,
        now: at
      },
      options
    )

    const html = renderPage(model, await drawCharts(model), {
      controlFile: inputs.controlFile,
      metricsFile: inputs.metricsFile,
      failuresDir: inputs.failuresDir,
      manifestDir: inputs.manifestDir,
      metricsLines: metrics.lines,
      failureFiles: failures.files
    })
    const dir = path.resolve(cwd, inputs.outputDir)
    const page = path.join(dir, 'index.html')
    await mkdir(dir, { recursive: true })
    // Whole or not at all: a reader (or a Pages upload) never sees half a page.
    await writeFile(`${page}.tmp`, html)
    await rename(`${page}.tmp`, page)

    // One warning per file with skipped lines, at its first one.
    const byFile = new Map<string, typeof skipped>()
    for (const s of skipped) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s])
    for (const [file, list] of byFile) {
      const first = list[0]!
      annotate.warning(`${list.length} malformed line${list.length === 1 ? '' : 's'} skipped (first: ${first.line > 0 ? `line ${first.line}: ` : ''}${first.message})`, {
        file,
        ...(first.line > 0 ? { line: first.line } : {}),
        title: 'batch-dashboard'
      })
    }

    const shown = path.relative(cwd, page) || page
    setOutput('page', page)
    setOutput('batches', model.batchesInWindow)
    annotate.notice(`Dashboard written to ${shown}: ${model.batchesInWindow} batches in the last ${inputs.days} days, ${Buffer.byteLength(html)} bytes.`, { title: 'batch-dashboard' })
    await writeSummary(dashboardSummary(model, { page: shown, bytes: Buffer.byteLength(html) }))
  } catch (error) {
    await reportFailure('Batch dashboard', error)
  }
}
