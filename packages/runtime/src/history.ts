// Reading a branch's first-parent history for rollback-batch (docs/contract.md §7).

import { type LogCommit, type ManifestData, formatTimestamp, keptChanges, parseLog, underPaths } from '@batch-ops/core'
import { git, gitStream, networkTimeoutMs } from './git.js'
import { log } from './runner.js'

export interface BaseBranch {
  name: string
  /** The fetched tip. */
  tip: string
  /** The remote-tracking ref it was fetched into. */
  ref: string
  /** Whether the clone is shallow (after the fetch): its history can be deepened further. */
  shallow: boolean
  /** When a shallow clone was fetched with --shallow-since: that time (epoch ms). */
  shallowSince?: number
}

/** The remote's default branch (`git ls-remote --symref origin HEAD`), without the API. */
export async function remoteDefaultBranch(root: string): Promise<string> {
  const { stdout } = await git(['ls-remote', '--symref', 'origin', 'HEAD'], { cwd: root, timeoutMs: networkTimeoutMs() })
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(stdout)
  if (!m) throw new Error(`could not tell origin's default branch (git ls-remote --symref origin HEAD said ${JSON.stringify(stdout.trim())}); set the input 'base'`)
  return m[1]!
}

export interface FetchBaseOptions {
  /**
   * In a shallow clone, fetch the history only back to this time (epoch ms,
   * `--shallow-since`) rather than all of it; readHistory deepens it further when
   * that is not enough. Without it a shallow clone is unshallowed.
   */
  since?: number
}

