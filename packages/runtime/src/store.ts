// The git store (docs/contract.md §3).
//
// A change is a function from the files as they are to the files as they
// should be. It is applied to the branch as it is on origin now, committed (only the
// files it changed) and pushed. When the push is rejected because the branch
// moved, the store fetches the branch, applies the same function to the files
// as they now are on the remote, and tries again with jittered backoff. It
// never merges text and never force-pushes.

import { readFile, writeFile, mkdir, unlink } from 'node:fs/promises'
import path from 'node:path'
import { GitError, git } from './git.js'
import { BOT, type Identity, type IndexEntry, commitEntries, writeBlob } from './git-tree.js'

export interface Snapshot {
  /** The file's content at the base of this attempt; null when it does not exist. */
  read(file: string): Promise<string | null>
  /** The commit this attempt is based on (the fetched tip); undefined for the working tree. */
  commit?: string
  /** The repository's top directory, when git-backed. */
  root?: string
}

export interface Change<R> {
  /** New contents by path (relative to the store's directory); null deletes. */
  files: Record<string, string | null>
  /** Full commit message (subject, blank line, trailers). */
  message: string
  result: R
}

export interface StoreOptions {
  /** Directory the paths are relative to (GITHUB_WORKSPACE). */
  cwd: string
  /** false: write the working tree only. */
  persist: boolean
  maxAttempts: number
  author?: Identity
  /** Branch to push to when HEAD is detached (from GITHUB_REF). */
  fallbackRef?: string
  /** Base delay of the backoff in ms (full jitter, doubling, capped at 30 times this). */
  backoffMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
  log?: (message: string) => void
}

export interface StoreOutcome<R> {
  result: R
  /** Files that differed and were written. */
  changed: string[]
  /** The commit pushed, when persisting and something changed. */
  commit?: string | undefined
  attempts: number
}

/** The push kept being rejected, or git failed: nothing was pushed. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly intended: Record<string, string | null>,
    readonly attempts: number
  ) {
    super(message)
    this.name = 'StoreError'
  }
}

const RETRYABLE = /non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|stale info|\[rejected\]/i

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

async function readWorktree(abs: string): Promise<string | null> {
  try {
    return await readFile(abs, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

async function writeWorktree(abs: string, content: string | null): Promise<void> {
  if (content === null) {
    await unlink(abs).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
    return
  }
  await mkdir(path.dirname(abs), { recursive: true })
  await writeFile(abs, content)
}

/** Resolves `file` against `cwd` and refuses anything that leaves `root`. */
export function confine(root: string, cwd: string, file: string): { abs: string; rel: string } {
  const abs = path.resolve(cwd, file)
  const rel = path.relative(root, abs)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`path ${JSON.stringify(file)} is outside the repository at ${root}`)
  }
  return { abs, rel: rel.split(path.sep).join('/') }
}

async function changedFiles(
  files: Record<string, string | null>,
  snapshot: Snapshot
): Promise<string[]> {
  const out: string[] = []
  for (const [file, content] of Object.entries(files)) {
    if ((await snapshot.read(file)) !== content) out.push(file)
  }
  return out
}

/** Applies `apply` to the working tree only (persist: 'false'). */
async function applyToWorktree<R>(opts: StoreOptions, apply: (s: Snapshot, attempt: number) => Promise<Change<R>>): Promise<StoreOutcome<R>> {
  const where = (f: string): string => confine(opts.cwd, opts.cwd, f).abs
  const snapshot: Snapshot = { read: (f) => readWorktree(where(f)) }
  const change = await apply(snapshot, 1)
  const changed = await changedFiles(change.files, snapshot)
  for (const f of changed) await writeWorktree(where(f), change.files[f]!)
  return { result: change.result, changed, attempts: 1 }
}

/** What the re-apply loop needs from a remote: read a state, commit on it, push, fetch the new tip. */
export interface Remote<Base, Commit> {
  snapshot(base: Base): Snapshot
  commit(base: Base, files: Record<string, string | null>, message: string): Promise<Commit>
  /** Pushes without force; `ok: false` when the branch moved (retry), throws when it cannot succeed. */
  push(commit: Commit): Promise<{ ok: true } | { ok: false; reason: string }>
  /** Fetches the branch and returns its tip. */
  refetch(): Promise<Base>
}

export interface LoopOptions {
  maxAttempts: number
  backoffMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
  log?: (message: string) => void
  /** Named in messages, e.g. "origin main". */
  where?: string
}

