// checksum-drift (docs/contract.md §9), pure: the artifacts list and the baseline (parse,
// merge, render), which artifacts a shard checks, one verdict per artifact from what its
// download gave, the pause of drifted ecosystems, and the issue decision per artifact.
// The downloads, the clock, git and the API are the action's; nothing here does I/O.

import { type ControlDoc, ECOSYSTEM_PATTERN, cloneControl } from './control/model.js'
import { JsonSyntaxError, parseJson } from './json/parse.js'

// ---------------------------------------------------------------------------
// the artifacts list: JSON Lines, one artifact a line

export interface Artifact {
  /** The stable key, e.g. `ripgrep@14.1.0/linux-amd64`. */
  id: string
  /** As written in the file; may carry credentials, so never shown as it is (see `safeUrl`). */
  url: string
  /** Lower-case hex, when the line pins one. */
  sha256?: string
  ecosystem?: string
  recipe?: string
  batch_id?: string
}

/** One thing wrong with a line of a file; `line` is 1-based. */
export interface LineProblem {
  line: number
  where: string
  message: string
}

export type Parsed<T> = { ok: true; items: T[] } | { ok: false; problems: LineProblem[] }
export type ParsedArtifacts = { ok: true; items: Artifact[]; lines: number[] } | { ok: false; problems: LineProblem[] }

const MAX_PROBLEMS = 20
/** An id is a key, a title and a marker: one line of printable text, not too long. */
export const MAX_ID_LENGTH = 256
export const MAX_URL_LENGTH = 4096
const SHA256 = /^[0-9a-fA-F]{64}$/
// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: none belongs in a one-line value.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
/** Half of a surrogate pair alone: not text (it has no UTF-8), so it cannot be a key that is found again. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function describe(v: unknown): string {
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s
}

/** A problem with a one-line text field, or undefined. */
function textProblem(name: string, v: unknown, required: boolean, max: number): string | undefined {
  if (v === undefined || v === null) return required ? `needs "${name}": a non-empty string` : undefined
  if (typeof v !== 'string') return `"${name}" must be a string (found ${describe(v)})`
  if (required && v.trim() === '') return `"${name}" must not be empty`
  if (CONTROL.test(v)) return `"${name}" must be one line of text without control characters (found ${describe(v)})`
  if (LONE_SURROGATE.test(v)) return `"${name}" is not valid Unicode text (a lone surrogate \\u escape)`
  if (v.length > max) return `"${name}" is ${v.length} characters long; at most ${max}`
  return undefined
}

/** A URL may carry credentials: its problems never quote it. */
function urlProblem(v: unknown): string | undefined {
  if (v === undefined || v === null) return `needs "url": an absolute URL`
  if (typeof v !== 'string') return `"url" must be a string`
  if (CONTROL.test(v)) return `"url" must be one line of text without control characters`
  if (v.length > MAX_URL_LENGTH) return `"url" is ${v.length} characters long; at most ${MAX_URL_LENGTH}`
  try {
    new URL(v)
  } catch {
    return `"url" is not an absolute URL (scheme://host/path)`
  }
  return undefined
}

/**
 * Why a line is not JSON, and where, without quoting it (a line may hold a URL with credentials):
 * JSON.parse's message quotes the text, so the core's parser names the problem, with tokens
 * longer than one character left out.
 */
function jsonProblem(record: string): string {
  try {
    parseJson(record)
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      return `not valid JSON: ${e.problem.replace(/'[^']*'/g, (m) => (m.length <= 3 ? m : 'a token'))} at column ${e.position.column}`
    }
  }
  return 'not valid JSON'
}

