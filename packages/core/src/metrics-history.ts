// Reading the metrics history record-batch appends to (docs/contract.md §6): one
// compact JSON line per batch and ecosystem job. Readers that look back over it
// (the SLO alerts, the dashboard) share this: a line that is not a metrics line
// is skipped and reported with its number, never a reason to stop.

import { parseTimestamp } from './time.js'

/** One ecosystem's counts in a metrics line. */
export interface HistoryCounts {
  passed: number
  failed: number
  skipped: number
  blocked: number
  /** passed / (passed + failed) as recorded, or null with no attempts. */
  rate: number | null
  slo: number | null
  severity: string | null
}

export interface HistoryRecord {
  /** 1-based line in the file. */
  line: number
  batchId: string
  startedAt: number | null
  completedAt: number
  ecosystems: Record<string, HistoryCounts>
  minutes: { macos: number; linux: number; windows: number }
  runUrl: string | null
  severity: string | null
}

export interface SkippedLine {
  line: number
  why: string
}

export interface MetricsHistory {
  records: HistoryRecord[]
  skipped: SkippedLine[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined)
const fraction = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : null)
const minutes = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)

function counts(v: unknown): HistoryCounts | string {
  if (!isObject(v)) return 'an ecosystem entry is not an object'
  const passed = count(v.passed)
  const failed = count(v.failed)
  if (passed === undefined || failed === undefined) return '"passed" and "failed" must be whole numbers >= 0'
  return {
    passed,
    failed,
    skipped: count(v.skipped) ?? 0,
    blocked: count(v.blocked) ?? 0,
    rate: fraction(v.success_rate),
    slo: fraction(v.slo),
    severity: typeof v.severity === 'string' ? v.severity : null
  }
}

/** One line, or why it is not a metrics line. */
export function parseHistoryLine(text: string, line: number): HistoryRecord | string {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return 'not valid JSON'
  }
  if (!isObject(v)) return 'not a JSON object'
  if (typeof v.batch_id !== 'string' || v.batch_id === '') return 'no "batch_id"'
  const completedAt = typeof v.completed_at === 'string' ? parseTimestamp(v.completed_at) : null
  if (completedAt === null) return '"completed_at" is not an RFC 3339 timestamp'
  if (!isObject(v.ecosystems)) return 'no "ecosystems" object'
  const entries: Array<[string, HistoryCounts]> = []
  for (const [name, entry] of Object.entries(v.ecosystems)) {
    const c = counts(entry)
    if (typeof c === 'string') return `ecosystem ${JSON.stringify(name)}: ${c}`
    entries.push([name, c])
  }
  // fromEntries makes own properties only, whatever the names (`__proto__` included).
  const ecosystems: Record<string, HistoryCounts> = Object.fromEntries(entries)
  const m = isObject(v.minutes) ? v.minutes : {}
  return {
    line,
    batchId: v.batch_id,
    startedAt: typeof v.started_at === 'string' ? parseTimestamp(v.started_at) : null,
    completedAt,
    ecosystems,
    minutes: { macos: minutes(m.macos), linux: minutes(m.linux), windows: minutes(m.windows) },
    runUrl: typeof v.run_url === 'string' ? v.run_url : null,
    severity: typeof v.severity === 'string' ? v.severity : null
  }
}

/** Every metrics line of `text` (blank lines ignored), in file order; the rest skipped with the reason. */
export function parseMetricsHistory(text: string): MetricsHistory {
  const records: HistoryRecord[] = []
  const skipped: SkippedLine[] = []
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return
    const r = parseHistoryLine(raw, i + 1)
    if (typeof r === 'string') skipped.push({ line: i + 1, why: r })
    else records.push(r)
  })
  return { records, skipped }
}
