// The git store (docs/contract.md §3).
//
// A change is a function from the files as they are to the files as they
// should be. It is applied to the branch as it is on origin now, committed (only the
// files it changed) and pushed. When the push is rejected because the branch
// moved, the store fetches the branch, applies the same function to the files
// as they now are on the remote, and tries again with jittered backoff. It
// never merges text and never force-pushes.

import { lstat, readFile, realpath, writeFile, mkdir, unlink } from 'node:fs/promises'
import path from 'node:path'
import { GitError, GitTimeoutError, git, networkTimeoutMs } from './git.js'
import { BOT, GitObjects, type Identity, type IndexEntry } from './git-tree.js'

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
  /** The least backoff slot in ms (see LoopOptions). */
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
  /** The branch on origin the commit was pushed to (when persisting). */
  branch?: string | undefined
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
/**
 * Git's own verdict that the push was behind the remote branch: retried even when the next fetch
 * shows the old tip (the fetch may read a mirror or a cache that lags the push's remote).
 * Anything else with the branch where it was is the remote refusing the change.
 */
const BEHIND = /fetch first|non-fast-forward|stale info/i

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/**
 * Refuses a symbolic link at `abs` or at any directory between `root` and it: a state file is
 * read and written where it is, never where a committed link points (outside the repository,
 * into .git). Missing parts are fine: they are created as plain directories.
 */
export async function refuseSymlinks(root: string, abs: string, file: string = path.relative(root, abs)): Promise<void> {
  const rel = path.relative(root, abs)
  let at = root
  for (const part of rel.split(path.sep)) {
    at = path.join(at, part)
    const stat = await lstat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined
      throw e
    })
    if (!stat) return
    if (stat.isSymbolicLink()) {
      const shown = path.relative(root, at).split(path.sep).join('/')
      throw new Error(
        `${shown} is a symbolic link${shown === file ? '' : ` (on the way to ${file})`}; batch-ops does not follow symbolic links for its state files. ` +
          `Replace it with a regular ${shown === file ? 'file' : 'directory'} (git rm ${shown}, commit, push), or point the input at another path.`
      )
    }
  }
}

