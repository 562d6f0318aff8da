// What slo-alerts writes for people: the issue body and comments of an alert, and the job
// summary with every ecosystem's burn rates against each rule. Ecosystem names and batch IDs
// come from the metrics file: everything from it goes through md()/code()/link().

import {
  type EcosystemBurn,
  type HistoryRecord,
  type RuleVerdict,
  type Section,
  type WindowStats,
  SUMMARY_LIMIT,
  code,
  fitMarkdown,
  formatTimestamp,
  link,
  md,
  utf8Bytes
} from '@batch-ops/core'

export interface ReportContext {
  /** https://github.com/owner/repo, when known. */
  repoUrl: string | undefined
  runUrl: string | undefined
  runbookUrl: string
  minimumAttempts: number
  evaluatedAt: number
}

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`)
const burn = (x: number | null): string => (x === null ? '—' : (Math.round(x * 100) / 100).toString())

function windowCells(w: WindowStats): string[] {
  return [`${w.hours} h`, String(w.attempts), pct(w.failureRate), burn(w.burn)]
}

/** One row per rule and window: attempts, failure rate, burn against the threshold, firing or not. */
function ruleRows(b: EcosystemBurn, minimumAttempts: number): string[][] {
  const verdict = (r: RuleVerdict, w: WindowStats): string => {
    if (w.attempts < minimumAttempts) return `too few attempts (< ${minimumAttempts})`
    return w.burn !== null && w.burn >= r.rule.burn ? '≥ threshold' : 'below'
  }
  return b.rules.flatMap((r) => [
    [md(r.rule.severity), 'long', ...windowCells(r.long), `${r.rule.burn}`, verdict(r, r.long), r.fires ? '🔥 fires' : ''],
    [md(r.rule.severity), 'short', ...windowCells(r.short), `${r.rule.burn}`, verdict(r, r.short), '']
  ])
}

const RULE_HEAD = ['rule', 'window', 'hours', 'attempts', 'failure rate', 'burn', 'threshold', 'window verdict', '']

/** The last batches of one ecosystem, newest first. */
function lastBatches(records: readonly HistoryRecord[], ecosystem: string, n: number): string[][] {
  return records
    .filter((r) => Object.hasOwn(r.ecosystems, ecosystem))
    .sort((a, b) => b.completedAt - a.completedAt)
    .slice(0, n)
    .map((r) => {
      const c = r.ecosystems[ecosystem]!
      const attempts = c.passed + c.failed
      return [
        code(r.batchId),
        formatTimestamp(r.completedAt),
        `${c.passed} / ${c.failed}`,
        attempts > 0 ? pct(c.passed / attempts) : '—',
        r.runUrl ? link('run', r.runUrl) : ''
      ]
    })
}

export function issueTitle(ecosystem: string, severity: string): string {
  return `SLO burn: ${ecosystem} (${severity})`
}

function whatToDo(b: EcosystemBurn, ctx: ReportContext): string {
  const form = ctx.repoUrl ? link('emergency form', `${ctx.repoUrl}/actions/workflows/emergency.yml`) : 'emergency form (`emergency.yml`)'
  const runbook = ctx.runbookUrl ? link('the runbook', ctx.runbookUrl) : 'the runbook (`docs/runbook.md` of batch-ops)'
  return [
    '### What to do',
    '',
    `1. Look at the failures of the last batches (the failure records under \`data/failures/\`, the runs linked above) and at ${runbook}: is it the recipes, the generator, or the upstream?`,
    `2. If it must not go on, pause the ecosystem: ${form}, ${code('command: pause-ecosystem')}, ${code(`ecosystems: ${b.ecosystem}`)}. The circuit breaker trips on its own when a window fails badly; this alert is about a budget burning over hours and days.`,
    '3. This issue updates itself while the burn goes on, says so when its severity changes, and closes itself once the burn over the shortest window is below 1.'
  ].join('\n')
}

