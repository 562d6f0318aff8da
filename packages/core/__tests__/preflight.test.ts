import { describe, test, expect } from '@jest/globals'
import fc from 'fast-check'
import {
  type ControlDoc,
  type PreflightOptions,
  type PreflightResult,
  type Trigger,
  BATCH_ID_FORMAT,
  allowedEventProblems,
  breakerHold,
  checkTrigger,
  defaultControl,
  loadControl,
  preflight,
  renderControl
} from '@batch-ops/core'
import { fixture, iso } from './helpers.js'

const NOW = iso('2026-01-07T12:00:00Z') // a Wednesday
const MONDAY = '2026-01-05T00:00:00Z'

const OPTS: PreflightOptions = {
  requested: null,
  limits: { macos: 1000, linux: 5000 },
  thresholds: { sampling: 0.8, pause: 0.95 },
  allocateBatchId: true,
  exists: true
}

/** A control file in the current budget week, so that nothing changes unless the test says so. */
function control(over: Partial<ControlDoc> = {}): ControlDoc {
  return {
    ...defaultControl(),
    circuit_breaker: { npm: { state: 'closed', failures: 0 }, pypi: { state: 'closed', failures: 0 } },
    budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false },
    ...over
  }
}

/** preflight, checking on every call that the input document is not mutated. */
function run(doc: ControlDoc, opts: Partial<PreflightOptions> = {}, now = NOW): PreflightResult {
  const before = structuredClone(doc)
  const result = preflight(doc, { ...OPTS, ...opts }, now)
  expect(doc).toEqual(before)
  expect(result.doc).not.toBe(doc)
  return result
}

describe('rule 1: enabled false stops everything', () => {
  const stopped = control({
    enabled: false,
    reason: 'npm registry outage',
    disabled_by: 'alice',
    disabled_at: '2026-01-06T09:00:00Z',
    incident_url: 'https://status.example.com/incidents/42',
    expected_resume: '2026-01-08T00:00:00Z'
  })

  test('cannot proceed, no ecosystems, reason from the file, no batch ID', () => {
    const { decision, doc, write } = run(stopped)
    expect(decision.canProceed).toBe(false)
    expect(decision.ecosystems).toEqual([])
    expect(decision.reason).toBe('npm registry outage')
    expect(decision.batchId).toBe('')
    expect(decision.skipped).toEqual({
      npm: 'batch processing is stopped: npm registry outage',
      pypi: 'batch processing is stopped: npm registry outage'
    })
    expect(doc.batch_sequence).toBeUndefined()
    expect(write).toBe(false)
  })

  test('one warning naming disabled_by, incident_url and expected_resume', () => {
    const { decision } = run(stopped)
    expect(decision.warnings).toHaveLength(1)
    expect(decision.warnings[0]).toBe(
      'Batch processing is stopped (enabled: false) by alice since 2026-01-06T09:00:00Z: npm registry outage. ' +
        'Incident: https://status.example.com/incidents/42. Expected resume: 2026-01-08T00:00:00Z.'
    )
  })

  test('a second warning when expected_resume has passed', () => {
    const { decision } = run({ ...stopped, expected_resume: '2026-01-07T11:59:59Z' })
    expect(decision.warnings).toHaveLength(2)
    expect(decision.warnings[0]).toContain('Expected resume: 2026-01-07T11:59:59Z.')
    expect(decision.warnings[1]).toBe(
      'The expected resume time 2026-01-07T11:59:59Z has passed and batch processing is still stopped. ' +
        'Resume with the batch-control action (command: resume, the emergency form), or stop again with a new expected-resume.'
    )
  })

  test('expected_resume exactly now counts as passed; with an offset it is compared in UTC', () => {
    expect(run({ ...stopped, expected_resume: '2026-01-07T12:00:00Z' }).decision.warnings).toHaveLength(2)
    // 13:30+02:00 is 11:30Z: passed.
    expect(run({ ...stopped, expected_resume: '2026-01-07T13:30:00+02:00' }).decision.warnings).toHaveLength(2)
    // 14:30+02:00 is 12:30Z: not yet.
    expect(run({ ...stopped, expected_resume: '2026-01-07T14:30:00+02:00' }).decision.warnings).toHaveLength(1)
  })

  test('empty fields are named as missing', () => {
    const { decision } = run(control({ enabled: false }))
    expect(decision.reason).toBe('batch processing is stopped (enabled: false)')
    expect(decision.warnings).toEqual([
      'Batch processing is stopped (enabled: false) by an unnamed operator: no reason given. No incident URL recorded. No expected resume time recorded.'
    ])
  })

  test('it is not stopped when enabled is missing', () => {
    const doc = control()
    delete doc.enabled
    const { decision } = run(doc)
    expect(decision.canProceed).toBe(true)
    expect(decision.ecosystems).toEqual(['npm', 'pypi'])
  })
})

