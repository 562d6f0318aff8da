// preflight-check's decision (docs/contract.md §4): may this batch run, and on what?

import { allocateBatchId } from './batch-id.js'
import { type BudgetLimits, type BudgetThresholds, type BudgetVerdict, describeUsage, evaluateBudget, percent, rollBudgetWeek } from './budget.js'
import { type ControlDoc, breakerEntries, breakerEntry, cloneControl, isEnabled } from './control/model.js'
import { jsonEqual } from './json/edit.js'
import type { JsonValue } from './json/parse.js'
import { formatTimestamp, parseTimestamp } from './time.js'
import { type TamperFinding, describeTamper } from './operator.js'

export interface PreflightOptions {
  /** Ecosystems the workflow wants; `null`: every key of `circuit_breaker`. */
  requested: string[] | null
  limits: BudgetLimits
  thresholds: BudgetThresholds
  allocateBatchId: boolean
  /** Whether the control file exists: a missing one is created only to hold a new batch ID. */
  exists: boolean
  /** Forbidden hand edits of breakers found in the file's history, and whether they stop the batch. */
  tampering?: { findings: TamperFinding[]; block: boolean }
  /** The event that started the run and the events a batch may run on; absent: not checked. */
  trigger?: Trigger
}

/** What started the run, and which events may start a batch (preflight-check's allowed-events). */
export interface Trigger {
  /** GITHUB_EVENT_NAME ('' when unset). A called reusable workflow sees its caller's event. */
  event: string
  /** Whether this runs on GitHub Actions (GITHUB_ACTIONS is 'true'). */
  onActions: boolean
  allowed: string[]
}

/** The verdict on the event: `ok`, the reason when not, and a note for the summary. */
export interface TriggerVerdict {
  event: string
  allowed: string[]
  ok: boolean
  /** Why the batch does not proceed ('' when it may). */
  reason: string
  /** Something a reviewer should know even when it may proceed ('' when nothing). */
  note: string
}

const EVENT_NAME = /^[a-z][a-z_]*$/

/** Problems with an allowed-events list, as input errors. */
export function allowedEventProblems(allowed: readonly string[]): string[] {
  if (allowed.length === 0) return [`input 'allowed-events' names no event; give at least one, e.g. schedule`]
  const problems: string[] = []
  for (const e of allowed) {
    if (!EVENT_NAME.test(e)) {
      problems.push(`input 'allowed-events': ${JSON.stringify(e)} is not a GitHub event name (lower case letters and '_', e.g. schedule, workflow_dispatch)`)
    } else if (e === 'workflow_call') {
      problems.push(
        `input 'allowed-events': "workflow_call" never starts a batch: a called reusable workflow runs with the event of the workflow that called it; ` +
          `list that event instead (e.g. schedule, workflow_dispatch)`
      )
    }
  }
  return problems
}

/**
 * May a run started by `t.event` be a batch? Only the events in `t.allowed` (scheduled runs, unless
 * a workflow lists more). With no event: on GitHub Actions the runner always sets one, so a missing
 * one is refused (fail closed); outside Actions (a local run, a test) there is no event, and the
 * check does not apply.
 */
export function checkTrigger(t: Trigger): TriggerVerdict {
  const verdict = { event: t.event, allowed: t.allowed }
  const list = t.allowed.join(', ')
  if (t.event === '') {
    if (t.onActions) {
      return {
        ...verdict,
        ok: false,
        reason:
          `GITHUB_EVENT_NAME is not set, although this runs on GitHub Actions (GITHUB_ACTIONS is 'true'), so the event that started the run is unknown; ` +
          `a batch runs only on allowed-events (${list}). Check that no env: of the workflow, job or step overrides GITHUB_EVENT_NAME`,
        note: ''
      }
    }
    return { ...verdict, ok: true, reason: '', note: 'not on GitHub Actions, a local run or a test: the check does not apply' }
  }
  if (t.allowed.includes(t.event)) return { ...verdict, ok: true, reason: '', note: '' }
  return {
    ...verdict,
    ok: false,
    reason:
      `this run was started by the event '${t.event}', which is not in allowed-events (${list}); batches run only on those events. ` +
      `To run batches on ${t.event} deliberately, add ${t.event} to the allowed-events input of preflight-check (e.g. allowed-events: ${[...t.allowed, t.event].join(', ')})`,
    note: ''
  }
}


export interface PreflightDecision {
  canProceed: boolean
  ecosystems: string[]
  skipped: Record<string, string>
  reason: string
  sampling: boolean
  batchId: string
  budget: BudgetVerdict
  budgetReset: boolean
  /** Things an operator should see: each becomes a warning annotation. */
  warnings: string[]
  tampering: TamperFinding[]
  /** The event check, when one was asked for. */
  trigger?: TriggerVerdict | undefined
}

export interface PreflightResult {
  decision: PreflightDecision
  /** The control file after this run. */
  doc: ControlDoc
  /** Whether `doc` must be written (and persisted). */
  write: boolean
}

function stopWarnings(doc: ControlDoc, now: number): string[] {
  const who = doc.disabled_by || 'an unnamed operator'
  const since = doc.disabled_at ? ` since ${doc.disabled_at}` : ''
  const parts = [`Batch processing is stopped (enabled: false) by ${who}${since}: ${doc.reason || 'no reason given'}.`]
  parts.push(doc.incident_url ? `Incident: ${doc.incident_url}.` : 'No incident URL recorded.')
  parts.push(doc.expected_resume ? `Expected resume: ${doc.expected_resume}.` : 'No expected resume time recorded.')
  const warnings = [parts.join(' ')]
  const resume = doc.expected_resume ? parseTimestamp(doc.expected_resume) : null
  if (resume !== null && resume <= now) {
    warnings.push(
      `The expected resume time ${doc.expected_resume} has passed and batch processing is still stopped. ` +
        `Resume with the batch-control action (command: resume, the emergency form), or stop again with a new expected-resume.`
    )
  }
  return warnings
}

