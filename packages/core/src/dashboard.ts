// The batch dashboard (docs/contract.md §10): from what batch-ops keeps in the repository to a
// page model. All pure: the texts are read by the action, `now` is passed in.
//
//   dashboardMetrics      data/metrics/batch-runs.jsonl → records (the shared reader, metrics-history.ts; malformed lines skipped, counted)
//   parseFailureRecords   data/failures/<batch-id>.jsonl → failures (both formats the tooling wrote)
//   parseManifestInfo     data/batches/<batch-id>.json → how many files the batch changed
//   controlEvents         successive versions of the control file → trips, stops, pauses, …
//   dashboardModel        all of it, at `now` → what the page shows, section by section
//   sparkline, recentRates  record-batch's one-line trend
//
// Every string in the model that came from a file is raw: the renderer escapes it. The only URLs
// in the model are the ones built here from the repository's coordinates, a run URL that points
// at this repository's runs, and an incident URL that is plain http(s).

import { type BreakerState, type ControlDoc, ECOSYSTEM_PATTERN, breakerEntries, isEnabled } from './control/model.js'
import { DEFAULT_BREAKER_PARAMS, dueTime } from './breaker.js'
import { type BudgetLimits, type BudgetThresholds, evaluateBudget, rollBudgetWeek } from './budget.js'
import { BATCH_ID_PATTERN } from './batch-record.js'
import { SEVERITY_ORDER, type Severity, worst } from './slo.js'
import { type HistoryRecord, parseMetricsHistory } from './metrics-history.js'
import { parseDate, parseTimestamp, weekStart } from './time.js'

export const DAY = 86_400_000

// ---------------------------------------------------------------------------
// reading the records

/** A line of a history file that was left out, and why. */
export interface SkippedRecord {
  file: string
  /** 1-based; 0 for a whole file (a manifest). */
  line: number
  message: string
}

export interface EcosystemCounts {
  passed: number
  failed: number
  skipped: number
  blocked: number
  /** The SLO the line was judged against, or null when the line has none. */
  slo: number | null
  severity: Severity
}

export interface MinutesUsed {
  macos: number
  linux: number
  windows: number
}

