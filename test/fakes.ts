// HTTP fakes for the integration tests: a GitHub REST API and the metrics Worker.
//
// Each listens on 127.0.0.1, port 0 (a free port, never a fixed one), records
// every request it gets, and closes for good on close(), even with a request
// it is deliberately leaving unanswered (open sockets are destroyed).

import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface RecordedRequest {
  method: string
  /** The path without the query string, e.g. /repos/o/r/actions/runs/7/jobs. */
  path: string
  /** Query parameters (the last value wins for a repeated one). */
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** The raw body text ('' without one). */
  text: string
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: unknown
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** An object is sent as JSON; a string as is. */
  body?: unknown
}

/** What a handler answers: a reply, or 'hang' to keep the request open and never answer. */
export type Answer = Reply | 'hang'

/**
 * One page of `all` as GitHub serves a list: per_page (at most `maxPerPage`, default 30) and page
 * from the query, and Link headers (next and last; first and prev after the first page) that
 * repeat the request's query with another page.
 */
export function paginate<T>(all: readonly T[], request: RecordedRequest, baseUrl: string, maxPerPage: number): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(maxPerPage, Math.max(1, Number(request.query.per_page ?? 30) || 30))
  const page = Math.max(1, Number(request.query.page ?? 1) || 1)
  const pages = Math.max(1, Math.ceil(all.length / perPage))
  const link = (p: number): string => {
    const u = new URL(request.path, baseUrl)
    for (const [k, v] of Object.entries(request.query)) u.searchParams.set(k, v)
    u.searchParams.set('page', String(p))
    return u.toString()
  }
  const rels: string[] = []
  if (page < pages) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(pages)}>; rel="last"`)
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`)
  return { items: all.slice((page - 1) * perPage, page * perPage), headers: rels.length > 0 ? { link: rels.join(', ') } : {} }
}

export interface RouteContext {
  request: RecordedRequest
  /** `:name` segments of the route's pattern. */
  params: Record<string, string>
  /** The server's base URL (http://127.0.0.1:port), for Link headers and the like. */
  baseUrl: string
}

export type Handler = (ctx: RouteContext) => Answer | Promise<Answer>

export interface Route {
  method: string
  /** e.g. '/repos/:owner/:repo/actions/runs/:run_id/jobs'; each :name matches one path segment. */
  pattern: string
  handler: Handler
}

export interface FakeServer {
  /** Base URL, http://127.0.0.1:<port>, without a trailing slash. */
  url: string
  /** Every request received, in order (recorded once its body has arrived). */
  requests: RecordedRequest[]
  /** Adds a route; later routes are tried after earlier ones. */
  route(method: string, pattern: string, handler: Handler): void
  /** Stops listening and destroys every open connection, answered or not. */
  close(): Promise<void>
}

function compile(pattern: string): (path: string) => Record<string, string> | null {
  const names: string[] = []
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1))
        return '([^/]+)'
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  const re = new RegExp(`^${source}/?$`)
  return (path) => {
    const m = re.exec(path)
    if (!m) return null
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]))
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers }
  let payload = ''
  if (typeof reply.body === 'string') payload = reply.body
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body)
    headers['content-type'] ??= 'application/json; charset=utf-8'
  }
  res.writeHead(reply.status, headers)
  res.end(payload)
}

/** A server answering from a small route table; anything else gets 404 (and is recorded too). */
export async function fakeServer(routes: Route[] = []): Promise<FakeServer> {
  const table = routes.map((r) => ({ ...r, method: r.method.toUpperCase(), match: compile(r.pattern) }))
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let baseUrl = ''

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = undefined
    }
    const url = new URL(req.url ?? '/', baseUrl)
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      text,
      body
    }
    requests.push(request)
    for (const route of table) {
      if (route.method !== request.method) continue
      const params = route.match(request.path)
      if (!params) continue
      const answer = await route.handler({ request, params, baseUrl })
      if (answer !== 'hang') send(res, answer)
      return
    }
    send(res, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { message: `fake server error: ${(e as Error).message}` } })
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  baseUrl = `http://127.0.0.1:${port}`

  let closed: Promise<void> | undefined
  return {
    url: baseUrl,
    requests,
    route: (method, pattern, handler) => {
      table.push({ method: method.toUpperCase(), pattern, handler, match: compile(pattern) })
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
        server.closeAllConnections()
      }))
  }
}

