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
  const repo = await createRepo({ files: { 'batch-control.json': await readFile(path.resolve(repoRoot, '..', 'shared', 'fixtures', 'upstream', 'batch-control.initial.json'), 'utf8'), 'recipes/.keep': '' } })
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

await benchRecordBatch()
