// The metrics Worker on a real local D1: Miniflare runs workerd, whose D1 is
// SQLite, in memory. The Worker's TypeScript is transpiled module by module
// (as wrangler would bundle it) and the migrations are applied the way
// `wrangler d1 migrations apply` does: in file-name order, each file once, with
// its name recorded in d1_migrations.
//
// Everything listens on 127.0.0.1 only; nothing here touches the network.

import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import ts from 'typescript'

/** packages/metrics-worker */
export const workerRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const TOKEN = 'mtok-LOCAL-test-secret-0123456789abcdef'
/** A read-only token (METRICS_READ_TOKEN) for the tests that give the Worker one. */
export const READ_TOKEN = 'mtok-LOCAL-read-only-fedcba9876543210'

type D1 = Awaited<ReturnType<Miniflare['getD1Database']>>

export interface LocalWorker {
  mf: Miniflare
  /** http://127.0.0.1:<port> (no trailing slash): what record-batch's metrics-url would be. */
  url: string
  db: D1
  /** A request to the Worker, with the token unless `token: null`. */
  request(method: string, pathname: string, o?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<WorkerAnswer>
  /** Runs the Worker's scheduled() handler as a cron trigger would, at `scheduledTime`. */
  scheduled(scheduledTime: Date, cron?: string): Promise<{ outcome: string }>
  dispose(): Promise<void>
}

export interface WorkerAnswer {
  status: number
  headers: Headers
  /** The JSON answer (or the text, when it is not JSON), checked by each test. */
  body: any
  ms: number
}

/** compatibility_date and migrations_dir from wrangler.toml, so tests run the Worker as it is deployed. */
export async function wranglerConfig(): Promise<{ compatibilityDate: string; migrationsDir: string; main: string }> {
  const toml = await readFile(path.join(workerRoot, 'wrangler.toml'), 'utf8')
  const value = (key: string): string => {
    const m = new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(toml)
    if (!m) throw new Error(`wrangler.toml has no ${key}`)
    return m[1]!
  }
  return { compatibilityDate: value('compatibility_date'), migrationsDir: value('migrations_dir'), main: value('main') }
}

/** The Worker's modules: every src/*.ts as an ES module (type-only imports dropped, as esbuild would). */
export async function workerModules(): Promise<Array<{ type: 'ESModule'; path: string; contents: string }>> {
  const { main } = await wranglerConfig()
  const srcDir = path.join(workerRoot, path.dirname(main))
  const entry = path.basename(main).replace(/\.ts$/, '.js')
  const files = (await readdir(srcDir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()
  const modules = await Promise.all(
    files.map(async (f) => {
      const source = await readFile(path.join(srcDir, f), 'utf8')
      const out = ts.transpileModule(source, {
        fileName: f,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true },
        reportDiagnostics: true
      })
      if (out.diagnostics?.length) throw new Error(`${f}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0]!.messageText, '\n')}`)
      return { type: 'ESModule' as const, path: path.join(srcDir, f.replace(/\.ts$/, '.js')), contents: out.outputText }
    })
  )
  // The entry point first.
  return modules.sort((a, b) => Number(path.basename(b.path) === entry) - Number(path.basename(a.path) === entry))
}

/**
 * SQL text as statements: split at semicolons outside quotes and comments.
 * (The migrations have no triggers, whose bodies hold semicolons; refused if one does.)
 */
export function splitSql(sql: string): string[] {
  const out: string[] = []
  let current = ''
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
      current += '\n'
      continue
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 1
      current += ' '
      continue
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1
      current += sql.slice(i, j + 1)
      i = j
      continue
    }
    if (c === ';') {
      if (current.trim() !== '') out.push(current.trim())
      current = ''
      continue
    }
    current += c
  }
  if (current.trim() !== '') out.push(current.trim())
  for (const s of out) if (/^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER/i.test(s)) throw new Error('splitSql: triggers are not supported')
  return out
}

export async function migrationFiles(): Promise<string[]> {
  const { migrationsDir } = await wranglerConfig()
  return (await readdir(path.join(workerRoot, migrationsDir))).filter((f) => f.endsWith('.sql')).sort()
}

/** Applies the migrations not applied yet, in order, each in one batch; returns the names it applied. */
export async function applyMigrations(db: D1): Promise<string[]> {
  const { migrationsDir } = await wranglerConfig()
  await db
    .prepare('CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)')
    .run()
  const done = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name))
  const applied: string[] = []
  for (const name of await migrationFiles()) {
    if (done.has(name)) continue
    const statements = splitSql(await readFile(path.join(workerRoot, migrationsDir, name), 'utf8'))
    await db.batch([...statements.map((s) => db.prepare(s)), db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(name)])
    applied.push(name)
  }
  return applied
}

