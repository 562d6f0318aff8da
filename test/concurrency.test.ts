// Many writers, one origin: eight preflight-check processes, each in its own
// clone, started at once with the same clock, all allocating a batch ID on the
// same branch (docs/contract.md §3: N concurrent writers end with all N changes; §4.5:
// concurrent runs never share an ID); and twelve circuit-breaker record runs, which
// must all land with attempts to spare (`npm run bench -- contention` measures it
// over many trials).

import { type ActionRun, type TestRepo, createRepo, expectExit, git, runAction } from './harness.js'

const NOW = '2026-03-04T10:00:00Z'
const TODAY = '2026-03-04'
const WRITERS = 8

const control = {
  enabled: true,
  disabled_ecosystems: [],
  reason: '',
  circuit_breaker: { homebrew: { state: 'closed', failures: 0 }, npm: { state: 'closed', failures: 0 } },
  budget: { macos_minutes_used: 12, linux_minutes_used: 34, week_start: '2026-03-02T00:00:00Z', sampling_active: false },
  custom_field: { kept: true }
}
const render = (doc: object): string => JSON.stringify(doc, null, 2) + '\n'

let repo: TestRepo | undefined
afterEach(async () => {
  await repo?.cleanup()
  repo = undefined
})

test(`${WRITERS} concurrent preflight-check runs in separate clones get IDs 001..00${WRITERS}, all pushed`, async () => {
  repo = await createRepo({ files: { 'batch-control.json': render(control) } })
  const base = await repo.originHead()
  // Separate checkouts, half of them shallow like actions/checkout's default.
  const clones: string[] = []
  for (let i = 0; i < WRITERS; i++) clones.push(await repo.clone(i % 2 === 0 ? { depth: 1 } : {}))

  const runs: ActionRun[] = await Promise.all(
    clones.map((cwd) =>
      runAction('preflight-check', {
        cwd,
        inputs: { ecosystems: 'homebrew,npm', 'max-attempts': '8' },
        env: { BATCH_OPS_NOW: NOW }
      })
    )
  )

  for (const r of runs) expectExit(r, 0)
  for (const r of runs) expect(r.outputs['can-proceed']).toBe('true')
  const ids = runs.map((r) => r.outputs['batch-id'])
  const expected = Array.from({ length: WRITERS }, (_, i) => `${TODAY}-${String(i + 1).padStart(3, '0')}`)
  expect([...ids].sort()).toEqual(expected)
  expect(new Set(ids).size).toBe(WRITERS)
  // The runs really raced: someone had to re-apply on a moved branch.
  expect(runs.some((r) => r.annotations.some((a) => a.level === 'notice' && a.message.includes('rejected (attempt 1/8)')))).toBe(true)

  // Origin: all N changes, one after another, nothing else touched.
  expect(await repo.readOrigin('batch-control.json')).toBe(render({ ...control, batch_sequence: { date: TODAY, last: WRITERS } }))
  const commits = await repo.originCommits()
  const added = commits.slice(0, WRITERS)
  expect(commits[WRITERS]!.sha).toBe(base)
  expect(commits).toHaveLength(WRITERS + 1)
  for (const c of added) {
    expect(c.trailers.filter(([k]) => k === 'Batch-Id')).toHaveLength(1)
    expect(c.trailers).toContainEqual(['Batch-Ops-Action', 'preflight-check'])
    expect(c.subject).toBe(`chore(batch): allocate batch ${c.trailers.find(([k]) => k === 'Batch-Id')![1]} [skip ci]`)
  }
  // Newest first: 008 … 001, a straight line with no merges.
  expect(added.map((c) => c.trailers.find(([k]) => k === 'Batch-Id')![1])).toEqual([...expected].reverse())
  expect((await git(['rev-list', '--count', '--merges', 'main'], repo.origin)).stdout.trim()).toBe('0')
  // Each run's output is the ID of the commit it pushed.
  for (const [i, r] of runs.entries()) {
    const head = (await git(['rev-parse', 'HEAD'], clones[i]!)).stdout.trim()
    const mine = commits.find((c) => c.sha === head)
    expect(mine?.trailers).toContainEqual(['Batch-Id', r.outputs['batch-id']])
  }

}, 60_000)