// ---------------------------------------------------------------------------
// GitHub REST API

/** A workflow job as the REST API returns it (only what batch-ops reads is required). */
export interface FakeJob {
  id: number
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'pending' | 'requested'
  started_at: string | null
  completed_at: string | null
  labels: string[]
  [key: string]: unknown
}

export interface FakeGitHubOptions {
  /** Jobs of the run, by run ID ('*' for any run); an array is the jobs of every run. */
  jobs?: FakeJob[] | Record<string, FakeJob[]>
  /** The API's largest page (GitHub: 100). */
  maxPerPage?: number
}

export interface FakeGitHub extends FakeServer {
  /** The job-listing requests only. */
  jobRequests(): RecordedRequest[]
}

/** A finished job of `seconds` on a runner with `labels`, started at `start`. */
export function job(id: number, seconds: number | null, labels: string[] = ['ubuntu-latest'], start = '2026-03-04T09:00:00Z'): FakeJob {
  const started = Date.parse(start)
  return {
    id,
    run_id: 0,
    name: `job ${id}`,
    status: seconds === null ? 'in_progress' : 'completed',
    conclusion: seconds === null ? null : 'success',
    started_at: new Date(started).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    completed_at: seconds === null ? null : new Date(started + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    labels
  }
}

/** A job still in progress: `in_progress`, started at `start`, no `completed_at` (as GitHub lists a running job). */
export function runningJob(id: number, start: string, labels: string[] = ['ubuntu-latest']): FakeJob {
  return { ...job(id, null, labels, start), status: 'in_progress', conclusion: null, completed_at: null }
}

/** A job waiting for a runner: `queued`, neither started nor completed. */
export function queuedJob(id: number, labels: string[] = ['ubuntu-latest']): FakeJob {
  return { ...job(id, null, labels), status: 'queued', conclusion: null, started_at: null, completed_at: null }
}

const JOBS = '/repos/:owner/:repo/actions/runs/:run_id/jobs'

/**
 * The GitHub REST API, as much as batch-ops uses: GET …/actions/runs/:run_id/jobs
 * with per_page/page pagination and Link headers. Add endpoints with route().
 */
export async function fakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const maxPerPage = opts.maxPerPage ?? 100
  const jobsOf = (runId: string): FakeJob[] | undefined => {
    const j = opts.jobs ?? []
    if (Array.isArray(j)) return j
    return j[runId] ?? j['*']
  }
  const server = await fakeServer([
    {
      method: 'GET',
      pattern: JOBS,
      handler: ({ request, params, baseUrl }): Reply => {
        const all = jobsOf(params.run_id!)
        if (!all) return { status: 404, body: { message: 'Not Found' } }
        const { items, headers } = paginate(all, request, baseUrl, maxPerPage)
        return {
          status: 200,
          headers,
          body: {
            total_count: all.length,
            jobs: items.map((j) => ({ ...j, run_id: Number(params.run_id) }))
          }
        }
      }
    }
  ])
  return Object.assign(server, {
    jobRequests: () => server.requests.filter((r) => compile(JOBS)(r.path) !== null)
  })
}

// ---------------------------------------------------------------------------
// the metrics Worker

export type SinkStep = number | 'hang' | Reply

export interface FakeSink extends FakeServer {
  /** The POST /batch-metrics requests only. */
  posts(): RecordedRequest[]
}

/**
 * POST /batch-metrics answering the scripted statuses in order ([500, 201]:
 * first a 500, then 201s); past the end the last step repeats. 'hang' never answers.
 */
export async function fakeSink(script: SinkStep[] = [201]): Promise<FakeSink> {
  if (script.length === 0) throw new Error('fakeSink: the script needs at least one step')
  let next = 0
  const server = await fakeServer([
    {
      method: 'POST',
      pattern: '/batch-metrics',
      handler: () => {
        const step = script[Math.min(next++, script.length - 1)]!
        if (step === 'hang') return 'hang'
        if (typeof step === 'number') return { status: step, body: step < 300 ? { ok: true } : { error: `scripted ${step}` } }
        return step
      }
    }
  ])
  return Object.assign(server, {
    posts: () => server.requests.filter((r) => r.method === 'POST' && r.path === '/batch-metrics')
  })
}