export interface StartOptions {
  /** METRICS_WRITE_TOKEN (and READ_TOKEN as METRICS_READ_TOKEN); '' leaves both secrets unset. Ignored when `bindings` is given. */
  token?: string
  /** The Worker's secrets and vars, instead of the token above (e.g. METRICS_READ_TOKEN, RETENTION_DAYS). */
  bindings?: Record<string, string>
  /** Apply the migrations (default true). */
  migrate?: boolean
}

/** Starts the Worker on a fresh in-memory D1, listening on 127.0.0.1 on a free port. */
export async function startWorker(o: StartOptions = {}): Promise<LocalWorker> {
  const { compatibilityDate } = await wranglerConfig()
  const token = o.token ?? TOKEN
  const mf = new Miniflare({
    modules: await workerModules(),
    modulesRoot: workerRoot,
    compatibilityDate,
    d1Databases: { DB: 'batch-metrics-test' },
    d1Persist: false,
    bindings: o.bindings ?? (token === '' ? {} : { METRICS_WRITE_TOKEN: token, METRICS_READ_TOKEN: READ_TOKEN }),
    host: '127.0.0.1',
    port: 0,
    // Placeholder request.cf values: never fetched from Cloudflare.
    cf: false,
    // The Worker's console (the 500 tests log on purpose) stays out of the test output.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume()
      stderr.resume()
    }
  })
  let url: string
  let db: D1
  try {
    url = (await mf.ready).href.replace(/\/$/, '')
    db = await mf.getD1Database('DB')
    if (o.migrate !== false) await applyMigrations(db)
  } catch (e) {
    await mf.dispose()
    throw e
  }
  const request: LocalWorker['request'] = async (method, pathname, r = {}) => {
    const headers: Record<string, string> = { ...r.headers }
    const t = r.token === undefined ? token : r.token
    if (t !== null) headers.authorization = `Bearer ${t}`
    let body: string | undefined
    if (r.body !== undefined) {
      body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
      headers['content-type'] ??= 'application/json'
    }
    const started = performance.now()
    const res = await fetch(`${url}${pathname}`, { method, headers, body })
    const text = await res.text()
    const ms = performance.now() - started
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed, ms }
  }
  const scheduled: LocalWorker['scheduled'] = async (scheduledTime, cron = '17 3 * * *') => {
    const worker = await mf.getWorker()
    return worker.scheduled({ scheduledTime, cron })
  }
  return { mf, url, db, request, scheduled, dispose: () => mf.dispose() }
}

// ---------------------------------------------------------------------------
// bodies

export interface Row {
  recipe_name: string
  ecosystem: string
  result: 'passed' | 'failed' | 'skipped' | 'blocked'
  error_category: string | null
  error_message: string | null
  duration_seconds: number
}

/** n results of `ecosystem`, cycling passed, failed, skipped, blocked unless `kinds` says otherwise. */
export function rows(n: number, ecosystem = 'homebrew', kinds: Row['result'][] = ['passed', 'failed', 'skipped', 'blocked'], prefix = 'recipe'): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const result = kinds[i % kinds.length]!
    return {
      recipe_name: `${prefix}-${String(i).padStart(5, '0')}`,
      ecosystem,
      result,
      error_category: result === 'failed' ? 'checksum' : null,
      error_message: result === 'failed' ? `sha256 mismatch in ${prefix}-${i}` : null,
      duration_seconds: (i % 50) + 0.5
    }
  })
}

/** An upload body in the shape record-batch sends (docs/contract.md §6), its counts taken from `results`. */
export function body(results: Row[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const n = (k: Row['result']): number => results.filter((r) => r.result === k).length
  const passed = n('passed')
  const failed = n('failed')
  return {
    batch_id: '2026-03-04-001',
    ecosystem: results[0]?.ecosystem ?? 'homebrew',
    started_at: '2026-03-04T09:30:00Z',
    completed_at: '2026-03-04T10:00:00Z',
    total_recipes: results.length,
    passed,
    failed,
    skipped: n('skipped') + n('blocked'),
    success_rate: passed + failed > 0 ? Math.round((passed / (passed + failed)) * 10000) / 10000 : 0,
    macos_minutes: 3,
    linux_minutes: 4.5,
    results,
    ...extra
  }
}

/** The stored rows of one run (by batch and ecosystem), in insertion order, as the upload sent them. */
export async function storedResults(db: D1, batchId: string, ecosystem: string): Promise<Row[]> {
  const { results } = await db
    .prepare(
      `SELECT rr.recipe_name, rr.ecosystem, rr.result, rr.error_category, rr.error_message, rr.duration_seconds
       FROM recipe_results rr JOIN batch_runs br ON br.id = rr.batch_run_id
       WHERE br.batch_id = ? AND br.ecosystem = ? ORDER BY rr.id`
    )
    .bind(batchId, ecosystem)
    .all<Row>()
  return results
}

export async function countRows(db: D1, table: 'batch_runs' | 'recipe_results'): Promise<number> {
  return (await db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n
}
