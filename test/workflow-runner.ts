// A small local runner for this repository's workflows, for the demo and the tests.
//
// It reads .github/workflows/<file>.yml, evaluates `${{ }}` expressions and
// `if:` conditions, and runs each job's steps in order: `uses: ./actions/<name>`
// runs the bundled action exactly as runAction does, `run:` runs bash with the
// step's env and fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and
// `uses: actions/checkout@…` brings the workspace up to date with origin. Matrix
// jobs run one after another. It is not GitHub's runner: it supports what these
// workflows use (contexts inputs, github, secrets, vars, needs, steps, matrix,
// env; functions always, success, failure, cancelled, fromJSON, toJSON, format,
// contains, startsWith, endsWith; operators ! == != && || and parentheses).

import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { type ActionRun, git, parseOutputFile, repoRoot, runAction } from './harness.ts'

type Value = string | number | boolean | null | Value[] | { [k: string]: Value }
type Context = Record<string, Value>

// ---------------------------------------------------------------------------
// expressions

type Token = { t: 'str' | 'num' | 'id' | 'op'; v: string }

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
    } else if (c === "'") {
      let s = ''
      i++
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`)
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'"
          i += 2
        } else if (src[i] === "'") {
          i++
          break
        } else s += src[i++]
      }
      out.push({ t: 'str', v: s })
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!
      out.push({ t: 'num', v: m[0] })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!
      out.push({ t: 'id', v: m[0] })
      i += m[0].length
    } else {
      const two = src.slice(i, i + 2)
      if (['==', '!=', '&&', '||', '<=', '>='].includes(two)) {
        out.push({ t: 'op', v: two })
        i += 2
      } else if ('!().,[]<>*'.includes(c)) {
        out.push({ t: 'op', v: c })
        i++
      } else throw new Error(`unexpected ${c} in expression ${src}`)
    }
  }
  return out
}

const truthy = (v: Value | undefined): boolean => !(v === undefined || v === null || v === false || v === 0 || v === '' || Number.isNaN(v))

export function toText(v: Value | undefined): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function loosely(a: Value | undefined, b: Value | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
  if (typeof a === typeof b) return JSON.stringify(a) === JSON.stringify(b)
  const num = (x: Value | undefined): number => (x === null || x === undefined ? 0 : typeof x === 'boolean' ? Number(x) : typeof x === 'string' ? (x.trim() === '' ? 0 : Number(x)) : NaN)
  return num(a) === num(b)
}

interface Status {
  failed: boolean
}

export function evaluate(src: string, ctx: Context, status: Status = { failed: false }): Value {
  const tokens = tokenize(src)
  let k = 0
  const peek = (): Token | undefined => tokens[k]
  const eat = (v?: string): Token => {
    const tok = tokens[k++]
    if (!tok || (v !== undefined && tok.v !== v)) throw new Error(`expected ${v ?? 'a token'} in ${src}`)
    return tok
  }
  const call = (name: string, args: Value[]): Value => {
    switch (name.toLowerCase()) {
      case 'always':
        return true
      case 'success':
        return !status.failed
      case 'failure':
        return status.failed
      case 'cancelled':
        return false
      case 'fromjson':
        return JSON.parse(toText(args[0])) as Value
      case 'tojson':
        return JSON.stringify(args[0] ?? null, null, 2)
      case 'format':
        return toText(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => toText(args[Number(n) + 1]))
      case 'contains':
        return Array.isArray(args[0]) ? args[0].some((x) => loosely(x, args[1])) : toText(args[0]).toLowerCase().includes(toText(args[1]).toLowerCase())
      case 'startswith':
        return toText(args[0]).toLowerCase().startsWith(toText(args[1]).toLowerCase())
      case 'endswith':
        return toText(args[0]).toLowerCase().endsWith(toText(args[1]).toLowerCase())
      default:
        throw new Error(`function ${name} is not supported by the local workflow runner`)
    }
  }
  const primary = (): Value => {
    const tok = eat()
    if (tok.t === 'str') return tok.v
    if (tok.t === 'num') return Number(tok.v)
    if (tok.v === '(') {
      const v = or()
      eat(')')
      return v
    }
    if (tok.v === '!') return !truthy(primary())
    if (tok.t !== 'id') throw new Error(`unexpected ${tok.v} in ${src}`)
    if (tok.v === 'true') return true
    if (tok.v === 'false') return false
    if (tok.v === 'null') return null
    if (peek()?.v === '(') {
      eat('(')
      const args: Value[] = []
      while (peek()?.v !== ')') {
        args.push(or())
        if (peek()?.v === ',') eat(',')
      }
      eat(')')
      return postfix(call(tok.v, args))
    }
    return postfix(ctx[tok.v])
  }
  /** `.name` and `[expr]` after a context name or a function call. */
  const postfix = (start: Value | undefined): Value => {
    let v = start
    for (;;) {
      if (peek()?.v === '.') {
        eat('.')
        const key = eat().v
        v = v && typeof v === 'object' && !Array.isArray(v) ? v[key] : undefined
      } else if (peek()?.v === '[') {
        eat('[')
        const key = or()
        eat(']')
        v = Array.isArray(v) ? v[Number(key)] : v && typeof v === 'object' ? (v as Record<string, Value>)[toText(key)] : undefined
      } else break
    }
    return v ?? null
  }
  const comparison = (): Value => {
    let left = primary()
    while (peek()?.v === '==' || peek()?.v === '!=') {
      const op = eat().v
      const right = primary()
      left = op === '==' ? loosely(left, right) : !loosely(left, right)
    }
    return left
  }
  const and = (): Value => {
    let left = comparison()
    while (peek()?.v === '&&') {
      eat('&&')
      const right = comparison()
      left = truthy(left) ? right : left
    }
    return left
  }
  const or = (): Value => {
    let left = and()
    while (peek()?.v === '||') {
      eat('||')
      const right = and()
      left = truthy(left) ? left : right
    }
    return left
  }
  const v = or()
  if (k !== tokens.length) throw new Error(`unexpected ${tokens[k]!.v} in ${src}`)
  return v
}

/** A YAML value with `${{ }}` inside: a whole expression keeps its type, otherwise it is text. */
export function interpolate(raw: unknown, ctx: Context, status?: Status): Value {
  if (typeof raw !== 'string') return (raw ?? '') as Value
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(raw.trim())
  if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, ctx, status)
  return raw.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => toText(evaluate(e, ctx, status)))
}

/** An `if:` condition: an expression with or without `${{ }}`, implicitly `success() &&` without a status function. */
function condition(raw: unknown, ctx: Context, status: Status): boolean {
  if (raw === undefined) return !status.failed
  const src = String(raw).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
  const statusFn = /\b(always|success|failure|cancelled)\s*\(/.test(src)
  return (statusFn || !status.failed) && truthy(evaluate(src, ctx, status))
}

// ---------------------------------------------------------------------------
// running

interface StepDef {
  id?: string
  name?: string
  if?: unknown
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}

interface JobDef {
  name?: string
  needs?: string | string[]
  if?: unknown
  outputs?: Record<string, unknown>
  strategy?: { matrix?: Record<string, unknown> }
  steps: StepDef[]
}

export interface StepResult {
  job: string
  matrix?: Record<string, Value> | undefined
  step: string
  kind: 'action' | 'run' | 'checkout'
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  summary: string
  /** For action steps: the action's run, as runAction returned it. */
  action?: { name: string; run: ActionRun }
  stdout: string
}

export interface WorkflowRun {
  jobs: Record<string, { result: 'success' | 'failure' | 'skipped'; outputs: Record<string, string> }>
  steps: StepResult[]
}

export interface WorkflowOptions {
  /** The workspace: a clone whose origin is the bare repository. */
  cwd: string
  /** Inputs as a form or a caller gives them (defaults come from the workflow). */
  inputs?: Record<string, Value>
  github?: Record<string, Value>
  secrets?: Record<string, string>
  vars?: Record<string, string>
  /** Extra environment for every step (BATCH_OPS_NOW, GITHUB_API_URL, …). */
  env?: Record<string, string>
  /** Called after each step, for live output. */
  onStep?: (s: StepResult) => void
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }))
  })
}

function inputDefaults(workflow: { on?: Record<string, { inputs?: Record<string, { default?: Value }> }> }): Record<string, Value> {
  const out: Record<string, Value> = {}
  for (const trigger of Object.values(workflow.on ?? {})) {
    for (const [name, def] of Object.entries(trigger?.inputs ?? {})) if (def?.default !== undefined && !(name in out)) out[name] = def.default
  }
  return out
}

export async function runWorkflow(file: string, o: WorkflowOptions): Promise<WorkflowRun> {
  const workflow = parseYaml(await readFile(path.join(repoRoot, '.github', 'workflows', file), 'utf8')) as {
    on?: Record<string, { inputs?: Record<string, { default?: Value }> }>
    jobs: Record<string, JobDef>
  }
  const inputs = { ...inputDefaults(workflow), ...(o.inputs ?? {}) }
  const github: Record<string, Value> = { repository: 'demo/registry', actor: 'batch-bot', triggering_actor: 'batch-bot', server_url: 'https://github.com', token: 'local-token', ...(o.github ?? {}) }
  const result: WorkflowRun = { jobs: {}, steps: [] }
  const base: Context = { inputs, github, secrets: o.secrets ?? {}, vars: o.vars ?? {}, env: {} }

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const needs = ([] as string[]).concat(job.needs ?? [])
    const needsCtx: Record<string, Value> = Object.fromEntries(needs.map((n) => [n, { result: result.jobs[n]?.result ?? 'skipped', outputs: result.jobs[n]?.outputs ?? {} }]))
    const upstreamFailed = needs.some((n) => result.jobs[n]?.result !== 'success')
    const jobCtx: Context = { ...base, needs: needsCtx }
    if (upstreamFailed || !condition(job.if, jobCtx, { failed: false })) {
      result.jobs[jobId] = { result: 'skipped', outputs: {} }
      continue
    }
    const matrixDef = job.strategy?.matrix
    const combos: Array<Record<string, Value> | undefined> = [undefined]
    if (matrixDef) {
      const [key, raw] = Object.entries(matrixDef)[0]!
      const values = interpolate(raw, jobCtx)
      combos.splice(0, 1, ...(Array.isArray(values) ? values : []).map((v) => ({ [key]: v })))
    }
    let jobFailed = false
    let jobOutputs: Record<string, string> = {}
    for (const matrix of combos) {
      const steps: Record<string, Value> = {}
      const status: Status = { failed: false }
      const ctx: Context = { ...jobCtx, matrix: matrix ?? {}, steps }
      for (const [n, step] of job.steps.entries()) {
        const label = step.name ?? step.id ?? step.uses ?? `step ${n + 1}`
        const record = (r: Omit<StepResult, 'job' | 'matrix' | 'step'>): void => {
          const full: StepResult = { job: jobId, matrix, step: label, ...r }
          result.steps.push(full)
          if (step.id) steps[step.id] = { outcome: r.outcome, conclusion: r.outcome, outputs: r.outputs }
          if (r.outcome === 'failure') status.failed = true
          o.onStep?.(full)
        }
        if (!condition(step.if, ctx, status)) {
          record({ kind: step.run ? 'run' : 'action', outcome: 'skipped', outputs: {}, summary: '', stdout: '' })
          continue
        }
        if (step.uses?.startsWith('actions/checkout@')) {
          await git(['pull', '--quiet', '--ff-only', 'origin', 'HEAD'], o.cwd).catch(() => undefined)
          record({ kind: 'checkout', outcome: 'success', outputs: {}, summary: '', stdout: '' })
        } else if (step.uses?.startsWith('./actions/')) {
          const name = step.uses.slice('./actions/'.length)
          const withInputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, toText(interpolate(v, ctx, status))]))
          const run = await runAction(name, { cwd: o.cwd, inputs: withInputs, env: { ...o.env, GITHUB_REPOSITORY: toText(github.repository), GITHUB_ACTOR: toText(github.actor) } })
          record({ kind: 'action', outcome: run.code === 0 ? 'success' : 'failure', outputs: run.outputs, summary: run.summary, action: { name, run }, stdout: run.stdout })
        } else if (step.run !== undefined) {
          const dir = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-step-'))
          try {
            const outFile = path.join(dir, 'output')
            const sumFile = path.join(dir, 'summary')
            await writeFile(outFile, '')
            await writeFile(sumFile, '')
            const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, toText(interpolate(v, ctx, status))]))
            const r = await bash(toText(interpolate(step.run, ctx, status)), o.cwd, {
              PATH: process.env.PATH ?? '',
              HOME: process.env.HOME ?? '',
              ...o.env,
              ...stepEnv,
              GITHUB_OUTPUT: outFile,
              GITHUB_STEP_SUMMARY: sumFile,
              GITHUB_WORKSPACE: o.cwd
            })
            record({ kind: 'run', outcome: r.code === 0 ? 'success' : 'failure', outputs: parseOutputFile(await readFile(outFile, 'utf8')), summary: await readFile(sumFile, 'utf8'), stdout: r.stdout })
          } finally {
            await rm(dir, { recursive: true, force: true })
          }
        } else {
          throw new Error(`${file}: job ${jobId}: step ${label} uses ${step.uses}, which the local runner cannot run`)
        }
      }
      jobFailed ||= status.failed
      jobOutputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, toText(interpolate(v, ctx))]))
    }
    result.jobs[jobId] = { result: jobFailed ? 'failure' : 'success', outputs: jobOutputs }
  }
  return result
}
