// What record-batch writes (docs/contract.md §6): the metrics line, failure records,
// the batch manifest, the budget update and the upload bodies. All pure.

import type { Budget, ControlDoc } from './control/model.js'
import { cloneControl } from './control/model.js'
import { rollBudgetWeek } from './budget.js'
import type { RecipeResult } from './results.js'
import type { BatchReport } from './slo.js'
import { parseTimestamp } from './time.js'

export const RECORD_SCHEMA_VERSION = 1

/** Batch IDs as file names: `YYYY-MM-DD` or `YYYY-MM-DD-NNN`, nothing else. */
export const BATCH_ID_PATTERN = /^\d{4}-\d{2}-\d{2}(-\d{3})?$/

export interface Minutes {
  macos: number
  linux: number
  windows: number
}

export interface RecordContext {
  batchId: string
  startedAt: string
  completedAt: string
  minutes: Minutes
  runUrl?: string | undefined
}

const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10000) / 10000)

/** One compact JSON line for the metrics file. */
export function metricsLine(report: BatchReport, ctx: RecordContext): string {
  const ecosystems = Object.fromEntries(
    report.ecosystems.map((e) => [
      e.ecosystem,
      {
        passed: e.passed,
        failed: e.failed,
        skipped: e.skipped,
        blocked: e.blocked,
        total: e.total,
        success_rate: round4(e.rate),
        slo: e.slo,
        severity: e.severity,
        mean_duration_seconds: round4(e.meanDurationSeconds)
      }
    ])
  )
  const line = {
    schema_version: RECORD_SCHEMA_VERSION,
    batch_id: ctx.batchId,
    started_at: ctx.startedAt,
    completed_at: ctx.completedAt,
    ecosystems,
    totals: { passed: report.passed, failed: report.failed, skipped: report.skipped, blocked: report.blocked, total: report.total },
    success_rate: round4(report.rate),
    severity: report.severity,
    minutes: ctx.minutes,
    run_url: ctx.runUrl ?? null
  }
  return JSON.stringify(line) + '\n'
}

/** Failure records, one JSON line per failed result, in the shell tooling's batch format plus context. */
export function failureLines(results: readonly RecipeResult[], ctx: Pick<RecordContext, 'batchId' | 'completedAt'>): string {
  let out = ''
  for (const r of results) {
    if (r.result !== 'failed') continue
    out +=
      JSON.stringify({
        schema_version: RECORD_SCHEMA_VERSION,
        batch_id: ctx.batchId,
        recipe: r.recipe,
        ecosystem: r.ecosystem,
        platform: r.platform ?? null,
        exit_code: r.exit_code ?? null,
        category: r.error_category || 'uncategorized',
        message: r.error_message ?? null,
        duration_seconds: r.duration_seconds ?? null,
        timestamp: ctx.completedAt
      }) + '\n'
  }
  return out
}

/** Appends `lines` to an existing file's content (adding the missing final newline), or null when there is nothing to append. */
export function appendLines(existing: string | null, lines: string): string | null {
  if (lines === '') return existing
  if (existing === null || existing === '') return lines
  return (existing.endsWith('\n') ? existing : existing + '\n') + lines
}

export type ChangeStatus = 'A' | 'M' | 'D'
export interface ManifestFile {
  path: string
  status: ChangeStatus
}

export interface Manifest {
  schema_version: number
  batch_id: string
  created_at: string
  base_ref: string
  base_commit: string
  head_commit: string
  paths: string[]
  files: ManifestFile[]
}

/**
 * The batch manifest after this record: merged with the one already there for
 * the same batch (a matrix records one ecosystem per job), so that it lists every
 * ecosystem's files. The first record's base commit stays; this record's files
 * win for a path both list.
 */