/** One metrics line as record-batch writes it (batch-record.ts metricsLine), checked. */
export interface MetricsRecord {
  line: number
  batchId: string
  startedAt: number
  completedAt: number
  ecosystems: Map<string, EcosystemCounts>
  minutes: MinutesUsed
  runUrl: string | null
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A metrics line as the dashboard needs it, or why it cannot be used (beyond the shared reader's checks). */
function dashboardRecord(h: HistoryRecord): MetricsRecord | string {
  if (!BATCH_ID_PATTERN.test(h.batchId)) return `batch_id ${JSON.stringify(h.batchId.slice(0, 40))} is not YYYY-MM-DD or YYYY-MM-DD-NNN`
  const ecosystems = new Map<string, EcosystemCounts>()
  for (const [name, c] of Object.entries(h.ecosystems)) {
    if (!ECOSYSTEM_PATTERN.test(name)) return `${JSON.stringify(name.slice(0, 64))} is not an ecosystem name`
    if (c.severity !== null && !SEVERITY_ORDER.includes(c.severity as Severity)) return `ecosystem ${name}: severity must be one of ${SEVERITY_ORDER.join(', ')}`
    ecosystems.set(name, { passed: c.passed, failed: c.failed, skipped: c.skipped, blocked: c.blocked, slo: c.slo, severity: (c.severity as Severity | null) ?? 'ok' })
  }
  // A start after the end (clocks that disagree: a runner's start time, a pinned BATCH_OPS_NOW) is taken as the end.
  const startedAt = h.startedAt !== null && h.startedAt <= h.completedAt ? h.startedAt : h.completedAt
  return { line: h.line, batchId: h.batchId, startedAt, completedAt: h.completedAt, ecosystems, minutes: h.minutes, runUrl: h.runUrl }
}

/** Splits JSON Lines; blank lines are no records. */
function jsonLines(text: string): Array<{ line: number; value: unknown } | { line: number; error: string }> {
  const out: Array<{ line: number; value: unknown } | { line: number; error: string }> = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim()
    if (l === '') continue
    try {
      out.push({ line: i + 1, value: JSON.parse(l) as unknown })
    } catch {
      out.push({ line: i + 1, error: 'not valid JSON' })
    }
  }
  return out
}

/**
 * The metrics file through the shared reader (metrics-history.ts), plus what the dashboard
 * needs of a line: a batch ID of the pattern (it goes into links and file names), ecosystem
 * names of the pattern (they label charts) and a known severity. Other lines are skipped with why.
 */
export function dashboardMetrics(text: string, file: string): { records: MetricsRecord[]; skipped: SkippedRecord[] } {
  const history = parseMetricsHistory(text)
  const skipped: SkippedRecord[] = history.skipped.map((s) => ({ file, line: s.line, message: s.why }))
  const records: MetricsRecord[] = []
  for (const h of history.records) {
    const r = dashboardRecord(h)
    if (typeof r === 'string') skipped.push({ file, line: h.line, message: r })
    else records.push(r)
  }
  return { records, skipped: skipped.sort((a, b) => a.line - b.line) }
}

export interface FailureRecord {
  batchId: string
  /** '' when the record does not say (the shell tooling's batch format). */
  ecosystem: string
  recipe: string
  category: string
  at: number
}

function failureRecord(raw: unknown, batchId: string, fileTime: number): FailureRecord[] | string {
  if (!isObject(raw)) return 'not a JSON object'
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
  const when = (v: unknown): number => (typeof v === 'string' ? (parseTimestamp(v) ?? fileTime) : fileTime)
  // The ecosystem format: {ecosystem, failures: [{package_id: "eco:name", category, timestamp}]}.
  if (Array.isArray(raw.failures)) {
    const eco = str(raw.ecosystem) ?? ''
    const out: FailureRecord[] = []
    for (const f of raw.failures) {
      if (!isObject(f)) return 'failures[] must hold objects'
      const id = str(f.package_id) ?? str(f.recipe)
      if (id === null) return 'a failure has no package_id'
      const recipe = id.startsWith(`${eco}:`) ? id.slice(eco.length + 1) : id
      out.push({ batchId, ecosystem: eco, recipe, category: str(f.category) || 'uncategorized', at: when(f.timestamp) })
    }
    return out
  }
  // The batch format, record-batch's and the shell tooling's: one failure per line.
  const recipe = str(raw.recipe) ?? str(raw.recipe_name)
  if (recipe === null) return 'recipe must be a string'
  if (raw.ecosystem !== undefined && raw.ecosystem !== null && typeof raw.ecosystem !== 'string') return 'ecosystem must be a string'
  return [{ batchId: str(raw.batch_id) ?? batchId, ecosystem: str(raw.ecosystem) ?? '', recipe, category: str(raw.category) || 'uncategorized', at: when(raw.timestamp) }]
}

/**
 * One failures file, `<batch-id>.jsonl`. A record without a timestamp takes the batch's day
 * (from the file name); a record without an ecosystem keeps '' (the shell tooling's format).
 */
export function parseFailureRecords(text: string, file: string, batchId: string): { records: FailureRecord[]; skipped: SkippedRecord[] } {
  const fileTime = parseDate(batchId.slice(0, 10)) ?? 0
  const records: FailureRecord[] = []
  const skipped: SkippedRecord[] = []
  for (const l of jsonLines(text)) {
    const r = 'error' in l ? l.error : failureRecord(l.value, batchId, fileTime)
    if (typeof r === 'string') skipped.push({ file, line: l.line, message: r })
    else records.push(...r)
  }
  return { records, skipped }
}

/** The day a batch ID names (its first 10 characters), or null. */
export function batchDay(batchId: string): number | null {
  return BATCH_ID_PATTERN.test(batchId) ? parseDate(batchId.slice(0, 10)) : null
}

export interface ManifestInfo {
  files: number
}

/** A batch manifest: how many files it lists; a string says why it is unusable. */
export function parseManifestInfo(text: string): ManifestInfo | string {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return 'not valid JSON'
  }
  if (!isObject(raw) || !Array.isArray(raw.files)) return 'has no files list'
  return { files: raw.files.length }
}

// ---------------------------------------------------------------------------
// what happened to the control file

