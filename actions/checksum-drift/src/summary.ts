// The job summary of checksum-drift: the counts, every drift with its issue, what is gone or
// unreachable and why, the checksums recorded for the first time, and what was committed.

import { type Section, type Shard, type Verdict, type VerdictCounts, SUMMARY_LIMIT, code, fitMarkdown, formatTimestamp, link, md, utf8Bytes, pushedNote } from '@batch-ops/core'
import type { IssueResult } from '@batch-ops/runtime'
import type { WriteOutcome } from './main.js'

export interface DriftSummaryContext {
  files: readonly string[]
  /** Artifacts in the list, every shard. */
  listed: number
  shard: Shard | null
  verdicts: readonly Verdict[]
  counts: VerdictCounts
  written: WriteOutcome
  writeError: string | undefined
  baselineFile: string
  controlFile: string
  onDrift: 'issue' | 'issue-and-pause' | 'none'
  paused: readonly string[] | undefined
  withoutEcosystem: readonly string[]
  issues: readonly IssueResult[]
  problems: readonly string[]
  settings: { concurrency: number; timeoutSeconds: number; maxBytes: number; retries: number; schemes: readonly string[] }
  evaluatedAt: number
}

const optional = (v: string | undefined): string => (v === undefined ? '' : code(v))

function issueCell(ctx: DriftSummaryContext, id: string): string {
  const r = ctx.issues.find((x) => x.key === id)
  if (!r) return ctx.onDrift === 'none' ? '' : 'unchanged'
  if (r.error) return `⚠️ not ${r.action}`
  return `${r.action} ${link(`issue ${r.number}`, r.url)}`
}

function written(ctx: DriftSummaryContext): string {
  const w = ctx.written
  if (ctx.writeError !== undefined) return `⚠️ **Nothing was written**: ${md(ctx.writeError)}\n`
  const parts: string[] = []
  if (w.added.length > 0) parts.push(`${w.added.length} new checksum${w.added.length === 1 ? '' : 's'} added to ${code(ctx.baselineFile)}`)
  if (w.pausedNow.length > 0) parts.push(`${w.pausedNow.map((e) => code(e)).join(', ')} paused in ${code(ctx.controlFile)}`)
  const already = (ctx.paused ?? []).filter((e) => !w.pausedNow.includes(e))
  if (already.length > 0) parts.push(`${already.map((e) => code(e)).join(', ')} already paused`)
  if (parts.length === 0) return 'Nothing to write: no new id, and no ecosystem to pause.\n'
  const how = w.commit
    ? pushedNote(w.commit, w.branch, w.attempts)
    : w.changed
      ? 'written to the working tree only (persist: false)'
      : 'already so on the branch'
  return `**Written:** ${parts.join('; ')} — ${how}.\n`
}

export function driftSummary(ctx: DriftSummaryContext): string {
  const c = ctx.counts
  const drifted = ctx.verdicts.filter((v) => v.kind === 'drifted')
  const headline = c.drifted > 0 ? `🔴 ${c.drifted} drifted` : c.checked === 0 ? '⚪ nothing to check in this shard' : '🟢 no drift'
  const sections: Section[] = [`## Checksum drift: ${headline}\n`]
  const shard = ctx.shard ? ` (shard ${ctx.shard.index}/${ctx.shard.count} of ${ctx.listed})` : ''
  sections.push(`Checked ${c.checked} artifact${c.checked === 1 ? '' : 's'}${shard} from ${ctx.files.map((f) => code(f)).join(', ')}.\n`)
  sections.push({
    noun: 'rows',
    head: ['checked', 'ok', 'drifted', 'gone', 'unreachable', 'new (of ok)'],
    rows: [[String(c.checked), String(c.ok), String(c.drifted), String(c.gone), String(c.unreachable), String(c.new)]]
  })
  for (const p of ctx.problems) sections.push(`\n> ⚠️ ${md(p)}\n`)
  if (drifted.length > 0) {
    sections.push(
      `\n### Drifted\n\nDownloaded completely, with a SHA-256 that is not the expected one: upstream rebuilt the file, or it was tampered with. ` +
        `Each has an issue that says what to do${ctx.onDrift === 'none' ? ' (not with on-drift: none)' : ''}.\n`
    )
    if (ctx.withoutEcosystem.length > 0 && ctx.onDrift === 'issue-and-pause') {
      sections.push(`> ⚠️ ${ctx.withoutEcosystem.length} drifted artifact${ctx.withoutEcosystem.length === 1 ? ' has' : 's have'} no ecosystem in the list, so nothing was paused for ${ctx.withoutEcosystem.length === 1 ? 'it' : 'them'}.\n`)
    }
    sections.push({
      noun: 'drifted artifacts',
      head: ['id', 'URL', 'expected', 'actual', 'ecosystem', 'recipe', 'batch', 'issue'],
      rows: drifted.map((v) => [code(v.id), code(v.url), code(v.expected ?? ''), code(v.actual ?? ''), optional(v.ecosystem), optional(v.recipe), optional(v.batch_id), issueCell(ctx, v.id)])
    })
  }
  const closed = ctx.issues.filter((r) => r.action === 'closed')
  if (closed.length > 0) {
    sections.push(`\n### Recovered\n\nThe checksum is the expected one again; the issue was closed with a comment.\n`)
    sections.push({ noun: 'recovered artifacts', head: ['id', 'issue'], rows: closed.map((r) => [code(r.key), r.error ? `⚠️ not closed: ${md(r.error)}` : link(`issue ${r.number}`, r.url)]) })
  }
  for (const kind of ['gone', 'unreachable'] as const) {
    const some = ctx.verdicts.filter((v) => v.kind === kind)
    if (some.length === 0) continue
    sections.push(
      kind === 'gone'
        ? `\n### Gone\n\n404 or 410: the file is no longer there. Not a drift; fix or remove the recipe.\n`
        : `\n### Unreachable\n\nNot downloaded completely, after the retries. Not a drift, and the baseline is not changed; the next run tries again.\n`
    )
    sections.push({ noun: `${kind} artifacts`, head: ['id', 'URL', 'why', 'ecosystem'], rows: some.map((v) => [code(v.id), code(v.url), md(v.reason ?? ''), optional(v.ecosystem)]) })
  }
  const fresh = ctx.verdicts.filter((v) => v.isNew && v.kind === 'ok')
  if (fresh.length > 0) {
    sections.push(`\n### First seen\n\nNo checksum yet: downloaded, and the checksum recorded in ${code(ctx.baselineFile)} (trust on first use).\n`)
    sections.push({ noun: 'new artifacts', head: ['id', 'SHA-256', 'bytes', 'URL'], rows: fresh.map((v) => [code(v.id), code(v.actual ?? ''), String(v.bytes ?? ''), code(v.url)]) })
  }
  sections.push(`\n${written(ctx)}`)
  const s = ctx.settings
  sections.push(
    `\n<sub>on-drift ${md(ctx.onDrift)}; ${s.concurrency} at a time, ${s.timeoutSeconds} s per attempt, ${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}, ` +
      `at most ${s.maxBytes} bytes, schemes ${md(s.schemes.join(', '))}. Evaluated at ${formatTimestamp(ctx.evaluatedAt)}. URLs are shown without credentials or query values.</sub>\n`
  )
  return fitMarkdown(sections, SUMMARY_LIMIT, "The step's outputs and log have the rest.", utf8Bytes)
}
