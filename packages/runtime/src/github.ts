// The GitHub REST client: the little of the API batch-ops uses, through @actions/github.

import type * as GitHub from '@actions/github'
import type { RunJob } from '@batch-ops/core'

export interface RunRef {
  owner: string
  repo: string
  runId: number
}

/** The current workflow run, from GITHUB_REPOSITORY and GITHUB_RUN_ID; undefined outside a run. */
export function currentRun(env: NodeJS.ProcessEnv = process.env): RunRef | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const runId = Number(env.GITHUB_RUN_ID)
  if (!owner || !repo || !Number.isInteger(runId) || runId <= 0) return undefined
  return { owner, repo, runId }
}

/** Every API request ends within this, whatever the caller asks (its own signal may end it sooner). */
export const API_TIMEOUT_MS = 30_000

/** API_TIMEOUT_MS, or BATCH_OPS_API_TIMEOUT_SECONDS (1 to 300) when set: tests and slow Enterprise servers. */
export function apiTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.BATCH_OPS_API_TIMEOUT_SECONDS)
  return Number.isFinite(s) && s >= 1 && s <= 300 ? s * 1000 : API_TIMEOUT_MS
}
/** No API answer batch-ops reads is larger than this (a page of 100 jobs is about 1 MB). */
export const API_MAX_BYTES = 16 * 1024 * 1024

/** The body of `res`, at most `maxBytes`; a longer one is an error (its stream is cancelled). */
async function boundedBody(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined)
    throw new Error(`the answer to ${url} announces ${declared} bytes, more than the ${maxBytes} batch-ops reads`)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = res.body?.getReader()
  if (!reader) return new Uint8Array()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new Error(`the answer to ${url} is longer than the ${maxBytes} bytes batch-ops reads`)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/**
 * fetch bounded in time (the whole answer, body included, within `timeoutMs`) and in size
 * (`maxBytes`), for every request the client makes: an API that accepts the connection and never
 * answers, or answers without end, cannot hold a step until the job's timeout.
 */
export function boundedFetch(timeoutMs = API_TIMEOUT_MS, maxBytes = API_MAX_BYTES, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const shown = url.replace(/\?.*$/, '')
    try {
      const res = await inner(input, { ...init, signal })
      const body = await boundedBody(res, maxBytes, shown)
      const bounded = new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers })
      // A constructed Response has no url; the client reads it (pagination builds the next page's URL from it).
      Object.defineProperty(bounded, 'url', { value: res.url || url })
      return bounded
    } catch (e) {
      if (timeout.aborted) throw new Error(`no answer from ${shown} within ${timeoutMs / 1000} s`)
      throw e
    }
  }
}

/** An Octokit for the REST API at GITHUB_API_URL (GitHub Enterprise, or a local fake in tests), every request bounded (boundedFetch). */
export async function octokit(token: string, bounds: { timeoutMs?: number; maxBytes?: number } = {}): Promise<ReturnType<typeof GitHub.getOctokit>> {
  // Loaded on first use: most runs never call the API, and the client is most of the bundle.
  const github = await import('@actions/github')
  return github.getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com', request: { fetch: boundedFetch(bounds.timeoutMs ?? apiTimeoutMs(), bounds.maxBytes) } })
}

/** The most pages of 100 jobs read for one run: a run has at most 256 jobs per attempt. */
const MAX_JOB_PAGES = 50

/** Every job of a run, all attempts (`filter=all`), following pagination (at most MAX_JOB_PAGES pages). */
export async function listRunJobs(token: string, run: RunRef): Promise<RunJob[]> {
  const client = await octokit(token)
  let pages = 0
  const jobs = await client.paginate(
    client.rest.actions.listJobsForWorkflowRun,
    { owner: run.owner, repo: run.repo, run_id: run.runId, filter: 'all', per_page: 100 },
    (response, done) => {
      if (++pages >= MAX_JOB_PAGES) done()
      return response.data
    }
  )
  return jobs.map((j) => ({
    id: j.id,
    status: j.status,
    started_at: j.started_at ?? null,
    completed_at: j.completed_at ?? null,
    labels: j.labels ?? []
  }))
}

export interface RepoRef {
  owner: string
  repo: string
}

export function currentRepo(env: NodeJS.ProcessEnv = process.env): RepoRef | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return owner && repo ? { owner, repo } : undefined
}

export interface PullRequest {
  number: number
  url: string
  created: boolean
}

/**
 * Opens a pull request from `head` into `base`, or updates the open one for
 * that branch (title and body), so that running twice leaves one.
 */
export async function upsertPullRequest(token: string, r: RepoRef, pr: { head: string; base: string; title: string; body: string }): Promise<PullRequest> {
  const client = await octokit(token)
  const open = await client.rest.pulls.list({ owner: r.owner, repo: r.repo, head: `${r.owner}:${pr.head}`, state: 'open', per_page: 10 })
  const existing = open.data.find((p) => p.head.ref === pr.head)
  if (existing) {
    const updated = await client.rest.pulls.update({ owner: r.owner, repo: r.repo, pull_number: existing.number, title: pr.title, body: pr.body })
    return { number: updated.data.number, url: updated.data.html_url, created: false }
  }
  const created = await client.rest.pulls.create({ owner: r.owner, repo: r.repo, head: pr.head, base: pr.base, title: pr.title, body: pr.body })
  return { number: created.data.number, url: created.data.html_url, created: true }
}

