// The circuit breaker (docs/contract.md §5) as a pure reducer: (entry, event, now) -> entry + verdict.
//
// closed --(window >= minimum-attempts and failure rate >= threshold)--> open
// open --(check at/after opens_at: claims the probe)--> half-open
// half-open --(probe succeeds)--> closed      half-open --(probe fails)--> open, trips+1
// open never goes to closed directly; a result that arrives while open changes nothing.
//
// Before any of that, the operators' controls: while batch processing is stopped (enabled: false)
// or the ecosystem is paused (disabled_ecosystems), a check skips, claims nothing and writes
// nothing (operatorHold); a record still records, so that no result is lost.

import { type BreakerEntry, type BreakerState, type ControlDoc, type Probe, breakerEntry, isEnabled, withBreaker } from './control/model.js'
import { MINUTE, formatTimestamp, parseTimestamp } from './time.js'

export interface BreakerParams {
  /** Percent: trips when the failure rate is >= this. */
  failureThreshold: number
  windowSize: number
  minimumAttempts: number
  recoveryMinutes: number
  backoffMultiplier: number
  maxRecoveryMinutes: number
  probeTimeoutMinutes: number
}

export const DEFAULT_BREAKER_PARAMS: BreakerParams = {
  failureThreshold: 50,
  windowSize: 10,
  minimumAttempts: 5,
  recoveryMinutes: 60,
  backoffMultiplier: 2,
  maxRecoveryMinutes: 1440,
  probeTimeoutMinutes: 120
}

/** Problems with a parameter set (as input errors), e.g. a minimum the window can never reach. */
export function breakerParamProblems(p: BreakerParams): string[] {
  const problems: string[] = []
  if (p.minimumAttempts > p.windowSize) {
    problems.push(`'minimum-attempts' (${p.minimumAttempts}) is larger than 'window-size' (${p.windowSize}), so the breaker could never trip`)
  }
  if (p.recoveryMinutes > p.maxRecoveryMinutes) {
    problems.push(`'recovery-minutes' (${p.recoveryMinutes}) is larger than 'max-recovery-minutes' (${p.maxRecoveryMinutes})`)
  }
  return problems
}

/** Attempts reported by one run: one outcome, or counts. */
export interface Attempts {
  successes: number
  failures: number
}

export interface BreakerView {
  state: BreakerState
  window: string
  failures: number
  trips: number
  /** Percent over the window, or null below minimum-attempts. */
  failureRate: number | null
  /** When an open breaker may be probed (ms), or null. */
  opensAt: number | null
}

/** The wait before an open breaker may be probed, after `trips` failed probes. */
export function openWaitMinutes(trips: number, p: BreakerParams): number {
  return Math.min(p.recoveryMinutes * p.backoffMultiplier ** trips, p.maxRecoveryMinutes)
}

export function failureRate(window: string, p: Pick<BreakerParams, 'minimumAttempts'>): number | null {
  if (window.length === 0 || window.length < p.minimumAttempts) return null
  let f = 0
  for (const c of window) if (c === 'F') f++
  return (f * 100) / window.length
}

/**
 * When an open breaker may be probed: `opens_at`, or derived from `last_failure`
 * (entries from the shell tooling may lack one). null: no usable time, fail closed.
 */
export function dueTime(entry: BreakerEntry, p: BreakerParams): number | null {
  const opensAt = entry.opens_at ? parseTimestamp(entry.opens_at) : null
  if (opensAt !== null) return opensAt
  const last = entry.last_failure ? parseTimestamp(entry.last_failure) : null
  if (last === null) return null
  return last + openWaitMinutes(entry.trips ?? 0, p) * MINUTE
}

export function viewBreaker(entry: BreakerEntry | undefined, p: BreakerParams): BreakerView {
  const window = entry?.window ?? ''
  return {
    state: entry?.state ?? 'closed',
    window,
    failures: entry?.failures ?? 0,
    trips: entry?.trips ?? 0,
    failureRate: failureRate(window, p),
    opensAt: entry?.state === 'open' ? dueTime(entry, p) : null
  }
}

// ---------------------------------------------------------------------------
// check

export type CheckResult =
  | {
      ok: true
      /** The entry after the check; `write` says whether it changed. */
      entry: BreakerEntry | undefined
      write: boolean
      skip: boolean
      probe: boolean
      reason: string
    }
  | { ok: false; error: string }

function probeLive(probe: Probe | undefined, now: number, p: BreakerParams): boolean {
  if (!probe) return false
  const claimed = probe.claimed_at ? parseTimestamp(probe.claimed_at) : null
  if (claimed === null) return false
  return now - claimed <= p.probeTimeoutMinutes * MINUTE
}

function claim(entry: BreakerEntry, now: number, runId: string): BreakerEntry {
  return { ...entry, state: 'half-open', probe: { claimed_at: formatTimestamp(now), run_id: runId } }
}

