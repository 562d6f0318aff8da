// The dashboard page: one self-contained HTML file, no script, styles inline, charts as inline SVG.
//
// Much of what the page shows comes from files anyone with write access to the repository can
// edit (an operator's reason, recipe names, failure categories, ecosystem names, run URLs), so
// every value goes through `text` (HTML-escaped) and nothing is ever interpolated raw. Links are
// made by `a`, only for the URLs the core model vouches for (built from GITHUB_SERVER_URL and
// GITHUB_REPOSITORY, a run of this repository, an http(s) incident link). A Content-Security-Policy
// that allows no script, no remote style, font or image backs that up.

import type { BatchRow, BreakerRow, ControlEvent, DashboardModel, EcosystemChart, EventKind, FailureGroup, NowSection, Severity } from '@batch-ops/core'
import { EVENT_COLOUR, SEVERITY_COLOUR } from './charts.js'

/** Rendered charts, by where they go. */
export interface ChartSvgs {
  budget: string
  success: Map<string, string>
  minutes: { macOS: string; Linux: string }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text for an element's content or a quoted attribute value. */
export function text(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** A link to a URL the model vouches for; anything that is not http(s) is shown as text. */
export function a(label: string, url: string | null, title?: string): string {
  if (url === null || !/^https?:\/\//i.test(url)) return text(label)
  return `<a href="${text(url)}" rel="noopener noreferrer nofollow"${title ? ` title="${text(title)}"` : ''}>${text(label)}</a>`
}

export function time(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  const iso = new Date(ms).toISOString()
  return `<time datetime="${iso.replace(/\.\d{3}Z$/, 'Z')}">${iso.slice(0, 10)} ${iso.slice(11, 16)}</time>`
}

/** A UTC day. */
export function day(ms: number): string {
  const iso = new Date(ms).toISOString().slice(0, 10)
  return `<time datetime="${iso}">${iso}</time>`
}

const pct = (x: number | null): string => (x === null ? '—' : !Number.isFinite(x) ? '∞' : `${Math.round(x * 1000) / 10}%`)

const SEVERITY_TEXT: Record<Severity, string> = { ok: 'ok', info: 'info (slow)', warning: 'warning (below SLO)', critical: 'critical' }
const severity = (s: Severity, label = SEVERITY_TEXT[s]): string => `<span class="sev sev-${s}">${text(label)}</span>`

/** The point shapes of charts.ts, as characters. */
const SHAPE: Record<Severity, string> = { ok: '●', info: '■', warning: '▲', critical: '◆' }

const EVENT_TEXT: Record<EventKind, string> = {
  trip: 'breaker tripped',
  close: 'breaker closed',
  stop: 'operator stop',
  resume: 'resumed',
  pause: 'ecosystem paused',
  unpause: 'ecosystem resumed'
}

const CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
header,main,footer{max-width:1080px;margin:0 auto;padding:0 16px}
header{padding-top:20px}
h1{font-size:1.6em;margin:0 0 4px}
h2{font-size:1.3em;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin:22px 0 6px}
h3 code,figcaption code{font-size:.95em}
p{margin:6px 0}
.muted,figcaption .muted{color:var(--muted)}
nav ul{list-style:none;padding:0;margin:10px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px}
a{color:#0550ae}
table{border-collapse:collapse;margin:8px 0;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;max-width:100%}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;overflow-wrap:break-word}
.banner{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:10px 14px;margin:10px 0}
.banner.ok{border-left-color:#1a7f37;background:#f0fff4}
.banner.stopped{border-left-color:#cf222e;background:#fff5f5}
.banner strong{font-size:1.1em}
.sev,.state{display:inline-block;padding:0 6px;border-radius:10px;font-size:13px;white-space:nowrap;border:1px solid currentColor}
.sev-ok,.state-closed{color:${SEVERITY_COLOUR.ok}}
.sev-info{color:${SEVERITY_COLOUR.info}}
.sev-warning,.state-half-open{color:${SEVERITY_COLOUR.warning}}
.sev-critical,.state-open{color:${SEVERITY_COLOUR.critical}}
figure.chart{margin:10px 0 22px}
figure.chart figcaption{font-weight:600}
.svg{margin:4px 0}
.svg svg{display:block;max-width:100%;height:auto}
details{margin:4px 0}
summary{cursor:pointer;color:#0550ae}
.key{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding:0;margin:8px 0;font-size:14px}
.key li{display:flex;align-items:center;gap:6px}
.shape{font-size:14px;line-height:1}
.line{display:inline-block;width:22px;height:0;border-top:2px solid}
.vline{display:inline-block;width:0;height:14px;border-left:2px solid}
.window{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:1px;white-space:nowrap}
.window .f{color:${SEVERITY_COLOUR.critical}}
.window .s{color:${SEVERITY_COLOUR.ok}}
ul.ecos{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:2px 12px}ul.ecos li{white-space:nowrap}code.id,time,td a{white-space:nowrap}
footer{margin:40px auto 30px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);font-size:14px}
#batches td:nth-child(3){min-width:19em}
@media (max-width:700px){body{font-size:14px}th,td{padding:3px 5px}h2{margin-top:28px}}
`
  .trim()
  .replace(/\n/g, '')

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

function table(head: string[], rows: string[][], numeric: ReadonlySet<number> = new Set(), caption?: string): string {
  const th = head.map((h, i) => `<th scope="col"${numeric.has(i) ? ' class="num"' : ''}>${h}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n')
  return `<div class="scroll"><table>${caption ? `<caption class="muted">${caption}</caption>` : ''}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
}

/**
 * A chart: its caption labels it, a one-sentence summary describes it, the table holds its numbers.
 * On a narrow screen a chart is scaled down to the width, axes and thresholds included (a chart
 * scrolled sideways hid its axis or its limits); the table below has every number at full size.
 */
function figure(id: string, caption: string, summary: string, svg: string, data: string): string {
  return (
    `<figure class="chart" id="${id}">` +
    `<figcaption id="${id}-caption">${caption}</figcaption>` +
    `<div class="svg" role="img" aria-labelledby="${id}-caption" aria-describedby="${id}-summary">${svg}</div>` +
    `<p id="${id}-summary" class="muted">${summary}</p>` +
    `<details><summary>Data table</summary>${data}</details>` +
    `</figure>`
  )
}

function windowCell(w: string): string {
  if (w === '') return '<span class="muted">empty</span>'
  const shown = w.length > 20 ? w.slice(-20) : w
  const marks = [...shown].map((c) => (c === 'F' ? '<span class="f" title="failed">✗</span>' : '<span class="s" title="passed">✓</span>')).join('')
  return `<span class="window" aria-label="${text(`${[...w].filter((c) => c === 'F').length} failed of ${w.length}, oldest first`)}">${w.length > 20 ? '…' : ''}${marks}</span>`
}

function breakerRow(b: BreakerRow): string[] {
  const next =
    b.state === 'open'
      ? b.nextProbe === null
        ? 'no usable time (fails closed)'
        : time(b.nextProbe)
      : b.state === 'half-open'
        ? b.probeClaimedAt !== null
          ? `probe in flight since ${time(b.probeClaimedAt)}${b.probeRun ? ` (run <code>${text(b.probeRun)}</code>)` : ''}`
          : 'next check is the probe'
        : '—'
  return [
    `<code>${text(b.ecosystem)}</code>`,
    `<span class="state state-${b.state}">${text(b.state)}</span>`,
    windowCell(b.window),
    String(b.windowFailures),
    String(b.trips),
    time(b.lastFailure),
    next
  ]
}

function nowSection(n: NowSection, budgetSvg: string): string {
  const out: string[] = ['<section id="now" aria-labelledby="now-h"><h2 id="now-h">Now</h2>']
  const known = new Set([...n.breakers.map((b) => b.ecosystem), ...n.paused])
  const running = [...known].filter((e) => !n.paused.includes(e))
  if (n.enabled && known.size > 0 && running.length === 0) {
    // The kill switch is off, but nothing it knows would run: not a green banner.
    out.push(
      '<div class="banner stopped" id="kill-switch"><strong>No ecosystem runs: every one is paused.</strong> ' +
        'The kill switch is off (<code>enabled</code> is not false), but each ecosystem the control file knows is in <code>disabled_ecosystems</code>. ' +
        '<span class="muted">An operator resumes them with batch-control <code>resume-ecosystem</code> (the emergency form).</span></div>'
    )
  } else if (n.enabled) {
    const except = n.paused.length > 0 ? ` except the paused ${n.paused.length === 1 ? 'ecosystem' : 'ecosystems'} below` : ''
    out.push(`<div class="banner ok" id="kill-switch"><strong>Batches run${except}.</strong> The kill switch is off (<code>enabled</code> is not false).</div>`)
  } else {
    const lines = [
      `<strong>Stopped: no batch runs.</strong>`,
      `<br>Reason: ${n.reason ? text(n.reason) : '<span class="muted">none given</span>'}`,
      n.disabledBy || n.disabledAt !== null ? `<br>By ${n.disabledBy ? `<code>${text(n.disabledBy)}</code>` : 'an operator'}${n.disabledAt !== null ? `, ${time(n.disabledAt)} UTC` : ''}` : '',
      n.incidentText ? `<br>Incident: ${a(n.incidentText, n.incidentUrl)}` : '',
      n.expectedResume !== null
        ? `<br>Expected resume: ${time(n.expectedResume)} UTC${n.overdue ? ' <strong class="sev sev-warning">passed, still stopped</strong>' : ''}`
        : '<br>Expected resume: <span class="muted">not given</span>',
      '<br><span class="muted">Batches start again when an operator runs batch-control <code>resume</code> (the emergency form).</span>'
    ]
    out.push(`<div class="banner stopped" id="kill-switch">${lines.join('')}</div>`)
  }
  out.push(
    `<p id="paused"><strong>Paused ecosystems:</strong> ${n.paused.length === 0 ? '<span class="muted">none</span>' : n.paused.map((e) => `<code>${text(e)}</code>`).join(', ')}</p>`
  )
  out.push('<h3 id="breakers-h">Circuit breakers</h3>')
  out.push(
    n.breakers.length === 0
      ? '<p class="muted">The control file has no breaker entries.</p>'
      : table(['ecosystem', 'state', 'window (oldest first)', 'failed in window', 'failed probes in a row', 'last failure (UTC)', 'next probe (UTC)'], n.breakers.map(breakerRow), new Set([3, 4]))
  )
  const b = n.budget
  const status = b.pause
    ? '<strong class="sev sev-critical">at the pause threshold: batches are paused until the week restarts</strong>'
    : b.sampling
      ? '<strong class="sev sev-warning">at the sampling threshold: batches run a sample</strong>'
      : '<span class="sev sev-ok">below the sampling threshold</span>'
  out.push(`<h3 id="budget-h">CI budget, week of ${day(b.weekStart)}</h3>`)
  out.push(`<p>${status}${b.samplingActive ? ' · <code>sampling_active</code> is set in the control file' : ''}</p>`)
  const summary = b.usage.map((u) => `${u.os} ${u.used} of ${u.limit} minutes (${pct(u.fraction)})`).join('; ')
  const data = table(
    ['runner OS', 'used (min)', 'limit (min)', 'used', 'sampling at', 'pause at'],
    b.usage.map((u) => [u.os, String(u.used), String(u.limit), pct(u.fraction), pct(b.thresholds.sampling), pct(b.thresholds.pause)]),
    new Set([1, 2, 3, 4, 5])
  )
  out.push(figure('chart-budget', 'Minutes used this week per runner OS, as a share of the limit', `${text(summary)}. Sampling starts at ${pct(b.thresholds.sampling)}, batches pause at ${pct(b.thresholds.pause)}.`, budgetSvg, data))
  out.push('</section>')
  return out.join('\n')
}

/** The key to the success-rate charts' colours and lines. */
function key(): string {
  const sev = (['ok', 'info', 'warning', 'critical'] as const).map((s) => `<li><span class="shape" style="color:${SEVERITY_COLOUR[s]}" aria-hidden="true">${SHAPE[s]}</span>${text(SEVERITY_TEXT[s])}</li>`)
  const lines = [
    `<li><span class="line" style="border-top:2px dashed #57606a"></span>SLO</li>`,
    `<li><span class="line" style="border-top:2px dotted #cf222e"></span>critical threshold</li>`
  ]
  const events = (Object.keys(EVENT_TEXT) as EventKind[]).map(
    (k) => `<li><span class="vline" style="border-left:2px ${k === 'trip' ? 'solid' : k === 'close' || k === 'resume' || k === 'unpause' ? 'dotted' : 'dashed'} ${EVENT_COLOUR[k]}"></span>${text(EVENT_TEXT[k])}</li>`
  )
  return `<ul class="key" aria-label="Key to the charts">${[...sev, ...lines, ...events].join('')}</ul>`
}

function eventRow(e: ControlEvent): string[] {
  return [time(e.at), text(EVENT_TEXT[e.kind]), e.ecosystem ? `<code>${text(e.ecosystem)}</code>` : 'all', text(e.detail)]
}

function chartSummary(c: EcosystemChart, m: DashboardModel): string {
  const drawn = c.points.filter((p) => p.rate !== null)
  const parts = [`${drawn.length} batch${drawn.length === 1 ? '' : 'es'} with attempts in the last ${m.days} days`]
  if (drawn.length > 0) {
    const rates = drawn.map((p) => p.rate!)
    parts.push(`success rate ${pct(Math.min(...rates))} to ${pct(Math.max(...rates))}, latest ${pct(rates[rates.length - 1]!)}`)
    if (c.slo !== null) parts.push(`${drawn.filter((p) => p.rate! < c.slo!).length} below the SLO of ${pct(c.slo)}`)
    parts.push(`${drawn.filter((p) => p.rate! < m.criticalThreshold).length} below the critical threshold of ${pct(m.criticalThreshold)}`)
  }
  const trips = c.events.filter((e) => e.kind === 'trip').length
  const stops = c.events.filter((e) => e.kind === 'stop').length
  parts.push(`${trips} breaker trip${trips === 1 ? '' : 's'}, ${stops} operator stop${stops === 1 ? '' : 's'} marked`)
  return text(parts.join('; ') + '.')
}

function successSection(m: DashboardModel, svgs: Map<string, string>): string {
  const out: string[] = [`<section id="success" aria-labelledby="success-h"><h2 id="success-h">Success rate over time</h2>`]
  out.push(`<p>Each point is one batch of the last ${m.days} days (${time(m.from)} to ${time(m.now)} UTC); lines mark the SLO and the critical threshold, vertical lines the events.</p>`)
  out.push(`<p class="muted" id="events-source">${text(m.eventsNote)}</p>`)
  out.push(key())
  if (m.charts.length === 0) out.push('<p class="muted">No ecosystem has batches in this window, and the control file names none.</p>')
  m.charts.forEach((c, i) => {
    const state = [c.state ? `breaker <span class="state state-${c.state}">${text(c.state)}</span>` : '', c.paused ? '<span class="sev sev-warning">paused</span>' : ''].filter(Boolean).join(' ')
    const caption = `<code>${text(c.ecosystem)}</code> ${state}`
    const rows = c.points.map((p) => [
      `<code>${text(p.batchId)}</code>`,
      time(p.at),
      pct(p.rate),
      p.slo === null ? '—' : pct(p.slo),
      severity(p.severity, p.severity),
      String(p.passed),
      String(p.failed),
      String(p.skipped + p.blocked)
    ])
    let data = table(['batch', 'completed (UTC)', 'success rate', 'SLO', 'severity', 'passed', 'failed', 'skipped or blocked'], rows, new Set([2, 3, 5, 6, 7]))
    if (c.events.length > 0) data += table(['time (UTC)', 'event', 'ecosystem', 'what'], c.events.map(eventRow), new Set(), 'Events marked on the chart')
    out.push(figure(`chart-success-${i}`, caption, chartSummary(c, m), svgs.get(c.ecosystem) ?? '', data))
  })
  out.push('</section>')
  return out.join('\n')
}

function minutesSection(m: DashboardModel, svgs: ChartSvgs['minutes']): string {
  const mm = m.minutes
  const out: string[] = [`<section id="minutes" aria-labelledby="minutes-h"><h2 id="minutes-h">CI minutes this week</h2>`]
  out.push(
    `<p>Cumulative since Monday ${time(mm.weekStart)} UTC, from the minutes each metrics line recorded; the diamond is the control file's counter now, which also holds what the last job of each run (record-batch <code>mode: account</code>) added. Windows minutes count against the Linux limit.</p>`
  )
  for (const os of ['macOS', 'Linux'] as const) {
    const limit = os === 'macOS' ? mm.limits.macos : mm.limits.linux
    const total = mm.points.length > 0 ? (os === 'macOS' ? mm.points[mm.points.length - 1]!.macosTotal : mm.points[mm.points.length - 1]!.linuxTotal) : 0
    const counter = os === 'macOS' ? mm.control.macos : mm.control.linux
    const rows = mm.points.map((p) => [`<code>${text(p.batchId)}</code>`, time(p.at), String(os === 'macOS' ? p.macos : p.linux), String(os === 'macOS' ? p.macosTotal : p.linuxTotal)])
    const data = table(['batch', 'recorded (UTC)', 'minutes', 'cumulative'], rows, new Set([2, 3]))
    const summary = `${os}: ${round(total)} minutes recorded by ${mm.points.length} metrics line${mm.points.length === 1 ? '' : 's'} this week; the control file counts ${round(counter)} of ${limit} (${pct(limit > 0 ? counter / limit : counter > 0 ? Infinity : 0)}); sampling at ${round(limit * mm.thresholds.sampling)}, pause at ${round(limit * mm.thresholds.pause)}.`
    out.push(figure(`chart-minutes-${os.toLowerCase()}`, `${os === 'Linux' ? 'Linux (and Windows)' : 'macOS'} minutes, cumulative`, text(summary), svgs[os], data))
  }
  out.push('</section>')
  return out.join('\n')
}

function batchRow(b: BatchRow): string[] {
  const ecos = b.ecosystems.map((e) => `<li><code>${text(e.ecosystem)}</code>&nbsp;<span class="sev sev-${e.severity}">${pct(e.rate)}</span></li>`).join('')
  const manifest =
    b.manifest === null
      ? '<span class="muted">none</span>'
      : typeof b.manifest === 'string'
        ? `<span class="sev sev-warning" title="${text(b.manifest)}">unreadable</span>`
        : b.manifestUrl
          ? a(`${b.manifest.files} file${b.manifest.files === 1 ? '' : 's'}`, b.manifestUrl, b.manifestPath)
          : `${b.manifest.files} file${b.manifest.files === 1 ? '' : 's'} <code>${text(b.manifestPath)}</code>`
  const run = b.runUrl ? a('run', b.runUrl) : b.runText ? `<span class="muted" title="not a run of this repository, so not linked">${text(b.runText)}</span>` : '<span class="muted">—</span>'
  return [
    `<code class="id">${text(b.batchId)}</code>`,
    time(b.startedAt),
    `<ul class="ecos">${ecos}</ul>`,
    pct(b.rate),
    severity(b.severity, b.severity),
    `${b.passed} / ${b.failed}`,
    manifest,
    run,
    b.rollbackUrl ? a('roll back', b.rollbackUrl, `take ${b.batchId} back out: run rollback.yml with batch_id ${b.batchId}`) : '<span class="muted">—</span>'
  ]
}

function batchesSection(m: DashboardModel): string {
  const out: string[] = [`<section id="batches" aria-labelledby="batches-h"><h2 id="batches-h">Recent batches</h2>`]
  if (m.batches.length === 0) {
    out.push('<p class="muted">The metrics file holds no batch yet.</p>')
  } else {
    out.push(
      `<p>The last ${m.batches.length} batches, newest first. ${m.rollbackUrl ? `To take one back out, open the ${a('rollback form', m.rollbackUrl)} and give it the batch ID (a dry run first, by default).` : 'Links to runs, manifests and the rollback form appear when the page is built in a workflow run (GITHUB_SERVER_URL and GITHUB_REPOSITORY set).'}</p>`
    )
    out.push(
      table(['batch', 'started (UTC)', 'ecosystems', 'success rate', 'severity', 'passed / failed', 'manifest', 'run', 'rollback'], m.batches.map(batchRow), new Set([3, 5]))
    )
  }
  out.push('</section>')
  return out.join('\n')
}

function failureGroup(g: FailureGroup): string {
  const name = g.ecosystem === '' ? 'records that name no ecosystem' : `<code>${text(g.ecosystem)}</code>`
  return (
    `<h3>${name}: ${g.total} failure${g.total === 1 ? '' : 's'} in ${g.batches} batch${g.batches === 1 ? '' : 'es'}</h3>` +
    table(
      ['category', 'failures', 'for example'],
      g.categories.map((c) => [`<code>${text(c.category)}</code>`, String(c.count), c.recipes.map((r) => `<code>${text(r)}</code>`).join(', ')]),
      new Set([1])
    )
  )
}

function failuresSection(m: DashboardModel): string {
  const f = m.failures
  const out: string[] = [`<section id="failures" aria-labelledby="failures-h"><h2 id="failures-h">Failures</h2>`]
  out.push(`<p>The top failure categories per ecosystem over the last ${f.days} days (since ${time(f.from)} UTC), from the failure records: ${f.total} failure${f.total === 1 ? '' : 's'}.</p>`)
  out.push(f.groups.length === 0 ? '<p class="muted">No failures were recorded in this window.</p>' : f.groups.map(failureGroup).join('\n'))
  out.push('</section>')
  return out.join('\n')
}

export interface Sources {
  controlFile: string
  metricsFile: string
  failuresDir: string
  manifestDir: string
  /** Lines read, for the footer. */
  metricsLines: number
  failureFiles: number
}

function footer(m: DashboardModel, s: Sources): string {
  const skipped = m.skipped
  const listed = skipped.slice(0, 20).map((k) => `<li><code>${text(k.file)}</code>${k.line > 0 ? ` line ${k.line}` : ''}: ${text(k.message)}</li>`)
  return (
    `<footer>` +
    `<p>Built ${time(m.now)} UTC by batch-ops batch-dashboard from <code>${text(s.controlFile)}</code>, <code>${text(s.metricsFile)}</code> (${s.metricsLines} line${s.metricsLines === 1 ? '' : 's'}), ` +
    `<code>${text(s.failuresDir)}</code> (${s.failureFiles} file${s.failureFiles === 1 ? '' : 's'} read) and <code>${text(s.manifestDir)}</code>. ` +
    `${m.batchesInWindow} batch${m.batchesInWindow === 1 ? '' : 'es'} in the last ${m.days} days.</p>` +
    `<p id="skipped" data-count="${skipped.length}">${skipped.length === 0 ? 'No malformed history lines.' : `${skipped.length} malformed history line${skipped.length === 1 ? ' was' : 's were'} skipped:`}</p>` +
    (listed.length > 0 ? `<ul>${listed.join('')}${skipped.length > listed.length ? `<li>and ${skipped.length - listed.length} more (the step's warnings list them per file)</li>` : ''}</ul>` : '') +
    `</footer>`
  )
}

export function renderPage(m: DashboardModel, svgs: ChartSvgs, sources: Sources): string {
  const title = text(m.title)
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${title}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${title}</h1><p class="muted">As of ${time(m.now)} UTC.</p>`,
    '<nav aria-label="Sections"><ul><li><a href="#now">Now</a></li><li><a href="#success">Success rate</a></li><li><a href="#minutes">CI minutes</a></li><li><a href="#batches">Recent batches</a></li><li><a href="#failures">Failures</a></li></ul></nav></header>',
    '<main>',
    nowSection(m.status, svgs.budget),
    successSection(m, svgs.success),
    minutesSection(m, svgs.minutes),
    batchesSection(m),
    failuresSection(m),
    '</main>',
    footer(m, sources),
    '</body>',
    '</html>',
    ''
  ].join('\n')
}

function round(x: number): string {
  return String(Math.round(x * 10) / 10)
}
