// Integration harness: real git repositories with a local bare `origin`, and the
// bundled actions run in a child process the way the GitHub runner runs them.
//
// Nothing here touches the network; everything lives under os.tmpdir().
// Set BATCH_OPS_KEEP_TMP=1 to keep the temporary directories for debugging.

import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The monorepo root (the directory holding actions/ and packages/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const keepTmp = (): boolean => process.env.BATCH_OPS_KEEP_TMP === '1'

// ---------------------------------------------------------------------------
// git

export interface GitRun {
  stdout: string
  stderr: string
  code: number
}

/** Runs git with an argument array; rejects on a non-zero exit unless `allowFail`. */
export function git(args: readonly string[], cwd: string, opts: { input?: string; allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args as string[],
      {
        cwd,
        env: { ...process.env, ...opts.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8'
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
        if (err && !opts.allowFail) {
          reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed (${String(err.code)}): ${stderr.trim() || err.message}`))
          return
        }
        resolve({ stdout, stderr, code })
      }
    )
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

async function configureClone(dir: string): Promise<void> {
  await git(['config', 'user.name', 'Batch Ops Test'], dir)
  await git(['config', 'user.email', 'test@batch-ops.invalid'], dir)
  await git(['config', 'commit.gpgsign', 'false'], dir)
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const abs = path.join(dir, file)
    await mkdir(path.dirname(abs), { recursive: true })
    await writeFile(abs, content)
  }
}

export interface Commit {
  sha: string
  subject: string
  /** The whole message. */
  message: string
  authorName: string
  authorEmail: string
  /** Trailers (`Key: value`), in order; a key may repeat. */
  trailers: Array<[string, string]>
}

export interface CloneOptions {
  /** Shallow clone of this depth over file:// (as actions/checkout does with depth 1). */
  depth?: number
  /** Leave HEAD detached at the branch tip (as actions/checkout does for pull requests and tags). */
  detach?: boolean
}

export interface TestRepo {
  /** Temp directory holding everything. */
  root: string
  /** The bare repository every clone pushes to. */
  origin: string
  /** The first clone, with the initial files committed and pushed. */
  work: string
  branch: string
  /** Removes everything (kept when BATCH_OPS_KEEP_TMP=1). */
  cleanup(): Promise<void>
  /** The file at the tip of origin's branch, or null when it does not exist there (throws for a directory). */
  readOrigin(file: string): Promise<string | null>
  /** Subjects of origin's branch, newest first. */
  originLog(): Promise<string[]>
  /** Commits of origin's branch, newest first. */
  originCommits(): Promise<Commit[]>
  /** The commit at the tip of origin's branch. */
  originHead(): Promise<string>
  /** Another independent clone of origin (its own directory); returns its path. */
  clone(opts?: CloneOptions): Promise<string>
  /** Commits `files` in `dir` (default: work) and pushes them to origin; returns the new commit. */
  commitAndPush(files: Record<string, string>, message?: string, dir?: string): Promise<string>
}

export interface RepoOptions {
  files?: Record<string, string>
  branch?: string
}

export async function createRepo(opts: RepoOptions = {}): Promise<TestRepo> {
  const branch = opts.branch ?? 'main'
  const root = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-it-'))
  const origin = path.join(root, 'origin.git')
  const work = path.join(root, 'work')
  await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, origin], root)
  await git(['init', '--quiet', `--initial-branch=${branch}`, work], root)
  await configureClone(work)
  await git(['remote', 'add', 'origin', origin], work)
  await writeFiles(work, opts.files ?? {})
  await git(['add', '--all'], work)
  await git(['commit', '--quiet', '--allow-empty', '-m', 'initial commit'], work)
  await git(['push', '--quiet', '--set-upstream', 'origin', branch], work)

  let clones = 0
  const ref = `refs/heads/${branch}`

  const readOrigin = async (file: string): Promise<string | null> => {
    const found = await git(['rev-parse', '--verify', '--quiet', `${ref}:${file}`], origin, { allowFail: true })
    if (found.code !== 0) return null
    const object = found.stdout.trim()
    const type = (await git(['cat-file', '-t', object], origin)).stdout.trim()
    if (type !== 'blob') throw new Error(`${file} is a ${type}, not a file, on origin ${branch}`)
    return (await git(['cat-file', 'blob', object], origin)).stdout
  }

  const originCommits = async (): Promise<Commit[]> => {
    const { stdout } = await git(['log', '--format=%H%x00%an%x00%ae%x00%B%x00%(trailers:only,unfold)%x1e', ref], origin)
    return stdout
      .split('\x1e')
      .map((r) => r.replace(/^\n/, ''))
      .filter((r) => r !== '')
      .map((r) => {
        const [sha, authorName, authorEmail, message, trailerText] = r.split('\x00') as [string, string, string, string, string]
        const trailers = trailerText
          .split('\n')
          .filter((l) => l.includes(': '))
          .map((l): [string, string] => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)])
        return { sha, authorName, authorEmail, message, subject: message.split('\n')[0] ?? '', trailers }
      })
  }

  return {
    root,
    origin,
    work,
    branch,
    cleanup: async () => {
      if (!keepTmp()) await rm(root, { recursive: true, force: true })
    },
    readOrigin,
    originLog: async () => (await originCommits()).map((c) => c.subject),
    originCommits,
    originHead: async () => (await git(['rev-parse', ref], origin)).stdout.trim(),
    clone: async (c: CloneOptions = {}) => {
      const dir = path.join(root, `clone-${++clones}`)
      const args = ['clone', '--quiet', '--branch', branch]
      if (c.depth !== undefined) args.push('--depth', String(c.depth), '--single-branch', `file://${origin}`)
      else args.push(origin)
      args.push(dir)
      await git(args, root)
      await configureClone(dir)
      if (c.detach) await git(['checkout', '--quiet', '--detach'], dir)
      return dir
    },
    commitAndPush: async (files, message = 'test: update files', dir = work) => {
      await writeFiles(dir, files)
      await git(['add', '--all'], dir)
      await git(['commit', '--quiet', '--allow-empty', '-m', message], dir)
      await git(['push', '--quiet', 'origin', `HEAD:${ref}`], dir)
      return (await git(['rev-parse', 'HEAD'], dir)).stdout.trim()
    }
  }
}

/** The git executable on PATH (the one the actions would run). */
export function realGit(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'git'))) return path.join(dir, 'git')
  }
  throw new Error('git is not on PATH')
}

