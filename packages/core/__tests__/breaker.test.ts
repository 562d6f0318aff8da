import { describe, test, expect } from '@jest/globals'
import fc from 'fast-check'
import {
  type Attempts,
  type BreakerEntry,
  type BreakerParams,
  type ControlDoc,
  DEFAULT_BREAKER_PARAMS,
  MINUTE,
  checkBreaker,
  controlProblems,
  dueTime,
  failureRate,
  formatTimestamp,
  loadControl,
  openWaitMinutes,
  parseTimestamp,
  recordBreaker,
  spread,
  viewBreaker,
  breakerStep,
  operatorHold
} from '@batch-ops/core'
import { fixture, iso } from './helpers.js'

const P = DEFAULT_BREAKER_PARAMS // threshold 50, window 10, minimum 5, recovery 60, ×2, max 1440, probe 120
const NOW = iso('2026-07-01T12:00:00Z')
const NOW_TS = '2026-07-01T12:00:00Z'
const RUN = 'run-2'
const at = (minutes: number): string => formatTimestamp(NOW + minutes * MINUTE)
const params = (over: Partial<BreakerParams> = {}): BreakerParams => ({ ...P, ...over })
const SUCCESS: Attempts = { successes: 1, failures: 0 }
const FAILURE: Attempts = { successes: 0, failures: 1 }

function schemaOk(entry: BreakerEntry | undefined): void {
  if (entry === undefined) return
  expect(controlProblems({ circuit_breaker: { x: entry } })).toEqual([])
}

// ---------------------------------------------------------------------------
// small pieces

describe('openWaitMinutes / failureRate / dueTime', () => {
  test.each<[number, Partial<BreakerParams>, number]>([
    [0, {}, 60],
    [1, {}, 120],
    [2, {}, 240],
    [4, {}, 960],
    [5, {}, 1440], // 1920 capped
    [40, {}, 1440],
    [3, { backoffMultiplier: 1 }, 60],
    [2, { backoffMultiplier: 3, recoveryMinutes: 10, maxRecoveryMinutes: 1000 }, 90]
  ])('trips %d %j → %d minutes', (trips, over, minutes) => {
    expect(openWaitMinutes(trips, params(over))).toBe(minutes)
  })

  test.each<[string, number, number | null]>([
    ['', 5, null],
    ['FFFF', 5, null],
    ['FFFFF', 5, 100],
    ['SSSSS', 5, 0],
    ['SSSFFF', 5, 50],
    ['SFSFSFSFSF', 10, 50],
    ['F', 1, 100]
  ])('failureRate(%j, minimum %d) = %p', (window, minimumAttempts, rate) => {
    expect(failureRate(window, { minimumAttempts })).toBe(rate)
  })

  test('a failure rate that is exactly an integer percent is exactly that number (no float drift)', () => {
    // 29 of 50 is exactly 58%; (29 / 50) * 100 is 57.99999999999999 in floating point.
    expect(failureRate('F'.repeat(29) + 'S'.repeat(21), { minimumAttempts: 50 })).toBe(58)
  })

  test.each<[string, BreakerEntry, number | null]>([
    ['opens_at wins', { state: 'open', opens_at: at(5), last_failure: at(-1000) }, NOW + 5 * MINUTE],
    ['from last_failure, trips 0', { state: 'open', opens_at: '', last_failure: at(-10) }, NOW + 50 * MINUTE],
    ['from last_failure, trips 2', { state: 'open', last_failure: at(0), trips: 2 }, NOW + 240 * MINUTE],
    ['from last_failure, capped', { state: 'open', last_failure: at(0), trips: 9 }, NOW + 1440 * MINUTE],
    ['nothing usable', { state: 'open', opens_at: '', last_failure: '' }, null],
    ['nothing at all', { state: 'open' }, null]
  ])('dueTime: %s', (_name, entry, due) => {
    expect(dueTime(entry, P)).toBe(due)
  })

  test('viewBreaker', () => {
    expect(viewBreaker(undefined, P)).toEqual({ state: 'closed', window: '', failures: 0, trips: 0, failureRate: null, opensAt: null })
    expect(viewBreaker({ state: 'open', failures: 7, window: 'SSFFF', trips: 1, opens_at: at(30) }, P)).toEqual({
      state: 'open',
      window: 'SSFFF',
      failures: 7,
      trips: 1,
      failureRate: 60,
      opensAt: NOW + 30 * MINUTE
    })
    expect(viewBreaker({ state: 'closed', failures: 0, window: 'SF', opens_at: at(30) }, P).opensAt).toBeNull()
  })
})

// ---------------------------------------------------------------------------
// check

const claimed = (entry: BreakerEntry, runId = RUN): BreakerEntry => ({
  ...entry,
  state: 'half-open',
  probe: { claimed_at: NOW_TS, run_id: runId }
})

