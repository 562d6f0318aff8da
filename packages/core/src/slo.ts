// SLIs and SLOs per ecosystem (docs/contract.md §6).
//
// rate = passed / (passed + failed); skipped and blocked are not failures.
// severity: critical below critical-threshold, else warning below the SLO,
// else info when the mean duration is over the latency threshold, else ok.

import type { RecipeResult } from './results.js'

export type Severity = 'ok' | 'info' | 'warning' | 'critical'
export const SEVERITY_ORDER: readonly Severity[] = ['ok', 'info', 'warning', 'critical']

export const DEFAULT_SLO: Readonly<Record<string, number>> = { homebrew: 0.85, cask: 0.95, default: 0.98 }

export interface SloOptions {
  /** Ecosystem → target in [0, 1]; `default` applies to the rest. */
  slo: Record<string, number>
  criticalThreshold: number
  latencyThresholdSeconds: number
}

export interface EcosystemReport {
  ecosystem: string
  passed: number
  failed: number
  skipped: number
  blocked: number
  total: number
  /** passed / (passed + failed), or null with no attempts. */
  rate: number | null
  slo: number
  /** Mean duration_seconds over the results that have one, or null. */
  meanDurationSeconds: number | null
  severity: Severity
  /** Why the severity is what it is, in a sentence. */
  why: string
}

export interface BatchReport {
  ecosystems: EcosystemReport[]
  passed: number
  failed: number
  skipped: number
  blocked: number
  total: number
  rate: number | null
  severity: Severity
}

export function worst(severities: Iterable<Severity>): Severity {
  let w: Severity = 'ok'
  for (const s of severities) if (SEVERITY_ORDER.indexOf(s) > SEVERITY_ORDER.indexOf(w)) w = s
  return w
}

export function sloFor(ecosystem: string, slo: Record<string, number>): number {
  // Own keys only: an ecosystem named `constructor` must not find Object.prototype's.
  return (Object.hasOwn(slo, ecosystem) ? slo[ecosystem] : undefined) ?? (Object.hasOwn(slo, 'default') ? slo.default : undefined) ?? DEFAULT_SLO.default!
}

/** Problems with an SLO table given as input (each target must be in [0, 1]). */
export function sloProblems(slo: unknown): string[] {
  if (typeof slo !== 'object' || slo === null || Array.isArray(slo)) return ['must be a JSON object of ecosystem → target between 0 and 1']
  return Object.entries(slo as Record<string, unknown>)
    .filter(([, v]) => typeof v !== 'number' || !(v >= 0 && v <= 1))
    .map(([k, v]) => `target for ${JSON.stringify(k)} must be a number between 0 and 1 (found ${JSON.stringify(v)})`)
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`

export function severityOf(rate: number | null, slo: number, meanDuration: number | null, o: SloOptions): { severity: Severity; why: string } {
  if (rate !== null && rate < o.criticalThreshold) {
    return { severity: 'critical', why: `success rate ${pct(rate)} is below the critical threshold ${pct(o.criticalThreshold)}` }
  }
  if (rate !== null && rate < slo) return { severity: 'warning', why: `success rate ${pct(rate)} is below its SLO ${pct(slo)}` }
  if (meanDuration !== null && meanDuration > o.latencyThresholdSeconds) {
    return { severity: 'info', why: `mean duration ${Math.round(meanDuration)} s is over ${o.latencyThresholdSeconds} s` }
  }
  return { severity: 'ok', why: rate === null ? 'no attempts (only skipped or blocked results)' : `success rate ${pct(rate)} meets its SLO ${pct(slo)}` }
}

/** Evaluates the batch: one report per ecosystem, in order of first appearance. */
export function evaluateBatch(results: readonly RecipeResult[], o: SloOptions): BatchReport {
  const acc = new Map<string, { passed: number; failed: number; skipped: number; blocked: number; durations: number; durationCount: number }>()
  for (const r of results) {
    let a = acc.get(r.ecosystem)
    if (!a) acc.set(r.ecosystem, (a = { passed: 0, failed: 0, skipped: 0, blocked: 0, durations: 0, durationCount: 0 }))
    a[r.result]++
    if (r.duration_seconds !== undefined) {
      a.durations += r.duration_seconds
      a.durationCount++
    }
  }
  const ecosystems: EcosystemReport[] = [...acc].map(([ecosystem, a]) => {
    const attempts = a.passed + a.failed
    const rate = attempts > 0 ? a.passed / attempts : null
    const slo = sloFor(ecosystem, o.slo)
    const meanDurationSeconds = a.durationCount > 0 ? a.durations / a.durationCount : null
    return {
      ecosystem,
      passed: a.passed,
      failed: a.failed,
      skipped: a.skipped,
      blocked: a.blocked,
      total: a.passed + a.failed + a.skipped + a.blocked,
      rate,
      slo,
      meanDurationSeconds,
      ...severityOf(rate, slo, meanDurationSeconds, o)
    }
  })
  const sum = (k: 'passed' | 'failed' | 'skipped' | 'blocked') => ecosystems.reduce((n, e) => n + e[k], 0)
  const passed = sum('passed')
  const failed = sum('failed')
  return {
    ecosystems,
    passed,
    failed,
    skipped: sum('skipped'),
    blocked: sum('blocked'),
    total: results.length,
    rate: passed + failed > 0 ? passed / (passed + failed) : null,
    severity: worst(ecosystems.map((e) => e.severity))
  }
}

/** The most common failure categories, each with a few example recipes. */
export function topFailureCategories(results: readonly RecipeResult[], limit = 5, examples = 3): Array<{ category: string; count: number; examples: string[] }> {
  const by = new Map<string, { count: number; examples: string[] }>()
  for (const r of results) {
    if (r.result !== 'failed') continue
    const category = r.error_category || 'uncategorized'
    let c = by.get(category)
    if (!c) by.set(category, (c = { count: 0, examples: [] }))
    c.count++
    if (c.examples.length < examples && !c.examples.includes(r.recipe)) c.examples.push(r.recipe)
  }
  return [...by]
    .map(([category, c]) => ({ category, ...c }))
    .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
    .slice(0, limit)
}
