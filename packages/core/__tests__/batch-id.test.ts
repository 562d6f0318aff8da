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
