// rollback-batch: take a batch back out (docs/contract.md §7).
//
// 1. Check the batch ID against the pattern before any git command runs.
// 2. Fetch the base branch only back to a margin before the ID's date (a shallow
//    clone is deepened step by step only when that is not enough), and read its
//    first-parent history under `paths` and the manifest from the tip back to the
//    first commit that predates the batch, in one `git log` pass.
// 3. Plan with the pure core: delete what the batch added, restore what it
//    modified or deleted, report files changed afterwards as conflicts.
// 4. Dry run: the plan in the summary and outputs, nothing else.
// 5. Otherwise one commit on `rollback-batch-<id>` from the base tip, pushed with a
//    lease on that branch only, and a pull request (opened, or the open one updated)
//    with labels and, past the threshold, reviewers. If the pull request cannot be
//    made, a branch this run created is deleted again.

import path from 'node:path'
import {
  type LogCommit,
  type ManifestData,
  type RejectedEntry,
  type RollbackPlan,
  BODY_LIMIT,
  SUMMARY_LIMIT,
  batchFetchSince,
  batchIdDateProblem,
  batchLineMatcher,
  batchSearchEnd,
  batchSearchSince,
  commitMessage,
  findManifestCommit,
  formatTimestamp,
  manifestPathProblem,
  nextRollbackStep,
  parseList,
  planRollback,
  utf8Bytes
} from '@batch-ops/core'
import {
  type BranchHistory,
  type IndexEntry,
  InputError,
  addLabels,
  authorInput,
  annotate,
  booleanInput,
  commitEntries,
  currentRepo,
  fetchBase,
  git,
  log,
  networkTimeoutMs,
  now,
  numberInput,
  readHistory,
  readManifestAt,
  remoteDefaultBranch,
  reportFailure,
  requestReviewers,
  requiredInput,
  runUrl,
  secretInput,
  setOutput,
  stringInput,
  treeEntries,
  upsertPullRequest,
  workspace,
  writeSummary
} from '@batch-ops/runtime'
import { rollbackReport } from './report.js'

export const ACTION = 'rollback-batch'
const DEFAULT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(-\\d{3})?$'
/** Whatever the pattern allows, an ID names a branch and a file: these characters only. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** Refuses an ID that does not match the pattern; runs before any git command. */
export function checkBatchId(id: string, pattern: string): void {
  let re: RegExp
  try {
    re = new RegExp(pattern)
  } catch (e) {
    throw new InputError(`input 'batch-id-pattern' is not a valid regular expression: ${(e as Error).message}`)
  }
  if (!re.test(id) || !SAFE_ID.test(id)) {
    throw new InputError(
      `input 'batch-id' ${JSON.stringify(id)} does not match the batch ID pattern ${pattern}` +
        (SAFE_ID.test(id) ? '' : ' (and batch IDs may only use letters, digits, ".", "_" and "-")') +
        `; nothing was searched. Use the ID preflight-check handed out, e.g. 2026-02-17-001.`
    )
  }
}

/** The job summary's budget: GitHub shows 1 MiB of it per step. */
const IN_SUMMARY = { limit: SUMMARY_LIMIT, measure: utf8Bytes, where: "The whole plan is in the step's outputs `files` and `conflicts`." }
/** The pull request body's budget: GitHub refuses a body over 65,536 characters. */
const IN_BODY = { limit: BODY_LIMIT, where: 'The whole list is in the job summary of the run that opened this pull request, and in its `files` output.' }

export function readInputs() {
  const batchId = requiredInput('batch-id')
  const pattern = stringInput('batch-id-pattern', DEFAULT_PATTERN)
  checkBatchId(batchId, pattern)
  const dated = batchIdDateProblem(batchId, now())
  if (dated) throw new InputError(`input 'batch-id' ${batchId}: ${dated}; nothing was searched. Check the ID: preflight-check hands out IDs dated the UTC day it runs.`)
  const dryRun = booleanInput('dry-run', false)
  const reason = stringInput('reason')
  if (!dryRun && reason === '') throw new InputError(`input 'reason' is required unless dry-run is 'true': say why the batch is rolled back`)
  const token = secretInput('github-token')
  if (!dryRun && token === '') throw new InputError(`input 'github-token' is required unless dry-run is 'true' (the pull request is opened through the API)`)
  const paths = parseList(stringInput('paths', 'recipes/'))
  if (paths.length === 0) throw new InputError(`input 'paths' names no path`)
  for (const p of paths) if (p.split('/').includes('..') || path.isAbsolute(p)) throw new InputError(`input 'paths': ${JSON.stringify(p)} must be relative and inside the repository`)
  return {
    batchId,
    reason,
    dryRun,
    paths,
    base: stringInput('base'),
    manifestDir: stringInput('manifest-dir', 'data/batches').replace(/\/+$/, ''),
    token,
    labels: parseList(stringInput('labels', 'rollback')),
    reviewers: parseList(stringInput('reviewers')),
    reviewThreshold: numberInput('review-threshold', 10, { min: 0, max: 1_000_000, integer: true }),
    force: booleanInput('force', false),
    author: authorInput()
  }
}

