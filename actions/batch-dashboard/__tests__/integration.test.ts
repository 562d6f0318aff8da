// batch-dashboard end to end: the bundled action in a child process, as the runner starts it, on
// a history made like the demo's (weeks of batches over six ecosystems, failures, manifests, a
// control file with an open breaker, a stop and this week's budget, its changes committed to git
// at their times), and the page read back with parse5, as a browser would. docs/contract.md §10.

import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'parse5'
import { evaluateBatch, failureLines, manifestJson, metricsLine } from '@batch-ops/core'
import { type ActionRun, type TestRepo, createRepo, expectExit, git, runAction } from '../../../test/harness.js'
import { DAY, ECOSYSTEMS, type Result, controlAt, failureLinesFor, formatTimestamp, makeHistory, manifestFor, metricsLineFor } from './history.js'

const NOW = Date.parse('2026-03-04T12:00:00Z') // a Wednesday
const H = 3_600_000
const SHA = 'c0ffee'.padEnd(40, '0')
const REPO_URL = 'https://github.com/demo/registry'
const INCIDENT = 'https://status.example.com/incidents/42'
const HOSTILE_REASON = 'bad recipes <script>alert(1)</script> "quoted" & more'
const HOSTILE_RECIPE = '<img src=x onerror=alert(2)>'
const ENV = { BATCH_OPS_NOW: formatTimestamp(NOW), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'demo/registry', GITHUB_SHA: SHA, GITHUB_RUN_ID: '9' }

// ---------------------------------------------------------------------------
// reading the page as a browser would

interface Node {
  nodeName: string
  tagName?: string
  attrs?: Array<{ name: string; value: string }>
  childNodes?: Node[]
  value?: string
}