describe('rule 2: which ecosystems run', () => {
  test('the default is every key of circuit_breaker, in file order', () => {
    const { decision } = run(control({ circuit_breaker: { pypi: { state: 'closed' }, npm: { state: 'closed' }, 'crates.io': { state: 'closed' } } }))
    expect(decision.ecosystems).toEqual(['pypi', 'npm', 'crates.io'])
    expect(decision.skipped).toEqual({})
  })

  test('requested ecosystems run in the requested order, known to the file or not', () => {
    const { decision } = run(control(), { requested: ['rubygems', 'pypi'] })
    expect(decision.ecosystems).toEqual(['rubygems', 'pypi'])
  })

  test('paused ecosystems are skipped with the reason', () => {
    const { decision } = run(control({ disabled_ecosystems: ['npm'] }), { requested: ['npm', 'pypi'] })
    expect(decision.canProceed).toBe(true)
    expect(decision.ecosystems).toEqual(['pypi'])
    expect(decision.skipped).toEqual({ npm: 'paused by an operator (disabled_ecosystems)' })
  })

  test('breakers: open and not due are skipped; due, half-open and closed run; open without a usable opens_at is skipped', () => {
    const doc = control({
      circuit_breaker: {
        waiting: { state: 'open', failures: 3, last_failure: '2026-01-07T11:00:00Z', opens_at: '2026-01-07T13:00:00Z' },
        due: { state: 'open', failures: 5, opens_at: '2026-01-07T11:00:00Z' },
        exactly: { state: 'open', opens_at: '2026-01-07T12:00:00Z' },
        probing: { state: 'half-open', failures: 5, opens_at: '2026-01-07T11:00:00Z' },
        fine: { state: 'closed', failures: 0 },
        blank: { state: 'open', failures: 2, opens_at: '' },
        missing: { state: 'open', last_failure: '2026-01-07T11:00:00Z' },
        offset: { state: 'open', opens_at: '2026-01-07T14:30:00+02:00' }
      }
    })
    const { decision } = run(doc)
    expect(decision.canProceed).toBe(true)
    expect(decision.ecosystems).toEqual(['due', 'exactly', 'probing', 'fine'])
    expect(decision.skipped).toEqual({
      waiting: 'circuit breaker open after 3 consecutive failures until 2026-01-07T13:00:00Z',
      blank:
        'circuit breaker open after 2 consecutive failures with no usable opens_at; it stays out until circuit-breaker check derives one or an operator resets it',
      missing:
        'circuit breaker open with no usable opens_at; it stays out until circuit-breaker check derives one or an operator resets it',
      offset: 'circuit breaker open until 2026-01-07T12:30:00Z'
    })
  })

  test('breakerHold on its own', () => {
    const doc = control({ circuit_breaker: { a: { state: 'open', opens_at: '2026-01-07T12:00:01Z' } } })
    expect(breakerHold(doc, 'a', NOW)).toBe('circuit breaker open until 2026-01-07T12:00:01Z')
    expect(breakerHold(doc, 'a', NOW + 1000)).toBeUndefined()
    expect(breakerHold(doc, 'unknown', NOW)).toBeUndefined()
  })

  test('a paused ecosystem is skipped as paused even when its breaker is also open', () => {
    const doc = control({ disabled_ecosystems: ['npm'], circuit_breaker: { npm: { state: 'open', opens_at: '2026-01-08T00:00:00Z' }, pypi: { state: 'closed' } } })
    expect(run(doc).decision.skipped).toEqual({ npm: 'paused by an operator (disabled_ecosystems)' })
  })

  test('none left: cannot proceed, every reason named, no batch ID', () => {
    const doc = control({
      disabled_ecosystems: ['npm'],
      circuit_breaker: { npm: { state: 'closed' }, pypi: { state: 'open', opens_at: '2026-01-08T00:00:00Z' } }
    })
    const { decision, doc: after, write } = run(doc)
    expect(decision.canProceed).toBe(false)
    expect(decision.ecosystems).toEqual([])
    expect(decision.reason).toBe(
      'no ecosystems left to run: npm (paused by an operator (disabled_ecosystems)); pypi (circuit breaker open until 2026-01-08T00:00:00Z)'
    )
    expect(decision.batchId).toBe('')
    expect(after.batch_sequence).toBeUndefined()
    expect(write).toBe(false)
  })

  test('nothing requested and no breakers: cannot proceed', () => {
    const { decision } = run(control({ circuit_breaker: {} }))
    expect(decision.canProceed).toBe(false)
    expect(decision.ecosystems).toEqual([])
    expect(decision.reason).toBe('no ecosystems to run: none were requested and circuit_breaker lists none')
    expect(run(control(), { requested: [] }).decision.canProceed).toBe(false)
  })

  test('the head fixture: before opens_at only the closed default runs; after it, all of them', () => {
    const load = loadControl(fixture('batch-control.head.json'))
    if (!load.ok) throw new Error('fixture should load')
    const before = run(load.doc, { allocateBatchId: false }, iso('2026-06-26T21:00:00Z')).decision
    expect(before.ecosystems).toEqual(['default'])
    expect(Object.keys(before.skipped)).toEqual(['github', 'homebrew', 'rubygems', 'crates.io', 'npm', 'pypi'])
    expect(before.skipped['crates.io']).toBe('circuit breaker open after 993 consecutive failures until 2026-06-26T21:51:01Z')
    const after = run(load.doc, { allocateBatchId: false }, iso('2026-06-26T21:51:01Z')).decision
    expect(after.ecosystems).toEqual(['github', 'homebrew', 'rubygems', 'crates.io', 'npm', 'pypi', 'default'])
  })
})

