// npm run bench: speed as ratios against a floor measured in the same run.
//
// record-batch over 10,000 results, without the network: the bundled action in
// a child process (as the runner runs it) against the floor (a Node process that
// reads and parses the same file and writes the same number of bytes). Median of
// several runs; peak RSS from the child itself.

import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { bundlePath, createRepo, git, inputVariable, repoRoot } from '../test/harness.ts'

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

/** A history of `commits` first-parent commits, one of which is a batch of `batchFiles` files, written with git fast-import. */
async function syntheticHistory(dir: string, commits: number, batchFiles: number, batchId: string): Promise<void> {
  await git(['init', '--quiet', '--bare', '--initial-branch=main', dir], os.tmpdir())
  const chunks: string[] = []
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`
  const batchAt = Math.floor(commits * 0.75)
  for (let i = 1; i <= commits; i++) {
    chunks.push(`commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@batch-ops.invalid> ${1_700_000_000 + i * 60} +0000\n`)
    if (i === batchAt) {
      chunks.push(data(`feat(recipes): batch ${batchId}\n\nbatch_id: ${batchId}`))
      if (i > 1) chunks.push(`from :${i - 1}\n`)
      for (let f = 0; f < batchFiles; f++) chunks.push(`M 100644 inline recipes/batch/tool-${f}.toml\n${data(`name = "tool-${f}"\n# batch_id: ${batchId}\n`)}`)
    } else {
      chunks.push(data(`chore: update recipe ${i}\n\nbatch_id: 2025-01-01-${String(i % 1000).padStart(3, '0')}`))
      if (i > 1) chunks.push(`from :${i - 1}\n`)
      chunks.push(`M 100644 inline recipes/eco-${i % 7}/pkg-${i % 5000}.toml\n${data(`name = "pkg-${i % 5000}"\nversion = "${i}"\n`)}`)
      if (i % 10 === 0) chunks.push(`M 100644 inline data/metrics/batch-runs.jsonl\n${data(`{"n":${i}}\n`)}`)
    }
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))))
    child.stdin.end(chunks.join(''))
  })
}

async function timeGitLog(cwd: string): Promise<number> {
  const started = process.hrtime.bigint()
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['log', '--first-parent', '--name-only', '--format=%H', 'refs/remotes/origin/main'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git log exited ${code}`))))
  })
  return Number(process.hrtime.bigint() - started) / 1e6
}

async function benchRollback(): Promise<void> {
  const COMMITS = 20_000
  const FILES = 1_000
  const id = '2026-02-17-001'
  const root = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-bench-rollback-'))
  try {
    const origin = path.join(root, 'origin.git')
    const t0 = Date.now()
    await syntheticHistory(origin, COMMITS, FILES, id)
    const work = path.join(root, 'work')
    await git(['clone', '--quiet', origin, work], root)
    console.log(`\nrollback-batch plan, ${COMMITS.toLocaleString('en')} commits holding one batch of ${FILES.toLocaleString('en')} files (history built in ${((Date.now() - t0) / 1000).toFixed(1)} s), median of ${RUNS} runs`)
    const env: Record<string, string> = {
      GITHUB_WORKSPACE: work,
      GITHUB_OUTPUT: path.join(root, 'out'),
      GITHUB_STEP_SUMMARY: path.join(root, 'summary'),
      [inputVariable('batch-id')]: id,
      [inputVariable('dry-run')]: 'true',
      [inputVariable('base')]: 'main'
    }
    const action: Sample[] = []
    const floor: number[] = []
    for (let i = 0; i < RUNS; i++) {
      await writeFile(path.join(root, 'out'), '')
      await writeFile(path.join(root, 'summary'), '')
      action.push(await timed([bundlePath('rollback-batch')], env, work))
      floor.push(await timeGitLog(work))
    }
    const out = await readFile(path.join(root, 'out'), 'utf8')
    const count = /count<<(\S+)\n(\d+)\n/.exec(out)?.[2]
    if (count !== String(FILES)) throw new Error(`the dry run planned ${count} files, expected ${FILES}`)
    const ratio = median(action.map((s) => s.ms)) / median(floor)
    console.log(`  action  ${median(action.map((s) => s.ms)).toFixed(0)} ms (dry run: fetch, one git log pass, plan ${count} files)   peak RSS ${mb(Math.max(...action.map((s) => s.rss)))}`)
    console.log(`  floor   ${median(floor).toFixed(0)} ms  (git log --first-parent --name-only over the same history)`)
    console.log(`  ratio   ${ratio.toFixed(2)}x the floor (goal <= 1.3x)   ${ratio <= 1.3 ? 'OK' : 'OVER GOAL'}`)
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
    'batch-control': { [inputVariable('command')]: 'bad' }
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

// `npm run bench -- rollback` runs one benchmark; no argument runs all.
const only = process.argv.slice(2)
if (only.length === 0 || only.includes('cold-start')) await benchColdStart()
if (only.length === 0 || only.includes('record-batch')) await benchRecordBatch()
if (only.length === 0 || only.includes('rollback')) await benchRollback()