// ---------------------------------------------------------------------------
// pull requests (rollback-batch)

/** A pull request as the fake keeps it. */
export interface FakePull {
  number: number
  /** The head branch (no owner prefix). */
  head: string
  base: string
  title: string
  body: string
  state: 'open' | 'closed'
  labels: string[]
  reviewers: string[]
  teamReviewers: string[]
}

export type PullsEndpoint = 'list' | 'create' | 'update' | 'labels' | 'reviewers'

export interface FakePullsOptions {
  /** Pull requests that exist before the run. */
  pulls?: FakePull[]
  /** Answer an endpoint with this status (and an error body) instead of handling it. */
  fail?: Partial<Record<PullsEndpoint, number | 'hang'>>
}

export interface FakePullsApi extends FakeServer {
  /** The pull requests, as the requests left them. */
  pulls: FakePull[]
  /** The requests one endpoint received, in order. */
  calls(endpoint: PullsEndpoint): RecordedRequest[]
}

const PULLS_ROUTES: Record<PullsEndpoint, [string, string]> = {
  list: ['GET', '/repos/:owner/:repo/pulls'],
  create: ['POST', '/repos/:owner/:repo/pulls'],
  update: ['PATCH', '/repos/:owner/:repo/pulls/:number'],
  labels: ['POST', '/repos/:owner/:repo/issues/:number/labels'],
  reviewers: ['POST', '/repos/:owner/:repo/pulls/:number/requested_reviewers']
}

/**
 * The pull-request endpoints rollback-batch uses, with state: GET …/pulls (filtered by
 * `head=owner:branch` and `state`, default open), POST …/pulls (422 when an open one
 * for that head exists, as GitHub answers), PATCH …/pulls/:n, POST …/issues/:n/labels
 * and POST …/pulls/:n/requested_reviewers.
 */