describe('rules 3-4: the budget', () => {
  test.each([
    ['an empty week_start', ''],
    ['a week_start last week', '2025-12-29T00:00:00Z'],
    ['a week_start last week as a date', '2025-12-29']
  ])('%s resets the week', (_name, week_start) => {
    const doc = control({ budget: { macos_minutes_used: 990, linux_minutes_used: 4900, week_start, sampling_active: true } })
    const { decision, doc: after, write } = run(doc, { allocateBatchId: false })
    expect(decision.budgetReset).toBe(true)
    expect(decision.canProceed).toBe(true)
    expect(decision.sampling).toBe(false)
    expect(after.budget).toEqual({ macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false })
    expect(write).toBe(true)
  })

  test('a budget from this week is kept', () => {
    const doc = control({ budget: { macos_minutes_used: 100, linux_minutes_used: 200, week_start: '2026-01-05', sampling_active: false } })
    const { decision, doc: after } = run(doc, { allocateBatchId: false })
    expect(decision.budgetReset).toBe(false)
    expect(after.budget).toEqual(doc.budget)
  })

  test('below the sampling threshold: no sampling', () => {
    const { decision, doc, write } = run(control({ budget: { macos_minutes_used: 799, linux_minutes_used: 3995, week_start: MONDAY, sampling_active: false } }), {
      allocateBatchId: false
    })
    expect(decision.sampling).toBe(false)
    expect(decision.warnings).toEqual([])
    expect(doc.budget!.sampling_active).toBe(false)
    expect(write).toBe(false)
  })

  test('at 80%: sampling, recorded in the file, with a warning', () => {
    const { decision, doc, write } = run(control({ budget: { macos_minutes_used: 800, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false } }), {
      allocateBatchId: false
    })
    expect(decision.canProceed).toBe(true)
    expect(decision.sampling).toBe(true)
    expect(decision.ecosystems).toEqual(['npm', 'pypi'])
    expect(doc.budget).toEqual({ macos_minutes_used: 800, linux_minutes_used: 0, week_start: MONDAY, sampling_active: true })
    expect(decision.warnings).toEqual([
      'Weekly CI budget at macOS 800/1000 min (80%), over the sampling threshold 80%: batches run in sampling mode.'
    ])
    expect(write).toBe(true)
  })

  test('sampling already active: nothing to write', () => {
    const { decision, write } = run(control({ budget: { macos_minutes_used: 0, linux_minutes_used: 4500, week_start: MONDAY, sampling_active: true } }), {
      allocateBatchId: false
    })
    expect(decision.sampling).toBe(true)
    expect(write).toBe(false)
  })

  test('Windows minutes count against Linux', () => {
    const { decision } = run(control({ budget: { linux_minutes_used: 2000, windows_minutes_used: 2000, week_start: MONDAY, sampling_active: false } }))
    expect(decision.sampling).toBe(true)
    expect(decision.budget.worst).toMatchObject({ os: 'Linux', used: 4000, limit: 5000 })
  })

  test('at 95%: cannot proceed, the reason names the budget, no batch ID', () => {
    const doc = control({ budget: { macos_minutes_used: 100, linux_minutes_used: 4750, week_start: MONDAY, sampling_active: false } })
    const { decision, doc: after } = run(doc)
    expect(decision.canProceed).toBe(false)
    expect(decision.ecosystems).toEqual([])
    expect(decision.batchId).toBe('')
    expect(decision.reason).toBe(
      'weekly CI budget nearly spent: Linux 4750/5000 min (95%) is at or over the pause threshold 95%; ' +
        'batches resume when the budget week starts again on Monday 00:00 UTC'
    )
    expect(decision.skipped).toEqual({ npm: decision.reason, pypi: decision.reason })
    expect(decision.sampling).toBe(true)
    expect(decision.warnings).toEqual([])
    expect(after.budget!.sampling_active).toBe(true)
    expect(after.batch_sequence).toBeUndefined()
  })

  test('94.9% still runs, 100% does not', () => {
    const at = (macos: number) =>
      run(control({ budget: { macos_minutes_used: macos, linux_minutes_used: 0, week_start: MONDAY, sampling_active: true } })).decision.canProceed
    expect(at(949)).toBe(true)
    expect(at(1000)).toBe(false)
  })

  test('custom limits and thresholds', () => {
    const doc = control({ budget: { macos_minutes_used: 50, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false } })
    expect(run(doc, { limits: { macos: 100, linux: 5000 }, thresholds: { sampling: 0.4, pause: 0.5 } }).decision.canProceed).toBe(false)
    expect(run(doc, { limits: { macos: 1000, linux: 5000 } }).decision.sampling).toBe(false)
  })

  test('a macOS limit of 0 with minutes used pauses', () => {
    const doc = control({ budget: { macos_minutes_used: 1, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false } })
    const { decision } = run(doc, { limits: { macos: 0, linux: 5000 } })
    expect(decision.canProceed).toBe(false)
    expect(decision.reason).toContain('macOS 1/0 min (∞%)')
  })
})

