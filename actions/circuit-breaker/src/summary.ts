// The job summary of circuit-breaker: state, window, rate against the threshold, next probe, why;
// for a check that an operator's stop or pause skipped, that first, and how it is lifted.

import { type Attempts, type BreakerParams, type OperatorHold, code, formatRate, formatTimestamp, link, md, openWaitMinutes, table, pushedNote } from '@batch-ops/core'
import type { BreakerOutcome } from './main.js'

export interface BreakerSummaryContext {
  mode: 'check' | 'record'
  ecosystem: string
  outcome: BreakerOutcome
  params: BreakerParams
  attempts: Attempts | undefined
  commit: string | undefined
  /** The branch on origin it was pushed to. */
  branch?: string | undefined
  attemptsToPush: number
  persisted: boolean
  changed: boolean
  evaluatedAt: number
}

const ICON = { closed: '🟢 closed', open: '🔴 open', 'half-open': '🟡 half-open' } as const

/** The window as a row of ✓/✗, oldest first. */
export function windowRow(window: string): string {
  return window === '' ? '_(empty)_' : [...window].map((c) => (c === 'S' ? '✓' : '✗')).join(' ')
}

/** Why an operator's control skipped the check, and what lifts it. */
function holdSection(hold: OperatorHold, ecosystem: string): string[] {
  if (hold.kind === 'stopped') {
    return [
      `**Why:** ${md(hold.reason)}\n`,
      ...(hold.incidentUrl ? [`**Incident:** ${link(hold.incidentUrl, hold.incidentUrl)}\n`] : []),
      `This ecosystem's work does not run, and nothing was claimed or written. ` +
        `Batches start again when an operator runs batch-control ${code('resume')} (the emergency form).\n`
    ]
  }
  return [
    `**Why:** ${code(ecosystem)} is paused by an operator (it is in ${code('disabled_ecosystems')}).\n`,
    `Its work does not run, and nothing was claimed or written. It runs again when an operator runs batch-control ` +
      `${code('resume-ecosystem')} for it (the emergency form); the ${code('Reason:')} trailer of the commit that paused it says why.\n`
  ]
}

export function breakerSummary(ctx: BreakerSummaryContext): string {
  const { outcome: r, params: p, entry } = { ...ctx, entry: ctx.outcome.entry }
  const out: string[] = []
  const verdict =
    ctx.mode === 'check'
      ? r.hold
        ? `⏭️ skip (${r.hold.kind} by an operator)`
        : r.skip
          ? '⏭️ skip'
          : r.probe
            ? '🧪 run as the probe'
            : '▶️ run'
      : '📝 recorded'
  out.push(`## Circuit breaker ${code(ctx.ecosystem)}: ${ICON[entry.state]} — ${verdict}\n`)
  if (r.hold) out.push(...holdSection(r.hold, ctx.ecosystem))
  else out.push(`**Why:** ${md(r.reason)}\n`)
  if (r.warning) out.push(`> ⚠️ ${md(r.warning)}\n`)
  const rate = entry.failureRate === null ? `— (fewer than ${p.minimumAttempts} attempts)` : formatRate(entry.failureRate)
  const rows: string[][] = [
    ['state', ICON[entry.state]],
    [`window (last ${p.windowSize}, oldest first)`, windowRow(entry.window)],
    ['failure rate', `${rate} (trips at ≥ ${p.failureThreshold}%)`],
    ['consecutive failures', String(entry.failures)],
    ['trips (failed probes in a row)', String(entry.trips)]
  ]
  if (ctx.attempts) rows.push(['this run recorded', `${ctx.attempts.successes} passed, ${ctx.attempts.failures} failed`])
  if (entry.state === 'open' && entry.opensAt !== null) {
    rows.push(['next probe', `${formatTimestamp(entry.opensAt)} (if that probe fails: wait ${openWaitMinutes(entry.trips + 1, p)} min)`])
  } else if (entry.state === 'half-open') {
    rows.push(['next probe', r.probe ? 'this run' : 'when the current probe reports or its lease expires'])
  }
  out.push(table(['', ''], rows))
  const persisted = ctx.commit
    ? pushedNote(ctx.commit, ctx.branch, ctx.attemptsToPush)
    : !ctx.changed
      ? 'nothing to write'
      : 'written to the working tree only (persist: false)'
  out.push(`\n<sub>Control file: ${persisted}. Evaluated at ${formatTimestamp(ctx.evaluatedAt)}.</sub>\n`)
  return out.join('\n')
}