export async function fakePullsApi(opts: FakePullsOptions = {}): Promise<FakePullsApi> {
  const pulls: FakePull[] = (opts.pulls ?? []).map((p) => ({ ...p }))
  const json = (p: FakePull, owner: string, repo: string, baseUrl: string): Record<string, unknown> => ({
    id: 1000 + p.number,
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    url: `${baseUrl}/repos/${owner}/${repo}/pulls/${p.number}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${p.number}`,
    head: { ref: p.head, label: `${owner}:${p.head}`, sha: '0'.repeat(40) },
    base: { ref: p.base, label: `${owner}:${p.base}`, sha: '0'.repeat(40) },
    labels: p.labels.map((name, i) => ({ id: i + 1, name })),
    requested_reviewers: p.reviewers.map((login, i) => ({ id: i + 1, login })),
    requested_teams: p.teamReviewers.map((slug, i) => ({ id: i + 1, slug }))
  })
  const failing = (endpoint: PullsEndpoint): Answer | undefined => {
    const status = opts.fail?.[endpoint]
    if (status === 'hang') return 'hang'
    return status === undefined ? undefined : { status, body: { message: `scripted ${status} for ${endpoint}` } }
  }
  const find = (n: string | undefined): FakePull | undefined => pulls.find((p) => String(p.number) === n)
  // GitHub refuses a body over 65,536 characters.
  const tooLong = (): Reply => ({ status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'body', code: 'custom', message: 'body is too long (maximum is 65536 characters)' }] } })
  const body = (r: RecordedRequest): Record<string, unknown> => (typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>) : {})
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [])

  const handlers: Record<PullsEndpoint, Handler> = {
    list: ({ request, params, baseUrl }) => {
      const state = request.query.state ?? 'open'
      const head = request.query.head
      const found = pulls.filter((p) => (state === 'all' || p.state === state) && (head === undefined || `${params.owner}:${p.head}` === head))
      return { status: 200, body: found.map((p) => json(p, params.owner!, params.repo!, baseUrl)) }
    },
    create: ({ request, params, baseUrl }) => {
      const b = body(request)
      const head = typeof b.head === 'string' ? b.head.replace(/^[^:]+:/, '') : ''
      if (head === '' || typeof b.base !== 'string' || typeof b.title !== 'string') return { status: 422, body: { message: 'Validation Failed' } }
      if (typeof b.body === 'string' && b.body.length > 65_536) return tooLong()
      if (pulls.some((p) => p.state === 'open' && p.head === head)) {
        return { status: 422, body: { message: 'Validation Failed', errors: [{ message: `A pull request already exists for ${params.owner}:${head}.` }] } }
      }
      const p: FakePull = {
        number: pulls.reduce((n, x) => Math.max(n, x.number), 0) + 1,
        head,
        base: b.base,
        title: b.title,
        body: typeof b.body === 'string' ? b.body : '',
        state: 'open',
        labels: [],
        reviewers: [],
        teamReviewers: []
      }
      pulls.push(p)
      return { status: 201, body: json(p, params.owner!, params.repo!, baseUrl) }
    },
    update: ({ request, params, baseUrl }) => {
      const p = find(params.number)
      if (!p) return { status: 404, body: { message: 'Not Found' } }
      const b = body(request)
      if (typeof b.title === 'string') p.title = b.title
      if (typeof b.body === 'string' && b.body.length > 65_536) return tooLong()
      if (typeof b.body === 'string') p.body = b.body
      if (b.state === 'open' || b.state === 'closed') p.state = b.state
      return { status: 200, body: json(p, params.owner!, params.repo!, baseUrl) }
    },
    labels: ({ request, params }) => {
      const p = find(params.number)
      if (!p) return { status: 404, body: { message: 'Not Found' } }
      for (const l of strings(body(request).labels)) if (!p.labels.includes(l)) p.labels.push(l)
      return { status: 200, body: p.labels.map((name, i) => ({ id: i + 1, name })) }
    },
    reviewers: ({ request, params, baseUrl }) => {
      const p = find(params.number)
      if (!p) return { status: 404, body: { message: 'Not Found' } }
      const b = body(request)
      for (const r of strings(b.reviewers)) if (!p.reviewers.includes(r)) p.reviewers.push(r)
      for (const t of strings(b.team_reviewers)) if (!p.teamReviewers.includes(t)) p.teamReviewers.push(t)
      return { status: 201, body: json(p, params.owner!, params.repo!, baseUrl) }
    }
  }

  const server = await fakeServer(
    (Object.keys(PULLS_ROUTES) as PullsEndpoint[]).map((endpoint) => ({
      method: PULLS_ROUTES[endpoint][0],
      pattern: PULLS_ROUTES[endpoint][1],
      handler: (ctx: RouteContext) => failing(endpoint) ?? handlers[endpoint](ctx)
    }))
  )
  const matchers = Object.fromEntries(
    (Object.keys(PULLS_ROUTES) as PullsEndpoint[]).map((e) => [e, { method: PULLS_ROUTES[e][0], match: compile(PULLS_ROUTES[e][1]) }])
  ) as Record<PullsEndpoint, { method: string; match: (p: string) => Record<string, string> | null }>
  return Object.assign(server, {
    pulls,
    calls: (endpoint: PullsEndpoint) => server.requests.filter((r) => r.method === matchers[endpoint].method && matchers[endpoint].match(r.path) !== null)
  })
}

// ---------------------------------------------------------------------------
// batch-control: collaborator permission, and workflow runs to list and cancel

export type FakeRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'

/** A workflow run as the fake keeps it. */
export interface FakeRun {
  id: number
  /** The workflow's file name, e.g. batch.yml. */
  workflow: string
  status: 'queued' | 'in_progress' | 'waiting' | 'requested' | 'pending' | 'completed'
  conclusion?: string | null
}

export interface ControlRoutesOptions {
  /** Role by login; '*' for anyone else. A login with no role gets 404, as for an unknown user. */
  roles?: Record<string, FakeRole>
  /** Answer the permission lookup with this status (an error body), or never ('hang'). */
  permissionFailure?: number | 'hang'
  /** The runs there are; cancelling one marks it completed (conclusion cancelled). */
  runs?: FakeRun[]
  /** Workflow files that exist (listing another gets 404); default: those of `runs`. */
  workflows?: string[]
  /** Answer the cancel of these run IDs with this status, or never ('hang'). */
  cancelFailure?: Record<number, number | 'hang'>
  /** Answer every run listing with this status, or never ('hang'). */
  listFailure?: number | 'hang'
  /** The API's largest page (GitHub: 100). */
  maxPerPage?: number
  /** Called with each request to these endpoints before it is answered (to look at the world at that moment). */
  before?: (request: RecordedRequest) => void | Promise<void>
}