/** Each non-blank line of `text` as JSON, with its line number; a line that is not JSON is a problem. */
function jsonLines(text: string, onLine: (value: unknown, line: number) => void, problems: LineProblem[]): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let start = 0
  let line = 0
  while (start <= body.length && problems.length < MAX_PROBLEMS) {
    let end = body.indexOf('\n', start)
    if (end < 0) end = body.length
    line++
    const record = body.slice(start, end).trim()
    start = end + 1
    if (record === '') continue
    let value: unknown
    try {
      value = JSON.parse(record)
    } catch {
      problems.push({ line, where: `line ${line}`, message: jsonProblem(record) })
      continue
    }
    onLine(value, line)
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Parses an artifacts file: JSON Lines of `{id, url, sha256?, ecosystem?, recipe?, batch_id?}`,
 * blank lines ignored, unknown fields ignored. Every problem names its line; an id that appears
 * twice with a different url or sha256 is one too (the same line twice is read once).
 */
export function parseArtifacts(text: string): ParsedArtifacts {
  const problems: LineProblem[] = []
  const items: Artifact[] = []
  const lines: number[] = []
  const seen = new Map<string, { line: number; url: string; sha256: string | undefined }>()
  jsonLines(
    text,
    (v, line) => {
      const where = `line ${line}`
      if (!isRecord(v)) {
        problems.push({ line, where, message: `must be a JSON object (found ${describe(v)})` })
        return
      }
      const errors = [
        textProblem('id', v.id, true, MAX_ID_LENGTH),
        urlProblem(v.url),
        v.sha256 === undefined || v.sha256 === null || (typeof v.sha256 === 'string' && SHA256.test(v.sha256))
          ? undefined
          : `"sha256" must be 64 hexadecimal characters (found ${describe(v.sha256)})`,
        v.ecosystem === undefined || v.ecosystem === null || (typeof v.ecosystem === 'string' && ECOSYSTEM_PATTERN.test(v.ecosystem))
          ? undefined
          : `"ecosystem" ${describe(v.ecosystem)} is not a valid ecosystem name (lower case letters, digits, '.', '_' or '-')`,
        textProblem('recipe', v.recipe, false, 512),
        textProblem('batch_id', v.batch_id, false, 128)
      ].filter((e): e is string => e !== undefined)
      for (const message of errors) problems.push({ line, where: typeof v.id === 'string' ? `${where} (${describe(v.id)})` : where, message })
      if (errors.length > 0) return
      const a: Artifact = { id: v.id as string, url: v.url as string }
      if (typeof v.sha256 === 'string') a.sha256 = v.sha256.toLowerCase()
      if (typeof v.ecosystem === 'string') a.ecosystem = v.ecosystem
      if (typeof v.recipe === 'string' && v.recipe !== '') a.recipe = v.recipe
      if (typeof v.batch_id === 'string' && v.batch_id !== '') a.batch_id = v.batch_id
      const before = seen.get(a.id)
      if (before) {
        if (before.url !== a.url || before.sha256 !== a.sha256) {
          problems.push({ line, where: `${where} (${describe(a.id)})`, message: `the id is on line ${before.line} too, with a different url or sha256; an id names one artifact` })
        }
        return
      }
      seen.set(a.id, { line, url: a.url, sha256: a.sha256 })
      items.push(a)
      lines.push(line)
    },
    problems
  )
  return problems.length > 0 ? { ok: false, problems } : { ok: true, items, lines }
}

/** One artifacts file, parsed. */
export interface ArtifactsFile {
  file: string
  items: readonly Artifact[]
  /** The line of each item. */
  lines: readonly number[]
}

/**
 * The artifacts of several files as one list, in file order. The same id in two files must be
 * the same artifact (url and sha256); otherwise a problem names both places.
 */
export function combineArtifacts(files: readonly ArtifactsFile[]): { ok: true; items: Artifact[] } | { ok: false; file: string; problems: LineProblem[] } {
  const seen = new Map<string, { file: string; line: number; a: Artifact }>()
  const items: Artifact[] = []
  for (const f of files) {
    const problems: LineProblem[] = []
    f.items.forEach((a, i) => {
      const line = f.lines[i] ?? 1
      const before = seen.get(a.id)
      if (!before) {
        seen.set(a.id, { file: f.file, line, a })
        items.push(a)
      } else if (before.a.url !== a.url || before.a.sha256 !== a.sha256) {
        problems.push({ line, where: `line ${line} (${describe(a.id)})`, message: `the id is in ${before.file} (line ${before.line}) too, with a different url or sha256; an id names one artifact` })
      }
    })
    if (problems.length > 0) return { ok: false, file: f.file, problems: problems.slice(0, MAX_PROBLEMS) }
  }
  return { ok: true, items }
}

// ---------------------------------------------------------------------------
// URLs as they may be shown: no credentials, no query values, no fragment

/**
 * The URL as logs, summaries, issues, outputs and the baseline show it: user name and password
 * removed, every query value replaced by `***` (signed URLs carry tokens there), no fragment.
 * Not a URL at all → `(not a URL)`.
 */
export function safeUrl(raw: string): string {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return '(not a URL)'
  }
  u.username = ''
  u.password = ''
  u.hash = ''
  if (u.search !== '') {
    const names = [...u.searchParams.keys()]
    u.search = names.map((n) => `${encodeURIComponent(n)}=***`).join('&')
  }
  // `***` is not percent-encoded by `search`; the URL stays readable.
  return u.toString()
}