export interface RaceOptions {
  /** Files the rival's first commit changes (later rival commits are empty). */
  files?: Record<string, string>
  /** How many of the action's pushes the rival gets in ahead of (default 1). */
  times?: number
}

/**
 * A deterministic race: returns env overrides (PATH) under which each of the
 * first `times` `git push` commands an action runs is preceded by a rival
 * clone pushing a commit of its own to origin's branch, so that push is
 * rejected because the branch moved.
 */
export async function raceOnPush(repo: TestRepo, opts: RaceOptions = {}): Promise<Record<string, string>> {
  const rival = await repo.clone()
  await writeFiles(rival, opts.files ?? {})
  await git(['add', '--all'], rival)
  const shim = await mkdtemp(path.join(repo.root, 'git-shim-'))
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  const real = q(realGit())
  const clean = 'env -u GIT_INDEX_FILE -u GIT_DIR -u GIT_WORK_TREE'
  const script = [
    '#!/bin/sh',
    '# test shim: a rival pushes first (see raceOnPush in test/harness.ts)',
    'if [ "$1" = "push" ]; then',
    '  i=1',
    `  while [ "$i" -le ${opts.times ?? 1} ]; do`,
    `    if mkdir ${q(path.join(shim, 'push'))}-"$i" 2>/dev/null; then`,
    `      ${clean} ${real} -C ${q(rival)} commit --quiet --allow-empty -m "rival change $i" >&2 || exit 97`,
    `      ${clean} ${real} -C ${q(rival)} push --quiet origin HEAD:refs/heads/${repo.branch} >&2 || exit 97`,
    '      break',
    '    fi',
    '    i=$((i + 1))',
    '  done',
    'fi',
    `exec ${real} "$@"`,
    ''
  ].join('\n')
  await writeFile(path.join(shim, 'git'), script, { mode: 0o755 })
  return { PATH: [shim, process.env.PATH ?? ''].join(path.delimiter) }
}

