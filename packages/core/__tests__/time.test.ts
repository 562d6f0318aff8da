import { describe, test, expect } from '@jest/globals'
import fc from 'fast-check'
import { MINUTE, formatTimestamp, parseDate, parseTimestamp, utcDay, weekStart } from '@batch-ops/core'
import { iso } from './helpers.js'

describe('weekStart: Monday 00:00 UTC', () => {
  test.each([
    ['Monday 00:00 exactly', '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00Z'],
    ['Monday noon', '2026-01-05T12:00:00Z', '2026-01-05T00:00:00Z'],
    ['Tuesday', '2026-01-06T08:30:00Z', '2026-01-05T00:00:00Z'],
    ['Wednesday', '2026-01-07T12:00:00Z', '2026-01-05T00:00:00Z'],
    ['Thursday', '2026-01-08T23:00:00Z', '2026-01-05T00:00:00Z'],
    ['Friday', '2026-01-09T01:00:00Z', '2026-01-05T00:00:00Z'],
    ['Saturday', '2026-01-10T18:00:00Z', '2026-01-05T00:00:00Z'],
    ['Sunday 00:00', '2026-01-11T00:00:00Z', '2026-01-05T00:00:00Z'],
    ['Sunday 23:59', '2026-01-11T23:59:00Z', '2026-01-05T00:00:00Z'],
    ['Sunday 23:59:59.999', '2026-01-11T23:59:59.999Z', '2026-01-05T00:00:00Z'],
    ['the next Monday 00:00 exactly', '2026-01-12T00:00:00.000Z', '2026-01-12T00:00:00Z'],
    ['a Thursday New Year (week starts the year before)', '2026-01-01T10:00:00Z', '2025-12-29T00:00:00Z'],
    ['across a month end', '2026-03-01T05:00:00Z', '2026-02-23T00:00:00Z'],
    ['a leap day', '2028-02-29T12:00:00Z', '2028-02-28T00:00:00Z'],
    ['an offset does not matter: local Monday, UTC Sunday', '2026-01-12T01:00:00+02:00', '2026-01-05T00:00:00Z']
  ])('%s (%s) → %s', (_name, at, monday) => {
    expect(formatTimestamp(weekStart(iso(at)))).toBe(monday)
  })

  test('property: a Monday at midnight, at most 7 days back, and stable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: iso('2100-01-01T00:00:00Z') }), (ms) => {
        const w = weekStart(ms)
        const d = new Date(w)
        expect(d.getUTCDay()).toBe(1)
        expect(Math.abs(w % 86_400_000)).toBe(0)
        expect(w).toBeLessThanOrEqual(ms)
        expect(ms - w).toBeLessThan(7 * 86_400_000)
        expect(weekStart(w)).toBe(w)
      })
    )
  })
})

describe('parseTimestamp: any RFC 3339 offset', () => {
  test.each([
    ['2026-01-05T00:00:00Z', '2026-01-05T00:00:00.000Z'],
    ['2026-01-05T10:00:00+02:00', '2026-01-05T08:00:00.000Z'],
    ['2026-01-05T01:00:00+02:00', '2026-01-04T23:00:00.000Z'],
    ['2026-01-04T20:30:00-05:30', '2026-01-05T02:00:00.000Z'],
    ['2026-01-05T00:00:00+00:00', '2026-01-05T00:00:00.000Z'],
    ['2026-01-05T00:00:00-00:00', '2026-01-05T00:00:00.000Z'],
    ['2026-01-05T00:00:00.250Z', '2026-01-05T00:00:00.250Z'],
    ['2026-01-05t00:00:00z', '2026-01-05T00:00:00.000Z'],
    ['2026-01-05 12:00:00Z', '2026-01-05T12:00:00.000Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2026-12-31T23:59:59+14:00', '2026-12-31T09:59:59.000Z']
  ])('%s is %s', (s, utc) => {
    expect(parseTimestamp(s)).toBe(Date.parse(utc))
  })

  test.each([
    ['', 'empty'],
    ['tomorrow', 'not a timestamp'],
    ['2026-01-05', 'a date only'],
    ['2026-01-05T00:00:00', 'no offset'],
    ['2026-01-05T00:00Z', 'no seconds'],
    ['2026-1-5T00:00:00Z', 'short fields'],
    ['2026-02-30T00:00:00Z', 'February 30th'],
    ['2025-02-29T00:00:00Z', 'February 29th of a common year'],
    ['2026-04-31T00:00:00Z', 'April 31st'],
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-00-10T00:00:00Z', 'month 0'],
    ['2026-01-00T00:00:00Z', 'day 0'],
    ['2026-01-05T24:00:00Z', 'hour 24'],
    ['2026-01-05T23:60:00Z', 'minute 60'],
    [' 2026-01-05T00:00:00Z', 'leading space'],
    ['2026-01-05T00:00:00Z ', 'trailing space']
  ])('%s is refused (%s)', (s) => {
    expect(parseTimestamp(s)).toBeNull()
  })
})

describe('formatTimestamp', () => {
  test.each([
    [Date.UTC(2026, 0, 5, 1, 2, 3, 456), '2026-01-05T01:02:03Z'],
    [Date.UTC(2026, 0, 5), '2026-01-05T00:00:00Z'],
    [0, '1970-01-01T00:00:00Z'],
    [iso('2026-01-05T10:00:00+02:00'), '2026-01-05T08:00:00Z']
  ])('%i → %s', (ms, s) => {
    expect(formatTimestamp(ms)).toBe(s)
  })

  test('property: formats what parseTimestamp reads back, to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: iso('9999-12-31T23:59:59Z') }), (ms) => {
        const s = formatTimestamp(ms)
        expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
        expect(parseTimestamp(s)).toBe(ms - (ms % 1000))
      })
    )
  })
})

describe('dates', () => {
  test.each([
    ['2026-01-05', Date.UTC(2026, 0, 5)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2026-02-30', null],
    ['2026-1-5', null],
    ['2026-01-05T00:00:00Z', null],
    ['', null]
  ])('parseDate(%j) is %s', (s, ms) => {
    expect(parseDate(s)).toBe(ms)
  })

  test.each([
    ['2026-01-05T00:00:00Z', '2026-01-05'],
    ['2026-01-05T23:59:59.999Z', '2026-01-05'],
    ['2026-01-06T01:00:00+02:00', '2026-01-05']
  ])('utcDay(%s) is %s', (at, day) => {
    expect(utcDay(iso(at))).toBe(day)
  })

  test('MINUTE is 60 000 ms', () => {
    expect(MINUTE).toBe(60_000)
  })
})
