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
