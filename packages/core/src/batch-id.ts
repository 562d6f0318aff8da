// Batch IDs `YYYY-MM-DD-NNN` from the counter in the control file (docs/contract.md §4 rule 5).

import type { BatchSequence } from './control/model.js'
import { utcDay } from './time.js'

export const BATCH_ID_FORMAT = /^\d{4}-\d{2}-\d{2}-\d{3}$/
export const MAX_BATCHES_PER_DAY = 999

export type Allocation =
  | { ok: true; id: string; sequence: BatchSequence }
  | { ok: false; reason: string }

/** The next ID for the UTC day of `now`: one more than the counter that day, from 001. */
export function allocateBatchId(sequence: BatchSequence | undefined, now: number): Allocation {
  const date = utcDay(now)
  const last = sequence && sequence.date === date ? sequence.last : 0
  if (last >= MAX_BATCHES_PER_DAY) {
    return { ok: false, reason: `all ${MAX_BATCHES_PER_DAY} batch IDs for ${date} are used; the next one is available after 00:00 UTC` }
  }
  const next = last + 1
  return { ok: true, id: `${date}-${String(next).padStart(3, '0')}`, sequence: { date, last: next } }
}
