// The job summary of preflight-check: what was decided and why, readable without the logs.

import {
  type BudgetLimits,
  type BudgetThresholds,
  type PreflightDecision,
  code,
  formatTimestamp,
  md,
  percent,
  table, pushedNote
} from '@batch-ops/core'
import type { TamperReport } from '@batch-ops/runtime'

export interface SummaryContext {
  controlFile: string
  persisted: boolean
  changed: boolean
  commit: string | undefined
  /** The branch on origin it was pushed to. */
  branch?: string | undefined
  attempts: number
  evaluatedAt: number
  limits: BudgetLimits
  thresholds: BudgetThresholds
  tamper: TamperReport
  onTamper: 'warn' | 'block'
}

function budgetStatus(fraction: number, t: BudgetThresholds): string {
  if (fraction >= t.pause) return '⛔ paused'
  if (fraction >= t.sampling) return '⚠️ sampling'
  return '✅ ok'
}

export function preflightSummary(d: PreflightDecision, ctx: SummaryContext): string {
  const out: string[] = []
  out.push(d.canProceed ? `## ✅ Preflight: batch ${code(d.batchId || '(no ID requested)')} may proceed\n` : `## ⛔ Preflight: batch does not proceed\n`)
  if (!d.canProceed) out.push(`**Reason:** ${md(d.reason)}\n`)
  const t = d.trigger
  if (t && !t.ok && t.event !== '') {
    out.push(
      `**How to allow it:** ${code(`allowed-events: ${[...t.allowed, t.event].join(', ')}`)} on preflight-check ` +
        `(or the same input of the batch-operations.yml call).\n`
    )
  }
  if (d.sampling) out.push(`**Sampling mode:** the weekly budget is over ${percent(ctx.thresholds.sampling)}, run a sample only.\n`)
  for (const w of d.warnings) out.push(`> ⚠️ ${md(w)}\n`)

  const rows = [
    ...d.ecosystems.map((e) => [code(e), '▶️ runs', '']),
    ...Object.entries(d.skipped).map(([e, why]) => [code(e), '⏸️ skipped', md(why)])
  ]
  out.push('### Ecosystems\n')
  out.push(rows.length > 0 ? table(['ecosystem', 'decision', 'why'], rows) : '_No ecosystems were requested or known._\n')

  out.push('\n### Weekly CI budget\n')
  out.push(
    table(
      ['runner OS', 'used (min)', 'limit (min)', 'used', 'status'],
      d.budget.usage.map((u) => [md(u.os), String(u.used), String(u.limit), percent(u.fraction), budgetStatus(u.fraction, ctx.thresholds)])
    )
  )
  out.push(
    `\nSampling at ${percent(ctx.thresholds.sampling)}, pause at ${percent(ctx.thresholds.pause)}; the week starts Monday 00:00 UTC` +
      (d.budgetReset ? ' (**a new week started with this run: usage reset to 0**).' : '.') +
      '\n'
  )

  if (ctx.tamper.findings.length > 0) {
    out.push(`\n### ⚠️ Hand edits of the control file (on-tamper: ${ctx.onTamper})\n`)
    out.push(
      table(
        ['commit', 'author', 'breaker', 'moved', 'subject'],
        ctx.tamper.findings.map((t) => [code(t.commit.slice(0, 7)), md(t.author), code(t.ecosystem), `${md(t.from)} → ${md(t.to)}`, md(t.subject)])
      )
    )
    out.push(`\nThese commits have no ${code('Batch-Ops-Action')} trailer and move a breaker in a way the circuit breaker never does on its own (docs/contract.md §5, e.g. open straight to closed). Use the batch-control action (${code('reset-breaker')}) instead of hand edits; once an edit is reviewed, batch-control's ${code('acknowledge')} command (the emergency form) records that and clears this.\n`)
  } else {
    out.push(`\n<sub>Hand edits since batch-ops last wrote the control file: ${ctx.tamper.examined} commit(s) checked, none moved a breaker in a forbidden way${ctx.tamper.incomplete ? ` (incomplete: ${md(ctx.tamper.incomplete)})` : ''}.</sub>\n`)
  }

  if (t) {
    const event = t.event === '' ? '_(none: GITHUB_EVENT_NAME is not set)_' : code(t.event)
    out.push(`\n<sub>Event: ${event}; allowed-events: ${t.allowed.map((e) => code(e)).join(', ')}${t.note ? ` (${md(t.note)})` : ''}.</sub>\n`)
  }

  const persisted = ctx.commit
    ? pushedNote(ctx.commit, ctx.branch, ctx.attempts)
    : !ctx.changed
      ? 'nothing to write'
      : 'written to the working tree only (persist: false)'
  out.push(`\n<sub>Control file ${code(ctx.controlFile)}: ${persisted}. Evaluated at ${formatTimestamp(ctx.evaluatedAt)}.</sub>\n`)
  return out.join('\n')
}