export type EventKind = 'trip' | 'close' | 'stop' | 'resume' | 'pause' | 'unpause'
export const EVENT_KINDS: readonly EventKind[] = ['trip', 'close', 'stop', 'resume', 'pause', 'unpause']

export interface ControlEvent {
  kind: EventKind
  at: number
  /** For trips, closes, pauses and unpauses. */
  ecosystem?: string
  /** What happened, in a sentence, with the operator's reason where there is one (raw text). */
  detail: string
}

/** One version of the control file: the commit's time and the parsed JSON (null when it did not parse). */
export interface ControlVersion {
  commit: string
  /** The commit's time (ms): used for a change whose own time the file does not hold. */
  at: number
  doc: unknown
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const stateOf = (doc: Record<string, unknown>, eco: string): BreakerState | null => {
  const cb = doc.circuit_breaker
  const e = isObject(cb) ? cb[eco] : undefined
  return isObject(e) && (e.state === 'open' || e.state === 'closed' || e.state === 'half-open') ? e.state : null
}
const entryOf = (doc: Record<string, unknown>, eco: string): Record<string, unknown> => {
  const cb = doc.circuit_breaker
  const e = isObject(cb) ? cb[eco] : undefined
  return isObject(e) ? e : {}
}
const breakerNames = (doc: Record<string, unknown>): string[] => (isObject(doc.circuit_breaker) ? Object.keys(doc.circuit_breaker).filter((k) => ECOSYSTEM_PATTERN.test(k)) : [])
const pausedOf = (doc: Record<string, unknown>): Set<string> =>
  new Set(Array.isArray(doc.disabled_ecosystems) ? doc.disabled_ecosystems.filter((e): e is string => typeof e === 'string' && ECOSYSTEM_PATTERN.test(e)) : [])
const stopped = (doc: Record<string, unknown>): boolean => doc.enabled === false
const timeOr = (v: unknown, fallback: number): number => (typeof v === 'string' ? (parseTimestamp(v) ?? fallback) : fallback)

function stopDetail(doc: Record<string, unknown>): string {
  const by = str(doc.disabled_by)
  const reason = str(doc.reason)
  return `stopped${by ? ` by ${by}` : ''}${reason ? `: ${reason}` : ''}`
}

/**
 * What the control file says had already happened when it is first seen: an open breaker's trip
 * (at its last failure) and a stop (at disabled_at). Changes with no time in the file are unknown.
 */
function eventsInState(doc: Record<string, unknown>): ControlEvent[] {
  const out: ControlEvent[] = []
  if (stopped(doc)) {
    const at = parseTimestamp(str(doc.disabled_at))
    if (at !== null) out.push({ kind: 'stop', at, detail: stopDetail(doc) })
  }
  for (const eco of breakerNames(doc)) {
    if (stateOf(doc, eco) !== 'open') continue
    const at = parseTimestamp(str(entryOf(doc, eco).last_failure))
    if (at !== null) out.push({ kind: 'trip', at, ecosystem: eco, detail: `${eco} breaker open` })
  }
  return out
}

/** The changes from one version of the control file to the next. */
function eventsBetween(before: Record<string, unknown>, after: Record<string, unknown>, at: number): ControlEvent[] {
  const out: ControlEvent[] = []
  if (!stopped(before) && stopped(after)) out.push({ kind: 'stop', at: timeOr(after.disabled_at, at), detail: stopDetail(after) })
  if (stopped(before) && !stopped(after)) out.push({ kind: 'resume', at, detail: 'batches resumed' })
  const wasPaused = pausedOf(before)
  const nowPaused = pausedOf(after)
  for (const eco of nowPaused) if (!wasPaused.has(eco)) out.push({ kind: 'pause', at, ecosystem: eco, detail: `${eco} paused` })
  for (const eco of wasPaused) if (!nowPaused.has(eco)) out.push({ kind: 'unpause', at, ecosystem: eco, detail: `${eco} resumed` })
  for (const eco of breakerNames(after)) {
    const from = stateOf(before, eco)
    const to = stateOf(after, eco)
    if (from === to || to === null) continue
    const entry = entryOf(after, eco)
    if (to === 'open') {
      const detail = from === 'half-open' ? `${eco} probe failed, breaker re-opened (trips: ${typeof entry.trips === 'number' ? entry.trips : '?'})` : `${eco} breaker tripped`
      out.push({ kind: 'trip', at: timeOr(entry.last_failure, at), ecosystem: eco, detail })
    } else if (to === 'closed' && from !== null) {
      out.push({ kind: 'close', at, ecosystem: eco, detail: from === 'half-open' ? `${eco} probe passed, breaker closed` : `${eco} breaker closed from ${from}` })
    }
  }
  return out
}

/**
 * Trips, closes, stops, resumes, pauses and unpauses from successive versions of the control file
 * (oldest first). A version that did not parse is passed over (the next is compared with the last
 * good one). Times come from the file where it holds them (a trip's last_failure, a stop's
 * disabled_at), else from the commit. Only events in [from, to] are kept, oldest first.
 */
export function controlEvents(versions: readonly ControlVersion[], from: number, to: number): ControlEvent[] {
  const out: ControlEvent[] = []
  let prev: Record<string, unknown> | null = null
  for (const v of versions) {
    if (!isObject(v.doc)) continue
    out.push(...(prev === null ? eventsInState(v.doc) : eventsBetween(prev, v.doc, v.at)))
    prev = v.doc
  }
  return dedupe(out.filter((e) => e.at >= from && e.at <= to).sort((a, b) => a.at - b.at))
}

/** The same event seen twice (an open breaker's trip, seen again in the state) counts once. */
function dedupe(events: ControlEvent[]): ControlEvent[] {
  const seen = new Set<string>()
  return events.filter((e) => {
    const key = `${e.kind} ${e.ecosystem ?? ''} ${e.at}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

// ---------------------------------------------------------------------------
// the trend line of record-batch's summary

const BLOCKS = '▁▂▃▄▅▆▇█'

/**
 * Success rates (0–1, oldest first) as one line of block characters, on a fixed scale: ▁ is
 * below 12.5%, █ is 87.5% and more, so the same rate always draws the same block. A batch with
 * no attempts (null) is a '·'.
 */
export function sparkline(rates: ReadonlyArray<number | null>): string {
  let out = ''
  for (const r of rates) {
    if (r === null || !Number.isFinite(r)) out += '·'
    else out += BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.floor(r * BLOCKS.length)))]
  }
  return out
}

/**
 * The success rates of `ecosystem` in its last `n` batches, oldest first, from the metrics
 * file's text: lines of the same batch are added up; malformed lines are left out.
 */
export function recentRates(metricsText: string, ecosystem: string, n: number): Array<number | null> {
  const points = ecosystemPoints(dashboardMetrics(metricsText, '').records).get(ecosystem) ?? []
  return points.slice(Math.max(0, points.length - n)).map((p) => p.rate)
}

// ---------------------------------------------------------------------------
// the page model

export interface BatchPoint {
  batchId: string
  /** The latest completed_at of the batch's lines for the ecosystem. */
  at: number
  passed: number
  failed: number
  skipped: number
  blocked: number
  /** passed / (passed + failed), null with no attempts. */
  rate: number | null
  slo: number | null
  severity: Severity
}

/**
 * Per ecosystem, one point per batch, oldest first. Several lines for the same batch and
 * ecosystem (a re-run job records again) are added up: counts summed, the rate recomputed from
 * them, the worst severity, the latest time.
 */
export function ecosystemPoints(records: readonly MetricsRecord[]): Map<string, BatchPoint[]> {
  const byKey = new Map<string, { eco: string; p: BatchPoint }>()
  for (const r of records) {
    for (const [eco, c] of r.ecosystems) {
      const key = `${eco}\0${r.batchId}`
      const had = byKey.get(key)
      if (!had) {
        byKey.set(key, { eco, p: { batchId: r.batchId, at: r.completedAt, passed: c.passed, failed: c.failed, skipped: c.skipped, blocked: c.blocked, rate: null, slo: c.slo, severity: c.severity } })
        continue
      }
      const p = had.p
      p.passed += c.passed
      p.failed += c.failed
      p.skipped += c.skipped
      p.blocked += c.blocked
      p.severity = worst([p.severity, c.severity])
      if (r.completedAt >= p.at) {
        p.at = r.completedAt
        if (c.slo !== null) p.slo = c.slo
      }
    }
  }
  const out = new Map<string, BatchPoint[]>()
  for (const { eco, p } of byKey.values()) {
    p.rate = p.passed + p.failed > 0 ? p.passed / (p.passed + p.failed) : null
    let list = out.get(eco)
    if (!list) out.set(eco, (list = []))
    list.push(p)
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at || (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0))
  return out
}

export interface LinkContext {
  /** GITHUB_SERVER_URL, e.g. https://github.com. */
  serverUrl?: string | undefined
  /** GITHUB_REPOSITORY, owner/name. */
  repository?: string | undefined
  /** The commit the page is built from (GITHUB_SHA), for links to files. */
  commit?: string | undefined
  /** Where the manifests are in the repository (the manifest-dir input). */
  manifestDir: string
}

export interface DashboardOptions {
  title: string
  days: number
  /** The Failures section's window. */
  failureDays: number
  /** Rows of Recent batches. */
  recent: number
  limits: BudgetLimits
  thresholds: BudgetThresholds
  /** record-batch's critical-threshold, drawn on the charts (the metrics lines do not hold it). */
  criticalThreshold: number
  /** Categories per ecosystem in Failures, and example recipes per category. */
  topCategories: number
  examples: number
  links: LinkContext
}

export const DASHBOARD_DEFAULTS = {
  title: 'batch-ops',
  days: 28,
  failureDays: 7,
  recent: 50,
  criticalThreshold: 0.5,
  topCategories: 5,
  examples: 3
} as const

export interface DashboardInput {
  control: ControlDoc
  metrics: readonly MetricsRecord[]
  failures: readonly FailureRecord[]
  /** Batch ID → its manifest (a string: why it is unusable); no key: none was found. */
  manifests: ReadonlyMap<string, ManifestInfo | string>
  events: readonly ControlEvent[]
  /** Where the events came from, in a sentence, for the page. */
  eventsNote: string
  skipped: readonly SkippedRecord[]
  now: number
}

export interface BreakerRow {
  ecosystem: string
  state: BreakerState
  /** S/F, oldest first. */
  window: string
  windowFailures: number
  trips: number
  lastFailure: number | null
  /** Open: when it may be probed (null: the file says no usable time). Half-open: when the probe was claimed. */
  nextProbe: number | null
  probeClaimedAt: number | null
  probeRun: string | null
}

export interface OsBudget {
  os: 'macOS' | 'Linux'
  used: number
  limit: number
  fraction: number
}

export interface NowSection {
  enabled: boolean
  reason: string
  disabledBy: string
  disabledAt: number | null
  expectedResume: number | null
  /** The expected resume time has passed while still stopped. */
  overdue: boolean
  incidentText: string
  /** The incident URL when it is plain http(s), else null (then shown as text). */
  incidentUrl: string | null
  paused: string[]
  breakers: BreakerRow[]
  budget: {
    weekStart: number
    usage: OsBudget[]
    samplingActive: boolean
    sampling: boolean
    pause: boolean
    thresholds: BudgetThresholds
  }
}

export interface EcosystemChart {
  ecosystem: string
  /** The batches in the window, oldest first (rate null: no attempts, not drawn). */
  points: BatchPoint[]
  /** The SLO to draw: the latest one the lines hold, else null. */
  slo: number | null
  /** Events for this chart: its own trips, closes, pauses and unpauses, and every stop and resume. */
  events: ControlEvent[]
  paused: boolean
  state: BreakerState | null
}

export interface MinutesPoint {
  at: number
  batchId: string
  /** Minutes this line added. */
  macos: number
  linux: number
  /** Cumulative this week. */
  macosTotal: number
  linuxTotal: number
}

export interface BatchRow {
  batchId: string
  startedAt: number
  completedAt: number
  ecosystems: Array<{ ecosystem: string; rate: number | null; severity: Severity }>
  passed: number
  failed: number
  skipped: number
  blocked: number
  rate: number | null
  severity: Severity
  /** Link to the run when the line's run URL is one of this repository's runs. */
  runUrl: string | null
  /** The run URL as the line holds it, when it is not linked (shown as text). */
  runText: string | null
  manifest: ManifestInfo | string | null
  manifestPath: string
  manifestUrl: string | null
  rollbackUrl: string | null
}

export interface CategoryRow {
  category: string
  count: number
  recipes: string[]
}

export interface FailureGroup {
  /** '' for records that name no ecosystem. */
  ecosystem: string
  total: number
  batches: number
  categories: CategoryRow[]
}

export interface DashboardModel {
  title: string
  now: number
  days: number
  from: number
  status: NowSection
  charts: EcosystemChart[]
  events: ControlEvent[]
  eventsNote: string
  criticalThreshold: number
  minutes: { weekStart: number; points: MinutesPoint[]; control: { macos: number; linux: number }; limits: BudgetLimits; thresholds: BudgetThresholds }
  batches: BatchRow[]
  /** Distinct batches whose lines completed in the window. */
  batchesInWindow: number
  failures: { days: number; from: number; groups: FailureGroup[]; total: number }
  skipped: SkippedRecord[]
  rollbackUrl: string | null
}

const HTTP_URL = /^https?:\/\/[^\s<>"'`\\\p{Cc}]+$/iu
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/

/** The server URL without a trailing slash, when it is plain http(s). */
function server(links: LinkContext): string | null {
  const s = links.serverUrl?.replace(/\/+$/, '')
  return s && /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(s) ? s : null
}

/** `<server>/<owner>/<repo>`, when both are known and well-formed. */
export function repositoryUrl(links: LinkContext): string | null {
  const s = server(links)
  return s && links.repository && REPOSITORY.test(links.repository) ? `${s}/${links.repository}` : null
}

/** The rollback form of this repository (rollback.yml's Run workflow page). */
export function rollbackFormUrl(links: LinkContext): string | null {
  const repo = repositoryUrl(links)
  return repo ? `${repo}/actions/workflows/rollback.yml` : null
}

/** A run URL from a metrics line, when it is exactly one of this repository's runs. */
export function trustedRunUrl(url: string | null, links: LinkContext): string | null {
  const repo = repositoryUrl(links)
  if (!url || !repo || !url.startsWith(`${repo}/actions/runs/`)) return null
  return /^\d+(\/attempts\/\d+)?$/.test(url.slice(repo.length + '/actions/runs/'.length)) ? url : null
}

/** The manifest of a batch on GitHub, at the commit the page was built from. */
export function manifestUrl(batchId: string, links: LinkContext): string | null {
  const repo = repositoryUrl(links)
  if (!repo || !links.commit || !/^[0-9a-f]{40}$/.test(links.commit) || !BATCH_ID_PATTERN.test(batchId)) return null
  const dir = links.manifestDir
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map(encodeURIComponent)
  if (dir.some((s) => s === '..' || s === '%2E%2E')) return null
  return `${repo}/blob/${links.commit}/${[...dir, `${batchId}.json`].join('/')}`
}

/** An operator's incident link: plain http(s) only. */
export function incidentLink(url: string): string | null {
  return HTTP_URL.test(url) ? url : null
}

function nowSection(doc: ControlDoc, now: number, o: DashboardOptions): NowSection {
  const breakers: BreakerRow[] = Object.entries(breakerEntries(doc))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ecosystem, e]) => {
      const window = e.window ?? ''
      const claimed = e.state === 'half-open' && e.probe ? parseTimestamp(e.probe.claimed_at) : null
      return {
        ecosystem,
        state: e.state,
        window,
        windowFailures: [...window].filter((c) => c === 'F').length,
        trips: e.trips ?? 0,
        lastFailure: e.last_failure ? parseTimestamp(e.last_failure) : null,
        nextProbe: e.state === 'open' ? dueTime(e, DEFAULT_BREAKER_PARAMS) : null,
        probeClaimedAt: claimed,
        probeRun: e.state === 'half-open' && e.probe ? String(e.probe.run_id) : null
      }
    })
  const { budget } = rollBudgetWeek(doc.budget, now)
  const verdict = evaluateBudget(budget, o.limits, o.thresholds)
  const expectedResume = doc.expected_resume ? parseTimestamp(doc.expected_resume) : null
  const enabled = isEnabled(doc)
  return {
    enabled,
    reason: doc.reason ?? '',
    disabledBy: doc.disabled_by ?? '',
    disabledAt: doc.disabled_at ? parseTimestamp(doc.disabled_at) : null,
    expectedResume,
    overdue: !enabled && expectedResume !== null && expectedResume < now,
    incidentText: doc.incident_url ?? '',
    incidentUrl: doc.incident_url ? incidentLink(doc.incident_url) : null,
    paused: [...(doc.disabled_ecosystems ?? [])].sort(),
    breakers,
    budget: {
      weekStart: weekStart(now),
      usage: verdict.usage.map((u) => ({ os: u.os, used: u.used, limit: u.limit, fraction: u.fraction })),
      samplingActive: budget.sampling_active === true,
      sampling: verdict.sampling,
      pause: verdict.pause,
      thresholds: o.thresholds
    }
  }
}

