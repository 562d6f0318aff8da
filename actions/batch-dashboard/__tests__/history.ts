// A realistic batch-ops history, as record-batch writes it over weeks of batches: one metrics line
// per batch and ecosystem job, the failure records, a manifest per batch. Deterministic (seeded),
// so that a test can say what the page must show. No imports: the bench (plain node) uses it too.
// The lines are written here in record-batch's shape; the integration test checks them against
// core's metricsLine, failureLines and manifestJson, so that they cannot drift apart.

export interface Result {
  recipe: string
  ecosystem: string
  result: 'passed' | 'failed' | 'skipped' | 'blocked'
  error_category?: string
  error_message?: string
  duration_seconds?: number
}

export interface LineContext {
  batchId: string
  startedAt: string
  completedAt: string
  minutes: { macos: number; linux: number; windows: number }
  runUrl: string
}

export const formatTimestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10000) / 10000)

/** One metrics line for one ecosystem job, as record-batch's metricsLine writes it (the same slo and thresholds as its defaults). */
export function metricsLineFor(results: readonly Result[], ctx: LineContext): string {
  const eco = results[0]!.ecosystem
  const n = (k: Result['result']): number => results.filter((r) => r.result === k).length
  const [passed, failed, skipped, blocked] = [n('passed'), n('failed'), n('skipped'), n('blocked')]
  const rate = passed + failed > 0 ? passed / (passed + failed) : null
  const slo = (SLO as Record<string, number>)[eco] ?? SLO.default
  const durations = results.filter((r) => r.duration_seconds !== undefined).map((r) => r.duration_seconds!)
  const mean = durations.length > 0 ? durations.reduce((a, b) => a + b, 0) / durations.length : null
  const severity = rate !== null && rate < 0.5 ? 'critical' : rate !== null && rate < slo ? 'warning' : mean !== null && mean > 120 ? 'info' : 'ok'
  const line = {
    schema_version: 1,
    batch_id: ctx.batchId,
    started_at: ctx.startedAt,
    completed_at: ctx.completedAt,
    ecosystems: { [eco]: { passed, failed, skipped, blocked, total: results.length, success_rate: round4(rate), slo, severity, mean_duration_seconds: round4(mean) } },
    totals: { passed, failed, skipped, blocked, total: results.length },
    success_rate: round4(rate),
    severity,
    minutes: ctx.minutes,
    run_url: ctx.runUrl
  }
  return JSON.stringify(line) + '\n'
}

/** The failure records of one job, as record-batch's failureLines writes them. */
export function failureLinesFor(results: readonly Result[], ctx: LineContext): string {
  return results
    .filter((r) => r.result === 'failed')
    .map(
      (r) =>
        JSON.stringify({
          schema_version: 1,
          batch_id: ctx.batchId,
          recipe: r.recipe,
          ecosystem: r.ecosystem,
          platform: null,
          exit_code: null,
          category: r.error_category || 'uncategorized',
          message: r.error_message ?? null,
          duration_seconds: r.duration_seconds ?? null,
          timestamp: ctx.completedAt
        }) + '\n'
    )
    .join('')
}

export interface ManifestFields {
  batch_id: string
  created_at: string
  base_ref: string
  base_commit: string
  head_commit: string
  paths: string[]
  files: Array<{ path: string; status: 'A' | 'M' | 'D' }>
}

/** A batch manifest, as record-batch's manifestJson writes it. */
export function manifestFor(m: ManifestFields): string {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return JSON.stringify({ schema_version: 1, ...m, files }, null, 2) + '\n'
}

export const ECOSYSTEMS = ['homebrew', 'cask', 'crates.io', 'npm', 'pypi', 'rubygems'] as const
export const DAY = 86_400_000
const SLO = { homebrew: 0.85, cask: 0.95, default: 0.98 }
const CATEGORIES = ['checksum_mismatch', 'install_failed', 'generation_failed', 'validation_failed', 'timeout']

export interface HistoryOptions {
  /** The time the page is built at. */
  now: number
  batches: number
  /** Hours between batches; the last batch completes an hour before `now`. */
  everyHours: number
  ecosystems?: readonly string[]
  seed?: number
  runUrlBase?: string
}

/** What a test may check the page against, worked out here independently of the dashboard code. */
export interface Expected {
  /** Per ecosystem, the batches (ID, completed time, rate) that completed at or before `now`. */
  points: Map<string, Array<{ batchId: string; at: number; rate: number | null; passed: number; failed: number }>>
  batchIds: string[]
  /** Failure records per ecosystem and category, with their time. */
  failures: Array<{ ecosystem: string; category: string; recipe: string; at: number; batchId: string }>
  /** Minutes per metrics line. */
  minutes: Array<{ at: number; macos: number; linux: number }>
}

