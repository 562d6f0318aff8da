// Operator commands over the control file (batch-control), pure:
// (control file, command, now) -> new control file, or a refusal that says why.

import { rollBudgetWeek } from './budget.js'
import { type ControlDoc, breakerEntries, cloneControl, knownEcosystems } from './control/model.js'
import { checkEcosystemNames } from './ecosystems.js'
import { jsonEqual } from './json/edit.js'
import type { JsonValue } from './json/parse.js'
import { formatTimestamp, parseTimestamp, weekStart } from './time.js'

export const OPERATOR_COMMANDS = ['stop', 'resume', 'pause-ecosystem', 'resume-ecosystem', 'reset-breaker', 'reset-budget'] as const
export type OperatorCommandName = (typeof OPERATOR_COMMANDS)[number]

export interface OperatorCommand {
  command: OperatorCommandName
  operator: string
  reason: string
  /** For pause-ecosystem, resume-ecosystem, reset-breaker. */
  ecosystems: string[]
  incidentUrl: string
  /** For stop: RFC 3339, in the future; '' for none. */
  expectedResume: string
}

export type CommandResult =
  | { ok: true; doc: ControlDoc; changed: boolean; summary: string }
  | { ok: false; error: string }

const refuse = (error: string): CommandResult => ({ ok: false, error })

function needEcosystems(cmd: OperatorCommand, known: string[]): string | undefined {
  if (cmd.ecosystems.length === 0) return `${cmd.command} needs at least one ecosystem (input 'ecosystems')`
  const problems = checkEcosystemNames(cmd.ecosystems, known)
  if (problems.length > 0) return problems.join('; ')
  // An emergency form acts on ecosystems the control file knows: a slip must not pass as a new name.
  const unknown = cmd.ecosystems.filter((e) => !known.includes(e))
  if (unknown.length > 0) {
    return `unknown ecosystem${unknown.length > 1 ? 's' : ''} ${unknown.map((e) => JSON.stringify(e)).join(', ')}; the control file knows ${known.length > 0 ? known.join(', ') : 'none yet'}`
  }
  return undefined
}

