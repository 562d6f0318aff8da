// The rollback planner (docs/contract.md §7), pure.
//
// Given the first-parent history of the base branch (newest first, each commit
// with the files it changed), it finds the batch's commits (an exact
// `batch_id: <id>` line or `Batch-Id: <id>` trailer, rollback commits excluded,
// plus the commit that added the batch manifest, for the files the manifest
// lists) and decides for each file under `paths`: delete it (the batch added
// it), restore it to its content before the batch (modified or deleted), or
// report a conflict (a commit outside the batch changed it afterwards).

import type { ChangeStatus } from './batch-record.js'
import { parseDate, utcDay } from './time.js'

export interface LogChange {
  path: string
  status: ChangeStatus
}

export interface LogCommit {
  sha: string
  /** First parent; '' for a root commit. */
  parent: string
  subject: string
  message: string
  changes: LogChange[]
  /** Committer date, epoch seconds, when the log was asked for it (`%H %ct`). */
  time?: number
}

export interface ManifestData {
  files: LogChange[]
  base_commit?: string
}

export interface PlannedFile {
  path: string
  action: 'delete' | 'restore'
  /** Where the content before the batch is read (commit and path); null for delete. */
  before: { commit: string } | null
  /** The batch's commits that touched the file, oldest first. */
  commits: string[]
}

export interface Conflict extends PlannedFile {
  /** Commits outside the batch that changed the file after it, oldest first. */
  later: Array<{ sha: string; subject: string }>
}

/** A manifest entry the plan did not use, and why. */
export interface RejectedEntry {
  path: string
  why: string
}

export interface RollbackPlan {
  batchCommits: string[]
  manifestCommit: string | undefined
  /** Files to change (conflicts included when forced). */
  files: PlannedFile[]
  /** Files changed after the batch; left alone unless forced. */
  conflicts: Conflict[]
  /** Files already back to their state before the batch (an earlier rollback was merged). */
  alreadyRolledBack: string[]
  /** Manifest entries that were skipped: a path outside the repository, or a claim the history contradicts. */
  rejected: RejectedEntry[]
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Whether a commit message marks the commit as part of batch `id`: a whole line, exactly. */
export function batchLineMatcher(id: string): (message: string) => boolean {
  const re = new RegExp(`^(?:batch_id: ${escapeRegExp(id)}|Batch-Id: ${escapeRegExp(id)})[ \\t]*$`, 'm')
  return (message) => re.test(message)
}

const ROLLBACK_OF = /^Rollback-Of: (.+?)[ \t]*$/m

/** The batch a rollback commit took back out, if the message is one. */
export function rollbackOf(message: string): string | undefined {
  return ROLLBACK_OF.exec(message)?.[1]
}

/** Whether `file` lies under one of `paths` (a directory with or without '/', or the file itself). */
export function underPaths(file: string, paths: readonly string[]): boolean {
  return paths.some((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/+$/, '')
    return clean === '' || clean === '.' || file === clean || file.startsWith(clean + '/')
  })
}

/**
 * A path from a manifest, as the planner may use it: relative, normalised
 * (`a/./b` → `a/b`), with no `..` segment, no `.git` segment and no empty
 * segment. A manifest is a file in the repository, so its paths are not trusted.
 */
export function manifestPathProblem(path: string): string | undefined {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return 'not a relative path in the repository'
  const segments = path.split('/').filter((s) => s !== '.')
  if (segments.includes('..')) return "a '..' segment leaves the batch's paths"
  if (segments.some((s) => s.toLowerCase() === '.git')) return "a '.git' segment points into git's own files"
  if (segments.some((s) => s === '')) return 'an empty path segment'
  if (segments.join('/') !== path) return `not in normal form (it would be ${segments.join('/')})`
  return undefined
}

export interface PlanInput {
  batchId: string
  /** First-parent history of base, newest first. */
  history: readonly LogCommit[]
  paths: readonly string[]
  manifestPath: string
  /** The manifest as it was added (read by the caller from the manifest commit), if any. */
  manifest: ManifestData | null
  /**
   * Which of the manifest's files exist at its `base_commit` (read by the caller). With it,
   * a claim the history contradicts is rejected: an "added" file that was already there, a
   * "modified" or "deleted" one that was not.
   */
  existingAtManifestBase?: ReadonlySet<string>
  force: boolean
}

