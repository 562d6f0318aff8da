import { describe, test, expect } from '@jest/globals'
import { BATCH_ID_FORMAT, MAX_BATCHES_PER_DAY, allocateBatchId } from '@batch-ops/core'
import { iso } from './helpers.js'

const NOW = iso('2026-01-05T10:00:00Z')

describe('allocateBatchId', () => {
  test('the first of the day is 001', () => {
    expect(allocateBatchId(undefined, NOW)).toEqual({ ok: true, id: '2026-01-05-001', sequence: { date: '2026-01-05', last: 1 } })
  })

  test('then 002, 003, ... from the counter', () => {
    const first = allocateBatchId(undefined, NOW)
    if (!first.ok) throw new Error('expected an ID')
    const second = allocateBatchId(first.sequence, NOW + 1000)
    expect(second).toEqual({ ok: true, id: '2026-01-05-002', sequence: { date: '2026-01-05', last: 2 } })
    expect(allocateBatchId({ date: '2026-01-05', last: 41 }, NOW)).toEqual({ ok: true, id: '2026-01-05-042', sequence: { date: '2026-01-05', last: 42 } })
  })

  test('a new UTC day restarts at 001', () => {
    expect(allocateBatchId({ date: '2026-01-04', last: 57 }, NOW)).toEqual({ ok: true, id: '2026-01-05-001', sequence: { date: '2026-01-05', last: 1 } })
    expect(allocateBatchId({ date: '2026-01-05', last: 57 }, iso('2026-01-06T00:00:00Z'))).toMatchObject({ ok: true, id: '2026-01-06-001' })
  })

  test('the day is the UTC day', () => {
    expect(allocateBatchId({ date: '2026-01-05', last: 3 }, iso('2026-01-05T23:59:59Z'))).toMatchObject({ id: '2026-01-05-004' })
    expect(allocateBatchId({ date: '2026-01-05', last: 3 }, iso('2026-01-06T01:00:00+02:00'))).toMatchObject({ id: '2026-01-05-004' })
  })

  test.each([
    // A run whose clock still says 23:59:59 re-applies after a rival allocated the next day's 001.
    ['a clock a second behind midnight', { date: '2026-01-06', last: 1 }, '2026-01-05T23:59:59Z', '2026-01-06-002'],
    ['a runner clock two seconds behind', { date: '2026-01-06', last: 7 }, '2026-01-05T23:59:58Z', '2026-01-06-008'],
    ['a whole day behind still continues', { date: '2026-01-06', last: 3 }, '2026-01-05T00:00:00Z', '2026-01-06-004']
  ])('the counter never goes backwards: %s', (_name, sequence, now, id) => {
    expect(allocateBatchId(sequence, iso(now))).toMatchObject({ ok: true, id, sequence: { date: sequence.date, last: sequence.last + 1 } })
  })

  test('a counter more than a day ahead of the clock hands out nothing and says what to check', () => {
    const r = allocateBatchId({ date: '2026-01-08', last: 2 }, NOW)
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^batch_sequence\.date 2026-01-08 is more than a day ahead of this run's clock \(2026-01-05\)/) })
  })

  test('999 is the last of the day, then the day is exhausted', () => {
    expect(MAX_BATCHES_PER_DAY).toBe(999)
    expect(allocateBatchId({ date: '2026-01-05', last: 998 }, NOW)).toEqual({ ok: true, id: '2026-01-05-999', sequence: { date: '2026-01-05', last: 999 } })
    const full = allocateBatchId({ date: '2026-01-05', last: 999 }, NOW)
    expect(full.ok).toBe(false)
    if (full.ok) return
    expect(full.reason).toBe('all 999 batch IDs for 2026-01-05 are used; the next one is available after 00:00 UTC')
    expect(allocateBatchId({ date: '2026-01-05', last: 999 }, iso('2026-01-06T00:00:00Z'))).toMatchObject({ ok: true, id: '2026-01-06-001' })
  })

  test.each([
    ['2026-01-05-001', true],
    ['2026-01-05-999', true],
    ['2026-01-05', false],
    ['2026-01-05-0010', false],
    ['2026-01-05-01', false]
  ])('BATCH_ID_FORMAT on %s is %s', (id, ok) => {
    expect(BATCH_ID_FORMAT.test(id)).toBe(ok)
  })
})
