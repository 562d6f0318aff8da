// Many writers, one origin: eight preflight-check processes, each in its own
// clone, started at once with the same clock, all allocating a batch ID on the
// same branch (docs/contract.md §3: N concurrent writers end with all N changes; §4.5:
// concurrent runs never share an ID).

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