export interface ControlRoutes {
  runs: FakeRun[]
  permissionRequests(): RecordedRequest[]
  listRequests(): RecordedRequest[]
  cancelRequests(): RecordedRequest[]
  /** The run IDs whose cancel was answered 202, in order. */
  cancelled(): number[]
}

const PERMISSION = '/repos/:owner/:repo/collaborators/:username/permission'
const WORKFLOW_RUNS = '/repos/:owner/:repo/actions/workflows/:workflow/runs'
const CANCEL = '/repos/:owner/:repo/actions/runs/:run_id/cancel'
const LEGACY_PERMISSION: Record<FakeRole, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' }

/**
 * Adds the endpoints batch-control calls to a fake server (fakeGitHub, fakePullsApi, …):
 * GET …/collaborators/:username/permission, GET …/actions/workflows/:workflow/runs (filtered by
 * `status`, per_page/page pagination with Link headers) and POST …/actions/runs/:run_id/cancel
 * (202; 409 for a completed run and 404 for an unknown one, as GitHub answers).
 */
export function addControlRoutes(server: FakeServer, opts: ControlRoutesOptions = {}): ControlRoutes {
  const runs = (opts.runs ?? []).map((r) => ({ ...r }))
  const workflows = opts.workflows ?? [...new Set(runs.map((r) => r.workflow))]
  const maxPerPage = opts.maxPerPage ?? 100
  const scripted = (step: number | 'hang' | undefined): Answer | undefined =>
    step === undefined ? undefined : step === 'hang' ? 'hang' : { status: step, body: { message: `scripted ${step}` } }
  const ok: number[] = []

  server.route('GET', PERMISSION, async ({ request, params }) => {
    await opts.before?.(request)
    const failure = scripted(opts.permissionFailure)
    if (failure) return failure
    const role = opts.roles?.[params.username!] ?? opts.roles?.['*']
    if (!role) return { status: 404, body: { message: 'Not Found' } }
    return { status: 200, body: { permission: LEGACY_PERMISSION[role], role_name: role, user: { login: params.username, permissions: {} } } }
  })
  server.route('GET', WORKFLOW_RUNS, async ({ request, params, baseUrl }) => {
    await opts.before?.(request)
    const failure = scripted(opts.listFailure)
    if (failure) return failure
    const workflow = params.workflow!
    if (!workflows.includes(workflow)) return { status: 404, body: { message: 'Not Found' } }
    const status = request.query.status
    const all = runs.filter((r) => r.workflow === workflow && (status === undefined || r.status === status))
    const { items, headers } = paginate(all, request, baseUrl, maxPerPage)
    return {
      status: 200,
      headers,
      body: {
        total_count: all.length,
        workflow_runs: items.map((r) => ({
          id: r.id,
          name: workflow.replace(/\.ya?ml$/, ''),
          path: `.github/workflows/${workflow}`,
          status: r.status,
          conclusion: r.conclusion ?? null,
          run_number: r.id,
          event: 'schedule',
          html_url: `https://github.com/${params.owner}/${params.repo}/actions/runs/${r.id}`
        }))
      }
    }
  })
  server.route('POST', CANCEL, async ({ request, params }) => {
    await opts.before?.(request)
    const id = Number(params.run_id)
    const failure = scripted(opts.cancelFailure?.[id])
    if (failure) return failure
    const run = runs.find((r) => r.id === id)
    if (!run) return { status: 404, body: { message: 'Not Found' } }
    if (run.status === 'completed') return { status: 409, body: { message: 'Cannot cancel a workflow run that is completed.' } }
    run.status = 'completed'
    run.conclusion = 'cancelled'
    ok.push(id)
    return { status: 202, body: {} }
  })

  const matching = (method: string, pattern: string) => {
    const match = compile(pattern)
    return () => server.requests.filter((r) => r.method === method && match(r.path) !== null)
  }
  return {
    runs,
    permissionRequests: matching('GET', PERMISSION),
    listRequests: matching('GET', WORKFLOW_RUNS),
    cancelRequests: matching('POST', CANCEL),
    cancelled: () => [...ok]
  }
}

