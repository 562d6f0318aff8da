// Runs git with an argument array (never a shell string).

import { execFile } from 'node:child_process'

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

export function git(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args as string[],
      {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 1024 * 1024 * 1024,
        encoding: 'utf8'
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, code: 0 })
        const code = typeof err.code === 'number' ? err.code : null
        if (code !== null && opts.okCodes?.includes(code)) return resolve({ stdout, code })
        reject(new GitError(args, err.code ?? null, stderr, stdout))
      }
    )
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}