// ---------------------------------------------------------------------------
// running a bundled action

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  /** e.g. { file: 'batch-control.json', line: '3', col: '5', title: '...' } */
  props: Record<string, string>
  message: string
}

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
  /** Wall-clock milliseconds of the child process. */
  ms: number
}

export interface RunOptions {
  /** Working directory; also GITHUB_WORKSPACE. */
  cwd: string
  /** Action inputs by their action.yml name, e.g. { 'control-file': 'x.json' }. */
  inputs?: Record<string, string>
  /** Extra environment (e.g. BATCH_OPS_NOW, GITHUB_REF); undefined removes a variable. */
  env?: Record<string, string | undefined>
  /** Kill the child after this long (default 45 s). */
  timeoutMs?: number
}

/** The variable the runner sets for an input: INPUT_ + the name upper-cased, spaces as '_', hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** actions/<action>/dist/index.js; BATCH_OPS_BUNDLE_ROOT runs the bundles of another checkout instead. */
export function bundlePath(action: string): string {
  return path.join(process.env.BATCH_OPS_BUNDLE_ROOT || repoRoot, 'actions', action, 'dist', 'index.js')
}

/** The bundle may be mid-rebuild (scripts/build.mjs removes dist/ first): wait for it to be back. */
async function waitForBundle(file: string, timeoutMs = 30_000): Promise<void> {
  const size = (): Promise<number> => stat(file).then((s) => s.size, () => -1)
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
  const until = Date.now() + timeoutMs
  for (;;) {
    const first = await size()
    if (first > 0) {
      await pause(20)
      if ((await size()) === first) return
    }
    if (Date.now() > until) {
      throw new Error(`${file} is missing; build it with: node scripts/build.mjs ${path.basename(path.dirname(path.dirname(file)))}`)
    }
    await pause(200)
  }
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
}

/** `::level k=v,k=v::message` workflow commands on stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const props: Record<string, string> = {}
    for (const part of (m[2] ?? '').split(',')) {
      const eq = part.indexOf('=')
      if (eq > 0) props[part.slice(0, eq)] = unescapeProperty(part.slice(eq + 1))
    }
    out.push({ level: m[1] as Annotation['level'], props, message: unescapeData(m[3] ?? '') })
  }
  return out
}

/** The GITHUB_OUTPUT file: `name<<DELIM` … `DELIM` blocks (and plain `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      let j = i + 1
      while (j < lines.length && lines[j] !== delim) value.push(lines[j++]!)
      if (j >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing ${delim} for ${name}`)
      out[name] = value.join('\n')
      i = j
      continue
    }
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** Runs actions/<action>/dist/index.js in a child process with the runner's environment. */
export async function runAction(action: string, opts: RunOptions): Promise<ActionRun> {
  const bundle = bundlePath(action)
  await waitForBundle(bundle)
  const tmp = await mkdtemp(path.join(os.tmpdir(), `batch-ops-run-${action}-`))
  const outputFile = path.join(tmp, 'github_output')
  const summaryFile = path.join(tmp, 'step_summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: opts.cwd
  }
  for (const [name, value] of Object.entries(opts.inputs ?? {})) env[inputVariable(name)] = value
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }

  const started = Date.now()
  try {
    const { code, signal, stdout, stderr } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [bundle], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
        let stdout = ''
        let stderr = ''
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000)
        child.on('error', (e) => {
          clearTimeout(timer)
          reject(e)
        })
        child.on('close', (code, signal) => {
          clearTimeout(timer)
          resolve({ code, signal, stdout, stderr })
        })
      }
    )
    return {
      code,
      signal,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      annotations: parseAnnotations(stdout),
      ms: Date.now() - started
    }
  } finally {
    if (!keepTmp()) await rm(tmp, { recursive: true, force: true })
  }
}

/** The run as text, for assertion messages. */
export function describeRun(r: ActionRun): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n--- outputs\n${JSON.stringify(r.outputs, null, 2)}`
}

/** Throws with the whole run when the exit code is not `code` (jest's expect cannot carry that context). */
export function expectExit(r: ActionRun, code: number | 'non-zero'): void {
  const ok = code === 'non-zero' ? r.code !== 0 && r.code !== null : r.code === code
  if (!ok) throw new Error(`expected exit ${code}, got:\n${describeRun(r)}`)
}
