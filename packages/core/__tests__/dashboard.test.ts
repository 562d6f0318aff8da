import { describe, test, expect } from '@jest/globals'
import {
  type ControlDoc,
  type ControlVersion,
  type DashboardInput,
  type DashboardOptions,
  type FailureRecord,
  type ManifestInfo,
  DASHBOARD_DEFAULTS,
  controlEvents,
  dashboardMetrics,
  dashboardModel,
  evaluateBatch,
  incidentLink,
  manifestUrl,
  metricsLine,
  parseFailureRecords,
  parseManifestInfo,
  recentBatchIds,
  recentRates,
  rollbackFormUrl,
  sparkline,
  trustedRunUrl
} from '@batch-ops/core'
import { iso } from './helpers.js'

const NOW = iso('2026-03-04T12:00:00Z') // a Wednesday

/** A metrics line as record-batch writes it: `counts` per ecosystem. */
function line(batchId: string, completedAt: string, counts: Record<string, [passed: number, failed: number, skipped?: number]>, extra: { runUrl?: string; minutes?: { macos: number; linux: number; windows: number } } = {}): string {
  const results = Object.entries(counts).flatMap(([eco, [p, f, s = 0]]) => [
    ...Array.from({ length: s }, (_, i) => ({ recipe: `${eco}-s${i}`, ecosystem: eco, result: 'skipped' as const })),
    ...Array.from({ length: p }, (_, i) => ({ recipe: `${eco}-p${i}`, ecosystem: eco, result: 'passed' as const })),
    ...Array.from({ length: f }, (_, i) => ({ recipe: `${eco}-f${i}`, ecosystem: eco, result: 'failed' as const }))
  ])
  const report = evaluateBatch(results, { slo: { homebrew: 0.85, default: 0.98 }, criticalThreshold: 0.5, latencyThresholdSeconds: 120 })
  return metricsLine(report, { batchId, startedAt: completedAt.replace(/T(\d\d)/, (_, h: string) => `T${String(Number(h) - 1).padStart(2, '0')}`), completedAt, minutes: extra.minutes ?? { macos: 0, linux: 5, windows: 0 }, runUrl: extra.runUrl })
}

describe('sparkline', () => {
  test.each<[string, Array<number | null>, string]>([
    ['nothing', [], ''],
    ['the ends of the scale', [0, 1], '▁█'],
    ['each eighth starts the next block', [0.124, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.874, 0.875], '▁▂▃▄▅▆▇▇█'],
    ['a batch with no attempts', [1, null, 0.5], '█·▅'],
    ['out of range is clamped', [-0.5, 1.5], '▁█'],
    ['not a number is no attempts', [Number.NaN], '·']
  ])('%s', (_name, rates, expected) => {
    expect(sparkline(rates)).toBe(expected)
  })
})

describe('recentRates', () => {
  const text = [
    line('2026-03-01-001', '2026-03-01T10:00:00Z', { npm: [9, 1], pypi: [1, 1] }),
    'not json',
    line('2026-03-02-001', '2026-03-02T10:00:00Z', { npm: [5, 5] }),
    // A re-run of the same batch's npm job: added to the first line of that batch.
    line('2026-03-02-001', '2026-03-02T11:00:00Z', { npm: [5, 5] }),
    line('2026-03-03-001', '2026-03-03T10:00:00Z', { npm: [0, 0, 3], pypi: [2, 0] }),
    line('2026-03-04-001', '2026-03-04T10:00:00Z', { npm: [3, 1] })
  ].join('\n')

  test.each<[string, string, number, Array<number | null>]>([
    ['the last n, oldest first, a batch with no attempts as null', 'npm', 10, [0.9, 0.5, null, 0.75]],
    ['n cuts from the old end', 'npm', 2, [null, 0.75]],
    ['another ecosystem', 'pypi', 10, [0.5, 1]],
    ['an ecosystem never seen', 'cask', 10, []],
    ['n of 0', 'npm', 0, []]
  ])('%s', (_name, eco, n, expected) => {
    expect(recentRates(text, eco, n)).toEqual(expected)
  })

  test('the trend record-batch would show, end to end', () => {
    expect(sparkline(recentRates(text, 'npm', 10))).toBe('█▅·▇')
  })
})

