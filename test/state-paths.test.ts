// Issue 12 item 4 against the bundled actions: a state file is never read or written through a
// committed symbolic link, and never inside .git; each refusal names the path and writes nothing.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type TestRepo, createRepo, expectExit, runAction } from './harness.ts'

const NOW = '2026-03-04T10:00:00Z'
const CONTROL = JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: {}, budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: '2026-03-02T00:00:00Z' }, batch_sequence: { date: '2026-03-04', last: 0 } }, null, 2) + '\n'

const repos: TestRepo[] = []
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

async function repoWithLink(link: string, target: string): Promise<TestRepo> {
  const r = await createRepo({ files: { 'batch-control.json': CONTROL } })
  repos.push(r)
  mkdirSync(path.dirname(path.join(r.work, link)), { recursive: true })
  symlinkSync(target, path.join(r.work, link))
  execFileSync('git', ['add', link], { cwd: r.work })
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '--quiet', '-m', 'a link'], { cwd: r.work })
  execFileSync('git', ['push', '--quiet', 'origin', 'HEAD'], { cwd: r.work })
  return r
}

function results(r: TestRepo): string {
  const file = path.join(r.root, 'results.jsonl')
  writeFileSync(file, JSON.stringify({ name: 'a', ecosystem: 'npm', result: 'failed', error: 'boom', category: 'build' }) + '\n')
  return file
}

const record = (r: TestRepo, inputs: Record<string, string>) =>
  runAction('record-batch', { cwd: r.work, inputs: { 'batch-id': '2026-03-04-001', results: results(r), ...inputs }, env: { BATCH_OPS_NOW: NOW, GITHUB_REF: 'refs/heads/main' } })

test('record-batch: a committed symlink for data/metrics pointing outside the repository: an error naming it; nothing written outside or on origin', async () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-outside-'))
  const r = await repoWithLink('data/metrics', outside)
  const head = await r.originHead()
  const run = await record(r, {})
  expectExit(run, 1)
  expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n')).toMatch(/data\/metrics is a symbolic link in commit [0-9a-f]{12} \(on the way to data\/metrics\/batch-runs\.jsonl\)/)
  expect(readdirSync(outside)).toEqual([])
  expect(await r.originHead()).toBe(head)
})

test('record-batch: a committed symlink where the failures file goes is refused', async () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-outside-'))
  const target = path.join(outside, 'victim.txt')
  writeFileSync(target, 'untouched\n')
  const r = await repoWithLink('data/failures/2026-03-04-001.jsonl', target)
  const run = await record(r, {})
  expectExit(run, 1)
  expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n')).toContain('data/failures/2026-03-04-001.jsonl is a symbolic link in commit')
  expect(readFileSync(target, 'utf8')).toBe('untouched\n')
})

test('record-batch: metrics-file: .git/config is refused, and .git/config is untouched', async () => {
  const r = await createRepo({ files: { 'batch-control.json': CONTROL } })
  repos.push(r)
  const config = readFileSync(path.join(r.work, '.git', 'config'), 'utf8')
  const head = await r.originHead()
  const run = await record(r, { 'metrics-file': '.git/config' })
  expectExit(run, 1)
  expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n')).toContain(`".git/config" is inside git's own directory (a .git segment)`)
  expect(readFileSync(path.join(r.work, '.git', 'config'), 'utf8')).toBe(config)
  expect(await r.originHead()).toBe(head)
})

test('preflight-check: a control file that is a committed symlink fails closed, naming it', async () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-outside-'))
  writeFileSync(path.join(outside, 'control.json'), CONTROL)
  const r = await repoWithLink('state/batch-control.json', path.join(outside, 'control.json'))
  const run = await runAction('preflight-check', { cwd: r.work, inputs: { 'control-file': 'state/batch-control.json' }, env: { BATCH_OPS_NOW: NOW, GITHUB_EVENT_NAME: 'schedule' } })
  expect(run.outputs['can-proceed']).not.toBe('true')
  expect(run.annotations.map((a) => a.message).join('\n')).toContain('state/batch-control.json is a symbolic link in commit')
})
