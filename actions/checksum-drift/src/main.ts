// checksum-drift: download again the artifacts that merged recipes pin, and report any whose
// checksum changed (docs/contract.md §9).
//
// 1. Read the artifacts list (every file the paths and globs match) and the baseline. A malformed
//    line stops the step here: nothing is downloaded and nothing is written.
// 2. Keep this shard's ids, and download each (`concurrency` at a time), hashing as it streams.
// 3. One verdict each (the core): ok, drifted, gone or unreachable. Only drifted is a drift.
// 4. One commit through the git store, re-applied on a conflict: the checksums of new ids added to
//    the baseline (trust on first use) and, with on-drift issue-and-pause, the drifted ecosystems
//    paused in the control file.
// 5. The issues: one open issue per drifted id; a new checksum is a comment and an updated body,
//    the same one changes nothing, a recovery is a comment and a close.
// 6. Outputs, annotations and the job summary; then a non-zero exit when anything drifted
//    (fail-on-drift) or something could not be written.

import { createHash } from 'node:crypto'
import { glob, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  type Artifact,
  type ArtifactsFile,
  type BaselineEntry,
  type DownloadResult,
  type Verdict,
  combineArtifacts,
  commitMessage,
  countVerdicts,
  driftIssueDecision,
  driftedEcosystems,
  firstSightings,
  formatTimestamp,
  inShard,
  judgeArtifact,
  mergeBaseline,
  parseArtifacts,
  parseBaseline,
  parseList,
  parseShard,
  pauseEcosystems,
  renderBaseline,
  renderControl,
  stateSubject
} from '@batch-ops/core'
import {
  type IssueChange,
  type IssueResult,
  ControlFileError,
  InputError,
  InputFileError,
  annotate,
  applyChange,
  booleanInput,
  currentRepo,
  downloadSha256,
  fail,
  group,
  issueTracker,
  log,
  mapConcurrently,
  maskUrlCredentials,
  now,
  numberInput,
  persistInputs,
  readControl,
  reportFailure,
  requiredInput,
  runUrl,
  secretInput,
  setOutput,
  storeOptions,
  stringInput,
  workspace,
  writeSummary,
  readWorkspaceFile
} from '@batch-ops/runtime'
import { type IssueContext, changedAgainComment, issueBody, issueTitle, recoveredComment, someIds } from './issue.js'
import { driftSummary } from './summary.js'

export const ACTION = 'checksum-drift'
const ON_DRIFT = ['issue', 'issue-and-pause', 'none'] as const
type OnDrift = (typeof ON_DRIFT)[number]
const SCHEMES = ['http', 'https']
/** Each request to the issues API. */
const API_TIMEOUT_MS = 30_000
/** Annotations per kind before the rest are counted in one (GitHub shows few per step). */
const MAX_ANNOTATIONS = 10

