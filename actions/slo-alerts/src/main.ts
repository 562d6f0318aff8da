// slo-alerts: multi-window burn-rate alerts over the metrics history (docs/contract.md §11).
//
// 1. Read the inputs (a malformed rules or slo input: an error, nothing done) and the metrics
//    history (a malformed line: a warning naming it, skipped).
// 2. For every ecosystem the history shows in the rules' windows, or that has an open alert:
//    attempts and burn rates per window, and the severity of the first rule that fires (core).
// 3. Per ecosystem, what its issue becomes (core alertStep): open; update quietly; change its
//    severity with one comment; close it with a comment once recovered; or nothing.
// 4. Outputs, and a job summary with every ecosystem's burn rates against each rule.

import {
  type AlertStep,
  type BurnRule,
  type EcosystemBurn,
  alertStep,
  ecosystemsInHistory,
  evaluateBurn,
  parseBurnRules,
  parseList,
  parseMetricsHistory
} from '@batch-ops/core'
import {
  type IssueChange,
  type IssueResult,
  type TrackedIssue,
  InputError,
  annotate,
  currentRepo,
  fail,
  issueTracker,
  now,
  numberInput,
  reportFailure,
  runUrl,
  secretInput,
  setOutput,
  sloInput,
  stringInput,
  workspace,
  writeSummary,
  readWorkspaceFile
} from '@batch-ops/runtime'
import { type ReportContext, type SummaryRow, alertsSummary, issueBody, issueTitle, recoveredComment, severityComment } from './report.js'

export const ACTION = 'slo-alerts'
const KIND = 'slo-alert'
const DEFAULT_RULES = '[{"severity":"page","long-hours":24,"short-hours":6,"burn":6},{"severity":"ticket","long-hours":168,"short-hours":24,"burn":1}]'
const API_TIMEOUT_MS = 15_000

export function readInputs() {
  const rulesText = stringInput('rules', DEFAULT_RULES)
  const rules = parseBurnRules(rulesText)
  if (!rules.ok) throw new InputError(`input 'rules': ${rules.problem}. Nothing was evaluated and no issue was touched.`)
  const labels = parseList(stringInput('labels', 'batch-ops:slo'))
  if (labels.length === 0) throw new InputError(`input 'labels' names no label; open alerts are found by the first`)
  return {
    metricsFile: stringInput('metrics-file', 'data/metrics/batch-runs.jsonl'),
    slo: sloInput(true),
    rules: rules.rules,
    minimumAttempts: numberInput('minimum-attempts', 10, { min: 1, max: 1_000_000, integer: true }),
    labels,
    runbookUrl: stringInput('runbook-url'),
    token: secretInput('github-token')
  }
}

/** The metrics file's text; a file that is not there yet is an empty history. */
async function readHistory(file: string): Promise<string> {
  const cwd = workspace()
  try {
    return (await readWorkspaceFile(cwd, file)) ?? ''
  } catch (e) {
    throw new InputError(`input 'metrics-file' ${JSON.stringify(file)} cannot be read: ${(e as Error).message}`)
  }
}

/** The severity an open alert was written with (kept in its hidden state). */
function openSeverity(state: unknown): string | null {
  const s = (state as { severity?: unknown } | undefined)?.severity
  return typeof s === 'string' ? s : null
}

/** What the issue of `b` becomes, for the tracker. */
function change(step: AlertStep, b: EcosystemBurn, body: () => string): IssueChange | undefined {
  switch (step.kind) {
    case 'open':
      return { action: 'open', title: issueTitle(b.ecosystem, step.severity), body: body(), state: { severity: step.severity }, labels: [`severity:${step.severity}`] }
    case 'update':
      return { action: 'update', body: body(), state: { severity: step.severity } }
    case 'severity-changed':
      return {
        action: 'update',
        title: issueTitle(b.ecosystem, step.to),
        body: body(),
        state: { severity: step.to },
        comment: severityComment(b, step.from, step.to),
        labels: { add: [`severity:${step.to}`], remove: [`severity:${step.from}`] }
      }
    case 'keep-open':
      return { action: 'update', body: body() }
    case 'recover':
      return { action: 'close', comment: recoveredComment(b) }
    case 'nothing':
      return undefined
  }
}