describe('check', () => {
  interface CheckRow {
    name: string
    entry: BreakerEntry | undefined
    runId?: string
    /** the entry after the check; 'same' = the input, unchanged */
    after: BreakerEntry | undefined | 'same'
    skip: boolean
    write: boolean
    probe: boolean
  }
  const halfOpen = (probe?: BreakerEntry['probe']): BreakerEntry => {
    const e: BreakerEntry = { state: 'half-open', failures: 5, window: 'SFFFF', trips: 1, opens_at: at(-30), last_failure: at(-150) }
    if (probe) e.probe = probe
    return e
  }
  const open = (over: Partial<BreakerEntry>): BreakerEntry => ({ state: 'open', failures: 5, window: 'SFFFF', trips: 0, last_failure: at(-60), ...over })

  const rows: CheckRow[] = [
    { name: 'no entry → closed, skip false', entry: undefined, after: undefined, skip: false, write: false, probe: false },
    { name: 'closed → skip false', entry: { state: 'closed', failures: 2, window: 'SFF' }, after: 'same', skip: false, write: false, probe: false },
    { name: 'open, 1 s before opens_at → skip', entry: open({ opens_at: formatTimestamp(NOW + 1000) }), after: 'same', skip: true, write: false, probe: false },
    { name: 'open, well before opens_at → skip', entry: open({ opens_at: at(59) }), after: 'same', skip: true, write: false, probe: false },
    { name: 'open, exactly at opens_at → claims the probe', entry: open({ opens_at: NOW_TS }), after: claimed(open({ opens_at: NOW_TS })), skip: false, write: true, probe: true },
    { name: 'open, after opens_at → claims the probe', entry: open({ opens_at: at(-5) }), after: claimed(open({ opens_at: at(-5) })), skip: false, write: true, probe: true },
    {
      name: 'half-open, live probe of another run → skip',
      entry: halfOpen({ claimed_at: at(-10), run_id: 'run-1' }),
      after: 'same',
      skip: true,
      write: false,
      probe: false
    },
    {
      name: 'half-open, probe of another run exactly probe-timeout old (not older) → skip',
      entry: halfOpen({ claimed_at: at(-120), run_id: 'run-1' }),
      after: 'same',
      skip: true,
      write: false,
      probe: false
    },
    {
      name: 'half-open, probe of this run → probe, nothing written',
      entry: halfOpen({ claimed_at: at(-10), run_id: RUN }),
      after: 'same',
      skip: false,
      write: false,
      probe: true
    },
    {
      name: 'half-open, numeric run_id equal to this run → probe, nothing written',
      entry: halfOpen({ claimed_at: at(-10), run_id: 4242 }),
      runId: '4242',
      after: 'same',
      skip: false,
      write: false,
      probe: true
    },
    {
      name: 'half-open, probe older than probe-timeout → claims',
      entry: halfOpen({ claimed_at: formatTimestamp(NOW - 120 * MINUTE - 1000), run_id: 'run-1' }),
      after: claimed(halfOpen()),
      skip: false,
      write: true,
      probe: true
    },
    { name: 'half-open, no probe → claims', entry: halfOpen(), after: claimed(halfOpen()), skip: false, write: true, probe: true },
    {
      name: 'half-open, probe with empty claimed_at → claims',
      entry: halfOpen({ claimed_at: '', run_id: 'run-1' }),
      after: claimed(halfOpen()),
      skip: false,
      write: true,
      probe: true
    },
    // no opens_at: derived from last_failure + recovery × multiplier^trips
    { name: 'open, no opens_at, last_failure 30 min ago (due in 30) → skip', entry: open({ last_failure: at(-30) }), after: 'same', skip: true, write: false, probe: false },
    {
      name: 'open, opens_at "", last_failure exactly 60 min ago → claims',
      entry: open({ opens_at: '', last_failure: at(-60) }),
      after: claimed(open({ opens_at: '', last_failure: at(-60) })),
      skip: false,
      write: true,
      probe: true
    },
    { name: 'open, no opens_at, trips 2, last_failure 239 min ago → skip', entry: open({ trips: 2, last_failure: at(-239) }), after: 'same', skip: true, write: false, probe: false },
    {
      name: 'open, no opens_at, trips 2, last_failure 240 min ago → claims',
      entry: open({ trips: 2, last_failure: at(-240) }),
      after: claimed(open({ trips: 2, last_failure: at(-240) })),
      skip: false,
      write: true,
      probe: true
    },
    { name: 'open, no opens_at, trips 9 (capped at 1440), last_failure 1439 min ago → skip', entry: open({ trips: 9, last_failure: at(-1439) }), after: 'same', skip: true, write: false, probe: false }
  ]

  test.each(rows)('$name', ({ entry, runId, after, skip, write, probe }) => {
    const before = structuredClone(entry)
    const r = checkBreaker(entry, P, NOW, runId ?? RUN)
    if (!r.ok) throw new Error(`expected ok, got ${r.error}`)
    expect(entry).toEqual(before) // the input is never mutated
    expect({ skip: r.skip, write: r.write, probe: r.probe }).toEqual({ skip, write, probe })
    expect(r.entry).toEqual(after === 'same' ? entry : after)
    expect(r.reason).not.toBe('')
    schemaOk(r.entry)
  })

  test('a claimed probe carries the formatted time and the run id', () => {
    const r = checkBreaker({ state: 'open', failures: 5, opens_at: at(-1) }, P, NOW + 1234, 'run-77')
    if (!r.ok) throw new Error(r.error)
    expect(r.entry?.probe).toEqual({ claimed_at: '2026-07-01T12:00:01Z', run_id: 'run-77' })
    expect(r.entry?.state).toBe('half-open')
  })

  test.each<[string, BreakerEntry]>([
    ['opens_at "" and no last_failure', { state: 'open', failures: 3, opens_at: '' }],
    ['opens_at "" and last_failure ""', { state: 'open', failures: 3, opens_at: '', last_failure: '' }],
    ['neither field', { state: 'open' }]
  ])('open with %s → fails closed', (_name, entry) => {
    const r = checkBreaker(entry, P, NOW, RUN)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toMatch(/opens_at/)
  })

  test('probe-timeout-minutes is honoured (not the default)', () => {
    const entry: BreakerEntry = { state: 'half-open', probe: { claimed_at: at(-10), run_id: 'run-1' } }
    const live = checkBreaker(entry, params({ probeTimeoutMinutes: 11 }), NOW, RUN)
    const expired = checkBreaker(entry, params({ probeTimeoutMinutes: 9 }), NOW, RUN)
    expect(live.ok && live.skip).toBe(true)
    expect(expired.ok && expired.probe && expired.write).toBe(true)
  })
})

// ---------------------------------------------------------------------------
// record