function batchRows(records: readonly MetricsRecord[], input: DashboardInput, o: DashboardOptions): BatchRow[] {
  // Only the lines of the batches shown: a long history has thousands of others.
  const shown = new Set(recentBatchIds(records, input.now, o.recent))
  const lines = records.filter((r) => r.completedAt <= input.now && shown.has(r.batchId))
  const byBatch = new Map<string, MetricsRecord[]>()
  for (const r of lines) {
    let list = byBatch.get(r.batchId)
    if (!list) byBatch.set(r.batchId, (list = []))
    list.push(r)
  }
  const perBatch = new Map<string, Array<{ ecosystem: string; p: BatchPoint }>>()
  for (const [ecosystem, list] of ecosystemPoints(lines)) {
    for (const p of list) {
      let e = perBatch.get(p.batchId)
      if (!e) perBatch.set(p.batchId, (e = []))
      e.push({ ecosystem, p })
    }
  }
  const rollback = rollbackFormUrl(o.links)
  const rows: BatchRow[] = [...byBatch].map(([batchId, batchLines]) => {
    const ecosystems = (perBatch.get(batchId) ?? []).sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : 1))
    const sum = (k: 'passed' | 'failed' | 'skipped' | 'blocked'): number => ecosystems.reduce((n, e) => n + e.p[k], 0)
    const passed = sum('passed')
    const failed = sum('failed')
    const raw = batchLines.map((l) => l.runUrl).find((u) => u !== null) ?? null
    const runUrl = batchLines.map((l) => trustedRunUrl(l.runUrl, o.links)).find((u) => u !== null) ?? null
    const manifest = input.manifests.get(batchId) ?? null
    const dir = o.links.manifestDir.replace(/\/+$/, '')
    return {
      batchId,
      startedAt: Math.min(...batchLines.map((l) => l.startedAt)),
      completedAt: Math.max(...batchLines.map((l) => l.completedAt)),
      ecosystems: ecosystems.map((e) => ({ ecosystem: e.ecosystem, rate: e.p.rate, severity: e.p.severity })),
      passed,
      failed,
      skipped: sum('skipped'),
      blocked: sum('blocked'),
      rate: passed + failed > 0 ? passed / (passed + failed) : null,
      severity: worst(ecosystems.map((e) => e.p.severity)),
      runUrl,
      runText: runUrl === null ? raw : null,
      manifest,
      manifestPath: `${dir === '' ? '.' : dir}/${batchId}.json`,
      manifestUrl: manifest !== null && typeof manifest !== 'string' ? manifestUrl(batchId, o.links) : null,
      rollbackUrl: rollback
    }
  })
  return rows.sort((a, b) => b.startedAt - a.startedAt || (a.batchId < b.batchId ? 1 : a.batchId > b.batchId ? -1 : 0))
}

