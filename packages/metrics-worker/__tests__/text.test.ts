// Text is stored as sent, or refused: a string that is not well-formed Unicode
// (a lone surrogate, which JSON can carry as a \uD800 escape) or that holds a
// NUL is a 400 naming the field; everything else comes back byte for byte.

import { type LocalWorker, type Row, body, rows, startWorker, storedResults } from './local-worker.js'

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

let batches = 0
const freshBatch = (): string => `2026-09-01-${String(++batches).padStart(3, '0')}`

/** Four results, the fourth (index 3) failed with `patch` applied. */
function withRow(patch: Partial<Row> & Record<string, unknown>, i = 3): Record<string, unknown> {
  const results = rows(4, 'homebrew', ['passed', 'passed', 'passed', 'failed'])
  results[i] = { ...results[i]!, ...patch } as Row
  return body(results, { batch_id: freshBatch() })
}

test.each<[string, Partial<Row> & Record<string, unknown>, number, RegExp]>([
  ['a lone high surrogate in an error message', { error_message: 'checksum \uD800 mismatch' }, 3, /^results\[3\]\.error_message is not well-formed Unicode \(a lone surrogate at index 9, U\+D800\)/],
  ['a lone low surrogate ending a recipe name', { recipe_name: 'fd\uDC00' }, 1, /^results\[1\]\.recipe_name is not well-formed Unicode \(a lone surrogate at index 2, U\+DC00\)/],
  ['a surrogate pair the wrong way round', { error_category: '\uDE00\uD83D' }, 3, /^results\[3\]\.error_category is not well-formed Unicode/],
  ['a NUL inside an error message', { error_message: 'exit 2\u0000hidden' }, 3, /^results\[3\]\.error_message contains a NUL \(U\+0000\) at index 6/],
  ['a NUL ending a recipe name', { recipe_name: 'jq\u0000' }, 0, /^results\[0\]\.recipe_name contains a NUL/],
  ['a NUL in a platform', { platform: 'linux\u0000' }, 2, /^results\[2\]\.platform contains a NUL/]
])('%s: 400 naming the field, nothing stored', async (_, patch, i, reason) => {
  const b = withRow(patch, i)
  const r = await w.request('POST', '/batch-metrics', { body: b })
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(reason)
  expect(await storedResults(w.db, b.batch_id as string, 'homebrew')).toEqual([])
})

test('well-formed text of every kind comes back exactly as sent', async () => {
  const texts = [
    'emoji 🦀 (a surrogate pair), CJK 漢字, combining é, RTL עברית',
    'controls other than NUL: tab\tnewline\ncr\r\u0001\u001f, quotes " \' and a backslash \\',
    '\uFFFD the replacement character itself, \uFEFF a BOM, U+10FFFF \u{10FFFF}',
    `${'€'.repeat(2_000)}🦀`
  ]
  const results = texts.map((t, i): Row => ({ recipe_name: `r-${i}-${t.slice(0, 20)}`, ecosystem: 'homebrew', result: 'failed', error_category: t.slice(0, 100), error_message: t, duration_seconds: i }))
  const b = body(results, { batch_id: freshBatch() })
  const r = await w.request('POST', '/batch-metrics', { body: b })
  expect(r.status).toBe(201)
  const back = await storedResults(w.db, b.batch_id as string, 'homebrew')
  expect(back).toEqual(results)
  // And SQLite sees the whole of each string (nothing hidden after a NUL).
  const lengths = await w.db
    .prepare('SELECT length(error_message) AS n FROM recipe_results WHERE batch_run_id = (SELECT id FROM batch_runs WHERE batch_id = ?) ORDER BY id')
    .bind(b.batch_id as string)
    .all<{ n: number }>()
  expect(lengths.results.map((x) => x.n)).toEqual(texts.map((t) => [...t].length))
})
