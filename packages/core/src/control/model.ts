// The control file (docs/contract.md §1): load, validate, default, and write back.
//
// The document is kept as the raw JSON object it was read as, so that fields
// this version does not know survive every rewrite. Typed accessors give the
// defaults; changes are made on a copy and written with `renderControl`,
// which touches only the bytes of what changed.

import type { ErrorObject } from 'ajv'
import { editJson, stringifyJson, isJsonObject } from '../json/edit.js'
import {
  type JsonNode,
  type JsonObject,
  JsonSyntaxError,
  describeDuplicate,
  duplicateKeys,
  formatJsonPath,
  nodeAt,
  parseJson,
  pointerSegments,
  positionAt
} from '../json/parse.js'
import { parseDate, parseTimestamp } from '../time.js'
// The schema compiled ahead of time by ajv (scripts/gen-validator.mjs), so that no run pays for compiling it.
import validate from './schema-validator.generated.js'

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface Probe {
  claimed_at: string
  run_id: string | number
}

export interface BreakerEntry {
  state: BreakerState
  failures?: number
  last_failure?: string
  opens_at?: string
  window?: string
  trips?: number
  probe?: Probe
  [unknown: string]: unknown
}

export interface Budget {
  macos_minutes_used?: number
  linux_minutes_used?: number
  windows_minutes_used?: number
  week_start?: string
  sampling_active?: boolean
  /** Written by versions before `counted_jobs`: IDs of jobs whose minutes were fully added. Read, never written. */
  counted_job_ids?: number[]
  /** Job ID → the whole minutes added for it so far (a running job: its elapsed time when it was counted). */
  counted_jobs?: Record<string, number>
  [unknown: string]: unknown
}

export interface BatchSequence {
  date: string
  last: number
}

/** An operator's acknowledgement of flagged hand edits (batch-control acknowledge). */
export interface Acknowledgement {
  /** Who acknowledged them (the operator). */
  by: string
  at: string
  reason: string
  /** The newest flagged hand edit acknowledged (a commit SHA). */
  through: string
  [unknown: string]: unknown
}

export interface ControlDoc {
  enabled?: boolean
  disabled_ecosystems?: string[]
  reason?: string
  incident_url?: string
  disabled_by?: string
  disabled_at?: string
  expected_resume?: string
  circuit_breaker?: Record<string, BreakerEntry>
  budget?: Budget
  batch_sequence?: BatchSequence
  acknowledged?: Acknowledgement
  [unknown: string]: unknown
}

/** One thing wrong with the file, located so that an annotation can point at it. */
export interface ControlProblem {
  /** Readable JSON path, e.g. `$.circuit_breaker.npm.state`. */
  path: string
  line: number
  column: number
  message: string
}

export type ControlLoad =
  | { ok: true; exists: boolean; doc: ControlDoc; text: string | null; root: JsonNode | null }
  | { ok: false; problems: ControlProblem[] }

/** The file as the shell tooling first wrote it: every field at its default. */
export function defaultControl(): ControlDoc {
  return {
    enabled: true,
    disabled_ecosystems: [],
    reason: '',
    incident_url: '',
    disabled_by: '',
    disabled_at: '',
    expected_resume: '',
    circuit_breaker: {},
    budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: '', sampling_active: false }
  }
}

export const ECOSYSTEM_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/


function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  const json = JSON.stringify(v)
  const shown = json.length > 60 ? json.slice(0, 57) + '...' : json
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
  return `${type} ${shown}`
}

function valueAtPointer(doc: unknown, segments: string[]): unknown {
  let v: unknown = doc
  for (const s of segments) {
    if (Array.isArray(v)) v = v[Number(s)]
    else if (isJsonObject(v)) v = Object.prototype.hasOwnProperty.call(v, s) ? v[s] : undefined
    else return undefined
  }
  return v
}

const ECOSYSTEM_RULE = "lower case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters"
const TIMESTAMP_RULE = 'an RFC 3339 timestamp such as 2026-01-05T00:00:00Z, or ""'