type Inputs = ReturnType<typeof readInputs>

function setPlanOutputs(plan: RollbackPlan | undefined, pr: { branch: string; number: string; url: string }): void {
  setOutput('count', plan ? plan.files.length : 0)
  setOutput('files', plan ? plan.files.map((f) => ({ path: f.path, action: f.action })) : [])
  setOutput('conflicts', plan ? plan.conflicts.map((c) => ({ path: c.path, action: c.action, later: c.later })) : [])
  setOutput('branch', pr.branch)
  setOutput('pr-number', pr.number)
  setOutput('pr-url', pr.url)
}

/**
 * The index entries that undo the batch: removals, and the content before it for
 * restores. A file that is not where the plan says it was before the batch is
 * skipped and reported (in `rejected`), never a reason to drop the whole rollback.
 */
async function undoEntries(root: string, plan: RollbackPlan, rejected: RejectedEntry[]): Promise<IndexEntry[]> {
  const entries: IndexEntry[] = []
  const byCommit = new Map<string, string[]>()
  for (const f of plan.files) {
    if (f.action === 'delete') entries.push({ path: f.path, remove: true })
    else byCommit.set(f.before!.commit, [...(byCommit.get(f.before!.commit) ?? []), f.path])
  }
  for (const [commit, paths] of byCommit) {
    const found = await treeEntries(root, commit, paths)
    for (const p of paths) {
      const e = found.get(p)
      if (e) entries.push({ path: p, mode: e.mode, blob: e.blob })
      else rejected.push({ path: p, why: `cannot be restored: it is not in ${commit.slice(0, 12)}, the commit before the batch changed it` })
    }
  }
  return entries
}

/** The rollback branch on origin, if it exists: its tip, that tip's tree and parent. */
async function existingBranch(root: string, branch: string): Promise<{ sha: string; tree: string; parent: string } | null> {
  const { stdout } = await git(['ls-remote', 'origin', `refs/heads/${branch}`], { cwd: root, timeoutMs: networkTimeoutMs() })
  const sha = stdout.split('\t')[0]?.trim() ?? ''
  if (sha === '') return null
  await git(['fetch', '--no-tags', '--quiet', 'origin', `refs/heads/${branch}`], { cwd: root, timeoutMs: networkTimeoutMs() })
  const [tree = '', parent = ''] = (await git(['rev-parse', `${sha}^{tree}`, `${sha}^`], { cwd: root })).stdout.trim().split('\n')
  return { sha, tree, parent }
}

/** Which of the manifest's (well-formed) paths exist at its base_commit; undefined when that commit is not here. */
async function existingAtBase(root: string, manifest: ManifestData): Promise<Set<string> | undefined> {
  if (!manifest.base_commit) return undefined
  const paths = manifest.files.map((f) => f.path).filter((p) => manifestPathProblem(p) === undefined)
  try {
    return new Set((await treeEntries(root, manifest.base_commit, paths)).keys())
  } catch {
    return undefined
  }
}

/** How far back the history was read, in words. */
function searchedBack(h: BranchHistory, since: number | undefined): string {
  const day = (seconds: number): string => formatTimestamp(seconds * 1000).slice(0, 10)
  if (h.end === 'root') return `${h.read} first-parent commits, back to the first commit of the branch`
  const limit = since === undefined ? '' : `, before ${formatTimestamp(since).slice(0, 10)}`
  return `${h.read} first-parent commits, back to ${h.end.sha.slice(0, 12)} (committed ${day(h.end.time ?? 0)}${limit}: nothing older can belong to the batch)`
}

