// The job summary of record-batch: what a PR reviewer needs without the logs.

import { type BatchReport, type BudgetLimits, type Severity, code, md, percent, sparkline, table, pushedNote } from '@batch-ops/core'
import type { Recorded } from './main.js'

export interface RecordSummaryContext {
  batchId: string
  report: BatchReport
  top: Array<{ category: string; count: number; examples: string[] }>
  recorded: Recorded
  limits: BudgetLimits
  budgetNote: string
  uploadNote: string
  uploaded: boolean
  files: { metrics: string; manifest: string; failures: string | undefined }
  manifestCount: number
  commit: string | undefined
  /** The branch on origin it was pushed to. */
  branch?: string | undefined
  attempts: number
  persisted: boolean
}

export const SEVERITY_MARK: Record<Severity, string> = {
  ok: '🟢 ok',
  info: '🔵 info',
  warning: '🟠 warning',
  critical: '🔴 critical'
}

const rate = (r: number | null): string => (r === null ? '—' : percent(r))

function budgetSection(recorded: Pick<Recorded, 'minutes' | 'budget'>, limits: BudgetLimits, note: string, column = 'this batch (min)'): string {
  const b = recorded.budget
  const m = recorded.minutes
  return [
    '\n### CI budget this week\n',
    table(
      ['runner OS', column, 'used this week (min)', 'weekly limit (min)', 'used'],
      [
        ['macOS', String(m.macos), String(b.macos), String(limits.macos), percent(limits.macos > 0 ? b.macos / limits.macos : 0)],
        ['Linux + Windows', String(m.linux + m.windows), String(b.linux + b.windows), String(limits.linux), percent(limits.linux > 0 ? (b.linux + b.windows) / limits.linux : 0)]
      ]
    ),
    `\nMinutes from: ${md(note)}.\n`
  ].join('\n')
}

function persistedNote(commit: string | undefined, branch: string | undefined, attempts: number, persisted: boolean): string {
  return commit
    ? `committed and ${pushedNote(commit, branch, attempts)}`
    : persisted
      ? 'nothing to write'
      : 'written to the working tree only (persist: false)'
}

export function recordSummary(c: RecordSummaryContext): string {
  const r = c.report
  const out: string[] = []
  out.push(`## ${SEVERITY_MARK[r.severity].split(' ')[0]} Batch ${code(c.batchId)}: ${rate(r.rate)} success (${r.passed} passed, ${r.failed} failed, ${r.skipped + r.blocked} skipped or blocked)\n`)
  out.push('### Ecosystems against their SLOs\n')
  out.push(
    r.ecosystems.length === 0
      ? '_No results were recorded._\n'
      : table(
          ['ecosystem', 'passed', 'failed', 'skipped', 'blocked', 'success rate', 'SLO', 'last 10 batches', 'severity', 'why'],
          r.ecosystems.map((e) => [
            code(e.ecosystem),
            String(e.passed),
            String(e.failed),
            String(e.skipped),
            String(e.blocked),
            rate(e.rate),
            percent(e.slo),
            code(sparkline(c.recorded.trend?.[e.ecosystem] ?? [e.rate])),
            SEVERITY_MARK[e.severity],
            md(e.why)
          ])
        )
  )
  if (c.top.length > 0) {
    out.push('\n### Top failure categories\n')
    out.push(table(['category', 'failures', 'for example'], c.top.map((t) => [code(t.category), String(t.count), t.examples.map((x) => code(x)).join(', ')])))
  }
  out.push(budgetSection(c.recorded, c.limits, c.budgetNote))
  out.push('\n### Records\n')
  const persisted = persistedNote(c.commit, c.branch, c.attempts, c.persisted)
  out.push(
    [
      `- metrics line appended to ${code(c.files.metrics)}`,
      c.files.failures ? `- ${c.recorded.failureRecords} failure record(s) appended to ${code(c.files.failures)}` : '- no failures, so no failure file',
      `- manifest ${code(c.files.manifest)}: ${c.manifestCount} file(s) changed by the batch`,
      `- ${persisted}`,
      `- metrics upload: ${c.uploaded ? '✅' : '⚠️'} ${md(c.uploadNote)}`
    ].join('\n') + '\n'
  )
  return out.join('\n')
}

export interface AccountSummaryContext {
  batchId: string
  limits: BudgetLimits
  /** Undefined when the jobs could not be listed. */
  recorded?: Recorded
  budgetNote: string
  commit?: string | undefined
  branch?: string | undefined
  attempts?: number
  persisted: boolean
}

/** mode: account: the minutes this run's jobs added after the record steps, and nothing else. */
export function accountSummary(c: AccountSummaryContext): string {
  const of = c.batchId ? `batch ${code(c.batchId)}` : 'this run'
  const out: string[] = []
  if (!c.recorded) {
    out.push(`## ⚠️ CI minutes of ${of}: not counted\n`)
    out.push(`${md(c.budgetNote)}.\n`)
    return out.join('\n')
  }
  const m = c.recorded.minutes
  const added = m.macos + m.linux + m.windows
  out.push(`## CI minutes of ${of}: ${added === 0 ? 'nothing left to count' : `${added} more minute(s) counted`}\n`)
  out.push('What the jobs of this run used beyond what the record steps counted: jobs that finished after them, and the rest of the jobs they counted while running. No metrics line, failure record or manifest is written in this mode.\n')
  out.push(budgetSection(c.recorded, c.limits, c.budgetNote, 'added now (min)'))
  out.push('\n### Records\n')
  out.push(`- the budget in the control file: ${persistedNote(c.commit, c.branch, c.attempts ?? 1, c.persisted)}\n`)
  return out.join('\n')
}
