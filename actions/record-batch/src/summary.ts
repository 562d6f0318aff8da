// The job summary of record-batch: what a PR reviewer needs without the logs.

import { type BatchReport, type BudgetLimits, type Severity, code, md, percent, table } from '@batch-ops/core'
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

export function recordSummary(c: RecordSummaryContext): string {
  const r = c.report
  const out: string[] = []
  out.push(`## ${SEVERITY_MARK[r.severity].split(' ')[0]} Batch ${code(c.batchId)}: ${rate(r.rate)} success (${r.passed} passed, ${r.failed} failed, ${r.skipped + r.blocked} skipped or blocked)\n`)
  out.push('### Ecosystems against their SLOs\n')
  out.push(
    r.ecosystems.length === 0
      ? '_No results were recorded._\n'
      : table(
          ['ecosystem', 'passed', 'failed', 'skipped', 'blocked', 'success rate', 'SLO', 'severity', 'why'],
          r.ecosystems.map((e) => [code(e.ecosystem), String(e.passed), String(e.failed), String(e.skipped), String(e.blocked), rate(e.rate), percent(e.slo), SEVERITY_MARK[e.severity], md(e.why)])
        )
  )
  if (c.top.length > 0) {
    out.push('\n### Top failure categories\n')
    out.push(table(['category', 'failures', 'for example'], c.top.map((t) => [code(t.category), String(t.count), t.examples.map((x) => code(x)).join(', ')])))
  }
  const b = c.recorded.budget
  out.push('\n### CI budget this week\n')
  out.push(
    table(
      ['runner OS', 'this batch (min)', 'used this week (min)', 'weekly limit (min)', 'used'],
      [
        ['macOS', String(c.recorded.minutes.macos), String(b.macos), String(c.limits.macos), percent(c.limits.macos > 0 ? b.macos / c.limits.macos : 0)],
        ['Linux + Windows', String(c.recorded.minutes.linux + c.recorded.minutes.windows), String(b.linux + b.windows), String(c.limits.linux), percent(c.limits.linux > 0 ? (b.linux + b.windows) / c.limits.linux : 0)]
      ]
    )
  )
  out.push(`\nMinutes from: ${md(c.budgetNote)}.\n`)
  out.push('\n### Records\n')
  const persisted = c.commit
    ? `committed and pushed as ${code(c.commit.slice(0, 12))}${c.attempts > 1 ? ` after ${c.attempts} attempts (re-applied to the moved branch)` : ''}`
    : c.persisted
      ? 'nothing to write'
      : 'written to the working tree only (persist: false)'
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