export function mergeManifest(existing: string | null, m: Omit<Manifest, 'schema_version'>): string {
  let prior: Partial<Manifest> | undefined
  try {
    prior = existing ? (JSON.parse(existing) as Partial<Manifest>) : undefined
  } catch {
    prior = undefined
  }
  if (!prior || prior.batch_id !== m.batch_id || !Array.isArray(prior.files)) return manifestJson(m)
  const files = new Map<string, ManifestFile>()
  for (const f of prior.files) if (f && typeof f.path === 'string' && (f.status === 'A' || f.status === 'M' || f.status === 'D')) files.set(f.path, { path: f.path, status: f.status })
  for (const f of m.files) files.set(f.path, f)
  return manifestJson({
    ...m,
    created_at: typeof prior.created_at === 'string' ? prior.created_at : m.created_at,
    base_commit: typeof prior.base_commit === 'string' ? prior.base_commit : m.base_commit,
    paths: [...new Set([...(Array.isArray(prior.paths) ? prior.paths.filter((p): p is string => typeof p === 'string') : []), ...m.paths])],
    files: [...files.values()]
  })
}

export function manifestJson(m: Omit<Manifest, 'schema_version'>): string {
  const sorted = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return JSON.stringify({ schema_version: RECORD_SCHEMA_VERSION, ...m, files: sorted }, null, 2) + '\n'
}

/** `git diff --name-status` output → files; renames and copies must be disabled (--no-renames). */
export function parseNameStatus(text: string): ManifestFile[] {
  const out: ManifestFile[] = []
  // -z output: status NUL path NUL ...
  const parts = text.split('\0')
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!.trim().charAt(0)
    const path = parts[i + 1]!
    if (path === '') continue
    if (status === 'A' || status === 'D') out.push({ path, status })
    else if (status === 'M' || status === 'T') out.push({ path, status: 'M' })
  }
  return out
}

// ---------------------------------------------------------------------------
// budget

export interface RunJob {
  id: number
  status: string
  started_at: string | null
  completed_at: string | null
  labels: string[]
}

export type RunnerOs = 'macos' | 'windows' | 'linux'

/** The OS a job ran on, from its runner labels (`macos-14`, `windows-latest`, `self-hosted, macOS, ARM64`). */
export function runnerOs(labels: readonly string[]): RunnerOs {
  // `mac` as a word (macos-14, macOS, mac-mini), not inside one (machine, emacs).
  if (labels.some((l) => /(^|[^a-z])mac(os)?([^a-z]|$)/i.test(l))) return 'macos'
  if (labels.some((l) => /windows/i.test(l))) return 'windows'
  return 'linux'
}

/**
 * Whole minutes of a job, rounded up (61 s → 2): a finished job's duration, or
 * with `now`, a running job's elapsed time so far. Null for a job that has not
 * started (queued, waiting), a running one without `now`, or unusable times.
 */
export function jobMinutes(job: RunJob, now?: number): number | null {
  const start = job.started_at ? parseTimestamp(job.started_at) : null
  if (start === null) return null
  let end: number | null = null
  if (job.status === 'completed') end = job.completed_at ? parseTimestamp(job.completed_at) : null
  else if (job.status === 'in_progress' && now !== undefined) end = Math.max(now, start) // a clock behind GitHub's: nothing yet
  if (end === null || end < start) return null
  return Math.ceil((end - start) / 60_000)
}

/** A job whose minutes this record adds. */
export interface CountedJob {
  id: number
  /** The job's minutes counted so far, this record included (the ledger's new value). */
  minutes: number
  /** What this record adds for it. */
  added: number
  /** Finished: counted in full. Otherwise counted by its elapsed time, and later by the difference. */
  finished: boolean
}

export interface JobMinutes {
  minutes: Minutes
  /** The jobs that add minutes now. */
  counted: CountedJob[]
}

/**
 * Minutes by OS that this record adds: for each job of the run, its minutes now
 * (finished: its duration; running: its elapsed time at `now`; each rounded up)
 * less what is already counted for it. A job is never counted down, and a job
 * fully counted before is never counted again.
 */
