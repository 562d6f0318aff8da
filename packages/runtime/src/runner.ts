// The runner adapter (docs/contract.md §2): inputs, outputs, the job summary,
// annotations, masking and log groups through @actions/core; and the clock.
//
// Actions read inputs only through the functions below, each with the input's
// name as a string literal: test/action-metadata.test.ts checks those names
// against action.yml.

import path from 'node:path'
import * as core from '@actions/core'
import { SUMMARY_LIMIT, parseList, parseTimestamp, sloProblems, truncateMarkdown, utf8Bytes } from '@batch-ops/core'

/** A problem with how the action was called: the message says which input and what to do. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

function raw(name: string): string {
  // Trimmed here rather than by getInput's option: @github/local-action's stand-in does not trim by default.
  return core.getInput(name).trim()
}

export function stringInput(name: string, fallback = ''): string {
  const v = raw(name)
  return v === '' ? fallback : v
}

export function requiredInput(name: string): string {
  const v = raw(name)
  if (v === '') throw new InputError(`input '${name}' is required; set it in the step's with: block`)
  return v
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const v = raw(name)
  if (v === '') return fallback
  if (v === 'true' || v === 'True' || v === 'TRUE') return true
  if (v === 'false' || v === 'False' || v === 'FALSE') return false
  throw new InputError(`input '${name}' must be 'true' or 'false' (got ${JSON.stringify(v)})`)
}

/** The range a numeric input must lie in; every numeric input has one, so that no value runs away (1e308, a year-13434 timestamp, a loop of 2^53 steps). */
export interface NumberRule {
  min: number
  max: number
  /** The lower bound itself is not allowed. */
  exclusiveMin?: boolean
  integer?: boolean
}

export function numberInput(name: string, fallback: number, rule: NumberRule): number {
  const v = raw(name)
  if (v === '') return fallback
  const n = Number(v)
  const kind = rule.integer ? 'a whole number' : 'a number'
  const bounds: string[] = []
  if (rule.min !== undefined) bounds.push(`${rule.exclusiveMin ? '>' : '>='} ${rule.min}`)
  if (rule.max !== undefined) bounds.push(`<= ${rule.max}`)
  const wanted = `${kind}${bounds.length ? ' ' + bounds.join(' and ') : ''}`
  const bad =
    !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ||
    !Number.isFinite(n) ||
    (rule.integer && !Number.isInteger(n)) ||
    (rule.min !== undefined && (rule.exclusiveMin ? n <= rule.min : n < rule.min)) ||
    (rule.max !== undefined && n > rule.max)
  if (bad) throw new InputError(`input '${name}' must be ${wanted} (got ${JSON.stringify(v)})`)
  return n
}

export function listInput(name: string): string[] | null {
  const v = raw(name)
  return v === '' ? null : parseList(v)
}

/** DEFAULT_SLO as the actions' metadata writes it (a test holds the two together). */
export const DEFAULT_SLO_TEXT = '{"homebrew":0.85,"cask":0.95,"default":0.98}'

/**
 * The `slo` input (record-batch, slo-alerts): a JSON object ecosystem → target success rate,
 * `default` for the rest; blank means DEFAULT_SLO. With `open`, a target of exactly 0 or 1 is
 * refused too (a burn rate divides by 1 − SLO).
 */
export function sloInput(open = false): Record<string, number> {
  const raw = stringInput('slo', DEFAULT_SLO_TEXT)
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (e) {
    throw new InputError(`input 'slo' is not valid JSON: ${(e as Error).message}; give an object such as {"homebrew":0.85,"default":0.98}`)
  }
  const problems = sloProblems(value)
  if (problems.length === 0 && open) {
    for (const [k, v] of Object.entries(value as Record<string, number>)) if (v === 0 || v === 1) problems.push(`target for ${JSON.stringify(k)} must lie strictly between 0 and 1 (found ${v})`)
  }
  if (problems.length > 0) throw new InputError(`input 'slo': ${problems.join('; ')}`)
  return value as Record<string, number>
}

/** The most CI minutes a week's budget or one batch can name: 1,000 runners busy all week. */
export const MAX_WEEK_MINUTES = 10_080_000

/** Masks a secret input before anything can log it; returns its value. */
export function secretInput(name: string): string {
  const v = raw(name)
  // Masked before anything else can print it; each line of a multi-line secret is masked too.
  if (v !== '') for (const part of [v, ...v.split(/\r?\n/)]) if (part.trim() !== '') core.setSecret(part)
  return v
}

/** Outputs are strings; objects and arrays are compact JSON. */
export function setOutput(name: string, value: string | boolean | number | object): void {
  core.setOutput(name, typeof value === 'object' ? JSON.stringify(value) : String(value))
}

export interface Where {
  file?: string
  line?: number
  column?: number
  title?: string
}

function props(where: Where): core.AnnotationProperties {
  const p: core.AnnotationProperties = {}
  if (where.title) p.title = where.title
  if (where.file) p.file = where.file
  if (where.line !== undefined) p.startLine = where.line
  if (where.column !== undefined) p.startColumn = where.column
  return p
}

export const annotate = {
  error: (message: string, where: Where = {}) => core.error(message, props(where)),
  warning: (message: string, where: Where = {}) => core.warning(message, props(where)),
  notice: (message: string, where: Where = {}) => core.notice(message, props(where))
}

export const log = {
  info: (m: string) => core.info(m),
  debug: (m: string) => core.debug(m)
}

/** Runs `fn` inside a collapsible group of the log. */
export function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return core.group(title, fn)
}

/** The time to evaluate at: BATCH_OPS_NOW (RFC 3339) when set, else the clock. */
export function now(env: NodeJS.ProcessEnv = process.env): number {
  const pinned = env.BATCH_OPS_NOW?.trim()
  if (!pinned) return Date.now()
  const ms = parseTimestamp(pinned)
  if (ms === null) throw new InputError(`BATCH_OPS_NOW must be an RFC 3339 timestamp such as 2026-01-05T12:00:00Z (got ${JSON.stringify(pinned)})`)
  return ms
}

/** Paths in inputs are relative to GITHUB_WORKSPACE (the current directory when unset). */
export function workspace(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.GITHUB_WORKSPACE || process.cwd())
}

export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  return `${GITHUB_SERVER_URL || 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
}

/**
 * Appends markdown to the job summary (GITHUB_STEP_SUMMARY). Outside a runner
 * there is none; the summary is then left out, never printed to the log, where
 * its untrusted text could pass for workflow commands.
 */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.debug('No job summary: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    return
  }
  // GitHub shows 1 MiB of summary per step; a longer one is cut at a line, with a note (the actions keep theirs shorter).
  const fitted = truncateMarkdown(markdown, SUMMARY_LIMIT, "The step's outputs and log have the rest.", utf8Bytes)
  await core.summary.addRaw(fitted, true).write()
}

/** Fails the step: an error annotation and exit code 1. */
export function fail(message: string): void {
  core.setFailed(message)
}
