// batch-control: operator commands over the control file, validated and audited.
//
// 1. Read the command and its inputs (reason always required).
// 2. Check who is acting: the triggering actor's permission on the repository
//    (admin for the admin-commands, write for the rest). A refusal writes nothing;
//    a lookup that fails lets only stop through, with a warning.
// 3. Apply the pure command to the control file as it is on origin now; an invalid
//    request (unknown ecosystem spelling, resetting a breaker that is not open, a
//    resume time in the past, acknowledging when nothing is flagged) is refused and
//    nothing is written.
// 4. One commit with the trailers Batch-Ops-Action, Operator, Reason and Incident,
//    through the git store (re-applied to the new state if the branch moved).
// 5. For stop, after the stop is written: cancel the queued and running runs of the
//    cancel-workflows (advisory: a failure is a warning, never a failed step).
// 6. The summary shows who acted with which access, the control file before and
//    after, and the runs cancelled.

import {
  type AccessNeed,
  type ActiveRun,
  type OperatorCommand,
  type RepoRole,
  ACTIVE_RUN_STATUSES,
  OPERATOR_COMMANDS,
  applyOperatorCommand,
  commitMessage,
  formatTimestamp,
  isOperatorCommand,
  mayRun,
  parseAdminCommands,
  parseList,
  planCancellation,
  renderControl,
  repoRole,
  requiredAccess,
  stateSubject
} from '@batch-ops/core'
import {
  ApiError,
  InputError,
  type TamperReport,
  annotate,
  applyChange,
  booleanInput,
  cancelWorkflowRun,
  currentRepo,
  handEditsAt,
  getCollaboratorPermission,
  listWorkflowRuns,
  now,
  numberInput,
  persistInputs,
  requireDefaultBranch,
  readControl,
  reportFailure,
  requiredInput,
  runUrl,
  secretInput,
  setOutput,
  storeOptions,
  stringInput,
  workspace,
  writeSummary
} from '@batch-ops/runtime'
import { type AccessRecord, type CancelRow, controlSummary } from './summary.js'

export const ACTION = 'batch-control'

/** Refused because of who is acting: nothing was written. */
export class AccessError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AccessError'
  }
}

/** A workflow as the REST API takes it: a file name under .github/workflows (batch.yml), or its numeric ID. */
function workflowNames(raw: string): string[] {
  return parseList(raw).map((w) => {
    const name = w.replace(/^\.github\/workflows\//, '')
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*\.ya?ml$/.test(name) && !/^\d+$/.test(name)) {
      throw new InputError(`input 'cancel-workflows': ${JSON.stringify(w)} is not a workflow file name; give the file names under .github/workflows, e.g. batch.yml`)
    }
    return name
  })
}

export function readInputs() {
  // The token first: masked before anything can print it.
  const githubToken = secretInput('github-token')
  const command = requiredInput('command')
  if (!isOperatorCommand(command)) throw new InputError(`input 'command' must be one of ${OPERATOR_COMMANDS.join(', ')} (got ${JSON.stringify(command)})`)
  const reason = stringInput('reason')
  if (reason === '') throw new InputError(`input 'reason' is required for every command: say why (it is recorded in the commit and the audit trail)`)
  const operator = stringInput('operator', process.env.GITHUB_ACTOR ?? '')
  if (operator === '') throw new InputError(`no operator: set input 'operator' (GITHUB_ACTOR is not set outside a workflow run)`)
  const admin = parseAdminCommands(parseList(stringInput('admin-commands', 'stop,resume')))
  if (!admin.ok) throw new InputError(`input 'admin-commands': ${admin.error}`)
  const cmd: OperatorCommand = {
    command,
    operator,
    reason,
    ecosystems: parseList(stringInput('ecosystems')),
    incidentUrl: stringInput('incident-url'),
    expectedResume: stringInput('expected-resume')
  }
  return {
    cmd,
    controlFile: stringInput('control-file', 'batch-control.json'),
    adminCommands: admin.commands,
    cancelWorkflows: workflowNames(stringInput('cancel-workflows')),
    githubToken,
    apiTimeoutMs: numberInput('api-timeout-seconds', 10, { min: 0, exclusiveMin: true, max: 300 }) * 1000,
    allowNonDefaultBranch: booleanInput('allow-non-default-branch', false),
    ...persistInputs()
  }
}