export function minutesFromJobs(jobs: readonly RunJob[], alreadyCounted: ReadonlyMap<number, number>, now: number): JobMinutes {
  const minutes: Minutes = { macos: 0, linux: 0, windows: 0 }
  const counted: CountedJob[] = []
  const seen = new Set<number>()
  for (const job of jobs) {
    // The same ID listed twice (a job moving between pages while they are read) is one job.
    if (seen.has(job.id)) continue
    seen.add(job.id)
    const m = jobMinutes(job, now)
    if (m === null) continue
    const added = m - (alreadyCounted.get(job.id) ?? 0)
    if (added <= 0) continue
    minutes[runnerOs(job.labels)] += added
    counted.push({ id: job.id, minutes: m, added, finished: job.status === 'completed' })
  }
  return { minutes, counted }
}

/** How many jobs the budget's ledger remembers (several weeks of batches). */
export const MAX_COUNTED_JOBS = 1000

/**
 * What the budget has counted per job: `counted_jobs` (job ID → minutes so far),
 * and the IDs in `counted_job_ids`, which versions before `counted_jobs` wrote
 * for finished jobs only, as counted in full (Infinity). Malformed entries are left out.
 */
export function countedJobs(budget: Budget | undefined): Map<number, number> {
  const out = new Map<number, number>()
  const ledger = budget?.counted_jobs
  if (ledger && typeof ledger === 'object' && !Array.isArray(ledger)) {
    for (const [key, value] of Object.entries(ledger)) {
      if (/^[0-9]+$/.test(key) && typeof value === 'number' && Number.isFinite(value) && value >= 0) out.set(Number(key), value)
    }
  }
  const ids = budget?.counted_job_ids
  if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'number') out.set(id, Infinity)
  return out
}

/**
 * Adds minutes to the week's budget (rolling the week first). With `jobs`, the
 * ledger `counted_jobs` records each one's minutes counted so far, so that the
 * same minutes are never added again: kept across the week boundary (a run that
 * spans Sunday midnight must not count a job twice) and bounded to the
 * MAX_COUNTED_JOBS highest job IDs (GitHub hands them out in increasing order),
 * written in increasing order. `counted_job_ids` is left as it is.
 */
export function addBudgetMinutes(doc: ControlDoc, minutes: Minutes, now: number, jobs?: ReadonlyArray<Pick<CountedJob, 'id' | 'minutes'>>): ControlDoc {
  const next = cloneControl(doc)
  const { budget: rolled } = rollBudgetWeek(next.budget, now)
  const b: Budget = { ...rolled }
  b.macos_minutes_used = (b.macos_minutes_used ?? 0) + minutes.macos
  b.linux_minutes_used = (b.linux_minutes_used ?? 0) + minutes.linux
  if (minutes.windows > 0 || b.windows_minutes_used !== undefined) b.windows_minutes_used = (b.windows_minutes_used ?? 0) + minutes.windows
  if (jobs && jobs.length > 0) {
    const ledger = new Map<number, number>()
    for (const [id, m] of countedJobs({ counted_jobs: b.counted_jobs })) ledger.set(id, m)
    for (const j of jobs) ledger.set(j.id, Math.max(j.minutes, ledger.get(j.id) ?? 0))
    const kept = [...ledger].sort(([x], [y]) => x - y).slice(-MAX_COUNTED_JOBS)
    b.counted_jobs = Object.fromEntries(kept.map(([id, m]) => [String(id), m]))
  }
  next.budget = b
  return next
}

// ---------------------------------------------------------------------------
// upload

export interface UploadBody {
  batch_id: string
  ecosystem: string
  started_at: string
  completed_at: string
  total_recipes: number
  passed: number
  failed: number
  skipped: number
  success_rate: number
  macos_minutes: number
  linux_minutes: number
  results: Array<{
    recipe_name: string
    ecosystem: string
    result: string
    error_category: string | null
    error_message: string | null
    duration_seconds: number
    /** The platform, for a recipe the batch built for several (the Worker allows one result per recipe and platform). */
    platform: string | null
  }>
}