export interface LoopOutcome<R, Commit> {
  result: R
  changed: string[]
  attempts: number
  commit?: Commit
  /** The files as committed (only those that changed). */
  written: Record<string, string | null>
}

/**
 * Applies `apply` to `initial`, commits and pushes; when the push is rejected,
 * fetches and applies the same function to the new tip. The change is always
 * recomputed from the state it is committed on, so N concurrent writers end
 * with all N changes, as if applied one after another.
 */
export async function reapplyUntilPushed<R, Base, Commit>(
  remote: Remote<Base, Commit>,
  initial: Base,
  apply: (snapshot: Snapshot, attempt: number) => Promise<Change<R>>,
  opts: LoopOptions
): Promise<LoopOutcome<R, Commit>> {
  const max = Math.max(1, opts.maxAttempts)
  const random = opts.random ?? Math.random
  const sleep = opts.sleep ?? delay
  const backoff = opts.backoffMs ?? 250
  const where = opts.where ?? 'the remote'
  let base = initial
  let intended: Record<string, string | null> = {}
  let lastReason = ''
  for (let attempt = 1; attempt <= max; attempt++) {
    const snapshot = remote.snapshot(base)
    const change = await apply(snapshot, attempt)
    const changed = await changedFiles(change.files, snapshot)
    if (changed.length === 0) return { result: change.result, changed, attempts: attempt, written: {} }
    intended = Object.fromEntries(changed.map((f) => [f, change.files[f]!]))
    const commit = await remote.commit(base, intended, change.message)
    let pushed: { ok: true } | { ok: false; reason: string }
    try {
      pushed = await remote.push(commit)
    } catch (e) {
      throw new StoreError((e as Error).message, intended, attempt)
    }
    if (pushed.ok) return { result: change.result, changed, commit, attempts: attempt, written: intended }
    lastReason = pushed.reason
    if (attempt === max) break
    const wait = Math.round(random() * Math.min(backoff * 30, backoff * 2 ** (attempt - 1)))
    opts.log?.(`Push to ${where} rejected (attempt ${attempt}/${max}): the branch moved. Re-applying the change to the new state in ${wait} ms.`)
    await sleep(wait)
    base = await remote.refetch()
  }
  throw new StoreError(
    `Could not push to ${where} after ${max} attempts: every push was rejected because the branch kept moving ` +
      `(last: ${lastReason}). Nothing was pushed. Re-run the job, or raise max-attempts.`,
    intended,
    max
  )
}

export class GitStore {
  private constructor(
    private readonly opts: StoreOptions,
    private readonly root: string
  ) {}

  static async open(opts: StoreOptions): Promise<GitStore> {
    const { stdout } = await git(['rev-parse', '--show-toplevel'], { cwd: opts.cwd }).catch((e: unknown) => {
      throw new Error(
        `${opts.cwd} is not inside a git repository, so the change cannot be committed and pushed ` +
          `(run actions/checkout first, or set persist: 'false'): ${(e as Error).message}`
      )
    })
    return new GitStore(opts, stdout.trim())
  }

  private run(args: string[], extra: { env?: NodeJS.ProcessEnv; input?: string; okCodes?: number[] } = {}) {
    return git(args, { cwd: this.root, ...extra })
  }

