// The job summary of batch-control: who did what and why, and the control file before and after.

import { structuredPatch } from 'diff'
import { type AccessNeed, type OperatorCommand, type RepoRole, code, details, fenced, link, md, table, pushedNote } from '@batch-ops/core'

/** Who acted, and with which access; or why that could not be checked (stop only gets past that). */
export type AccessRecord =
  | { actor: string; checked: true; role: RepoRole; roleName: string; need: AccessNeed }
  | { actor: string; checked: false; why: string; need: AccessNeed }

/** One run a stop listed: cancelled, or why not. */
export interface CancelRow {
  id: number
  url: string | undefined
  workflow: string
  /** Its status when listed. */
  status: string
  result: string
  cancelled: boolean
}

export interface ControlSummaryContext {
  cmd: OperatorCommand
  summary: string
  before: string
  after: string
  file: string
  commit: string | undefined
  /** The branch on origin it was pushed to. */
  branch?: string | undefined
  persisted: boolean
  changed: boolean
  at: string
  runUrl: string | undefined
  /** Who acted with which access (left out when not known). */
  access?: AccessRecord | undefined
  /** For stop: the workflows whose runs it cancels, and what became of each run. */
  cancel?: { workflows: string[]; rows: CancelRow[]; skipped?: string | undefined } | undefined
}

/** Past this many changed lines, the diff is not worked out: the two versions say it all. */
const MAX_EDIT = 5_000
/** The diff shown is cut after this many lines. */
const MAX_DIFF_LINES = 400
/** A version shown in full only up to this size; a larger file is in the commit. */
const MAX_SHOWN = 100_000

/**
 * The changed lines with two lines of context (jsdiff's Myers diff, linear in the file for a
 * small change), each marked `- `, `+ ` or two spaces, hunks separated by `@@` lines. Undefined
 * when more than MAX_EDIT lines changed; cut after MAX_DIFF_LINES lines, saying how many more.
 */
export function lineDiff(before: string, after: string): string | undefined {
  const patch = structuredPatch('before', 'after', before, after, '', '', { context: 2, maxEditLength: MAX_EDIT })
  if (!patch) return undefined
  const lines = patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith('\\')).map((l) => `${l[0] === ' ' ? ' ' : l[0]} ${l.slice(1)}`)])
  if (lines.length <= MAX_DIFF_LINES) return lines.join('\n')
  return [...lines.slice(0, MAX_DIFF_LINES), `… ${(lines.length - MAX_DIFF_LINES).toLocaleString('en')} more lines of diff (see the commit)`].join('\n')
}

export function controlSummary(c: ControlSummaryContext): string {
  const out: string[] = []
  out.push(`## 🎛️ batch-control: ${code(c.cmd.command)} — ${md(c.summary)}\n`)
  out.push(
    table(
      ['', ''],
      [
        ['operator', md(c.cmd.operator)],
        ['reason', md(c.cmd.reason)],
        ['incident', c.cmd.incidentUrl ? link(c.cmd.incidentUrl, c.cmd.incidentUrl) : '—'],
        ...(c.cmd.ecosystems.length > 0 ? [['ecosystems', c.cmd.ecosystems.map(code).join(', ')]] : []),
        ...(c.cmd.expectedResume ? [['expected resume', md(c.cmd.expectedResume)]] : []),
        ...(c.access ? [['access', accessCell(c.access)]] : []),
        ['at', md(c.at)],
        ['run', c.runUrl ? link(c.runUrl, c.runUrl) : '_local_'],
        [
          'recorded',
          c.commit ? `${pushedNote(c.commit, c.branch, 1)}, with trailers Batch-Ops-Action, Operator, Reason${c.cmd.incidentUrl ? ', Incident' : ''}` : c.changed ? 'working tree only (persist: false)' : 'nothing changed'
        ]
      ]
    )
  )
  if (c.cancel) out.push(cancelSection(c.cancel))
  if (c.changed) {
    out.push(`\n### ${code(c.file)}: what changed\n`)
    const diff = lineDiff(c.before, c.after)
    out.push(diff === undefined ? `_More than ${MAX_EDIT.toLocaleString('en')} lines changed; the diff is not shown (the commit has it)._\n` : fenced(diff, 'diff'))
  }
  const version = (label: string, text: string): string =>
    text.length <= MAX_SHOWN
      ? details(`${c.file} ${label}`, fenced(text || '(the file did not exist)', 'json'))
      : `\n_${md(c.file)} ${label}: ${text.split('\n').length.toLocaleString('en')} lines, too long to show here (the commit has it)._\n`
  out.push(version('before', c.before))
  out.push(version('after', c.after))
  return out.join('\n')
}

function accessCell(a: AccessRecord): string {
  const need = a.need === 'admin' ? 'admin' : 'write'
  if (a.checked) return `${md(a.actor)} has ${code(a.roleName)}${a.roleName !== a.role ? ` (${md(a.role)})` : ''}; this command needs ${need}`
  return `**not checked**: ${md(a.why)}; stop goes ahead without the check (it needs ${need})`
}

function cancelSection(c: NonNullable<ControlSummaryContext['cancel']>): string {
  const out: string[] = ['\n### Running batches\n']
  if (c.workflows.length === 0) {
    out.push('No workflows to cancel were given (input `cancel-workflows`): runs already going finish their work; cancel them in the Actions tab if they must end now.\n')
    return out.join('\n')
  }
  const names = c.workflows.map(code).join(', ')
  if (c.skipped) {
    out.push(`No run of ${names} was cancelled: ${md(c.skipped)}.\n`)
    return out.join('\n')
  }
  if (c.rows.length === 0) {
    out.push(`No run of ${names} was queued, in progress or waiting.\n`)
    return out.join('\n')
  }
  const done = c.rows.filter((r) => r.cancelled).length
  out.push(`Cancelled ${done} of the ${c.rows.length} unfinished run(s) of ${names}, after the stop was written. A run that could not be cancelled is also a warning above: cancel it in the Actions tab or with ${code('gh run cancel <run-id>')}.\n`)
  out.push(table(['run', 'workflow', 'status before', 'result'], c.rows.map((r) => [link(String(r.id), r.url), code(r.workflow), md(r.status), md(r.result)])))
  return out.join('\n')
}
