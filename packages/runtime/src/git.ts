// Runs git through @actions/exec, with an argument array (never a shell string).
//
// Output is captured, not echoed: git's own output is data here (file contents,
// logs), and the action decides what reaches the log.

import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { exec } from '@actions/exec'

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | string | null,
    readonly stderr: string,
    readonly stdout: string = ''
  ) {
    super(`git ${args.join(' ')} failed (${code}): ${stderr.trim() || 'no output'}`)
    this.name = 'GitError'
  }
}

export interface GitOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  input?: string
  /** Accept these exit codes as results rather than errors. */
  okCodes?: number[]
  /**
   * Stop git when it has run this long (SIGTERM, then SIGKILL after KILL_GRACE_MS)
   * and reject with a GitTimeoutError. For commands that talk to a remote: see
   * networkTimeoutMs().
   */
  timeoutMs?: number
  /**
   * Stop git (SIGTERM) when this aborts, e.g. once a streamed `git log` has given
   * all that is needed. Not an error: the call resolves with exit code 0, and no
   * output after the abort reaches `onStdout`.
   */
  signal?: AbortSignal
}

export interface GitResult {
  stdout: string
  code: number
}

function environment(extra: NodeJS.ProcessEnv | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...process.env, ...extra, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' })) if (v !== undefined) env[k] = v
  return env
}

/** git ran longer than its `timeoutMs` and was stopped. */
export class GitTimeoutError extends GitError {
  constructor(
    args: readonly string[],
    readonly timeoutMs: number,
    stderr: string
  ) {
    super(args, 'timeout', stderr)
    this.name = 'GitTimeoutError'
    // The command and its operands: options and `-c name=value` settings before it left out.
    let i = 0
    while (args[i] === '-c') i += 2
    const what = args.slice(i, i + 1).concat(args.slice(i + 1).filter((a) => !a.startsWith('-'))).join(' ')
    this.message =
      `git ${what} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped` +
      (stderr.trim() ? ` (it said: ${stderr.trim().split('\n').slice(-3).join(' / ')})` : '') +
      `. The remote is unreachable or very slow; re-run the job, and if it keeps happening raise ${TIMEOUT_VARIABLE} (seconds).`
  }
}

/** The environment variable that sets the bound on each git network command, in seconds. */
export const TIMEOUT_VARIABLE = 'BATCH_OPS_GIT_TIMEOUT'
/** The default bound on one git network command (fetch, ls-remote, push): 5 minutes. */
export const DEFAULT_NETWORK_TIMEOUT_MS = 300_000
/** After SIGTERM, how long git gets to clean up (lock files, temporary packs) before SIGKILL. */
export const KILL_GRACE_MS = 5_000

/**
 * The bound on one git command that talks to a remote: BATCH_OPS_GIT_TIMEOUT
 * seconds when set to a positive number, else 5 minutes.
 */
export function networkTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIMEOUT_VARIABLE]?.trim()
  if (!raw) return DEFAULT_NETWORK_TIMEOUT_MS
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`${TIMEOUT_VARIABLE} must be a positive number of seconds (got ${JSON.stringify(raw)})`)
  }
  return Math.round(seconds * 1000)
}

/** gitStream with a timeout or an abort signal: git as a child process this code can stop. */
function stoppableGit(args: readonly string[], opts: GitOptions, onStdout: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      resolve(0)
      return
    }
    const out = new StringDecoder('utf8')
    const err = new StringDecoder('utf8')
    let stderr = ''
    let stopped: 'timeout' | 'aborted' | undefined
    let settled = false
    const child = spawn('git', [...args], { cwd: opts.cwd, env: environment(opts.env), stdio: ['pipe', 'pipe', 'pipe'] })
    let killer: NodeJS.Timeout | undefined
    const stop = (why: 'timeout' | 'aborted'): void => {
      if (stopped || settled) return
      stopped = why
      child.kill('SIGTERM')
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
    }
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined
    const onAbort = (): void => stop('aborted')
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    const finish = (): void => {
      settled = true
      clearTimeout(timer)
      clearTimeout(killer)
      opts.signal?.removeEventListener('abort', onAbort)
    }
    child.stdout.on('data', (data: Buffer) => {
      if (stopped !== 'aborted') onStdout(out.write(data))
    })
    child.stderr.on('data', (data: Buffer) => void (stderr += err.write(data)))
    child.stdin.on('error', () => undefined)
    child.stdin.end(opts.input !== undefined ? Buffer.from(opts.input, 'utf8') : undefined)
    child.on('error', (e) => {
      finish()
      // git could not be started at all (not on PATH, or the directory is gone).
      reject(new GitError(args, null, e.message))
    })
    child.on('close', (code, signal) => {
      finish()
      stderr += err.end()
      if (stopped === 'aborted') return resolve(0)
      const rest = out.end()
      if (rest !== '') onStdout(rest)
      if (stopped === 'timeout') return reject(new GitTimeoutError(args, opts.timeoutMs!, stderr))
      if (code === null) return reject(new GitError(args, signal, stderr))
      if (code !== 0 && !opts.okCodes?.includes(code)) return reject(new GitError(args, code, stderr))
      resolve(code)
    })
  })
}

/**
 * Runs git and hands its stdout to `onStdout` as it arrives (decoded as UTF-8,
 * never split inside a character). Resolves with the exit code; rejects with a
 * GitError for any other code than 0 or `okCodes`.
 */