export function readInputs() {
  const patterns = parseList(requiredInput('artifacts'))
  const onDrift = stringInput('on-drift', 'issue')
  if (!(ON_DRIFT as readonly string[]).includes(onDrift)) throw new InputError(`input 'on-drift' must be issue, issue-and-pause or none (got ${JSON.stringify(onDrift)})`)
  const schemes = parseList(stringInput('allowed-schemes', 'https')).map((s) => s.toLowerCase().replace(/:$/, ''))
  const badScheme = schemes.find((s) => !SCHEMES.includes(s))
  if (schemes.length === 0 || badScheme !== undefined) {
    throw new InputError(`input 'allowed-schemes' must list http and/or https (got ${JSON.stringify(badScheme ?? '')}); no other scheme can be downloaded`)
  }
  const shard = parseShard(stringInput('shard'))
  if (!shard.ok) throw new InputError(shard.error)
  const token = secretInput('github-token')
  const labels = parseList(stringInput('labels', 'security,needs-triage'))
  const repo = currentRepo()
  if (onDrift !== 'none') {
    if (token === '') throw new InputError(`input 'github-token' is required unless on-drift is 'none': drift issues are opened through the API (the default, the job's token, needs permissions: issues: write)`)
    if (labels.length === 0) throw new InputError(`input 'labels' names no label; drift issues are found again by the first one`)
    if (!repo) throw new InputError(`GITHUB_REPOSITORY (owner/name) is not set, so there is no repository to open drift issues in; run on GitHub Actions, or set on-drift: none`)
  }
  return {
    patterns,
    baselineFile: stringInput('baseline-file', 'data/checksums/baseline.jsonl'),
    concurrency: numberInput('concurrency', 8, { min: 1, max: 64, integer: true }),
    timeoutSeconds: numberInput('timeout-seconds', 60, { min: 1, max: 3600 }),
    maxBytes: numberInput('max-bytes', 2147483648, { min: 1, max: 68719476736, integer: true }),
    retries: numberInput('retries', 2, { min: 0, max: 10, integer: true }),
    shard: shard.shard,
    schemes,
    onDrift: onDrift as OnDrift,
    failOnDrift: booleanInput('fail-on-drift', true),
    labels,
    token,
    repo,
    controlFile: stringInput('control-file', 'batch-control.json'),
    ...persistInputs()
  }
}

type Inputs = ReturnType<typeof readInputs>

const GLOB = /[*?[\]{}]/
const posix = (p: string): string => p.split(path.sep).join('/')

/** The files the paths and globs name, relative to the workspace, in order, each once. */
async function artifactFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = []
  const add = (f: string): void => {
    if (!files.includes(f)) files.push(f)
  }
  for (const pattern of patterns) {
    if (!GLOB.test(pattern)) {
      const s = await stat(path.resolve(cwd, pattern)).catch(() => undefined)
      if (!s?.isFile()) throw new InputError(`input 'artifacts': ${JSON.stringify(pattern)} ${s ? 'is not a file' : 'does not exist'} (relative to ${cwd}); build the artifacts list before this step`)
      add(posix(pattern))
      continue
    }
    const matched: string[] = []
    for await (const f of glob(pattern, { cwd })) {
      const s = await stat(path.resolve(cwd, f)).catch(() => undefined)
      if (s?.isFile()) matched.push(posix(f))
    }
    if (matched.length === 0) throw new InputError(`input 'artifacts': ${JSON.stringify(pattern)} matches no file (relative to ${cwd}); build the artifacts list before this step`)
    for (const f of matched.sort()) add(f)
  }
  return files
}

/** The artifacts of every file, checked; a malformed line fails here, before any download. */
async function readArtifacts(patterns: readonly string[], cwd: string): Promise<{ files: string[]; artifacts: Artifact[] }> {
  const files = await artifactFiles(patterns, cwd)
  const parsed: ArtifactsFile[] = []
  for (const file of files) {
    const r = parseArtifacts(await readFile(path.resolve(cwd, file), 'utf8'))
    if (!r.ok) throw new InputFileError(file, 'artifacts list (JSON Lines)', r.problems)
    parsed.push({ file, items: r.items, lines: r.lines })
  }
  const all = combineArtifacts(parsed)
  if (!all.ok) throw new InputFileError(all.file, 'artifacts list (JSON Lines)', all.problems)
  if (all.items.length === 0) throw new InputError(`input 'artifacts': ${files.join(', ')} list${files.length === 1 ? 's' : ''} no artifact; an empty list checks nothing, so it is refused`)
  return { files, artifacts: all.items }
}

async function readBaseline(file: string, cwd: string): Promise<BaselineEntry[]> {
  const text = await readWorkspaceFile(cwd, file)
  const r = parseBaseline(text)
  if (!r.ok) throw new InputFileError(file, 'checksum baseline', r.problems)
  return r.items
}

const idDigest = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex')