function explain(e: ErrorObject, found: unknown): string {
  const viaEcosystem = e.schemaPath.includes('/definitions/ecosystem')
  const viaTimestamp = e.schemaPath.includes('timestampOrEmpty') || e.schemaPath.includes('/week_start/')
  if (e.propertyName !== undefined) return `${JSON.stringify(e.propertyName)} is not a valid ecosystem name (${ECOSYSTEM_RULE})`
  if (viaEcosystem && e.keyword === 'pattern') return `${describeFound(found)} is not a valid ecosystem name (${ECOSYSTEM_RULE})`
  if (viaTimestamp && e.keyword !== 'type') return `must be ${TIMESTAMP_RULE} (found ${describeFound(found)})`
  switch (e.keyword) {
    case 'type':
      return `must be ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')} (found ${describeFound(found)})`
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((a) => JSON.stringify(a)).join(', ')} (found ${describeFound(found)})`
    case 'required':
      return `is missing the required field ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`
    case 'minimum':
      return `must be >= ${(e.params as { limit: number }).limit} (found ${describeFound(found)})`
    case 'maximum':
      return `must be <= ${(e.params as { limit: number }).limit} (found ${describeFound(found)})`
    case 'pattern':
      if (e.instancePath.endsWith('/window')) return `must be a string of S and F only (found ${describeFound(found)})`
      return `must match ${(e.params as { pattern: string }).pattern} (found ${describeFound(found)})`
    default:
      return `${e.message ?? 'is invalid'} (found ${describeFound(found)})`
  }
}

// Keywords that only say "one of the alternatives failed"; the alternatives say why.
const WRAPPERS = new Set(['anyOf', 'propertyNames', 'if'])

function schemaProblems(doc: unknown, text: string | null, root: JsonNode | null): ControlProblem[] {
  if (validate(doc)) return []
  const seen = new Set<string>()
  const problems: ControlProblem[] = []
  for (const e of validate.errors ?? []) {
    if (WRAPPERS.has(e.keyword)) continue
    const segments = pointerSegments(e.instancePath)
    if (e.propertyName !== undefined) segments.push(e.propertyName)
    const path = formatJsonPath(segments)
    const found = valueAtPointer(doc, segments)
    const message = explain(e, found)
    // anyOf alternatives (timestamp or "") each report; one message per path is enough.
    const viaTimestamp = e.schemaPath.includes('timestampOrEmpty') || e.schemaPath.includes('/week_start/')
    const dedupeKey = viaTimestamp && e.keyword !== 'type' ? `${path} timestamp` : `${path} ${message}`
    if (seen.has(dedupeKey)) continue
    seen.add(dedupeKey)
    problems.push({ path, message, ...locate(text, root, segments, e.propertyName !== undefined) })
  }
  return problems
}

function locate(text: string | null, root: JsonNode | null, segments: string[], atKey: boolean): { line: number; column: number } {
  if (!text || !root) return { line: 1, column: 1 }
  const { node, keyStart } = nodeAt(root, segments)
  return positionAt(text, atKey && keyStart !== undefined ? keyStart : keyStart ?? node.start)
}

/** Checks the schema cannot express: real calendar times. */
function semanticProblems(doc: ControlDoc, text: string | null, root: JsonNode | null): ControlProblem[] {
  const problems: ControlProblem[] = []
  const checkTime = (segments: string[], allowDate = false): void => {
    const v = valueAtPointer(doc, segments)
    if (typeof v !== 'string' || v === '') return
    if (parseTimestamp(v) !== null || (allowDate && parseDate(v) !== null)) return
    problems.push({
      path: formatJsonPath(segments),
      message: `must be ${TIMESTAMP_RULE} (found ${describeFound(v)}, which is not a real date and time)`,
      ...locate(text, root, segments, false)
    })
  }
  checkTime(['disabled_at'])
  checkTime(['expected_resume'])
  checkTime(['budget', 'week_start'], true)
  for (const eco of Object.keys(doc.circuit_breaker ?? {})) {
    checkTime(['circuit_breaker', eco, 'last_failure'])
    checkTime(['circuit_breaker', eco, 'opens_at'])
    checkTime(['circuit_breaker', eco, 'probe', 'claimed_at'])
  }
  const seq = doc.batch_sequence
  if (seq && typeof seq.date === 'string' && parseDate(seq.date) === null) {
    problems.push({
      path: '$.batch_sequence.date',
      message: `must be a real date YYYY-MM-DD (found ${describeFound(seq.date)})`,
      ...locate(text, root, ['batch_sequence', 'date'], false)
    })
  }
  return problems
}

/**
 * Loads the control file from its text (`null`: the file does not exist,
 * which means every default). Never throws: problems come back located.
 */
export function loadControl(text: string | null): ControlLoad {
  if (text === null) return { ok: true, exists: false, doc: defaultControl(), text: null, root: null }
  let root: JsonNode
  try {
    root = parseJson(text)
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return {
        ok: false,
        problems: [{ path: '$', line: err.position.line, column: err.position.column, message: `not valid JSON: ${err.problem}` }]
      }
    }
    throw err
  }
  if (!isJsonObject(root.value)) {
    return {
      ok: false,
      problems: [{ path: '$', ...positionAt(text, root.start), message: `must be a JSON object (found ${describeFound(root.value)})` }]
    }
  }
  // A key written twice fails closed: this code would read the last one, and
  // another reader (or the person editing the file) may go by the first.
  const duplicates = duplicateKeys(root)
  if (duplicates.length > 0) {
    return {
      ok: false,
      problems: duplicates.map((d) => ({
        path: formatJsonPath([...d.path, d.key]),
        ...positionAt(text, d.second.keyStart),
        message: `${describeDuplicate(text, d)}; the first would be silently ignored`
      }))
    }
  }
  const doc = root.value as ControlDoc
  const problems = schemaProblems(doc, text, root)
  if (problems.length === 0) problems.push(...semanticProblems(doc, text, root))
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) }
  return { ok: true, exists: true, doc, text, root }
}

/** Validates a document the actions are about to write (a guard against writing a broken file). */
export function controlProblems(doc: ControlDoc): ControlProblem[] {
  const p = schemaProblems(doc, null, null)
  return p.length > 0 ? p : semanticProblems(doc, null, null)
}

/** A change would leave a control file that fails its own schema: nothing may be written. */
export class ControlWriteError extends Error {
  constructor(readonly problems: ControlProblem[]) {
    super(
      `the change would make the control file invalid, so nothing was written: ` +
        problems
          .slice(0, 5)
          .map((p) => `${p.path} ${p.message}`)
          .join('; ') +
        `. This is a value out of range or a bug in batch-ops; the control file is as it was.`
    )
    this.name = 'ControlWriteError'
  }
}

/**
 * The text to write for `next`: the original text with only the changed
 * values replaced, or the canonical 2-space form for a new file. The text is
 * read back and validated as the next run will read it (a number that is not
 * finite becomes null in JSON, a state nobody knows fails the schema): if it
 * would not load, ControlWriteError, and nothing is written.
 */
export function renderControl(original: { text: string | null; root?: JsonNode | null }, next: ControlDoc): string {
  const before = controlProblems(next)
  if (before.length > 0) throw new ControlWriteError(before)
  const text = original.text === null ? stringifyJson(next as JsonObject) : editJson(original.text, next as JsonObject, original.root ?? undefined)
  const back = loadControl(text)
  if (!back.ok) throw new ControlWriteError(back.problems)
  return text
}

/** A deep copy to change; the loaded document itself is never mutated. */
export function cloneControl(doc: ControlDoc): ControlDoc {
  return structuredClone(doc)
}

export function isEnabled(doc: ControlDoc): boolean {
  return doc.enabled !== false
}

export function breakerEntries(doc: ControlDoc): Record<string, BreakerEntry> {
  return doc.circuit_breaker ?? {}
}

/**
 * The breaker entry of one ecosystem, by own key only: an ecosystem named `constructor` must not
 * find Object.prototype's, nor `toString` a function.
 */
export function breakerEntry(doc: ControlDoc, ecosystem: string): BreakerEntry | undefined {
  const all = breakerEntries(doc)
  return Object.hasOwn(all, ecosystem) ? all[ecosystem] : undefined
}

/** The ecosystems the control file knows: a breaker entry or a pause. */
export function knownEcosystems(doc: ControlDoc): string[] {
  return [...new Set([...Object.keys(breakerEntries(doc)), ...(doc.disabled_ecosystems ?? [])])]
}

/** Where a JSON path is in the loaded file (line 1 for a file that does not exist yet). */
export function locateInControl(load: { text: string | null; root: JsonNode | null }, segments: string[]): { path: string; line: number; column: number } {
  return { path: formatJsonPath(segments), ...locate(load.text, load.root, segments, true) }
}

/** A copy of `doc` with the breaker entry of `ecosystem` replaced (created when missing). */
export function withBreaker(doc: ControlDoc, ecosystem: string, entry: BreakerEntry): ControlDoc {
  const next = cloneControl(doc)
  next.circuit_breaker = { ...(next.circuit_breaker ?? {}), [ecosystem]: entry }
  return next
}
