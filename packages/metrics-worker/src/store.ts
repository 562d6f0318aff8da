// D1: the statements that store an upload and answer the reads.

import { RUN_COLUMNS, RUN_STATEMENTS, uploadStatements } from './sql.js'
import type { BatchUpload, RatesQuery, ResultKind } from './validate.js'

export interface Stored {
  batch_run_id: number
  results: number
  /** An earlier upload of the same batch and ecosystem was replaced. */
  replaced: boolean
}

/** Stores one upload atomically (one D1 batch); throws when D1 refuses any statement, and then nothing is stored. */
export async function storeUpload(db: D1Database, u: BatchUpload): Promise<Stored> {
  const statements = uploadStatements(u)
  const done = await db.batch<{ id: number }>(statements.map((s) => db.prepare(s.sql).bind(...s.params)))
  const id = done[2]?.results[0]?.id
  if (typeof id !== 'number') throw new Error('the run insert returned no id')
  const results = done.slice(RUN_STATEMENTS).reduce((n, r) => n + (r.meta.changes ?? 0), 0)
  return { batch_run_id: id, results, replaced: (done[1]?.meta.changes ?? 0) > 0 }
}

/** A stored run: the upload's columns and the run's id. */
export type RunRow = Omit<BatchUpload, 'results'> & { batch_run_id: number }

const RUN_SELECT = `SELECT id AS batch_run_id, ${RUN_COLUMNS} FROM batch_runs`

/** Runs of one ecosystem, oldest first (by started_at, then id), at most `limit`; `truncated` when there were more. */
export async function ratesOf(db: D1Database, q: RatesQuery): Promise<{ runs: RunRow[]; truncated: boolean }> {
  const where = ['ecosystem = ?']
  const params: Array<string | number> = [q.ecosystem]
  if (q.since !== null) {
    where.push('started_at >= ?')
    params.push(q.since)
  }
  if (q.until !== null) {
    where.push('started_at < ?')
    params.push(q.until)
  }
  params.push(q.limit + 1)
  const { results } = await db
    .prepare(`${RUN_SELECT} WHERE ${where.join(' AND ')} ORDER BY started_at, id LIMIT ?`)
    .bind(...params)
    .all<RunRow>()
  return { runs: results.slice(0, q.limit), truncated: results.length > q.limit }
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
