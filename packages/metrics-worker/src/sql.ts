// The SQL that stores an upload: pure (no Workers API), so it is unit-tested in Node.

import type { BatchUpload, ResultRow } from './validate.js'

/** D1 binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMETERS = 100
/**
 * The results go in as JSON text, one bound parameter per chunk, unpacked by
 * json_each: three parameters per statement whatever the count, and few
 * statements (D1 allows 1,000 queries per Worker invocation on the Paid plan,
 * 50 on Free). A chunk stays well under D1's 2,000,000-byte limit on a value.
 */
export const MAX_CHUNK_BYTES = 1_000_000

export const RUN_COLUMNS = 'batch_id, ecosystem, started_at, completed_at, total_recipes, passed, failed, skipped, success_rate, macos_minutes, linux_minutes'

export interface Statement {
  sql: string
  params: Array<string | number | null>
}

/** The statements before the results inserts: two deletes and the run insert. */
export const RUN_STATEMENTS = 3

/**
 * The statements that store one upload, to run in ONE batch (one transaction):
 * the earlier run of the same (batch_id, ecosystem) and its results are deleted,
 * then the run is inserted (returning its id) and its results, at most
 * RESULTS_PER_INSERT rows (MAX_BOUND_PARAMETERS parameters) per statement. Each
 * results insert finds the new run's id by its key, so no statement depends on
 * an id the Worker would have to read first.
 */
export function uploadStatements(u: BatchUpload): Statement[] {
  const key = [u.batch_id, u.ecosystem]
  const out: Statement[] = [
    { sql: 'DELETE FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE batch_id = ? AND ecosystem = ?)', params: key },
    { sql: 'DELETE FROM batch_runs WHERE batch_id = ? AND ecosystem = ?', params: key },
    {
      sql: `INSERT INTO batch_runs (${RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      params: [u.batch_id, u.ecosystem, u.started_at, u.completed_at, u.total_recipes, u.passed, u.failed, u.skipped, u.success_rate, u.macos_minutes, u.linux_minutes]
    }
  ]
  for (const chunk of chunks(u.results ?? [])) out.push(resultsInsert(chunk, key))
  return out
}

/** Rows as compact JSON arrays, grouped so that each group's JSON stays under MAX_CHUNK_BYTES. */
export function chunks(rows: readonly ResultRow[]): string[] {
  const out: string[] = []
  let parts: string[] = []
  let bytes = 2
  for (const r of rows) {
    const json = JSON.stringify([r.recipe_name, r.ecosystem, r.result, r.error_category, r.error_message, r.duration_seconds])
    const size = new TextEncoder().encode(json).length + 1
    if (parts.length > 0 && bytes + size > MAX_CHUNK_BYTES) {
      out.push(`[${parts.join(',')}]`)
      parts = []
      bytes = 2
    }
    parts.push(json)
    bytes += size
  }
  if (parts.length > 0) out.push(`[${parts.join(',')}]`)
  return out
}

function resultsInsert(chunk: string, key: readonly string[]): Statement {
  // The run (one row, by its unique key) is the outer loop and json_each walks the
  // array in order, so the rows are inserted in the order they were sent.
  const col = (i: number): string => `json_extract(j.value, '$[${i}]')`
  return {
    sql:
      'INSERT INTO recipe_results (batch_run_id, recipe_name, ecosystem, result, error_category, error_message, duration_seconds) ' +
      `SELECT r.id, ${[0, 1, 2, 3, 4, 5].map(col).join(', ')} ` +
      'FROM batch_runs AS r CROSS JOIN json_each(?) AS j WHERE r.batch_id = ? AND r.ecosystem = ? ORDER BY j.key',
    params: [chunk, ...key]
  }
}
