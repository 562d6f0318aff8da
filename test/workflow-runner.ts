// A small local runner for this repository's workflows, for the demo and the tests.
//
// It reads .github/workflows/<file>.yml, evaluates `${{ }}` expressions and
// `if:` conditions, and runs the jobs in file order (each one's `needs` must come
// before it) and each job's steps in order. Every job, and every leg of a matrix
// (one after another), starts in an empty workspace of its own, as on a fresh
// GitHub runner: `uses: actions/checkout@…` clones the origin of `cwd` into it,
// and leaves it unable to push unless the job has `contents: write` and keeps the
// credentials (`persist-credentials`). `uses: ./actions/<name>` runs the bundled
// action exactly as runAction does; `run:` runs bash with the step's env and fresh
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files; `actions/upload-artifact` and
// `actions/download-artifact` copy a directory to and from a store of the run's
// artifacts (by name; hidden files left out unless asked for). It is not GitHub's
// runner: it supports what these workflows use (contexts inputs, github, secrets,
// vars, needs, steps, matrix, runner, env; functions always, success, failure,
// cancelled, fromJSON, toJSON, format, contains, startsWith, endsWith; operators
// ! == != && || and parentheses; step `continue-on-error`).

import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
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
  /** A job's needs did not all succeed (one was skipped): success() is false, failure() is not true. */
  blocked?: boolean
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
        return !status.failed && !status.blocked
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
  return (statusFn || (!status.failed && !status.blocked)) && truthy(evaluate(src, ctx, status))
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
  'continue-on-error'?: unknown
}

type Permissions = string | Record<string, string> | undefined

interface JobDef {
  name?: string
  needs?: string | string[]
  if?: unknown
  'runs-on'?: unknown
  permissions?: Permissions
  outputs?: Record<string, unknown>
  strategy?: { matrix?: Record<string, unknown> }
  steps: StepDef[]
}

export type JobResult = 'success' | 'failure' | 'skipped'

export interface StepResult {
  job: string
  matrix?: Record<string, Value> | undefined
  step: string
  kind: 'action' | 'run' | 'checkout' | 'artifact'
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  summary: string
  /** For action steps: the action's run, as runAction returned it. */
  action?: { name: string; run: ActionRun }
  stdout: string
}

/** One job as it runs (each matrix leg is one), as GitHub's job listing would show it. */
export interface JobRun {
  /** 1, 2, 3, … in the order the jobs start. */
  id: number
  /** The key under `jobs:`. */
  job: string
  /** Its `name:`, evaluated (the key without one). */
  name: string
  matrix?: Record<string, Value> | undefined
  /** `runs-on`, evaluated, as labels. */
  labels: string[]
  status: 'in_progress' | 'completed'
  conclusion?: 'success' | 'failure'
}

export interface WorkflowRun {
  jobs: Record<string, { result: JobResult; outputs: Record<string, string> }>
  steps: StepResult[]
  /** Every job that ran (each matrix leg), in order. */
  jobRuns: JobRun[]
}

export interface WorkflowOptions {
  /** A clone whose origin is the bare repository; each job checks out that origin afresh. */
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
  /**
   * Called when a job (a matrix leg) starts and when it ends. What it returns at
   * the start is added to the environment of that job's steps (the demo moves a
   * simulated clock with it, BATCH_OPS_NOW).
   */
  onJob?: (job: JobRun) => Record<string, string> | void
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

/** Whether a job's token may push: `contents: write` (or write-all); no permissions at all is the repository default, taken as write. */
export function canWriteContents(job: Permissions, workflow: Permissions): boolean {
  const p = job ?? workflow
  if (p === undefined) return true
  if (typeof p === 'string') return p === 'write-all'
  return p.contents === 'write'
}

const isHidden = (rel: string): boolean => rel.split(path.sep).some((part) => part.startsWith('.'))

/** Copies the files of `from` (a directory's contents, or one file) into `to`; returns how many. */
async function copyFiles(from: string, to: string, hidden: boolean): Promise<number> {
  const info = await stat(from).catch(() => undefined)
  if (!info) return 0
  await mkdir(to, { recursive: true })
  if (info.isFile()) {
    if (!hidden && isHidden(path.basename(from))) return 0
    await cp(from, path.join(to, path.basename(from)))
    return 1
  }
  let n = 0
  await cp(from, to, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(from, src)
      if (rel !== '' && !hidden && isHidden(rel)) return false
      return true
    }
  })
  const count = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await count(path.join(dir, e.name))
      else n++
    }
  }
  await count(to)
  return n
}

