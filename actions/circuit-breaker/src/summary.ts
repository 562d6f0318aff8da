// The job summary of circuit-breaker: state, window, rate against the threshold, next probe, why.

import { type Attempts, type BreakerParams, code, formatRate, formatTimestamp, md, openWaitMinutes, table } from '@batch-ops/core'
import type { BreakerOutcome } from './main.js'

export interface BreakerSummaryContext {
  mode: 'check' | 'record'
  ecosystem: string
  outcome: BreakerOutcome
  params: BreakerParams
  attempts: Attempts | undefined
  commit: string | undefined
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

export function breakerSummary(ctx: BreakerSummaryContext): string {
  const { outcome: r, params: p, entry } = { ...ctx, entry: ctx.outcome.entry }
  const out: string[] = []
  const verdict = ctx.mode === 'check' ? (r.skip ? '⏭️ skip' : r.probe ? '🧪 run as the probe' : '▶️ run') : '📝 recorded'
  out.push(`## Circuit breaker ${code(ctx.ecosystem)}: ${ICON[entry.state]} — ${verdict}\n`)
  out.push(`**Why:** ${md(r.reason)}\n`)
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
    ? `pushed as ${code(ctx.commit.slice(0, 12))}${ctx.attemptsToPush > 1 ? ` after ${ctx.attemptsToPush} attempts (re-applied to the moved branch)` : ''}`
    : !ctx.changed
      ? 'nothing to write'
      : 'written to the working tree only (persist: false)'
  out.push(`\n<sub>Control file: ${persisted}. Evaluated at ${formatTimestamp(ctx.evaluatedAt)}.</sub>\n`)
  return out.join('\n')
}