/** Downloads every artifact, hashing as it streams; logs one line per artifact (ids are one line each). */
async function check(artifacts: readonly Artifact[], baseline: ReadonlyMap<string, BaselineEntry>, inputs: Inputs): Promise<Verdict[]> {
  return group(`Downloading ${artifacts.length} artifact${artifacts.length === 1 ? '' : 's'} (${inputs.concurrency} at a time)`, () =>
    mapConcurrently(artifacts, inputs.concurrency, async (a) => {
      const report = await downloadSha256(a.url, {
        timeoutMs: inputs.timeoutSeconds * 1000,
        maxBytes: inputs.maxBytes,
        retries: inputs.retries,
        allowedSchemes: inputs.schemes
      })
      const v = judgeArtifact(a, baseline.get(a.id), report as DownloadResult)
      const detail = v.kind === 'ok' || v.kind === 'drifted' ? `${v.actual} (${v.bytes} bytes)${v.isNew ? ', new' : ''}` : (v.reason ?? '')
      log.info(`${v.kind.padEnd(11)} ${v.id}  ${detail}`)
      return v
    })
  )
}

export interface WriteOutcome {
  /** Ids whose checksum was added to the baseline. */
  added: string[]
  /** Ecosystems this run paused. */
  pausedNow: string[]
  commit: string | undefined
  /** The branch on origin it was pushed to. */
  branch?: string | undefined
  attempts: number
  changed: boolean
}

/** The baseline additions and the pause, as one change through the git store. */
async function write(verdicts: readonly Verdict[], pauseTargets: readonly string[], inputs: Inputs, at: number): Promise<WriteOutcome> {
  const additions = firstSightings(verdicts, formatTimestamp(at))
  const empty: WriteOutcome = { added: [], pausedNow: [], commit: undefined, attempts: 0, changed: false }
  if (additions.length === 0 && pauseTargets.length === 0) return empty
  const drifted = verdicts.filter((v) => v.kind === 'drifted').map((v) => v.id)
  const outcome = await applyChange(storeOptions(inputs), async (snapshot) => {
    const files: Record<string, string> = {}
    let added: string[] = []
    let pausedNow: string[] = []
    if (additions.length > 0) {
      const base = parseBaseline(await snapshot.read(inputs.baselineFile))
      if (!base.ok) throw new InputFileError(inputs.baselineFile, 'checksum baseline (on the branch, changed since the checkout)', base.problems)
      const merged = mergeBaseline(base.items, additions)
      added = merged.added
      if (added.length > 0) files[inputs.baselineFile] = renderBaseline(merged.entries)
    }
    if (pauseTargets.length > 0) {
      const control = await readControl(snapshot, inputs.controlFile)
      const paused = pauseEcosystems(control.doc, pauseTargets)
      pausedNow = paused.added
      if (pausedNow.length > 0) files[inputs.controlFile] = renderControl(control, paused.doc)
    }
    const what = [
      ...(pausedNow.length > 0 ? [`pause ${pausedNow.join(', ')} (checksum drift)`] : []),
      ...(added.length > 0 ? [`record ${added.length} new checksum${added.length === 1 ? '' : 's'}`] : [])
    ]
    return {
      files,
      message: commitMessage(stateSubject(`${ACTION}: ${what.join('; ')}`), [
        ['Reason', pausedNow.length > 0 ? `checksum drift of ${someIds(drifted)}` : `first sighting (trust on first use) of ${someIds(added)}`],
        ...pausedNow.map((e): [string, string] => ['Ecosystem', e]),
        ['Batch-Ops-Action', ACTION],
        ['Run-Url', runUrl()]
      ]),
      result: { added, pausedNow }
    }
  })
  return { ...outcome.result, commit: outcome.commit, branch: outcome.branch, attempts: outcome.attempts, changed: outcome.changed.length > 0 }
}

