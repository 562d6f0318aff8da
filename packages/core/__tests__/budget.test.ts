import { describe, test, expect } from '@jest/globals'
import { type Budget, describeUsage, evaluateBudget, percent, rollBudgetWeek } from '@batch-ops/core'
import { iso } from './helpers.js'

const NOW = iso('2026-01-07T12:00:00Z') // a Wednesday
const MONDAY = '2026-01-05T00:00:00Z'
const LIMITS = { macos: 1000, linux: 5000 }
const THRESHOLDS = { sampling: 0.8, pause: 0.95 }

describe('rollBudgetWeek', () => {
  const used = { macos_minutes_used: 500, linux_minutes_used: 300, sampling_active: true }

  test.each<[string, Budget | undefined]>([
    ['no budget at all', undefined],
    ['an empty week_start', { ...used, week_start: '' }],
    ['no week_start', { ...used }],
    ['last week (timestamp)', { ...used, week_start: '2025-12-29T00:00:00Z' }],
    ['last week (date)', { ...used, week_start: '2025-12-29' }],
    ['the Sunday before (date)', { ...used, week_start: '2026-01-04' }],
    ['one second before this week', { ...used, week_start: '2026-01-04T23:59:59Z' }],
    ['one hour before this week, written with an offset', { ...used, week_start: '2026-01-05T01:00:00+02:00' }],
    ['an unreadable week_start', { ...used, week_start: 'soon' }]
  ])('resets for %s', (_name, budget) => {
    const before = structuredClone(budget)
    const { budget: next, reset } = rollBudgetWeek(budget, NOW)
    expect(reset).toBe(true)
    expect(next).toEqual({ macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false })
    expect(budget).toEqual(before)
  })

  test.each<[string, string]>([
    ['this Monday as a date', '2026-01-05'],
    ['this Monday as a timestamp', MONDAY],
    ['this Monday written with an offset', '2026-01-05T02:00:00+02:00'],
    ['later this week', '2026-01-06T08:00:00Z']
  ])('keeps the budget for %s', (_name, week_start) => {
    const budget: Budget = { ...used, week_start }
    const result = rollBudgetWeek(budget, NOW)
    expect(result.reset).toBe(false)
    expect(result.budget).toBe(budget)
    expect(result.budget).toEqual({ ...used, week_start })
  })

  test('a reset zeroes windows minutes when the file has them, and keeps unknown fields', () => {
    const { budget } = rollBudgetWeek(
      { macos_minutes_used: 1, linux_minutes_used: 2, windows_minutes_used: 3, week_start: '2025-12-29', sampling_active: true, note: 'x' },
      NOW
    )
    expect(budget).toEqual({ macos_minutes_used: 0, linux_minutes_used: 0, windows_minutes_used: 0, week_start: MONDAY, sampling_active: false, note: 'x' })
  })

  test('a reset does not add windows minutes to a file without them', () => {
    expect(rollBudgetWeek({ week_start: '' }, NOW).budget).not.toHaveProperty('windows_minutes_used')
  })

  test('at Monday 00:00 exactly, last week ends', () => {
    const budget: Budget = { ...used, week_start: MONDAY }
    expect(rollBudgetWeek(budget, iso('2026-01-11T23:59:59Z')).reset).toBe(false)
    const next = rollBudgetWeek(budget, iso('2026-01-12T00:00:00Z'))
    expect(next.reset).toBe(true)
    expect(next.budget.week_start).toBe('2026-01-12T00:00:00Z')
  })
})

describe('evaluateBudget', () => {
  test.each<[string, Budget, boolean, boolean, string]>([
    ['nothing used', {}, false, false, 'macOS 0/1000 min (0%)'],
    ['macOS 79.9%', { macos_minutes_used: 799 }, false, false, 'macOS 799/1000 min (79.9%)'],
    ['macOS 80%', { macos_minutes_used: 800 }, true, false, 'macOS 800/1000 min (80%)'],
    ['macOS 94.9%', { macos_minutes_used: 949 }, true, false, 'macOS 949/1000 min (94.9%)'],
    ['macOS 95%', { macos_minutes_used: 950 }, true, true, 'macOS 950/1000 min (95%)'],
    ['macOS 100%', { macos_minutes_used: 1000 }, true, true, 'macOS 1000/1000 min (100%)'],
    ['macOS over', { macos_minutes_used: 1500 }, true, true, 'macOS 1500/1000 min (150%)'],
    ['Linux 79.9%', { linux_minutes_used: 3995 }, false, false, 'Linux 3995/5000 min (79.9%)'],
    ['Linux 80%', { linux_minutes_used: 4000 }, true, false, 'Linux 4000/5000 min (80%)'],
    ['Linux 94.9%', { linux_minutes_used: 4745 }, true, false, 'Linux 4745/5000 min (94.9%)'],
    ['Linux 95%', { linux_minutes_used: 4750 }, true, true, 'Linux 4750/5000 min (95%)'],
    ['Linux 100%', { linux_minutes_used: 5000 }, true, true, 'Linux 5000/5000 min (100%)'],
    ['Windows minutes count against Linux (80%)', { linux_minutes_used: 3000, windows_minutes_used: 1000 }, true, false, 'Linux 4000/5000 min (80%)'],
    ['Windows alone at 95%', { windows_minutes_used: 4750 }, true, true, 'Linux 4750/5000 min (95%)'],
    ['the worse OS decides', { macos_minutes_used: 500, linux_minutes_used: 4800 }, true, true, 'Linux 4800/5000 min (96%)']
  ])('%s', (_name, budget, sampling, pause, worst) => {
    const verdict = evaluateBudget(budget, LIMITS, THRESHOLDS)
    expect(verdict.sampling).toBe(sampling)
    expect(verdict.pause).toBe(pause)
    expect(describeUsage(verdict.worst)).toBe(worst)
    expect(verdict.usage.map((u) => u.os)).toEqual(['macOS', 'Linux'])
  })

  test('a limit of 0: nothing used is fine, anything used pauses', () => {
    const zero = { macos: 0, linux: 5000 }
    const idle = evaluateBudget({ macos_minutes_used: 0 }, zero, THRESHOLDS)
    expect(idle.usage[0]!.fraction).toBe(0)
    expect(idle.pause).toBe(false)
    expect(idle.sampling).toBe(false)
    const used = evaluateBudget({ macos_minutes_used: 1 }, zero, THRESHOLDS)
    expect(used.usage[0]!.fraction).toBe(Infinity)
    expect(used.pause).toBe(true)
    expect(used.worst.os).toBe('macOS')
    expect(describeUsage(used.worst)).toBe('macOS 1/0 min (∞%)')
  })

  test('custom thresholds', () => {
    const v = evaluateBudget({ macos_minutes_used: 500 }, LIMITS, { sampling: 0.5, pause: 0.6 })
    expect([v.sampling, v.pause]).toEqual([true, false])
    expect(evaluateBudget({ macos_minutes_used: 600 }, LIMITS, { sampling: 0.5, pause: 0.6 }).pause).toBe(true)
  })

  test.each([
    [0, '0%'],
    [0.8, '80%'],
    [0.949, '94.9%'],
    [0.12345, '12.3%'],
    [1.5, '150%'],
    [Infinity, '∞%']
  ])('percent(%d) is %s', (f, s) => {
    expect(percent(f)).toBe(s)
  })
})
