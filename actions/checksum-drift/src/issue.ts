// The drift issue of one artifact: its title and body, the comment when the checksum changes
// again, and the comment when it recovers. Every value from the artifacts list (id, URL, recipe,
// batch, ecosystem) is untrusted text and goes through md/code/link; URLs are shown as safeUrl
// made them (no credentials, no query values).

import { type Verdict, BODY_LIMIT, code, fitMarkdown, formatTimestamp, link, md } from '@batch-ops/core'

export interface IssueContext {
  /** The run that found it, when known. */
  runUrl: string | undefined
  /** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}`, when known. */
  repoUrl: string | undefined
  baselineFile: string
  controlFile: string
  onDrift: 'issue' | 'issue-and-pause' | 'none'
  /** The ecosystems paused because of a drift (now or before); undefined when the pause could not be written. */
  paused: readonly string[] | undefined
  /** Why the pause could not be written. */
  pauseError: string | undefined
  evaluatedAt: number
}

/** Characters a shell passes through unquoted: only then is a value put into a command to copy. */
const SHELL_SAFE = /^[A-Za-z0-9._/-]{1,200}$/

export function issueTitle(v: Verdict): string {
  return `Security: checksum drift for ${v.id}`
}

function rollbackForm(ctx: IssueContext): string | undefined {
  return ctx.repoUrl ? `${ctx.repoUrl}/actions/workflows/rollback.yml` : undefined
}

function ecosystemLine(v: Verdict, ctx: IssueContext): string {
  if (v.ecosystem === undefined) {
    return ctx.onDrift === 'issue-and-pause'
      ? '_not given in the artifacts list, so nothing was paused; pause the ecosystem by hand (the emergency form, `pause-ecosystem`)_'
      : '_not given in the artifacts list_'
  }
  const eco = code(v.ecosystem)
  if (ctx.onDrift !== 'issue-and-pause') return `${eco} (not paused: on-drift is ${code(ctx.onDrift)})`
  if (ctx.paused === undefined) return `${eco} — **the pause could not be written** (${md(ctx.pauseError ?? 'unknown error')}); pause it by hand with the emergency form (${code('pause-ecosystem')})`
  return ctx.paused.includes(v.ecosystem) ? `${eco} — **paused** in ${code(ctx.controlFile)} (${code('disabled_ecosystems')})` : eco
}

function batchLine(v: Verdict, ctx: IssueContext): string {
  if (v.batch_id === undefined) return '_not given in the artifacts list_'
  const form = rollbackForm(ctx)
  return form ? `${code(v.batch_id)} — to roll it back: ${link('the rollback form', form)}, batch_id ${code(v.batch_id)}` : code(v.batch_id)
}

/** Rows that describe the artifact and the two checksums. */
function facts(v: Verdict, ctx: IssueContext): string[][] {
  const expectedFrom =
    v.expectedFrom === 'artifacts'
      ? "pinned by the recipe (the artifacts list's sha256)"
      : `first seen ${v.baseline?.first_seen ? code(v.baseline.first_seen) : ''} (${code(ctx.baselineFile)})`
  const rows: string[][] = [
    ['id', code(v.id)],
    ['URL', `${code(v.url)} (shown without credentials or query values)`],
    ['expected SHA-256', `${code(v.expected ?? '')} — ${expectedFrom}`],
    ['actual SHA-256', `${code(v.actual ?? '')} — ${v.bytes ?? 0} bytes, downloaded ${formatTimestamp(ctx.evaluatedAt)}`],
    ['ecosystem', ecosystemLine(v, ctx)],
    ['recipe', v.recipe !== undefined ? code(v.recipe) : '_not given in the artifacts list_'],
    ['batch that brought it in', batchLine(v, ctx)]
  ]
  if (v.baseline && v.baseline.url !== v.url) rows.splice(2, 0, ['URL in the baseline', `${code(v.baseline.url)} (the id is the key: the same artifact must have the same bytes wherever it is served)`])
  if (ctx.runUrl) rows.push(['found by', link('this run', ctx.runUrl)])
  return rows
}