type Inputs = ReturnType<typeof readInputs>

// ---------------------------------------------------------------------------
// who is acting

type Access =
  | { kind: 'checked'; actor: string; role: RepoRole; roleName: string; need: AccessNeed; allowed: boolean }
  | { kind: 'unchecked'; actor: string; need: AccessNeed; why: string }

/** What an operator can do about a failed lookup, by what failed. */
function lookupHint(e: unknown): string {
  if (!(e instanceof ApiError)) return ''
  if (e.status === 401) return '; the token is not valid: pass a valid github-token (the default is the workflow token, github.token)'
  if (e.status === 403) return "; the token may not read collaborator permissions: GITHUB_TOKEN can (it always has the Metadata read permission), a personal or app token needs Metadata read on this repository"
  if (e.status === 404) return '; GitHub knows no such user or repository, or the token cannot see the repository'
  return '; GitHub may be unavailable: try again in a few minutes'
}

/**
 * The triggering actor's permission, from the environment only (GITHUB_TRIGGERING_ACTOR, the
 * user who started or re-ran the run, else GITHUB_ACTOR): the operator input is for the record
 * and anyone calling the step could set it.
 */
async function checkAccess(inputs: Inputs): Promise<Access> {
  const need = requiredAccess(inputs.cmd.command, inputs.adminCommands)
  const actor = (process.env.GITHUB_TRIGGERING_ACTOR || process.env.GITHUB_ACTOR || '').trim()
  const repo = currentRepo()
  if (!repo) return { kind: 'unchecked', actor, need, why: 'this is not a GitHub Actions workflow run (GITHUB_REPOSITORY is not set)' }
  if (actor === '') return { kind: 'unchecked', actor, need, why: 'neither GITHUB_TRIGGERING_ACTOR nor GITHUB_ACTOR is set, so there is nobody to look up' }
  if (inputs.githubToken === '') return { kind: 'unchecked', actor, need, why: "input 'github-token' is empty (its default is the workflow token, github.token)" }
  try {
    const p = await getCollaboratorPermission(inputs.githubToken, repo, actor, inputs.apiTimeoutMs)
    const role = repoRole(p.permission, p.roleName)
    return { kind: 'checked', actor, role, roleName: p.roleName || p.permission, need, allowed: mayRun(inputs.cmd.command, role, inputs.adminCommands).allowed }
  } catch (e) {
    return { kind: 'unchecked', actor, need, why: `${(e as Error).message}${lookupHint(e)}` }
  }
}

const needs = (need: AccessNeed): string => (need === 'admin' ? 'admin' : 'write (or maintain, or admin)')

/** Throws AccessError when the actor may not run the command; warns when stop goes ahead unchecked. */
function enforce(access: Access, inputs: Inputs): AccessRecord {
  const { command } = inputs.cmd
  const repo = process.env.GITHUB_REPOSITORY ?? 'the repository'
  if (access.kind === 'checked') {
    if (!access.allowed) {
      const how =
        access.need === 'admin'
          ? `Ask a repository admin to run it. If users with ${access.role} access should be able to, an admin can take ${command} out of the admin-commands input of the step that runs batch-control (default: stop,resume).`
          : `Ask someone with write access (or an admin) to run it, or ask an admin to give ${access.actor} write access.`
      throw new AccessError(`${command} refused: ${access.actor} has ${access.role} access to ${repo}, and ${command} needs ${needs(access.need)}. Nothing was written. ${how}`)
    }
    return { actor: access.actor, checked: true, role: access.role, roleName: access.roleName, need: access.need }
  }
  if (command !== 'stop') {
    throw new AccessError(
      `${command} refused: the permission of ${access.actor || 'the actor'} could not be checked (${access.why}). ` +
        `Only stop goes ahead without that check. Nothing was written. Fix the cause and run it again; if GitHub's API is down and batches must not run, use stop.`
    )
  }
  annotate.warning(
    `The permission of ${access.actor || 'the actor'} could not be checked (${access.why}). stop goes ahead anyway: stopping is the safe direction. ` +
      `Check afterwards that the stop was meant (the commit's Operator trailer says who).`,
    { title: 'batch-control' }
  )
  return { actor: access.actor, checked: false, why: access.why, need: access.need }
}

