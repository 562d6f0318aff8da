// Validation of what the Worker is sent: the upload body of POST /batch-metrics
// (docs/contract.md §6, the body record-batch's uploadBodies() builds) and the query
// parameters of the read endpoints. Pure: no Workers API, so it runs anywhere.

/** Every limit the Worker enforces; a violation is a 400 naming the limit. */
export const LIMITS = {
  /** Request body, in bytes. 50,000 results with long messages stay well inside. */
  bodyBytes: 16 * 1024 * 1024,
  /** Results in one upload (one batch, one ecosystem). */
  results: 50_000,
  batchId: 128,
  recipeName: 256,
  errorCategory: 128,
  errorMessage: 8192,
  /** Counts (total_recipes, passed, failed, skipped). */
  count: 10_000_000,
  /** macos_minutes, linux_minutes. */
  minutes: 10_000_000,
  durationSeconds: 10_000_000,
  /** Problems listed in one 400 answer. */
  problems: 20,
  /** Rows one read answers with (GET …/ecosystems/<eco>?limit=). */
  readRows: 10_000,
  defaultReadRows: 1_000
} as const

export type ResultKind = 'passed' | 'failed' | 'skipped' | 'blocked'
export const RESULT_KINDS: readonly ResultKind[] = ['passed', 'failed', 'skipped', 'blocked']

/** Ecosystem names as the control file allows them (packages/core ECOSYSTEM_PATTERN). */
export const ECOSYSTEM_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/
/** record-batch sends `YYYY-MM-DD-NNN`; other uploaders may use other IDs of these characters. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

/** One row of recipe_results, as stored (without the run's id). */
export interface ResultRow {
  recipe_name: string
  ecosystem: string
  result: ResultKind
  error_category: string | null
  error_message: string | null
  duration_seconds: number
}

/** One row of batch_runs and its results, as stored. */
export interface BatchUpload {
  batch_id: string
  ecosystem: string
  /** UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
  started_at: string
  completed_at: string | null
  total_recipes: number
  passed: number
  failed: number
  /** Skipped and blocked results (the schema has no blocked column). */
  skipped: number
  success_rate: number
  macos_minutes: number
  linux_minutes: number
  /** null when the body had no `results` (a summary-only upload). */
  results: ResultRow[] | null
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] }

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * An RFC 3339 timestamp (any offset) as UTC `YYYY-MM-DDTHH:MM:SSZ`, the form
 * every batch-ops action writes; sub-second digits are dropped so that stored
 * timestamps sort and compare as text. null when it is not one.
 */
export function normalizeTimestamp(s: string): string | null {
  const m = RFC3339.exec(s)
  if (!m) return null
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || se > 60) return null
  const ms = Date.parse(s.replace(' ', 'T'))
  if (Number.isNaN(ms)) return null
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function describe(v: unknown): string {
  const s = JSON.stringify(v)
  if (s === undefined) return String(v)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

class Problems {
  readonly list: string[] = []
  add(message: string): void {
    if (this.list.length < LIMITS.problems) this.list.push(message)
  }
  get full(): boolean {
    return this.list.length >= LIMITS.problems
  }
}

function text(p: Problems, where: string, v: unknown, max: number, nonEmpty: boolean): string | undefined {
  if (typeof v !== 'string') {
    p.add(`${where} must be a string (found ${describe(v)})`)
    return undefined
  }
  if (nonEmpty && v.trim() === '') {
    p.add(`${where} must not be empty`)
    return undefined
  }
  if (v.length > max) {
    p.add(`${where} is ${v.length} characters long (the limit is ${max})`)
    return undefined
  }
  return v
}

function optionalText(p: Problems, where: string, v: unknown, max: number): string | null | undefined {
  if (v === undefined || v === null) return null
  return text(p, where, v, max, false)
}

function count(p: Problems, where: string, v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > LIMITS.count) {
    p.add(`${where} must be an integer from 0 to ${LIMITS.count} (found ${describe(v)})`)
    return undefined
  }
  return v
}