const isShallow = async (root: string): Promise<boolean> => (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true'

/** `git fetch` of `branch` into its remote-tracking ref, bounded in time. */
async function fetchBranch(root: string, branch: string, options: string[]): Promise<void> {
  await git(['fetch', '--no-tags', '--quiet', ...options, 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`], { cwd: root, timeoutMs: networkTimeoutMs() })
}

/** Git's own date form, which every git reads the same way: `2026-02-15 00:00:00 +0000`. */
const gitDate = (ms: number): string => formatTimestamp(ms).replace('T', ' ').replace('Z', ' +0000')

/**
 * Fetches `branch` from origin into refs/remotes/origin/<branch>. A full clone
 * fetches what is new; a shallow one only the history since `since` (or all of
 * it, without `since`).
 */
export async function fetchBase(root: string, branch: string, o: FetchBaseOptions = {}): Promise<BaseBranch> {
  const ref = `refs/remotes/origin/${branch}`
  const shallow = await isShallow(root)
  const cannot = (e: Error): never => {
    throw new Error(`could not fetch the base branch ${JSON.stringify(branch)} from origin: ${e.message}`)
  }
  if (!shallow) await fetchBranch(root, branch, []).catch(cannot)
  else if (o.since === undefined) await fetchBranch(root, branch, ['--unshallow']).catch(cannot)
  else {
    await fetchBranch(root, branch, [`--shallow-since=${gitDate(o.since)}`]).catch(async (e: Error) => {
      // Every commit of the branch is older than that: there is nothing to select; take the tip as it is.
      if (!/no commits selected for shallow requests/.test(e.message)) cannot(e)
      await fetchBranch(root, branch, []).catch(cannot)
    })
  }
  const tip = (await git(['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root })).stdout.trim()
  const base: BaseBranch = { name: branch, tip, ref, shallow: shallow && (await isShallow(root)) }
  if (shallow && o.since !== undefined) base.shallowSince = o.since
  return base
}

const LOG_FORMAT = '--format=%x1e%H %ct%x00%P%x00%B%x00'

interface Segment {
  /** Kept commits (changes to the wanted files, or a wanted message), newest first. */
  kept: LogCommit[]
  /** Commits read. */
  read: number
  /** The oldest commit read, unfiltered. */
  oldest: LogCommit | undefined
  /** The commit the search ended at (not read into `kept`), if it got there. */
  end: LogCommit | undefined
}

/** One `git log --first-parent` pass from `start`, until `ends` accepts a commit (then git is stopped) or the history runs out. */
async function readSegment(root: string, start: string, keep: (file: string) => boolean, keepMessage: ((m: string) => boolean) | undefined, ends?: (c: LogCommit) => boolean): Promise<Segment> {
  const seg: Segment = { kept: [], read: 0, oldest: undefined, end: undefined }
  const stop = new AbortController()
  const take = (text: string): void => {
    for (const c of parseLog(text)) {
      if (seg.end) return
      if (ends?.(c)) {
        seg.end = c
        stop.abort()
        return
      }
      seg.read++
      seg.oldest = c
      const k = keptChanges(c, keep, keepMessage)
      if (k) seg.kept.push(k)
    }
  }
  // Parsed as it streams, so that the parsing overlaps git's walk instead of following it.
  let pending = ''
  await gitStream(['log', '--first-parent', '--no-renames', '-z', '--name-status', LOG_FORMAT, start], { cwd: root, signal: stop.signal }, (chunk) => {
    pending += chunk
    const complete = pending.lastIndexOf('\x1e')
    if (complete > 0) {
      take(pending.slice(0, complete))
      pending = pending.slice(complete)
    }
  })
  take(pending)
  return seg
}

/** The first parent as the commit object records it (a shallow clone's boundary hides it from git log); '' for a root. */
async function recordedParent(root: string, sha: string): Promise<string> {
  const { stdout } = await git(['cat-file', 'commit', sha], { cwd: root })
  return /^parent ([0-9a-f]+)$/m.exec(stdout.split('\n\n')[0] ?? '')?.[1] ?? ''
}

const hasCommit = async (root: string, sha: string): Promise<boolean> =>
  (await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: root, okCodes: [1, 128] })).code === 0

/** Deepening steps (commits) for a shallow clone whose fetched history is not yet enough; then --unshallow. */
export const DEEPEN_STEPS = [1, 10, 100, 1_000, 10_000] as const

export interface HistoryOptions {
  /** Keep changes to files under these paths… */
  paths: readonly string[]
  /** …or exactly these files. */
  files?: readonly string[]
  /** Also keep commits with no such change whose message this accepts (to say what they did). */
  keepMessage?: (message: string) => boolean
  /** Where the search ends: this commit and everything older need not be read (batchSearchEnd). Without it, all of the history is read. */
  ends?: (c: LogCommit) => boolean
  /** Commits that must be in the clone too, given what has been read (e.g. the manifest's base commit); asked once the search has ended. */
  needs?: (history: readonly LogCommit[]) => Promise<string[]>
}

export interface BranchHistory {
  /** First-parent history of the tip, newest first: the kept commits down to where the search ended. */
  commits: LogCommit[]
  /** First-parent commits read. */
  read: number
  /** Where the search ended: before this commit, or at the first commit of the history ('root'). */
  end: LogCommit | 'root'
  /** The --deepen steps a shallow clone took, and whether it was unshallowed in the end. */
  deepened: number[]
  unshallowed: boolean
  /** Needed commits that are not in the clone even so. */
  missing: string[]
}

/**
 * The first-parent history of `base`'s tip, each commit with its changes to
 * files under `paths` (or exactly `files`); commits with none are left out.
 * Read from the tip back to where `ends` says the search may stop, and no further.
 *
 * A shallow clone holds only what fetchBase fetched: when the search has not
 * ended at its boundary (or a needed commit is missing), it is deepened by
 * DEEPEN_STEPS (`git fetch --deepen=N`, each step reading only the newly fetched
 * commits), and unshallowed as the last resort.
 *
 * The filtering is done here rather than with a git pathspec: with a pathspec,
 * `git log --first-parent` walks the trees twice and takes about twice as long
 * over a long history (measured: 3.7 s against 1.9 s for 20,000 commits).
 */
export async function readHistory(root: string, base: BaseBranch, o: HistoryOptions): Promise<BranchHistory> {
  const exact = new Set(o.files ?? [])
  const keep = (file: string): boolean => exact.has(file) || underPaths(file, o.paths)
  const out: BranchHistory = { commits: [], read: 0, end: 'root', deepened: [], unshallowed: false, missing: [] }
  let start = base.tip
  let ended = false
  let shallow = base.shallow
  let steps = 0
  const cannot = (e: Error): never => {
    throw new Error(`could not fetch more of the base branch ${JSON.stringify(base.name)} from origin (the history fetched so far does not reach back far enough for the batch): ${e.message}`)
  }
  for (;;) {
    if (!ended) {
      const seg = await readSegment(root, start, keep, o.keepMessage, o.ends)
      const oldest = seg.oldest
      if (seg.end) {
        out.end = seg.end
        ended = true
      } else if (oldest && oldest.parent === '' && (await recordedParent(root, oldest.sha)) !== '') {
        // The boundary of a shallow clone: git log shows it as a first commit, its changes as
        // against nothing. It is read again, from here, once its parent has been fetched.
        if (seg.kept[seg.kept.length - 1]?.sha === oldest.sha) seg.kept.pop()
        seg.read--
        start = oldest.sha
      } else ended = true
      out.commits.push(...seg.kept)
      out.read += seg.read
    }
    if (ended) {
      out.missing = []
      for (const sha of (await o.needs?.(out.commits)) ?? []) if (!(await hasCommit(root, sha))) out.missing.push(sha)
      if (out.missing.length === 0 || !shallow) break
    } else if (!shallow) {
      // Unshallowed, and still a boundary: nothing more can be fetched.
      break
    }
    const n = DEEPEN_STEPS[steps++]
    const why = ended ? `${out.missing.join(', ')} not in the clone yet` : `the search has not reached a commit from before the batch yet (${out.read} read)`
    if (n !== undefined) {
      log.info(`Deepening ${base.name} by ${n} commit${n === 1 ? '' : 's'}: ${why}`)
      await fetchBranch(root, base.name, [`--deepen=${n}`]).catch(cannot)
      out.deepened.push(n)
    } else {
      log.info(`Unshallowing ${base.name} (${why}): ${out.deepened.reduce((a, b) => a + b, 0)} commits of deepening were not enough`)
      await fetchBranch(root, base.name, ['--unshallow']).catch(cannot)
      out.unshallowed = true
      shallow = false
    }
  }
  return out
}

/** The manifest as the commit that added it holds it; null when it is not valid JSON of the right shape. */
export async function readManifestAt(root: string, commit: string, file: string): Promise<ManifestData | null> {
  const { stdout, code } = await git(['cat-file', 'blob', `${commit}:${file}`], { cwd: root, okCodes: [128] })
  if (code !== 0) return null
  try {
    const m = JSON.parse(stdout) as { files?: unknown; base_commit?: unknown }
    if (!Array.isArray(m.files)) return null
    const files = m.files.filter(
      (f): f is { path: string; status: 'A' | 'M' | 'D' } =>
        typeof f === 'object' && f !== null && typeof (f as { path?: unknown }).path === 'string' && ['A', 'M', 'D'].includes((f as { status?: unknown }).status as string)
    )
    return typeof m.base_commit === 'string' && /^[0-9a-f]{40}$/.test(m.base_commit) ? { files, base_commit: m.base_commit } : { files }
  } catch {
    return null
  }
}

/** Mode and blob of each path in `commit` (paths missing there are absent from the map). */
export async function treeEntries(root: string, commit: string, paths: readonly string[]): Promise<Map<string, { mode: string; blob: string }>> {
  const out = new Map<string, { mode: string; blob: string }>()
  if (paths.length === 0) return out
  const { stdout } = await git(['ls-tree', '-z', '--full-tree', commit, '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: root })
  for (const entry of stdout.split('\0')) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry)
    if (m && m[2] === 'blob') out.set(m[4]!, { mode: m[1]!, blob: m[3]! })
  }
  return out
}
