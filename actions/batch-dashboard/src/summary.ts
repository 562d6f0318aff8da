// The job summary of batch-dashboard: where the page is and what it shows, readable without it.

import { type DashboardModel, code, md, percent, table } from '@batch-ops/core'

export interface PageInfo {
  /** The page's path, relative to the workspace. */
  page: string
  bytes: number
}

export function dashboardSummary(m: DashboardModel, p: PageInfo): string {
  const s = m.status
  const out: string[] = []
  out.push(`## Batch dashboard: ${m.batchesInWindow} batch${m.batchesInWindow === 1 ? '' : 'es'} in the last ${m.days} days\n`)
  out.push(`Written to ${code(p.page)} (${(p.bytes / 1024).toFixed(0)} KiB).\n`)
  out.push(
    s.enabled
      ? '**Now:** batches run.'
      : `**Now:** ⛔ stopped${s.disabledBy ? ` by ${code(s.disabledBy)}` : ''}${s.reason ? `: ${md(s.reason)}` : ''}.`
  )
  const open = s.breakers.filter((b) => b.state !== 'closed')
  out.push(
    `Paused: ${s.paused.length === 0 ? 'none' : s.paused.map((e) => code(e)).join(', ')}. ` +
      `Breakers not closed: ${open.length === 0 ? 'none' : open.map((b) => `${code(b.ecosystem)} ${b.state}`).join(', ')}. ` +
      `Budget: ${s.budget.usage.map((u) => `${u.os} ${percent(u.fraction)}`).join(', ')}.\n`
  )
  if (m.charts.length > 0) {
    out.push(
      table(
        ['ecosystem', 'batches', 'latest success rate', 'below SLO', 'events'],
        m.charts.map((c) => {
          const drawn = c.points.filter((x) => x.rate !== null)
          const latest = drawn[drawn.length - 1]?.rate
          return [
            code(c.ecosystem),
            String(c.points.length),
            latest === undefined || latest === null ? '—' : percent(latest),
            c.slo === null ? '—' : String(drawn.filter((x) => x.rate! < c.slo!).length),
            String(c.events.length)
          ]
        })
      )
    )
  }
  out.push(`\n${md(m.eventsNote)}\n`)
  if (m.skipped.length > 0) {
    out.push(`⚠️ ${m.skipped.length} malformed history line${m.skipped.length === 1 ? ' was' : 's were'} skipped:\n`)
    out.push(table(['file', 'line', 'problem'], m.skipped.slice(0, 20).map((k) => [code(k.file), k.line > 0 ? String(k.line) : '—', md(k.message)])))
    if (m.skipped.length > 20) out.push(`\n…and ${m.skipped.length - 20} more; the page's footer and the warnings list them per file.\n`)
  }
  return out.join('\n')
}