async function plan(root: string, inputs: Inputs) {
  const baseName = inputs.base || (await remoteDefaultBranch(root))
  // A batch's commits are all newer than a margin before its ID's date: fetch and read only those (docs/contract.md §7).
  const since = batchSearchSince(inputs.batchId)
  const fetchSince = batchFetchSince(inputs.batchId)
  const base = await fetchBase(root, baseName, fetchSince === undefined ? {} : { since: fetchSince })
  const manifestPath = path.posix.join(inputs.manifestDir, `${inputs.batchId}.json`)
  // The manifest, once the history shows the commit that added it; its base commit must be in the clone too.
  let manifest: { sha: string; data: ManifestData | null } | undefined
  const readManifest = async (commits: readonly LogCommit[]): Promise<ManifestData | null> => {
    const found = findManifestCommit(commits, manifestPath)
    if (!found) return null
    if (manifest?.sha !== found.sha) manifest = { sha: found.sha, data: await readManifestAt(root, found.sha, manifestPath) }
    return manifest.data
  }
  const history = await readHistory(root, base, {
    paths: inputs.paths,
    files: [manifestPath],
    keepMessage: batchLineMatcher(inputs.batchId),
    ...(since === undefined ? {} : { ends: batchSearchEnd(inputs.batchId, manifestPath, since) }),
    needs: async (commits) => {
      const baseCommit = (await readManifest(commits))?.base_commit
      return baseCommit ? [baseCommit] : []
    }
  })
  const searched = searchedBack(history, since)
  const fetched = [
    base.shallowSince !== undefined ? `fetched since ${formatTimestamp(base.shallowSince)}` : '',
    history.deepened.length > 0 ? `deepened by ${history.deepened.join(' + ')} commits` : '',
    history.unshallowed ? 'then unshallowed' : ''
  ].filter(Boolean)
  log.info(`Searched ${base.name}: ${searched}${fetched.length > 0 ? ` (a shallow clone: ${fetched.join(', ')})` : ''}`)
  const data = await readManifest(history.commits)
  const existingAtManifestBase = data ? await existingAtBase(root, data) : undefined
  const result = planRollback({ batchId: inputs.batchId, history: history.commits, paths: inputs.paths, manifestPath, manifest: data, existingAtManifestBase, force: inputs.force })
  return { base, manifestPath, plan: result, kept: history.commits.length, searched }
}