describe('dashboardMetrics', () => {
  const good = line('2026-03-01-001', '2026-03-01T10:00:00Z', { npm: [1, 0] })
  const obj = JSON.parse(good) as Record<string, unknown>
  const variant = (patch: Record<string, unknown>): string => JSON.stringify({ ...obj, ...patch })

  test.each<[string, string, RegExp | null]>([
    ['a line record-batch wrote', good, null],
    ['not JSON', '{"batch_id": ', /not valid JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['no completed_at', variant({ completed_at: undefined }), /completed_at/],
    ['a batch ID that is no batch ID', variant({ batch_id: '../../etc' }), /batch_id/],
    ['an ecosystem name with markup', variant({ ecosystems: { '<b>x</b>': { passed: 1, failed: 0 } } }), /not an ecosystem name/],
    ['__proto__ as an ecosystem', '{"batch_id":"2026-03-01-001","completed_at":"2026-03-01T10:00:00Z","ecosystems":{"__proto__":{"passed":1,"failed":0}}}', /not an ecosystem name/],
    ['negative counts', variant({ ecosystems: { npm: { passed: -1, failed: 0 } } }), /passed/],
    ['an unknown severity', variant({ ecosystems: { npm: { passed: 1, failed: 0, severity: 'fine' } } }), /severity/],
    ['the shell tooling\'s batch record (ecosystem counts)', '{"batch_id":"2026-05-31","ecosystems":{"npm":1},"timestamp":"2026-05-31T23:08:58Z"}', /completed_at/]
  ])('%s', (_name, text, problem) => {
    const r = dashboardMetrics(`\n${text}\n\n`, 'm.jsonl')
    if (problem === null) {
      expect(r.skipped).toEqual([])
      expect(r.records).toHaveLength(1)
      expect(r.records[0]).toMatchObject({ line: 2, batchId: '2026-03-01-001', completedAt: iso('2026-03-01T10:00:00Z') })
    } else {
      expect(r.records).toEqual([])
      expect(r.skipped).toEqual([{ file: 'm.jsonl', line: 2, message: expect.stringMatching(problem) }])
    }
  })

  test('a start after the end (clocks that disagree) is taken as the end; no start is the end', () => {
    const late = dashboardMetrics(variant({ started_at: '2026-12-01T00:00:00Z' }), 'm.jsonl').records[0]!
    expect(late.startedAt).toBe(iso('2026-03-01T10:00:00Z'))
    expect(dashboardMetrics(variant({ started_at: undefined }), 'm.jsonl').records[0]!.startedAt).toBe(iso('2026-03-01T10:00:00Z'))
    expect(dashboardMetrics(good, 'm.jsonl').records[0]!.startedAt).toBe(iso('2026-03-01T09:00:00Z'))
  })

  test('blank lines are no records and not skipped; line numbers are the file\'s', () => {
    const r = dashboardMetrics(`${good}\n\nbad\n${good}`, 'm.jsonl')
    // `good` ends in a newline: lines 2 and 3 are blank.
    expect(r.records.map((x) => x.line)).toEqual([1, 5])
    expect(r.skipped.map((x) => x.line)).toEqual([4])
  })
})

describe('parseFailureRecords', () => {
  test.each<[string, string, Array<Partial<FailureRecord>>, number]>([
    [
      "record-batch's format",
      '{"schema_version":1,"batch_id":"2026-03-01-001","recipe":"left-pad","ecosystem":"npm","category":"checksum_mismatch","message":"x","timestamp":"2026-03-01T10:00:00Z"}',
      [{ recipe: 'left-pad', ecosystem: 'npm', category: 'checksum_mismatch', at: iso('2026-03-01T10:00:00Z'), batchId: '2026-03-01-001' }],
      0
    ],
    [
      "the shell tooling's batch format: no ecosystem",
      '{"schema_version":1,"recipe":"solargraph","platform":"linux-debian-glibc-x86_64","exit_code":6,"category":"generation_failed","timestamp":"2026-03-01T14:08:47Z"}',
      [{ recipe: 'solargraph', ecosystem: '', category: 'generation_failed', batchId: '2026-03-01-001' }],
      0
    ],
    [
      "the shell tooling's ecosystem format: package IDs lose their ecosystem prefix",
      '{"schema_version":1,"ecosystem":"rubygems","failures":[{"package_id":"rubygems:neo4j","category":"install_failed","timestamp":"2026-03-01T20:49:32.655536739Z"}]}',
      [{ recipe: 'neo4j', ecosystem: 'rubygems', category: 'install_failed' }],
      0
    ],
    ['no category, no timestamp: uncategorized, on the batch\'s day', '{"recipe":"x","ecosystem":"npm"}', [{ category: 'uncategorized', at: iso('2026-03-01T00:00:00Z') }], 0],
    ['no recipe', '{"ecosystem":"npm","category":"x"}', [], 1],
    ['not JSON', '{', [], 1]
  ])('%s', (_name, text, records, skipped) => {
    const r = parseFailureRecords(text + '\n', 'f.jsonl', '2026-03-01-001')
    expect(r.records).toEqual(records.map((x) => expect.objectContaining(x)))
    expect(r.skipped).toHaveLength(skipped)
  })
})

test.each<[string, string, ReturnType<typeof parseManifestInfo>]>([
  ['a manifest', '{"batch_id":"x","files":[{"path":"a","status":"A"},{"path":"b","status":"D"}]}', { files: 2 }],
  ['no files list', '{"batch_id":"x"}', 'has no files list'],
  ['not JSON', 'nope', 'not valid JSON']
])('parseManifestInfo: %s', (_name, text, expected) => {
  expect(parseManifestInfo(text)).toEqual(expected)
})

describe('controlEvents', () => {
  const base: ControlDoc = { enabled: true, disabled_ecosystems: [], circuit_breaker: { npm: { state: 'closed', failures: 0 }, pypi: { state: 'closed', failures: 0 } } }
  const v = (at: string, doc: unknown): ControlVersion => ({ commit: at, at: iso(at), doc })
  const withNpm = (entry: object, extra: object = {}): ControlDoc => ({ ...base, ...extra, circuit_breaker: { ...base.circuit_breaker, npm: entry as never } })
  const FROM = iso('2026-03-01T00:00:00Z')

  test.each<[string, ControlVersion[], Array<Record<string, unknown>>]>([
    ['nothing changed', [v('2026-03-02T00:00:00Z', base), v('2026-03-02T01:00:00Z', base)], []],
    [
      'a trip, at its last failure rather than the commit',
      [v('2026-03-02T00:00:00Z', base), v('2026-03-02T01:00:00Z', withNpm({ state: 'open', last_failure: '2026-03-02T00:40:00Z' }))],
      [{ kind: 'trip', ecosystem: 'npm', at: iso('2026-03-02T00:40:00Z'), detail: 'npm breaker tripped' }]
    ],
    [
      'a failed probe re-opens: a trip; a passed one closes',
      [
        v('2026-03-02T00:00:00Z', withNpm({ state: 'half-open' })),
        v('2026-03-02T01:00:00Z', withNpm({ state: 'open', trips: 1 })),
        v('2026-03-02T02:00:00Z', withNpm({ state: 'half-open', trips: 1 })),
        v('2026-03-02T03:00:00Z', withNpm({ state: 'closed' }))
      ],
      [
        { kind: 'trip', ecosystem: 'npm', at: iso('2026-03-02T01:00:00Z'), detail: expect.stringMatching(/probe failed.*trips: 1/) },
        { kind: 'close', ecosystem: 'npm', at: iso('2026-03-02T03:00:00Z'), detail: 'npm probe passed, breaker closed' }
      ]
    ],
    [
      'a stop at disabled_at, with who and why; a resume at the commit',
      [
        v('2026-03-02T00:00:00Z', base),
        v('2026-03-02T05:00:00Z', { ...base, enabled: false, reason: '<script>x</script>', disabled_by: 'alice', disabled_at: '2026-03-02T04:59:00Z' }),
        v('2026-03-02T09:00:00Z', base)
      ],
      [
        { kind: 'stop', at: iso('2026-03-02T04:59:00Z'), detail: 'stopped by alice: <script>x</script>' },
        { kind: 'resume', at: iso('2026-03-02T09:00:00Z') }
      ]
    ],
    [
      'pauses and unpauses',
      [v('2026-03-02T00:00:00Z', base), v('2026-03-02T01:00:00Z', { ...base, disabled_ecosystems: ['npm'] }), v('2026-03-02T02:00:00Z', base)],
      [
        { kind: 'pause', ecosystem: 'npm', at: iso('2026-03-02T01:00:00Z') },
        { kind: 'unpause', ecosystem: 'npm', at: iso('2026-03-02T02:00:00Z') }
      ]
    ],
    [
      'the first version seen: an open breaker and a stop it already holds, at their own times',
      [v('2026-03-02T00:00:00Z', withNpm({ state: 'open', last_failure: '2026-03-01T20:00:00Z' }, { enabled: false, disabled_at: '2026-03-01T22:00:00Z' }))],
      [
        { kind: 'trip', ecosystem: 'npm', at: iso('2026-03-01T20:00:00Z') },
        { kind: 'stop', at: iso('2026-03-01T22:00:00Z') }
      ]
    ],
    [
      'a version that did not parse is passed over',
      [v('2026-03-02T00:00:00Z', base), v('2026-03-02T01:00:00Z', null), v('2026-03-02T02:00:00Z', withNpm({ state: 'open' }))],
      [{ kind: 'trip', ecosystem: 'npm', at: iso('2026-03-02T02:00:00Z') }]
    ],
    ['events before the window are left out', [v('2026-02-20T00:00:00Z', base), v('2026-02-21T00:00:00Z', withNpm({ state: 'open' }))], []],
    [
      'a hand edit open → closed is a close',
      [v('2026-03-02T00:00:00Z', withNpm({ state: 'open' })), v('2026-03-02T01:00:00Z', base)],
      [{ kind: 'close', ecosystem: 'npm', detail: 'npm breaker closed from open' }]
    ]
  ])('%s', (_name, versions, expected) => {
    const events = controlEvents(versions, FROM, NOW)
    expect(events).toEqual(expected.map((e) => expect.objectContaining(e)))
  })
})

describe('links', () => {
  const links = { serverUrl: 'https://github.com', repository: 'demo/registry', commit: 'a'.repeat(40), manifestDir: 'data/batches' }

  test.each<[string, string | null, typeof links | { manifestDir: string }, string | null]>([
    ['a run of this repository', 'https://github.com/demo/registry/actions/runs/123', links, 'https://github.com/demo/registry/actions/runs/123'],
    ['a re-run attempt', 'https://github.com/demo/registry/actions/runs/123/attempts/2', links, 'https://github.com/demo/registry/actions/runs/123/attempts/2'],
    ["another repository's run", 'https://github.com/evil/registry/actions/runs/123', links, null],
    ['another host with the same path', 'https://evil.example/demo/registry/actions/runs/123', links, null],
    ['a run path with more after it', 'https://github.com/demo/registry/actions/runs/123?x=<script>', links, null],
    ['javascript:', 'javascript:alert(1)', links, null],
    ['no repository known (built outside a workflow run)', 'https://github.com/demo/registry/actions/runs/123', { manifestDir: 'data/batches' }, null],
    ['no URL', null, links, null]
  ])('trustedRunUrl: %s', (_name, url, ctx, expected) => {
    expect(trustedRunUrl(url, ctx)).toBe(expected)
  })

  test.each<[string, Parameters<typeof rollbackFormUrl>[0], string | null]>([
    ['server and repository', links, 'https://github.com/demo/registry/actions/workflows/rollback.yml'],
    ['a trailing slash on the server', { ...links, serverUrl: 'https://ghe.example.com/' }, 'https://ghe.example.com/demo/registry/actions/workflows/rollback.yml'],
    ['no repository', { ...links, repository: undefined }, null],
    ['no server', { ...links, serverUrl: undefined }, null],
    ['a repository that is no owner/name', { ...links, repository: 'a/b/../c' }, null],
    ['a server that is not http(s)', { ...links, serverUrl: 'javascript:alert(1)//' }, null]
  ])('rollbackFormUrl: %s', (_name, ctx, expected) => {
    expect(rollbackFormUrl(ctx)).toBe(expected)
  })

  test.each<[string, string, Parameters<typeof manifestUrl>[1], string | null]>([
    ['at the commit', '2026-03-01-001', links, `https://github.com/demo/registry/blob/${'a'.repeat(40)}/data/batches/2026-03-01-001.json`],
    ['no commit known', '2026-03-01-001', { ...links, commit: undefined }, null],
    ['a batch ID that is none', '../x', links, null],
    ['a manifest dir with odd characters, encoded', '2026-03-01-001', { ...links, manifestDir: './my dir/' }, `https://github.com/demo/registry/blob/${'a'.repeat(40)}/my%20dir/2026-03-01-001.json`]
  ])('manifestUrl: %s', (_name, id, ctx, expected) => {
    expect(manifestUrl(id, ctx)).toBe(expected)
  })

  test.each<[string, string | null]>([
    ['https://status.example.com/incidents/42', 'https://status.example.com/incidents/42'],
    ['javascript:alert(1)', null],
    ['https://x.example/"><script>', null],
    ['ftp://x.example/', null]
  ])('incidentLink(%s)', (url, expected) => {
    expect(incidentLink(url)).toBe(expected)
  })
})

describe('dashboardModel', () => {
  const options: DashboardOptions = {
    ...DASHBOARD_DEFAULTS,
    days: 7,
    recent: 3,
    limits: { macos: 1000, linux: 5000 },
    thresholds: { sampling: 0.8, pause: 0.95 },
    links: { serverUrl: 'https://github.com', repository: 'demo/registry', commit: 'b'.repeat(40), manifestDir: 'data/batches' }
  }
  const RUN = 'https://github.com/demo/registry/actions/runs/'
  const metricsText = [
    line('2026-02-20-001', '2026-02-20T10:00:00Z', { npm: [10, 0] }), // before the window
    line('2026-02-25-001', '2026-02-25T11:59:59Z', { cask: [1, 0] }), // a second before the window (now - 7 days)
    line('2026-02-25-002', '2026-02-25T12:00:01Z', { cask: [0, 1] }), // a second into it
    line('2026-03-01-001', '2026-03-01T10:00:00Z', { npm: [8, 2] }, { runUrl: `${RUN}1`, minutes: { macos: 0, linux: 4, windows: 0 } }), // last week
    line('2026-03-02-001', '2026-03-02T10:00:00Z', { npm: [1, 9] }, { runUrl: `${RUN}2`, minutes: { macos: 0, linux: 5, windows: 1 } }),
    line('2026-03-02-001', '2026-03-02T10:30:00Z', { homebrew: [5, 1] }, { runUrl: `${RUN}2`, minutes: { macos: 12, linux: 0, windows: 0 } }),
    line('2026-03-03-001', '2026-03-03T10:00:00Z', { npm: [0, 0, 2], homebrew: [6, 0] }, { runUrl: 'https://evil.example/x', minutes: { macos: 10, linux: 3, windows: 0 } }),
    line('2026-03-04-001', '2026-03-04T11:00:00Z', { npm: [10, 0] }, { runUrl: `${RUN}4` }),
    line('2026-03-04-002', '2026-03-04T13:00:00Z', { npm: [10, 0] }) // after now
  ].join('')
  const metrics = dashboardMetrics(metricsText, 'm.jsonl').records
  const control: ControlDoc = {
    enabled: false,
    reason: 'bad recipes',
    disabled_by: 'alice',
    disabled_at: '2026-03-04T09:00:00Z',
    incident_url: 'javascript:alert(1)',
    expected_resume: '2026-03-04T10:00:00Z',
    disabled_ecosystems: ['pypi'],
    circuit_breaker: {
      npm: { state: 'open', failures: 9, window: 'SFFFFFFFFF', trips: 2, last_failure: '2026-03-02T10:00:00Z', opens_at: '2026-03-04T13:00:00Z' },
      homebrew: { state: 'half-open', failures: 0, probe: { claimed_at: '2026-03-04T11:50:00Z', run_id: 77 } },
      legacy: { state: 'open', failures: 3, last_failure: '2026-03-04T11:00:00Z' }
    },
    budget: { macos_minutes_used: 850, linux_minutes_used: 100, windows_minutes_used: 20, week_start: '2026-03-02T00:00:00Z', sampling_active: true }
  }
  const failures: FailureRecord[] = [
    ...['a', 'b', 'c', 'd'].map((r) => ({ batchId: '2026-03-02-001', ecosystem: 'npm', recipe: r, category: 'checksum_mismatch', at: iso('2026-03-02T10:00:00Z') })),
    { batchId: '2026-03-02-001', ecosystem: 'npm', recipe: 'a', category: 'checksum_mismatch', at: iso('2026-03-02T10:00:00Z') },
    { batchId: '2026-03-03-001', ecosystem: 'npm', recipe: 'e', category: 'install_failed', at: iso('2026-03-03T10:00:00Z') },
    { batchId: '2026-02-20-001', ecosystem: 'npm', recipe: 'old', category: 'ancient', at: iso('2026-02-20T10:00:00Z') },
    { batchId: '2026-03-02-001', ecosystem: '', recipe: 'solargraph', category: 'generation_failed', at: iso('2026-03-02T10:00:00Z') }
  ]
  const input: DashboardInput = {
    control,
    metrics,
    failures,
    manifests: new Map<string, ManifestInfo | string>([
      ['2026-03-04-001', { files: 3 }],
      ['2026-03-03-001', 'not valid JSON']
    ]),
    events: [
      { kind: 'trip', at: iso('2026-03-02T10:00:00Z'), ecosystem: 'npm', detail: 'npm breaker tripped' },
      { kind: 'stop', at: iso('2026-03-04T09:00:00Z'), detail: 'stopped' },
      { kind: 'pause', at: iso('2026-03-03T00:00:00Z'), ecosystem: 'pypi', detail: 'pypi paused' },
      { kind: 'trip', at: iso('2026-02-01T00:00:00Z'), ecosystem: 'npm', detail: 'long ago' }
    ],
    eventsNote: 'test',
    skipped: [{ file: 'm.jsonl', line: 9, message: 'not valid JSON' }],
    now: NOW
  }
  const m = dashboardModel(input, options)

  test('Now: the stop with its overdue resume, the incident not linked unless http(s), the pauses', () => {
    expect(m.status).toMatchObject({ enabled: false, reason: 'bad recipes', disabledBy: 'alice', overdue: true, incidentText: 'javascript:alert(1)', incidentUrl: null, paused: ['pypi'] })
    expect(dashboardModel({ ...input, control: { ...control, incident_url: 'https://status.example.com/1', expected_resume: '2026-03-05T00:00:00Z' } }, options).status).toMatchObject({
      incidentUrl: 'https://status.example.com/1',
      overdue: false
    })
    expect(dashboardModel({ ...input, control: { ...control, enabled: true } }, options).status.overdue).toBe(false)
  })

  test.each<[string, Record<string, unknown>]>([
    ['homebrew', { state: 'half-open', nextProbe: null, probeClaimedAt: iso('2026-03-04T11:50:00Z'), probeRun: '77' }],
    ['legacy', { state: 'open', nextProbe: iso('2026-03-04T12:00:00Z'), trips: 0, window: '' }],
    ['npm', { state: 'open', nextProbe: iso('2026-03-04T13:00:00Z'), windowFailures: 9, trips: 2, lastFailure: iso('2026-03-02T10:00:00Z') }]
  ])('Now: breaker %s', (eco, expected) => {
    expect(m.status.breakers.map((b) => b.ecosystem)).toEqual(['homebrew', 'legacy', 'npm'])
    expect(m.status.breakers.find((b) => b.ecosystem === eco)).toMatchObject(expected)
  })

  test.each<[string, ControlDoc['budget'], Array<{ os: string; used: number; fraction: number }>, { sampling: boolean; pause: boolean }]>([
    ['this week: Windows counts against Linux', control.budget, [{ os: 'macOS', used: 850, fraction: 0.85 }, { os: 'Linux', used: 120, fraction: 0.024 }], { sampling: true, pause: false }],
    ['a week that has ended counts nothing', { ...control.budget, week_start: '2026-02-23T00:00:00Z' }, [{ os: 'macOS', used: 0, fraction: 0 }, { os: 'Linux', used: 0, fraction: 0 }], { sampling: false, pause: false }],
    ['at the pause threshold', { ...control.budget, macos_minutes_used: 950 }, [{ os: 'macOS', used: 950, fraction: 0.95 }, { os: 'Linux', used: 120, fraction: 0.024 }], { sampling: true, pause: true }]
  ])('Now: budget, %s', (_name, budget, usage, flags) => {
    const b = dashboardModel({ ...input, control: { ...control, budget } }, options).status.budget
    expect(b.usage).toEqual(usage.map((u) => expect.objectContaining(u)))
    expect(b).toMatchObject({ ...flags, weekStart: iso('2026-03-02T00:00:00Z') })
  })

  test('charts: every ecosystem with batches or known to the control file; only the window, up to now', () => {
    expect(m.charts.map((c) => c.ecosystem)).toEqual(['cask', 'homebrew', 'legacy', 'npm', 'pypi'])
    expect(m.charts[0]!.points.map((p) => p.batchId)).toEqual(['2026-02-25-002'])
    const npm = m.charts.find((c) => c.ecosystem === 'npm')!
    expect(npm.points.map((p) => [p.batchId, p.rate])).toEqual([
      ['2026-03-01-001', 0.8],
      ['2026-03-02-001', 0.1],
      ['2026-03-03-001', null],
      ['2026-03-04-001', 1]
    ])
    expect(npm).toMatchObject({ slo: 0.98, state: 'open', paused: false })
    expect(m.charts.find((c) => c.ecosystem === 'pypi')).toMatchObject({ points: [], paused: true, slo: null })
    expect(m.batchesInWindow).toBe(5)
  })

  test("charts: an ecosystem's own events and everyone's stops, inside the window", () => {
    expect(m.charts.find((c) => c.ecosystem === 'cask')!.events.map((e) => e.kind)).toEqual(['stop'])
    const kinds = (eco: string) => m.charts.find((c) => c.ecosystem === eco)!.events.map((e) => `${e.kind}${e.ecosystem ? ` ${e.ecosystem}` : ''}`)
    expect(kinds('npm')).toEqual(['trip npm', 'stop'])
    expect(kinds('pypi')).toEqual(['pause pypi', 'stop'])
    expect(kinds('homebrew')).toEqual(['stop'])
  })

  test('recent batches: newest first, lines of a batch together, at most `recent`', () => {
    expect(m.batches.map((b) => b.batchId)).toEqual(['2026-03-04-001', '2026-03-03-001', '2026-03-02-001'])
    expect(recentBatchIds(metrics, NOW, 3)).toEqual(m.batches.map((b) => b.batchId))
    const two = m.batches.find((b) => b.batchId === '2026-03-02-001')!
    expect(two).toMatchObject({ passed: 6, failed: 10, rate: 6 / 16, severity: 'critical', runUrl: `${RUN}2`, runText: null })
    expect(two.ecosystems.map((e) => e.ecosystem)).toEqual(['homebrew', 'npm'])
  })

  test.each<[string, Record<string, unknown>]>([
    ['2026-03-04-001', { manifest: { files: 3 }, manifestUrl: `https://github.com/demo/registry/blob/${'b'.repeat(40)}/data/batches/2026-03-04-001.json`, runUrl: `${RUN}4` }],
    ['2026-03-03-001', { manifest: 'not valid JSON', manifestUrl: null, runUrl: null, runText: 'https://evil.example/x' }],
    ['2026-03-02-001', { manifest: null, manifestUrl: null, rollbackUrl: 'https://github.com/demo/registry/actions/workflows/rollback.yml' }]
  ])('recent batches: links of %s', (id, expected) => {
    expect(m.batches.find((b) => b.batchId === id)).toMatchObject(expected)
  })

  test('recent batches: no links without the repository', () => {
    const bare = dashboardModel(input, { ...options, links: { manifestDir: 'data/batches' } })
    for (const b of bare.batches) expect([b.runUrl, b.manifestUrl, b.rollbackUrl]).toEqual([null, null, null])
    expect(bare.rollbackUrl).toBeNull()
  })

  test('failures: the last failureDays days, per ecosystem, categories by count, examples without repeats', () => {
    expect(m.failures.total).toBe(7)
    expect(m.failures.groups).toEqual([
      {
        ecosystem: 'npm',
        total: 6,
        batches: 2,
        categories: [
          { category: 'checksum_mismatch', count: 5, recipes: ['a', 'b', 'c'] },
          { category: 'install_failed', count: 1, recipes: ['e'] }
        ]
      },
      { ecosystem: '', total: 1, batches: 1, categories: [{ category: 'generation_failed', count: 1, recipes: ['solargraph'] }] }
    ])
  })

  test("minutes: this week's lines, cumulative; Windows with Linux; the control file's counter", () => {
    expect(m.minutes.weekStart).toBe(iso('2026-03-02T00:00:00Z'))
    expect(m.minutes.points.map((p) => [p.batchId, p.macosTotal, p.linuxTotal])).toEqual([
      ['2026-03-02-001', 0, 6],
      ['2026-03-02-001', 12, 6],
      ['2026-03-03-001', 22, 9],
      ['2026-03-04-001', 22, 14]
    ])
    expect(m.minutes.control).toEqual({ macos: 850, linux: 120 })
  })

  test('the skipped lines are passed through for the footer', () => {
    expect(m.skipped).toEqual(input.skipped)
  })
})