/** A fake GitHub API with only batch-control's endpoints (see addControlRoutes). */
export async function fakeControlApi(opts: ControlRoutesOptions = {}): Promise<FakeServer & ControlRoutes> {
  const server = await fakeServer()
  return Object.assign(server, addControlRoutes(server, opts))
}

// ---------------------------------------------------------------------------
// issues (checksum-drift; packages/runtime/src/issues.ts)

/** An issue as the fake keeps it. */
export interface FakeIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  state_reason?: string | null
  labels: string[]
  /** The comments' bodies, oldest first. */
  comments: string[]
  /** A pull request (the issues listing includes them, with a pull_request field, as GitHub's does). */
  pull?: boolean
}

export type IssuesEndpoint = 'list' | 'create' | 'update' | 'comment' | 'addLabels' | 'removeLabel'

export interface IssueRoutesOptions {
  /** Issues that exist before the run. */
  issues?: FakeIssue[]
  /** Answer an endpoint with this status (an error body), or never ('hang'). */
  fail?: Partial<Record<IssuesEndpoint, number | 'hang'>>
  /** The API's largest page (GitHub: 100). */
  maxPerPage?: number
}

export interface IssueRoutes {
  /** The issues, as the requests left them. */
  issues: FakeIssue[]
  /** The requests one endpoint received, in order. */
  calls(endpoint: IssuesEndpoint): RecordedRequest[]
}

const ISSUES_ROUTES: Record<IssuesEndpoint, [string, string]> = {
  list: ['GET', '/repos/:owner/:repo/issues'],
  create: ['POST', '/repos/:owner/:repo/issues'],
  update: ['PATCH', '/repos/:owner/:repo/issues/:number'],
  comment: ['POST', '/repos/:owner/:repo/issues/:number/comments'],
  addLabels: ['POST', '/repos/:owner/:repo/issues/:number/labels'],
  removeLabel: ['DELETE', '/repos/:owner/:repo/issues/:number/labels/:name']
}

/**
 * Adds the issue endpoints to a fake server (fakeGitHub, fakePullsApi, …): GET …/issues (filtered
 * by `state`, default open, and `labels`, every one of a comma-separated list; per_page/page
 * pagination with Link headers), POST …/issues, PATCH …/issues/:n (title, body, state,
 * state_reason), POST …/issues/:n/comments, POST …/issues/:n/labels and DELETE
 * …/issues/:n/labels/:name. A body over 65,536 characters gets 422, as GitHub
 * answers.
 */