/** The batch IDs Recent batches shows, so that the action reads only their manifests. */
export function recentBatchIds(records: readonly MetricsRecord[], now: number, recent: number): string[] {
  const started = new Map<string, number>()
  for (const r of records) if (r.completedAt <= now) started.set(r.batchId, Math.min(started.get(r.batchId) ?? Infinity, r.startedAt))
  return [...started]
    .sort(([a, x], [b, y]) => y - x || (a < b ? 1 : a > b ? -1 : 0))
    .slice(0, recent)
    .map(([id]) => id)
}

function failureGroups(failures: readonly FailureRecord[], from: number, now: number, o: DashboardOptions): { groups: FailureGroup[]; total: number } {
  const byEco = new Map<string, { total: number; batches: Set<string>; categories: Map<string, CategoryRow> }>()
  let total = 0
  for (const f of failures) {
    if (f.at < from || f.at > now) continue
    total++
    let g = byEco.get(f.ecosystem)
    if (!g) byEco.set(f.ecosystem, (g = { total: 0, batches: new Set(), categories: new Map() }))
    g.total++
    g.batches.add(f.batchId)
    let c = g.categories.get(f.category)
    if (!c) g.categories.set(f.category, (c = { category: f.category, count: 0, recipes: [] }))
    c.count++
    if (c.recipes.length < o.examples && !c.recipes.includes(f.recipe)) c.recipes.push(f.recipe)
  }
  const groups = [...byEco]
    .map(([ecosystem, g]) => ({
      ecosystem,
      total: g.total,
      batches: g.batches.size,
      categories: [...g.categories.values()].sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1)).slice(0, o.topCategories)
    }))
    // Ecosystems by name; records that name none last.
    .sort((a, b) => (a.ecosystem === '' ? 1 : b.ecosystem === '' ? -1 : a.ecosystem < b.ecosystem ? -1 : 1))
  return { groups, total }
}

