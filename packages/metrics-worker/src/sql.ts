// The SQL of the Worker: pure (no Workers API), so it is unit-tested in Node.

import type { Cursor } from './cursor.js'
import type { BatchUpload, RatesQuery, ResultRow } from './validate.js'

/** D1 binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMETERS = 100
/**
 * The results go in as JSON text, one bound parameter per chunk, unpacked by
 * json_each: four parameters per statement whatever the count, and few
 * statements (D1 allows 1,000 queries per Worker invocation on the Paid plan,
 * 50 on Free). A chunk stays well under D1's 2,000,000-byte limit on a value.
 */
export const MAX_CHUNK_BYTES = 1_000_000

export const RUN_COLUMNS = 'batch_id, ecosystem, started_at, completed_at, total_recipes, passed, failed, skipped, success_rate, macos_minutes, linux_minutes'
const UPDATED_COLUMNS = RUN_COLUMNS.split(', ').filter((c) => c !== 'batch_id' && c !== 'ecosystem')

export interface Statement {
  sql: string
  params: Array<string | number | null>
}

/** The statements before the results inserts: the read of the stored run, the run's upsert, the delete of its results. */
export const RUN_STATEMENTS = 3
/** Which of them answers what. */
export const PRIOR_STATEMENT = 0
export const UPSERT_STATEMENT = 1

/**
 * The statements that store one upload, to run in ONE batch (one transaction),
 * so that the check (is the upload at least as new as the stored run?) and the
 * write cannot be separated by another upload of the same (batch_id, ecosystem):
 *
 * 0. the stored run, if any (its id and completed_at, for the answer);
 * 1. the run's upsert: inserted, or the stored run updated in place (it keeps
 *    its id) when the upload's completed_at is at least the stored one's (no
 *    completed_at counts as the oldest) or `replace` is set; otherwise nothing,
 *    and RETURNING returns no row;
 * 2. the delete of the run's results, and
 * 3… the inserts of the upload's results (at most MAX_CHUNK_BYTES of JSON each),
 *    both only if the run now has the upload's completed_at, which is the case
 *    exactly when statement 1 wrote it: a refused upload is strictly older than
 *    the stored run, so their completed_at differ.
 */
export function uploadStatements(u: BatchUpload, replace = false): Statement[] {
  const key = [u.batch_id, u.ecosystem]
  const written = 'batch_id = ? AND ecosystem = ? AND completed_at IS ?'
  const out: Statement[] = [
    { sql: 'SELECT id, completed_at FROM batch_runs WHERE batch_id = ? AND ecosystem = ?', params: key },
    {
      sql:
        `INSERT INTO batch_runs (${RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ` +
        `ON CONFLICT (batch_id, ecosystem) DO UPDATE SET ${UPDATED_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')} ` +
        "WHERE ? = 1 OR coalesce(excluded.completed_at, '') >= coalesce(batch_runs.completed_at, '') " +
        'RETURNING id',
      params: [u.batch_id, u.ecosystem, u.started_at, u.completed_at, u.total_recipes, u.passed, u.failed, u.skipped, u.success_rate, u.macos_minutes, u.linux_minutes, replace ? 1 : 0]
    },
    { sql: `DELETE FROM recipe_results WHERE batch_run_id IN (SELECT id FROM batch_runs WHERE ${written})`, params: [...key, u.completed_at] }
  ]
  for (const chunk of chunks(u.results ?? [])) out.push(resultsInsert(chunk, [...key, u.completed_at]))
  return out
}

const ASCII = /^[\x00-\x7f]*$/

/** The length of `s` in UTF-8, without encoding it (an encoded copy per row would be garbage the size of the upload). */
export function utf8Length(s: string): number {
  if (ASCII.test(s)) return s.length
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4 // a surrogate pair: one character of four bytes
      i++
    } else n += 3
  }
  return n
}

/** Rows as compact JSON arrays, grouped so that each group's JSON stays under MAX_CHUNK_BYTES. */
export function chunks(rows: readonly ResultRow[]): string[] {
  const out: string[] = []
  let parts: string[] = []
  let bytes = 2
  for (const r of rows) {
    const json = JSON.stringify([r.recipe_name, r.ecosystem, r.result, r.error_category, r.error_message, r.duration_seconds])
    const size = utf8Length(json) + 1
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

function resultsInsert(chunk: string, written: ReadonlyArray<string | null>): Statement {
  // The run (one row, by its unique key, and only if the upsert wrote it) is the
  // outer loop and json_each walks the array in order, so the rows are inserted
  // in the order they were sent.
  const col = (i: number): string => `json_extract(j.value, '$[${i}]')`
  return {
    sql:
      'INSERT INTO recipe_results (batch_run_id, recipe_name, ecosystem, result, error_category, error_message, duration_seconds) ' +
      `SELECT r.id, ${[0, 1, 2, 3, 4, 5].map(col).join(', ')} ` +
      'FROM batch_runs AS r CROSS JOIN json_each(?) AS j WHERE r.batch_id = ? AND r.ecosystem = ? AND r.completed_at IS ? ORDER BY j.key',
    params: [chunk, ...written]
  }
}

export const RUN_SELECT = `SELECT id AS batch_run_id, ${RUN_COLUMNS} FROM batch_runs`

/**
 * One page of an ecosystem's runs: in `order` by (started_at, id), after the
 * cursor's key, at most limit + 1 rows (the extra one says there is a next page).
 * The index on (ecosystem, started_at), which holds the rowid (id) after
 * started_at, serves both the filter and the order: no sort, in either direction.
 */
export function ratesStatement(q: RatesQuery): Statement {
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
  const after = (c: Cursor): void => {
    where.push(`(started_at, id) ${q.order === 'desc' ? '<' : '>'} (?, ?)`)
    params.push(c.started_at, c.id)
  }
  if (q.cursor !== null) after(q.cursor)
  params.push(q.limit + 1)
  const dir = q.order === 'desc' ? ' DESC' : ''
  return { sql: `${RUN_SELECT} WHERE ${where.join(' AND ')} ORDER BY started_at${dir}, id${dir} LIMIT ?`, params }
}

// ---------------------------------------------------------------------------
// retention

/**
 * The oldest runs that started before the cutoff, each with its number of
 * results, for the next retention chunk (retention.ts picks from them).
 */
export function oldRunsStatement(cutoff: string, runs: number): Statement {
  return {
    sql:
      'SELECT r.id, (SELECT COUNT(*) FROM recipe_results WHERE batch_run_id = r.id) AS results ' +
      'FROM batch_runs AS r WHERE r.started_at < ? ORDER BY r.started_at, r.id LIMIT ?',
    params: [cutoff, runs]
  }
}

/**
 * The delete of one retention chunk, to run in ONE batch: the results of the
 * given runs, then the runs, each statement re-checking that the run still
 * started before the cutoff (an upload may have re-dated it since it was
 * picked). Both statements see the same runs (the first does not change
 * batch_runs), so a run goes exactly when its results go, in one transaction.
 */
export function pruneStatements(ids: readonly number[], cutoff: string): Statement[] {
  const list = JSON.stringify(ids)
  const runs = 'SELECT id FROM batch_runs WHERE id IN (SELECT value FROM json_each(?)) AND started_at < ?'
  return [
    { sql: `DELETE FROM recipe_results WHERE batch_run_id IN (${runs})`, params: [list, cutoff] },
    { sql: `DELETE FROM batch_runs WHERE id IN (${runs})`, params: [list, cutoff] }
  ]
}
