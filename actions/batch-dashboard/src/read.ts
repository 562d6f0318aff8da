// What the dashboard reads: the history files in the workspace, and the control file's versions
// from git. Reading only; nothing here decides what the page shows (that is core dashboard.ts).

import { readdir } from 'node:fs/promises'
import path from 'node:path'
import {
  type ControlVersion,
  type FailureRecord,
  type ManifestInfo,
  type MetricsRecord,
  type SkippedRecord,
  DAY,
  batchDay,
  dashboardMetrics,
  formatTimestamp,
  parseFailureRecords,
  parseManifestInfo
} from '@batch-ops/core'
import { type Snapshot, git, readWorkspaceFile } from '@batch-ops/runtime'

/** The working tree as a store snapshot, for readControl (which fails closed on an invalid file). */
export function worktree(cwd: string): Snapshot {
  return { read: (file) => readWorkspaceFile(cwd, file) }
}

export interface Metrics {
  records: MetricsRecord[]
  skipped: SkippedRecord[]
  lines: number
}

export async function readMetrics(cwd: string, file: string): Promise<Metrics> {
  const text = (await readWorkspaceFile(cwd, file)) ?? ''
  const { records, skipped } = dashboardMetrics(text, file)
  return { records, skipped, lines: records.length + skipped.length }
}

const FAILURE_FILE = /^(\d{4}-\d{2}-\d{2}(?:-\d{3})?)\.jsonl$/

export interface Failures {
  records: FailureRecord[]
  skipped: SkippedRecord[]
  files: number
}

/**
 * The failure files of batches from `from` (less a day: a batch that started the day before may
 * have failed later) to `to`, by the day in their names; every other file is left unread.
 */