function amount(p: Problems, where: string, v: unknown, max: number): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
    p.add(`${where} must be a number from 0 to ${max} (found ${describe(v)})`)
    return undefined
  }
  return v
}

function timestamp(p: Problems, where: string, v: unknown): string | undefined {
  if (typeof v !== 'string' || normalizeTimestamp(v) === null) {
    p.add(`${where} must be an RFC 3339 timestamp such as 2026-03-04T10:00:00Z (found ${describe(v)})`)
    return undefined
  }
  return normalizeTimestamp(v)!
}

function resultRow(p: Problems, i: number, raw: unknown, ecosystem: string | undefined): ResultRow | undefined {
  const where = `results[${i}]`
  if (!isObject(raw)) {
    p.add(`${where} must be a JSON object (found ${describe(raw)})`)
    return undefined
  }
  const before = p.list.length
  const recipe = text(p, `${where}.recipe_name`, raw.recipe_name, LIMITS.recipeName, true)
  let eco = ecosystem
  if (ecosystem !== undefined && raw.ecosystem !== undefined && raw.ecosystem !== null && raw.ecosystem !== ecosystem) {
    p.add(`${where}.ecosystem is ${describe(raw.ecosystem)}, not the upload's ecosystem ${describe(ecosystem)}`)
    eco = undefined
  }
  const kind = raw.result
  if (typeof kind !== 'string' || !(RESULT_KINDS as readonly string[]).includes(kind)) {
    p.add(`${where}.result must be one of ${RESULT_KINDS.join(', ')} (found ${describe(kind)})`)
  }
  const category = optionalText(p, `${where}.error_category`, raw.error_category, LIMITS.errorCategory)
  const message = optionalText(p, `${where}.error_message`, raw.error_message, LIMITS.errorMessage)
  const d = raw.duration_seconds
  const duration = d === undefined || d === null ? 0 : amount(p, `${where}.duration_seconds`, d, LIMITS.durationSeconds)
  if (p.list.length > before || recipe === undefined || eco === undefined || category === undefined || message === undefined || duration === undefined) {
    return undefined
  }
  return { recipe_name: recipe, ecosystem: eco, result: kind as ResultKind, error_category: category, error_message: message, duration_seconds: duration }
}

/**
 * Validates an upload body: every field's type and range, the sizes, and that
 * the counts add up (passed + failed + skipped = total_recipes; with results,
 * as many results as total_recipes, tallied by kind as in the counts, where
 * `skipped` counts skipped and blocked results). Unknown fields are ignored.
 */