/** The issue change for each verdict whose issue must change (the core decides which). */
function issueChanges(verdicts: readonly Verdict[], open: ReadonlyMap<string, { state?: unknown }>, ctx: IssueContext): Array<{ key: string; change: IssueChange }> {
  const out: Array<{ key: string; change: IssueChange }> = []
  for (const v of verdicts) {
    const existing = open.get(v.id)
    const state = existing?.state as { actual?: string } | undefined
    const decision = driftIssueDecision(v, existing ? { state: typeof state === 'object' && state !== null ? state : undefined } : undefined)
    const body = (): string => issueBody(v, ctx)
    switch (decision) {
      case 'open':
        out.push({ key: v.id, change: { action: 'open', title: issueTitle(v), body: body(), state: { actual: v.actual! } } })
        break
      case 'comment-and-update':
        out.push({ key: v.id, change: { action: 'update', title: issueTitle(v), body: body(), state: { actual: v.actual! }, comment: changedAgainComment(v, state?.actual, ctx) } })
        break
      case 'close':
        out.push({ key: v.id, change: { action: 'close', comment: recoveredComment(v, ctx) } })
        break
      case 'nothing':
        break
    }
  }
  return out
}

/** Annotations: an error per drift, a warning per gone or unreachable artifact, the rest counted. */
function annotateVerdicts(verdicts: readonly Verdict[]): void {
  const drifted = verdicts.filter((v) => v.kind === 'drifted')
  for (const v of drifted.slice(0, MAX_ANNOTATIONS)) {
    annotate.error(`${v.id}: the checksum changed: expected ${v.expected}, got ${v.actual} (${v.url})`, { title: 'checksum drift' })
  }
  if (drifted.length > MAX_ANNOTATIONS) annotate.error(`${drifted.length - MAX_ANNOTATIONS} more artifacts drifted; the job summary lists every one`, { title: 'checksum drift' })
  for (const kind of ['gone', 'unreachable'] as const) {
    const some = verdicts.filter((v) => v.kind === kind)
    for (const v of some.slice(0, MAX_ANNOTATIONS)) annotate.warning(`${v.id}: ${kind}: ${v.reason} (${v.url})`, { title: `checksum-drift: ${kind}` })
    if (some.length > MAX_ANNOTATIONS) annotate.warning(`${some.length - MAX_ANNOTATIONS} more artifacts ${kind === 'gone' ? 'are gone' : 'were unreachable'}; the job summary lists every one`, { title: `checksum-drift: ${kind}` })
  }
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const at = now()
    const cwd = workspace()

    // 1. Everything read and checked before the first download.
    const { files, artifacts: listed } = await readArtifacts(inputs.patterns, cwd)
    const baselineEntries = await readBaseline(inputs.baselineFile, cwd)
    const baseline = new Map(baselineEntries.map((e) => [e.id, e]))
    for (const a of listed) maskUrlCredentials(a.url)

    // 2.–3. This shard's artifacts, downloaded and judged.
    const artifacts = listed.filter((a) => inShard(idDigest(a.id), inputs.shard))
    const verdicts = await check(artifacts, baseline, inputs)
    const counts = countVerdicts(verdicts)
    const { ecosystems: driftedEcos, withoutEcosystem } = driftedEcosystems(verdicts)
    const pauseTargets = inputs.onDrift === 'issue-and-pause' ? driftedEcos : []

    // 4. The baseline and the pause: one commit. A failure here is reported after the issues are made.
    const problems: string[] = []
    let written: WriteOutcome = { added: [], pausedNow: [], commit: undefined, attempts: 0, changed: false }
    let writeError: string | undefined
    try {
      written = await write(verdicts, pauseTargets, inputs, at)
    } catch (e) {
      writeError = (e as Error).message
      problems.push(`the baseline and pause could not be written: ${writeError}`)
      // Pointed at the file, as a failed-closed control file always is.
      if (e instanceof ControlFileError) for (const p of e.problems) annotate.error(`Invalid control file: ${p.path} ${p.message}`, { file: e.file, line: p.line, column: p.column })
      if (e instanceof InputFileError) for (const p of e.problems) annotate.error(`${e.what}: ${p.where}: ${p.message}`, { file: e.file, line: p.line })
    }
    const paused = writeError === undefined ? pauseTargets : undefined

    // 5. The issues.
    const repoUrl = inputs.repo ? `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${inputs.repo.owner}/${inputs.repo.repo}` : undefined
    const ctx: IssueContext = {
      runUrl: runUrl(),
      repoUrl,
      baselineFile: inputs.baselineFile,
      controlFile: inputs.controlFile,
      onDrift: inputs.onDrift,
      paused,
      pauseError: pauseTargets.length > 0 ? writeError : undefined,
      evaluatedAt: at
    }
    let issues: IssueResult[] = []
    if (inputs.onDrift !== 'none' && inputs.repo) {
      try {
        const tracker = issueTracker({ token: inputs.token, repo: inputs.repo, kind: ACTION, labels: inputs.labels, timeoutMs: API_TIMEOUT_MS })
        const open = await tracker.list()
        issues = await tracker.apply(open, issueChanges(verdicts, open, ctx))
      } catch (e) {
        problems.push(`the drift issues could not be read or written: ${(e as Error).message}`)
      }
      for (const r of issues) if (r.error) problems.push(`the issue of ${r.key} could not be ${r.action}: ${r.error}`)
    }

    // 6. Outputs, annotations, summary, exit.
    const drifted = verdicts.filter((v) => v.kind === 'drifted')
    setOutput('checked', counts.checked)
    setOutput('ok', counts.ok)
    setOutput('drifted', counts.drifted)
    setOutput('gone', counts.gone)
    setOutput('unreachable', counts.unreachable)
    setOutput('new', counts.new)
    setOutput(
      'drifted-artifacts',
      drifted.map((v) => ({ id: v.id, url: v.url, expected: v.expected, actual: v.actual, ecosystem: v.ecosystem ?? null, recipe: v.recipe ?? null, batch_id: v.batch_id ?? null }))
    )
    setOutput('issues', issues.filter((r) => !r.error && r.url).map((r) => r.url!))
    setOutput('paused-ecosystems', paused ?? [])
    annotateVerdicts(verdicts)
    if (withoutEcosystem.length > 0 && inputs.onDrift === 'issue-and-pause') {
      annotate.warning(`${someIds(withoutEcosystem)}: drifted, but the artifacts list gives no ecosystem, so nothing was paused for ${withoutEcosystem.length === 1 ? 'it' : 'them'}; pause by hand with the emergency form`, { title: 'checksum drift' })
    }
    await writeSummary(
      driftSummary({
        files,
        listed: listed.length,
        shard: inputs.shard,
        verdicts,
        counts,
        written,
        writeError,
        baselineFile: inputs.baselineFile,
        controlFile: inputs.controlFile,
        onDrift: inputs.onDrift,
        paused,
        withoutEcosystem,
        issues,
        problems,
        settings: { concurrency: inputs.concurrency, timeoutSeconds: inputs.timeoutSeconds, maxBytes: inputs.maxBytes, retries: inputs.retries, schemes: inputs.schemes },
        evaluatedAt: at
      })
    )
    // After everything is written: the step fails on a drift (fail-on-drift) and on a write that failed.
    const failures = [...problems.map((p) => `${p[0]!.toUpperCase()}${p.slice(1)}.`)]
    if (drifted.length > 0 && inputs.failOnDrift) {
      failures.unshift(`${drifted.length} artifact${drifted.length === 1 ? '' : 's'} drifted (${someIds(drifted.map((v) => v.id))}): see the drift issues and the job summary (fail-on-drift is on).`)
    }
    if (failures.length > 0) fail(failures.join(' '))
  } catch (error) {
    await reportFailure('Checksum drift', error)
  }
}