export function addIssueRoutes(server: FakeServer, opts: IssueRoutesOptions = {}): IssueRoutes {
  const issues: FakeIssue[] = (opts.issues ?? []).map((i) => ({ ...i, labels: [...i.labels], comments: [...i.comments] }))
  const maxPerPage = opts.maxPerPage ?? 100
  const json = (i: FakeIssue, owner: string, repo: string, baseUrl: string): Record<string, unknown> => ({
    id: 5000 + i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason ?? null,
    labels: i.labels.map((name, n) => ({ id: n + 1, name })),
    comments: i.comments.length,
    url: `${baseUrl}/repos/${owner}/${repo}/issues/${i.number}`,
    html_url: `https://github.com/${owner}/${repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    ...(i.pull ? { pull_request: { url: `${baseUrl}/repos/${owner}/${repo}/pulls/${i.number}` } } : {})
  })
  const tooLong = (): Reply => ({ status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'body', code: 'custom', message: 'body is too long (maximum is 65536 characters)' }] } })
  const body = (r: RecordedRequest): Record<string, unknown> => (typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>) : {})
  const find = (n: string | undefined): FakeIssue | undefined => issues.find((i) => String(i.number) === n)

  const handlers: Record<IssuesEndpoint, Handler> = {
    list: ({ request, params, baseUrl }): Reply => {
      const state = request.query.state ?? 'open'
      const wanted = (request.query.labels ?? '').split(',').map((l) => l.trim()).filter((l) => l !== '')
      const all = issues.filter((i) => (state === 'all' || i.state === state) && wanted.every((l) => i.labels.includes(l)))
      const { items, headers } = paginate(all, request, baseUrl, maxPerPage)
      return {
        status: 200,
        headers,
        body: items.map((i) => json(i, params.owner!, params.repo!, baseUrl))
      }
    },
    create: ({ request, params, baseUrl }) => {
      const b = body(request)
      if (typeof b.title !== 'string' || b.title.trim() === '') return { status: 422, body: { message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] } }
      if (typeof b.body === 'string' && b.body.length > 65_536) return tooLong()
      const i: FakeIssue = {
        number: issues.reduce((n, x) => Math.max(n, x.number), 0) + 1,
        title: b.title,
        body: typeof b.body === 'string' ? b.body : '',
        state: 'open',
        labels: Array.isArray(b.labels) ? b.labels.filter((l): l is string => typeof l === 'string') : [],
        comments: []
      }
      issues.push(i)
      return { status: 201, body: json(i, params.owner!, params.repo!, baseUrl) }
    },
    update: ({ request, params, baseUrl }) => {
      const i = find(params.number)
      if (!i) return { status: 404, body: { message: 'Not Found' } }
      const b = body(request)
      if (typeof b.body === 'string' && b.body.length > 65_536) return tooLong()
      if (typeof b.title === 'string') i.title = b.title
      if (typeof b.body === 'string') i.body = b.body
      if (b.state === 'open' || b.state === 'closed') i.state = b.state
      if (typeof b.state_reason === 'string') i.state_reason = b.state_reason
      return { status: 200, body: json(i, params.owner!, params.repo!, baseUrl) }
    },
    comment: ({ request, params, baseUrl }) => {
      const i = find(params.number)
      if (!i) return { status: 404, body: { message: 'Not Found' } }
      const b = body(request)
      if (typeof b.body !== 'string' || b.body === '') return { status: 422, body: { message: 'Validation Failed' } }
      if (b.body.length > 65_536) return tooLong()
      i.comments.push(b.body)
      const id = 9000 + i.comments.length
      return { status: 201, body: { id, body: b.body, html_url: `https://github.com/${params.owner}/${params.repo}/issues/${i.number}#issuecomment-${id}`, url: `${baseUrl}/repos/${params.owner}/${params.repo}/issues/comments/${id}` } }
    },
    addLabels: ({ request, params }) => {
      const i = find(params.number)
      if (!i) return { status: 404, body: { message: 'Not Found' } }
      const b = body(request)
      const add = Array.isArray(b.labels) ? b.labels.filter((l): l is string => typeof l === 'string') : []
      if (add.length === 0) return { status: 422, body: { message: 'Validation Failed' } }
      for (const l of add) if (!i.labels.includes(l)) i.labels.push(l)
      return { status: 200, body: i.labels.map((name, n) => ({ id: n + 1, name })) }
    },
    removeLabel: ({ params }) => {
      const i = find(params.number)
      if (!i || !i.labels.includes(params.name!)) return { status: 404, body: { message: 'Label does not exist' } }
      i.labels = i.labels.filter((l) => l !== params.name)
      return { status: 200, body: i.labels.map((name, n) => ({ id: n + 1, name })) }
    }
  }

  for (const endpoint of Object.keys(ISSUES_ROUTES) as IssuesEndpoint[]) {
    const [method, pattern] = ISSUES_ROUTES[endpoint]
    server.route(method, pattern, (ctx) => {
      const step = opts.fail?.[endpoint]
      if (step === 'hang') return 'hang'
      if (step !== undefined) return { status: step, body: { message: `scripted ${step} for ${endpoint}` } }
      return handlers[endpoint](ctx)
    })
  }
  const matchers = Object.fromEntries(
    (Object.keys(ISSUES_ROUTES) as IssuesEndpoint[]).map((e) => [e, { method: ISSUES_ROUTES[e][0], match: compile(ISSUES_ROUTES[e][1]) }])
  ) as Record<IssuesEndpoint, { method: string; match: (p: string) => Record<string, string> | null }>
  return {
    issues,
    calls: (endpoint) => server.requests.filter((r) => r.method === matchers[endpoint].method && matchers[endpoint].match(r.path) !== null)
  }
}

/** A fake GitHub API with only the issue endpoints (see addIssueRoutes). */
export async function fakeIssuesApi(opts: IssueRoutesOptions = {}): Promise<FakeServer & IssueRoutes> {
  const server = await fakeServer()
  return Object.assign(server, addIssueRoutes(server, opts))
}
