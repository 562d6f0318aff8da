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

/** An Octokit for the REST API at GITHUB_API_URL (GitHub Enterprise, or a local fake in tests). */
export async function octokit(token: string): Promise<ReturnType<typeof GitHub.getOctokit>> {
  // Loaded on first use: most runs never call the API, and the client is most of the bundle.
  const github = await import('@actions/github')
  return github.getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' })
}

/** Every job of a run, all attempts (`filter=all`), following pagination. */
export async function listRunJobs(token: string, run: RunRef): Promise<RunJob[]> {
  const client = await octokit(token)
  const jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, {
    owner: run.owner,
    repo: run.repo,
    run_id: run.runId,
    filter: 'all',
    per_page: 100
  })
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
