// Per-recipe results of a batch (docs/contract.md §6): a JSON array or JSON Lines.

import { ECOSYSTEM_PATTERN } from './control/model.js'
import { type JsonNode, JsonSyntaxError, parseJson, positionAt } from './json/parse.js'

export type ResultKind = 'passed' | 'failed' | 'skipped' | 'blocked'
export const RESULT_KINDS: readonly ResultKind[] = ['passed', 'failed', 'skipped', 'blocked']

export interface RecipeResult {
  /** `recipe_name`, or `name`; data only, never a path. */
  recipe: string
  ecosystem: string
  result: ResultKind
  error_category?: string
  error_message?: string
  duration_seconds?: number
  platform?: string
  exit_code?: number
}

export interface ResultsProblem {
  /** 1-based line in the file. */
  line: number
  /** Which record: "line 4" (JSON Lines) or "element [3]" (array). */
  where: string
  message: string
}

export type ParsedResults = { ok: true; results: RecipeResult[] } | { ok: false; problems: ResultsProblem[] }

const MAX_PROBLEMS = 20

function describe(v: unknown): string {
  const s = JSON.stringify(v)
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s
}

/** Validates one record; returns the normalized result or the problems with it. */
function toResult(raw: unknown, defaultEcosystem: string): { result?: RecipeResult; errors: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { errors: [`must be a JSON object (found ${describe(raw)})`] }
  const r = raw as Record<string, unknown>
  const errors: string[] = []
  const name = r.recipe_name ?? r.name
  if (typeof name !== 'string' || name.trim() === '') errors.push(`needs "recipe_name" (or "name"): a non-empty string (found ${describe(name)})`)
  const eco = r.ecosystem ?? (defaultEcosystem || undefined)
  if (eco === undefined) errors.push(`needs "ecosystem" (or set the action's 'ecosystem' input for results without one)`)
  else if (typeof eco !== 'string' || !ECOSYSTEM_PATTERN.test(eco)) errors.push(`"ecosystem" ${describe(eco)} is not a valid ecosystem name`)
  const kind = r.result
  if (typeof kind !== 'string' || !(RESULT_KINDS as readonly string[]).includes(kind)) {
    errors.push(`"result" must be one of ${RESULT_KINDS.join(', ')} (found ${describe(kind)})`)
  }
  for (const field of ['error_category', 'error_message', 'platform'] as const) {
    if (r[field] !== undefined && r[field] !== null && typeof r[field] !== 'string') errors.push(`"${field}" must be a string (found ${describe(r[field])})`)
  }
  const d = r.duration_seconds
  if (d !== undefined && d !== null && (typeof d !== 'number' || !Number.isFinite(d) || d < 0)) {
    errors.push(`"duration_seconds" must be a number >= 0 (found ${describe(d)})`)
  }
  const x = r.exit_code
  if (x !== undefined && x !== null && (typeof x !== 'number' || !Number.isInteger(x))) errors.push(`"exit_code" must be an integer (found ${describe(x)})`)
  if (errors.length > 0) return { errors }
  const result: RecipeResult = { recipe: name as string, ecosystem: eco as string, result: kind as ResultKind }
  if (typeof r.error_category === 'string') result.error_category = r.error_category
  if (typeof r.error_message === 'string') result.error_message = r.error_message
  if (typeof d === 'number') result.duration_seconds = d
  if (typeof r.platform === 'string') result.platform = r.platform
  if (typeof x === 'number') result.exit_code = x
  return { result, errors: [] }
}

/** A record of scalars only, as every producer writes one: JSON.parse's value can be used as it is. */
function flat(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  return Object.values(v).every((x) => x === null || (typeof x !== 'object' && (typeof x !== 'number' || Number.isFinite(x))))
}

/**
 * JSON.parse is many times faster, so it reads the usual file. Anything else
 * (a syntax error, a nested value, a number out of range) is read again by
 * parseJson, which names the problem and its line and refuses absurd nesting.
 */
function read(text: string, usual: (v: unknown) => boolean): { value: unknown; root?: JsonNode } | { problem: string; line: number } {
  try {
    const value: unknown = JSON.parse(text)
    if (usual(value)) return { value }
  } catch {
    // parseJson says what is wrong.
  }
  try {
    const root = parseJson(text)
    return { value: root.value, root }
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { problem: e.problem, line: e.position.line }
    throw e
  }
}

/**
 * Parses a results file: a JSON array, or JSON Lines (one object per line,
 * blank lines ignored). Every record is validated; problems name the line.
 */
export function parseResults(text: string, defaultEcosystem = ''): ParsedResults {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const problems: ResultsProblem[] = []
  const results: RecipeResult[] = []
  const trimmed = body.trimStart()

  if (trimmed.startsWith('[')) {
    const array = read(body, (v) => Array.isArray(v) && v.every(flat))
    if ('problem' in array) return { ok: false, problems: [{ line: array.line, where: 'the array', message: `not valid JSON: ${array.problem}` }] }
    const items = array.value as unknown[]
    // Element lines are only needed for problems; find them lazily.
    let starts: number[] | undefined
    const lineOf = (i: number): number => {
      starts ??= ((array.root ?? parseJson(body)).items ?? []).map((n) => n.start)
      return starts[i] === undefined ? 1 : positionAt(body, starts[i]).line
    }
    items.forEach((raw, i) => {
      if (problems.length >= MAX_PROBLEMS) return
      const { result, errors } = toResult(raw, defaultEcosystem)
      if (result) results.push(result)
      for (const message of errors) problems.push({ line: lineOf(i), where: `element [${i}]`, message })
    })
  } else {
    let start = 0
    let line = 0
    while (start <= body.length && problems.length < MAX_PROBLEMS) {
      let end = body.indexOf('\n', start)
      if (end < 0) end = body.length
      line++
      const record = body.slice(start, end).trim()
      start = end + 1
      if (record === '') continue
      const one = read(record, flat)
      if ('problem' in one) {
        problems.push({ line, where: `line ${line}`, message: `not valid JSON: ${one.problem}` })
        continue
      }
      const { result, errors } = toResult(one.value, defaultEcosystem)
      if (result) results.push(result)
      for (const message of errors) problems.push({ line, where: `line ${line}`, message })
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, results }
}
