// npm run demo: the batch dashboard, built from the history the demo has just made
// (actions/batch-dashboard, docs/contract.md §10).
//
// The demo's jobs push from checkouts of their own, so its work directory is behind origin: the
// dashboard is built in a fresh clone of origin, which holds every record and the control file's
// whole history (the trips and stops on the charts come from it). Time is pinned to the end of the
// demo with BATCH_OPS_NOW, as every other step is.

import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describeRun, git, runAction } from '../test/harness.ts'

/**
 * Just after the demo's last change to the repository (Thursday 5 March 04:23: checksum-drift
 * pauses homebrew). The slo-alerts chapter after it reads a metrics file of its own and changes
 * nothing the dashboard shows.
 */
export const DEMO_DASHBOARD_NOW = '2026-03-05T05:00:00Z'

/**
 * Runs the bundled batch-dashboard on the demo repository whose work directory is `workDir`,
 * writing `<outDir>/index.html`; returns that page's path.
 */
export async function demoDashboard(workDir: string, outDir: string, now: string = DEMO_DASHBOARD_NOW): Promise<string> {
  const origin = (await git(['remote', 'get-url', 'origin'], workDir)).stdout.trim()
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-demo-dashboard-'))
  try {
    const clone = path.join(tmp, 'registry')
    await git(['clone', '--quiet', origin, clone], tmp)
    const head = (await git(['rev-parse', 'HEAD'], clone)).stdout.trim()
    const run = await runAction('batch-dashboard', {
      cwd: clone,
      // The demo's batches are on Monday and Tuesday, its last change on Thursday: a four-day window shows them all.
      inputs: { 'output-dir': path.resolve(outDir), title: 'batch-ops demo: the dashboard', days: '4' },
      // The demo's repository is demo/registry, as in its other steps: run, manifest and rollback links point there.
      env: { BATCH_OPS_NOW: now, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'demo/registry', GITHUB_SHA: head },
      timeoutMs: 120_000
    })
    if (run.code !== 0 || !run.outputs.page) throw new Error(`batch-dashboard failed on the demo's history:\n${describeRun(run)}`)
    return run.outputs.page
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}