export async function readFailures(cwd: string, dir: string, from: number, to: number): Promise<Failures> {
  let names: string[]
  try {
    names = await readdir(path.resolve(cwd, dir))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return { records: [], skipped: [], files: 0 }
    throw e
  }
  const wanted = names
    .map((name) => ({ name, id: FAILURE_FILE.exec(name)?.[1] }))
    .filter((f): f is { name: string; id: string } => {
      const day = f.id ? batchDay(f.id) : null
      return day !== null && day >= from - DAY && day <= to
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
  const out: Failures = { records: [], skipped: [], files: wanted.length }
  const texts = await Promise.all(wanted.map(async (f) => (await readWorkspaceFile(cwd, path.join(dir, f.name))) ?? ''))
  wanted.forEach((f, i) => {
    const parsed = parseFailureRecords(texts[i]!, path.posix.join(dir, f.name), f.id)
    out.records.push(...parsed.records)
    out.skipped.push(...parsed.skipped)
  })
  return out
}

/** The manifests of `ids` that exist: the parsed summary, or why one is unusable. */
export async function readManifests(cwd: string, dir: string, ids: readonly string[]): Promise<{ manifests: Map<string, ManifestInfo | string>; skipped: SkippedRecord[] }> {
  const manifests = new Map<string, ManifestInfo | string>()
  const skipped: SkippedRecord[] = []
  const texts = await Promise.all(ids.map((id) => readWorkspaceFile(cwd, path.join(dir, `${id}.json`))))
  ids.forEach((id, i) => {
    const t = texts[i]
    if (t === null || t === undefined) return
    const info = parseManifestInfo(t)
    manifests.set(id, info)
    if (typeof info === 'string') skipped.push({ file: path.posix.join(dir, `${id}.json`), line: 0, message: info })
  })
  return { manifests, skipped }
}

// ---------------------------------------------------------------------------
// the control file's history

/** The most versions of the control file read from git (a busy registry writes it ~80 times a day). */
export const MAX_VERSIONS = 5000

export interface ControlHistory {
  /** Oldest first; empty when the history could not be read. */
  versions: ControlVersion[]
  /** What was read, or why nothing was, in a sentence for the page. */
  note: string
  /** Set when the history could not be read at all. */
  unavailable?: boolean
}

/** `git cat-file --batch` output → contents by the requested name, in order. */
export function parseCatFileBatch(stdout: string, count: number): Array<string | null> {
  const buf = Buffer.from(stdout, 'utf8')
  const out: Array<string | null> = []
  let at = 0
  while (out.length < count && at < buf.length) {
    const eol = buf.indexOf(0x0a, at)
    if (eol < 0) break
    const header = buf.subarray(at, eol).toString('utf8')
    at = eol + 1
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header)
    if (!m) {
      out.push(null) // "<name> missing" or "ambiguous"
      continue
    }
    const size = Number(m[2])
    out.push(m[1] === 'blob' ? buf.subarray(at, at + size).toString('utf8') : null)
    at += size + 1
  }
  while (out.length < count) out.push(null)
  return out
}

/**
 * The versions of the control file committed since `since` (a week before the window, so that
 * the first change in it has a version before it), up to MAX_VERSIONS, oldest first. A shallow
 * clone (actions/checkout's default) is deepened to `since` first. Never throws: without git or
 * its history, the page says so and marks what the control file holds now.
 */
export async function controlHistory(cwd: string, file: string, since: number): Promise<ControlHistory> {
  const unavailable = (why: string): ControlHistory => ({ versions: [], note: why, unavailable: true })
  try {
    const top = await git(['rev-parse', '--show-toplevel'], { cwd, okCodes: [128] })
    if (top.code !== 0) return unavailable('the workspace is not a git repository')
    const root = top.stdout.trim()
    const rel = path.relative(root, path.resolve(cwd, file)).split(path.sep).join('/')
    if (rel.startsWith('..')) return unavailable(`${file} is outside the repository`)
    const shallow = (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true'
    let deepened = ''
    if (shallow) {
      const branch = (await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: root, okCodes: [1, 128] })).stdout.trim()
      const ref = branch || process.env.GITHUB_REF_NAME || ''
      const fetched = ref
        ? await git(['fetch', '--no-tags', '--quiet', `--shallow-since=${formatTimestamp(since)}`, 'origin', `refs/heads/${ref}`], { cwd: root, okCodes: [1, 128] })
        : { code: 1 }
      deepened = fetched.code === 0 ? ` (the shallow clone was deepened to ${formatTimestamp(since)})` : ' (a shallow clone that could not be deepened: older changes are not in it)'
    }
    const log = await git(['log', `--max-count=${MAX_VERSIONS}`, `--since=${formatTimestamp(since)}`, '--format=%H %ct', 'HEAD', '--', `:(literal)${rel}`], { cwd: root, okCodes: [128] })
    if (log.code !== 0) return unavailable('the repository has no commits yet')
    const commits = log.stdout
      .split('\n')
      .map((l) => /^([0-9a-f]{40}) (\d+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ sha: m[1]!, at: Number(m[2]) * 1000 }))
      .reverse()
    if (commits.length === 0) return { versions: [], note: `${file} did not change in git since ${formatTimestamp(since)}${deepened}.` }
    const batch = await git(['cat-file', '--batch'], { cwd: root, input: commits.map((c) => `${c.sha}:${rel}\n`).join('') })
    const texts = parseCatFileBatch(batch.stdout, commits.length)
    const versions = commits.map((c, i) => {
      let doc: unknown = null
      try {
        doc = texts[i] === null ? null : JSON.parse(texts[i]!)
      } catch {
        doc = null
      }
      return { commit: c.sha, at: c.at, doc }
    })
    const capped = commits.length >= MAX_VERSIONS ? ` (the newest ${MAX_VERSIONS}; older ones were not read)` : ''
    return { versions, note: `${versions.length} version${versions.length === 1 ? '' : 's'} of ${file} in git since ${formatTimestamp(since)}${capped}${deepened}.` }
  } catch (e) {
    return unavailable(`git failed: ${(e as Error).message.split('\n')[0]}`)
  }
}