/** The firing ecosystems, as the `alerts` output gives them. */
function alertsOutput(burns: readonly EcosystemBurn[]): Record<string, { severity: string; windows: Record<string, { attempts: number; burn: number | null }> }> {
  const out: Record<string, { severity: string; windows: Record<string, { attempts: number; burn: number | null }> }> = {}
  for (const b of burns) {
    if (b.severity === null) continue
    const windows: Record<string, { attempts: number; burn: number | null }> = {}
    for (const r of b.rules) for (const w of [r.long, r.short]) windows[`${w.hours}h`] = { attempts: w.attempts, burn: w.burn === null ? null : Math.round(w.burn * 10000) / 10000 }
    out[b.ecosystem] = { severity: b.severity, windows }
  }
  return out
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const at = now()
    const history = parseMetricsHistory(await readHistory(inputs.metricsFile))
    for (const s of history.skipped) annotate.warning(`Skipped a line that is not a metrics line: ${s.why}.`, { file: inputs.metricsFile, line: s.line, title: ACTION })

    const repo = currentRepo()
    const problems: string[] = []
    const tracker =
      repo && inputs.token !== '' ? issueTracker({ token: inputs.token, repo, kind: KIND, keyName: 'ecosystem', labels: inputs.labels, timeoutMs: API_TIMEOUT_MS }) : undefined
    if (!tracker) problems.push(repo ? "no github-token: the alerts are evaluated, but no issue is read or written" : 'not in a workflow run (GITHUB_REPOSITORY is not set): no issue is read or written')
    let open: ReadonlyMap<string, TrackedIssue> = new Map()
    if (tracker) {
      try {
        open = await tracker.list()
      } catch (e) {
        problems.push(`the open alert issues could not be listed: ${(e as Error).message}`)
      }
    }

    const rules: readonly BurnRule[] = inputs.rules
    const ecosystems = [...new Set([...ecosystemsInHistory(history.records, rules, at), ...open.keys()])].sort()
    const burns = ecosystems.map((e) => evaluateBurn(history.records, e, { rules, slo: inputs.slo, minimumAttempts: inputs.minimumAttempts }, at))

    const repoUrl = repo ? `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${repo.owner}/${repo.repo}` : undefined
    const ctx: ReportContext = { repoUrl, runUrl: runUrl(), runbookUrl: inputs.runbookUrl, minimumAttempts: inputs.minimumAttempts, evaluatedAt: at }
    const steps = burns.map((b) => {
      const existing = open.get(b.ecosystem)
      return { b, step: alertStep(b, existing ? { severity: openSeverity(existing.state) } : null) }
    })
    const changes = steps.flatMap(({ b, step }) => {
      const c = change(step, b, () => issueBody(b, history.records, ctx))
      return c ? [{ key: b.ecosystem, change: c }] : []
    })

    let results: IssueResult[] = []
    if (tracker && changes.length > 0 && problems.length === 0) results = await tracker.apply(open, changes)
    for (const r of results) if (r.error) problems.push(`the alert issue of ${r.key} could not be ${r.action}: ${r.error}`)

    const done = results.filter((r) => !r.error)
    const count = (action: IssueResult['action']): number => done.filter((r) => r.action === action).length
    setOutput('alerts', alertsOutput(burns))
    setOutput('opened', count('opened'))
    setOutput('updated', count('updated'))
    setOutput('closed', count('closed'))
    setOutput('issues', done.filter((r) => r.url).map((r) => r.url!))

    for (const { b } of steps) {
      if (b.severity) annotate.warning(`${b.ecosystem} is burning its error budget: the ${b.severity} rule fires (SLO ${b.slo}).`, { title: ACTION })
    }
    const rows: SummaryRow[] = steps.map(({ b, step }) => {
      const r = results.find((x) => x.key === b.ecosystem)
      const issue = r
        ? r.error
          ? `could not be ${r.action}`
          : `${r.action} #${r.number}${step.kind === 'severity-changed' ? ` (severity ${step.from} → ${step.to})` : ''}`
        : step.kind === 'nothing'
          ? 'none'
          : tracker
            ? 'not written'
            : 'not written (no API)'
      return { burn: b, issue }
    })
    await writeSummary(alertsSummary(rows, { ...ctx, metricsFile: inputs.metricsFile, skipped: history.skipped.length, problems }))
    // Without issues, the alerts go unseen: a failure to read or write them fails the step, after everything else.
    if (problems.length > 0 && tracker) fail(problems.map((p) => `${p[0]!.toUpperCase()}${p.slice(1)}.`).join(' '))
    else for (const p of problems) annotate.notice(`${p[0]!.toUpperCase()}${p.slice(1)}.`, { title: ACTION })
  } catch (error) {
    await reportFailure('SLO alerts', error)
  }
}
