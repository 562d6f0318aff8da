// D1: the statements that store an upload and answer the reads.

import { encodeCursor } from './cursor.js'
import { PRIOR_STATEMENT, RUN_SELECT, RUN_STATEMENTS, UPSERT_STATEMENT, ratesStatement, uploadStatements } from './sql.js'
import type { BatchUpload, RatesQuery, ResultKind } from './validate.js'

export type StoreOutcome =
  | {
      stored: true
      batch_run_id: number
      results: number
      /** An earlier upload of the same batch and ecosystem was replaced. */
      replaced: boolean
    }
  | {
      /** A newer upload of the same batch and ecosystem is stored; nothing changed. */
      stored: false
      batch_run_id: number
      stored_completed_at: string | null
    }

/**
 * Stores one upload atomically (one D1 batch, one transaction), unless the stored
 * run of the same batch and ecosystem is newer (by completed_at) and `replace` is
 * not set; throws when D1 refuses any statement, and then nothing is stored.
 */
export async function storeUpload(db: D1Database, u: BatchUpload, replace = false): Promise<StoreOutcome> {
  const statements = uploadStatements(u, replace)
  const done = await db.batch<Record<string, unknown>>(statements.map((s) => db.prepare(s.sql).bind(...s.params)))
  const prior = done[PRIOR_STATEMENT]?.results[0] as { id: number; completed_at: string | null } | undefined
  const id = (done[UPSERT_STATEMENT]?.results[0] as { id?: unknown } | undefined)?.id
  if (typeof id === 'number') {
    const results = done.slice(RUN_STATEMENTS).reduce((n, r) => n + (r.meta.changes ?? 0), 0)
    return { stored: true, batch_run_id: id, results, replaced: prior !== undefined }
  }
  if (!prior) throw new Error('the run upsert wrote nothing, and there was no stored run')
  return { stored: false, batch_run_id: prior.id, stored_completed_at: prior.completed_at }
}

/** A stored run: the upload's columns and the run's id. */
export type RunRow = Omit<BatchUpload, 'results'> & { batch_run_id: number }

/** One page of an ecosystem's runs, in the query's order; next_cursor when there are more. */
export async function ratesOf(db: D1Database, q: RatesQuery): Promise<{ runs: RunRow[]; next_cursor: string | null }> {
  const s = ratesStatement(q)
  const { results } = await db
    .prepare(s.sql)
    .bind(...s.params)
    .all<RunRow>()
  const runs = results.slice(0, q.limit)
  const last = runs.at(-1)
  const next_cursor = results.length > q.limit && last ? encodeCursor({ order: q.order, started_at: last.started_at, id: last.batch_run_id }) : null
  return { runs, next_cursor }
}

export interface RunWithResults extends RunRow {
  /** The results stored for the run, by kind. */
  stored_results: Record<ResultKind, number> & { total: number }
}

/** The runs of one batch, one per ecosystem, with the stored results counted by kind; read in one batch (one snapshot). */
export async function runsOf(db: D1Database, batchId: string): Promise<RunWithResults[]> {
  const [runs, tallies] = await db.batch<Record<string, unknown>>([
    db.prepare(`${RUN_SELECT} WHERE batch_id = ? ORDER BY ecosystem, id`).bind(batchId),
    db
      .prepare(
        'SELECT batch_run_id, result, COUNT(*) AS n FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE batch_id = ?) GROUP BY batch_run_id, result'
      )
      .bind(batchId)
  ])
  const byRun = new Map<number, RunWithResults['stored_results']>()
  for (const t of (tallies?.results ?? []) as Array<{ batch_run_id: number; result: string; n: number }>) {
    let s = byRun.get(t.batch_run_id)
    if (!s) byRun.set(t.batch_run_id, (s = { passed: 0, failed: 0, skipped: 0, blocked: 0, total: 0 }))
    if (t.result in s && t.result !== 'total') s[t.result as ResultKind] += t.n
    s.total += t.n
  }
  return ((runs?.results ?? []) as unknown as RunRow[]).map((r) => ({
    ...r,
    stored_results: byRun.get(r.batch_run_id) ?? { passed: 0, failed: 0, skipped: 0, blocked: 0, total: 0 }
  }))
}