export function checkBreaker(entry: BreakerEntry | undefined, p: BreakerParams, now: number, runId: string): CheckResult {
  if (!entry || entry.state === 'closed') {
    return { ok: true, entry, write: false, skip: false, probe: false, reason: entry ? 'breaker closed' : 'no breaker entry yet (closed)' }
  }
  if (entry.state === 'open') {
    const due = dueTime(entry, p)
    if (due === null) {
      return {
        ok: false,
        error:
          `breaker is open but has no usable opens_at (${JSON.stringify(entry.opens_at ?? '')}) and no last_failure to derive one from; ` +
          `skipping (fail closed). An operator can set opens_at or reset the breaker.`
      }
    }
    if (now < due) {
      return { ok: true, entry, write: false, skip: true, probe: false, reason: `breaker open until ${formatTimestamp(due)}` }
    }
    return { ok: true, entry: claim(entry, now, runId), write: true, skip: false, probe: true, reason: `breaker open since before ${formatTimestamp(due)}: this run is the half-open probe` }
  }
  // half-open
  const probe = entry.probe
  if (probe && String(probe.run_id) === runId && probeLive(probe, now, p)) {
    return { ok: true, entry, write: false, skip: false, probe: true, reason: 'this run already holds the half-open probe' }
  }
  if (probeLive(probe, now, p)) {
    const until = parseTimestamp(probe!.claimed_at)! + p.probeTimeoutMinutes * MINUTE
    return {
      ok: true,
      entry,
      write: false,
      skip: true,
      probe: false,
      reason: `half-open: run ${probe!.run_id} holds the probe (claimed ${probe!.claimed_at}, lease until ${formatTimestamp(until)})`
    }
  }
  const why = probe ? `the probe claimed by run ${probe.run_id} at ${probe.claimed_at} expired` : 'no probe in flight'
  return { ok: true, entry: claim(entry, now, runId), write: true, skip: false, probe: true, reason: `half-open, ${why}: this run is the probe` }
}

// ---------------------------------------------------------------------------
// record

export interface RecordResult {
  entry: BreakerEntry
  /** Whether the entry changed. */
  write: boolean
  /** What happened, for the summary. */
  transition: string
  /** Something an operator should know (a late result, a result from another run). */
  warning?: string
}

/**
 * `successes` and `failures` spread evenly, oldest first, so that the last
 * `keep` attempts have the batch's failure rate whatever `keep` is.
 */
export function spread(a: Attempts, keep: number): string {
  const n = a.successes + a.failures
  let out = ''
  for (let i = Math.max(0, n - keep); i < n; i++) {
    out += Math.floor(((i + 1) * a.failures) / n) > Math.floor((i * a.failures) / n) ? 'F' : 'S'
  }
  return out
}

/** Failed attempts at the end of the spread sequence (consecutive failures it leaves). */
function trailingFailures(a: Attempts): number {
  if (a.successes === 0) return a.failures
  const n = a.successes + a.failures
  let k = 0
  for (let i = n - 1; i >= 0 && Math.floor(((i + 1) * a.failures) / n) > Math.floor((i * a.failures) / n); i--) k++
  return k
}

function withAttempts(entry: BreakerEntry, a: Attempts, p: BreakerParams, now: number): BreakerEntry {
  const window = ((entry.window ?? '') + spread(a, p.windowSize)).slice(-p.windowSize)
  const failures = a.successes > 0 ? trailingFailures(a) : (entry.failures ?? 0) + a.failures
  const next: BreakerEntry = { ...entry, failures, window }
  if (a.failures > 0) next.last_failure = formatTimestamp(now)
  return next
}

function withoutProbe(entry: BreakerEntry): BreakerEntry {
  const { probe: _released, ...rest } = entry
  return rest as BreakerEntry
}

export function recordBreaker(
  entry: BreakerEntry | undefined,
  a: Attempts,
  p: BreakerParams,
  now: number,
  runId?: string
): RecordResult {
  const current: BreakerEntry = entry ?? { state: 'closed', failures: 0 }
  const total = a.successes + a.failures

  if (current.state === 'open') {
    return {
      entry: current,
      write: false,
      transition: 'open: result ignored',
      warning:
        `a result (${a.successes} passed, ${a.failures} failed) arrived while the breaker is open and no probe is claimed; ` +
        `it changes nothing (an open breaker only closes through a half-open probe)`
    }
  }

  if (current.state === 'half-open') {
    const probe = current.probe
    if (probe && runId !== undefined && String(probe.run_id) !== runId) {
      return {
        entry: current,
        write: false,
        transition: 'half-open: result from another run ignored',
        warning: `run ${runId} recorded a result, but the half-open probe belongs to run ${probe.run_id}; only the probe's result decides`
      }
    }
    if (total === 0) {
      return { entry: withoutProbe(current), write: probe !== undefined, transition: 'half-open: inconclusive probe released' }
    }
    const rate = (a.failures * 100) / total
    if (rate < p.failureThreshold) {
      const closed: BreakerEntry = { ...withoutProbe(current), state: 'closed', window: '', failures: 0, trips: 0 }
      if (closed.opens_at !== undefined) closed.opens_at = ''
      return { entry: closed, write: true, transition: 'half-open → closed: the probe succeeded' }
    }
    const trips = (current.trips ?? 0) + 1
    const opened: BreakerEntry = {
      ...withAttempts(withoutProbe(current), a, p, now),
      state: 'open',
      trips,
      opens_at: formatTimestamp(now + openWaitMinutes(trips, p) * MINUTE)
    }
    return { entry: opened, write: true, transition: `half-open → open: the probe failed (trip ${trips}, waits ${openWaitMinutes(trips, p)} min)` }
  }

  // closed
  if (total === 0) return { entry: current, write: false, transition: 'closed: nothing to record' }
  const next = withAttempts(current, a, p, now)
  const rate = failureRate(next.window ?? '', p)
  if (rate !== null && rate >= p.failureThreshold) {
    const opened: BreakerEntry = { ...next, state: 'open', trips: 0, opens_at: formatTimestamp(now + p.recoveryMinutes * MINUTE) }
    return { entry: opened, write: true, transition: `closed → open: failure rate ${formatRate(rate)} ≥ ${p.failureThreshold}%` }
  }
  return { entry: next, write: true, transition: 'closed: attempts recorded' }
}

