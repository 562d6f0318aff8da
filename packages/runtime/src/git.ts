// Runs git through @actions/exec, with an argument array (never a shell string).
//
// Output is captured, not echoed: git's own output is data here (file contents,
// logs), and the action decides what reaches the log.

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

/**
 * Runs git and hands its stdout to `onStdout` as it arrives (decoded as UTF-8,
 * never split inside a character). Resolves with the exit code; rejects with a
 * GitError for any other code than 0 or `okCodes`.
 */
export async function gitStream(args: readonly string[], opts: GitOptions, onStdout: (text: string) => void): Promise<number> {
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
    if (e instanceof GitError) throw new GitError(e.args, e.code, e.stderr, stdout)
    throw e
  }
}