// ---------------------------------------------------------------------------
// acknowledge: the hand edits preflight-check flags, read the same way


// ---------------------------------------------------------------------------
// stop: cancel the runs of the batch workflows (advisory)

export interface CancelReport {
  rows: CancelRow[]
  cancelled: number[]
  /** Why nothing was even listed, when so. */
  skipped?: string
}

function cancelFailure(e: unknown): string {
  const message = (e as Error).message
  if (!(e instanceof ApiError)) return message
  if (e.status === 409) return `${message} (it had already finished)`
  if (e.status === 403) return `${message} (the token may not cancel runs: give the job permissions: actions: write)`
  if (e.status === 404) return `${message} (the run is gone, or the token cannot see it)`
  return message
}

/**
 * Cancels every run of `workflows` that is queued, in progress or waiting, except this run. Never
 * throws: every failure is a warning. After a request that got no answer in time, no further
 * request is made, so a hanging API holds the step for about one timeout.
 */
async function cancelRuns(inputs: Inputs): Promise<CancelReport> {
  const report: CancelReport = { rows: [], cancelled: [] }
  const repo = currentRepo()
  const by = (w: string): string => `gh run list --workflow ${w} --status in_progress (and --status queued), then gh run cancel <run-id>`
  const byHand = inputs.cancelWorkflows.map(by).join('; ')
  if (!repo || inputs.githubToken === '') {
    report.skipped = !repo ? 'this is not a GitHub Actions workflow run (GITHUB_REPOSITORY is not set)' : "input 'github-token' is empty"
    annotate.warning(`No runs were cancelled: ${report.skipped}. The stop is written; cancel running batches by hand: ${byHand}.`, { title: 'batch-control' })
    return report
  }
  let hung: string | undefined
  const listed: ActiveRun[] = []
  for (const workflow of inputs.cancelWorkflows) {
    for (const status of ACTIVE_RUN_STATUSES) {
      if (hung) break
      try {
        for (const run of await listWorkflowRuns(inputs.githubToken, repo, workflow, status, inputs.apiTimeoutMs)) listed.push({ id: run.id, workflow, status: run.status, url: run.url })
      } catch (e) {
        const hint =
          e instanceof ApiError && e.status === 404
            ? ` Is ${workflow} the file name of a workflow in .github/workflows of this repository? Set cancel-workflows (the form's cancel_workflows) to it.`
            : e instanceof ApiError && e.status === 403
              ? ' Give the job permissions: actions: write.'
              : ''
        annotate.warning(`Could not list the runs of ${workflow} to cancel (${(e as Error).message}).${hint} The stop is written; cancel them by hand: ${by(workflow)}.`, { title: 'batch-control' })
        if (e instanceof ApiError && e.timedOut) hung = e.message
        break
      }
    }
  }
  const ownRun = Number(process.env.GITHUB_RUN_ID)
  const plan = planCancellation(listed, Number.isInteger(ownRun) && ownRun > 0 ? ownRun : undefined)
  for (const s of plan.skip) report.rows.push({ id: s.id, url: s.url, workflow: s.workflow, status: s.status, result: `not cancelled: ${s.why}`, cancelled: false })
  for (const run of plan.cancel) {
    const row: CancelRow = { id: run.id, url: run.url, workflow: run.workflow, status: run.status, result: '', cancelled: false }
    report.rows.push(row)
    if (hung) {
      row.result = 'not cancelled: not attempted, the API did not answer in time'
      annotate.warning(`Run ${run.id} of ${run.workflow} (${run.status}) was not cancelled: the API did not answer in time. The stop is written; cancel it by hand: gh run cancel ${run.id}.`, { title: 'batch-control' })
      continue
    }
    try {
      await cancelWorkflowRun(inputs.githubToken, repo, run.id, inputs.apiTimeoutMs)
      row.result = 'cancelled'
      row.cancelled = true
      report.cancelled.push(run.id)
    } catch (e) {
      const why = cancelFailure(e)
      row.result = `not cancelled: ${why}`
      annotate.warning(`Could not cancel run ${run.id} of ${run.workflow} (${run.status}): ${why}. The stop is written; cancel it by hand: gh run cancel ${run.id}.`, { title: 'batch-control' })
      if (e instanceof ApiError && e.timedOut) hung = e.message
    }
  }
  return report
}

