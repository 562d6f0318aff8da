// The actions run under GitHub's own stand-in for the runner, @github/local-action
// (`npm run local -- <action> <env-file>`), which replaces @actions/core with its
// stub and reports the outputs the action set. An action that wrote the runner
// protocol by hand would show "No outputs were set!" here.

import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type TestRepo, createRepo, repoRoot } from './harness.js'

/** The "Action Outputs" table local-action prints: output name -> value. */
export function reportedOutputs(stdout: string): Record<string, string> {
  const at = stdout.lastIndexOf('Action Outputs')
  if (at < 0) return {}
  const out: Record<string, string> = {}
  for (const line of stdout.slice(at).split('\n')) {
    const m = /^│\s*\d+\s*│\s*'([^']+)'\s*│\s*(.*?)\s*│$/.exec(line)
    if (!m) continue
    const shown = m[2]!
    // console.table shows strings as util.inspect does: in single quotes, or double quotes when they hold one.
    out[m[1]!] = /^'.*'$/.test(shown) ? shown.slice(1, -1).replace(/\\'/g, "'") : /^".*"$/.test(shown) ? shown.slice(1, -1) : shown
  }
  return out
}

function runLocal(action: string, envFile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'local.mjs'), action, envFile], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const control = JSON.stringify(
  {
    enabled: true,
    disabled_ecosystems: [],
    circuit_breaker: {
      npm: { state: 'open', failures: 6, last_failure: '2026-03-04T11:00:00Z', opens_at: '2026-03-04T13:00:00Z' },
      pypi: { state: 'closed', failures: 0, last_failure: '', opens_at: '' }
    }
  },
  null,
  2
)

let repo: TestRepo
beforeAll(async () => {
  repo = await createRepo({ files: { 'batch-control.json': control + '\n' } })
})
afterAll(async () => repo.cleanup())

async function envFile(name: string, vars: Record<string, string>): Promise<string> {
  const file = path.join(repo.root, `${name}.env`)
  await writeFile(file, Object.entries({ GITHUB_WORKSPACE: repo.work, BATCH_OPS_NOW: '2026-03-04T12:00:00Z', ...vars }).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  return file
}

test('reportedOutputs reads the table local-action prints', () => {
  const table = [
    'Action Outputs',
    '┌─────────┬───────────────┬──────────────────┐',
    "│ 0       │ 'can-proceed' │ 'true'           │",
    `│ 1       │ 'ecosystems'  │ '["npm","pypi"]' │`,
    `│ 2       │ 'reason'      │ "it's stopped"   │`,
    '└─────────┴───────────────┴──────────────────┘'
  ].join('\n')
  expect(reportedOutputs(table)).toEqual({ 'can-proceed': 'true', ecosystems: '["npm","pypi"]', reason: "it's stopped" })
  expect(reportedOutputs('No outputs were set!')).toEqual({})
})

test('preflight-check under local-action reports its decision as outputs', async () => {
  const r = await runLocal('preflight-check', await envFile('preflight', { INPUT_ECOSYSTEMS: 'npm, pypi', INPUT_PERSIST: 'false' }))
  const outputs = reportedOutputs(r.stdout)
  expect({ code: r.code, outputs }).toMatchObject({
    code: 0,
    outputs: { 'can-proceed': 'true', ecosystems: '["pypi"]', sampling: 'false', 'batch-id': '2026-03-04-001' }
  })
  expect(JSON.parse(outputs['skipped-ecosystems']!)).toEqual({ npm: expect.stringContaining('2026-03-04T13:00:00Z') })
}, 60_000)

test('circuit-breaker check under local-action reports an open breaker as a skip', async () => {
  const r = await runLocal('circuit-breaker', await envFile('breaker', { INPUT_MODE: 'check', INPUT_ECOSYSTEM: 'npm', INPUT_PERSIST: 'false' }))
  expect({ code: r.code, outputs: reportedOutputs(r.stdout) }).toMatchObject({
    code: 0,
    outputs: { state: 'open', skip: 'true', probe: 'false', 'opens-at': '2026-03-04T13:00:00Z' }
  })
}, 60_000)

test('batch-dashboard under local-action writes the page and reports it', async () => {
  const r = await runLocal('batch-dashboard', await envFile('dashboard', { 'INPUT_OUTPUT-DIR': 'site-local', INPUT_DAYS: '7' }))
  const outputs = reportedOutputs(r.stdout)
  expect(r.code).toBe(0)
  expect(outputs.page).toBe(path.join(repo.work, 'site-local', 'index.html'))
  expect(outputs.batches).toBe('0')
  expect(r.stdout).not.toMatch(/::error/)
}, 120_000)

test('slo-alerts under local-action evaluates an empty history and reports no alert', async () => {
  const r = await runLocal('slo-alerts', await envFile('slo', {}))
  expect({ code: r.code, outputs: reportedOutputs(r.stdout) }).toMatchObject({
    code: 0,
    outputs: { alerts: '{}', opened: '0', updated: '0', closed: '0', issues: '[]' }
  })
  expect(r.stdout).not.toMatch(/::error/)
}, 60_000)
