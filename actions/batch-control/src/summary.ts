// The job summary of batch-control: who did what and why, and the control file before and after.

import { type OperatorCommand, code, details, fenced, link, md, table } from '@batch-ops/core'

export interface ControlSummaryContext {
  cmd: OperatorCommand
  summary: string
  before: string
  after: string
  file: string
  commit: string | undefined
  persisted: boolean
  changed: boolean
  at: string
  runUrl: string | undefined
}

/** A unified-style line diff (LCS), enough for a control file. */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n')
  const b = after.split('\n')
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`)
      i++
      j++
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`)
    else out.push(`+ ${b[j++]}`)
  }
  // Only the changed lines with two lines of context.
  const keep = out.map((l, k) => out.slice(Math.max(0, k - 2), k + 3).some((x) => !x.startsWith('  ')))
  return out.filter((_, k) => keep[k]).join('\n')
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
        ['at', md(c.at)],
        ['run', c.runUrl ? link(c.runUrl, c.runUrl) : '_local_'],
        [
          'recorded',
          c.commit ? `commit ${code(c.commit.slice(0, 12))} with trailers Batch-Ops-Action, Operator, Reason${c.cmd.incidentUrl ? ', Incident' : ''}` : c.changed ? 'working tree only (persist: false)' : 'nothing changed'
        ]
      ]
    )
  )
  if (c.changed) {
    out.push(`\n### ${code(c.file)}: what changed\n`)
    out.push(fenced(lineDiff(c.before, c.after), 'diff'))
  }
  out.push(details(`${c.file} before`, fenced(c.before || '(the file did not exist)', 'json')))
  out.push(details(`${c.file} after`, fenced(c.after, 'json')))
  return out.join('\n')
}