export async function gitStream(args: readonly string[], opts: GitOptions, onStdout: (text: string) => void): Promise<number> {
  if (opts.timeoutMs !== undefined || opts.signal !== undefined) return stoppableGit(args, opts, onStdout)
  const out = new StringDecoder('utf8')
  const err = new StringDecoder('utf8')
  let stderr = ''
  let code: number
  try {
    code = await exec('git', [...args], {
      cwd: opts.cwd,
      env: environment(opts.env),
      silent: true,
      ignoreReturnCode: true,
      ...(opts.input !== undefined ? { input: Buffer.from(opts.input, 'utf8') } : {}),
      listeners: {
        stdout: (data: Buffer) => onStdout(out.write(data)),
        stderr: (data: Buffer) => void (stderr += err.write(data))
      }
    })
  } catch (e) {
    // git could not be started at all (not on PATH, or the directory is gone).
    throw new GitError(args, null, (e as Error).message)
  }
  const rest = out.end()
  if (rest !== '') onStdout(rest)
  stderr += err.end()
  if (code !== 0 && !opts.okCodes?.includes(code)) throw new GitError(args, code, stderr)
  return code
}

/** Runs git and returns its whole stdout. */
export async function git(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  let stdout = ''
  try {
    const code = await gitStream(args, opts, (text) => (stdout += text))
    return { stdout, code }
  } catch (e) {
    if (e instanceof GitTimeoutError) throw e
    if (e instanceof GitError) throw new GitError(e.args, e.code, e.stderr, stdout)
    throw e
  }
}

// ---------------------------------------------------------------------------
// Long-running git processes

/** What a request reads of a long-running git process's answer. */
export interface GitReply {
  /** The next line, without its newline. */
  line(): Promise<Buffer>
  /** The next `n` bytes. */
  bytes(n: number): Promise<Buffer>
}

/**
 * A git command that stays up and answers on stdout what it is asked on stdin
 * (`cat-file --batch`, `mktree --batch`, `hash-object --stdin-paths`): many
 * questions for one process start, where starting git is what costs. Requests
 * are answered one at a time, in order; each reads its own answer. Output is
 * bytes (file contents and tree objects are not text). If git exits, every
 * waiting and later request rejects with a GitError carrying its stderr.
 * close() must be called, or the open process keeps Node running.
 */
export class GitProcess implements GitReply {
  private readonly child: ReturnType<typeof spawn>
  private chunks: Buffer[] = []
  private available = 0
  private wake: (() => void) | undefined
  private failure: GitError | undefined
  private stderr = ''
  private queue: Promise<unknown> = Promise.resolve()
  private readonly exited: Promise<void>

  constructor(
    readonly args: readonly string[],
    opts: { cwd: string; env?: NodeJS.ProcessEnv }
  ) {
    const child = spawn('git', [...args], { cwd: opts.cwd, env: environment(opts.env), stdio: ['pipe', 'pipe', 'pipe'] })
    this.child = child
    const err = new StringDecoder('utf8')
    child.stdout!.on('data', (data: Buffer) => {
      this.chunks.push(data)
      this.available += data.length
      this.poke()
    })
    child.stderr!.on('data', (data: Buffer) => void (this.stderr += err.write(data)))
    // Writing to a git that has died: the exit below says why.
    child.stdin!.on('error', () => undefined)
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        // git could not be started at all (not on PATH, or the directory is gone).
        this.failure ??= new GitError(args, null, e.message)
        this.poke()
        resolve()
      })
      child.on('close', (code, signal) => {
        this.stderr += err.end()
        this.failure ??= new GitError(args, code ?? signal, this.stderr.trim() ? this.stderr : 'it exited before answering')
        this.poke()
        resolve()
      })
    })
  }

  private poke(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  /** Waits for more output; rejects once git has exited and nothing more can come. */
  private more(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve) => (this.wake = resolve))
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
    this.chunks = all.length > n ? [all.subarray(n)] : []
    this.available -= n
    return all.subarray(0, n)
  }

  async bytes(n: number): Promise<Buffer> {
    while (this.available < n) await this.more()
    return this.take(n)
  }

  async line(): Promise<Buffer> {
    for (;;) {
      let offset = 0
      for (const chunk of this.chunks) {
        const at = chunk.indexOf(0x0a)
        if (at >= 0) return this.take(offset + at + 1).subarray(0, offset + at)
        offset += chunk.length
      }
      await this.more()
    }
  }

  /** Sends `input` (a string is sent as UTF-8) and reads the answer with `read`, after the requests before it. */
  request<T>(input: string | Uint8Array, read: (reply: GitReply) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.failure) throw this.failure
      this.child.stdin!.write(input)
      try {
        return await read(this)
      } catch (e) {
        if (!this.failure) {
          // An answer read wrongly leaves the rest of it in the way of the next: this process is done.
          this.failure = new GitError(this.args, null, `an answer could not be read: ${(e as Error).message}`)
          this.child.kill()
        }
        throw e
      }
    }
    const answer = this.queue.then(run, run)
    this.queue = answer.catch(() => undefined)
    return answer
  }

  /** Ends the input and waits for git to exit. Never rejects: the answers that mattered have been read. */
  async close(): Promise<void> {
    this.child.stdin!.end()
    await this.exited
  }
}