export async function runWorkflow(file: string, o: WorkflowOptions): Promise<WorkflowRun> {
  const workflow = parseYaml(await readFile(path.join(repoRoot, '.github', 'workflows', file), 'utf8')) as {
    on?: Record<string, { inputs?: Record<string, { default?: Value }> }>
    permissions?: Permissions
    jobs: Record<string, JobDef>
  }
  const inputs = { ...inputDefaults(workflow), ...(o.inputs ?? {}) }
  const github: Record<string, Value> = { repository: 'demo/registry', actor: 'batch-bot', triggering_actor: 'batch-bot', server_url: 'https://github.com', token: 'local-token', ...(o.github ?? {}) }
  const result: WorkflowRun = { jobs: {}, steps: [], jobRuns: [] }
  const base: Context = { inputs, github, secrets: o.secrets ?? {}, vars: o.vars ?? {}, env: {} }
  const origin = (await git(['remote', 'get-url', 'origin'], o.cwd)).stdout.trim()
  // github.event.repository.default_branch: origin's HEAD, as GitHub reports it in every event.
  const head = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec((await git(['ls-remote', '--symref', origin, 'HEAD'], o.cwd)).stdout)
  github.event = { repository: { default_branch: head?.[1] ?? 'main' }, ...((github.event as Record<string, Value> | undefined) ?? {}) }
  const ref = o.env?.GITHUB_REF ?? ''
  const root = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-workflow-'))
  const artifacts = path.join(root, 'artifacts')

  try {
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      const needs = ([] as string[]).concat(job.needs ?? [])
      for (const n of needs) if (!result.jobs[n]) throw new Error(`${file}: job ${jobId} needs ${n}, which the local runner has not run before it (order the jobs by their needs)`)
      const needsCtx: Record<string, Value> = Object.fromEntries(needs.map((n) => [n, { result: result.jobs[n]!.result, outputs: result.jobs[n]!.outputs }]))
      const jobCtx: Context = { ...base, needs: needsCtx }
      const jobStatus: Status = { failed: needs.some((n) => result.jobs[n]!.result === 'failure'), blocked: needs.some((n) => result.jobs[n]!.result !== 'success') }
      if (!condition(job.if, jobCtx, jobStatus)) {
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
        const leg = result.jobRuns.length + 1
        const workspace = path.join(root, `job-${leg}`, 'workspace')
        const temp = path.join(root, `job-${leg}`, 'temp')
        await mkdir(workspace, { recursive: true })
        await mkdir(temp, { recursive: true })
        const steps: Record<string, Value> = {}
        const status: Status = { failed: false }
        const ctx: Context = { ...jobCtx, matrix: matrix ?? {}, steps, runner: { os: 'Linux', arch: 'X64', name: `local-${leg}`, temp } }
        const runsOn = interpolate(job['runs-on'], ctx)
        const jobRun: JobRun = {
          id: leg,
          job: jobId,
          name: job.name === undefined ? jobId : toText(interpolate(job.name, ctx)),
          matrix,
          labels: (Array.isArray(runsOn) ? runsOn : [runsOn]).map(toText).filter((l) => l !== ''),
          status: 'in_progress'
        }
        result.jobRuns.push(jobRun)
        const jobEnv = { ...o.env, ...(o.onJob?.({ ...jobRun }) ?? {}), RUNNER_TEMP: temp }

        for (const [n, step] of job.steps.entries()) {
          const label = step.name ?? step.id ?? step.uses ?? `step ${n + 1}`
          const continueOnError = truthy(interpolate(step['continue-on-error'] ?? false, ctx, status))
          const record = (r: Omit<StepResult, 'job' | 'matrix' | 'step'>): void => {
            const full: StepResult = { job: jobId, matrix, step: label, ...r }
            result.steps.push(full)
            const conclusion = r.outcome === 'failure' && continueOnError ? 'success' : r.outcome
            if (step.id) steps[step.id] = { outcome: r.outcome, conclusion, outputs: r.outputs }
            if (conclusion === 'failure') status.failed = true
            o.onStep?.(full)
          }
          if (!condition(step.if, ctx, status)) {
            record({ kind: step.run ? 'run' : 'action', outcome: 'skipped', outputs: {}, summary: '', stdout: '' })
            continue
          }
          const withInputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, toText(interpolate(v, ctx, status))]))
          if (step.uses?.startsWith('actions/checkout@')) {
            // As actions/checkout does in a directory that is not a repository: empty it, then clone.
            await rm(workspace, { recursive: true, force: true })
            // with: ref (a branch) wins over the ref the run was started from, as in actions/checkout.
            const wanted = withInputs.ref ? withInputs.ref.replace(/^refs\/heads\//, '') : ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ''
            const branch = wanted ? ['--branch', wanted] : []
            await git(['clone', '--quiet', ...branch, origin, workspace], root)
            const persist = withInputs['persist-credentials'] !== 'false'
            if (!persist || !canWriteContents(job.permissions, workflow.permissions)) {
              // No credentials, or a token that may only read: any push fails.
              await git(['config', 'remote.origin.pushurl', path.join(root, 'no-push-credentials-in-this-job')], workspace)
            }
            record({ kind: 'checkout', outcome: 'success', outputs: {}, summary: '', stdout: '' })
          } else if (step.uses?.startsWith('actions/upload-artifact@')) {
            const name = withInputs.name || 'artifact'
            const store = path.join(artifacts, name)
            const exists = await stat(store).then(() => true, () => false)
            let stdout = ''
            let ok = true
            if (exists && withInputs.overwrite !== 'true') {
              stdout = `Failed to CreateArtifact: an artifact with this name already exists on the workflow run: ${name}`
              ok = false
            } else {
              await rm(store, { recursive: true, force: true })
              const sources = (withInputs.path ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '')
              if (sources.some((l) => /[*?[!]/.test(l))) throw new Error(`${file}: job ${jobId}: upload-artifact path patterns are not supported by the local runner`)
              let files = 0
              for (const src of sources) files += await copyFiles(path.resolve(workspace, src), store, withInputs['include-hidden-files'] === 'true')
              if (files === 0) {
                await rm(store, { recursive: true, force: true })
                const mode = withInputs['if-no-files-found'] || 'warn'
                stdout = `No files were found with the provided path: ${sources.join(', ')}. No artifacts will be uploaded.`
                ok = mode !== 'error'
              } else stdout = `Artifact ${name} has been uploaded: ${files} file(s)`
            }
            record({ kind: 'artifact', outcome: ok ? 'success' : 'failure', outputs: {}, summary: '', stdout })
          } else if (step.uses?.startsWith('actions/download-artifact@')) {
            const name = withInputs.name
            if (!name) throw new Error(`${file}: job ${jobId}: download-artifact without a name is not supported by the local runner`)
            const store = path.join(artifacts, name)
            const target = path.resolve(workspace, withInputs.path || '.')
            const found = await stat(store).then(() => true, () => false)
            if (found) await copyFiles(store, target, true)
            record({
              kind: 'artifact',
              outcome: found ? 'success' : 'failure',
              outputs: found ? { 'download-path': target } : {},
              summary: '',
              stdout: found ? `Artifact ${name} downloaded to ${target}` : `Unable to download artifact(s): Artifact not found for name: ${name}`
            })
          } else if (step.uses?.startsWith('./actions/')) {
            const name = step.uses.slice('./actions/'.length)
            const run = await runAction(name, { cwd: workspace, inputs: withInputs, env: { ...jobEnv, GITHUB_REPOSITORY: toText(github.repository), GITHUB_ACTOR: toText(github.actor) } })
            record({ kind: 'action', outcome: run.code === 0 ? 'success' : 'failure', outputs: run.outputs, summary: run.summary, action: { name, run }, stdout: run.stdout })
          } else if (step.run !== undefined) {
            const dir = await mkdtemp(path.join(root, 'step-'))
            try {
              const outFile = path.join(dir, 'output')
              const sumFile = path.join(dir, 'summary')
              await writeFile(outFile, '')
              await writeFile(sumFile, '')
              const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, toText(interpolate(v, ctx, status))]))
              const r = await bash(toText(interpolate(step.run, ctx, status)), workspace, {
                PATH: process.env.PATH ?? '',
                HOME: process.env.HOME ?? '',
                ...jobEnv,
                ...stepEnv,
                GITHUB_OUTPUT: outFile,
                GITHUB_STEP_SUMMARY: sumFile,
                GITHUB_WORKSPACE: workspace
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
        jobRun.status = 'completed'
        jobRun.conclusion = status.failed ? 'failure' : 'success'
        o.onJob?.({ ...jobRun })
      }
      result.jobs[jobId] = { result: jobFailed ? 'failure' : 'success', outputs: jobOutputs }
    }
  } finally {
    if (process.env.BATCH_OPS_KEEP_TMP !== '1') await rm(root, { recursive: true, force: true })
  }
  return result
}