/**
 * Shares `minutes` among `weights` in hundredths of a minute, so that the
 * shares sum back to the whole (largest remainder; ties to the first).
 */
function shareMinutes(minutes: number, weights: readonly number[]): number[] {
  const cents = Math.round(minutes * 100)
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum <= 0) return weights.map(() => 0)
  const exact = weights.map((w) => (cents * w) / sum)
  const out = exact.map((x) => Math.floor(x))
  let left = cents - out.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => ({ rest: x - out[i]!, i })).sort((a, b) => b.rest - a.rest || a.i - b.i)
  for (const { i } of order) {
    if (left <= 0) break
    out[i]!++
    left--
  }
  return out.map((c) => c / 100)
}

/** The metrics Worker's limits on a result's text fields (longer ones are refused with 400). */
export const MAX_UPLOAD_MESSAGE = 8192
export const MAX_UPLOAD_CATEGORY = 128

/** At most `max` characters, marked as cut (the full text stays in the failure records in git). */
function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}

/**
 * One body per ecosystem, in the shape of the D1 schema. The run's minutes are
 * shared among the ecosystems by their number of results (D1 sums them back).
 * `skipped` counts skipped and blocked results, as the schema has no blocked column.
 */
export function uploadBodies(results: readonly RecipeResult[], report: BatchReport, ctx: RecordContext): UploadBody[] {
  const weights = report.ecosystems.map((e) => e.total)
  const macos = shareMinutes(ctx.minutes.macos, weights)
  const linux = shareMinutes(ctx.minutes.linux + ctx.minutes.windows, weights)
  return report.ecosystems.map((e, i) => ({
    batch_id: ctx.batchId,
    ecosystem: e.ecosystem,
    started_at: ctx.startedAt,
    completed_at: ctx.completedAt,
    total_recipes: e.total,
    passed: e.passed,
    failed: e.failed,
    skipped: e.skipped + e.blocked,
    success_rate: round4(e.rate) ?? 0,
    macos_minutes: macos[i]!,
    linux_minutes: linux[i]!,
    results: results
      .filter((r) => r.ecosystem === e.ecosystem)
      .map((r) => ({
        recipe_name: r.recipe,
        ecosystem: r.ecosystem,
        result: r.result,
        error_category: r.error_category === undefined ? null : clip(r.error_category, MAX_UPLOAD_CATEGORY),
        error_message: r.error_message === undefined ? null : clip(r.error_message, MAX_UPLOAD_MESSAGE),
        duration_seconds: r.duration_seconds ?? 0,
        platform: r.platform ?? null
      }))
  }))
}

export interface BudgetRecord {
  doc: ControlDoc
  minutes: Minutes
  /** The jobs that added minutes. */
  counted: CountedJob[]
}

/**
 * The budget after this record: explicit minutes when given, else what the
 * run's jobs add at `now` beyond what is already counted for them (another
 * record-batch of the same run may have counted some, or counted a job while it
 * was still running). The document is returned unchanged when there is nothing to add.
 */
export function recordBudget(doc: ControlDoc, source: { explicit?: Minutes | undefined; jobs?: readonly RunJob[] | undefined }, now: number): BudgetRecord {
  if (source.explicit) {
    const m = source.explicit
    return { doc: m.macos + m.linux + m.windows > 0 ? addBudgetMinutes(doc, m, now) : doc, minutes: m, counted: [] }
  }
  if (!source.jobs) return { doc, minutes: { macos: 0, linux: 0, windows: 0 }, counted: [] }
  const { minutes, counted } = minutesFromJobs(source.jobs, countedJobs(doc.budget), now)
  return { doc: counted.length > 0 ? addBudgetMinutes(doc, minutes, now, counted) : doc, minutes, counted }
}