describe('record: closed', () => {
  interface Row {
    name: string
    entry: BreakerEntry | undefined
    a: Attempts
    p?: Partial<BreakerParams>
    state: BreakerEntry['state']
    window: string
    failures: number
  }
  const closed = (window: string, failures = 0): BreakerEntry => ({ state: 'closed', failures, window })
  const rows: Row[] = [
    { name: 'first failure, no entry', entry: undefined, a: FAILURE, state: 'closed', window: 'F', failures: 1 },
    { name: 'first success, no entry', entry: undefined, a: SUCCESS, state: 'closed', window: 'S', failures: 0 },
    { name: '4 failures: below minimum-attempts, never trips', entry: closed('FFF', 3), a: FAILURE, state: 'closed', window: 'FFFF', failures: 4 },
    { name: 'minimum 5 failures reached at 100% → trips', entry: closed('FFFF', 4), a: FAILURE, state: 'open', window: 'FFFFF', failures: 5 },
    { name: 'exactly at threshold (3/6 = 50%) → trips', entry: closed('SSSFF', 2), a: FAILURE, state: 'open', window: 'SSSFFF', failures: 3 },
    { name: 'just below threshold (3/7 ≈ 42.9%) → stays closed', entry: closed('SSSSFF', 2), a: FAILURE, state: 'closed', window: 'SSSSFFF', failures: 3 },
    { name: '50% with threshold 51 → stays closed', entry: closed('SSSFF', 2), a: FAILURE, p: { failureThreshold: 51 }, state: 'closed', window: 'SSSFFF', failures: 3 },
    { name: '4 of 5 failed with minimum 6 → stays closed', entry: closed('FFFS'), a: FAILURE, p: { minimumAttempts: 6 }, state: 'closed', window: 'FFFSF', failures: 1 },
    { name: 'window keeps the last window-size (10)', entry: closed('SSSSSSSSSS'), a: FAILURE, state: 'closed', window: 'SSSSSSSSSF', failures: 1 },
    { name: 'window keeps the last window-size (3)', entry: closed('SFS'), a: SUCCESS, p: { windowSize: 3, minimumAttempts: 3 }, state: 'closed', window: 'FSS', failures: 0 },
    { name: 'old failures pushed out of the window', entry: closed('FFFFSSSSSS'), a: SUCCESS, state: 'closed', window: 'FFFSSSSSSS', failures: 0 },
    { name: 'failures counter +1 per failure', entry: closed('SF', 1), a: FAILURE, state: 'closed', window: 'SFF', failures: 2 },
    { name: 'failures counter 0 after a success', entry: closed('FFF', 3), a: SUCCESS, state: 'closed', window: 'FFFS', failures: 0 },
    { name: 'legacy counter keeps counting on failure', entry: { state: 'closed', failures: 40 }, a: FAILURE, state: 'closed', window: 'F', failures: 41 },
    { name: 'counts 2 S + 3 F at once → SFSFF, 60% → trips', entry: undefined, a: { successes: 2, failures: 3 }, state: 'open', window: 'SFSFF', failures: 2 },
    { name: 'counts 8 S + 2 F → SSSSFSSSSF, closed', entry: closed(''), a: { successes: 8, failures: 2 }, state: 'closed', window: 'SSSSFSSSSF', failures: 1 },
    { name: 'counts 15 S + 5 F: only the last 10 kept, 30%', entry: closed('FFFFF', 5), a: { successes: 15, failures: 5 }, state: 'closed', window: 'SFSSSFSSSF', failures: 1 },
    { name: 'counts 0 S + 3 F: failures +3', entry: closed('S', 0), a: { successes: 0, failures: 3 }, state: 'closed', window: 'SFFF', failures: 3 },
    {
      name: 'exactly 58% over a 50-attempt window with threshold 58 → trips',
      entry: closed(''),
      a: { successes: 21, failures: 29 },
      p: { windowSize: 50, minimumAttempts: 50, failureThreshold: 58 },
      state: 'open',
      window: 'SFSFSFFSFSFSFFSFSFFSFSFSFFSFSFSFFSFSFFSFSFSFFSFSFF',
      failures: 2
    }
  ]

  test.each(rows)('$name', ({ entry, a, p: over, state, window, failures }) => {
    const before = structuredClone(entry)
    const r = recordBreaker(entry, a, params(over), NOW, RUN)
    expect(entry).toEqual(before)
    expect(r.write).toBe(true)
    expect(r.warning).toBeUndefined()
    expect({ state: r.entry.state, window: r.entry.window, failures: r.entry.failures }).toEqual({ state, window, failures })
    if (a.failures > 0) expect(r.entry.last_failure).toBe(NOW_TS)
    if (state === 'open') {
      expect(r.entry.opens_at).toBe(at(params(over).recoveryMinutes))
      expect(r.entry.trips).toBe(0)
    } else {
      expect(r.entry.opens_at).toBe(entry?.opens_at)
    }
    schemaOk(r.entry)
  })

  test('trip from closed waits recovery-minutes (not the backoff), trips reset to 0', () => {
    const r = recordBreaker({ state: 'closed', failures: 4, window: 'FFFF', trips: 3 }, FAILURE, params({ recoveryMinutes: 17 }), NOW, RUN)
    expect(r.entry).toMatchObject({ state: 'open', trips: 0, opens_at: at(17) })
  })

  test('zero counts in closed → nothing written', () => {
    const entry: BreakerEntry = { state: 'closed', failures: 2, window: 'SFF' }
    const r = recordBreaker(entry, { successes: 0, failures: 0 }, P, NOW, RUN)
    expect(r.write).toBe(false)
    expect(r.entry).toEqual(entry)
  })

  test('unknown fields survive a record', () => {
    const r = recordBreaker({ state: 'closed', failures: 0, note: 'keep me' }, FAILURE, P, NOW, RUN)
    expect(r.entry.note).toBe('keep me')
  })
})

