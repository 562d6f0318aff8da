// Batch IDs `YYYY-MM-DD-NNN` from the counter in the control file (docs/contract.md §4 rule 5).

import type { BatchSequence } from './control/model.js'
import { parseDate, utcDay } from './time.js'

export const BATCH_ID_FORMAT = /^\d{4}-\d{2}-\d{2}-\d{3}$/
export const MAX_BATCHES_PER_DAY = 999

export type Allocation =
  | { ok: true; id: string; sequence: BatchSequence }
  | { ok: false; reason: string }

/** How far ahead of this run's clock the counter's day may be (another runner's clock, or a run that crossed midnight first). */
const MAX_DAYS_AHEAD = 1
const DAY_MS = 86_400_000

/**
 * The next ID: one more than the counter, from 001. The day is the UTC day of
 * `now`, or the counter's day when that is later: a run whose clock is behind
 * (another runner's, or its own read before midnight and re-applied after a
 * rival allocated the next day's first ID) continues that day's sequence, so
 * the counter never goes backwards and no ID is handed out twice.
 */
export function allocateBatchId(sequence: BatchSequence | undefined, now: number): Allocation {
  const today = utcDay(now)
  const counterDay = sequence?.date ?? ''
  if (counterDay > today) {
    const ahead = (parseDate(counterDay) ?? now) - (parseDate(today) ?? now)
    if (ahead > MAX_DAYS_AHEAD * DAY_MS) {
      return {
        ok: false,
        reason: `batch_sequence.date ${counterDay} is more than a day ahead of this run's clock (${today}); no batch ID is handed out. Check the runner's clock, or correct batch_sequence in the control file with batch-control.`
      }
    }
  }
  const date = counterDay > today ? counterDay : today
  const last = sequence && sequence.date === date ? sequence.last : 0
  if (last >= MAX_BATCHES_PER_DAY) {
    return { ok: false, reason: `all ${MAX_BATCHES_PER_DAY} batch IDs for ${date} are used; the next one is available after 00:00 UTC` }
  }
  const next = last + 1
  return { ok: true, id: `${date}-${String(next).padStart(3, '0')}`, sequence: { date, last: next } }
}
