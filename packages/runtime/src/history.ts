// Reading a branch's first-parent history for rollback-batch (docs/contract.md §7).

import { type LogCommit, type ManifestData, parseLog, underPaths } from '@batch-ops/core'
import { git, gitStream } from './git.js'

export interface BaseBranch {
  name: string
  /** The fetched tip. */
  tip: string
  /** The remote-tracking ref it was fetched into. */
  ref: string
}

/** The remote's default branch (`git ls-remote --symref origin HEAD`), without the API. */
export async function remoteDefaultBranch(root: string): Promise<string> {
  const { stdout } = await git(['ls-remote', '--symref', 'origin', 'HEAD'], { cwd: root })
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(stdout)
  if (!m) throw new Error(`could not tell origin's default branch (git ls-remote --symref origin HEAD said ${JSON.stringify(stdout.trim())}); set the input 'base'`)
  return m[1]!
}

/**
 * Fetches `branch` from origin into refs/remotes/origin/<branch>. A shallow
 * clone is deepened to the full history, since the batch may be any age.
 */
export async function fetchBase(root: string, branch: string): Promise<BaseBranch> {
  const ref = `refs/remotes/origin/${branch}`
  const shallow = (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true'
  const args = ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--unshallow'] : []), 'origin', `+refs/heads/${branch}:${ref}`]
  await git(args, { cwd: root }).catch((e: Error) => {
    throw new Error(`could not fetch the base branch ${JSON.stringify(branch)} from origin: ${e.message}`)
  })
  const tip = (await git(['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root })).stdout.trim()
  return { name: branch, tip, ref }
}

/**
 * First-parent history of `tip`, newest first, each commit with its changes to
 * files under `paths` (or exactly `files`); commits with none are left out.
 *
 * The filtering is done here rather than with a git pathspec: with a pathspec,
 * `git log --first-parent` walks the trees twice and takes about twice as long
 * over a long history (measured: 3.7 s against 1.9 s for 20,000 commits).
 */
export async function firstParentHistory(
  root: string,
  tip: string,
  paths: readonly string[],
  files: readonly string[] = [],
  /** Also keep commits with no such change whose message this accepts (to say what they did). */
  keepMessage?: (message: string) => boolean
): Promise<LogCommit[]> {
  const exact = new Set(files)
  const keep = (file: string): boolean => exact.has(file) || underPaths(file, paths)
  const args = ['log', '--first-parent', '--no-renames', '-z', '--name-status', '--format=%x1e%H%x00%P%x00%B%x00', tip]
  // Parsed as it streams, so that the parsing overlaps git's walk instead of following it.
  const commits: LogCommit[] = []
  let pending = ''
  await gitStream(args, { cwd: root }, (chunk) => {
    pending += chunk
    const complete = pending.lastIndexOf('\x1e')
    if (complete > 0) {
      for (const c of parseLog(pending.slice(0, complete), keep, keepMessage)) commits.push(c)
      pending = pending.slice(complete)
    }
  })
  for (const c of parseLog(pending, keep, keepMessage)) commits.push(c)
  return commits
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