describe('record: half-open', () => {
  const halfOpen = (over: Partial<BreakerEntry> = {}): BreakerEntry => ({
    state: 'half-open',
    failures: 5,
    last_failure: at(-61),
    opens_at: at(-1),
    window: 'SFFFF',
    trips: 0,
    probe: { claimed_at: at(-1), run_id: RUN },
    ...over
  })

  test('probe success → closed, empty window, failures 0, trips 0, no probe', () => {
    const r = recordBreaker(halfOpen({ trips: 3 }), SUCCESS, P, NOW, RUN)
    expect(r.write).toBe(true)
    expect(r.entry).toEqual({ state: 'closed', failures: 0, last_failure: at(-61), opens_at: '', window: '', trips: 0 })
    expect('probe' in r.entry).toBe(false)
    schemaOk(r.entry)
  })

  test.each<[number, number]>([
    [0, 120], // first failed probe: 2 × 60
    [1, 240], // next: 4 × 60
    [2, 480],
    [3, 960],
    [4, 1440], // 1920 capped at max-recovery-minutes
    [10, 1440]
  ])('probe failure with trips %d → open, trips+1, waits %d min', (trips, wait) => {
    const r = recordBreaker(halfOpen({ trips }), FAILURE, P, NOW, RUN)
    expect(r.write).toBe(true)
    expect(r.entry.state).toBe('open')
    expect(r.entry.trips).toBe(trips + 1)
    expect(r.entry.opens_at).toBe(at(wait))
    expect(r.entry.last_failure).toBe(NOW_TS)
    expect(r.entry.failures).toBe(6)
    expect(r.entry.window).toBe('SFFFFF')
    expect('probe' in r.entry).toBe(false)
    schemaOk(r.entry)
  })

  test('a half-open entry without trips counts as 0 → first re-open waits 2×', () => {
    const e = halfOpen()
    delete e.trips
    const r = recordBreaker(e, FAILURE, params({ recoveryMinutes: 10, backoffMultiplier: 3 }), NOW, RUN)
    expect(r.entry).toMatchObject({ state: 'open', trips: 1, opens_at: at(30) })
  })

  test.each<[string, Attempts, Partial<BreakerParams>, BreakerEntry['state']]>([
    ['3 S + 1 F (25%) → closed', { successes: 3, failures: 1 }, {}, 'closed'],
    ['1 S + 1 F (50% = threshold) → open', { successes: 1, failures: 1 }, {}, 'open'],
    ['5 S + 4 F (44%) → closed', { successes: 5, failures: 4 }, {}, 'closed'],
    ['71 S + 29 F (exactly 29%) with threshold 29 → open', { successes: 71, failures: 29 }, { failureThreshold: 29 }, 'open'],
    ['72 S + 28 F (28%) with threshold 29 → closed', { successes: 72, failures: 28 }, { failureThreshold: 29 }, 'closed'],
    ['0 S + 4 F → open', { successes: 0, failures: 4 }, {}, 'open']
  ])('counts judged by rate: %s', (_name, a, over, state) => {
    const r = recordBreaker(halfOpen(), a, params(over), NOW, RUN)
    expect(r.entry.state).toBe(state)
    expect(r.write).toBe(true)
    expect(r.entry.probe).toBeUndefined()
    if (state === 'open') expect(r.entry.trips).toBe(1)
    schemaOk(r.entry)
  })

  test('zero counts → probe released, state stays half-open', () => {
    const e = halfOpen()
    const r = recordBreaker(e, { successes: 0, failures: 0 }, P, NOW, RUN)
    expect(r.write).toBe(true)
    const { probe: _p, ...rest } = e
    expect(r.entry).toEqual(rest)
    expect(r.entry.state).toBe('half-open')
    // and then any run may claim again
    const c = checkBreaker(r.entry, P, NOW, 'run-3')
    expect(c.ok && c.probe && c.write).toBe(true)
  })

  test('zero counts with no probe → nothing written', () => {
    const e = halfOpen()
    delete e.probe
    const r = recordBreaker(e, { successes: 0, failures: 0 }, P, NOW, RUN)
    expect(r.write).toBe(false)
    expect(r.entry).toEqual(e)
  })

  test.each<[string, Attempts]>([
    ['success', SUCCESS],
    ['failure', FAILURE],
    ['counts', { successes: 3, failures: 3 }]
  ])('a %s from another run than the probe is ignored with a warning', (_name, a) => {
    const e = halfOpen({ probe: { claimed_at: at(-1), run_id: 'run-1' } })
    const r = recordBreaker(e, a, P, NOW, 'run-9')
    expect(r.write).toBe(false)
    expect(r.entry).toEqual(e)
    expect(r.warning).toMatch(/run-1/)
  })

  test('numeric run_id matches the same run id given as a string', () => {
    const r = recordBreaker(halfOpen({ probe: { claimed_at: at(-1), run_id: 4242 } }), SUCCESS, P, NOW, '4242')
    expect(r.entry.state).toBe('closed')
  })
})

describe('record: open', () => {
  const open = (opensAt: string): BreakerEntry => ({ state: 'open', failures: 5, last_failure: at(-30), opens_at: opensAt, window: 'FFFFF', trips: 2 })

  test.each<[string, string, Attempts]>([
    ['not due, failure', at(30), FAILURE],
    ['not due, success', at(30), SUCCESS],
    ['due, success', at(-30), SUCCESS],
    ['due, many successes', at(-30), { successes: 50, failures: 0 }],
    ['due, zero counts', at(-30), { successes: 0, failures: 0 }]
  ])('%s → nothing changes, a warning', (_name, opensAt, a) => {
    const e = open(opensAt)
    const before = structuredClone(e)
    const r = recordBreaker(e, a, P, NOW, RUN)
    expect(r.write).toBe(false)
    expect(r.entry).toEqual(before)
    expect(r.entry.state).toBe('open')
    expect(r.warning).toMatch(/open/)
  })
})

// ---------------------------------------------------------------------------
// legacy (shell tooling) entries

