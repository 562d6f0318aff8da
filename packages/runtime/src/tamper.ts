// Hand edits of the control file: commits that are not batch-ops' own (core isBatchOpsCommit: the
// trailer in the trailer block, the configured author, only batch-ops' files), since the last
// batch-control command, that move a breaker in a way docs/contract.md §5 forbids.

import { type TamperFinding, acknowledgesHandEdits, forbiddenBreakerMoves, isBatchOpsCommit, loadControl } from '@batch-ops/core'
import type { Identity } from './git-tree.js'
import { type Snapshot, confine } from './store.js'
import { GitTimeoutError, git, networkTimeoutMs } from './git.js'

export interface TamperReport {
  findings: TamperFinding[]
  /** How many hand edits (commits without the trailer) were examined. */
  examined: number
  /** Set when the check could not be done completely; say so, do not fail. */
  incomplete?: string
}

interface FileCommit {
  sha: string
  parent: string
  author: string
  subject: string
  /** batch-ops' own commit (core isBatchOpsCommit): not a hand edit. */
  own: boolean
  /** batch-control's own commit: everything before it was acknowledged. */
  acknowledges: boolean
}

const MAX_COMMITS = 100
/**
 * Deepening a shallow clone towards the last batch-control commit: 10 commits, then
 * 30, then 60 more — at most 100 in all, as much as one `--deepen=100` fetched
 * before — stopping as soon as that commit is in the clone.
 */
const DEEPEN_STEPS = [10, 30, 60] as const

export interface TamperOptions {
  /** The author batch-ops commits as (author-name / author-email). */
  author: Identity
}

/**
 * Commits that changed `file`, newest first, up to and including the last one of batch-control's
 * (which acknowledged what came before). The trailer is read from the trailer block only (git's
 * own %(trailers)), the files from the whole commit (--full-diff), so a message that merely
 * quotes a trailer, or a commit that also changes other files, is not taken for batch-ops'.
 *
 * Two reads, each framed so that no text a committer chooses can pass for structure: the commits
 * and their files as --raw records (a path only ever follows its ":<modes> <ids> <status>" line),
 * then per commit exactly five NUL-separated fields (none of which can hold a NUL).
 */
async function commitsSinceAcknowledged(root: string, tip: string, file: string, opts: TamperOptions): Promise<FileCommit[]> {
  const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
  const listed: Array<{ sha: string; parent: string; files: string[] }> = []
  const raw = (await git(['log', `--max-count=${MAX_COMMITS}`, '--full-diff', '--raw', '--no-abbrev', '-z', '--format=%H %P', tip, '--', `:(literal)${file}`], { cwd: root, okCodes: [128] })).stdout
  let pathNext = false
  for (const token of raw.split('\0')) {
    if (pathNext) {
      listed.at(-1)?.files.push(token)
      pathNext = false
      continue
    }
    const t = token.replace(/^\n+/, '').trim()
    if (t === '') continue
    if (/^:[0-7]{6} [0-7]{6} [0-9a-f]+ [0-9a-f]+ [A-Z][0-9]*$/.test(t)) pathNext = true
    else if (t.split(' ').every((id) => OID.test(id))) {
      const [sha = '', parent = ''] = t.split(' ')
      listed.push({ sha, parent, files: [] })
    } else throw new Error(`git log of ${file} could not be read: unexpected ${JSON.stringify(t.slice(0, 60))}`)
  }
  if (listed.length === 0) return []
  const format = '%H%x00%an%x00%ae%x00%(trailers:key=Batch-Ops-Action,valueonly,separator=%x1f)%x00%s'
  const fields = (await git(['log', '--no-walk=unsorted', '-z', `--format=${format}`, ...listed.map((c) => c.sha)], { cwd: root })).stdout.split('\0')
  const rules = { authorName: opts.author.name, authorEmail: opts.author.email, controlFile: file }
  const out: FileCommit[] = []
  for (const [i, c] of listed.entries()) {
    const [sha, name = '', email = '', trailers = '', subject = ''] = fields.slice(i * 5, i * 5 + 5)
    if (sha !== c.sha) throw new Error(`git log of ${file} could not be read: expected commit ${c.sha.slice(0, 12)}, found ${JSON.stringify(String(sha).slice(0, 60))}`)
    const actions = trailers.trim() === '' ? [] : trailers.trim().split('\x1f').map((a) => a.trim())
    const facts = { actions, authorName: name, authorEmail: email, files: c.files }
    const commit: FileCommit = {
      sha: c.sha,
      parent: c.parent,
      author: `${name} <${email}>`,
      subject,
      own: isBatchOpsCommit(facts, rules),
      acknowledges: acknowledgesHandEdits(facts, rules)
    }
    out.push(commit)
    // Far enough: an operator acted through batch-control after everything older.
    if (commit.acknowledges) break
  }
  return out
}

