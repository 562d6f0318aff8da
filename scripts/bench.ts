// npm run bench: speed as ratios against a floor measured in the same run.
//
// record-batch over 10,000 results, without the network: the bundled action in
// a child process (as the runner runs it) against the floor (a Node process that
// reads and parses the same file and writes the same number of bytes). Median of
// several runs; peak RSS from the child itself.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { type ActionRun, type TestRepo, bundlePath, createRepo, git, inputVariable, repoRoot, runAction } from '../test/harness.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const RESULTS = 10_000

interface Sample {
  ms: number
  rss: number
}

async function timed(args: string[], env: Record<string, string>, cwd: string): Promise<Sample> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-bench-'))
  const rssFile = path.join(dir, 'rss')
  const started = process.hrtime.bigint()
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', path.join(repoRoot, 'scripts', 'bench-rss.mjs'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, BATCH_OPS_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'inherit']
    })
    child.on('error', reject)
    child.on('close', resolve)
  })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`)
  const rss = Number(await readFile(rssFile, 'utf8'))
  await rm(dir, { recursive: true, force: true })
  return { ms, rss }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`

function results(): string {
  const ecos = ['homebrew', 'cask', 'crates.io', 'npm', 'pypi']
  const kinds = ['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'failed', 'skipped', 'blocked'] as const
  let out = ''
  for (let i = 0; i < RESULTS; i++) {
    const result = kinds[i % kinds.length]
    out +=
      JSON.stringify({
        recipe_name: `recipe-${i}`,
        ecosystem: ecos[i % ecos.length],
        result,
        duration_seconds: (i % 97) + 0.5,
        platform: 'linux-debian-glibc-x86_64',
        ...(result === 'failed' ? { error_category: `category_${i % 7}`, error_message: `validation failed for recipe-${i}: homepage must start with https://` } : {})
      }) + '\n'
  }
  return out
}

async function benchRecordBatch(): Promise<void> {
  const repo = await createRepo({ files: { 'batch-control.json': await readFile(path.join(repoRoot, 'test', 'fixtures', 'upstream', 'batch-control.initial.json'), 'utf8'), 'recipes/.keep': '' } })
  try {
    const resultsFile = path.join(repo.root, 'results.jsonl')
    await writeFile(resultsFile, results())
    const env = (id: string): Record<string, string> => ({
      GITHUB_WORKSPACE: repo.work,
      GITHUB_OUTPUT: path.join(repo.root, 'out'),
      GITHUB_STEP_SUMMARY: path.join(repo.root, 'summary'),
      BATCH_OPS_NOW: '2026-03-04T12:00:00Z',
      [inputVariable('batch-id')]: id,
      [inputVariable('results')]: resultsFile,
      [inputVariable('persist')]: 'false',
      [inputVariable('macos-minutes')]: '3',
      [inputVariable('linux-minutes')]: '40'
    })
    const action: Sample[] = []
    const floor: Sample[] = []
    let written = 0
    for (let i = 0; i < RUNS; i++) {
      const id = `2026-03-04-${String(i + 1).padStart(3, '0')}`
      await writeFile(path.join(repo.root, 'out'), '')
      await writeFile(path.join(repo.root, 'summary'), '')
      // The working tree starts clean every run, so each run writes the same bytes.
      await git(['checkout', '--quiet', '--', '.'], repo.work)
      await git(['clean', '--quiet', '-fdx', '--', 'data'], repo.work)
      action.push(await timed([bundlePath('record-batch')], env(id), repo.work))
      const files = [`data/metrics/batch-runs.jsonl`, `data/failures/${id}.jsonl`, `data/batches/${id}.json`, 'batch-control.json']
      written = 0
      for (const f of files) written += (await stat(path.join(repo.work, f))).size
      floor.push(await timed([path.join(repoRoot, 'scripts', 'bench-floor.mjs'), resultsFile, path.join(repo.root, 'floor.out'), String(written)], {}, repo.root))
    }
    const ratio = median(action.map((s) => s.ms)) / median(floor.map((s) => s.ms))
    const peak = Math.max(...action.map((s) => s.rss))
    console.log(`record-batch, ${RESULTS.toLocaleString('en')} results, ${(written / 1024).toFixed(0)} KiB written, median of ${RUNS} runs`)
    console.log(`  action  ${median(action.map((s) => s.ms)).toFixed(0)} ms   peak RSS ${mb(peak)}`)
    console.log(`  floor   ${median(floor.map((s) => s.ms)).toFixed(0)} ms   peak RSS ${mb(Math.max(...floor.map((s) => s.rss)))}  (read + parse the same file, write the same bytes)`)
    console.log(`  ratio   ${ratio.toFixed(2)}x the floor (goal <= 3x)   peak RSS ${mb(peak)} (goal <= 150 MB)   ${ratio <= 3 && peak <= 150 * 1024 * 1024 ? 'OK' : 'OVER GOAL'}`)
  } finally {
    await repo.cleanup()
  }
}

/** The shape of a synthetic history; every field has a default that gives the history the first benchmark used. */
interface HistoryShape {
  /** Commits the batch's files are spread over (default 1). */
  batchCommits?: number
  /** Commits after the batch (default: a quarter of the history). */
  after?: number
  /** Committer (and author) date of commit i (1-based), epoch seconds (default: one a minute from 2023-11-14). */
  time?: (i: number) => number
  /**
   * Write only the commits from this one (1-based) on, the first of them a root holding the whole
   * tree as it was then: an origin that holds only that part of the history (default 1).
   */
  from?: number
}

/**
 * A history of `commits` first-parent commits, a batch of `batchFiles` files among them, written
 * with git fast-import. Every other commit changes one of 35,000 recipes (and every tenth the
 * metrics file).
 */
async function syntheticHistory(dir: string, commits: number, batchFiles: number, batchId: string, shape: HistoryShape = {}): Promise<void> {
  await git(['init', '--quiet', '--bare', '--initial-branch=main', dir], os.tmpdir())
  const batchCommits = shape.batchCommits ?? 1
  const after = shape.after ?? commits - Math.floor(commits * 0.75)
  const firstOfBatch = commits - after - batchCommits + 1
  const time = shape.time ?? ((i: number) => 1_700_000_000 + i * 60)
  const from = shape.from ?? 1
  if (from > firstOfBatch) throw new Error('syntheticHistory: `from` must not lie after the batch')
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`
  // 35,000 recipes in 7 ecosystems, sharded into directories of 50 (as registries shard them, e.g. Formula/a/).
  const recipe = (i: number): [string, string] => [
    `recipes/eco-${i % 7}/${String(i % 100).padStart(2, '0')}/pkg-${i % 5000}.toml`,
    `name = "pkg-${i % 5000}"\nversion = "${i}"\n`
  ]
  const metrics = (i: number): string => `{"n":${i}}\n`
  // The whole tree before `from`, for its root.
  const tree = new Map<string, string>()
  for (let i = 1; i < from; i++) {
    const [p, c] = recipe(i)
    tree.set(p, c)
    if (i % 10 === 0) tree.set('data/metrics/batch-runs.jsonl', metrics(i))
  }
  const chunks: string[] = []
  const perCommit = Math.ceil(batchFiles / batchCommits)
  for (let i = from; i <= commits; i++) {
    const who = `Bench <bench@batch-ops.invalid> ${time(i)} +0000`
    chunks.push(`commit refs/heads/main\nmark :${i}\nauthor ${who}\ncommitter ${who}\n`)
    const k = i - firstOfBatch
    if (k >= 0 && k < batchCommits) {
      chunks.push(data(`feat(recipes): batch ${batchId}${batchCommits > 1 ? ` (${k + 1}/${batchCommits})` : ''}\n\nbatch_id: ${batchId}`))
      if (i > from) chunks.push(`from :${i - 1}\n`)
      for (let f = k * perCommit; f < Math.min(batchFiles, (k + 1) * perCommit); f++) {
        chunks.push(`M 100644 inline recipes/batch/tool-${f}.toml\n${data(`name = "tool-${f}"\n# batch_id: ${batchId}\n`)}`)
      }
    } else {
      chunks.push(data(`chore: update recipe ${i}\n\nbatch_id: 2025-01-01-${String(i % 1000).padStart(3, '0')}`))
      if (i > from) chunks.push(`from :${i - 1}\n`)
      else for (const [p, c] of tree) chunks.push(`M 100644 inline ${p}\n${data(c)}`)
      const [p, c] = recipe(i)
      chunks.push(`M 100644 inline ${p}\n${data(c)}`)
      if (i % 10 === 0) chunks.push(`M 100644 inline data/metrics/batch-runs.jsonl\n${data(metrics(i))}`)
    }
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))))
    child.stdin.end(chunks.join(''))
  })
}

/** KiB in a repository's object store (loose objects and packs), from `git count-objects -v`. */
async function objectKiB(dir: string): Promise<number> {
  const { stdout } = await git(['count-objects', '-v'], dir)
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(stdout)?.[1] ?? 0)
  return field('size') + field('size-pack')
}

/** The rollback-batch bundle before issue 15 (it unshallows the clone and reads the whole history), from this repository's history. */
const BEFORE_ISSUE_15 = '17cb1e440479d788963278290773a7283cecb988'

async function oldRollbackBundle(dir: string): Promise<string | undefined> {
  const files = ['index.js', '329.index.js', 'package.json']
  for (const f of files) {
    const r = await git(['show', `${BEFORE_ISSUE_15}:actions/rollback-batch/dist/${f}`], repoRoot, { allowFail: true })
    if (r.code !== 0) return undefined
    await writeFile(path.join(dir, f), r.stdout)
  }
  return path.join(dir, 'index.js')
}

/**
 * rollback-batch's dry run from a depth-1 clone (what actions/checkout makes), fetch included, on:
 *   A: an origin of 200,000 first-parent commits, the last 2,000 after a batch of 1,000 files in 20 commits;
 *   B: an origin holding only the history from the batch on (the commit before it as a root, the batch,
 *      the 2,000 after): the floor for the work that matters;
 *   C: A's origin with the action as it was before issue 15 (unshallow, read the whole history).
 * One commit every 5 minutes (288 a day), the batch at 10:00 UTC on its ID's day. The generated
 * origins are cached under os.tmpdir(), keyed by these parameters (BENCH_FRESH=1 makes them again).
 */
async function benchRollback(): Promise<void> {
  const COMMITS = 200_000
  const AFTER = 2_000
  const BATCH_COMMITS = 20
  const FILES = 1_000
  const id = '2026-02-17-001'
  const SPACING = 300
  const firstOfBatch = COMMITS - AFTER - BATCH_COMMITS + 1
  const batchAt = Date.parse('2026-02-17T10:00:00Z') / 1000
  const shape: HistoryShape = { batchCommits: BATCH_COMMITS, after: AFTER, time: (i) => batchAt + (i - firstOfBatch) * SPACING }
  const key = `v2-${COMMITS}-${AFTER}-${BATCH_COMMITS}-${FILES}-${id}-${SPACING}`
  const cache = path.join(os.tmpdir(), `batch-ops-bench-rollback-${key}`)
  const full = path.join(cache, 'full.git')
  const since = path.join(cache, 'since-batch.git')
  const t0 = Date.now()
  let built = 'from the cache in ' + cache
  if (process.env.BENCH_FRESH === '1' || !existsSync(path.join(cache, 'ready'))) {
    await rm(cache, { recursive: true, force: true })
    await mkdir(cache, { recursive: true })
    await syntheticHistory(full, COMMITS, FILES, id, shape)
    await syntheticHistory(since, COMMITS, FILES, id, { ...shape, from: firstOfBatch - 1 })
    await writeFile(path.join(cache, 'ready'), key + '\n')
    built = `built in ${((Date.now() - t0) / 1000).toFixed(1)} s, cached in ${cache}`
  }
  const root = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-bench-rollback-'))
  try {
    const oldBundle = await oldRollbackBundle(await mkdtemp(path.join(root, 'old-')))
    const runsC = Math.max(1, Math.min(RUNS, 3))
    console.log(
      `\nrollback-batch dry run from a depth-1 clone, fetch included: ${COMMITS.toLocaleString('en')} first-parent commits, the last ${AFTER.toLocaleString('en')} after batch ${id} ` +
        `(${FILES.toLocaleString('en')} files in ${BATCH_COMMITS} commits); one commit every ${SPACING / 60} minutes; origins ${built}; median of ${RUNS} runs (C: ${runsC})`
    )
    let n = 0
    const run = async (origin: string, bundle: string): Promise<{ sample: Sample; kib: number }> => {
      const work = path.join(root, `work-${++n}`)
      await git(['clone', '--quiet', '--depth', '1', '--branch', 'main', `file://${origin}`, work], root)
      const before = await objectKiB(work)
      const [out, summary] = [path.join(root, `out-${n}`), path.join(root, `summary-${n}`)]
      await writeFile(out, '')
      await writeFile(summary, '')
      const env: Record<string, string> = {
        GITHUB_WORKSPACE: work,
        GITHUB_OUTPUT: out,
        GITHUB_STEP_SUMMARY: summary,
        BATCH_OPS_NOW: '2026-02-25T00:00:00Z',
        [inputVariable('batch-id')]: id,
        [inputVariable('dry-run')]: 'true',
        [inputVariable('base')]: 'main'
      }
      const sample = await timed([bundle], env, work)
      const count = /count<<(\S+)\n(\d+)\n/.exec(await readFile(out, 'utf8'))?.[2]
      if (count !== String(FILES)) throw new Error(`the dry run in ${work} planned ${count} files, expected ${FILES}`)
      const kib = (await objectKiB(work)) - before
      await rm(work, { recursive: true, force: true })
      return { sample, kib }
    }
    const a: Array<{ sample: Sample; kib: number }> = []
    const b: Array<{ sample: Sample; kib: number }> = []
    const c: Array<{ sample: Sample; kib: number }> = []
    for (let i = 0; i < RUNS; i++) {
      a.push(await run(full, bundlePath('rollback-batch')))
      b.push(await run(since, bundlePath('rollback-batch')))
      if (oldBundle && i < runsC) c.push(await run(full, oldBundle))
    }
    const ms = (xs: Array<{ sample: Sample }>): number => median(xs.map((x) => x.sample.ms))
    const kib = (xs: Array<{ kib: number }>): string => mb(median(xs.map((x) => x.kib)) * 1024)
    const rss = (xs: Array<{ sample: Sample }>): string => mb(Math.max(...xs.map((x) => x.sample.rss)))
    const [A, B] = [ms(a), ms(b)]
    console.log(`  A  ${A.toFixed(0).padStart(6)} ms   fetched ${kib(a)}   peak RSS ${rss(a)}   (the action: --shallow-since two days before the ID's date, deepened as needed)`)
    console.log(`  B  ${B.toFixed(0).padStart(6)} ms   fetched ${kib(b)}   peak RSS ${rss(b)}   (the same, on an origin holding only the history from the batch on)`)
    if (c.length > 0) {
      const C = ms(c)
      console.log(`  C  ${C.toFixed(0).padStart(6)} ms   fetched ${kib(c)}   peak RSS ${rss(c)}   (before issue 15: --unshallow, the whole history read; bundle of ${BEFORE_ISSUE_15.slice(0, 7)})`)
      console.log(`  A/B ${(A / B).toFixed(2)} (goal <= 1.5)   C/A ${(C / A).toFixed(1)}x (goal >= 10x)   ${A <= 1.5 * B && C >= 10 * A ? 'OK' : 'OVER GOAL'}`)
    } else {
      console.log(`  C  skipped: the bundle of ${BEFORE_ISSUE_15.slice(0, 7)} is not in this clone's history`)
      console.log(`  A/B ${(A / B).toFixed(2)} (goal <= 1.5)   ${A <= 1.5 * B ? 'OK' : 'OVER GOAL'}`)
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** Wall time of one child process, whatever its exit code. */
async function wall(args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const started = process.hrtime.bigint()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', () => resolve())
  })
  return Number(process.hrtime.bigint() - started) / 1e6
}