export interface History {
  files: Record<string, string>
  expected: Expected
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The failure probability of an ecosystem at a point of the history (0 oldest … 1 newest). */
function failureOdds(eco: string, progress: number): number {
  switch (eco) {
    case 'npm':
      // A bad stretch two thirds of the way in, and again at the end (its breaker is open now).
      return (progress > 0.62 && progress < 0.68) || progress > 0.97 ? 0.6 : 0.02
    case 'pypi':
      return 0.04 + 0.1 * progress
    case 'homebrew':
      return 0.1
    case 'cask':
      return 0.03
    default:
      return 0.015
  }
}

export function makeHistory(o: HistoryOptions): History {
  const ecosystems = o.ecosystems ?? ECOSYSTEMS
  const rand = mulberry32(o.seed ?? 42)
  const runBase = o.runUrlBase ?? 'https://github.com/demo/registry/actions/runs'
  const metrics: string[] = []
  const files: Record<string, string> = {}
  const expected: Expected = { points: new Map(ecosystems.map((e) => [e, []])), batchIds: [], failures: [], minutes: [] }
  const perDay = new Map<string, number>()
  const first = o.now - DAY / 24 - (o.batches - 1) * o.everyHours * 3_600_000
  for (let b = 0; b < o.batches; b++) {
    const started = first + b * o.everyHours * 3_600_000 - 40 * 60_000
    const day = formatTimestamp(started).slice(0, 10)
    const n = (perDay.get(day) ?? 0) + 1
    perDay.set(day, n)
    const batchId = `${day}-${String(n).padStart(3, '0')}`
    expected.batchIds.push(batchId)
    const progress = b / Math.max(1, o.batches - 1)
    const added: Array<{ path: string; status: 'A' }> = []
    let failures = ''
    for (const [i, eco] of ecosystems.entries()) {
      const completed = started + (10 + i * 4) * 60_000
      const count = 5 + Math.floor(rand() * 30)
      const odds = failureOdds(eco, progress)
      const results: Result[] = []
      for (let r = 0; r < count; r++) {
        const recipe = `${eco.replace(/\W/g, '-')}-pkg-${b}-${r}`
        const roll = rand()
        const result: Result['result'] = roll < odds ? 'failed' : roll > 0.97 ? 'skipped' : 'passed'
        const category = CATEGORIES[Math.floor(rand() * (eco === 'npm' ? 2 : CATEGORIES.length))]!
        results.push({
          recipe,
          ecosystem: eco,
          result,
          duration_seconds: 20 + Math.floor(rand() * 60),
          ...(result === 'failed' ? { error_category: category, error_message: `recipe validation failed for '${recipe}'` } : {})
        })
        if (result === 'passed') added.push({ path: `recipes/${eco}/${recipe}.toml`, status: 'A' })
      }
      const minutes = { macos: eco === 'homebrew' ? 8 + Math.floor(rand() * 6) : 0, linux: eco === 'homebrew' ? 1 : 3 + Math.floor(rand() * 4), windows: 0 }
      const ctx = { batchId, startedAt: formatTimestamp(started), completedAt: formatTimestamp(completed), minutes, runUrl: `${runBase}/${1000 + b}` }
      metrics.push(metricsLineFor(results, ctx))
      failures += failureLinesFor(results, ctx)
      const passed = results.filter((r) => r.result === 'passed').length
      const failed = results.filter((r) => r.result === 'failed').length
      if (completed <= o.now) {
        expected.points.get(eco)!.push({ batchId, at: completed, rate: passed + failed > 0 ? passed / (passed + failed) : null, passed, failed })
        expected.minutes.push({ at: completed, macos: minutes.macos, linux: minutes.linux })
        for (const r of results) if (r.result === 'failed') expected.failures.push({ ecosystem: eco, category: r.error_category!, recipe: r.recipe, at: completed, batchId })
      }
    }
    if (failures !== '') files[`data/failures/${batchId}.jsonl`] = failures
    files[`data/batches/${batchId}.json`] = manifestFor({
      batch_id: batchId,
      created_at: formatTimestamp(started + 30 * 60_000),
      base_ref: 'main',
      base_commit: '1'.repeat(40),
      head_commit: '2'.repeat(40),
      paths: ['recipes/'],
      files: added
    })
  }
  files['data/metrics/batch-runs.jsonl'] = metrics.join('')
  return { files, expected }
}

/** A control file at `now`: npm's breaker open, pypi paused, this week's budget partly used, batches stopped (or not). */
export function controlAt(now: number, opts: { stopped?: { reason: string; by: string; at: number; incident: string; resume: number }; paused?: string[]; npm?: 'open' | 'closed' | 'half-open'; budget?: { macos: number; linux: number } } = {}): string {
  const monday = new Date(now)
  const week = Date.UTC(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate()) - ((monday.getUTCDay() + 6) % 7) * DAY
  const closed = { state: 'closed', failures: 0, window: 'SSSSSSSSSS', trips: 0 }
  const npmState = opts.npm ?? 'open'
  const npm =
    npmState === 'open'
      ? { state: 'open', failures: 6, last_failure: formatTimestamp(now - 5 * 3_600_000), opens_at: formatTimestamp(now + 3 * 3_600_000), window: 'SSSSFFFFFF', trips: 2 }
      : npmState === 'half-open'
        ? { state: 'half-open', failures: 6, last_failure: formatTimestamp(now - 5 * 3_600_000), opens_at: formatTimestamp(now - 3_600_000), window: 'SSSSFFFFFF', trips: 1, probe: { claimed_at: formatTimestamp(now - 600_000), run_id: 4242 } }
        : closed
  const s = opts.stopped
  return (
    JSON.stringify(
      {
        enabled: !s,
        disabled_ecosystems: opts.paused ?? [],
        reason: s?.reason ?? '',
        incident_url: s?.incident ?? '',
        disabled_by: s?.by ?? '',
        disabled_at: s ? formatTimestamp(s.at) : '',
        expected_resume: s ? formatTimestamp(s.resume) : '',
        circuit_breaker: {
          homebrew: { ...closed, window: 'SSSFSSSSSS' },
          cask: closed,
          'crates.io': closed,
          npm,
          pypi: { ...closed, window: 'SSFSSFSSSF' },
          rubygems: closed
        },
        budget: { macos_minutes_used: opts.budget?.macos ?? 0, linux_minutes_used: opts.budget?.linux ?? 0, week_start: formatTimestamp(week), sampling_active: false },
        batch_sequence: { date: formatTimestamp(now).slice(0, 10), last: 4 }
      },
      null,
      2
    ) + '\n'
  )
}