function whatToDo(v: Verdict, ctx: IssueContext): string {
  const exp = v.expected ?? ''
  const act = v.actual ?? ''
  const accept =
    v.expectedFrom === 'artifacts'
      ? `The recipe pins ${code(exp)}: change its ${code('sha256')} to ${code(act)} and merge that (the artifacts list is built from the recipes).`
      : `In ${code(ctx.baselineFile)}, on the line of this id, replace the sha256 ${code(exp)} with ${code(act)}` +
        (SHELL_SAFE.test(ctx.baselineFile) ? `, e.g. ${code(`sed -i 's/${exp}/${act}/' ${ctx.baselineFile}`)};` : ';') +
        ` check with ${code('git diff')} that only this id's line changed (another id with the same old checksum would change too: put it back), then commit and push, saying in the message how you verified it.`
  const paused = v.ecosystem !== undefined && ctx.onDrift === 'issue-and-pause' && ctx.paused?.includes(v.ecosystem)
  const resume = paused ? ` Then resume ${code(v.ecosystem!)} with the emergency form (${code('resume-ecosystem')}); while the drift is there, every run pauses it again.` : ''
  const keep =
    v.ecosystem === undefined
      ? `pause its ecosystem (the emergency form, ${code('pause-ecosystem')})`
      : paused
        ? `keep ${code(v.ecosystem)} paused`
        : `pause ${code(v.ecosystem)} (the emergency form, ${code('pause-ecosystem')})`
  const form = rollbackForm(ctx)
  const gh = v.batch_id !== undefined && SHELL_SAFE.test(v.batch_id) ? ` (${code(`gh workflow run rollback.yml -f batch_id=${v.batch_id} -f reason="checksum drift" -f dry_run=false`)})` : ''
  const rollback =
    v.batch_id !== undefined
      ? `roll back batch ${code(v.batch_id)}, which brought the recipe in: ${form ? link('the rollback form', form) : 'the rollback form (rollback.yml)'}, batch_id ${code(v.batch_id)}${gh}`
      : 'remove the recipe (the artifacts list names no batch to roll back)'
  return [
    '### What to do\n',
    `1. **Verify upstream.** Find out why the bytes changed: the project's release page and announcements, its published checksums or signatures, its maintainers. ` +
      'A release file rebuilt in place is sometimes legitimate (a re-run release job); it is also what a compromised account, mirror or CDN looks like. Until you know, treat it as a compromise.',
    `2. **If the change is legitimate**, accept the new checksum. ${accept} The next run finds the checksum as expected, comments here and closes this issue.${resume}`,
    `3. **If it is not**, ${rollback}; ${keep}, and report it upstream.`,
    ''
  ].join('\n')
}

/** The issue body (markers are added by the issue tracker), within GitHub's limit. */
export function issueBody(v: Verdict, ctx: IssueContext): string {
  return fitMarkdown(
    [
      `## Checksum drift: ${code(v.id)}\n\n`,
      `The artifact was downloaded completely, and its SHA-256 is not the one ${v.expectedFrom === 'artifacts' ? 'the recipe pins' : 'batch-ops saw first'}: ` +
        'upstream rebuilt it, or it was tampered with.\n\n',
      { noun: 'rows', head: ['', ''], rows: facts(v, ctx) },
      '',
      whatToDo(v, ctx),
      `\n<sub>Opened by batch-ops checksum-drift. Keep the hidden lines at the end of this text: the next run finds this issue by them.</sub>\n`
    ],
    BODY_LIMIT - 600,
    'The job summary of the run has the rest.'
  )
}

/** A new actual checksum for an open drift issue. */
export function changedAgainComment(v: Verdict, previous: string | undefined, ctx: IssueContext): string {
  return [
    `The checksum changed again: now ${code(v.actual ?? '')}${previous ? ` (this issue said ${code(previous)})` : ''}; expected ${code(v.expected ?? '')}.`,
    `${ctx.runUrl ? `Found by ${link('this run', ctx.runUrl)}. ` : ''}The description above is updated.`,
    ''
  ].join('\n\n')
}

/** The drift went away: the checksum is the expected one again. */
export function recoveredComment(v: Verdict, ctx: IssueContext): string {
  const why = v.isNew
    ? `The id had no checksum any more, so it was downloaded and its checksum ${code(v.actual ?? '')} recorded in ${code(ctx.baselineFile)} again.`
    : `The artifact hashes ${code(v.actual ?? '')} again, the checksum ${v.expectedFrom === 'artifacts' ? 'the recipe pins' : `in ${code(ctx.baselineFile)}`}: the drift is gone (reverted upstream, or the new checksum was accepted).`
  const paused = v.ecosystem !== undefined && ctx.onDrift === 'issue-and-pause' ? ` If ${code(v.ecosystem)} is still paused for this drift, resume it with the emergency form (${code('resume-ecosystem')}).` : ''
  return [`${why}${ctx.runUrl ? ` Found by ${link('this run', ctx.runUrl)}.` : ''} Closing.${paused}`, ''].join('\n')
}

/** A short list of ids for a commit trailer or a log line: at most `n`, then how many more. */
export function someIds(ids: readonly string[], n = 10): string {
  return ids.length <= n ? ids.join(', ') : `${ids.slice(0, n).join(', ')} and ${ids.length - n} more`
}
