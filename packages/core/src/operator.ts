// Operator commands over the control file (batch-control), pure:
// (control file, command, now) -> new control file, or a refusal that says why.
// Also the other decisions batch-control makes: who may run which command, and
// which workflow runs a stop cancels.

import { rollBudgetWeek } from './budget.js'
import { type ControlDoc, breakerEntries, breakerEntry, cloneControl, knownEcosystems } from './control/model.js'
import { checkEcosystemNames } from './ecosystems.js'
import { jsonEqual } from './json/edit.js'
import type { JsonValue } from './json/parse.js'
import { formatTimestamp, parseTimestamp, weekStart } from './time.js'

export const OPERATOR_COMMANDS = ['stop', 'resume', 'pause-ecosystem', 'resume-ecosystem', 'reset-breaker', 'reset-budget', 'acknowledge'] as const
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
  /**
   * For acknowledge: the hand edits preflight-check flags now (the forbidden breaker moves since
   * batch-ops last wrote the file), newest commit first. The caller reads them from the history.
   */
  handEdits?: readonly TamperFinding[]
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
      const notOpen = cmd.ecosystems.filter((e) => breakerEntry(doc, e)?.state !== 'open')
      if (notOpen.length > 0) {
        return refuse(
          `only an open breaker can be reset (open → half-open, probed by the next run): ` +
            notOpen.map((e) => `${e} is ${breakerEntry(doc, e)?.state ?? 'absent (closed)'}`).join(', ')
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
    case 'acknowledge': {
      const edits = cmd.handEdits ?? []
      if (edits.length === 0) {
        return refuse(
          `there is no flagged hand edit to acknowledge: no commit since batch-ops last wrote the control file moves a breaker ` +
            `in a way docs/contract.md §5 forbids, so preflight-check flags nothing and on-tamper: block stops nothing`
        )
      }
      // The newest flagged commit: everything up to it has been looked at.
      const through = edits[0]!.commit
      doc.acknowledged = { by: cmd.operator, at: formatTimestamp(now), reason: cmd.reason, through }
      const commits = new Set(edits.map((e) => e.commit)).size
      const moves = edits.map((e) => `${e.ecosystem} ${e.from} → ${e.to}`).join(', ')
      return {
        ok: true,
        doc,
        changed: true,
        summary: `acknowledged ${commits === 1 ? 'the hand edit' : `${commits} hand edits`} through commit ${through.slice(0, 7)} (${moves})`
      }
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
    const from: BreakerStateOrAbsent = breakerEntry(before, eco)?.state ?? 'absent'
    const to: BreakerStateOrAbsent = breakerEntry(after, eco)?.state ?? 'absent'
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

/** What the history says about one commit that changed the control file. */
export interface CommitFacts {
  /** The values of `Batch-Ops-Action:` trailers in the commit's trailer block (not elsewhere in the message). */
  actions: readonly string[]
  authorName: string
  authorEmail: string
  /** Every file the commit changed. */
  files: readonly string[]
}

export interface OwnCommitRules {
  /** The author batch-ops commits as (the actions' author-name / author-email inputs). */
  authorName: string
  authorEmail: string
  /** The control file's path in the repository. */
  controlFile: string
}

/**
 * Whether a commit is batch-ops' own: exactly one `Batch-Ops-Action:` trailer, in the trailer
 * block; the configured author; and only files batch-ops writes (the control file, and its state
 * under data/). Anything else is a hand edit, whatever its message says. Anyone who can push can
 * still forge all three: branch protection is the real guard (docs/contract.md §4 rule 6).
 */
export function isBatchOpsCommit(c: CommitFacts, rules: OwnCommitRules): boolean {
  return (
    c.actions.length === 1 &&
    c.actions[0] !== '' &&
    c.authorName === rules.authorName &&
    c.authorEmail === rules.authorEmail &&
    // The control file among them: a commit whose file list could not be read is no one's own.
    c.files.includes(rules.controlFile) &&
    c.files.every((f) => f === rules.controlFile || f.startsWith('data/'))
  )
}

/**
 * Whether a commit acknowledges the hand edits before it: only batch-control's own commits do
 * (an operator ran a command, `acknowledge` or another, after looking). A routine commit of another
 * action (a breaker record, a batch ID) acknowledges nothing.
 */
export function acknowledgesHandEdits(c: CommitFacts, rules: OwnCommitRules): boolean {
  return isBatchOpsCommit(c, rules) && c.actions[0] === 'batch-control'
}

export function describeTamper(t: TamperFinding): string {
  return `breaker ${t.ecosystem} moved ${t.from} → ${t.to} in commit ${t.commit.slice(0, 7)} by ${t.author} ("${t.subject}"), without batch-ops`
}

// ---------------------------------------------------------------------------
// access control: which repository role may run which command

/** A repository role, as GET /repos/{owner}/{repo}/collaborators/{username}/permission reports it. */
export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'

/** What a command needs: `admin`, or `write` (which maintain and admin have too). */
export type AccessNeed = 'admin' | 'write'

/** The default of batch-control's input admin-commands. */
export const DEFAULT_ADMIN_COMMANDS: readonly OperatorCommandName[] = ['stop', 'resume']

/** How the API's legacy `permission` field names each role (maintain → write, triage → read). */
const BASE_PERMISSION: Record<RepoRole, 'admin' | 'write' | 'read' | 'none'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none'
}

/**
 * The role from the API's answer. `permission` (admin, write, read, none) is the base of access
 * and decides; `role_name` only tells maintain from write and triage from read, when it is one of
 * the standard roles and agrees with `permission`. A custom role is judged by its base permission;
 * anything unknown is `none`, so that an answer we do not understand grants nothing.
 */
export function repoRole(permission: string, roleName = ''): RepoRole {
  const base = (['admin', 'write', 'read', 'none'] as const).find((p) => p === permission) ?? 'none'
  const role = (['admin', 'maintain', 'write', 'triage', 'read'] as const).find((r) => r === roleName)
  return role !== undefined && BASE_PERMISSION[role] === base ? role : base
}

/** The access `command` needs: admin for the commands in `adminCommands`, write for every other one. */
export function requiredAccess(command: OperatorCommandName, adminCommands: readonly OperatorCommandName[]): AccessNeed {
  return adminCommands.includes(command) ? 'admin' : 'write'
}

/** Whether a user with `role` may run `command`, and what it needs. */
export function mayRun(command: OperatorCommandName, role: RepoRole, adminCommands: readonly OperatorCommandName[]): { allowed: boolean; need: AccessNeed } {
  const need = requiredAccess(command, adminCommands)
  const allowed = need === 'admin' ? role === 'admin' : role === 'admin' || role === 'maintain' || role === 'write'
  return { allowed, need }
}

/**
 * The input admin-commands: command names, or `none` alone for no admin-only command. Anything
 * else is an error naming it, so that a typo never silently lowers what a command needs.
 */
export function parseAdminCommands(names: readonly string[]): { ok: true; commands: OperatorCommandName[] } | { ok: false; error: string } {
  if (names.length === 1 && names[0] === 'none') return { ok: true, commands: [] }
  const unknown = names.filter((n) => !isOperatorCommand(n))
  if (unknown.length > 0) {
    return { ok: false, error: `${unknown.map((n) => JSON.stringify(n)).join(', ')} ${unknown.length === 1 ? 'is not a command' : 'are not commands'}; use names from ${OPERATOR_COMMANDS.join(', ')}, or none` }
  }
  return { ok: true, commands: [...new Set(names as OperatorCommandName[])] }
}

// ---------------------------------------------------------------------------
// which workflow runs a stop cancels

/** The statuses of a run that has not finished: each is listed, and cancelled. */
export const ACTIVE_RUN_STATUSES = ['queued', 'in_progress', 'waiting', 'requested', 'pending'] as const

export interface ActiveRun {
  id: number
  /** The workflow file it was listed under, e.g. batch.yml. */
  workflow: string
  /** Its status when listed. */
  status: string
  url?: string
}

export interface CancelPlan {
  cancel: ActiveRun[]
  /** Listed but not to be cancelled, with why. */
  skip: Array<ActiveRun & { why: string }>
}

/**
 * The runs to cancel: each run once (a run can be listed under two statuses while it moves), not
 * the run doing the stop, and only runs that have not finished; by workflow, then oldest first.
 */
export function planCancellation(runs: readonly ActiveRun[], ownRunId: number | undefined): CancelPlan {
  const seen = new Set<number>()
  const plan: CancelPlan = { cancel: [], skip: [] }
  const active: readonly string[] = ACTIVE_RUN_STATUSES
  for (const r of runs) {
    if (seen.has(r.id)) continue
    seen.add(r.id)
    if (r.id === ownRunId) plan.skip.push({ ...r, why: 'this run, which is doing the stop' })
    else if (!active.includes(r.status)) plan.skip.push({ ...r, why: `already ${r.status.replace(/_/g, ' ')}` })
    else plan.cancel.push(r)
  }
  const order = (a: ActiveRun, b: ActiveRun): number => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : a.id - b.id)
  plan.cancel.sort(order)
  plan.skip.sort(order)
  return plan
}