describe('rule 5: batch IDs', () => {
  test('proceeding allocates the next ID and records it', () => {
    const { decision, doc, write } = run(control())
    expect(decision.batchId).toBe('2026-01-07-001')
    expect(doc.batch_sequence).toEqual({ date: '2026-01-07', last: 1 })
    expect(write).toBe(true)
  })

  test('one more than the counter that day; a new day starts again', () => {
    expect(run(control({ batch_sequence: { date: '2026-01-07', last: 41 } })).decision.batchId).toBe('2026-01-07-042')
    expect(run(control({ batch_sequence: { date: '2026-01-06', last: 41 } })).decision.batchId).toBe('2026-01-07-001')
  })

  test('allocate-batch-id off: no ID, counter untouched', () => {
    const doc = control({ batch_sequence: { date: '2026-01-07', last: 41 } })
    const { decision, doc: after, write } = run(doc, { allocateBatchId: false })
    expect(decision.canProceed).toBe(true)
    expect(decision.batchId).toBe('')
    expect(after.batch_sequence).toEqual({ date: '2026-01-07', last: 41 })
    expect(write).toBe(false)
  })

  test('the day exhausted: cannot proceed, with the reason', () => {
    const { decision, doc } = run(control({ batch_sequence: { date: '2026-01-07', last: 999 } }))
    expect(decision.canProceed).toBe(false)
    expect(decision.ecosystems).toEqual([])
    expect(decision.batchId).toBe('')
    expect(decision.reason).toBe('all 999 batch IDs for 2026-01-07 are used; the next one is available after 00:00 UTC')
    expect(doc.batch_sequence).toEqual({ date: '2026-01-07', last: 999 })
  })

  test('property: IDs from a run of allocations over increasing times are unique, well-formed and count from 001 each day', () => {
    const steps = fc.array(fc.integer({ min: 0, max: 8 * 3600_000 }), { minLength: 1, maxLength: 120 })
    fc.assert(
      fc.property(fc.integer({ min: iso('2026-01-01T00:00:00Z'), max: iso('2027-01-01T00:00:00Z') }), steps, (start, gaps) => {
        let doc: ControlDoc = control({ budget: {} })
        let now = start
        const ids: string[] = []
        for (const gap of gaps) {
          now += gap
          const result = preflight(doc, OPTS, now)
          expect(result.decision.canProceed).toBe(true)
          expect(result.write).toBe(true)
          ids.push(result.decision.batchId)
          doc = result.doc
        }
        expect(new Set(ids).size).toBe(ids.length)
        for (const id of ids) expect(id).toMatch(/^\d{4}-\d{2}-\d{2}-\d{3}$/)
        for (const id of ids) expect(BATCH_ID_FORMAT.test(id)).toBe(true)
        // Per day: 001, 002, ... with no gap.
        const perDay = new Map<string, number[]>()
        for (const id of ids) perDay.set(id.slice(0, 10), [...(perDay.get(id.slice(0, 10)) ?? []), Number(id.slice(11))])
        for (const numbers of perDay.values()) expect(numbers).toEqual(numbers.map((_, i) => i + 1))
        // Days are in order, as time only moves forward.
        expect([...perDay.keys()]).toEqual([...perDay.keys()].sort())
      }),
      { numRuns: 200 }
    )
  })
})