/** The issue body: why it fires, the windows of every rule, the SLO, the last batches, what to do. */
export function issueBody(b: EcosystemBurn, records: readonly HistoryRecord[], ctx: ReportContext): string {
  const sections: Section[] = [
    `## ${md(b.ecosystem)} is burning its error budget (${md(b.severity ?? 'recovering')})\n`,
    `SLO: **${pct(b.slo)}** of attempts (passed + failed recipes) succeed, so the error budget is ${pct(1 - b.slo)}. A burn rate of 1 spends it exactly; ${
      b.severity ? `the rule **${md(b.severity)}** fires: both of its windows burn at or above its threshold.` : 'no rule fires now, but the shortest window has not recovered yet.'
    }\n`,
    { noun: 'window rows', head: RULE_HEAD, rows: ruleRows(b, ctx.minimumAttempts) },
    `\n### The last batches\n`,
    { noun: 'batches', head: ['batch', 'completed', 'passed / failed', 'success rate', ''], rows: lastBatches(records, b.ecosystem, 10) },
    '\n' + whatToDo(b, ctx) + '\n',
    `\n<sub>Evaluated at ${formatTimestamp(ctx.evaluatedAt)}${ctx.runUrl ? ` by ${link('this run', ctx.runUrl)}` : ''}; windows count the metrics lines completed in (now − hours, now].</sub>\n`
  ]
  return fitMarkdown(sections, 60_000, 'The job summary of the run that wrote it has the rest.')
}

/** The one comment on a change of severity. */
export function severityComment(b: EcosystemBurn, from: string, to: string): string {
  const firing = b.rules.find((r) => r.fires)!
  return (
    `Severity changed from **${md(from)}** to **${md(to)}**: over the last ${firing.long.hours} h the burn rate is ${burn(firing.long.burn)} ` +
    `and over the last ${firing.short.hours} h it is ${burn(firing.short.burn)} (threshold ${firing.rule.burn}).`
  )
}

/** The comment that closes an alert. */
export function recoveredComment(b: EcosystemBurn): string {
  return (
    `Recovered: over the last ${b.shortest.hours} h, ${b.shortest.attempts} attempts burned the error budget at ${burn(b.shortest.burn)} ` +
    `(below 1), and no rule fires. Closing; a new burn opens a new issue.`
  )
}

export interface SummaryRow {
  burn: EcosystemBurn
  /** What happened to its issue: opened #3, updated #3, closed #3, or why nothing. */
  issue: string
}

export function alertsSummary(rows: readonly SummaryRow[], ctx: ReportContext & { metricsFile: string; skipped: number; problems: readonly string[] }): string {
  const firing = rows.filter((r) => r.burn.severity !== null)
  const sections: Section[] = [
    firing.length > 0
      ? `## 🔥 SLO alerts: ${firing.map((r) => `${code(r.burn.ecosystem)} (${md(r.burn.severity!)})`).join(', ')}\n`
      : `## ✅ SLO alerts: no ecosystem is burning its error budget\n`
  ]
  for (const p of ctx.problems) sections.push(`> ⚠️ ${md(p)}\n`)
  if (rows.length === 0) sections.push(`_No ecosystem has metrics in the rules' windows in ${code(ctx.metricsFile)}._\n`)
  for (const r of rows) {
    sections.push(`\n### ${code(r.burn.ecosystem)}: SLO ${pct(r.burn.slo)}, ${r.burn.severity ? `fires: **${md(r.burn.severity)}**` : 'no rule fires'}; issue: ${r.issue}\n`)
    sections.push({ noun: 'window rows', head: RULE_HEAD, rows: ruleRows(r.burn, ctx.minimumAttempts) })
  }
  sections.push(
    `\n<sub>${code(ctx.metricsFile)}${ctx.skipped > 0 ? `: ${ctx.skipped} malformed line(s) skipped (see the warnings)` : ''}. ` +
      `Evaluated at ${formatTimestamp(ctx.evaluatedAt)}; a rule needs ${ctx.minimumAttempts} attempts in each of its windows.</sub>\n`
  )
  return fitMarkdown(sections, SUMMARY_LIMIT, "The step's alerts output has every firing ecosystem.", utf8Bytes)
}