describe('legacy head fixture', () => {
  const load = loadControl(fixture('batch-control.head.json'))
  if (!load.ok) throw new Error('head fixture does not load')
  const entries = Object.entries(load.doc.circuit_breaker ?? {})

  test('the fixture has the legacy shapes this suite is about', () => {
    expect(entries.length).toBe(7)
    expect(entries.filter(([, e]) => e.state === 'open' && e.failures! > 400 && e.window === undefined).length).toBe(6)
  })

  test.each(entries)('%s: check and every kind of record work', (_name, entry) => {
    const before = structuredClone(entry)
    const c = checkBreaker(entry, P, NOW, RUN)
    expect(c.ok).toBe(true)
    if (c.ok) schemaOk(c.entry)
    for (const a of [SUCCESS, FAILURE, { successes: 3, failures: 4 }, { successes: 0, failures: 0 }]) {
      const r = recordBreaker(entry, a, P, NOW, RUN)
      schemaOk(r.entry)
      if (c.ok && c.entry) schemaOk(recordBreaker(c.entry, a, P, NOW, RUN).entry)
    }
    expect(entry).toEqual(before)
  })

  test('an open legacy entry with a stale opens_at is due and gets claimed', () => {
    const npm = load.doc.circuit_breaker!.npm!
    const c = checkBreaker(npm, P, NOW, RUN)
    if (!c.ok) throw new Error(c.error)
    expect(c).toMatchObject({ skip: false, probe: true, write: true })
    expect(c.entry).toEqual({
      state: 'half-open',
      failures: 696,
      last_failure: '2026-06-26T20:51:01Z',
      opens_at: '2026-06-26T21:51:01Z',
      probe: { claimed_at: NOW_TS, run_id: RUN }
    })
    // before its opens_at it is still skipped
    const early = checkBreaker(npm, P, iso('2026-06-26T21:51:00Z'), RUN)
    expect(early.ok && early.skip && !early.write).toBe(true)
  })

  test('the claimed legacy probe fails → open, trips 1, waits 2 × recovery', () => {
    const c = checkBreaker(load.doc.circuit_breaker!.pypi!, P, NOW, RUN)
    if (!c.ok || !c.entry) throw new Error('no claim')
    const r = recordBreaker(c.entry, FAILURE, P, NOW, RUN)
    expect(r.entry).toEqual({ state: 'open', failures: 965, last_failure: NOW_TS, opens_at: at(120), window: 'F', trips: 1 })
  })

  test('the claimed legacy probe succeeds → closed with a clean slate', () => {
    const c = checkBreaker(load.doc.circuit_breaker!['crates.io']!, P, NOW, RUN)
    if (!c.ok || !c.entry) throw new Error('no claim')
    const r = recordBreaker(c.entry, SUCCESS, P, NOW, RUN)
    expect(r.entry).toEqual({ state: 'closed', failures: 0, last_failure: '2026-06-26T20:51:01Z', opens_at: '', window: '', trips: 0 })
  })

  test('a late result on an open legacy entry changes nothing', () => {
    const github = load.doc.circuit_breaker!.github!
    const r = recordBreaker(github, SUCCESS, P, NOW, RUN)
    expect(r.write).toBe(false)
    expect(r.entry).toEqual(github)
    expect(r.warning).toBeDefined()
  })

  test('the closed legacy entry (failures 0, no window) records fine', () => {
    const def = load.doc.circuit_breaker!.default!
    expect(recordBreaker(def, SUCCESS, P, NOW, RUN).entry).toEqual({ state: 'closed', failures: 0, window: 'S' })
    expect(recordBreaker(def, FAILURE, P, NOW, RUN).entry).toEqual({ state: 'closed', failures: 1, window: 'F', last_failure: NOW_TS })
    const c = checkBreaker(def, P, NOW, RUN)
    expect(c).toMatchObject({ ok: true, skip: false, write: false, probe: false })
  })
})

// ---------------------------------------------------------------------------
// properties

const arbParams: fc.Arbitrary<BreakerParams> = fc
  .integer({ min: 1, max: 20 })
  .chain((windowSize) =>
    fc.record({
      windowSize: fc.constant(windowSize),
      minimumAttempts: fc.integer({ min: 1, max: windowSize }),
      failureThreshold: fc.integer({ min: 1, max: 100 }),
      recoveryMinutes: fc.integer({ min: 1, max: 120 }),
      backoffMultiplier: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.double({ min: 1, max: 4, noNaN: true })),
      maxExtra: fc.integer({ min: 0, max: 3000 }),
      probeTimeoutMinutes: fc.integer({ min: 1, max: 300 })
    })
  )
  .map(({ maxExtra, ...r }) => ({ ...r, maxRecoveryMinutes: r.recoveryMinutes + maxExtra }))

type Ev =
  | { kind: 'check'; run: number }
  | { kind: 'record'; run: number | 'holder'; a: Attempts }
  | { kind: 'advance'; ms: number }

const arbAttempts: fc.Arbitrary<Attempts> = fc.oneof(
  fc.constant(SUCCESS),
  fc.constant(FAILURE),
  fc.record({ successes: fc.integer({ min: 0, max: 30 }), failures: fc.integer({ min: 0, max: 30 }) })
)

const arbEvent: fc.Arbitrary<Ev> = fc.oneof(
  fc.record({ kind: fc.constant('check' as const), run: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('record' as const), run: fc.oneof(fc.constant('holder' as const), fc.integer({ min: 0, max: 2 })), a: arbAttempts }),
  fc.record({
    kind: fc.constant('advance' as const),
    ms: fc.oneof(fc.integer({ min: 0, max: 600 }).map((s) => s * 1000), fc.integer({ min: 1, max: 5000 }).map((m) => m * MINUTE))
  })
)

const T0 = iso('2026-01-01T00:00:00Z')
const HEAD_ENTRIES: BreakerEntry[] = Object.values(
  (JSON.parse(fixture('batch-control.head.json')) as ControlDoc).circuit_breaker ?? {}
)
const arbStart: fc.Arbitrary<BreakerEntry | undefined> = fc.constantFrom<BreakerEntry | undefined>(
  undefined,
  { state: 'closed', failures: 0 },
  { state: 'open', failures: 9, opens_at: '', last_failure: formatTimestamp(T0 - 30 * MINUTE), trips: 1 },
  { state: 'half-open', failures: 3, window: 'F', trips: 2, probe: { claimed_at: formatTimestamp(T0 - MINUTE), run_id: 'run-0' } },
  ...HEAD_ENTRIES
)