export function validateUpload(body: unknown): Validated<BatchUpload> {
  const p = new Problems()
  if (!isObject(body)) return { ok: false, problems: [`the body must be a JSON object (found ${describe(body)})`] }

  let batchId: string | undefined
  if (typeof body.batch_id !== 'string' || !BATCH_ID_PATTERN.test(body.batch_id)) {
    p.add(`batch_id must be 1 to ${LIMITS.batchId} letters, digits, '.', '_', ':' or '-', starting with a letter or digit, such as 2026-03-04-001 (found ${describe(body.batch_id)})`)
  } else batchId = body.batch_id
  let ecosystem: string | undefined
  if (typeof body.ecosystem !== 'string' || !ECOSYSTEM_PATTERN.test(body.ecosystem)) {
    p.add(`ecosystem must be a lower-case ecosystem name such as homebrew (found ${describe(body.ecosystem)})`)
  } else ecosystem = body.ecosystem
  const startedAt = timestamp(p, 'started_at', body.started_at)
  const completedAt = body.completed_at === undefined || body.completed_at === null ? null : timestamp(p, 'completed_at', body.completed_at)
  const total = count(p, 'total_recipes', body.total_recipes)
  const passed = count(p, 'passed', body.passed)
  const failed = count(p, 'failed', body.failed)
  const skipped = count(p, 'skipped', body.skipped)
  const rate = amount(p, 'success_rate', body.success_rate, 1)
  const macos = body.macos_minutes === undefined ? 0 : amount(p, 'macos_minutes', body.macos_minutes, LIMITS.minutes)
  const linux = body.linux_minutes === undefined ? 0 : amount(p, 'linux_minutes', body.linux_minutes, LIMITS.minutes)

  if (total !== undefined && passed !== undefined && failed !== undefined && skipped !== undefined && passed + failed + skipped !== total) {
    p.add(`the counts do not add up: passed ${passed} + failed ${failed} + skipped ${skipped} = ${passed + failed + skipped}, but total_recipes is ${total}`)
  }

  let results: ResultRow[] | null = null
  if (body.results !== undefined && body.results !== null) {
    if (!Array.isArray(body.results)) p.add(`results must be an array (found ${describe(body.results)})`)
    else if (body.results.length > LIMITS.results) p.add(`results has ${body.results.length} entries (the limit is ${LIMITS.results} per upload)`)
    else {
      results = []
      const tally: Record<ResultKind, number> = { passed: 0, failed: 0, skipped: 0, blocked: 0 }
      for (let i = 0; i < body.results.length && !p.full; i++) {
        const row = resultRow(p, i, body.results[i], ecosystem)
        if (row) {
          results.push(row)
          tally[row.result]++
        }
      }
      if (results.length === body.results.length) {
        if (total !== undefined && results.length !== total) {
          p.add(`results has ${results.length} entries, but total_recipes is ${total}`)
        }
        const want = { passed, failed, 'skipped and blocked': skipped }
        const got = { passed: tally.passed, failed: tally.failed, 'skipped and blocked': tally.skipped + tally.blocked }
        for (const k of Object.keys(want) as Array<keyof typeof want>) {
          if (want[k] !== undefined && want[k] !== got[k]) p.add(`results has ${got[k]} ${k}, but the counts say ${want[k]}`)
        }
      }
    }
  }

  if (p.list.length > 0) return { ok: false, problems: p.list }
  return {
    ok: true,
    value: {
      batch_id: batchId!,
      ecosystem: ecosystem!,
      started_at: startedAt!,
      completed_at: completedAt!,
      total_recipes: total!,
      passed: passed!,
      failed: failed!,
      skipped: skipped!,
      success_rate: rate!,
      macos_minutes: macos!,
      linux_minutes: linux!,
      results
    }
  }
}

export interface RatesQuery {
  ecosystem: string
  since: string | null
  until: string | null
  limit: number
}

/** GET /batch-metrics/ecosystems/<eco>?since=&until=&limit= */
export function validateRatesQuery(ecosystem: string, params: URLSearchParams): Validated<RatesQuery> {
  const p = new Problems()
  if (!ECOSYSTEM_PATTERN.test(ecosystem)) p.add(`the ecosystem must be a lower-case ecosystem name such as homebrew (found ${describe(ecosystem)})`)
  const when = (name: 'since' | 'until'): string | null => {
    const v = params.get(name)
    if (v === null || v === '') return null
    const t = normalizeTimestamp(v)
    if (t === null) p.add(`${name} must be an RFC 3339 timestamp such as 2026-03-01T00:00:00Z (found ${describe(v)})`)
    return t
  }
  const since = when('since')
  const until = when('until')
  let limit: number = LIMITS.defaultReadRows
  const l = params.get('limit')
  if (l !== null && l !== '') {
    limit = Number(l)
    if (!/^\d+$/.test(l) || limit < 1 || limit > LIMITS.readRows) p.add(`limit must be an integer from 1 to ${LIMITS.readRows} (found ${describe(l)})`)
  }
  if (p.list.length > 0) return { ok: false, problems: p.list }
  return { ok: true, value: { ecosystem, since, until, limit } }
}

export function validateBatchId(batchId: string): Validated<string> {
  if (!BATCH_ID_PATTERN.test(batchId)) return { ok: false, problems: [`the batch ID must be 1 to ${LIMITS.batchId} letters, digits, '.', '_', ':' or '-' (found ${describe(batchId)})`] }
  return { ok: true, value: batchId }
}