  /** The branch to push to: the checked-out one, or the one GITHUB_REF names when HEAD is detached. */
  async branch(): Promise<string> {
    const { stdout, code } = await this.run(['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] })
    if (code === 0 && stdout.trim()) return stdout.trim()
    const ref = this.opts.fallbackRef ?? ''
    if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length)
    throw new Error(
      `HEAD is detached and GITHUB_REF (${ref || 'unset'}) does not name a branch, so there is no branch to push the change to. ` +
        `Check out a branch (actions/checkout with ref: <branch>) or set persist: 'false'.`
    )
  }

  private snapshotAt(base: string): Snapshot {
    const cache = new Map<string, Promise<string | null>>()
    return {
      commit: base,
      root: this.root,
      read: (file) => {
        const { rel } = confine(this.root, this.opts.cwd, file)
        let p = cache.get(rel)
        if (!p) {
          p = (async () => {
            const found = await this.run(['rev-parse', '--verify', '--quiet', `${base}:${rel}`], { okCodes: [1, 128] })
            if (found.code !== 0) return null
            const object = found.stdout.trim()
            const blob = await this.run(['cat-file', 'blob', object], { okCodes: [128] })
            if (blob.code === 0) return blob.stdout
            const type = (await this.run(['cat-file', '-t', object])).stdout.trim()
            throw new Error(`${rel} is ${type === 'tree' ? 'a directory' : `a git ${type}`} in commit ${base.slice(0, 12)}, not a file`)
          })()
          cache.set(rel, p)
        }
        return p
      }
    }
  }

  /** A commit with `files` on top of `base`, built in a private index (the real one is not touched). */
  private async commitOnto(base: string, files: Record<string, string | null>, message: string): Promise<string> {
    const entries: IndexEntry[] = []
    for (const [file, content] of Object.entries(files)) {
      const { rel } = confine(this.root, this.opts.cwd, file)
      entries.push(content === null ? { path: rel, remove: true } : { path: rel, mode: '100644', blob: await writeBlob(this.root, content) })
    }
    return (await commitEntries(this.root, base, entries, message, this.opts.author ?? BOT)).commit
  }

  /** Moves the local checkout to `commit` when that is a fast-forward; otherwise writes the files only. */
  private async syncCheckout(oldHead: string, commit: string, files: Record<string, string | null>): Promise<void> {
    const ff = await this.run(['merge-base', '--is-ancestor', oldHead, commit], { okCodes: [1] })
    if (ff.code === 0) {
      try {
        await this.run(['read-tree', '-m', '-u', oldHead, commit])
        await this.run(['update-ref', '-m', 'batch-ops: fast-forward to pushed state', 'HEAD', commit, oldHead])
        return
      } catch (e) {
        this.opts.log?.(`Could not fast-forward the local checkout (${(e as Error).message}); writing the changed files only.`)
      }
    }
    for (const [file, content] of Object.entries(files)) await writeWorktree(path.resolve(this.opts.cwd, file), content)
  }

  async update<R>(apply: (snapshot: Snapshot, attempt: number) => Promise<Change<R>>): Promise<StoreOutcome<R>> {
    const branch = await this.branch()
    const head = (await this.run(['rev-parse', 'HEAD'])).stdout.trim()
    const remote: Remote<string, string> = {
      snapshot: (base) => this.snapshotAt(base),
      commit: (base, files, message) => this.commitOnto(base, files, message),
      push: async (commit) => {
        try {
          const { stdout } = await this.run(['push', '--porcelain', 'origin', `${commit}:refs/heads/${branch}`])
          // '=' (up to date): the branch already is this very commit. Another run made the same
          // change on the same base in the same second (commits are deterministic) and pushed it
          // first; ours added nothing, so it must be re-applied on top of theirs.
          if (/^=\t/m.test(stdout)) return { ok: false, reason: 'another run pushed an identical commit first' }
          return { ok: true }
        } catch (e) {
          // With --porcelain, git reports the rejection ("[rejected] (fetch first)") on stdout.
          if (e instanceof GitError && RETRYABLE.test(`${e.stdout}\n${e.stderr}\n${e.message}`)) {
            const rejected = e.stdout.split('\n').find((l) => l.startsWith('!'))
            return { ok: false, reason: (rejected ?? e.stderr).trim().split('\n').slice(-3).join(' / ') }
          }
          throw new Error(`git push to origin ${branch} failed and is not retryable: ${(e as Error).message}`)
        }
      },
      refetch: async () => {
        await this.run(['fetch', '--no-tags', '--quiet', 'origin', `refs/heads/${branch}`])
        return (await this.run(['rev-parse', 'FETCH_HEAD'])).stdout.trim()
      }
    }
    // Decide on the remote's current state, not on the checkout, which may be minutes old:
    // a decision that writes nothing (skip, ignore) is never checked by a push.
    const tip = await remote.refetch()
    const outcome = await reapplyUntilPushed(remote, tip, apply, { ...this.opts, where: `origin ${branch}` })
    if (outcome.commit) await this.syncCheckout(head, outcome.commit, outcome.written)
    return { result: outcome.result, changed: outcome.changed, commit: outcome.commit, attempts: outcome.attempts }
  }
}

/** Applies a change through git (persist) or to the working tree only. */
export async function applyChange<R>(
  opts: StoreOptions,
  apply: (snapshot: Snapshot, attempt: number) => Promise<Change<R>>
): Promise<StoreOutcome<R>> {
  if (!opts.persist) return applyToWorktree(opts, apply)
  const store = await GitStore.open(opts)
  return store.update(apply)
}