interface Step {
  before: BreakerEntry | undefined
  after: BreakerEntry | undefined
  now: number
  ev: Ev
}

/** Runs the events through the reducer; every step is checked by `onStep`. */
function simulate(p: BreakerParams, start: BreakerEntry | undefined, events: Ev[], onStep: (s: Step) => void): void {
  let entry = start
  let now = T0
  for (const ev of events) {
    const before = entry
    const frozen = structuredClone(before)
    if (ev.kind === 'advance') {
      now += ev.ms
      continue
    }
    if (ev.kind === 'check') {
      const r = checkBreaker(entry, p, now, `run-${ev.run}`)
      // every open entry the reducer (or the fixtures) produce has a usable due time
      if (!r.ok) throw new Error(`check failed closed on ${JSON.stringify(entry)}: ${r.error}`)
      entry = r.entry
    } else {
      const runId = ev.run === 'holder' ? (entry?.probe ? String(entry.probe.run_id) : 'run-0') : `run-${ev.run}`
      entry = recordBreaker(entry, ev.a, p, now, runId).entry
    }
    expect(before).toEqual(frozen) // never mutates its input
    onStep({ before, after: entry, now, ev })
  }
}

const RUNS = { numRuns: 300 }
const arbSequence = fc.tuple(arbParams, arbStart, fc.array(arbEvent, { minLength: 1, maxLength: 80 }))

describe('properties', () => {
  test('open never becomes closed in one step', () => {
    const seen = { openToHalfOpen: 0, halfOpenToClosed: 0, halfOpenToOpen: 0, closedToOpen: 0 }
    fc.assert(
      fc.property(arbSequence, ([p, start, events]) => {
        simulate(p, start, events, ({ before, after }) => {
          const from = before?.state ?? 'closed'
          const to = after?.state ?? 'closed'
          if (from === 'open') expect(to).not.toBe('closed')
          if (from === 'open' && to === 'half-open') seen.openToHalfOpen++
          if (from === 'half-open' && to === 'closed') seen.halfOpenToClosed++
          if (from === 'half-open' && to === 'open') seen.halfOpenToOpen++
          if (from === 'closed' && to === 'open') seen.closedToOpen++
        })
      }),
      RUNS
    )
    // the generator really exercises every transition
    for (const [k, n] of Object.entries(seen)) expect([k, n > 0]).toEqual([k, true])
  })

  test('the window is never longer than window-size', () => {
    fc.assert(
      fc.property(arbSequence, ([p, start, events]) => {
        simulate(p, start, events, ({ after }) => {
          const w = after?.window ?? ''
          expect(w.length).toBeLessThanOrEqual(p.windowSize)
          expect(w).toMatch(/^[SF]*$/)
        })
      }),
      RUNS
    )
  })

  test('the open wait never shrinks while trips grows, and never exceeds max-recovery-minutes', () => {
    let reopens = 0
    fc.assert(
      fc.property(arbSequence, ([p, start, events]) => {
        let last: { trips: number; wait: number } | null = null
        simulate(p, start, events, ({ before, after, now }) => {
          if (after?.state !== 'open' || before?.state === 'open') return
          const wait = parseTimestamp(after.opens_at ?? '')! - now
          const trips = after.trips ?? 0
          expect(wait).toBeLessThanOrEqual(p.maxRecoveryMinutes * MINUTE)
          expect(wait).toBeGreaterThanOrEqual(Math.min(p.recoveryMinutes, p.maxRecoveryMinutes) * MINUTE - 1000)
          if (before?.state === 'half-open') {
            expect(trips).toBe((before.trips ?? 0) + 1)
            reopens++
          } else {
            expect(trips).toBe(0)
            expect(wait).toBe(p.recoveryMinutes * MINUTE)
          }
          if (last !== null && trips > last.trips) expect(wait).toBeGreaterThanOrEqual(last.wait)
          last = { trips, wait }
        })
      }),
      RUNS
    )
    expect(reopens).toBeGreaterThan(0)
  })

  test('every entry after every step satisfies the control schema', () => {
    fc.assert(
      fc.property(arbSequence, ([p, start, events]) => {
        simulate(p, start, events, ({ after }) => {
          if (after !== undefined) expect(controlProblems({ circuit_breaker: { x: after } })).toEqual([])
        })
      }),
      { numRuns: 150 }
    )
  })

  test('a released or expired probe can always be claimed again; a live one never twice', () => {
    fc.assert(
      fc.property(arbParams, fc.integer({ min: 0, max: 400 }), (p, ageMinutes) => {
        const e: BreakerEntry = { state: 'half-open', probe: { claimed_at: formatTimestamp(T0), run_id: 'run-1' } }
        const r = checkBreaker(e, p, T0 + ageMinutes * MINUTE, 'run-2')
        if (!r.ok) throw new Error(r.error)
        expect(r.skip).toBe(ageMinutes <= p.probeTimeoutMinutes)
        expect(r.probe).toBe(ageMinutes > p.probeTimeoutMinutes)
      }),
      RUNS
    )
  })

  test('spread: length min(keep, s+f), F count proportional (exact when keep ≥ s+f)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 80 }), (s, f, keep) => {
        const out = spread({ successes: s, failures: f }, keep)
        const n = s + f
        expect(out).toMatch(/^[SF]*$/)
        expect(out.length).toBe(Math.min(keep, n))
        const fs = [...out].filter((c) => c === 'F').length
        if (keep >= n) expect(fs).toBe(f)
        else expect(Math.abs(fs - (keep * f) / n)).toBeLessThan(1)
      }),
      { numRuns: 1000 }
    )
  })

  test.each<[number, number, number, string]>([
    [0, 0, 10, ''],
    [3, 0, 10, 'SSS'],
    [0, 3, 2, 'FF'],
    [2, 3, 10, 'SFSFF'],
    [1, 1, 10, 'SF'],
    [8, 2, 10, 'SSSSFSSSSF'],
    [15, 5, 10, 'SFSSSFSSSF']
  ])('spread(%d S, %d F, keep %d) = %j', (successes, failures, keep, out) => {
    expect(spread({ successes, failures }, keep)).toBe(out)
  })
})