function minutesSection(records: readonly MetricsRecord[], doc: ControlDoc, now: number, o: DashboardOptions): DashboardModel['minutes'] {
  const start = weekStart(now)
  const lines = records.filter((r) => r.completedAt >= start && r.completedAt <= now).sort((a, b) => a.completedAt - b.completedAt)
  let macosTotal = 0
  let linuxTotal = 0
  const points = lines.map((r) => {
    const linux = r.minutes.linux + r.minutes.windows
    macosTotal += r.minutes.macos
    linuxTotal += linux
    return { at: r.completedAt, batchId: r.batchId, macos: r.minutes.macos, linux, macosTotal, linuxTotal }
  })
  const { budget } = rollBudgetWeek(doc.budget, now)
  return {
    weekStart: start,
    points,
    control: { macos: budget.macos_minutes_used ?? 0, linux: (budget.linux_minutes_used ?? 0) + (budget.windows_minutes_used ?? 0) },
    limits: o.limits,
    thresholds: o.thresholds
  }
}

/**
 * The page at `now`: the Now section from the control file; per ecosystem, the batches of the
 * last `days` days with the events; this week's CI minutes; the last `recent` batches; the
 * failures of the last `failureDays` days. Lines completed after `now` are left out.
 */
export function dashboardModel(input: DashboardInput, o: DashboardOptions): DashboardModel {
  const { now, control } = input
  const from = now - o.days * DAY
  const inWindow = input.metrics.filter((r) => r.completedAt > from && r.completedAt <= now)
  const points = ecosystemPoints(inWindow)
  const paused = new Set(control.disabled_ecosystems ?? [])
  const breakers = breakerEntries(control)
  const names = new Set([...points.keys(), ...Object.keys(breakers).filter((e) => ECOSYSTEM_PATTERN.test(e)), ...[...paused].filter((e) => ECOSYSTEM_PATTERN.test(e))])
  const events = input.events.filter((e) => e.at > from && e.at <= now).sort((a, b) => a.at - b.at)
  const charts: EcosystemChart[] = [...names].sort().map((ecosystem) => {
    const list = points.get(ecosystem) ?? []
    const withSlo = [...list].reverse().find((p) => p.slo !== null)
    return {
      ecosystem,
      points: list,
      slo: withSlo?.slo ?? null,
      events: events.filter((e) => e.ecosystem === undefined || e.ecosystem === ecosystem),
      paused: paused.has(ecosystem),
      state: Object.hasOwn(breakers, ecosystem) ? breakers[ecosystem]!.state : null
    }
  })
  const failureFrom = now - o.failureDays * DAY
  return {
    title: o.title,
    now,
    days: o.days,
    from,
    status: nowSection(control, now, o),
    charts,
    events,
    eventsNote: input.eventsNote,
    criticalThreshold: o.criticalThreshold,
    minutes: minutesSection(input.metrics, control, now, o),
    batches: batchRows(input.metrics, input, o),
    batchesInWindow: new Set(inWindow.map((r) => r.batchId)).size,
    failures: { days: o.failureDays, from: failureFrom, ...failureGroups(input.failures, failureFrom, now, o) },
    skipped: [...input.skipped],
    rollbackUrl: rollbackFormUrl(o.links)
  }
}