async function readWorktree(root: string, abs: string): Promise<string | null> {
  await refuseSymlinks(root, abs)
  try {
    return await readFile(abs, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

async function writeWorktree(root: string, abs: string, content: string | null): Promise<void> {
  await refuseSymlinks(root, abs)
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
  if (rel.split(path.sep).some((part) => part.toLowerCase() === '.git')) {
    throw new Error(`path ${JSON.stringify(file)} is inside git's own directory (a .git segment); batch-ops never reads or writes state there. Choose a path in the working tree.`)
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
  const snapshot: Snapshot = { read: (f) => readWorktree(opts.cwd, where(f)) }
  const change = await apply(snapshot, 1)
  const changed = await changedFiles(change.files, snapshot)
  for (const f of changed) await writeWorktree(opts.cwd, where(f), change.files[f]!)
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
  /**
   * The least backoff slot, in ms (default 100). The slot is the longest any
   * attempt of this run took from its fetch to the push's answer: the window in
   * which another writer's push makes this one fail. It grows with the load on
   * the machine and with the network, and the waits grow with it.
   */
  backoffMs?: number
  /** The longest single wait, in ms (default 30 s). */
  maxBackoffMs?: number
  random?: () => number
  sleep?: (ms: number) => Promise<void>
  /** A clock in ms (default performance.now). */
  now?: () => number
  /** When the fetch of `initial` started, by `now` (default: when the loop starts). */
  startedAt?: number
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
 * How long to wait after the `attempt`-th rejected push before fetching again:
 * 1 to 4 slots after the first rejection, 2 to 8 after the second, 4 to 16 after
 * the third … (at most `cap`), `random` in [0, 1) placing it in that range.
 *
 * A slot is how long an attempt takes from its fetch to the push's answer: the
 * window in which another writer's push makes this one fail. Writers rejected
 * together re-apply spread over several windows instead of at the same moment
 * again, and not sooner than one window (the writer that just won needs about
 * that long to be out of the way). Measured rather than fixed, the slot follows
 * what the window costs where the action runs: the network to the remote, and the
 * load on the machine, which grows with the number of writers started together.
 */
export function backoffWait(attempt: number, slot: number, random: number, cap: number): number {
  return Math.round(Math.min(cap, slot * 2 ** (attempt - 1) * (1 + 3 * random)))
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
  const now = opts.now ?? (() => performance.now())
  const cap = opts.maxBackoffMs ?? 30_000
  let slot = opts.backoffMs ?? 100
  let fetchedAt = opts.startedAt ?? now()
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
    slot = Math.max(slot, now() - fetchedAt)
    if (attempt === max) break
    const wait = backoffWait(attempt, slot, random(), cap)
    opts.log?.(`Push to ${where} rejected (attempt ${attempt}/${max}): the branch moved. Re-applying the change to the new state in ${wait} ms.`)
    await sleep(wait)
    fetchedAt = now()
    const previous = base
    base = await remote.refetch()
    // A rejection with the branch where it was is not a race another writer won (a hook, a
    // protection rule, a full disk): trying again cannot help, and the remote's words say why.
    if (Object.is(base, previous) && !BEHIND.test(lastReason)) {
      throw new StoreError(
        `The push to ${where} was rejected and the branch has not moved since (still at ${String(base).slice(0, 12)}), so no other writer got there first: ` +
          `the remote refused the change. It said: ${lastReason}. Nothing was pushed. Fix what the remote objects to (a hook, a branch protection rule) and re-run the job.`,
        intended,
        attempt
      )
    }
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
    readonly root: string,
    /** Where `git fetch` writes the tip it fetched. */
    private readonly fetchHead: string
  ) {}

  static async open(given: StoreOptions): Promise<GitStore> {
    // git names the top level by its real path: resolve the workspace the same way (a symlinked
    // GITHUB_WORKSPACE would otherwise put every state file "outside the repository").
    const opts = { ...given, cwd: await realpath(given.cwd).catch(() => given.cwd) }
    const { stdout } = await git(['rev-parse', '--show-toplevel', '--git-path', 'FETCH_HEAD'], { cwd: opts.cwd }).catch((e: unknown) => {
      throw new Error(
        `${opts.cwd} is not inside a git repository, so the change cannot be committed and pushed ` +
          `(run actions/checkout first, or set persist: 'false'): ${(e as Error).message}`
      )
    })
    const [root = '', fetchHead = ''] = stdout.split('\n')
    return new GitStore(opts, root, path.resolve(opts.cwd, fetchHead))
  }

  private run(args: string[], extra: { env?: NodeJS.ProcessEnv; input?: string; okCodes?: number[]; timeoutMs?: number } = {}) {
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

  private snapshotAt(objects: GitObjects, base: string): Snapshot {
    const cache = new Map<string, Promise<string | null>>()
    return {
      commit: base,
      root: this.root,
      read: (file) => {
        const { rel } = confine(this.root, this.opts.cwd, file)
        let p = cache.get(rel)
        if (!p) {
          p = objects.readFile(base, rel)
          cache.set(rel, p)
        }
        return p
      }
    }
  }

  /** A commit with `files` on top of `base`, made of objects only (the checkout and its index are not touched). */
  private async commitOnto(objects: GitObjects, base: string, files: Record<string, string | null>, message: string): Promise<string> {
    const entries: IndexEntry[] = await Promise.all(
      Object.entries(files).map(async ([file, content]): Promise<IndexEntry> => {
        const { rel } = confine(this.root, this.opts.cwd, file)
        return content === null ? { path: rel, remove: true } : { path: rel, mode: '100644', blob: await objects.writeBlob(content) }
      })
    )
    return (await objects.commit(base, entries, message, this.opts.author ?? BOT)).commit
  }

  /** Fetches the branch and returns its tip, read from FETCH_HEAD without another git process. */
  private async fetchTip(branch: string): Promise<string> {
    // No automatic maintenance after the fetch: it would run between this fetch and the push.
    await this.run(['-c', 'maintenance.auto=false', 'fetch', '--no-tags', '--quiet', 'origin', `refs/heads/${branch}`], { timeoutMs: networkTimeoutMs() })
    const head = /^([0-9a-f]{40}(?:[0-9a-f]{24})?)\t/.exec(await readFile(this.fetchHead, 'utf8').catch(() => ''))
    return head ? head[1]! : (await this.run(['rev-parse', 'FETCH_HEAD'])).stdout.trim()
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
    for (const [file, content] of Object.entries(files)) await writeWorktree(this.root, path.resolve(this.opts.cwd, file), content)
  }

  async update<R>(apply: (snapshot: Snapshot, attempt: number) => Promise<Change<R>>): Promise<StoreOutcome<R>> {
    const branch = await this.branch()
    const head = (await this.run(['rev-parse', 'HEAD'])).stdout.trim()
    // git cat-file, hash-object and mktree, started before the race window rather than in it.
    const objects = new GitObjects(this.root)
    objects.prepare()
    const remote: Remote<string, string> = {
      snapshot: (base) => this.snapshotAt(objects, base),
      commit: (base, files, message) => this.commitOnto(objects, base, files, message),
      push: async (commit) => {
        try {
          const { stdout } = await this.run(['push', '--porcelain', 'origin', `${commit}:refs/heads/${branch}`], { timeoutMs: networkTimeoutMs() })
          // '=' (up to date): the branch already is this very commit. Another run made the same
          // change on the same base in the same second (commits are deterministic) and pushed it
          // first; ours added nothing, so it must be re-applied on top of theirs.
          if (/^=\t/m.test(stdout)) return { ok: false, reason: 'another run pushed an identical commit first' }
          return { ok: true }
        } catch (e) {
          // A remote that stops answering is not a race another writer won: no retry.
          if (e instanceof GitTimeoutError) throw e
          // With --porcelain, git reports the rejection ("[rejected] (fetch first)") on stdout.
          if (e instanceof GitError && RETRYABLE.test(`${e.stdout}\n${e.stderr}\n${e.message}`)) {
            const rejected = e.stdout.split('\n').find((l) => l.startsWith('!'))
            return { ok: false, reason: (rejected ?? e.stderr).trim().split('\n').slice(-3).join(' / ') }
          }
          throw new Error(`git push to origin ${branch} failed and is not retryable: ${(e as Error).message}`)
        }
      },
      refetch: () => this.fetchTip(branch)
    }
    let outcome: LoopOutcome<R, string>
    try {
      // Decide on the remote's current state, not on the checkout, which may be minutes old:
      // a decision that writes nothing (skip, ignore) is never checked by a push.
      const started = performance.now()
      const tip = await remote.refetch()
      outcome = await reapplyUntilPushed(remote, tip, apply, { ...this.opts, where: `origin ${branch}`, startedAt: started })
    } finally {
      await objects.close()
    }
    if (outcome.commit) {
      // The change is on origin now: a checkout that cannot follow is worth a warning, not a failed
      // step (a re-run would apply the change a second time).
      await this.syncCheckout(head, outcome.commit, outcome.written).catch((e: Error) =>
        this.opts.log?.(
          `The change is pushed to origin ${branch} as ${outcome.commit!.slice(0, 12)}, but this checkout could not be brought up to date (${e.message}). ` +
            `Later steps of this job see the files as they were; fetch origin ${branch} if they need them.`
        )
      )
    }
    return { result: outcome.result, changed: outcome.changed, commit: outcome.commit, branch, attempts: outcome.attempts }
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

/**
 * A state file in the working tree, read as batch-ops reads every state file: inside `cwd`,
 * never through a symbolic link or a .git segment; null when it does not exist.
 */
export async function readWorkspaceFile(cwd: string, file: string): Promise<string | null> {
  return readWorktree(cwd, confine(cwd, cwd, file).abs)
}
