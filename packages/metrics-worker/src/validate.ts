// Validation of what the Worker is sent: the upload body of POST /batch-metrics
// (docs/contract.md §6, the body record-batch's uploadBodies() builds) and the query
// parameters of the read endpoints. Pure: no Workers API, so it runs anywhere.

import { type Cursor, decodeCursor } from './cursor.js'
import { type ParsedResult, parseUploadJson } from './json.js'

/**
 * What the body limit is made of. A result as record-batch sends it
 * (uploadBodies: recipe_name, ecosystem, result, error_category, error_message,
 * duration_seconds) costs, apart from its free texts, at most 201 bytes: 101 of
 * keys, quotes, colons, commas and braces; 7 for "blocked", the longest kind; 21
 * for a duration (the longest a number of 0 to 10,000,000 prints as, e.g.
 * 1.2345678901234567e-7); 64 for the ecosystem at its limit; 8 for the two
 * messages as null. The free texts (recipe_name, error_category, error_message,
 * platform) may each be long (256, 128, 8,192, 128 characters), but not all at
 * once in 50,000 results: that alone would be 400 MB. They share 50 bytes a
 * result on average: names are package names (a median of about 10 characters),
 * messages come only with failures. The top-level fields, at their widest, are
 * 530 bytes.
 */
export const BODY_BUDGET = {
  envelopeBytes: 1024,
  resultFixedBytes: 201,
  resultTextBytes: 50
} as const

/** Every limit the Worker enforces; a violation is a 400 naming the limit. */
export const LIMITS = {
  /**
   * Request body, in bytes: 12 MiB, the budget of 50,000 results (1,024 + 50,000
   * × (201 + 50) = 12,551,024 bytes) rounded up to a MiB. Its cost in memory is
   * bounded by the parser (json.ts) and measured (memory.test.ts).
   */
  bodyBytes: 12 * 1024 * 1024,
  /** Results in one upload (one batch, one ecosystem). */
  results: 50_000,
  batchId: 128,
  recipeName: 256,
  errorCategory: 128,
  errorMessage: 8192,
  platform: 128,
  /** Counts (total_recipes, passed, failed, skipped). */
  count: 10_000_000,
  /** macos_minutes, linux_minutes. */
  minutes: 10_000_000,
  durationSeconds: 10_000_000,
  /** success_rate may differ from passed / (passed + failed) by this much: record-batch rounds it to 4 decimals. */
  rateTolerance: 0.00005,
  /** No timestamp before this. */
  earliest: '2020-01-01T00:00:00Z',
  /** No timestamp more than this ahead of the Worker's clock, in ms (a day: clocks and time zones that are off). */
  aheadMs: 86_400_000,
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
  return isoSeconds(ms)
}

/** A time in ms as `YYYY-MM-DDTHH:MM:SSZ` (sub-second digits dropped). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function describe(v: unknown): string {
  const s = JSON.stringify(v)
  if (s === undefined) return String(v)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const round4 = (x: number): number => Math.round(x * 10000) / 10000

class Problems {
  readonly list: string[] = []
  add(message: string): void {
    if (this.list.length < LIMITS.problems) this.list.push(message)
  }
  get full(): boolean {
    return this.list.length >= LIMITS.problems
  }
}

/** The index of the first UTF-16 code unit of `s` that is a lone surrogate, or -1 when `s` is well-formed Unicode. */
export function loneSurrogate(s: string): number {
  if (!/[\uD800-\uDFFF]/.test(s)) return -1
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xdc00 && c <= 0xdfff) return i
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return i
      i++
    }
  }
  return -1
}

/**
 * A text field: a string, within its length, well-formed Unicode (no lone
 * surrogate, which could not be stored as UTF-8 and would come back as U+FFFD),
 * without NUL (which hides the rest of the string from SQLite's string functions).
 */
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
  const lone = loneSurrogate(v)
  if (lone !== -1) {
    p.add(`${where} is not well-formed Unicode (a lone surrogate at index ${lone}, U+${v.charCodeAt(lone).toString(16).toUpperCase()}); send text as UTF-8 or as escapes of whole characters`)
    return undefined
  }
  const nul = v.indexOf('\u0000')
  if (nul !== -1) {
    p.add(`${where} contains a NUL (U+0000) at index ${nul}; text may not hold one`)
    return undefined
  }
  return v
}

