// The demo's SLO alerts chapter (docs/contract.md §11), self-contained: scripts/demo.ts calls
// demoSloAlerts() with its repository, environment and step reporter.
//
// A week of npm's metrics (written beside the demo's own history, left untracked) is evaluated three
// times: npm slowly misses its SLO (a ticket opens), then fails fast (the same issue becomes a page,
// with one comment), then runs cleanly again (a comment, and the issue closes itself).

import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, runAction } from '../test/harness.ts'
import { fakeIssuesApi } from '../test/fakes.ts'

export interface SloDemoOptions {
  /** The demo repository's work tree. */
  cwd: string
  /** The demo's environment for a step at `now` (demo.ts's env); GITHUB_API_URL is replaced by this chapter's own issues API. */
  env: (now: string) => Record<string, string>
  /** Reports a step as the demo's others do (demo.ts's show). */
  show: (action: string, title: string, run: ActionRun, keys: string[], expectFailure?: boolean) => ActionRun
  /** Prints one line of commentary; nothing when left out. */
  note?: (line: string) => void
}

const KEYS = ['alerts', 'opened', 'updated', 'closed']
const HOUR = 3_600_000

/** One metrics line as record-batch writes it, for npm alone. */
function line(at: number, passed: number, failed: number, n: number): string {
  const t = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const id = `${t.slice(0, 10)}-${String(n).padStart(3, '0')}`
  return JSON.stringify({
    schema_version: 1,
    batch_id: id,
    started_at: t,
    completed_at: t,
    ecosystems: { npm: { passed, failed, skipped: 0, blocked: 0, total: passed + failed, success_rate: passed / (passed + failed), slo: 0.98, severity: 'ok' } },
    minutes: { macos: 0, linux: 4, windows: 0 },
    run_url: null
  })
}

export async function demoSloAlerts(o: SloDemoOptions): Promise<void> {
  const note = o.note ?? (() => undefined)
  const api = await fakeIssuesApi()
  const dir = path.join(o.cwd, '.slo-alerts')
  const file = path.join(dir, 'metrics.jsonl')
  // npm's SLO is the default 98%: a 2% error budget.
  const start = Date.parse('2026-03-09T00:00:00Z')
  const lines: string[] = []
  let n = 0
  const batches = (from: number, hours: number, every: number, passed: number, failed: number): void => {
    for (let h = 0; h < hours; h += every) lines.push(line(from + h * HOUR, passed, failed, ++n))
  }
  try {
    await mkdir(dir, { recursive: true })
    const run = async (now: string): Promise<ActionRun> => {
      await writeFile(file, lines.join('\n') + '\n')
      return runAction('slo-alerts', { cwd: o.cwd, inputs: { 'metrics-file': '.slo-alerts/metrics.jsonl', 'github-token': 'demo-token' }, env: { ...o.env(now), GITHUB_API_URL: api.url } })
    }

    // Four days of 5% failures: 2.5 times the budget, every batch.
    batches(start, 96, 6, 19, 1)
    o.show('slo-alerts', 'Thu 12 Mar 23:00 (a week later): npm has missed its 98% SLO for days: a ticket opens', await run('2026-03-12T23:00:00Z'), KEYS)
    // Then half of everything fails for a few hours.
    batches(start + 96 * HOUR, 8, 1, 10, 10)
    o.show('slo-alerts', 'Fri 13 Mar 07:30: npm now fails fast: the same issue becomes a page, with one comment', await run('2026-03-13T07:30:00Z'), KEYS)
    // Fixed: a day of clean batches.
    batches(start + 104 * HOUR, 30, 2, 20, 0)
    o.show('slo-alerts', 'Sat 14 Mar 14:00: npm runs cleanly again: a comment says so and the issue closes itself', await run('2026-03-14T14:00:00Z'), KEYS)
    const issue = api.issues[0]
    if (issue) note(`issue #${issue.number} "${issue.title}" [${issue.labels.join(', ')}], ${issue.state}, ${issue.comments.length} comments: ${issue.comments.map((c) => JSON.stringify(c.slice(0, 60) + '…')).join(', ')}`)
  } finally {
    await api.close()
    await rm(dir, { recursive: true, force: true })
  }
}
