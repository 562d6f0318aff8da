// The weekly CI-minutes budget (docs/contract.md §4 rules 3–4, §6 budget).

import type { Budget } from './control/model.js'
import { formatTimestamp, parseDate, parseTimestamp, weekStart } from './time.js'

export interface BudgetLimits {
  macos: number
  linux: number
}

export interface BudgetThresholds {
  sampling: number
  pause: number
}

export interface OsUsage {
  os: 'macOS' | 'Linux'
  used: number
  limit: number
  /** used / limit; Infinity when the limit is 0 and something was used. */
  fraction: number
}

export interface BudgetVerdict {
  usage: OsUsage[]
  /** The OS closest to (or over) its limit. */
  worst: OsUsage
  pause: boolean
  sampling: boolean
}

function weekStartOf(s: string | undefined): number | null {
  if (!s) return null
  return parseTimestamp(s) ?? parseDate(s)
}

/**
 * The budget as it stands at `now`: a `week_start` before this week's Monday
 * 00:00 UTC (or none) starts a new week with nothing used.
 */
export function rollBudgetWeek(budget: Budget | undefined, now: number): { budget: Budget; reset: boolean } {
  const current = weekStart(now)
  const start = weekStartOf(budget?.week_start)
  if (budget && start !== null && start >= current) return { budget, reset: false }
  const next: Budget = { ...(budget ?? {}) }
  next.macos_minutes_used = 0
  next.linux_minutes_used = 0
  if (budget && 'windows_minutes_used' in budget) next.windows_minutes_used = 0
  next.week_start = formatTimestamp(current)
  next.sampling_active = false
  return { budget: next, reset: true }
}

function usage(os: OsUsage['os'], used: number, limit: number): OsUsage {
  const fraction = limit > 0 ? used / limit : used > 0 ? Infinity : 0
  return { os, used, limit, fraction }
}

/** Windows minutes count against the Linux allowance (both are billed at 1x). */
export function evaluateBudget(budget: Budget, limits: BudgetLimits, thresholds: BudgetThresholds): BudgetVerdict {
  const all = [
    usage('macOS', budget.macos_minutes_used ?? 0, limits.macos),
    usage('Linux', (budget.linux_minutes_used ?? 0) + (budget.windows_minutes_used ?? 0), limits.linux)
  ]
  const worst = all.reduce((a, b) => (b.fraction > a.fraction ? b : a))
  return {
    usage: all,
    worst,
    pause: worst.fraction >= thresholds.pause,
    sampling: worst.fraction >= thresholds.sampling
  }
}

export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '∞%'
  return `${Math.round(fraction * 1000) / 10}%`
}

export function describeUsage(u: OsUsage): string {
  return `${u.os} ${u.used}/${u.limit} min (${percent(u.fraction)})`
}