function optionalText(p: Problems, where: string, v: unknown, max: number, nonEmpty = false): string | null | undefined {
  if (v === undefined || v === null) return null
  return text(p, where, v, max, nonEmpty)
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

/** An RFC 3339 timestamp, normalized, from 2020 to a day ahead of `now`. */
function timestamp(p: Problems, where: string, v: unknown, now: number): string | undefined {
  const t = typeof v === 'string' ? normalizeTimestamp(v) : null
  if (t === null) {
    p.add(`${where} must be an RFC 3339 timestamp such as 2026-03-04T10:00:00Z (found ${describe(v)})`)
    return undefined
  }
  if (t < LIMITS.earliest) {
    p.add(`${where} ${t} is before ${LIMITS.earliest}, the earliest the Worker accepts`)
    return undefined
  }
  if (Date.parse(t) > now + LIMITS.aheadMs) {
    p.add(`${where} ${t} is more than a day ahead of the Worker's clock (${isoSeconds(now)})`)
    return undefined
  }
  return t
}

interface CheckedResult {
  row: ResultRow
  platform: string | null
}

function resultRow(p: Problems, i: number, raw: ParsedResult | unknown, ecosystem: string | undefined): CheckedResult | undefined {
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
  const platform = optionalText(p, `${where}.platform`, raw.platform, LIMITS.platform, true)
  const d = raw.duration_seconds
  const duration = d === undefined || d === null ? 0 : amount(p, `${where}.duration_seconds`, d, LIMITS.durationSeconds)
  if (
    p.list.length > before ||
    recipe === undefined ||
    eco === undefined ||
    category === undefined ||
    message === undefined ||
    platform === undefined ||
    duration === undefined
  ) {
    return undefined
  }
  return {
    row: { recipe_name: recipe, ecosystem: eco, result: kind as ResultKind, error_category: category, error_message: message, duration_seconds: duration },
    platform
  }
}

/**
 * A recipe appears once per run, or once per platform: the same recipe_name
 * again is refused unless its `platform` differs from every other of that name
 * (no platform counts as one value of its own). Keyed on the name itself, so the
 * check costs a map entry per result and no new strings.
 */
class Repeats {
  /** recipe_name → the index of its first result, or, once it has several, platform (null: none) → index. */
  private readonly seen = new Map<string, number | Map<string | null, number>>()
  private readonly platforms: Array<string | null> = []

  /** The index of an earlier result of the same recipe and platform, else -1 (and `i` is recorded). */
  check(i: number, name: string, platform: string | null): number {
    this.platforms[i] = platform
    const entry = this.seen.get(name)
    if (entry === undefined) {
      this.seen.set(name, i)
      return -1
    }
    let byPlatform: Map<string | null, number>
    if (typeof entry === 'number') {
      byPlatform = new Map([[this.platforms[entry] ?? null, entry]])
      this.seen.set(name, byPlatform)
    } else byPlatform = entry
    const earlier = byPlatform.get(platform)
    if (earlier !== undefined) return earlier
    byPlatform.set(platform, i)
    return -1
  }
}

/**
 * Validates an upload body (as parseUploadJson gives it) at `now`: every field's
 * type and range, the sizes, text that is well-formed and NUL-free, timestamps in
 * order and from 2020 to a day ahead, and that the parts agree: passed + failed +
 * skipped = total_recipes; success_rate = passed / (passed + failed) within the
 * rounding to 4 decimals (0 when nothing passed or failed); with results, as many
 * results as total_recipes, tallied by kind as in the counts (`skipped` counts
 * skipped and blocked results), and no recipe twice unless on distinct platforms.
 * Unknown fields are ignored.
 */
export function validateUpload(body: unknown, now: number = Date.now()): Validated<BatchUpload> {
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
  const startedAt = timestamp(p, 'started_at', body.started_at, now)
  const completedAt = body.completed_at === undefined || body.completed_at === null ? null : timestamp(p, 'completed_at', body.completed_at, now)
  if (startedAt !== undefined && typeof completedAt === 'string' && completedAt < startedAt) {
    p.add(`completed_at ${completedAt} is before started_at ${startedAt}`)
  }
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
  if (rate !== undefined && passed !== undefined && failed !== undefined) {
    const attempts = passed + failed
    if (attempts === 0 && rate !== 0) {
      p.add(`success_rate is ${rate}, but nothing passed or failed, so it must be 0`)
    } else if (attempts > 0 && Math.abs(rate - passed / attempts) > LIMITS.rateTolerance + 1e-9) {
      p.add(`success_rate is ${rate}, but passed / (passed + failed) = ${passed} / ${attempts} = ${round4(passed / attempts)} (to 4 decimals)`)
    }
  }

  let results: ResultRow[] | null = null
  if (body.results !== undefined && body.results !== null) {
    if (!Array.isArray(body.results)) p.add(`results must be an array (found ${describe(body.results)})`)
    else if (body.results.length > LIMITS.results) p.add(`results has ${body.results.length} entries (the limit is ${LIMITS.results} per upload)`)
    else {
      results = []
      const tally: Record<ResultKind, number> = { passed: 0, failed: 0, skipped: 0, blocked: 0 }
      const repeats = new Repeats()
      for (let i = 0; i < body.results.length && !p.full; i++) {
        const checked = resultRow(p, i, body.results[i], ecosystem)
        if (!checked) continue
        const { row, platform } = checked
        const earlier = repeats.check(i, row.recipe_name, platform)
        if (earlier !== -1) {
          p.add(
            `results[${i}] repeats results[${earlier}]: recipe ${describe(row.recipe_name)} ${platform === null ? '(no platform)' : `on platform ${describe(platform)}`} ` +
              'is in this run more than once (a recipe may appear once per run, or once per platform, each with a distinct platform)'
          )
          continue
        }
        results.push(row)
        tally[row.result]++
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

/**
 * An upload from the body's text, at `now`: parsed within an upload's shape
 * (json.ts; a text that stops before its JSON does is an `incomplete body`), then validated.
 */
export function uploadFromText(text: string, now: number = Date.now()): Validated<BatchUpload> {
  const parsed = parseUploadJson(text, LIMITS.results)
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] }
  return validateUpload(parsed.value, now)
}

export type ReadOrder = 'desc' | 'asc'

export interface RatesQuery {
  ecosystem: string
  since: string | null
  until: string | null
  limit: number
  /** desc: newest first (the default); asc: oldest first. By started_at, then the run's id. */
  order: ReadOrder
  /** Where the previous page ended (its next_cursor); null for the first page. */
  cursor: Cursor | null
}

/** GET /batch-metrics/ecosystems/<eco>?since=&until=&limit=&order=&cursor= */
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
  let order: ReadOrder = 'desc'
  const o = params.get('order')
  if (o === 'asc' || o === 'desc') order = o
  else if (o !== null) p.add(`order must be desc (newest first, the default) or asc (oldest first) (found ${describe(o)})`)
  let cursor: Cursor | null = null
  const c = params.get('cursor')
  if (c !== null) {
    cursor = decodeCursor(c)
    if (cursor === null) p.add(`cursor is not one this endpoint returned (found ${describe(c)}); pass a next_cursor as it came, or none for the first page`)
    else if (cursor.order !== order) {
      p.add(`cursor is from a walk in the other order (${cursor.order}); pass it with the order of the request that returned it`)
    }
  }
  if (p.list.length > 0) return { ok: false, problems: p.list }
  return { ok: true, value: { ecosystem, since, until, limit, order, cursor } }
}

export function validateBatchId(batchId: string): Validated<string> {
  if (!BATCH_ID_PATTERN.test(batchId)) return { ok: false, problems: [`the batch ID must be 1 to ${LIMITS.batchId} letters, digits, '.', '_', ':' or '-' (found ${describe(batchId)})`] }
  return { ok: true, value: batchId }
}

/** ?replace=true|false on POST /batch-metrics: whether an older upload may replace a newer one. */
export function validateReplace(params: URLSearchParams): Validated<boolean> {
  const v = params.get('replace')
  if (v === null || v === 'false') return { ok: true, value: false }
  if (v === 'true') return { ok: true, value: true }
  return { ok: false, problems: [`replace must be true or false (found ${describe(v)})`] }
}