/** Why an ecosystem's breaker keeps it out of this batch, or undefined when it may run. */
export function breakerHold(doc: ControlDoc, ecosystem: string, now: number): string | undefined {
  const entry = breakerEntry(doc, ecosystem)
  if (!entry || entry.state !== 'open') return undefined
  const failures = entry.failures ? ` after ${entry.failures} consecutive failures` : ''
  const opensAt = entry.opens_at ? parseTimestamp(entry.opens_at) : null
  if (opensAt === null) {
    return `circuit breaker open${failures} with no usable opens_at; it stays out until circuit-breaker check derives one or an operator resets it`
  }
  if (now < opensAt) return `circuit breaker open${failures} until ${formatTimestamp(opensAt)}`
  return undefined
}

export function preflight(input: ControlDoc, opts: PreflightOptions, now: number): PreflightResult {
  const doc = cloneControl(input)
  const warnings: string[] = []

  const rolled = rollBudgetWeek(doc.budget, now)
  if (rolled.reset) doc.budget = rolled.budget
  const budget = evaluateBudget(doc.budget ?? {}, opts.limits, opts.thresholds)

  const requested = opts.requested ?? Object.keys(breakerEntries(doc))
  const skipped: Record<string, string> = {}
  const paused = new Set(doc.disabled_ecosystems ?? [])
  const ecosystems: string[] = []
  for (const eco of requested) {
    const hold = paused.has(eco) ? 'paused by an operator (disabled_ecosystems)' : breakerHold(doc, eco, now)
    if (hold) skipped[eco] = hold
    else ecosystems.push(eco)
  }

  const tampered = opts.tampering?.findings ?? []
  for (const t of tampered) {
    warnings.push(
      `Hand edit of the control file: ${describeTamper(t)}. The circuit breaker never makes this move on its own (docs/contract.md §5: open never goes to closed directly, and only batch-control reset-breaker moves open to half-open); ` +
        `use the batch-control action instead; once the edit is reviewed, its acknowledge command (the emergency form) records that and clears this warning.`
    )
  }

  // The event comes first: a run that should not be a batch at all does nothing, whatever the file says.
  const trigger = opts.trigger ? checkTrigger(opts.trigger) : undefined
  if (!isEnabled(doc)) warnings.push(...stopWarnings(doc, now))

  let reason = ''
  if (trigger && !trigger.ok) {
    reason = trigger.reason
  } else if (!isEnabled(doc)) {
    reason = doc.reason || 'batch processing is stopped (enabled: false)'
  } else if (ecosystems.length === 0) {
    reason =
      requested.length === 0
        ? 'no ecosystems to run: none were requested and circuit_breaker lists none'
        : `no ecosystems left to run: ${Object.entries(skipped).map(([e, why]) => `${e} (${why})`).join('; ')}`
  } else if (tampered.length > 0 && opts.tampering?.block) {
    reason =
      `the control file was hand-edited in a way the circuit breaker forbids (${tampered.map(describeTamper).join('; ')}); ` +
      `on-tamper is 'block': an operator must review the edit and acknowledge it with batch-control's acknowledge command (the emergency form)`
  } else if (budget.pause) {
    reason =
      `weekly CI budget nearly spent: ${describeUsage(budget.worst)} is at or over the pause threshold ` +
      `${percent(opts.thresholds.pause)}; batches resume when the budget week starts again on Monday 00:00 UTC`
  }

  if (budget.sampling && !budget.pause) {
    warnings.push(
      `Weekly CI budget at ${describeUsage(budget.worst)}, over the sampling threshold ${percent(opts.thresholds.sampling)}: ` +
        `batches run in sampling mode.`
    )
  }
  if (budget.sampling && doc.budget?.sampling_active !== true) {
    doc.budget = { ...(doc.budget ?? {}), sampling_active: true }
  }

  let batchId = ''
  if (reason === '' && opts.allocateBatchId) {
    const allocation = allocateBatchId(doc.batch_sequence, now)
    if (allocation.ok) {
      batchId = allocation.id
      doc.batch_sequence = allocation.sequence
    } else reason = allocation.reason
  }

  const canProceed = reason === ''
  if (!canProceed) {
    for (const eco of ecosystems) skipped[eco] = isEnabled(doc) || (trigger && !trigger.ok) ? reason : `batch processing is stopped: ${reason}`
  }
  return {
    decision: {
      canProceed,
      ecosystems: canProceed ? ecosystems : [],
      skipped,
      reason,
      sampling: budget.sampling,
      batchId,
      budget,
      budgetReset: rolled.reset,
      warnings,
      tampering: tampered,
      trigger
    },
    doc,
    // Blocked by a hand edit: nothing is written, or that commit (with its Batch-Ops-Action trailer)
    // would become the tamper check's boundary and acknowledge an edit no operator has looked at.
    // Refused for its event: nothing is written either (not even a new budget week).
    write:
      !jsonEqual(input as JsonValue, doc as JsonValue) &&
      (opts.exists || batchId !== '') &&
      !(tampered.length > 0 && opts.tampering?.block) &&
      trigger?.ok !== false
  }
}