/** The commit that added the manifest file, if the history has one. */
export function findManifestCommit(history: readonly LogCommit[], manifestPath: string): LogCommit | undefined {
  // Newest first: the last match is the oldest, i.e. the commit that first added it.
  let found: LogCommit | undefined
  for (const c of history) if (c.changes.some((ch) => ch.path === manifestPath && ch.status === 'A')) found = c
  return found
}

export function planRollback(input: PlanInput): RollbackPlan {
  const isBatch = batchLineMatcher(input.batchId)
  const manifestCommit = findManifestCommit(input.history, input.manifestPath)
  const rejected: RejectedEntry[] = []
  const manifestFiles = (input.manifest?.files ?? []).filter((f) => {
    const problem = manifestPathProblem(f.path)
    if (problem) rejected.push({ path: f.path, why: problem })
    return problem === undefined
  })
  const listed = new Set(manifestFiles.map((f) => f.path))

  // Oldest first from here on.
  const ordered = [...input.history].reverse()
  const index = new Map(ordered.map((c, i) => [c.sha, i]))
  const inBatch = new Set<string>()
  for (const c of ordered) {
    if (rollbackOf(c.message) !== undefined) continue
    if (isBatch(c.message)) inBatch.add(c.sha)
  }

  interface Touch {
    first: number
    firstStatus: ChangeStatus
    firstParent: string
    last: number
    commits: string[]
  }
  const touched = new Map<string, Touch>()
  const note = (c: LogCommit, i: number, ch: LogChange): void => {
    if (!underPaths(ch.path, input.paths)) return
    const t = touched.get(ch.path)
    if (!t) touched.set(ch.path, { first: i, firstStatus: ch.status, firstParent: c.parent, last: i, commits: [c.sha] })
    else {
      t.last = i
      t.commits.push(c.sha)
    }
  }
  ordered.forEach((c, i) => {
    if (inBatch.has(c.sha)) for (const ch of c.changes) note(c, i, ch)
    else if (manifestCommit && c.sha === manifestCommit.sha) for (const ch of c.changes) if (listed.has(ch.path)) note(c, i, ch)
  })

  // Files the manifest lists that no found commit changed (the batch's own commits
  // carried no marker): their content before the batch is at the manifest's base commit.
  if (manifestCommit && input.manifest?.base_commit) {
    const i = index.get(manifestCommit.sha)!
    for (const f of manifestFiles) {
      if (touched.has(f.path) || !underPaths(f.path, input.paths)) continue
      const existed = input.existingAtManifestBase?.has(f.path)
      if (existed === true && f.status === 'A') {
        rejected.push({ path: f.path, why: `listed as added, but it already existed at the manifest's base ${input.manifest.base_commit.slice(0, 12)}` })
        continue
      }
      if (existed === false && input.existingAtManifestBase && f.status !== 'A') {
        rejected.push({ path: f.path, why: `listed as ${f.status === 'M' ? 'modified' : 'deleted'}, but it did not exist at the manifest's base ${input.manifest.base_commit.slice(0, 12)}` })
        continue
      }
      touched.set(f.path, { first: i, firstStatus: f.status, firstParent: input.manifest.base_commit, last: i, commits: [manifestCommit.sha] })
    }
  }

  const files: PlannedFile[] = []
  const conflicts: Conflict[] = []
  const alreadyRolledBack: string[] = []
  const later = new Map<string, LogCommit[]>()
  ordered.forEach((c, i) => {
    if (inBatch.has(c.sha) || c.sha === manifestCommit?.sha) return
    for (const ch of c.changes) {
      const t = touched.get(ch.path)
      if (t && i > t.last) {
        const list = later.get(ch.path) ?? []
        list.push(c)
        later.set(ch.path, list)
      }
    }
  })

  for (const [path, t] of [...touched].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const planned: PlannedFile = {
      path,
      action: t.firstStatus === 'A' ? 'delete' : 'restore',
      before: t.firstStatus === 'A' ? null : { commit: t.firstParent },
      commits: t.commits
    }
    const after = later.get(path) ?? []
    // A later rollback of this very batch means the file is already back.
    if (after.length > 0 && after.every((c) => rollbackOf(c.message) === input.batchId)) {
      alreadyRolledBack.push(path)
      continue
    }
    const foreign = after.filter((c) => rollbackOf(c.message) !== input.batchId)
    if (foreign.length > 0) {
      conflicts.push({ ...planned, later: foreign.map((c) => ({ sha: c.sha, subject: c.subject })) })
      if (input.force) files.push(planned)
    } else files.push(planned)
  }

  return {
    batchCommits: ordered.filter((c) => inBatch.has(c.sha)).map((c) => c.sha),
    manifestCommit: manifestCommit?.sha,
    files,
    conflicts,
    alreadyRolledBack,
    rejected
  }
}

