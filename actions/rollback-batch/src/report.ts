// The rollback's summary and pull request body: everything a reviewer needs.

import { type Measure, type RollbackPlan, type Section, characters, code, fitMarkdown, link, md, mention, table } from '@batch-ops/core'

export interface ReportContext {
  batchId: string
  reason: string
  base: string
  actor: string
  runUrl: string | undefined
  force: boolean
  dryRun: boolean
  /** How far back the history was read, in words. */
  searched?: string
  branch?: string
  pr?: { number: number; url: string; created: boolean }
}

const short = (sha: string): string => code(sha.slice(0, 7))

/** Where a reader finds what a shortened report left out. */
export interface ReportBudget {
  limit: number
  measure?: Measure
  where: string
}

/**
 * The report, within `budget` (a pull request body, or the job summary): long
 * lists are shortened to fit, with a note that says how much was left out and
 * where the whole of it is.
 */
export function rollbackReport(p: RollbackPlan, c: ReportContext, budget: ReportBudget = { limit: Infinity, where: '' }): string {
  const out: Section[] = []
  const deleted = p.files.filter((f) => f.action === 'delete').length
  const restored = p.files.length - deleted
  out.push(`## ${c.dryRun ? '🔍 Dry run: rollback plan for' : '↩️ Rollback of'} batch ${code(c.batchId)}\n`)
  out.push(
    table(
      ['', ''],
      [
        ['reason', c.reason ? md(c.reason) : '_(none: dry run)_'],
        ['triggered by', c.actor ? mention(c.actor) : '_unknown_'],
        ['run', c.runUrl ? link(c.runUrl, c.runUrl) : '_local_'],
        ['base', code(c.base)],
        ['batch commits', p.batchCommits.length > 0 ? p.batchCommits.map(short).join(' ') : '_none with a batch line_'],
        ['manifest commit', p.manifestCommit ? short(p.manifestCommit) : '_none_'],
        ...(c.searched ? [['history searched', md(c.searched)]] : []),
        ['files', `${deleted} deleted, ${restored} restored, ${p.conflicts.length} conflict(s)${c.force && p.conflicts.length > 0 ? ' (rolled back: force)' : ''}`],
        ...(c.branch ? [['branch', code(c.branch)]] : []),
        ...(c.pr ? [['pull request', `${link(`#${c.pr.number}`, c.pr.url)}${c.pr.created ? '' : ' (updated)'}`]] : [])
      ]
    )
  )
  const conflicted = new Set(p.conflicts.map((x) => x.path))
  const rows = p.files.map((f) => [
    code(f.path),
    f.action === 'delete' ? '🗑️ deleted (the batch added it)' : '♻️ restored to before the batch',
    f.commits.map(short).join(' '),
    conflicted.has(f.path) ? '⚠️ changed after the batch; forced' : ''
  ])
  if (rows.length > 0) {
    out.push('\n### Files\n')
    out.push({ noun: 'files', head: ['file', 'action', 'from batch commits', 'note'], rows })
  }
  const left = c.force ? [] : p.conflicts
  if (left.length > 0) {
    out.push('\n### Conflicts: left alone\n')
    out.push(`These files were changed after the batch by commits outside it. They are not rolled back; re-run with ${code("force: 'true'")} to roll them back anyway.\n\n`)
    out.push({ noun: 'conflicts', head: ['file', 'would be', 'changed later by'], rows: left.map((x) => [code(x.path), md(x.action), x.later.map((l) => `${short(l.sha)} ${md(l.subject)}`).join('<br>')]) })
  }
  if (p.rejected.length > 0) {
    out.push('\n### Skipped entries: check by hand\n')
    out.push(`These entries could not be used, so the rollback leaves them out; the rest is rolled back.\n\n`)
    out.push({ noun: 'skipped entries', head: ['entry', 'why'], rows: p.rejected.map((r) => [code(r.path), md(r.why)]) })
  }
  if (p.alreadyRolledBack.length > 0) out.push(`\n${p.alreadyRolledBack.length} file(s) already rolled back by an earlier rollback of this batch.\n`)
  out.push(`\n<sub>Only files under the batch paths are touched; failure records, metrics and the control file stay.</sub>\n`)
  return fitMarkdown(out, budget.limit, budget.where, budget.measure ?? characters)
}