function all(root: Node, match: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (match(root)) out.push(root)
  for (const c of root.childNodes ?? []) all(c, match, out)
  // <template> content is not in childNodes; the page has none.
  return out
}
const elements = (root: Node, tag: string): Node[] => all(root, (n) => n.tagName === tag)
const attr = (n: Node, name: string): string | undefined => n.attrs?.find((a) => a.name === name)?.value
const byId = (root: Node, id: string): Node => {
  const found = all(root, (n) => attr(n, 'id') === id)
  if (found.length !== 1) throw new Error(`${found.length} elements with id ${id}`)
  return found[0]!
}
const textOf = (n: Node): string => (n.nodeName === '#text' ? (n.value ?? '') : (n.childNodes ?? []).map(textOf).join(''))
const hasClass = (n: Node, c: string): boolean => (attr(n, 'class') ?? '').split(/\s+/).includes(c)
/** The rows of a table's body, as cell texts. */
const rows = (table: Node): string[][] => elements(elements(table, 'tbody')[0]!, 'tr').map((tr) => (tr.childNodes ?? []).filter((c) => c.tagName === 'td').map((td) => textOf(td).trim()))
const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`)

/** The success-rate figure of an ecosystem: the one whose caption names it. */
function chartOf(doc: Node, eco: string): Node {
  const figs = elements(byId(doc, 'success'), 'figure').filter((f) => textOf(elements(f, 'code')[0]!) === eco)
  if (figs.length !== 1) throw new Error(`${figs.length} charts for ${eco}`)
  return figs[0]!
}
/** Vega draws a layer named N as <g class="mark-… role-mark N_marks">; its items are that group's children. */
const marksOf = (fig: Node, layer: string): Node[] => {
  const groups = all(fig, (n) => n.tagName === 'g' && hasClass(n, `${layer}_marks`))
  return groups.flatMap((g) => (g.childNodes ?? []).filter((c) => c.tagName !== undefined))
}

// ---------------------------------------------------------------------------
// the history

const history = makeHistory({ now: NOW, batches: 150, everyHours: 6 })
const FROM = NOW - 28 * DAY
const inWindow = (at: number): boolean => at > FROM && at <= NOW

/** Malformed lines, one per kind of damage; three in all, in two files. */
const BAD_METRICS = [
  'this is not json',
  JSON.stringify({ schema_version: 1, batch_id: '2026-03-04-009', started_at: '2026-03-04T09:00:00Z', completed_at: '2026-03-04T09:30:00Z', ecosystems: { '<img src=x>': { passed: 1, failed: 0 } } })
]
const HOSTILE_FAILURE = JSON.stringify({ schema_version: 1, batch_id: history.expected.batchIds.at(-1), recipe: HOSTILE_RECIPE, ecosystem: 'npm', category: '"><script>alert(3)</script>', timestamp: formatTimestamp(NOW - 2 * H) })
const lastId = history.expected.batchIds.at(-1)!

function files(): Record<string, string> {
  const f = { ...history.files }
  const lines = f['data/metrics/batch-runs.jsonl']!.trimEnd().split('\n')
  // The last line's run URL is not one of this repository's runs: shown as text, never a link.
  lines[lines.length - 1] = JSON.stringify({ ...JSON.parse(lines.at(-1)!), run_url: 'javascript:alert(4)' })
  f['data/metrics/batch-runs.jsonl'] = [...lines, ...BAD_METRICS].join('\n') + '\n'
  f[`data/failures/${lastId}.jsonl`] = (f[`data/failures/${lastId}.jsonl`] ?? '') + HOSTILE_FAILURE + '\n{ broken\n'
  return f
}

const closed = controlAt(NOW, { npm: 'closed' })
const final = controlAt(NOW, {
  paused: ['pypi'],
  budget: { macos: 640, linux: 3100 },
  stopped: { reason: HOSTILE_REASON, by: 'alice', at: NOW - 2 * H, incident: INCIDENT, resume: NOW + 6 * H }
})
const edit = (text: string, f: (doc: Record<string, any>) => void): string => {
  const doc = JSON.parse(text) as Record<string, any>
  f(doc)
  return JSON.stringify(doc, null, 2) + '\n'
}
/** The control file's changes, each committed at its time: the marks the page must show. */
const VERSIONS: Array<{ at: number; text: string; subject: string }> = [
  { at: NOW - 20 * DAY, subject: 'record npm: closed → open', text: edit(closed, (d) => (d.circuit_breaker.npm = { state: 'open', failures: 6, last_failure: formatTimestamp(NOW - 20 * DAY - 600_000), opens_at: formatTimestamp(NOW - 20 * DAY + H) })) },
  { at: NOW - 19 * DAY, subject: 'claim half-open probe for npm', text: edit(closed, (d) => (d.circuit_breaker.npm = { state: 'half-open', failures: 6 })) },
  { at: NOW - 19 * DAY + H, subject: 'record npm: half-open → closed', text: closed },
  { at: NOW - 10 * DAY, subject: 'stop', text: edit(closed, (d) => Object.assign(d, { enabled: false, reason: 'first stop', disabled_by: 'bob', disabled_at: formatTimestamp(NOW - 10 * DAY) })) },
  { at: NOW - 9 * DAY, subject: 'resume', text: closed },
  { at: NOW - 3 * DAY, subject: 'pause-ecosystem pypi', text: edit(closed, (d) => (d.disabled_ecosystems = ['pypi'])) },
  { at: NOW - 2 * H, subject: 'stop', text: final }
]

async function historyRepo(): Promise<TestRepo> {
  const repo = await createRepo({ files: { ...files(), 'batch-control.json': closed } })
  for (const v of VERSIONS) {
    const date = `${Math.floor(v.at / 1000)} +0000`
    await writeFile(path.join(repo.work, 'batch-control.json'), v.text)
    await git(['commit', '--quiet', '-am', `chore(batch): ${v.subject} [skip ci]\n\nBatch-Ops-Action: test`], repo.work, { env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } })
  }
  await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], repo.work)
  return repo
}

function dashboard(cwd: string, inputs: Record<string, string> = {}, env: Record<string, string | undefined> = ENV): Promise<ActionRun> {
  return runAction('batch-dashboard', { cwd, inputs, env, timeoutMs: 120_000 })
}

const repos: TestRepo[] = []
let repo: TestRepo
let run: ActionRun
let html: string
let doc: Node

beforeAll(async () => {
  repo = await historyRepo()
  repos.push(repo)
  run = await dashboard(repo.work)
  expectExit(run, 0)
  html = await readFile(path.join(repo.work, 'site', 'index.html'), 'utf8')
  doc = parse(html) as unknown as Node
})
afterAll(async () => {
  await Promise.all(repos.map((r) => r.cleanup()))
})

// ---------------------------------------------------------------------------

test("the generator writes record-batch's shapes (so the history is what the action reads)", () => {
  const results: Result[] = [
    { recipe: 'a', ecosystem: 'homebrew', result: 'passed', duration_seconds: 30 },
    { recipe: 'b', ecosystem: 'homebrew', result: 'failed', error_category: 'install_failed', error_message: 'x', duration_seconds: 200 },
    { recipe: 'c', ecosystem: 'homebrew', result: 'skipped' }
  ]
  const ctx = { batchId: '2026-03-04-001', startedAt: '2026-03-04T10:00:00Z', completedAt: '2026-03-04T10:20:00Z', minutes: { macos: 9, linux: 1, windows: 0 }, runUrl: `${REPO_URL}/actions/runs/1` }
  const report = evaluateBatch(results, { slo: { homebrew: 0.85, cask: 0.95, default: 0.98 }, criticalThreshold: 0.5, latencyThresholdSeconds: 120 })
  expect(metricsLineFor(results, ctx)).toBe(metricsLine(report, ctx))
  expect(failureLinesFor(results, ctx)).toBe(failureLines(results, ctx))
  const m = { batch_id: ctx.batchId, created_at: ctx.completedAt, base_ref: 'main', base_commit: '1'.repeat(40), head_commit: '2'.repeat(40), paths: ['recipes/'], files: [{ path: 'recipes/b', status: 'A' as const }, { path: 'recipes/a', status: 'A' as const }] }
  expect(manifestFor(m)).toBe(manifestJson(m))
})

test('outputs: the page written, and the batches of the window', () => {
  const ids = new Set([...history.expected.points.values()].flat().filter((p) => inWindow(p.at)).map((p) => p.batchId))
  expect(ids.size).toBeGreaterThan(100)
  expect(run.outputs).toEqual({ page: path.join(repo.work, 'site', 'index.html'), batches: String(ids.size) })
  expect(run.summary).toContain(`${ids.size} batches in the last 28 days`)
})

test('every section, top to bottom', () => {
  const sections = elements(doc, 'section').map((s) => [attr(s, 'id'), textOf(elements(s, 'h2')[0]!)])
  expect(sections).toEqual([
    ['now', 'Now'],
    ['success', 'Success rate over time'],
    ['minutes', 'CI minutes this week'],
    ['batches', 'Recent batches'],
    ['failures', 'Failures']
  ])
  expect(elements(doc, 'footer')).toHaveLength(1)
})

describe('Now', () => {
  test('the stop: its reason as text, who, the incident link, the expected resume', () => {
    const banner = byId(doc, 'kill-switch')
    const t = textOf(banner)
    expect(t).toContain('Stopped: no batch runs.')
    expect(t).toContain(`Reason: ${HOSTILE_REASON}`)
    expect(t).toContain('By alice, 2026-03-04 10:00 UTC')
    expect(t).toContain('Expected resume: 2026-03-04 18:00 UTC')
    expect(elements(banner, 'a').map((a) => attr(a, 'href'))).toEqual([INCIDENT])
  })

  test('the paused ecosystems and every breaker, the open one with its next probe', () => {
    expect(textOf(byId(doc, 'paused'))).toBe('Paused ecosystems: pypi')
    const table = elements(byId(doc, 'now'), 'table')[0]!
    const byEco = new Map(rows(table).map((r) => [r[0], r]))
    expect([...byEco.keys()]).toEqual([...ECOSYSTEMS].sort())
    // ecosystem, state, window, failed in window, failed probes in a row, last failure, next probe
    expect(byEco.get('npm')!.slice(1)).toEqual(['open', expect.stringContaining('✗✗✗✗✗✗'), '6', '2', '2026-03-04 07:00', '2026-03-04 15:00'])
    expect(byEco.get('cask')!.slice(1, 5)).toEqual(['closed', expect.any(String), '0', '0'])
  })

  test('the budget per OS against its limit, thresholds marked', () => {
    const fig = byId(doc, 'chart-budget')
    expect(rows(elements(fig, 'table')[0]!)).toEqual([
      ['macOS', '640', '1000', '64%', '80%', '95%'],
      ['Linux', '3100', '5000', '62%', '80%', '95%']
    ])
    expect(marksOf(fig, 'layer_0')).toHaveLength(2) // one bar per OS
    const labels = elements(fig, 'text').map(textOf)
    expect(labels).toEqual(expect.arrayContaining(['sampling 80%', 'pause 95%', 'limit', '640 of 1000 min (64%)']))
  })
})

describe('Success rate over time', () => {
  test.each([...ECOSYSTEMS])('%s: one point per batch of the window with attempts, and its table', (eco) => {
    const expected = history.expected.points.get(eco)!.filter((p) => inWindow(p.at))
    const fig = chartOf(doc, eco)
    const drawn = expected.filter((p) => p.rate !== null)
    expect(drawn.length).toBeGreaterThan(100)
    expect(marksOf(fig, 'batches')).toHaveLength(drawn.length)
    expect(marksOf(fig, 'batches').every((p) => p.tagName === 'path')).toBe(true)
    // batch, completed, success rate, SLO, severity, passed, failed, skipped or blocked
    const table = rows(elements(elements(fig, 'details')[0]!, 'table')[0]!)
    expect(table.map((r) => [r[0], r[1], r[2], r[5], r[6]])).toEqual(
      expected.map((p) => [p.batchId, formatTimestamp(p.at).slice(0, 16).replace('T', ' '), pct(p.rate), String(p.passed), String(p.failed)])
    )
    const fig_ = attr(elements(fig, 'div').find((d) => hasClass(d, 'svg'))!, 'role')
    expect(fig_).toBe('img')
  })

  test('npm: its trips and every stop, from the control file’s history in git, as marks and in its table', () => {
    const fig = chartOf(doc, 'npm')
    const events = rows(elements(elements(fig, 'details')[0]!, 'table')[1]!)
    expect(events.map((e) => [e[0], e[1]])).toEqual([
      [formatTimestamp(NOW - 20 * DAY - 600_000).slice(0, 16).replace('T', ' '), 'breaker tripped'],
      [formatTimestamp(NOW - 19 * DAY + H).slice(0, 16).replace('T', ' '), 'breaker closed'],
      [formatTimestamp(NOW - 10 * DAY).slice(0, 16).replace('T', ' '), 'operator stop'],
      [formatTimestamp(NOW - 9 * DAY).slice(0, 16).replace('T', ' '), 'resumed'],
      [formatTimestamp(NOW - 5 * H).slice(0, 16).replace('T', ' '), 'breaker tripped'],
      [formatTimestamp(NOW - 2 * H).slice(0, 16).replace('T', ' '), 'operator stop']
    ])
    expect(marksOf(fig, 'events')).toHaveLength(6)
    // pypi has its pause and the stops and resume, not npm's trips.
    expect(marksOf(chartOf(doc, 'pypi'), 'events')).toHaveLength(4)
    expect(textOf(byId(doc, 'events-source'))).toMatch(/versions of batch-control\.json in git/)
  })

  test('the SLO and the critical threshold are drawn and labelled', () => {
    const labels = elements(chartOf(doc, 'homebrew'), 'text').map(textOf)
    expect(labels).toEqual(expect.arrayContaining(['SLO 85%', 'critical 50%']))
    expect(elements(chartOf(doc, 'npm'), 'text').map(textOf)).toEqual(expect.arrayContaining(['SLO 98%']))
  })
})

test('CI minutes this week: cumulative per OS, the table adding up to the recorded minutes', () => {
  const monday = Date.parse('2026-03-02T00:00:00Z')
  const week = history.expected.minutes.filter((m) => m.at >= monday && m.at <= NOW)
  for (const [os, key] of [['macos', 'macos'], ['linux', 'linux']] as const) {
    const fig = byId(doc, `chart-minutes-${os}`)
    const table = rows(elements(fig, 'table')[0]!)
    expect(table).toHaveLength(week.length)
    expect(table.at(-1)![3]).toBe(String(week.reduce((n, m) => n + m[key], 0)))
    expect(elements(fig, 'text').map(textOf)).toEqual(expect.arrayContaining([os === 'macos' ? 'limit 1000 min' : 'limit 5000 min', os === 'macos' ? 'control file: 640 min' : 'control file: 3100 min']))
  }
})

test('Recent batches: the last 50, newest first, each with its rate, severity and links', () => {
  const table = elements(byId(doc, 'batches'), 'table')[0]!
  const r = rows(table)
  expect(r).toHaveLength(50)
  const newest = [...history.expected.batchIds].reverse().slice(0, 50)
  expect(r.map((x) => x[0])).toEqual(newest)
  // The overall rate of the batch before the last one, from the generator's own counts.
  const id = newest[1]!
  const points = [...history.expected.points.values()].flat().filter((p) => p.batchId === id)
  const passed = points.reduce((n, p) => n + p.passed, 0)
  const failed = points.reduce((n, p) => n + p.failed, 0)
  expect([r[1]![3], r[1]![5]]).toEqual([pct(passed / (passed + failed)), `${passed} / ${failed}`])
  const links = elements(elements(table, 'tbody')[0]!, 'tr')[1]!
  expect(elements(links, 'a').map((a) => [textOf(a), attr(a, 'href')])).toEqual([
    [expect.stringMatching(/^\d+ files?$/), `${REPO_URL}/blob/${SHA}/data/batches/${id}.json`],
    ['run', expect.stringMatching(new RegExp(`^${REPO_URL}/actions/runs/\\d+$`))],
    ['roll back', `${REPO_URL}/actions/workflows/rollback.yml`]
  ])
  // The newest batch's line with a javascript: run URL is shown as text, its other lines' run linked.
  expect(elements(elements(elements(table, 'tbody')[0]!, 'tr')[0]!, 'a').map((a) => attr(a, 'href'))).not.toContain('javascript:alert(4)')
})

test('Failures: the top categories per ecosystem over the last 7 days, with example recipes', () => {
  const since = NOW - 7 * DAY
  const npm = history.expected.failures.filter((f) => f.ecosystem === 'npm' && f.at >= since && f.at <= NOW)
  const counts = new Map<string, number>()
  for (const f of npm) counts.set(f.category, (counts.get(f.category) ?? 0) + 1)
  const section = byId(doc, 'failures')
  const heading = elements(section, 'h3').find((h) => textOf(h).startsWith('npm:'))!
  // The hostile record counts too.
  expect(textOf(heading)).toMatch(new RegExp(`^npm: ${npm.length + 1} failures in \\d+ batches$`))
  const table = section.childNodes!.slice(section.childNodes!.indexOf(heading)).find((n) => hasClass(n, 'scroll'))!
  const r = rows(elements(table, 'table')[0]!)
  for (const [category, count] of counts) expect(r).toContainEqual([category, String(count), expect.stringMatching(/^npm-pkg-\d+-\d+/)])
  expect(r).toContainEqual(['"><script>alert(3)</script>', '1', HOSTILE_RECIPE])
})

describe('self-contained and inert', () => {
  test('no script, no external style, font or image; nothing refers to a network address', () => {
    // Compared as tag names: a parse5 node drags the whole tree into a failure's diff.
    const tags = (nodes: Node[]): string[] => nodes.map((n) => n.tagName ?? n.nodeName)
    expect(tags(elements(doc, 'script'))).toEqual([])
    for (const tag of ['link', 'img', 'iframe', 'object', 'embed', 'image', 'use', 'foreignObject', 'base']) expect(tags(elements(doc, tag))).toEqual([])
    expect(tags(all(doc, (n) => attr(n, 'src') !== undefined || attr(n, 'srcset') !== undefined || attr(n, 'xlink:href') !== undefined))).toEqual([])
    expect(tags(all(doc, (n) => (n.attrs ?? []).some((a) => /^on/i.test(a.name))))).toEqual([])
    for (const style of elements(doc, 'style')) expect(textOf(style)).not.toMatch(/url\(|@import|@font-face/i)
    expect(tags(all(doc, (n) => /url\(/i.test(attr(n, 'style') ?? '')))).toEqual([])
    // The only addresses: links out to this repository on GitHub and the operator's incident.
    const hrefs = all(doc, (n) => attr(n, 'href') !== undefined)
    expect(tags(hrefs).filter((t) => t !== 'a')).toEqual([])
    const outbound = hrefs.map((a) => attr(a, 'href')!).filter((h) => !h.startsWith('#'))
    expect(outbound.length).toBeGreaterThan(100)
    for (const h of outbound) expect(h === INCIDENT || h.startsWith(`${REPO_URL}/`)).toBe(true)
    // No namespace URL either: the inline SVGs need none.
    expect(html.match(/https?:\/\/[^\s"'<>]+/g)!.filter((u) => u !== INCIDENT && !u.startsWith(REPO_URL) && u !== 'javascript:alert(4)')).toEqual([])
  })

  test('a Content-Security-Policy that allows no script', () => {
    const csp = elements(doc, 'meta').find((m) => attr(m, 'http-equiv') === 'Content-Security-Policy')
    expect(attr(csp!, 'content')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/)
  })

  test('hostile text is text: the reason, a recipe name, a category', () => {
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(textOf(doc)).toContain(HOSTILE_RECIPE)
  })

  test('each chart is an image with a label, a summary and a data table', () => {
    const figs = elements(doc, 'figure')
    expect(figs).toHaveLength(1 + ECOSYSTEMS.length + 2)
    for (const f of figs) {
      const img = all(f, (n) => attr(n, 'role') === 'img')
      expect(img).toHaveLength(1)
      const label = byId(doc, attr(img[0]!, 'aria-labelledby')!)
      const summary = byId(doc, attr(img[0]!, 'aria-describedby')!)
      expect(textOf(label).trim()).not.toBe('')
      expect(textOf(summary).trim()).not.toBe('')
      expect(elements(img[0]!, 'svg')).toHaveLength(1)
      expect(elements(elements(f, 'details')[0]!, 'table').length).toBeGreaterThan(0)
    }
  })
})

test('malformed history lines are skipped, counted in the footer and warned per file', () => {
  const skipped = byId(doc, 'skipped')
  expect(attr(skipped, 'data-count')).toBe('3')
  expect(textOf(skipped)).toBe('3 malformed history lines were skipped:')
  const footer = textOf(elements(doc, 'footer')[0]!)
  expect(footer).toMatch(/batch-runs\.jsonl line \d+: not valid JSON/)
  expect(footer).toMatch(/batch-runs\.jsonl line \d+: "<img src=x>" is not an ecosystem name/)
  expect(footer).toMatch(new RegExp(`${lastId}\\.jsonl line \\d+: not valid JSON`))
  const warnings = run.annotations.filter((a) => a.level === 'warning')
  expect(warnings.map((w) => [w.props.file, w.message.match(/^\d+ malformed/)?.[0]])).toEqual([
    ['data/metrics/batch-runs.jsonl', '2 malformed'],
    [`data/failures/${lastId}.jsonl`, '1 malformed']
  ])
})

test('a shallow clone (as actions/checkout makes) is deepened to the window: the same marks', async () => {
  const shallow = await repo.clone({ depth: 1 })
  const r = await dashboard(shallow)
  expectExit(r, 0)
  const page = parse(await readFile(path.join(shallow, 'site', 'index.html'), 'utf8')) as unknown as Node
  expect(marksOf(chartOf(page, 'npm'), 'events')).toHaveLength(6)
  expect(textOf(byId(page, 'events-source'))).toMatch(/shallow clone was deepened/)
})

test('control-history off, or no git: the marks the control file holds now', async () => {
  const r = await dashboard(repo.work, { 'control-history': 'false', 'output-dir': 'no-history' })
  expectExit(r, 0)
  const page = parse(await readFile(path.join(repo.work, 'no-history', 'index.html'), 'utf8')) as unknown as Node
  const events = rows(elements(elements(chartOf(page, 'npm'), 'details')[0]!, 'table')[1]!)
  expect(events.map((e) => e[1])).toEqual(['breaker tripped', 'operator stop'])
  expect(textOf(byId(page, 'events-source'))).toMatch(/holds now.*control-history is off/)
})

test('outside a workflow run (no GITHUB_SERVER_URL, GITHUB_REPOSITORY): no links out but the incident', async () => {
  const r = await dashboard(repo.work, { 'output-dir': 'local' }, { BATCH_OPS_NOW: ENV.BATCH_OPS_NOW })
  expectExit(r, 0)
  const page = parse(await readFile(path.join(repo.work, 'local', 'index.html'), 'utf8')) as unknown as Node
  const outbound = elements(page, 'a').map((a) => attr(a, 'href')!).filter((h) => !h.startsWith('#'))
  expect(outbound).toEqual([INCIDENT])
})

describe('fails closed', () => {
  test('a malformed control file: exit non-zero, an annotation at its line, no page', async () => {
    const bad = await createRepo({ files: { ...history.files, 'batch-control.json': '{\n  "enabled": true,\n  "circuit_breaker": { "npm": { "state": "ajar" } }\n}\n' } })
    repos.push(bad)
    const r = await dashboard(bad.work)
    expectExit(r, 'non-zero')
    const errors = r.annotations.filter((a) => a.level === 'error' && a.props.file === 'batch-control.json')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0]!.props.line).toBe('3')
    expect(existsSync(path.join(bad.work, 'site'))).toBe(false)
    expect(r.outputs.page).toBeUndefined()
    expect(r.summary).toMatch(/failed closed/)
  })

  test('a control file that is not JSON: the same', async () => {
    const bad = await createRepo({ files: { 'batch-control.json': '{ "enabled": tru }\n' } })
    repos.push(bad)
    const r = await dashboard(bad.work)
    expectExit(r, 'non-zero')
    expect(r.annotations.some((a) => a.level === 'error' && a.props.file === 'batch-control.json' && a.props.line === '1')).toBe(true)
    expect(existsSync(path.join(bad.work, 'site'))).toBe(false)
  })

  test('an invalid input: exit non-zero, no page', async () => {
    const r = await dashboard(repo.work, { days: '0', 'output-dir': 'never' })
    expectExit(r, 'non-zero')
    expect(r.annotations.some((a) => a.level === 'error' && /input 'days'/.test(a.message))).toBe(true)
    expect(existsSync(path.join(repo.work, 'never'))).toBe(false)
  })
})

test('no history yet (a new repository): the page still has every section', async () => {
  const empty = await createRepo({ files: { 'README.md': '# registry\n' } })
  repos.push(empty)
  const r = await dashboard(empty.work)
  expectExit(r, 0)
  expect(r.outputs.batches).toBe('0')
  const page = parse(await readFile(r.outputs.page!, 'utf8')) as unknown as Node
  expect(elements(page, 'section').map((s) => attr(s, 'id'))).toEqual(['now', 'success', 'minutes', 'batches', 'failures'])
  expect(textOf(byId(page, 'batches'))).toContain('The metrics file holds no batch yet.')
})

test('the kill switch is off but every ecosystem is paused: no green “Batches run”; some paused: the banner says except those', async () => {
  const control = (paused: string[]) =>
    JSON.stringify({ enabled: true, disabled_ecosystems: paused, circuit_breaker: { npm: { state: 'closed', failures: 0 }, pypi: { state: 'closed', failures: 0 } } }, null, 2) + '\n'
  const banner = async (paused: string[]): Promise<{ cls: string; text: string }> => {
    const r0 = await createRepo({ files: { 'batch-control.json': control(paused) } })
    repos.push(r0)
    const r = await dashboard(r0.work)
    expectExit(r, 0)
    const el = byId(parse(await readFile(r.outputs.page!, 'utf8')) as unknown as Node, 'kill-switch')
    return { cls: attr(el, 'class') ?? '', text: textOf(el) }
  }
  const all = await banner(['npm', 'pypi'])
  expect(all.cls).toBe('banner stopped')
  expect(all.text).toMatch(/^No ecosystem runs: every one is paused\./)
  const some = await banner(['pypi'])
  expect(some.cls).toBe('banner ok')
  expect(some.text).toMatch(/^Batches run except the paused ecosystem below\./)
  const none = await banner([])
  expect(none.text).toMatch(/^Batches run\. /)
})
