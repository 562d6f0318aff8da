// Issues that track a finding, one open issue per key (checksum-drift: an artifact's id; the SLO
// alerts: an ecosystem's SLO). The caller decides what each key's issue should become (open it,
// comment and update it, close it); this module finds the open ones and makes the changes.
//
// An issue is found again by a hidden marker in its body, `<!-- batch-ops:<kind> id=<key> -->` (the
// name before `=` may be another word: the SLO alerts write `ecosystem=<name>`),
// among the open issues that carry the first label (listed page by page). A second hidden line,
// `<!-- batch-ops:<kind> state=<json> -->`, holds what the caller wants to remember between runs
// (checksum-drift: the actual checksum it reported). The key and the state are percent-encoded,
// so that no key can close the comment or fake another marker. Every request is bounded in time.

import { BODY_LIMIT, type JsonValue, truncateMarkdown } from '@batch-ops/core'
import { ApiError, type RepoRef, bounded as boundedCall, octokit } from './github.js'

export interface IssueTrackerOptions {
  token: string
  repo: RepoRef
  /** Names the marker, e.g. `checksum-drift`: lower-case letters, digits and '-'. */
  kind: string
  /** The word before the key in the marker (`id` by default; `ecosystem` for the SLO alerts). */
  keyName?: string
  /** New issues get all of them; open ones are looked for by the first. At least one. */
  labels: readonly string[]
  /** Each request. */
  timeoutMs: number
  /** The listing stops with an error past this many pages of 100 (default 50). */
  maxPages?: number
}

/** An open issue that carries a marker of this kind. */
export interface TrackedIssue {
  key: string
  number: number
  url: string
  title: string
  /** What the last writer stored with `state`; undefined when the body has none (or it does not parse). */
  state: JsonValue | undefined
}

/** What one key's issue should become. */
export type IssueChange =
  | { action: 'open'; title: string; body: string; state?: JsonValue; /** Besides the tracker's own labels. */ labels?: readonly string[] }
  | {
      action: 'update'
      title?: string
      body: string
      state?: JsonValue
      comment?: string
      /** Labels to add and to remove (a label the issue does not have is not an error). */
      labels?: { add?: readonly string[]; remove?: readonly string[] }
    }
  | { action: 'close'; comment?: string }

export interface IssueResult {
  key: string
  action: 'opened' | 'updated' | 'closed'
  number?: number
  url?: string
  /** Set when the change could not be made: what failed, for an operator. */
  error?: string
}

/** GitHub's longest issue title. */
const TITLE_LIMIT = 256
/** Characters a marker value keeps as they are; everything else is percent-encoded (UTF-8). `>` and `!` never stay, so `-->` and `--!>` cannot appear. */
const KEEP = /^[A-Za-z0-9._~@/+:=,-]$/u

function checkKind(kind: string, keyName = 'id'): void {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(kind)) throw new Error(`issue kind ${JSON.stringify(kind)} must be lower-case letters, digits and '-'`)
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(keyName) || keyName === 'state') throw new Error(`marker key name ${JSON.stringify(keyName)} must be a lower-case word other than "state"`)
}

/** A key or a state as it stands in a marker: no space, no `>`, no line break, nothing that ends a comment. */
export function encodeMarkerValue(value: string): string {
  let out = ''
  for (const ch of value) {
    if (KEEP.test(ch)) out += ch
    else {
      const c = ch.codePointAt(0)!
      // A lone surrogate has no UTF-8; it is written as U+FFFD's bytes, like every encoder does.
      const bytes = Buffer.from(c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch, 'utf8')
      for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
    }
  }
  return out
}

export function decodeMarkerValue(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded)
  } catch {
    return undefined
  }
}

/** The hidden line that finds a key's issue again. */
export function issueMarker(kind: string, key: string, keyName = 'id'): string {
  checkKind(kind, keyName)
  return `<!-- batch-ops:${kind} ${keyName}=${encodeMarkerValue(key)} -->`
}

function stateMarker(kind: string, state: JsonValue): string {
  return `<!-- batch-ops:${kind} state=${encodeMarkerValue(JSON.stringify(state))} -->`
}