export async function addLabels(token: string, r: RepoRef, issue: number, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) return
  const client = await octokit(token)
  await client.rest.issues.addLabels({ owner: r.owner, repo: r.repo, issue_number: issue, labels: [...labels] })
}

/** Requests reviews; `org/team` entries are team reviewers, the rest users. */
export async function requestReviewers(token: string, r: RepoRef, pull: number, reviewers: readonly string[]): Promise<void> {
  const teams = reviewers.filter((x) => x.includes('/')).map((x) => x.split('/')[1]!)
  const users = reviewers.filter((x) => !x.includes('/'))
  if (teams.length + users.length === 0) return
  const client = await octokit(token)
  await client.rest.pulls.requestReviewers({ owner: r.owner, repo: r.repo, pull_number: pull, reviewers: users, team_reviewers: teams })
}

// ---------------------------------------------------------------------------
// batch-control: the actor's permission, and cancelling workflow runs. Every
// request is bounded in time, so that a hanging API cannot hold the step.

/** A failed request, said so that an operator can act on it: the HTTP status, or no answer in time. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status; undefined for a timeout or a network error. */
    readonly status: number | undefined,
    /** No answer within the timeout. */
    readonly timedOut = false
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Runs one API call with a timeout and turns its failure into an ApiError. */
/**
 * One REST call within `timeoutMs`, its failure as an ApiError that says what was being done:
 * no answer, an HTTP status (with `hint(status)` appended, e.g. the permission the job needs), or
 * a network error.
 */
export async function bounded<T>(what: string, timeoutMs: number, call: (signal: AbortSignal) => Promise<T>, hint: (status: number) => string = () => ''): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    return await call(signal)
  } catch (e) {
    if (signal.aborted) throw new ApiError(`${what}: no answer within ${timeoutMs / 1000} s`, undefined, true)
    const status = (e as { status?: unknown }).status
    const message = ((e as Error)?.message ?? String(e)).replace(/\s+/g, ' ')
    // octokit reports a network failure as status 500 without a response.
    const response = (e as { response?: unknown }).response
    if (typeof status === 'number' && response !== undefined) throw new ApiError(`${what}: HTTP ${status}: ${message}${hint(status)}`, status)
    throw new ApiError(`${what}: network error: ${message}`, undefined)
  }
}

export interface CollaboratorPermission {
  /** The legacy base role: admin, write, read or none. */
  permission: string
  /** The role's name: admin, maintain, write, triage, read, or a custom role. */
  roleName: string
}

/** GET /repos/{owner}/{repo}/collaborators/{username}/permission. */
export async function getCollaboratorPermission(token: string, r: RepoRef, username: string, timeoutMs: number): Promise<CollaboratorPermission> {
  const client = await octokit(token)
  const res = await bounded(`GET the permission of ${username} on ${r.owner}/${r.repo}`, timeoutMs, (signal) =>
    client.rest.repos.getCollaboratorPermissionLevel({ owner: r.owner, repo: r.repo, username, request: { signal } })
  )
  const data = res.data as { permission?: unknown; role_name?: unknown }
  return { permission: typeof data.permission === 'string' ? data.permission : '', roleName: typeof data.role_name === 'string' ? data.role_name : '' }
}

export interface WorkflowRunRef {
  id: number
  status: string
  url: string
}

/** How many pages of runs one listing follows at most (100 runs a page). */
const MAX_RUN_PAGES = 20

/**
 * The runs of one workflow (a file name such as batch.yml, or its ID) with `status`, following
 * the Link headers page by page (octokit's paginate drops the request's abort signal, so it would
 * not be bounded in time); the timeout bounds the whole listing.
 */
export async function listWorkflowRuns(token: string, r: RepoRef, workflow: string, status: string, timeoutMs: number): Promise<WorkflowRunRef[]> {
  const client = await octokit(token)
  type Status = NonNullable<Parameters<typeof client.rest.actions.listWorkflowRuns>[0]>['status']
  return bounded(`list the ${status} runs of ${workflow}`, timeoutMs, async (signal) => {
    const out: WorkflowRunRef[] = []
    for (let page = 1; page <= MAX_RUN_PAGES; page++) {
      const res = await client.rest.actions.listWorkflowRuns({
        owner: r.owner,
        repo: r.repo,
        workflow_id: workflow,
        status: status as Status,
        per_page: 100,
        page,
        request: { signal }
      })
      for (const run of res.data.workflow_runs) out.push({ id: run.id, status: run.status ?? status, url: run.html_url })
      if (!/\brel="next"/.test(res.headers.link ?? '')) break
    }
    return out
  })
}

/** POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel (needs actions: write). */
export async function cancelWorkflowRun(token: string, r: RepoRef, runId: number, timeoutMs: number): Promise<void> {
  const client = await octokit(token)
  await bounded(`cancel run ${runId}`, timeoutMs, (signal) => client.rest.actions.cancelWorkflowRun({ owner: r.owner, repo: r.repo, run_id: runId, request: { signal } }))
}
