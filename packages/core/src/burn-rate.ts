// Multi-window, multi-burn-rate SLO alerts over the metrics history (the SRE
// workbook's scheme), pure.
//
// Attempts of an ecosystem in a window: passed + failed over the metrics lines
// whose completed_at lies in (now − hours, now]; skipped and blocked do not count.
// Burn rate: (failed / attempts) / (1 − SLO). A rule fires when both of its
// windows hold at least `minimumAttempts` attempts and both burn rates are at or
// above its `burn`. An ecosystem's severity is that of the first rule that fires
// (rules are ordered from the most severe).

import type { HistoryRecord } from './metrics-history.js'
import { sloFor } from './slo.js'

export interface BurnRule {
  severity: string
  longHours: number
  shortHours: number
  burn: number
}

export const DEFAULT_BURN_RULES: readonly BurnRule[] = [
  { severity: 'page', longHours: 24, shortHours: 6, burn: 6 },
  { severity: 'ticket', longHours: 168, shortHours: 24, burn: 1 }
]

/** Longest window a rule may have: the history is read no further back than that. */
export const MAX_WINDOW_HOURS = 24 * 90

const SEVERITY_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/

/** The `rules` input: a JSON array of {severity, long-hours, short-hours, burn}; every problem named. */
export function parseBurnRules(text: string): { ok: true; rules: BurnRule[] } | { ok: false; problem: string } {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    return { ok: false, problem: `not valid JSON (${(e as Error).message})` }
  }
  if (!Array.isArray(v) || v.length === 0) return { ok: false, problem: 'must be a non-empty JSON array of rules' }
  if (v.length > 10) return { ok: false, problem: `at most 10 rules (got ${v.length})` }
  const rules: BurnRule[] = []
  const seen = new Set<string>()
  for (const [i, r] of v.entries()) {
    const at = `rule ${i + 1}`
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return { ok: false, problem: `${at} must be an object` }
    const o = r as Record<string, unknown>
    const unknown = Object.keys(o).filter((k) => !['severity', 'long-hours', 'short-hours', 'burn'].includes(k))
    if (unknown.length > 0) return { ok: false, problem: `${at} has unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the fields are severity, long-hours, short-hours, burn` }
    if (typeof o.severity !== 'string' || !SEVERITY_NAME.test(o.severity)) {
      return { ok: false, problem: `${at}: "severity" must be a short lower-case name such as "page" (letters, digits, '-')` }
    }
    if (seen.has(o.severity)) return { ok: false, problem: `${at}: severity ${JSON.stringify(o.severity)} appears twice` }
    seen.add(o.severity)
    const hours = (key: 'long-hours' | 'short-hours'): number | string => {
      const h = o[key]
      return typeof h === 'number' && Number.isFinite(h) && h > 0 && h <= MAX_WINDOW_HOURS ? h : `${at}: "${key}" must be a number of hours > 0 and <= ${MAX_WINDOW_HOURS}`
    }
    const longHours = hours('long-hours')
    const shortHours = hours('short-hours')
    if (typeof longHours === 'string') return { ok: false, problem: longHours }
    if (typeof shortHours === 'string') return { ok: false, problem: shortHours }
    if (shortHours > longHours) return { ok: false, problem: `${at}: "short-hours" (${shortHours}) must not be longer than "long-hours" (${longHours})` }
    if (typeof o.burn !== 'number' || !Number.isFinite(o.burn) || o.burn <= 0 || o.burn > 1000) return { ok: false, problem: `${at}: "burn" must be a number > 0 and <= 1000` }
    rules.push({ severity: o.severity, longHours, shortHours, burn: o.burn })
  }
  return { ok: true, rules }
}

export interface WindowStats {
  hours: number
  attempts: number
  failed: number
  /** failed / attempts, or null with no attempts. */
  failureRate: number | null
  /** failureRate / (1 − SLO), or null with no attempts. */
  burn: number | null
}

export interface RuleVerdict {
  rule: BurnRule
  long: WindowStats
  short: WindowStats
  fires: boolean
}