/** The key and state of a body's markers of `kind`; undefined when it has no marker of that kind. */
export function readIssueMarker(kind: string, body: string, keyName = 'id'): { key: string; state: JsonValue | undefined } | undefined {
  checkKind(kind, keyName)
  const id = new RegExp(`^<!-- batch-ops:${kind} ${keyName}=(\\S*) -->\\s*$`, 'm').exec(body)
  const key = id ? decodeMarkerValue(id[1]!) : undefined
  if (key === undefined) return undefined
  const st = new RegExp(`^<!-- batch-ops:${kind} state=(\\S+) -->\\s*$`, 'm').exec(body)
  let state: JsonValue | undefined
  if (st) {
    try {
      state = JSON.parse(decodeMarkerValue(st[1]!) ?? '') as JsonValue
    } catch {
      state = undefined
    }
  }
  return { key, state }
}

/** The body as sent: the caller's text (cut to fit GitHub's limit), then the hidden markers. */
export function issueBody(kind: string, key: string, body: string, state: JsonValue | undefined, keyName = 'id'): string {
  const markers = `${issueMarker(kind, key, keyName)}\n${state !== undefined ? `${stateMarker(kind, state)}\n` : ''}`
  const room = BODY_LIMIT - markers.length - 2
  const text = truncateMarkdown(body.endsWith('\n') ? body : `${body}\n`, room, 'The job summary of the run that wrote it has the rest.')
  return `${text}\n${markers}`
}

const fitComment = (text: string): string => truncateMarkdown(text, BODY_LIMIT, 'The job summary of the run that wrote it has the rest.')
const fitTitle = (title: string): string => {
  const t = title.replace(/\s+/g, ' ').trim()
  return t.length <= TITLE_LIMIT ? t : `${t.slice(0, TITLE_LIMIT - 1)}…`
}

/** One API call with a timeout, its failure an ApiError an operator can act on. */
/** bounded, with what a failed issue call most likely lacks. */
function bounded<T>(what: string, timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return boundedCall(what, timeoutMs, call, (status) =>
    status === 401 ? ' (check github-token)' : status === 403 || status === 404 ? " (does the job's token have permissions: issues: write?)" : ''
  )
}

type Client = Awaited<ReturnType<typeof octokit>>

export interface IssueTracker {
  /** The open issues with the first label and a marker of this kind, by key (the lowest number when a key has two). */
  list(): Promise<Map<string, TrackedIssue>>
  /**
   * Makes each change, in order; one that fails is reported in its result and the rest go on.
   * `open` is what `list` returned: an `update` or `close` of a key with no open issue is skipped,
   * an `open` of a key that has one updates it instead.
   */
  apply(open: ReadonlyMap<string, TrackedIssue>, changes: ReadonlyArray<{ key: string; change: IssueChange }>): Promise<IssueResult[]>
}