/**
 * Parses `git log -z --name-status --format=%x1e%H%x00%P%x00%B%x00` output
 * (newest first); with `%H %ct` as the first field, each commit gets its
 * committer date (`time`). With `keep`, only changes to the files it accepts are
 * kept, and commits left with none are dropped, unless `keepMessage` accepts
 * their message.
 */
export function parseLog(text: string, keep?: (path: string) => boolean, keepMessage?: (message: string) => boolean): LogCommit[] {
  const out: LogCommit[] = []
  for (const record of text.split('\x1e')) {
    if (record === '') continue
    const parts = record.split('\0')
    const [sha = '', time] = parts[0]!.trim().split(' ')
    if (sha === '') continue
    const parent = (parts[1] ?? '').split(' ')[0] ?? ''
    const message = parts[2] ?? ''
    const changes: LogChange[] = []
    // After the message: an empty field, then "\n<status>", path, status, path, …
    const rest = parts.slice(3).filter((p) => p !== '')
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const status = rest[i]!.replace(/^\n+/, '').charAt(0)
      const path = rest[i + 1]!
      if (keep && !keep(path)) continue
      if (status === 'A' || status === 'D') changes.push({ path, status })
      else if (status === 'M' || status === 'T') changes.push({ path, status: 'M' })
    }
    if (keep && changes.length === 0 && !keepMessage?.(message)) continue
    const c: LogCommit = { sha, parent, subject: message.split('\n')[0] ?? '', message, changes }
    if (time !== undefined && /^\d+$/.test(time)) c.time = Number(time)
    out.push(c)
  }
  return out
}

/** `c` with only the changes `keep` accepts; undefined when none is left, unless `keepMessage` accepts its message. */
export function keptChanges(c: LogCommit, keep: (path: string) => boolean, keepMessage?: (message: string) => boolean): LogCommit | undefined {
  const changes = c.changes.filter((ch) => keep(ch.path))
  if (changes.length === 0 && !keepMessage?.(c.message)) return undefined
  return changes.length === c.changes.length ? c : { ...c, changes }
}

// ---------------------------------------------------------------------------
// How far back a batch can be (docs/contract.md §7, "how much history")
//
// A batch ID carries the UTC day it was handed out (YYYY-MM-DD-NNN), and every
// commit of the batch names the ID, so every one of them was made after the ID
// existed. preflight-check hands out IDs dated the UTC day it runs, or the next
// day when the counter is already there (docs/contract.md §4 rule 5), so the ID existed from
// 00:00 UTC of the day before its date at the earliest. A commit's committer date
// is the clock of the machine that made it (a runner, GitHub's merge, a laptop);
// one more day covers a clock that is behind. Hence the margin of two days: a
// commit dated before `00:00 UTC of the ID's date - 2 days` was made before the ID
// existed, and so were all its ancestors, so none of them belongs to the batch.
// Merging a batch later (a pull request merged days after its ID's date) only
// makes its commits newer: the date bounds the batch from below, never from above.