/**
 * Cold start of each bundled action: load the bundle and answer a bad input (the
 * shortest path through run(): inputs read, the failure annotated, the summary
 * written, exit 1), against `node -e 0`, interleaved in the same run.
 */
async function benchColdStart(): Promise<void> {
  const runs = Math.max(RUNS * 3, 11)
  const badInput: Record<string, Record<string, string>> = {
    'preflight-check': { [inputVariable('on-tamper')]: 'bad' },
    'circuit-breaker': { [inputVariable('mode')]: 'bad' },
    'record-batch': {},
    'rollback-batch': { [inputVariable('batch-id')]: 'not an id' },
    'batch-control': { [inputVariable('command')]: 'bad' },
    'checksum-drift': {},
    'slo-alerts': { [inputVariable('rules')]: 'bad' },
    'batch-dashboard': { [inputVariable('days')]: 'bad' }
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-bench-cold-'))
  try {
    const env = { GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), GITHUB_WORKSPACE: dir }
    await writeFile(env.GITHUB_OUTPUT, '')
    await writeFile(env.GITHUB_STEP_SUMMARY, '')
    const floor: number[] = []
    const byAction = new Map<string, number[]>(Object.keys(badInput).map((a) => [a, []]))
    for (let i = 0; i < runs; i++) {
      floor.push(await wall(['-e', '0'], {}, dir))
      for (const [action, inputs] of Object.entries(badInput)) byAction.get(action)!.push(await wall([bundlePath(action)], { ...env, ...inputs }, dir))
    }
    const f = median(floor)
    console.log(`\ncold start: load the bundle and reject a bad input, median of ${runs} runs, interleaved with the floor`)
    console.log(`  floor            ${f.toFixed(0)} ms  (node -e 0)`)
    for (const [action, times] of byAction) {
      const m = median(times)
      console.log(`  ${action.padEnd(16)} ${m.toFixed(0)} ms  (+${(m - f).toFixed(0)} ms, ${(m / f).toFixed(2)}x the floor)`)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------
// contention: 12 writers on one branch (docs/contract.md §3)

const CONTENTION_WRITERS = 12
const CONTENTION_ECOSYSTEMS = ['homebrew', 'cask', 'npm', 'pypi', 'crates.io', 'rubygems', 'golang', 'maven', 'nuget', 'hex', 'cpan', 'conda']

/** The attempts a run needed to push: its summary says "after N attempts" when it needed more than one. */
function pushAttempts(r: ActionRun): number {
  const m = /after (\d+) attempts/.exec(r.summary)
  return m ? Number(m[1]) : 1
}

/** A fresh origin with a control file holding a closed breaker per writer, and one clone per writer (half shallow). */
async function contentionRepo(): Promise<{ repo: TestRepo; clones: string[] }> {
  const breakers = Object.fromEntries(CONTENTION_ECOSYSTEMS.map((e) => [e, { state: 'closed', failures: 0 }]))
  const repo = await createRepo({ files: { 'batch-control.json': JSON.stringify({ enabled: true, disabled_ecosystems: [], reason: '', circuit_breaker: breakers }, null, 2) + '\n' } })
  const clones: string[] = []
  for (let i = 0; i < CONTENTION_WRITERS; i++) clones.push(await repo.clone(i % 2 === 0 ? { depth: 1 } : {}))
  return { repo, clones }
}

/** circuit-breaker mode: record for writer i's own ecosystem, max-attempts left at its default. */
function recordWriter(cwd: string, i: number): Promise<ActionRun> {
  return runAction('circuit-breaker', {
    cwd,
    inputs: { mode: 'record', ecosystem: CONTENTION_ECOSYSTEMS[i]!, outcome: i % 3 === 0 ? 'failure' : 'success' },
    env: { BATCH_OPS_NOW: '2026-03-04T10:00:00Z' },
    timeoutMs: 120_000
  })
}

/** Every writer exited 0 and origin holds all their changes, one commit each. */
async function checkLanded(repo: TestRepo, runs: ActionRun[]): Promise<void> {
  const failed = runs.findIndex((r) => r.code !== 0)
  if (failed >= 0) throw new Error(`writer ${failed} exited ${runs[failed]!.code}:\n${runs[failed]!.stdout}\n${runs[failed]!.stderr}`)
  const doc = JSON.parse((await repo.readOrigin('batch-control.json'))!) as { circuit_breaker: Record<string, { window?: string }> }
  const missing = CONTENTION_ECOSYSTEMS.filter((e) => (doc.circuit_breaker[e]?.window ?? '').length !== 1)
  const commits = (await repo.originCommits()).length - 1
  if (missing.length > 0 || commits !== CONTENTION_WRITERS) throw new Error(`lost writes: ${commits} commits, no record for ${missing.join(', ') || 'none'}`)
}

/**
 * N trials (BENCH_RUNS, default 20 here): 12 circuit-breaker record runs as
 * child processes, each in its own clone, started at once against one bare
 * origin; then 12 more on a fresh origin, one after another. Reports the worst
 * attempt count, the distribution, and the concurrent / serial wall ratio.
 */
async function benchContention(): Promise<void> {
  const trials = Number(process.env.BENCH_RUNS ?? 20)
  const counts = new Map<number, number>()
  const worst: number[] = []
  const concurrentMs: number[] = []
  const serialMs: number[] = []
  const ratios: number[] = []
  console.log(`\ncontention: ${CONTENTION_WRITERS} circuit-breaker record runs on one branch, default max-attempts, ${trials} trials`)
  for (let t = 0; t < trials; t++) {
    const a = await contentionRepo()
    try {
      const started = process.hrtime.bigint()
      const runs = await Promise.all(a.clones.map((cwd, i) => recordWriter(cwd, i)))
      concurrentMs.push(Number(process.hrtime.bigint() - started) / 1e6)
      await checkLanded(a.repo, runs)
      const attempts = runs.map(pushAttempts)
      for (const n of attempts) counts.set(n, (counts.get(n) ?? 0) + 1)
      worst.push(Math.max(...attempts))
    } finally {
      await a.repo.cleanup()
    }
    const b = await contentionRepo()
    try {
      const started = process.hrtime.bigint()
      const runs: ActionRun[] = []
      for (const [i, cwd] of b.clones.entries()) runs.push(await recordWriter(cwd, i))
      serialMs.push(Number(process.hrtime.bigint() - started) / 1e6)
      await checkLanded(b.repo, runs)
      if (runs.some((r) => pushAttempts(r) !== 1)) throw new Error('a serial writer needed more than one attempt')
    } finally {
      await b.repo.cleanup()
    }
    ratios.push(concurrentMs[t]! / serialMs[t]!)
    console.log(`  trial ${String(t + 1).padStart(2)}  worst ${worst[t]} attempts   concurrent ${concurrentMs[t]!.toFixed(0)} ms   serial ${serialMs[t]!.toFixed(0)} ms   ratio ${ratios[t]!.toFixed(2)}`)
  }
  const most = Math.max(...worst)
  const total = [...counts.values()].reduce((x, y) => x + y, 0)
  const dist = [...counts.entries()].sort(([x], [y]) => x - y).map(([n, c]) => `${n}: ${c} (${((100 * c) / total).toFixed(1)}%)`)
  const ratio = median(concurrentMs) / median(serialMs)
  console.log(`  all ${CONTENTION_WRITERS} writers landed in every trial (${trials * CONTENTION_WRITERS} writes)`)
  console.log(`  worst   ${most} of 8 attempts (goal <= 4)   per trial: ${worst.join(' ')}`)
  console.log(`  attempts per writer  ${dist.join('   ')}`)
  console.log(`  wall    concurrent ${median(concurrentMs).toFixed(0)} ms, serial ${median(serialMs).toFixed(0)} ms (medians); worst trial ratio ${Math.max(...ratios).toFixed(2)}`)
  console.log(`  ratio   ${ratio.toFixed(2)}x concurrent / serial (goal <= 2)   ${most <= 4 && ratio <= 2 ? 'OK' : 'OVER GOAL'}`)
}

// `npm run bench -- rollback` runs one benchmark; no argument runs all.
const only = process.argv.slice(2)
if (only.length === 0 || only.includes('cold-start')) await benchColdStart()
if (only.length === 0 || only.includes('record-batch')) await benchRecordBatch()
if (only.length === 0 || only.includes('rollback')) await benchRollback()
if (only.length === 0 || only.includes('contention')) await benchContention()

// ---------------------------------------------------------------------------
// checksum-drift (docs/contract.md §9): 2,000 artifacts of 256 KiB from a local server, against a
// plain Node fetch-and-hash loop at the same concurrency; and the peak RSS for one of 1 GiB.

const DRIFT_ARTIFACTS = 2_000
const DRIFT_SIZE = 256 * 1024
const DRIFT_CONCURRENCY = 8
const DRIFT_BIG = 1024 * 1024 * 1024

/** The floor: the least any checker must do, in a fresh Node process: fetch each body and hash it, DRIFT_C at a time. */
const DRIFT_FLOOR = `
import { createHash } from 'node:crypto'
const base = process.env.DRIFT_BASE, n = Number(process.env.DRIFT_N), c = Number(process.env.DRIFT_C)
let next = 0, done = 0
const worker = async () => {
  while (next < n) {
    const i = next++
    const res = await fetch(base + '/a/' + i)
    const h = createHash('sha256')
    for await (const chunk of res.body) h.update(chunk)
    if (h.digest('hex').length === 64) done++
  }
}
await Promise.all(Array.from({ length: c }, worker))
if (done !== n) process.exit(1)
`

/** Serves /a/<i> (the same 256 KiB each) and /big (1 GiB, generated as it is sent, never held). */
async function driftServer(body: Buffer): Promise<{ base: string; close: () => Promise<void> }> {
  const { createServer } = await import('node:http')
  const chunk = Buffer.alloc(64 * 1024, 0x5a)
  const server = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-length': String(DRIFT_BIG) })
      let sent = 0
      const more = (): void => {
        while (sent < DRIFT_BIG) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', more)
        }
        res.end()
      }
      more()
      return
    }
    res.writeHead(200, { 'content-length': String(body.length) })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as import('node:net').AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

async function benchChecksumDrift(): Promise<void> {
  const { createHash } = await import('node:crypto')
  const { parseOutputFile } = await import('../test/harness.ts')
  const body = Buffer.alloc(DRIFT_SIZE)
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff
  const sum = createHash('sha256').update(body).digest('hex')
  const dir = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-bench-drift-'))
  const server = await driftServer(body)
  try {
    // The steady state: every artifact has its checksum in the baseline, nothing drifts, nothing is written.
    const ids = Array.from({ length: DRIFT_ARTIFACTS }, (_, i) => `pkg-${String(i).padStart(4, '0')}@1.0.0/linux-amd64`)
    await writeFile(path.join(dir, 'artifacts.jsonl'), ids.map((id, i) => JSON.stringify({ id, url: `${server.base}/a/${i}`, ecosystem: 'npm' })).join('\n') + '\n')
    await writeFile(path.join(dir, 'baseline.jsonl'), ids.map((id, i) => JSON.stringify({ id, url: `${server.base}/a/${i}`, sha256: sum, first_seen: '2026-03-01T00:00:00Z' })).join('\n') + '\n')
    const env = (artifacts: string, baseline: string): Record<string, string> => ({
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: path.join(dir, 'out'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
      [inputVariable('artifacts')]: artifacts,
      [inputVariable('baseline-file')]: baseline,
      [inputVariable('allowed-schemes')]: 'http',
      [inputVariable('concurrency')]: String(DRIFT_CONCURRENCY),
      [inputVariable('on-drift')]: 'none',
      [inputVariable('persist')]: 'false'
    })
    const outputs = async (): Promise<Record<string, string>> => parseOutputFile(await readFile(path.join(dir, 'out'), 'utf8'))
    const action: Sample[] = []
    const floor: Sample[] = []
    for (let i = 0; i < RUNS; i++) {
      await writeFile(path.join(dir, 'out'), '')
      await writeFile(path.join(dir, 'summary'), '')
      action.push(await timed([bundlePath('checksum-drift')], env('artifacts.jsonl', 'baseline.jsonl'), dir))
      const o = await outputs()
      if (o.ok !== String(DRIFT_ARTIFACTS)) throw new Error(`checksum-drift checked ${o.checked} and found ${o.ok} ok, expected ${DRIFT_ARTIFACTS}`)
      floor.push(await timed(['--input-type=module', '-e', DRIFT_FLOOR], { DRIFT_BASE: server.base, DRIFT_N: String(DRIFT_ARTIFACTS), DRIFT_C: String(DRIFT_CONCURRENCY) }, dir))
    }
    const a = median(action.map((s) => s.ms))
    const f = median(floor.map((s) => s.ms))
    const mib = (DRIFT_ARTIFACTS * DRIFT_SIZE) / 1024 / 1024
    console.log(`\nchecksum-drift, ${DRIFT_ARTIFACTS.toLocaleString('en')} artifacts of ${DRIFT_SIZE / 1024} KiB (${mib.toFixed(0)} MiB) from 127.0.0.1, concurrency ${DRIFT_CONCURRENCY}, median of ${RUNS} runs`)
    console.log(`  action  ${a.toFixed(0)} ms (${((mib / a) * 1000).toFixed(0)} MiB/s: read, download, hash, judge, summary)   peak RSS ${mb(Math.max(...action.map((s) => s.rss)))}`)
    console.log(`  floor   ${f.toFixed(0)} ms  (a plain Node fetch-and-hash loop, ${DRIFT_CONCURRENCY} at a time)   peak RSS ${mb(Math.max(...floor.map((s) => s.rss)))}`)
    console.log(`  ratio   ${(a / f).toFixed(2)}x the floor (goal <= 1.3x)   ${a / f <= 1.3 ? 'OK' : 'OVER GOAL'}`)

    // One artifact of 1 GiB: the body streams through the hash, so memory stays flat.
    await writeFile(path.join(dir, 'big.jsonl'), JSON.stringify({ id: 'big@1/linux-amd64', url: `${server.base}/big` }) + '\n')
    await writeFile(path.join(dir, 'out'), '')
    const big = await timed([bundlePath('checksum-drift')], env('big.jsonl', 'big-baseline.jsonl'), dir)
    const o = await outputs()
    if (o.ok !== '1') throw new Error(`the 1 GiB artifact was not downloaded completely: ${JSON.stringify(o)}`)
    console.log(`  1 GiB   ${big.ms.toFixed(0)} ms, peak RSS ${mb(big.rss)} (goal <= 150 MB)   ${big.rss <= 150 * 1024 * 1024 ? 'OK' : 'OVER GOAL'}`)
  } finally {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  }
}

if (only.length === 0 || only.includes('checksum-drift')) await benchChecksumDrift()

// ---------------------------------------------------------------------------
// dashboard: batch-dashboard over 2,000 batches of 6 ecosystems (docs/contract.md §10)

/**
 * The bundled batch-dashboard on a history of 2,000 batches (a batch every 3 hours, 250 days; one
 * metrics line per batch and ecosystem: 12,000 lines), with 14,000 versions of the control file in
 * git (7 a batch; the 35 days the page reads hold 1,960 of them), against the floor: a fresh Node process that reads and parses the same files (the metrics
 * file, the control file, the failure files of the week and the 50 newest manifests). Also the
 * page's size, and the cold start: a bad input (vega never loaded), and a first page from an
 * empty history (vega loaded, six charts drawn).
 */
async function benchDashboard(): Promise<void> {
  const BATCHES = 2000
  const ECOS = 6
  /** Commits of the control file per batch: the preflight's counter, the breakers' records, record-batch's minutes. */
  const VERSIONS = 7
  const { makeHistory, controlAt } = await import('../actions/batch-dashboard/__tests__/history.ts')
  const now = Date.parse('2026-03-04T12:00:00Z')
  const root = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-bench-dashboard-'))
  try {
    const t0 = Date.now()
    const { files } = makeHistory({ now, batches: BATCHES, everyHours: 3 })
    const control = controlAt(now, { paused: ['pypi'], budget: { macos: 640, linux: 3100 } })
    // The repository: the control file changed once per batch (npm tripping and closing), then the records
    // (fast-import continues a branch from its last commit when a commit names no `from`).
    const work = path.join(root, 'work')
    await git(['init', '--quiet', '--initial-branch=main', work], root)
    const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`
    const chunks: string[] = []
    for (let i = 0; i < BATCHES * VERSIONS; i++) {
      const at = Math.floor((now - (BATCHES * VERSIONS - i) * ((3 * 3_600_000) / VERSIONS)) / 1000)
      const b = Math.floor(i / VERSIONS)
      // Every commit changes the file (the counter), as every batch-ops commit does.
      const version = controlAt(now, { npm: b % 40 < 3 ? 'open' : b % 40 === 3 ? 'half-open' : 'closed' }).replace('"last": 4', `"last": ${i}`)
      chunks.push(`commit refs/heads/main\ncommitter Bench <bench@batch-ops.invalid> ${at} +0000\n${data(`chore(batch): change ${i} [skip ci]\n\nBatch-Ops-Action: circuit-breaker`)}`)
      chunks.push(`M 100644 inline batch-control.json\n${data(version)}`)
    }
    chunks.push(`commit refs/heads/main\ncommitter Bench <bench@batch-ops.invalid> ${Math.floor(now / 1000) - 60} +0000\n${data('records')}`)
    for (const [file, text] of Object.entries({ ...files, 'batch-control.json': control })) chunks.push(`M 100644 inline ${file}\n${data(text)}`)
    await new Promise<void>((resolve, reject) => {
      const child = spawn('git', ['fast-import', '--quiet'], { cwd: work, stdio: ['pipe', 'ignore', 'inherit'] })
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))))
      child.stdin.end(chunks.join(''))
    })
    await git(['checkout', '--quiet', '--force', 'main'], work)

    // What the action reads, for the floor: the same files.
    const week = (id: string): boolean => Date.parse(`${id.slice(0, 10)}T00:00:00Z`) >= now - 8 * 86_400_000
    const failureFiles = Object.keys(files).filter((f) => f.startsWith('data/failures/') && week(path.basename(f)))
    const manifests = Object.keys(files).filter((f) => f.startsWith('data/batches/')).sort().slice(-50)
    const readList = JSON.stringify([...failureFiles, ...manifests, 'batch-control.json'])
    const floorScript =
      "const fs = require('node:fs'); const [metrics, list] = process.argv.slice(1); let n = 0;" +
      "for (const l of fs.readFileSync(metrics, 'utf8').split('\\n')) if (l.trim()) n += JSON.parse(l) ? 1 : 0;" +
      "for (const f of JSON.parse(list)) { const t = fs.readFileSync(f, 'utf8'); if (f.endsWith('.jsonl')) { for (const l of t.split('\\n')) if (l.trim()) JSON.parse(l) } else JSON.parse(t) }" +
      'if (n === 0) process.exit(1)'
    const metricsBytes = Buffer.byteLength(files['data/metrics/batch-runs.jsonl']!)
    console.log(
      `\ndashboard, ${BATCHES.toLocaleString('en')} batches x ${ECOS} ecosystems (${(metricsBytes / 1024 / 1024).toFixed(1)} MB of metrics lines), ${(BATCHES * VERSIONS).toLocaleString('en')} control-file versions in git (history built in ${((Date.now() - t0) / 1000).toFixed(1)} s), median of ${RUNS} runs`
    )
    const env: Record<string, string> = {
      GITHUB_WORKSPACE: work,
      GITHUB_OUTPUT: path.join(root, 'out'),
      GITHUB_STEP_SUMMARY: path.join(root, 'summary'),
      BATCH_OPS_NOW: '2026-03-04T12:00:00Z',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'bench/registry',
      GITHUB_SHA: 'f'.repeat(40)
    }
    const action: Sample[] = []
    const floor: Sample[] = []
    for (let i = 0; i < RUNS; i++) {
      await writeFile(env.GITHUB_OUTPUT!, '')
      await writeFile(env.GITHUB_STEP_SUMMARY!, '')
      action.push(await timed([bundlePath('batch-dashboard')], env, work))
      floor.push(await timed(['-e', floorScript, path.join(work, 'data/metrics/batch-runs.jsonl'), readList], {}, work))
    }
    const page = (await stat(path.join(work, 'site', 'index.html'))).size
    const out = await readFile(env.GITHUB_OUTPUT!, 'utf8')
    const shown = /batches<<(\S+)\n(\d+)\n/.exec(out)?.[2]
    const ratio = median(action.map((s) => s.ms)) / median(floor.map((s) => s.ms))
    console.log(`  action  ${median(action.map((s) => s.ms)).toFixed(0)} ms   peak RSS ${mb(Math.max(...action.map((s) => s.rss)))}   (${shown} batches in the 28-day charts)`)
    console.log(`  floor   ${median(floor.map((s) => s.ms)).toFixed(0)} ms   peak RSS ${mb(Math.max(...floor.map((s) => s.rss)))}  (read + parse the same files)`)
    console.log(`  ratio   ${ratio.toFixed(1)}x the floor   page ${(page / 1024 / 1024).toFixed(2)} MB (goal < 2 MB)   ${median(action.map((s) => s.ms)) <= 5000 && page < 2 * 1024 * 1024 ? 'OK' : 'OVER GOAL'}`)

    // Cold start: a bad input (exits before vega is loaded), and the first page of an empty history.
    const empty = path.join(root, 'empty')
    await git(['init', '--quiet', empty], root)
    const coldRuns = Math.max(RUNS * 2, 7)
    const bare: number[] = []
    const bad: number[] = []
    const first: number[] = []
    for (let i = 0; i < coldRuns; i++) {
      bare.push(await wall(['-e', '0'], {}, empty))
      bad.push(await wall([bundlePath('batch-dashboard')], { ...env, GITHUB_WORKSPACE: empty, [inputVariable('days')]: '0' }, empty))
      first.push(await wall([bundlePath('batch-dashboard')], { ...env, GITHUB_WORKSPACE: empty }, empty))
    }
    const f = median(bare)
    console.log(`  cold start, median of ${coldRuns}: node -e 0 ${f.toFixed(0)} ms; a bad input ${median(bad).toFixed(0)} ms (+${(median(bad) - f).toFixed(0)}); an empty history's page ${median(first).toFixed(0)} ms (+${(median(first) - f).toFixed(0)}, vega loaded)`)
    const dist = path.join(repoRoot, 'actions', 'batch-dashboard', 'dist')
    const { readdir } = await import('node:fs/promises')
    const sizes = await Promise.all((await readdir(dist)).filter((n) => n.endsWith('.js')).map(async (n) => [n, (await stat(path.join(dist, n))).size] as const))
    const main = sizes.find(([n]) => n === 'index.js')?.[1] ?? 0
    const total = sizes.reduce((s, [, b]) => s + b, 0)
    console.log(`  bundle  ${mb(total)} in ${sizes.length} files: index.js ${mb(main)} loaded at start, the rest (vega, vega-lite, the GitHub client) on first use`)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

if (only.length === 0 || only.includes('dashboard')) await benchDashboard()