// Headroom under contention (issue 11): twelve circuit-breaker record runs, one per
// ecosystem, each in its own clone, started at once with max-attempts left at its
// default (8). All twelve land, and none needs more than half its attempts.
const ECOSYSTEMS = ['homebrew', 'cask', 'npm', 'pypi', 'crates.io', 'rubygems', 'golang', 'maven', 'nuget', 'hex', 'cpan', 'conda']

/** How many attempts a run needed to push: its summary says "after N attempts" beyond the first, and it noticed each rejection. */
function pushAttempts(r: ActionRun): number {
  const rejected = r.annotations.flatMap((a) => (a.level === 'notice' ? [/rejected \(attempt (\d+)\/(\d+)\)/.exec(a.message)] : [])).filter((m) => m !== null)
  const fromSummary = Number(/after (\d+) attempts/.exec(r.summary)?.[1] ?? 1)
  // Both say the same: rejections 1..n-1 of max-attempts 8, then the push that landed.
  expect(rejected.map((m) => `${m[1]}/${m[2]}`)).toEqual(Array.from({ length: fromSummary - 1 }, (_, i) => `${i + 1}/8`))
  return fromSummary
}

test(`${ECOSYSTEMS.length} concurrent circuit-breaker record runs all land, none using more than 4 of its 8 attempts`, async () => {
  const breakers = Object.fromEntries(ECOSYSTEMS.map((e) => [e, { state: 'closed', failures: 0 }]))
  const doc = { enabled: true, disabled_ecosystems: [], reason: '', circuit_breaker: breakers }
  repo = await createRepo({ files: { 'batch-control.json': render(doc) } })
  const base = await repo.originHead()
  const clones: string[] = []
  for (let i = 0; i < ECOSYSTEMS.length; i++) clones.push(await repo.clone(i % 2 === 0 ? { depth: 1 } : {}))
  const outcome = (i: number): 'success' | 'failure' => (i % 3 === 0 ? 'failure' : 'success')

  const runs = await Promise.all(
    clones.map((cwd, i) =>
      runAction('circuit-breaker', {
        cwd,
        inputs: { mode: 'record', ecosystem: ECOSYSTEMS[i]!, outcome: outcome(i) },
        env: { BATCH_OPS_NOW: NOW },
        timeoutMs: 150_000
      })
    )
  )

  for (const r of runs) expectExit(r, 0)
  const attempts = runs.map(pushAttempts)
  // The runs really raced, and the busiest still had half its attempts to spare.
  expect(attempts.some((n) => n > 1)).toBe(true)
  if (Math.max(...attempts) > 4) throw new Error(`a writer needed more than 4 of its 8 attempts; attempts per writer: ${attempts.join(', ')}`)

  // Origin: every ecosystem's result recorded once, one commit each on top of the base, in a straight line.
  const after = JSON.parse((await repo.readOrigin('batch-control.json'))!) as { circuit_breaker: Record<string, { window: string }> }
  expect(Object.fromEntries(ECOSYSTEMS.map((e) => [e, after.circuit_breaker[e]!.window]))).toEqual(
    Object.fromEntries(ECOSYSTEMS.map((e, i) => [e, outcome(i) === 'success' ? 'S' : 'F']))
  )
  const commits = await repo.originCommits()
  expect(commits).toHaveLength(ECOSYSTEMS.length + 1)
  expect(commits[ECOSYSTEMS.length]!.sha).toBe(base)
  expect(commits.slice(0, ECOSYSTEMS.length).map((c) => c.trailers.find(([k]) => k === 'Ecosystem')?.[1]).sort()).toEqual([...ECOSYSTEMS].sort())
  expect((await git(['rev-list', '--count', '--merges', 'main'], repo.origin)).stdout.trim()).toBe('0')
}, 180_000)