/** Days before the ID's date (00:00 UTC) from which the search is sure nothing older belongs to the batch. */
export const BATCH_SEARCH_MARGIN_DAYS = 2
/**
 * A shallow clone is fetched this much further back than the search bound, so that the commit that
 * ends the search (the first one before the bound) is in the first fetch whenever the branch had a
 * commit that day, rather than one more round trip away (`--deepen=1`).
 */
export const BATCH_FETCH_EXTRA_DAYS = 1
const DAY_MS = 86_400_000

/** The date an ID starts with (`YYYY-MM-DD`, then the end or '-'), if it starts with one. */
export function batchIdDay(id: string): string | undefined {
  return /^(\d{4}-\d{2}-\d{2})(?:-|$)/.exec(id)?.[1]
}

/**
 * Why an ID cannot name a batch, judged by its date: a date that is not a day of
 * the calendar, or one later than tomorrow (UTC) at `now` — no batch can have it
 * yet (IDs are dated today, or tomorrow when the counter is ahead, docs/contract.md §4 rule 5).
 */
export function batchIdDateProblem(id: string, now: number): string | undefined {
  const day = batchIdDay(id)
  if (day === undefined) return undefined
  if (parseDate(day) === null) return `its date ${day} is not a day of the calendar`
  const today = utcDay(now)
  if (day > utcDay(now + DAY_MS)) return `its date ${day} lies in the future (today is ${today} UTC), so no batch can have this ID yet`
  return undefined
}

/**
 * Epoch ms before which no commit of the batch can be dated: 00:00 UTC of the
 * ID's date minus BATCH_SEARCH_MARGIN_DAYS. Undefined for an ID without a date
 * (a custom batch-id-pattern): then the whole history is searched.
 */
export function batchSearchSince(id: string): number | undefined {
  const day = batchIdDay(id)
  const midnight = day === undefined ? null : parseDate(day)
  return midnight === null ? undefined : midnight - BATCH_SEARCH_MARGIN_DAYS * DAY_MS
}

/** How far back a shallow clone is fetched first: BATCH_FETCH_EXTRA_DAYS before the search bound. */
export function batchFetchSince(id: string): number | undefined {
  const since = batchSearchSince(id)
  return since === undefined ? undefined : since - BATCH_FETCH_EXTRA_DAYS * DAY_MS
}

/**
 * Where a search of the first-parent history (newest first, every commit, with
 * its committer date) for batch `id` may stop: at the first commit dated before
 * `since` that is not itself part of the batch (a batch line, or the commit that
 * added the manifest). It and everything older predate the ID. The batch's
 * commits are all newer, so the commit before its first one has been read too.
 * A batch whose own commits are dated too early (a clock far behind) does not stop
 * the search: it goes on through them to the first older commit outside the batch.
 */
export function batchSearchEnd(id: string, manifestPath: string, since: number): (c: LogCommit) => boolean {
  const isBatch = batchLineMatcher(id)
  return (c) =>
    c.time !== undefined &&
    c.time * 1000 < since &&
    !(isBatch(c.message) && rollbackOf(c.message) === undefined) &&
    !c.changes.some((ch) => ch.path === manifestPath && ch.status === 'A')
}

/** What a rollback run does with its plan. */
export type RollbackStep =
  | { kind: 'nothing-found'; why: string }
  | { kind: 'dry-run' }
  | { kind: 'all-conflicts' }
  | { kind: 'already-rolled-back' }
  | { kind: 'rollback' }

export function nextRollbackStep(p: RollbackPlan, dryRun: boolean): RollbackStep {
  if (p.files.length + p.conflicts.length + p.alreadyRolledBack.length === 0) {
    const found = p.batchCommits.length + (p.manifestCommit ? 1 : 0) > 0
    return { kind: 'nothing-found', why: found ? 'its commits changed no file under paths' : 'no commit marks this batch' }
  }
  if (dryRun) return { kind: 'dry-run' }
  if (p.files.length > 0) return { kind: 'rollback' }
  return p.conflicts.length > 0 ? { kind: 'all-conflicts' } : { kind: 'already-rolled-back' }
}