export async function run(): Promise<void> {
  let planned: RollbackPlan | undefined
  try {
    const inputs = readInputs()
    const cwd = workspace()
    const root = (await git(['rev-parse', '--show-toplevel'], { cwd })).stdout.trim()
    const { base, manifestPath, plan: first, kept, searched } = await plan(root, inputs)
    // The content before the batch, read now, so that a dry run reports a file that cannot be restored too.
    const undoRejected: RejectedEntry[] = []
    const entries = await undoEntries(root, first, undoRejected)
    const p: RollbackPlan =
      undoRejected.length === 0
        ? first
        : { ...first, files: first.files.filter((f) => !undoRejected.some((r) => r.path === f.path)), rejected: [...first.rejected, ...undoRejected] }
    planned = p
    if (p.rejected.length > 0) {
      const shown = p.rejected.slice(0, 5).map((r) => `${r.path} (${r.why})`)
      annotate.warning(
        `${p.rejected.length} entr${p.rejected.length === 1 ? 'y' : 'ies'} of batch ${inputs.batchId} could not be used and ${p.rejected.length === 1 ? 'is' : 'are'} left out of the rollback: ${shown.join('; ')}${p.rejected.length > 5 ? '; …' : ''}. The summary lists every one; check them by hand.`,
        { title: `rollback ${inputs.batchId}: skipped entries` }
      )
    }
    const step = nextRollbackStep(p, inputs.dryRun)
    if (step.kind === 'nothing-found') {
      throw new InputError(
        `nothing to roll back for batch ${inputs.batchId} on ${base.name}: ${step.why} ` +
          `(searched ${kept} first-parent commits touching ${inputs.paths.join(', ')} or ${manifestPath} for a line "batch_id: ${inputs.batchId}" or "Batch-Id: ${inputs.batchId}"; ` +
          `read ${searched}). ` +
          `No branch was created. Check the ID, or the base branch.`
      )
    }
    const ctx = { batchId: inputs.batchId, reason: inputs.reason, base: base.name, actor: process.env.GITHUB_ACTOR ?? '', runUrl: runUrl(), force: inputs.force, searched }
    if (p.conflicts.length > 0) {
      const shown = p.conflicts.slice(0, 5).map((c) => `${c.path} (by ${c.later.map((l) => l.sha.slice(0, 7)).join(', ')})`)
      annotate.warning(
        `${p.conflicts.length} file(s) were changed after the batch by commits outside it: ${shown.join('; ')}${p.conflicts.length > 5 ? '; …' : ''}. ` +
          (inputs.force ? 'They are rolled back anyway (force).' : "They are left alone; re-run with force: 'true' to roll them back too."),
        { title: `rollback ${inputs.batchId}: conflicts` }
      )
    }
    if (step.kind !== 'rollback') {
      setPlanOutputs(p, { branch: '', number: '', url: '' })
      await writeSummary(rollbackReport(p, { ...ctx, dryRun: inputs.dryRun }, IN_SUMMARY))
      if (step.kind === 'all-conflicts') {
        throw new InputError(`every file of batch ${inputs.batchId} was changed after it (${p.conflicts.length} conflicts); nothing was rolled back. Re-run with force: 'true' to roll them back anyway.`)
      }
      if (step.kind === 'already-rolled-back') annotate.notice(`Batch ${inputs.batchId} is already rolled back; nothing to do.`)
      return
    }

    const branch = `rollback-batch-${inputs.batchId}`
    const message = commitMessage(`chore: rollback batch ${inputs.batchId}`, [
      ['Rollback-Of', inputs.batchId],
      ['Reason', inputs.reason],
      ['Operator', ctx.actor || undefined],
      ['Batch-Ops-Action', ACTION],
      ['Run-Url', ctx.runUrl]
    ])
    const { commit, tree } = await commitEntries(root, base.tip, entries, message, inputs.author)
    const existing = await existingBranch(root, branch)
    // A branch that already holds this rollback on this base is left as it is (a re-run changes nothing).
    const pushed = !(existing && existing.tree === tree && existing.parent === base.tip)
    if (pushed) {
      // A lease on the rollback branch only: it moves from exactly what we saw (or is new).
      await git(['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${existing?.sha ?? ''}`, 'origin', `${commit}:refs/heads/${branch}`], { cwd: root, timeoutMs: networkTimeoutMs() })
    }
    const repo = currentRepo()
    try {
      if (!repo) throw new Error('GITHUB_REPOSITORY is not set, so there is no repository to open the pull request in')
      const pr = await upsertPullRequest(inputs.token, repo, {
        head: branch,
        base: base.name,
        title: `Rollback batch ${inputs.batchId}: ${inputs.reason}`.slice(0, 250),
        body: rollbackReport(p, { ...ctx, dryRun: false, branch }, IN_BODY)
      })
      setPlanOutputs(p, { branch, number: String(pr.number), url: pr.url })
      // The pull request exists now: a label or a reviewer that cannot be added is a warning, not a reason to take it down.
      await addLabels(inputs.token, repo, pr.number, inputs.labels).catch((e: Error) =>
        annotate.warning(`Could not add the labels ${inputs.labels.join(', ')} to #${pr.number}: ${e.message}. Add them by hand.`, { title: 'rollback-batch' })
      )
      if (p.files.length > inputs.reviewThreshold) {
        await requestReviewers(inputs.token, repo, pr.number, inputs.reviewers).catch((e: Error) =>
          annotate.warning(`Could not request reviews from ${inputs.reviewers.join(', ')} on #${pr.number}: ${e.message}. Request them by hand.`, { title: 'rollback-batch' })
        )
      }
      annotate.notice(`${pr.created ? 'Opened' : 'Updated'} pull request #${pr.number} rolling back ${p.files.length} file(s) of batch ${inputs.batchId}: ${pr.url}`)
      await writeSummary(rollbackReport(p, { ...ctx, dryRun: false, branch, pr }, IN_SUMMARY))
    } catch (e) {
      // No half-made rollback: a branch this run created goes again.
      if (pushed && !existing) {
        await git(['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${commit}`, 'origin', '--delete', branch], { cwd: root, timeoutMs: networkTimeoutMs() }).catch(() => undefined)
      }
      throw new Error(`the pull request for ${branch} could not be opened (${(e as Error).message}); ${pushed && !existing ? 'the branch was deleted again' : 'the branch is as it was'}`)
    }
  } catch (error) {
    setPlanOutputs(planned, { branch: '', number: '', url: '' })
    await reportFailure('Rollback batch', error)
  }
}
