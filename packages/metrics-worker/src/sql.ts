// The SQL that stores an upload: pure (no Workers API), so it is unit-tested in Node.

import type { BatchUpload, ResultRow } from './validate.js'

/** D1 binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMETERS = 100
const RESULT_COLUMNS = 6
/** The run's key (batch_id, ecosystem) takes two parameters of each results insert. */
export const RESULTS_PER_INSERT = Math.floor((MAX_BOUND_PARAMETERS - 2) / RESULT_COLUMNS)

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
  const rows = u.results ?? []
  for (let i = 0; i < rows.length; i += RESULTS_PER_INSERT) out.push(resultsInsert(rows.slice(i, i + RESULTS_PER_INSERT), key))
  return out
}

function resultsInsert(rows: readonly ResultRow[], key: readonly string[]): Statement {
  // CROSS JOIN keeps the run (one row, by the unique key) as the outer loop,
  // so the rows are inserted in the order they were sent.
  const values = rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')
  return {
    sql:
      'INSERT INTO recipe_results (batch_run_id, recipe_name, ecosystem, result, error_category, error_message, duration_seconds) ' +
      'SELECT r.id, v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 ' +
      `FROM batch_runs AS r CROSS JOIN (VALUES ${values}) AS v WHERE r.batch_id = ? AND r.ecosystem = ?`,
    params: [...rows.flatMap((r) => [r.recipe_name, r.ecosystem, r.result, r.error_category, r.error_message, r.duration_seconds]), ...key]
  }
}
