// The SLO burn-rate alerts (issue 14): the metrics history reader, the window
// arithmetic at its edges, rule evaluation, and what happens to an alert issue.

import { describe, test, expect } from '@jest/globals'
import fc from 'fast-check'
import {
  DEFAULT_BURN_RULES,
  type EcosystemBurn,
  type HistoryRecord,
  alertStep,
  ecosystemsInHistory,
  evaluateBurn,
  parseBurnRules,
  parseMetricsHistory,
  windowStats
} from '@batch-ops/core'
import { iso } from './helpers.js'

const NOW = iso('2026-03-10T12:00:00Z')
const HOUR = 3_600_000

/** A metrics line as record-batch writes it, completed `hoursAgo` before NOW. */
function line(hoursAgo: number, counts: Record<string, [passed: number, failed: number]>, batch = 'b'): string {
  const completed = new Date(NOW - hoursAgo * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return JSON.stringify({
    schema_version: 1,
    batch_id: batch,
    started_at: completed,
    completed_at: completed,
    ecosystems: Object.fromEntries(
      Object.entries(counts).map(([e, [passed, failed]]) => [e, { passed, failed, skipped: 3, blocked: 1, total: passed + failed + 4, success_rate: passed + failed ? passed / (passed + failed) : null, slo: 0.98, severity: 'ok' }])
    ),
    totals: {},
    success_rate: null,
    severity: 'ok',
    minutes: { macos: 1, linux: 2, windows: 0 },
    run_url: null
  })
}
const history = (...lines: string[]): HistoryRecord[] => parseMetricsHistory(lines.join('\n') + '\n').records

describe('parseMetricsHistory', () => {
  test('metrics lines are read; blank lines ignored; anything else skipped with its line and why', () => {
    const text = [line(1, { npm: [9, 1] }), '', 'not json', '[]', '{"batch_id":"x"}', '{"batch_id":"x","completed_at":"2026-03-10T00:00:00Z","ecosystems":{"npm":{"passed":-1,"failed":0}}}', line(2, { pypi: [1, 0] })].join('\n')
    const h = parseMetricsHistory(text)
    expect(h.records.map((r) => [r.line, Object.keys(r.ecosystems)])).toEqual([
      [1, ['npm']],
      [7, ['pypi']]
    ])
    expect(h.skipped).toEqual([
      { line: 3, why: 'not valid JSON' },
      { line: 4, why: 'not a JSON object' },
      { line: 5, why: '"completed_at" is not an RFC 3339 timestamp' },
      { line: 6, why: 'ecosystem "npm": "passed" and "failed" must be whole numbers >= 0' }
    ])
  })

  test('an ecosystem named __proto__ or constructor is an own entry, never a prototype', () => {
    const r = parseMetricsHistory('{"batch_id":"x","completed_at":"2026-03-10T00:00:00Z","ecosystems":{"__proto__":{"passed":1,"failed":0},"constructor":{"passed":2,"failed":0}}}').records[0]!
    expect(Object.getPrototypeOf(r.ecosystems)).toBe(Object.prototype)
    expect(Object.keys(r.ecosystems).sort()).toEqual(['__proto__', 'constructor'])
  })
})

describe('windowStats: (now − hours, now], skipped and blocked not counted', () => {
  const h = history(line(0, { npm: [1, 0] }), line(6, { npm: [10, 10] }), line(5.999, { npm: [2, 3] }), line(-0.5, { npm: [100, 100] }))
  test.each([
    // The record at exactly now − 6h is outside; the one at now is inside; a future one is outside.
    [6, { attempts: 6, failed: 3 }],
    [6.001, { attempts: 26, failed: 13 }],
    [0.001, { attempts: 1, failed: 0 }]
  ])('%s hours', (hours, expected) => {
    expect(windowStats(h, 'npm', hours, NOW, 0.98)).toMatchObject(expected)
  })
  test('burn = failure rate / (1 − SLO); no attempts, no rate', () => {
    expect(windowStats(h, 'npm', 6, NOW, 0.98)).toEqual({ hours: 6, attempts: 6, failed: 3, failureRate: 0.5, burn: expect.closeTo(25, 9) })
    expect(windowStats(h, 'pypi', 6, NOW, 0.98)).toEqual({ hours: 6, attempts: 0, failed: 0, failureRate: null, burn: null })
  })
})

describe('parseBurnRules', () => {
  test('the default', () => {
    expect(parseBurnRules('[{"severity":"page","long-hours":24,"short-hours":6,"burn":6},{"severity":"ticket","long-hours":168,"short-hours":24,"burn":1}]')).toEqual({ ok: true, rules: DEFAULT_BURN_RULES })
  })
  test.each([
    ['not JSON', '[', /^not valid JSON/],
    ['not an array', '{}', /non-empty JSON array/],
    ['empty', '[]', /non-empty JSON array/],
    ['an unknown field', '[{"severity":"page","long-hours":24,"short-hours":6,"burn":6,"longHours":1}]', /unknown field\(s\) "longHours"/],
    ['a bad severity', '[{"severity":"Page!","long-hours":24,"short-hours":6,"burn":6}]', /"severity" must be/],
    ['a repeated severity', '[{"severity":"p","long-hours":2,"short-hours":1,"burn":1},{"severity":"p","long-hours":2,"short-hours":1,"burn":1}]', /appears twice/],
    ['zero hours', '[{"severity":"p","long-hours":0,"short-hours":1,"burn":1}]', /"long-hours" must be a number of hours > 0/],
    ['short longer than long', '[{"severity":"p","long-hours":1,"short-hours":2,"burn":1}]', /must not be longer/],
    ['a negative burn', '[{"severity":"p","long-hours":2,"short-hours":1,"burn":-1}]', /"burn" must be a number > 0/],
    ['a window beyond 90 days', '[{"severity":"p","long-hours":2161,"short-hours":1,"burn":1}]', /<= 2160/]
  ])('%s is refused', (_n, text, problem) => {
    const r = parseBurnRules(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problem).toMatch(problem)
  })
})

describe('evaluateBurn: both windows, enough attempts, the first rule that fires', () => {
  const o = { rules: DEFAULT_BURN_RULES, slo: { default: 0.9 }, minimumAttempts: 10 }
  test.each([
    // 60% failures in the last 6 h and the day: burn 6 on both page windows → page.
    ['a fast burn pages', [line(1, { npm: [4, 6] }), line(2, { npm: [4, 6] })], 'page'],
    // 20% failures all week: burn 2 ≥ 1 on the ticket windows, < 6 for page → ticket.
    ['a slow burn opens a ticket', [line(1, { npm: [8, 2] }), line(30, { npm: [8, 2] }), line(100, { npm: [8, 2] })], 'ticket'],
    // A burst long ago: the short windows are clean.
    ['an old burst does not fire', [line(1, { npm: [10, 0] }), line(30, { npm: [0, 10] })], null],
    // Bad, but below minimum-attempts in the short window.
    ['a tiny sample never fires', [line(1, { npm: [1, 4] })], null],
    // At the SLO exactly: burn 1 fires the ticket rule (≥).
    ['burn exactly at the threshold fires', [line(1, { npm: [9, 1] }), line(25, { npm: [9, 1] })], 'ticket']
  ])('%s', (_n, lines, severity) => {
    expect(evaluateBurn(history(...lines), 'npm', o, NOW).severity).toBe(severity)
  })

  test('the SLO of the ecosystem, else the default', () => {
    const b = evaluateBurn(history(line(1, { homebrew: [8, 2] })), 'homebrew', { ...o, slo: { homebrew: 0.8, default: 0.99 } }, NOW)
    expect(b.slo).toBe(0.8)
    expect(b.rules[0]!.short.burn).toBeCloseTo(1, 9)
  })

  test('property: a rule never fires on fewer attempts than minimum-attempts in either window, and severity is the first firing rule', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ hoursAgo: fc.double({ min: 0, max: 200, noNaN: true }), passed: fc.nat(20), failed: fc.nat(20) }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 50 }),
        (lines, minimumAttempts) => {
          const b = evaluateBurn(history(...lines.map((l) => line(l.hoursAgo, { npm: [l.passed, l.failed] }))), 'npm', { ...o, minimumAttempts }, NOW)
          for (const r of b.rules) if (r.fires) expect(Math.min(r.long.attempts, r.short.attempts)).toBeGreaterThanOrEqual(minimumAttempts)
          expect(b.severity).toBe(b.rules.find((r) => r.fires)?.rule.severity ?? null)
        }
      )
    )
  })

  test('ecosystemsInHistory: those within the longest window', () => {
    expect(ecosystemsInHistory(history(line(1, { npm: [1, 0] }), line(167, { pypi: [1, 0] }), line(169, { cask: [1, 0] })), DEFAULT_BURN_RULES, NOW)).toEqual(['npm', 'pypi'])
  })
})