describe('rule 6 and writing', () => {
  test('nothing changed: nothing to write', () => {
    const { write, doc } = run(control(), { allocateBatchId: false })
    expect(write).toBe(false)
    expect(doc).toEqual(control())
  })

  test('a missing file without a batch ID is not created, even though the budget week was set', () => {
    const load = loadControl(null)
    if (!load.ok) throw new Error('a missing file loads')
    const { decision, doc, write } = run(load.doc, { exists: false, requested: ['npm'], allocateBatchId: false })
    expect(decision.canProceed).toBe(true)
    expect(decision.ecosystems).toEqual(['npm'])
    expect(decision.budgetReset).toBe(true)
    expect(doc.budget!.week_start).toBe(MONDAY)
    expect(write).toBe(false)
  })

  test('a missing file that cannot proceed is not created', () => {
    const load = loadControl(null)
    if (!load.ok) throw new Error('a missing file loads')
    const { decision, write } = run(load.doc, { exists: false })
    expect(decision.canProceed).toBe(false)
    expect(decision.reason).toBe('no ecosystems to run: none were requested and circuit_breaker lists none')
    expect(write).toBe(false)
  })

  test('a missing file is created to hold a new batch ID, in the canonical form', () => {
    const load = loadControl(null)
    if (!load.ok) throw new Error('a missing file loads')
    const { decision, doc, write } = run(load.doc, { exists: false, requested: ['npm'] })
    expect(decision.batchId).toBe('2026-01-07-001')
    expect(write).toBe(true)
    const text = renderControl(load, doc)
    expect(text).toBe(
      fixture('batch-control.initial.json')
        .replace('"week_start": ""', `"week_start": "${MONDAY}"`)
        .replace(/  \}\n\}\n$/, '  },\n  "batch_sequence": {\n    "date": "2026-01-07",\n    "last": 1\n  }\n}\n')
    )
    expect(loadControl(text).ok).toBe(true)
  })

  test('a write of an existing file changes only what preflight changed', () => {
    const text = fixture('batch-control.head.json')
    const load = loadControl(text)
    if (!load.ok) throw new Error('fixture should load')
    const { doc, write } = run(load.doc, {}, iso('2026-06-26T22:00:00Z'))
    expect(write).toBe(true)
    const out = renderControl(load, doc)
    expect(out).toBe(
      text
        .replace('"week_start": ""', '"week_start": "2026-06-22T00:00:00Z"')
        .replace(/  \}\n\}\n$/, '  },\n  "batch_sequence": {\n    "date": "2026-06-26",\n    "last": 1\n  }\n}\n')
    )
  })
})