const isShallow = async (root: string): Promise<boolean> => (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true'

/**
 * Deepens a shallow clone by DEEPEN_STEPS until the last batch-ops commit that
 * changed `file` is in it, the history is whole, or the steps are used up. Each
 * fetch is bounded in time; a failed one ends the deepening and says why.
 */
async function deepenToAcknowledged(root: string, tip: string, file: string, commits: FileCommit[], opts: TamperOptions): Promise<{ commits: FileCommit[]; problem?: string }> {
  // Only the history being checked (the tip's), not every branch origin has.
  const sha = (await git(['rev-parse', '--verify', `${tip}^{commit}`], { cwd: root })).stdout.trim()
  let deepened = 0
  for (const n of DEEPEN_STEPS) {
    if (commits.some((c) => c.acknowledges) || commits.length >= MAX_COMMITS || !(await isShallow(root))) break
    const fetch = (want: string[]) => git(['fetch', '--no-tags', '--quiet', `--deepen=${n}`, 'origin', ...want], { cwd: root, timeoutMs: networkTimeoutMs() })
    try {
      // A server that refuses a commit it does not advertise gets the remote's default refspec instead.
      await fetch([sha]).catch((e: Error) => (e instanceof GitTimeoutError ? Promise.reject(e) : fetch([])))
    } catch (e) {
      return { commits, problem: `deepening the shallow clone after ${deepened} commits failed: ${(e as Error).message}` }
    }
    deepened += n
    commits = await commitsSinceAcknowledged(root, tip, file, opts)
  }
  return { commits }
}

async function fileAt(root: string, commit: string, file: string): Promise<string | null> {
  const r = await git(['cat-file', 'blob', `${commit}:${file}`], { cwd: root, okCodes: [128] })
  return r.code === 0 ? r.stdout : null
}

/** Checks the control file's history at `tip` for forbidden hand edits; never throws for a shallow history. */
export async function detectTampering(root: string, tip: string, file: string, opts: TamperOptions): Promise<TamperReport> {
  let commits = await commitsSinceAcknowledged(root, tip, file, opts)
  let deepenProblem: string | undefined
  if (!commits.some((c) => c.acknowledges) && (await isShallow(root))) {
    // actions/checkout clones one commit deep: fetch only as much history as it takes to see the last batch-control commit.
    const deepened = await deepenToAcknowledged(root, tip, file, commits, opts)
    commits = deepened.commits
    deepenProblem = deepened.problem
  }
  const findings: TamperFinding[] = []
  let examined = 0
  let incomplete: string | undefined
  for (const c of commits) {
    if (c.acknowledges) break
    // batch-ops' own routine commits (breaker records, batch IDs) are not hand edits; the walk goes on past them.
    if (c.own) continue
    examined++
    const after = loadControl(await fileAt(root, c.sha, file))
    if (!c.parent) {
      // No parent: the first commit, or the boundary of a shallow clone (its parents are cut off).
      const raw = await git(['cat-file', 'commit', c.sha], { cwd: root })
      if (/^parent /m.test(raw.stdout.split('\n\n')[0] ?? '')) {
        incomplete = `the history before ${c.sha.slice(0, 7)} is not in this clone (shallow), so earlier hand edits could not be checked`
        break
      }
      continue
    }
    const beforeText = await fileAt(root, c.parent, file).catch(() => null)
    const hasParent = (await git(['cat-file', '-e', `${c.parent}^{commit}`], { cwd: root, okCodes: [1, 128] })).code === 0
    if (!hasParent) {
      incomplete = `the history before ${c.sha.slice(0, 7)} is not in this clone (shallow), so earlier hand edits could not be checked`
      break
    }
    const before = loadControl(beforeText)
    if (!before.ok || !after.ok) continue
    for (const t of forbiddenBreakerMoves(before.doc, after.doc)) findings.push({ ...t, commit: c.sha, author: c.author, subject: c.subject })
  }
  if (commits.length >= MAX_COMMITS && !commits.some((c) => c.acknowledges)) {
    incomplete = `no batch-control command among the last ${MAX_COMMITS} changes of ${file}; only those were checked`
  }
  if (incomplete && deepenProblem) incomplete = `${incomplete} (${deepenProblem})`
  return incomplete ? { findings, examined, incomplete } : { findings, examined }
}

/**
 * The hand edits of the control file `file`, read from the history the decision is based on: the
 * snapshot's commit on origin; with persist: 'false' (a working-tree snapshot), the checked-out
 * history, if there is one.
 */
export async function handEditsAt(snapshot: Snapshot, cwd: string, file: string, author: Identity): Promise<TamperReport> {
  let root = snapshot.root
  let tip = snapshot.commit
  if (!root || !tip) {
    const top = await git(['rev-parse', '--show-toplevel'], { cwd, okCodes: [128] })
    if (top.code !== 0) return { findings: [], examined: 0, incomplete: 'not a git repository: the history could not be checked' }
    root = top.stdout.trim()
    tip = 'HEAD'
  }
  return detectTampering(root, tip, confine(root, cwd, file).rel, { author })
}