export interface EcosystemBurn {
  ecosystem: string
  slo: number
  /** The severity of the first rule that fires, or null. */
  severity: string | null
  rules: RuleVerdict[]
  /** The shortest window of all rules: what recovery is judged on. */
  shortest: WindowStats
}

const HOUR = 3_600_000
/** Burn rates are compared with this much room for floating point: (1 − 0.9) is 0.09999999999999998. */
const EPSILON = 1e-9

/** Attempts and failures of `ecosystem` over the records completed in (now − hours, now]. */
export function windowStats(records: readonly HistoryRecord[], ecosystem: string, hours: number, now: number, slo: number): WindowStats {
  const from = now - hours * HOUR
  let attempts = 0
  let failed = 0
  for (const r of records) {
    if (r.completedAt <= from || r.completedAt > now) continue
    const c = Object.hasOwn(r.ecosystems, ecosystem) ? r.ecosystems[ecosystem] : undefined
    if (!c) continue
    attempts += c.passed + c.failed
    failed += c.failed
  }
  const failureRate = attempts > 0 ? failed / attempts : null
  return { hours, attempts, failed, failureRate, burn: failureRate === null ? null : failureRate / (1 - slo) }
}

export interface BurnOptions {
  rules: readonly BurnRule[]
  slo: Record<string, number>
  minimumAttempts: number
}

/** Each rule's verdict for one ecosystem, and its severity. */
export function evaluateBurn(records: readonly HistoryRecord[], ecosystem: string, o: BurnOptions, now: number): EcosystemBurn {
  const slo = sloFor(ecosystem, o.slo)
  const rules = o.rules.map((rule): RuleVerdict => {
    const long = windowStats(records, ecosystem, rule.longHours, now, slo)
    const short = windowStats(records, ecosystem, rule.shortHours, now, slo)
    const enough = long.attempts >= o.minimumAttempts && short.attempts >= o.minimumAttempts
    const fires = enough && long.burn !== null && short.burn !== null && long.burn >= rule.burn - EPSILON && short.burn >= rule.burn - EPSILON
    return { rule, long, short, fires }
  })
  const shortestHours = Math.min(...o.rules.map((r) => r.shortHours))
  return {
    ecosystem,
    slo,
    severity: rules.find((r) => r.fires)?.rule.severity ?? null,
    rules,
    shortest: windowStats(records, ecosystem, shortestHours, now, slo)
  }
}

/** The ecosystems the history shows within the longest window of any rule, sorted. */
export function ecosystemsInHistory(records: readonly HistoryRecord[], rules: readonly BurnRule[], now: number): string[] {
  const from = now - Math.max(...rules.map((r) => r.longHours)) * HOUR
  const names = new Set<string>()
  for (const r of records) if (r.completedAt > from && r.completedAt <= now) for (const e of Object.keys(r.ecosystems)) names.add(e)
  return [...names].sort()
}

/** What to do with an ecosystem's alert issue. */
export type AlertStep =
  | { kind: 'open'; severity: string }
  | { kind: 'update'; severity: string }
  | { kind: 'severity-changed'; from: string; to: string }
  | { kind: 'recover' }
  | { kind: 'keep-open' }
  | { kind: 'nothing' }

/**
 * Firing with no issue: open one. Firing with an issue of the same severity:
 * update its body quietly; of another severity: change it, with one comment.
 * Not firing with an issue: close it with a comment once the burn over the
 * shortest window of all rules is below 1; until then keep it open, updated.
 * No attempts in that window is no evidence of recovery: the issue stays open.
 */
export function alertStep(b: EcosystemBurn, open: { severity: string | null } | null): AlertStep {
  if (b.severity !== null) {
    if (!open) return { kind: 'open', severity: b.severity }
    if (open.severity === b.severity) return { kind: 'update', severity: b.severity }
    return { kind: 'severity-changed', from: open.severity ?? 'unknown', to: b.severity }
  }
  if (!open) return { kind: 'nothing' }
  return b.shortest.burn !== null && b.shortest.burn < 1 - EPSILON ? { kind: 'recover' } : { kind: 'keep-open' }
}