// ---------------------------------------------------------------------------

export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const at = now()
    const cwd = workspace()
    const { cmd } = inputs
    const access = enforce(await checkAccess(inputs), inputs)
    // The batches read the control file on the default branch: a stop anywhere else stops nothing.
    if (inputs.persist) await requireDefaultBranch(storeOptions(inputs, cwd), inputs.allowNonDefaultBranch)
    const outcome = await applyChange(storeOptions(inputs, cwd), async (snapshot) => {
      const control = await readControl(snapshot, inputs.controlFile)
      let tamper: TamperReport | undefined
      if (cmd.command === 'acknowledge') tamper = control.exists ? await handEditsAt(snapshot, cwd, inputs.controlFile, inputs.author) : { findings: [], examined: 0 }
      const r = applyOperatorCommand(control.doc, tamper ? { ...cmd, handEdits: tamper.findings } : cmd, at)
      if (!r.ok) {
        const incomplete = tamper?.incomplete ? `; the check of the history was incomplete: ${tamper.incomplete}` : ''
        throw new InputError(`${cmd.command} refused: ${r.error}${incomplete} (nothing was written)`)
      }
      const after = r.changed ? renderControl(control, r.doc) : (control.text ?? renderControl(control, r.doc))
      return {
        files: r.changed ? { [inputs.controlFile]: after } : {},
        message: commitMessage(stateSubject(`${cmd.command}: ${r.summary}`), [
          ['Batch-Ops-Action', ACTION],
          ['Operator', cmd.operator],
          ['Reason', cmd.reason],
          ['Incident', cmd.incidentUrl || undefined],
          ['Run-Url', runUrl()]
        ]),
        result: { summary: r.summary, before: control.text ?? '', after }
      }
    })
    const r = outcome.result
    setOutput('changed', outcome.changed.length > 0)
    setOutput('summary', r.summary)
    setOutput('commit', outcome.commit ?? '')
    annotate.notice(`${cmd.operator}: ${cmd.command}: ${r.summary}. Reason: ${cmd.reason}`, { title: 'batch-control' })

    // The stop is written; only now cancel what is running.
    let cancel: CancelReport | undefined
    if (cmd.command === 'stop' && inputs.cancelWorkflows.length > 0) {
      if (!inputs.persist) {
        cancel = { rows: [], cancelled: [], skipped: "persist is 'false': the stop is in the working tree only, so no run was cancelled" }
        annotate.notice(`No runs were cancelled: ${cancel.skipped}.`, { title: 'batch-control' })
      } else {
        try {
          cancel = await cancelRuns(inputs)
        } catch (e) {
          // Advisory: nothing here may fail the stop.
          cancel = { rows: [], cancelled: [], skipped: `cancelling failed: ${(e as Error).message}` }
          annotate.warning(`No runs were cancelled (${(e as Error).message}). The stop is written; cancel running batches in the Actions tab.`, { title: 'batch-control' })
        }
        if (cancel.cancelled.length > 0) annotate.notice(`Cancelled ${cancel.cancelled.length} run(s) of ${inputs.cancelWorkflows.join(', ')}: ${cancel.cancelled.join(', ')}.`, { title: 'batch-control' })
      }
    }
    setOutput('cancelled', cancel?.cancelled ?? [])
    await writeSummary(
      controlSummary({
        cmd,
        summary: r.summary,
        before: r.before,
        after: r.after,
        file: inputs.controlFile,
        commit: outcome.commit,
        branch: outcome.branch,
        persisted: inputs.persist,
        changed: outcome.changed.length > 0,
        at: formatTimestamp(at),
        runUrl: runUrl(),
        access,
        cancel: cmd.command === 'stop' ? { workflows: inputs.cancelWorkflows, rows: cancel?.rows ?? [], skipped: cancel?.skipped } : undefined
      })
    )
  } catch (error) {
    setOutput('changed', false)
    setOutput('cancelled', [])
    await reportFailure('Batch control', error)
  }
}