describe('hand edits of breakers (tampering)', () => {
  const finding = { ecosystem: 'npm', from: 'open' as const, to: 'closed' as const, commit: 'a'.repeat(40), author: 'Mallory <m@x>', subject: 'unblock npm' }
  test('warn: a warning naming the commit and author; the batch proceeds', () => {
    const { decision } = run(control(), { tampering: { findings: [finding], block: false } })
    expect(decision.canProceed).toBe(true)
    expect(decision.warnings.join('\n')).toContain('breaker npm moved open → closed in commit aaaaaaa by Mallory <m@x>')
  })
  test('block: no batch, no ID, and nothing written even when the budget week rolled over', () => {
    const r = run(control({ budget: { macos_minutes_used: 5, linux_minutes_used: 5, week_start: '', sampling_active: false } }), { tampering: { findings: [finding], block: true } })
    expect(r.decision.canProceed).toBe(false)
    expect(r.decision.batchId).toBe('')
    expect(r.decision.reason).toMatch(/hand-edited/)
    expect(r.decision.budgetReset).toBe(true)
    expect(r.write).toBe(false)
  })
})

describe('which events may run a batch (trigger, allowed-events)', () => {
  const scheduled: Trigger = { event: 'schedule', onActions: true, allowed: ['schedule'] }
  const refusal = (event: string, allowed: string[]): string =>
    `this run was started by the event '${event}', which is not in allowed-events (${allowed.join(', ')}); batches run only on those events. ` +
    `To run batches on ${event} deliberately, add ${event} to the allowed-events input of preflight-check (e.g. allowed-events: ${[...allowed, event].join(', ')})`

  test.each<[string, Trigger, boolean]>([
    ['schedule, the default list', scheduled, true],
    ['workflow_dispatch, the default list', { event: 'workflow_dispatch', onActions: true, allowed: ['schedule'] }, false],
    ['workflow_dispatch, listed', { event: 'workflow_dispatch', onActions: true, allowed: ['schedule', 'workflow_dispatch'] }, true],
    ['schedule, a list without it', { event: 'schedule', onActions: true, allowed: ['workflow_dispatch'] }, false],
    ['push, the default list', { event: 'push', onActions: true, allowed: ['schedule'] }, false],
    ['names are exact: Schedule is not schedule', { event: 'Schedule', onActions: true, allowed: ['schedule'] }, false],
    ['unset on GitHub Actions: refused', { event: '', onActions: true, allowed: ['schedule'] }, false],
    ['unset outside GitHub Actions (a local run): the check does not apply', { event: '', onActions: false, allowed: ['schedule'] }, true],
    ['set outside GitHub Actions: checked all the same', { event: 'workflow_dispatch', onActions: false, allowed: ['schedule'] }, false]
  ])('checkTrigger: %s', (_name, t, ok) => {
    const v = checkTrigger(t)
    expect(v.ok).toBe(ok)
    expect(v.reason === '').toBe(ok)
    if (!ok && t.event !== '') expect(v.reason).toBe(refusal(t.event, t.allowed))
  })

  test('unset on GitHub Actions: the reason says GITHUB_EVENT_NAME is missing; unset elsewhere: a note says why it is not checked', () => {
    expect(checkTrigger({ event: '', onActions: true, allowed: ['schedule'] }).reason).toBe(
      "GITHUB_EVENT_NAME is not set, although this runs on GitHub Actions (GITHUB_ACTIONS is 'true'), so the event that started the run is unknown; " +
        'a batch runs only on allowed-events (schedule). Check that no env: of the workflow, job or step overrides GITHUB_EVENT_NAME'
    )
    expect(checkTrigger({ event: '', onActions: false, allowed: ['schedule'] }).note).toBe('not on GitHub Actions, a local run or a test: the check does not apply')
    expect(checkTrigger(scheduled).note).toBe('')
  })

  test('a refused event: cannot proceed, no ecosystems, no batch ID, nothing written even with a new budget week to record', () => {
    const doc = control({ budget: { macos_minutes_used: 900, linux_minutes_used: 0, week_start: '', sampling_active: false } })
    const trigger: Trigger = { event: 'workflow_dispatch', onActions: true, allowed: ['schedule'] }
    const { decision, write } = run(doc, { trigger })
    expect(decision.canProceed).toBe(false)
    expect(decision.ecosystems).toEqual([])
    expect(decision.batchId).toBe('')
    expect(decision.reason).toBe(refusal('workflow_dispatch', ['schedule']))
    expect(decision.skipped).toEqual({ npm: decision.reason, pypi: decision.reason })
    expect(decision.trigger).toMatchObject({ event: 'workflow_dispatch', ok: false })
    expect(decision.budgetReset).toBe(true)
    expect(write).toBe(false)
    // The same run allowed: proceeds, takes an ID and writes.
    const allowed = run(doc, { trigger: { ...trigger, allowed: ['schedule', 'workflow_dispatch'] } })
    expect(allowed.decision).toMatchObject({ canProceed: true, batchId: '2026-01-07-001', reason: '' })
    expect(allowed.write).toBe(true)
  })

  test('a refused event comes first, and the stop still warns', () => {
    const stopped = control({ enabled: false, reason: 'outage', disabled_by: 'alice' })
    const { decision } = run(stopped, { trigger: { event: 'push', onActions: true, allowed: ['schedule'] } })
    expect(decision.reason).toBe(refusal('push', ['schedule']))
    expect(decision.skipped).toEqual({ npm: decision.reason, pypi: decision.reason })
    expect(decision.warnings[0]).toContain('stopped (enabled: false) by alice')
  })

  test('an allowed event changes nothing else: the decision is the one without a trigger', () => {
    for (const doc of [control(), control({ enabled: false }), control({ disabled_ecosystems: ['npm', 'pypi'] })]) {
      const without = run(doc)
      const withTrigger = run(doc, { trigger: scheduled })
      expect({ ...withTrigger.decision, trigger: undefined }).toEqual({ ...without.decision, trigger: undefined })
      expect(withTrigger.write).toBe(without.write)
      expect(withTrigger.decision.trigger).toMatchObject({ event: 'schedule', ok: true })
    }
  })

  test('property: an event not in allowed-events never proceeds, never gets a batch ID, never writes', () => {
    const arbEvent = fc.constantFrom('schedule', 'workflow_dispatch', 'push', 'pull_request', 'repository_dispatch', 'workflow_run', '')
    fc.assert(
      fc.property(
        arbEvent,
        fc.boolean(),
        fc.subarray(['schedule', 'workflow_dispatch', 'push', 'repository_dispatch'], { minLength: 1 }),
        fc.constantFrom('', '2025-12-29T00:00:00Z', MONDAY),
        (event, onActions, allowed, week_start) => {
          const doc = control({ budget: { macos_minutes_used: 850, linux_minutes_used: 0, week_start, sampling_active: false } })
          const { decision, write } = run(doc, { trigger: { event, onActions, allowed } })
          const refused = event === '' ? onActions : !allowed.includes(event)
          expect(decision.canProceed).toBe(!refused)
          if (refused) {
            expect(decision.batchId).toBe('')
            expect(decision.ecosystems).toEqual([])
            expect(write).toBe(false)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  test.each<[string[], string[]]>([
    [['schedule'], []],
    [['schedule', 'workflow_dispatch', 'repository_dispatch'], []],
    [[], ["input 'allowed-events' names no event; give at least one, e.g. schedule"]],
    [['workflow-dispatch'], [`input 'allowed-events': "workflow-dispatch" is not a GitHub event name (lower case letters and '_', e.g. schedule, workflow_dispatch)`]],
    [['Schedule'], [`input 'allowed-events': "Schedule" is not a GitHub event name (lower case letters and '_', e.g. schedule, workflow_dispatch)`]],
    [
      ['schedule', 'workflow_call'],
      [
        `input 'allowed-events': "workflow_call" never starts a batch: a called reusable workflow runs with the event of the workflow that called it; ` +
          'list that event instead (e.g. schedule, workflow_dispatch)'
      ]
    ]
  ])('allowedEventProblems(%j)', (allowed, problems) => {
    expect(allowedEventProblems(allowed)).toEqual(problems)
  })
})
