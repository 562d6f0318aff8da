// Hand edits of the control file: commits without a Batch-Ops-Action trailer
// since the last commit batch-ops made, that move a breaker in a way docs/contract.md §5 forbids.

import { type TamperFinding, forbiddenBreakerMoves, loadControl } from '@batch-ops/core'
import { git, gitStream } from './git.js'

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
  batchOps: boolean
}

const MAX_COMMITS = 100
const TRAILER = /^Batch-Ops-Action: \S/m

/** Commits that changed `file`, newest first, up to and including the last batch-ops one. */
async function commitsSinceBatchOps(root: string, tip: string, file: string): Promise<FileCommit[]> {
  const args = ['log', `--max-count=${MAX_COMMITS}`, '--format=%x1e%H%x00%P%x00%an <%ae>%x00%B', tip, '--', `:(literal)${file}`]
  const out: FileCommit[] = []
  let pending = ''
  let done = false
  const take = (text: string): void => {
    for (const record of text.split('\x1e')) {
      if (done || record.trim() === '') continue
      const [sha = '', parents = '', author = '', message = ''] = record.split('\0')
      const c = { sha: sha.trim(), parent: parents.split(' ')[0] ?? '', author, subject: message.split('\n')[0] ?? '', batchOps: TRAILER.test(message) }
      out.push(c)
      // Far enough: everything older was there when batch-ops last wrote the file.
      if (c.batchOps) done = true
    }
  }
  await gitStream(args, { cwd: root, okCodes: [128] }, (chunk) => {
    pending += chunk
    const complete = pending.lastIndexOf('\x1e')
    if (complete > 0) {
      take(pending.slice(0, complete))
      pending = pending.slice(complete)
    }
  })
  take(pending)
  return out
}

async function fileAt(root: string, commit: string, file: string): Promise<string | null> {
  const r = await git(['cat-file', 'blob', `${commit}:${file}`], { cwd: root, okCodes: [128] })
  return r.code === 0 ? r.stdout : null
}

/** Checks the control file's history at `tip` for forbidden hand edits; never throws for a shallow history. */
export async function detectTampering(root: string, tip: string, file: string): Promise<TamperReport> {
  let commits = await commitsSinceBatchOps(root, tip, file)
  const shallow = (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true'
  if (shallow && !commits.some((c) => c.batchOps)) {
    // actions/checkout clones one commit deep: fetch enough history to see the last batch-ops commit.
    await git(['fetch', '--no-tags', '--quiet', '--deepen=100', 'origin'], { cwd: root }).catch(() => undefined)
    commits = await commitsSinceBatchOps(root, tip, file)
  }
  const findings: TamperFinding[] = []
  let examined = 0
  let incomplete: string | undefined
  for (const c of commits) {
    if (c.batchOps) break
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
  if (commits.length >= MAX_COMMITS && !commits.some((c) => c.batchOps)) {
    incomplete = `no commit by batch-ops among the last ${MAX_COMMITS} changes of ${file}; only those were checked`
  }
  return incomplete ? { findings, examined, incomplete } : { findings, examined }
}