/** The scheme of a URL without the colon (`https`), or '' when it is not a URL. */
export function urlScheme(raw: string): string {
  try {
    return new URL(raw).protocol.replace(/:$/, '').toLowerCase()
  } catch {
    return ''
  }
}

// ---------------------------------------------------------------------------
// the baseline: the checksum seen first, one compact line per id, sorted by id

export interface BaselineEntry {
  id: string
  /** As `safeUrl` shows it. */
  url: string
  sha256: string
  /** RFC 3339, when batch-ops first saw it. */
  first_seen: string
  ecosystem?: string
  recipe?: string
  batch_id?: string
  /** Fields a later version wrote; kept as they are. */
  [other: string]: unknown
}

const BASELINE_KEYS = ['id', 'url', 'sha256', 'first_seen', 'ecosystem', 'recipe', 'batch_id'] as const

/** Parses the baseline file; null (no file yet) is an empty baseline. An id twice is a problem. */
export function parseBaseline(text: string | null): Parsed<BaselineEntry> {
  if (text === null) return { ok: true, items: [] }
  const problems: LineProblem[] = []
  const items: BaselineEntry[] = []
  const seen = new Map<string, number>()
  jsonLines(
    text,
    (v, line) => {
      const where = `line ${line}`
      if (!isRecord(v)) {
        problems.push({ line, where, message: `must be a JSON object (found ${describe(v)})` })
        return
      }
      const errors = [
        textProblem('id', v.id, true, MAX_ID_LENGTH),
        urlProblem(v.url),
        typeof v.sha256 === 'string' && SHA256.test(v.sha256) ? undefined : `"sha256" must be 64 hexadecimal characters (found ${describe(v.sha256)})`,
        textProblem('first_seen', v.first_seen, true, 64),
        ...(['ecosystem', 'recipe', 'batch_id'] as const).map((k) => textProblem(k, v[k], false, 512))
      ].filter((e): e is string => e !== undefined)
      for (const message of errors) problems.push({ line, where, message })
      if (errors.length > 0) return
      const id = v.id as string
      if (seen.has(id)) {
        problems.push({ line, where, message: `the id ${describe(id)} is on line ${seen.get(id)} too; the baseline holds one line per id` })
        return
      }
      seen.set(id, line)
      items.push({ ...v, sha256: (v.sha256 as string).toLowerCase() } as BaselineEntry)
    },
    problems
  )
  return problems.length > 0 ? { ok: false, problems } : { ok: true, items }
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** One compact JSON line: the known fields in their order, then any others as they were. */
function baselineLine(e: BaselineEntry): string {
  const out: Record<string, unknown> = {}
  for (const k of BASELINE_KEYS) if (e[k] !== undefined) out[k] = e[k]
  for (const [k, v] of Object.entries(e)) if (!(k in out) && v !== undefined) out[k] = v
  return JSON.stringify(out)
}

/** The file: one compact line per id, sorted by id (UTF-16 code units, as every run sorts them), a final newline. */
export function renderBaseline(entries: readonly BaselineEntry[]): string {
  if (entries.length === 0) return ''
  return [...entries].sort(byId).map(baselineLine).join('\n') + '\n'
}

/**
 * The baseline with `additions` merged in (trust on first use): an id already in `base` keeps
 * its entry whatever the addition says, so a checksum once recorded never changes here; a new
 * id is added once. Sorted by id.
 */
export function mergeBaseline(base: readonly BaselineEntry[], additions: readonly BaselineEntry[]): { entries: BaselineEntry[]; added: string[] } {
  const byKey = new Map<string, BaselineEntry>()
  for (const e of base) if (!byKey.has(e.id)) byKey.set(e.id, e)
  const added: string[] = []
  for (const e of additions) {
    if (byKey.has(e.id)) continue
    byKey.set(e.id, e)
    added.push(e.id)
  }
  return { entries: [...byKey.values()].sort(byId), added }
}

// ---------------------------------------------------------------------------
// shards: a stable split of the ids over n runs

export interface Shard {
  index: number
  count: number
}

/** `''` → every id; `i/n` (i from 0) → a shard. Returns the problem as a string. */
export function parseShard(text: string): { ok: true; shard: Shard | null } | { ok: false; error: string } {
  const t = text.trim()
  if (t === '') return { ok: true, shard: null }
  const m = /^(\d{1,4})\s*\/\s*(\d{1,4})$/.exec(t)
  if (!m) return { ok: false, error: `input 'shard' must be '' (every id) or 'i/n' such as 0/4 (got ${JSON.stringify(text)})` }
  const index = Number(m[1])
  const count = Number(m[2])
  if (count < 1 || count > 1000) return { ok: false, error: `input 'shard': n must be between 1 and 1000 (got ${count})` }
  if (index >= count) return { ok: false, error: `input 'shard': i counts from 0 and must be below n (got ${index}/${count}; the shards of ${count} are 0/${count} to ${count - 1}/${count})` }
  return { ok: true, shard: { index, count } }
}

/**
 * Whether an id belongs to the shard: its SHA-256 digest (of the id's UTF-8 bytes, computed by
 * the caller, as 64 hex digits) read as one 256-bit big-endian unsigned integer, mod n, equals i.
 */
export function inShard(idDigestHex: string, shard: Shard | null): boolean {
  if (shard === null) return true
  return BigInt(`0x${idDigestHex}`) % BigInt(shard.count) === BigInt(shard.index)
}

// ---------------------------------------------------------------------------
// verdicts

/** What downloading an artifact gave, as the download adapter reports it. */
export type DownloadResult =
  | { kind: 'complete'; sha256: string; bytes: number }
  | { kind: 'gone'; status: number }
  | { kind: 'unreachable'; reason: string }

export type VerdictKind = 'ok' | 'drifted' | 'gone' | 'unreachable'

export interface Verdict {
  id: string
  kind: VerdictKind
  /** Shown as `safeUrl` shows it. */
  url: string
  /** The checksum it was held to: the line's own, else the baseline's; undefined for a new id. */
  expected?: string
  expectedFrom?: 'artifacts' | 'baseline'
  /** The checksum downloaded, for ok and drifted. */
  actual?: string
  bytes?: number
  /** No expected checksum: `ok` means it was downloaded completely and is recorded now (trust on first use). */
  isNew: boolean
  /** Why gone or unreachable. */
  reason?: string
  ecosystem?: string
  recipe?: string
  batch_id?: string
  /** The baseline's entry, when there is one. */
  baseline?: BaselineEntry
}

/** The checksum an artifact is held to: its own `sha256`, else the baseline's. */
export function expectedChecksum(a: Artifact, baseline: BaselineEntry | undefined): { sha256: string; from: 'artifacts' | 'baseline' } | undefined {
  if (a.sha256) return { sha256: a.sha256, from: 'artifacts' }
  if (baseline) return { sha256: baseline.sha256, from: 'baseline' }
  return undefined
}

/**
 * The one verdict of an artifact. `ok`: downloaded completely and the hash is the expected one
 * (or there is none yet: a new id). `drifted`: downloaded completely and the hash differs.
 * `gone`: 404 or 410. `unreachable`: anything else (timeout, connection error, 429, 5xx, a body
 * cut short or too large, a scheme not allowed, after the retries). Only `drifted` is a drift.
 */
export function judgeArtifact(a: Artifact, baseline: BaselineEntry | undefined, download: DownloadResult): Verdict {
  const expected = expectedChecksum(a, baseline)
  const v: Verdict = { id: a.id, kind: 'ok', url: safeUrl(a.url), isNew: expected === undefined }
  if (expected) {
    v.expected = expected.sha256
    v.expectedFrom = expected.from
  }
  if (a.ecosystem !== undefined) v.ecosystem = a.ecosystem
  if (a.recipe !== undefined) v.recipe = a.recipe
  if (a.batch_id !== undefined) v.batch_id = a.batch_id
  if (baseline) v.baseline = baseline
  switch (download.kind) {
    case 'gone':
      return { ...v, kind: 'gone', reason: `HTTP ${download.status}: the artifact is no longer there` }
    case 'unreachable':
      return { ...v, kind: 'unreachable', reason: download.reason }
    case 'complete': {
      const actual = download.sha256.toLowerCase()
      const kind: VerdictKind = expected === undefined || expected.sha256 === actual ? 'ok' : 'drifted'
      return { ...v, kind, actual, bytes: download.bytes }
    }
  }
}

/** The baseline entries to add: each new id that was downloaded completely (trust on first use). */
export function firstSightings(verdicts: readonly Verdict[], firstSeen: string): BaselineEntry[] {
  return verdicts
    .filter((v) => v.isNew && v.kind === 'ok' && v.actual !== undefined)
    .map((v) => {
      const e: BaselineEntry = { id: v.id, url: v.url, sha256: v.actual!, first_seen: firstSeen }
      if (v.ecosystem !== undefined) e.ecosystem = v.ecosystem
      if (v.recipe !== undefined) e.recipe = v.recipe
      if (v.batch_id !== undefined) e.batch_id = v.batch_id
      return e
    })
}

export interface VerdictCounts {
  checked: number
  ok: number
  drifted: number
  gone: number
  unreachable: number
  /** Of `ok`: new ids whose checksum is recorded now. */
  new: number
}

export function countVerdicts(verdicts: readonly Verdict[]): VerdictCounts {
  const c: VerdictCounts = { checked: verdicts.length, ok: 0, drifted: 0, gone: 0, unreachable: 0, new: 0 }
  for (const v of verdicts) {
    c[v.kind]++
    if (v.isNew && v.kind === 'ok') c.new++
  }
  return c
}

// ---------------------------------------------------------------------------
// the pause (on-drift: issue-and-pause)

/** The ecosystems of the drifted artifacts, in order of first appearance; and the drifted ids that have none. */
export function driftedEcosystems(verdicts: readonly Verdict[]): { ecosystems: string[]; withoutEcosystem: string[] } {
  const ecosystems: string[] = []
  const withoutEcosystem: string[] = []
  for (const v of verdicts) {
    if (v.kind !== 'drifted') continue
    if (v.ecosystem === undefined) withoutEcosystem.push(v.id)
    else if (!ecosystems.includes(v.ecosystem)) ecosystems.push(v.ecosystem)
  }
  return { ecosystems, withoutEcosystem }
}

/**
 * A security pause: `ecosystems` added to `disabled_ecosystems` (after the ones already there),
 * whether or not the control file knows them yet. `added` is what was not paused before.
 */
export function pauseEcosystems(input: ControlDoc, ecosystems: readonly string[]): { doc: ControlDoc; added: string[] } {
  const paused = input.disabled_ecosystems ?? []
  const added = ecosystems.filter((e, i) => !paused.includes(e) && ecosystems.indexOf(e) === i)
  if (added.length === 0) return { doc: input, added }
  const doc = cloneControl(input)
  doc.disabled_ecosystems = [...paused, ...added]
  return { doc, added }
}

// ---------------------------------------------------------------------------
// the issue of an artifact

/** What the open drift issue of an id recorded when it was last written. */
export interface DriftIssueState {
  actual: string
}

export type DriftIssueDecision = 'open' | 'comment-and-update' | 'nothing' | 'close'

/**
 * What to do with the issue of one artifact, from its verdict and its open issue (if any):
 * drifted with no open issue → open; drifted with the same actual checksum as the issue says →
 * nothing; drifted with another actual checksum (or an issue that does not say) → comment and
 * update; ok again with an open issue → close (with a comment); gone or unreachable → nothing,
 * since nothing was learnt about the bytes.
 */
export function driftIssueDecision(v: Verdict, open: { state?: Partial<DriftIssueState> | undefined } | undefined): DriftIssueDecision {
  switch (v.kind) {
    case 'drifted':
      if (!open) return 'open'
      return open.state?.actual === v.actual ? 'nothing' : 'comment-and-update'
    case 'ok':
      return open ? 'close' : 'nothing'
    case 'gone':
    case 'unreachable':
      return 'nothing'
  }
}