describe('breakerStep: one step of either mode', () => {
  const p = DEFAULT_BREAKER_PARAMS
  const now = Date.parse('2026-03-04T10:00:00Z')
  const docWith = (eco: string, entry: BreakerEntry | undefined, extra: Partial<ControlDoc> = {}): ControlDoc => ({
    enabled: true,
    disabled_ecosystems: [],
    circuit_breaker: entry ? { [eco]: entry } : {},
    ...extra
  })
  test('check of a due open breaker claims the probe, in the entry and in the document', () => {
    const r = breakerStep(docWith('npm', { state: 'open', failures: 3, opens_at: '2026-03-04T09:00:00Z' }), 'npm', { mode: 'check' }, p, now, 'run-1')
    expect(r).toMatchObject({ ok: true, write: true, skip: false, probe: true, entry: { state: 'half-open', probe: { run_id: 'run-1' } } })
    if (r.ok) expect(r.doc.circuit_breaker!.npm).toEqual(r.entry)
  })
  test('record of a failure on a closed breaker writes the window and never skips', () => {
    const r = breakerStep(docWith('npm', undefined), 'npm', { mode: 'record', attempts: { successes: 0, failures: 1 } }, p, now, 'run-1')
    expect(r).toMatchObject({ ok: true, write: true, skip: false, probe: false, entry: { state: 'closed', window: 'F', failures: 1 } })
    if (r.ok) expect(r.doc.circuit_breaker).toEqual({ npm: r.entry })
  })
  test('check fails closed on an open breaker with no usable time', () => {
    expect(breakerStep(docWith('npm', { state: 'open', opens_at: '' }), 'npm', { mode: 'check' }, p, now, 'run-1')).toMatchObject({ ok: false })
  })
})

// ---------------------------------------------------------------------------
// the operators' gate: enabled: false and disabled_ecosystems (docs/contract.md §5, check)

const STOP: Partial<ControlDoc> = {
  enabled: false,
  reason: 'bad recipes merged',
  incident_url: 'https://status.example.com/incidents/42',
  disabled_by: 'alice',
  disabled_at: '2026-07-01T09:00:00Z',
  expected_resume: '2026-07-02T09:00:00Z'
}
const STOP_REASON =
  'batch processing is stopped (enabled: false) by alice since 2026-07-01T09:00:00Z: bad recipes merged; ' +
  'incident https://status.example.com/incidents/42; expected resume 2026-07-02T09:00:00Z'

describe('operatorHold', () => {
  test.each<[string, Partial<ControlDoc>, string, ReturnType<typeof operatorHold>]>([
    ['enabled (default fields): no hold', {}, 'npm', undefined],
    ['enabled missing: no hold', { enabled: undefined }, 'npm', undefined],
    ['another ecosystem paused: no hold', { disabled_ecosystems: ['pypi'] }, 'npm', undefined],
    ['stopped, every field', STOP, 'npm', { kind: 'stopped', reason: STOP_REASON, incidentUrl: 'https://status.example.com/incidents/42' }],
    [
      'stopped, empty fields named as missing',
      { enabled: false },
      'npm',
      { kind: 'stopped', reason: 'batch processing is stopped (enabled: false) by an unnamed operator: no reason given; no incident URL recorded', incidentUrl: '' }
    ],
    ['paused', { disabled_ecosystems: ['pypi', 'npm'] }, 'npm', { kind: 'paused', reason: 'npm is paused by an operator (disabled_ecosystems)', incidentUrl: '' }],
    ['paused and stopped: the stop wins', { ...STOP, disabled_ecosystems: ['npm'] }, 'npm', { kind: 'stopped', reason: STOP_REASON, incidentUrl: 'https://status.example.com/incidents/42' }],
    ['a pause is exact: crates.io does not pause crates-io', { disabled_ecosystems: ['crates.io'] }, 'crates-io', undefined]
  ])('%s', (_name, over, eco, hold) => {
    expect(operatorHold({ enabled: true, disabled_ecosystems: [], ...over }, eco)).toEqual(hold)
  })
})

