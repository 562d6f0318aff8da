// Retention (the design keeps metrics for 90 days): the cron trigger's
// scheduled() deletes the runs that started more than RETENTION_DAYS before the
// trigger fired, with their results, oldest first, in bounded chunks.
//
// Each chunk is one D1 batch, so one transaction: the results of its runs, then
// the runs. A chunk that fails (or an invocation that stops between chunks)
// leaves the chunks before it deleted whole and the rest untouched whole: never
// a result without its run (D1 enforces the foreign key as well), never a run
// with part of its results.

import { oldRunsStatement, pruneStatements } from './sql.js'
import { isoSeconds } from './validate.js'

export interface RetentionEnv {
  /** Days a run is kept, counted from its started_at; default 90. */
  RETENTION_DAYS?: string
  /** Runs per chunk; default 500. */
  RETENTION_CHUNK_RUNS?: string
  /** Chunks per invocation; default 10. */
  RETENTION_MAX_CHUNKS?: string
}

export const RETENTION = {
  days: 90,
  chunkRuns: 500,
  /**
   * A chunk also stops before its results pass this many (a run always goes in
   * whole, and one run has at most 50,000): it keeps each transaction short.
   */
  chunkResults: 100_000,
  /**
   * Each chunk is three D1 queries (the pick and the two deletes), so the
   * default of 10 chunks (30 queries) is within the 50 queries an invocation may
   * make on the Free plan; the 100 allowed at most (300) within the Paid plan's 1,000.
   */
  maxChunks: 10
} as const

export interface RetentionSettings {
  days: number
  chunkRuns: number
  maxChunks: number
}

/** A positive integer setting within [1, max], its default when unset. */
function setting(name: string, raw: string | undefined, fallback: number, max: number): number | string {
  if (raw === undefined) return fallback
  const v = raw.trim()
  if (!/^[1-9]\d*$/.test(v) || Number(v) > max) return `${name} must be a whole number from 1 to ${max} (found ${JSON.stringify(raw)})`
  return Number(v)
}

/** The settings, or why they are refused: a retention of 0 or nonsense days must not delete anything. */
export function retentionSettings(env: RetentionEnv): RetentionSettings | { error: string } {
  const days = setting('RETENTION_DAYS', env.RETENTION_DAYS, RETENTION.days, 36_500)
  const chunkRuns = setting('RETENTION_CHUNK_RUNS', env.RETENTION_CHUNK_RUNS, RETENTION.chunkRuns, 1_000)
  const maxChunks = setting('RETENTION_MAX_CHUNKS', env.RETENTION_MAX_CHUNKS, RETENTION.maxChunks, 100)
  for (const v of [days, chunkRuns, maxChunks]) if (typeof v === 'string') return { error: v }
  return { days: days as number, chunkRuns: chunkRuns as number, maxChunks: maxChunks as number }
}

/** The runs of the next chunk: the oldest first, up to chunkRuns and RETENTION.chunkResults results (at least one run). */
export function pickChunk(candidates: ReadonlyArray<{ id: number; results: number }>, chunkRuns: number): number[] {
  const ids: number[] = []
  let results = 0
  for (const c of candidates.slice(0, chunkRuns)) {
    if (ids.length > 0 && results + c.results > RETENTION.chunkResults) break
    ids.push(c.id)
    results += c.results
  }
  return ids
}

export interface Pruned {
  cutoff: string
  runs: number
  results: number
  chunks: number
  /** Old runs are left for the next trigger (the chunk limit was reached). */
  more: boolean
}

/** Deletes the runs that started before `now` minus the retention, chunk by chunk; throws on the first chunk D1 refuses. */
export async function pruneOldRuns(db: D1Database, now: number, s: RetentionSettings): Promise<Pruned> {
  const cutoff = isoSeconds(now - s.days * 86_400_000)
  const out: Pruned = { cutoff, runs: 0, results: 0, chunks: 0, more: false }
  for (;;) {
    if (out.chunks === s.maxChunks) {
      out.more = (await db.prepare('SELECT 1 FROM batch_runs WHERE started_at < ? LIMIT 1').bind(cutoff).first()) !== null
      return out
    }
    const pick = oldRunsStatement(cutoff, s.chunkRuns)
    const { results: candidates } = await db
      .prepare(pick.sql)
      .bind(...pick.params)
      .all<{ id: number; results: number }>()
    const ids = pickChunk(candidates, s.chunkRuns)
    if (ids.length === 0) return out
    const [results, runs] = await db.batch(pruneStatements(ids, cutoff).map((st) => db.prepare(st.sql).bind(...st.params)))
    out.results += results?.meta.changes ?? 0
    out.runs += runs?.meta.changes ?? 0
    out.chunks++
    // Fewer old runs than a chunk holds, all taken: nothing older is left.
    if (candidates.length < s.chunkRuns && ids.length === candidates.length) return out
  }
}