describe('alertStep', () => {
  const burn = (severity: string | null, shortestBurn: number | null): EcosystemBurn => ({
    ecosystem: 'npm',
    slo: 0.9,
    severity,
    rules: [],
    shortest: { hours: 6, attempts: shortestBurn === null ? 0 : 10, failed: 0, failureRate: null, burn: shortestBurn }
  })
  test.each([
    ['firing, no issue: open', burn('page', 7), null, { kind: 'open', severity: 'page' }],
    ['firing, same severity: update quietly', burn('page', 7), { severity: 'page' }, { kind: 'update', severity: 'page' }],
    ['firing, other severity: change it', burn('page', 7), { severity: 'ticket' }, { kind: 'severity-changed', from: 'ticket', to: 'page' }],
    ['firing less: change it down too', burn('ticket', 2), { severity: 'page' }, { kind: 'severity-changed', from: 'page', to: 'ticket' }],
    ['not firing, no issue: nothing', burn(null, 3), null, { kind: 'nothing' }],
    ['not firing, shortest burn below 1: recover', burn(null, 0.5), { severity: 'page' }, { kind: 'recover' }],
    ['not firing, shortest burn still at 1 or more: keep open', burn(null, 1), { severity: 'page' }, { kind: 'keep-open' }],
    ['not firing, no attempts in the shortest window: keep open', burn(null, null), { severity: 'ticket' }, { kind: 'keep-open' }]
  ])('%s', (_n, b, open, step) => {
    expect(alertStep(b, open)).toEqual(step)
  })
})