export function issueTracker(o: IssueTrackerOptions): IssueTracker {
  const keyName = o.keyName ?? 'id'
  checkKind(o.kind, keyName)
  if (o.labels.length === 0) throw new Error('the issue tracker needs at least one label: open issues are found by the first')
  const label = o.labels[0]!
  const { owner, repo } = o.repo
  let client: Client | undefined
  const api = async (): Promise<Client> => (client ??= await octokit(o.token))
  const maxPages = o.maxPages ?? 50

  const list = async (): Promise<Map<string, TrackedIssue>> => {
    const c = await api()
    const found = new Map<string, TrackedIssue>()
    for (let page = 1; ; page++) {
      if (page > maxPages) {
        throw new ApiError(
          `list the open issues labelled ${JSON.stringify(label)}: more than ${maxPages * 100}, more than batch-ops reads; ` +
            `close the ones that are done (or give this check a label of its own as the first of its labels) so that no finding is reported twice`,
          undefined
        )
      }
      const res = await bounded(`list the open issues labelled ${JSON.stringify(label)} (page ${page})`, o.timeoutMs, (signal) =>
        c.rest.issues.listForRepo({ owner, repo, state: 'open', labels: label, per_page: 100, page, request: { signal } })
      )
      for (const issue of res.data) {
        if (issue.pull_request) continue
        const marker = readIssueMarker(o.kind, issue.body ?? '', keyName)
        if (!marker) continue
        const before = found.get(marker.key)
        if (before && before.number < issue.number) continue
        found.set(marker.key, { key: marker.key, number: issue.number, url: issue.html_url, title: issue.title, state: marker.state })
      }
      if (!/\brel="next"/.test(res.headers.link ?? '')) return found
    }
  }

  const one = async (c: Client, existing: TrackedIssue | undefined, key: string, change: IssueChange): Promise<IssueResult | undefined> => {
    if (change.action === 'open' && !existing) {
      const created = await bounded(`open the issue for ${JSON.stringify(key)}`, o.timeoutMs, (signal) =>
        c.rest.issues.create({
          owner,
          repo,
          title: fitTitle(change.title),
          body: issueBody(o.kind, key, change.body, change.state, keyName),
          labels: [...new Set([...o.labels, ...(change.labels ?? [])])],
          request: { signal }
        })
      )
      return { key, action: 'opened', number: created.data.number, url: created.data.html_url }
    }
    if (!existing) return undefined
    const where = `issue #${existing.number} (${JSON.stringify(key)})`
    if (change.action === 'close') {
      if (change.comment) {
        await bounded(`comment on ${where}`, o.timeoutMs, (signal) =>
          c.rest.issues.createComment({ owner, repo, issue_number: existing.number, body: fitComment(change.comment!), request: { signal } })
        )
      }
      await bounded(`close ${where}`, o.timeoutMs, (signal) =>
        c.rest.issues.update({ owner, repo, issue_number: existing.number, state: 'closed', state_reason: 'completed', request: { signal } })
      )
      return { key, action: 'closed', number: existing.number, url: existing.url }
    }
    const comment = change.action === 'update' ? change.comment : undefined
    if (comment) {
      await bounded(`comment on ${where}`, o.timeoutMs, (signal) =>
        c.rest.issues.createComment({ owner, repo, issue_number: existing.number, body: fitComment(comment), request: { signal } })
      )
    }
    await bounded(`update ${where}`, o.timeoutMs, (signal) =>
      c.rest.issues.update({
        owner,
        repo,
        issue_number: existing.number,
        body: issueBody(o.kind, key, change.body, change.state, keyName),
        ...(change.title !== undefined ? { title: fitTitle(change.title) } : {}),
        request: { signal }
      })
    )
    if (change.action === 'update' && change.labels) {
      const { add = [], remove = [] } = change.labels
      for (const name of remove) {
        await bounded(`remove the label ${JSON.stringify(name)} from ${where}`, o.timeoutMs, (signal) =>
          c.rest.issues.removeLabel({ owner, repo, issue_number: existing.number, name, request: { signal } })
        ).catch((e: ApiError) => {
          // Not there (any more): the wanted state already.
          if (e.status !== 404) throw e
        })
      }
      if (add.length > 0) {
        await bounded(`label ${where}`, o.timeoutMs, (signal) => c.rest.issues.addLabels({ owner, repo, issue_number: existing.number, labels: [...add], request: { signal } }))
      }
    }
    return { key, action: 'updated', number: existing.number, url: existing.url }
  }

  const apply = async (open: ReadonlyMap<string, TrackedIssue>, changes: ReadonlyArray<{ key: string; change: IssueChange }>): Promise<IssueResult[]> => {
    const results: IssueResult[] = []
    if (changes.length === 0) return results
    const c = await api()
    for (const { key, change } of changes) {
      const existing = open.get(key)
      try {
        const r = await one(c, existing, key, change)
        if (r) results.push(r)
      } catch (e) {
        const action = change.action === 'open' && !existing ? 'opened' : change.action === 'close' ? 'closed' : 'updated'
        results.push({ key, action, ...(existing ? { number: existing.number, url: existing.url } : {}), error: (e as Error).message })
      }
    }
    return results
  }

  return { list, apply }
}