describe('breakerStep: the operators gate the check, never the record', () => {
  interface GateRow {
    name: string
    over: Partial<ControlDoc>
    entry: BreakerEntry | undefined
    mode: 'check' | 'record'
    /** expected */
    skip: boolean
    probe: boolean
    write: boolean
    hold: 'stopped' | 'paused' | undefined
  }
  const due: BreakerEntry = { state: 'open', failures: 5, window: 'FFFFF', trips: 0, opens_at: at(-1) }
  const waiting: BreakerEntry = { state: 'open', failures: 5, window: 'FFFFF', trips: 0, opens_at: at(30) }
  const expired: BreakerEntry = { state: 'half-open', failures: 5, trips: 1, probe: { claimed_at: at(-500), run_id: 'run-1' } }
  const closed: BreakerEntry = { state: 'closed', failures: 0, window: 'SS' }
  const broken: BreakerEntry = { state: 'open', failures: 3, opens_at: '' }
  const paused: Partial<ControlDoc> = { disabled_ecosystems: ['npm'] }
  const rows: GateRow[] = [
    { name: 'running, due open breaker: claims the probe', over: {}, entry: due, mode: 'check', skip: false, probe: true, write: true, hold: undefined },
    { name: 'stopped, due open breaker: skip, no probe, nothing written', over: STOP, entry: due, mode: 'check', skip: true, probe: false, write: false, hold: 'stopped' },
    { name: 'paused, due open breaker: skip, no probe, nothing written', over: paused, entry: due, mode: 'check', skip: true, probe: false, write: false, hold: 'paused' },
    { name: 'stopped, expired half-open probe: not re-claimed', over: STOP, entry: expired, mode: 'check', skip: true, probe: false, write: false, hold: 'stopped' },
    { name: 'paused, expired half-open probe: not re-claimed', over: paused, entry: expired, mode: 'check', skip: true, probe: false, write: false, hold: 'paused' },
    { name: 'stopped, closed breaker: skip', over: STOP, entry: closed, mode: 'check', skip: true, probe: false, write: false, hold: 'stopped' },
    { name: 'paused, no entry yet: skip', over: paused, entry: undefined, mode: 'check', skip: true, probe: false, write: false, hold: 'paused' },
    { name: 'stopped, open and not due: skip as stopped', over: STOP, entry: waiting, mode: 'check', skip: true, probe: false, write: false, hold: 'stopped' },
    { name: 'stopped, open with no usable time: skip (no failure)', over: STOP, entry: broken, mode: 'check', skip: true, probe: false, write: false, hold: 'stopped' },
    { name: 'another ecosystem paused: claims the probe', over: { disabled_ecosystems: ['pypi'] }, entry: due, mode: 'check', skip: false, probe: true, write: true, hold: undefined },
    { name: 'stopped, record on closed: still recorded', over: STOP, entry: closed, mode: 'record', skip: false, probe: false, write: true, hold: undefined },
    { name: 'paused, record with no entry: still recorded', over: paused, entry: undefined, mode: 'record', skip: false, probe: false, write: true, hold: undefined }
  ]

  test.each(rows)('$name', ({ over, entry, mode, skip, probe, write, hold }) => {
    const doc: ControlDoc = { enabled: true, disabled_ecosystems: [], ...over, circuit_breaker: entry ? { npm: entry, pypi: closed } : { pypi: closed } }
    const before = structuredClone(doc)
    const event = mode === 'check' ? ({ mode: 'check' } as const) : ({ mode: 'record', attempts: FAILURE } as const)
    const r = breakerStep(doc, 'npm', event, P, NOW, RUN)
    if (!r.ok) throw new Error(`expected ok, got ${r.error}`)
    expect(doc).toEqual(before)
    expect({ skip: r.skip, probe: r.probe, write: r.write, hold: r.hold?.kind }).toEqual({ skip, probe, write, hold })
    if (hold) {
      expect(r.doc).toEqual(before)
      expect(r.entry).toEqual(entry)
      expect(r.reason).toBe(r.hold!.reason)
    }
    if (mode === 'record') {
      expect(r.entry?.window).toMatch(/F$/)
      expect(r.doc.circuit_breaker!.npm).toEqual(r.entry)
      expect({ enabled: r.doc.enabled, disabled_ecosystems: r.doc.disabled_ecosystems, reason: r.doc.reason }).toEqual({
        enabled: before.enabled,
        disabled_ecosystems: before.disabled_ecosystems,
        reason: before.reason
      })
    }
  })

  test('property: stopped or paused, a check never claims a probe and never changes the document', () => {
    const ECOS = ['npm', 'pypi', 'crates.io', 'homebrew']
    const arbEntry: fc.Arbitrary<BreakerEntry | undefined> = fc.oneof(
      arbStart,
      fc.record(
        {
          state: fc.constantFrom<BreakerEntry['state']>('closed', 'open', 'half-open'),
          failures: fc.nat({ max: 1000 }),
          opens_at: fc.oneof(fc.constant(''), fc.integer({ min: -3000, max: 3000 }).map((m) => formatTimestamp(T0 + m * MINUTE))),
          last_failure: fc.oneof(fc.constant(''), fc.integer({ min: -3000, max: 0 }).map((m) => formatTimestamp(T0 + m * MINUTE))),
          trips: fc.nat({ max: 10 }),
          probe: fc.record({ claimed_at: fc.integer({ min: -600, max: 0 }).map((m) => formatTimestamp(T0 + m * MINUTE)), run_id: fc.constantFrom('run-0', 'run-1', 4242) })
        },
        { requiredKeys: ['state'] }
      )
    )
    const arbText = fc.oneof(fc.constant(''), fc.string({ maxLength: 40 }))
    const arbCase = fc.record({
      eco: fc.constantFrom(...ECOS),
      how: fc.constantFrom('stopped', 'paused', 'both'),
      others: fc.subarray(ECOS),
      entries: fc.dictionary(fc.constantFrom(...ECOS), arbEntry),
      fields: fc.record({ reason: arbText, incident_url: arbText, disabled_by: arbText, disabled_at: arbText, expected_resume: arbText }),
      params: arbParams,
      at: fc.integer({ min: -5000, max: 5000 }).map((m) => T0 + m * MINUTE),
      run: fc.constantFrom('run-0', 'run-1', 'run-2', '4242')
    })
    let wouldClaim = 0
    fc.assert(
      fc.property(arbCase, ({ eco, how, others, entries, fields, params: p, at: now, run }) => {
        const circuit_breaker: Record<string, BreakerEntry> = {}
        for (const [k, v] of Object.entries(entries)) if (v !== undefined) circuit_breaker[k] = v
        const stopped = how !== 'paused'
        const pausedList = how === 'stopped' ? others.filter((e) => e !== eco) : [...new Set([...others, eco])]
        const doc: ControlDoc = { enabled: !stopped, disabled_ecosystems: pausedList, ...fields, circuit_breaker }
        const before = structuredClone(doc)
        const r = breakerStep(doc, eco, { mode: 'check' }, p, now, run)
        expect(doc).toEqual(before)
        expect(r.ok).toBe(true)
        if (!r.ok) return
        expect({ skip: r.skip, probe: r.probe, write: r.write }).toEqual({ skip: true, probe: false, write: false })
        expect(r.hold?.kind).toBe(stopped ? 'stopped' : 'paused')
        expect(r.doc).toEqual(before)
        expect(r.entry).toEqual(before.circuit_breaker![eco])
        // The same entry without the operators' controls: often the check would have claimed the probe.
        const open = checkBreaker(circuit_breaker[eco], p, now, run)
        if (open.ok && open.write) wouldClaim++
      }),
      { numRuns: 500 }
    )
    // The generator really produces breakers that a check would otherwise claim.
    expect(wouldClaim).toBeGreaterThan(20)
  })
})
