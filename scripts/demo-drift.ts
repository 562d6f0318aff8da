// The demo's checksum-drift chapter (docs/contract.md §9), self-contained: scripts/demo.ts calls
// demoDrift() with its repository, fake GitHub API, environment and step reporter.
//
// A local server plays upstream, serving three release files. The first daily check records their
// checksums (trust on first use); upstream then rebuilds one in place; the next check catches the
// drift, opens the issue and pauses the ecosystem, and fails (fail-on-drift).

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, runAction } from '../test/harness.ts'
import { type FakeServer, addIssueRoutes, fakeServer } from '../test/fakes.ts'

export interface DriftDemoOptions {
  /** The demo repository's work tree (where the actions run; its origin is the local bare repository). */
  cwd: string
  /** The demo's fake GitHub API; its base URL (`url`) is what the steps' GITHUB_API_URL points at. The issue endpoints are added to it. */
  api: FakeServer
  /** The demo's environment for a step at `now`: BATCH_OPS_NOW, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_RUN_ID, … (demo.ts's env). */
  env: (now: string) => Record<string, string>
  /** Reports a step as the demo's others: demo.ts's show(action, title, run, output keys, expectFailure). */
  show: (action: string, title: string, run: ActionRun, keys: string[], expectFailure?: boolean) => ActionRun
  /** Prints one line of commentary (demo.ts prints them dimmed); nothing when left out. */
  note?: (line: string) => void
  /** The batch that brought the recipes in, named in the issue with its rollback form (default 2026-03-02-001). */
  batchId?: string
}

const KEYS = ['checked', 'ok', 'drifted', 'new', 'paused-ecosystems', 'issues']

/** Runs the chapter: two checksum-drift runs a day apart. Returns the issues the API holds afterwards. */
export async function demoDrift(o: DriftDemoOptions): Promise<{ issues: ReturnType<typeof addIssueRoutes>['issues'] }> {
  const note = o.note ?? (() => undefined)
  const issues = addIssueRoutes(o.api)
  const files = new Map<string, string>([
    ['ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz', 'ripgrep 14.1.0 for linux, as released\n'],
    ['left-pad-1.3.0.tgz', 'left-pad 1.3.0\n'],
    ['requests-2.32.3-py3-none-any.whl', 'requests 2.32.3\n']
  ])
  const upstream = await fakeServer([{ method: 'GET', pattern: '/releases/:file', handler: ({ params }) => (files.has(params.file!) ? { status: 200, body: files.get(params.file!)! } : { status: 404, body: 'not found' }) }])
  const dir = path.join(o.cwd, '.checksum-drift')
  try {
    // What the workflow's list job builds from the recipes: one line per pinned artifact (left untracked).
    const batch = o.batchId ?? '2026-03-02-001'
    const line = (id: string, file: string, ecosystem: string, recipe: string): string =>
      JSON.stringify({ id, url: `${upstream.url}/releases/${file}`, ecosystem, recipe, batch_id: batch })
    await mkdir(dir, { recursive: true })
    await writeFile(
      path.join(dir, 'artifacts.jsonl'),
      [
        line('ripgrep@14.1.0/linux-amd64', 'ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz', 'homebrew', 'ripgrep'),
        line('left-pad@1.3.0', 'left-pad-1.3.0.tgz', 'npm', 'left-pad'),
        line('requests@2.32.3/py3', 'requests-2.32.3-py3-none-any.whl', 'pypi', 'requests')
      ].join('\n') + '\n'
    )
    const check = (now: string): Promise<ActionRun> =>
      runAction('checksum-drift', {
        cwd: o.cwd,
        inputs: { artifacts: '.checksum-drift/artifacts.jsonl', 'on-drift': 'issue-and-pause', 'allowed-schemes': 'http', 'github-token': 'demo-token' },
        env: o.env(now)
      })

    o.show('checksum-drift', 'Wed 04:23: the daily check records three checksums (trust on first use)', await check('2026-03-04T04:23:00Z'), KEYS)

    files.set('ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz', 'ripgrep 14.1.0 for linux, rebuilt: not the bytes first released\n')
    note('upstream replaces ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz in place, at the same URL')

    o.show('checksum-drift', 'Thu 04:23: the next check catches the drift: issue opened, homebrew paused, the run fails', await check('2026-03-05T04:23:00Z'), KEYS, true)
    const issue = issues.issues.find((i) => i.state === 'open')
    if (issue) note(`issue #${issue.number} "${issue.title}" [${issue.labels.join(', ')}]: both checksums, the batch and its rollback form, what to do`)
    const control = JSON.parse(await readFile(path.join(o.cwd, 'batch-control.json'), 'utf8')) as { disabled_ecosystems?: string[] }
    note(`batch-control.json: disabled_ecosystems ${JSON.stringify(control.disabled_ecosystems ?? [])}`)
    return { issues: issues.issues }
  } finally {
    await upstream.close()
    await rm(dir, { recursive: true, force: true })
  }
}