export function applyOperatorCommand(input: ControlDoc, cmd: OperatorCommand, now: number): CommandResult {
  if (cmd.reason.trim() === '') return refuse(`a reason is required for every command: say why (it goes into the commit and the audit trail)`)
  const doc = cloneControl(input)
  const breakers = breakerEntries(doc)
  const paused = doc.disabled_ecosystems ?? []
  const known = knownEcosystems(doc)

  switch (cmd.command) {
    case 'stop': {
      let resume = ''
      if (cmd.expectedResume !== '') {
        const at = parseTimestamp(cmd.expectedResume)
        if (at === null) return refuse(`expected-resume ${JSON.stringify(cmd.expectedResume)} is not an RFC 3339 timestamp such as 2026-03-05T09:00:00Z`)
        if (at <= now) return refuse(`expected-resume ${cmd.expectedResume} is in the past (now is ${formatTimestamp(now)}); give a future time, or none`)
        resume = formatTimestamp(at)
      }
      doc.enabled = false
      doc.reason = cmd.reason
      doc.disabled_by = cmd.operator
      doc.disabled_at = formatTimestamp(now)
      doc.incident_url = cmd.incidentUrl
      doc.expected_resume = resume
      return { ok: true, doc, changed: true, summary: `stopped every batch${resume ? ` until about ${resume}` : ''}` }
    }
    case 'resume': {
      const wasStopped = input.enabled === false
      if (wasStopped) doc.enabled = true
      for (const k of ['reason', 'disabled_by', 'disabled_at', 'incident_url', 'expected_resume'] as const) if (k in doc) doc[k] = ''
      // Leftover stop fields of a running pipeline are a change too: `changed` decides whether anything is written.
      const changed = !jsonEqual(input as JsonValue, doc as JsonValue)
      return { ok: true, doc, changed, summary: wasStopped ? 'resumed batch processing' : changed ? 'batch processing was already running; cleared the stop fields' : 'batch processing was already running; nothing to change' }
    }
    case 'pause-ecosystem': {
      const bad = needEcosystems(cmd, known)
      if (bad) return refuse(bad)
      const added = cmd.ecosystems.filter((e) => !paused.includes(e))
      doc.disabled_ecosystems = [...paused, ...added]
      return { ok: true, doc, changed: added.length > 0, summary: added.length > 0 ? `paused ${added.join(', ')}` : `${cmd.ecosystems.join(', ')} already paused` }
    }
    case 'resume-ecosystem': {
      const bad = needEcosystems(cmd, known)
      if (bad) return refuse(bad)
      const notPaused = cmd.ecosystems.filter((e) => !paused.includes(e))
      if (notPaused.length > 0) return refuse(`${notPaused.join(', ')} ${notPaused.length === 1 ? 'is' : 'are'} not paused (paused: ${paused.length > 0 ? paused.join(', ') : 'none'})`)
      doc.disabled_ecosystems = paused.filter((e) => !cmd.ecosystems.includes(e))
      return { ok: true, doc, changed: true, summary: `resumed ${cmd.ecosystems.join(', ')}` }
    }
    case 'reset-breaker': {
      const bad = needEcosystems(cmd, known)
      if (bad) return refuse(bad)
      const notOpen = cmd.ecosystems.filter((e) => breakers[e]?.state !== 'open')
      if (notOpen.length > 0) {
        return refuse(
          `only an open breaker can be reset (open → half-open, probed by the next run): ` +
            notOpen.map((e) => `${e} is ${breakers[e]?.state ?? 'absent (closed)'}`).join(', ')
        )
      }
      const next = { ...breakers }
      for (const e of cmd.ecosystems) {
        const { probe: _none, ...entry } = next[e]!
        next[e] = { ...entry, state: 'half-open', opens_at: formatTimestamp(now) }
      }
      doc.circuit_breaker = next
      return { ok: true, doc, changed: true, summary: `reset ${cmd.ecosystems.join(', ')} to half-open: the next run probes` }
    }
    case 'reset-budget': {
      const rolled = rollBudgetWeek(doc.budget, now).budget
      const b = { ...rolled, macos_minutes_used: 0, linux_minutes_used: 0, sampling_active: false, week_start: formatTimestamp(weekStart(now)) }
      if ('windows_minutes_used' in b) b.windows_minutes_used = 0
      doc.budget = b
      return { ok: true, doc, changed: true, summary: 'reset this week\'s budget use to 0' }
    }
  }
}

/** Whether `name` is a command; for input validation. */
export function isOperatorCommand(name: string): name is OperatorCommandName {
  return (OPERATOR_COMMANDS as readonly string[]).includes(name)
}

// ---------------------------------------------------------------------------
// tamper detection

export type BreakerStateOrAbsent = 'closed' | 'open' | 'half-open' | 'absent'

/** The moves docs/contract.md §5 allows between two versions of the file (absent → closed: a new entry). */
const ALLOWED = new Set(['closed>open', 'open>half-open', 'half-open>closed', 'half-open>open', 'absent>closed', 'closed>absent'])

export interface Tamper {
  ecosystem: string
  from: BreakerStateOrAbsent
  to: BreakerStateOrAbsent
}

/** Breaker moves between two versions of the control file that docs/contract.md §5 forbids (e.g. open → closed). */
export function forbiddenBreakerMoves(before: ControlDoc, after: ControlDoc): Tamper[] {
  const a = breakerEntries(before)
  const b = breakerEntries(after)
  const out: Tamper[] = []
  for (const eco of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const from: BreakerStateOrAbsent = a[eco]?.state ?? 'absent'
    const to: BreakerStateOrAbsent = b[eco]?.state ?? 'absent'
    if (from !== to && !ALLOWED.has(`${from}>${to}`)) out.push({ ecosystem: eco, from, to })
  }
  return out
}

/** A forbidden move made by a commit batch-ops did not make (no Batch-Ops-Action trailer). */
export interface TamperFinding extends Tamper {
  commit: string
  author: string
  subject: string
}

export function describeTamper(t: TamperFinding): string {
  return `breaker ${t.ecosystem} moved ${t.from} → ${t.to} in commit ${t.commit.slice(0, 7)} by ${t.author} ("${t.subject}"), without batch-ops`
}