export function formatRate(rate: number | null): string {
  if (rate === null) return ''
  return `${Math.round(rate * 10) / 10}%`
}

// ---------------------------------------------------------------------------
// the operators' gate

/** Why an operator keeps an ecosystem's work from starting. */
export interface OperatorHold {
  /** `stopped`: the kill switch (enabled: false); `paused`: the ecosystem is in disabled_ecosystems. */
  kind: 'stopped' | 'paused'
  /** One line for outputs and logs: for a stop, the operator's reason, who stopped it, since when, the incident. */
  reason: string
  /** The incident URL of a stop, or ''. */
  incidentUrl: string
}

/**
 * The operators' gate: whether the kill switch or the pause list keeps `ecosystem`'s work from
 * starting, or undefined when neither does. A stop wins over a pause. Every gate in front of an
 * ecosystem's work asks this first (circuit-breaker's check does, through breakerStep), so that
 * jobs already queued or running when an operator acts do no more work.
 */
export function operatorHold(doc: ControlDoc, ecosystem: string): OperatorHold | undefined {
  if (!isEnabled(doc)) {
    const who = doc.disabled_by || 'an unnamed operator'
    const since = doc.disabled_at ? ` since ${doc.disabled_at}` : ''
    const parts = [`batch processing is stopped (enabled: false) by ${who}${since}: ${doc.reason || 'no reason given'}`]
    parts.push(doc.incident_url ? `incident ${doc.incident_url}` : 'no incident URL recorded')
    if (doc.expected_resume) parts.push(`expected resume ${doc.expected_resume}`)
    return { kind: 'stopped', reason: parts.join('; '), incidentUrl: doc.incident_url ?? '' }
  }
  if ((doc.disabled_ecosystems ?? []).includes(ecosystem)) {
    return { kind: 'paused', reason: `${ecosystem} is paused by an operator (disabled_ecosystems)`, incidentUrl: '' }
  }
  return undefined
}

// ---------------------------------------------------------------------------
// one step, either mode

export type BreakerEvent = { mode: 'check' } | { mode: 'record'; attempts: Attempts }

export type BreakerStep =
  | {
      ok: true
      /** The ecosystem's entry after the step, and the whole document; `write` says whether they changed. */
      entry: BreakerEntry | undefined
      doc: ControlDoc
      write: boolean
      skip: boolean
      probe: boolean
      /** What happened and why, for the summary and the logs. */
      reason: string
      warning?: string | undefined
      /** check only: the operator's stop or pause that made it skip. */
      hold?: OperatorHold | undefined
    }
  | { ok: false; error: string }

/**
 * What circuit-breaker does with the control document in either mode. check: the operators' gate
 * first (stopped or paused: skip, no probe, nothing written), then the breaker (skip, or claim
 * the probe). record: the attempts go into the breaker whatever the operators did, so that no
 * result is dropped.
 */
export function breakerStep(doc: ControlDoc, ecosystem: string, event: BreakerEvent, p: BreakerParams, now: number, runId: string): BreakerStep {
  const entry = breakerEntry(doc, ecosystem)
  const changed = (next: BreakerEntry | undefined, write: boolean): ControlDoc => (write && next ? withBreaker(doc, ecosystem, next) : doc)
  if (event.mode === 'check') {
    const hold = operatorHold(doc, ecosystem)
    if (hold) return { ok: true, entry, doc, write: false, skip: true, probe: false, reason: hold.reason, hold }
    const c = checkBreaker(entry, p, now, runId)
    return c.ok ? { ...c, doc: changed(c.entry, c.write) } : c
  }
  const r = recordBreaker(entry, event.attempts, p, now, runId)
  return { ok: true, entry: r.entry, doc: changed(r.entry, r.write), write: r.write, skip: false, probe: false, reason: r.transition, warning: r.warning }
}
