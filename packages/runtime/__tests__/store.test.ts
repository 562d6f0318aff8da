// The git store in process, against real repositories with a local bare origin
// (docs/contract.md §3): it decides on origin's tip, commits only the files that
// changed on top of it, re-applies when the branch moved, and leaves the
// checkout's index alone.

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { type Change, type Snapshot, type StoreOptions, applyChange, backoffWait } from '@batch-ops/runtime'
import { type TestRepo, createRepo, git } from '../../../test/harness.js'

let repo: TestRepo | undefined
afterEach(async () => {
  await repo?.cleanup()
  repo = undefined
})

const who = { name: 'Store Test', email: 'store@batch-ops.invalid' }
const options = (cwd: string, extra: Partial<StoreOptions> = {}): StoreOptions => ({ cwd, persist: true, maxAttempts: 8, author: who, sleep: async () => {}, ...extra })

test('commits only the changed files on top of origin’s tip, not on the stale checkout, and fast-forwards the checkout', async () => {
  repo = await createRepo({ files: { 'state.json': '{"n":0}\n', 'keep.txt': 'keep\n', 'old/gone.txt': 'bye\n' } })
  const stale = await repo.clone()
  await repo.commitAndPush({ 'state.json': '{"n":1}\n' }, 'someone else moved the branch')
  const tip = await repo.originHead()

  const seen: Array<string | null> = []
  const outcome = await applyChange(options(stale), async (snap: Snapshot): Promise<Change<string>> => {
    seen.push(await snap.read('state.json'), await snap.read('nested/new/file.json'))
    expect(snap.commit).toBe(tip)
    return {
      files: { 'state.json': '{"n":2}\n', 'nested/new/file.json': '{"new":true}\n', 'old/gone.txt': null, 'keep.txt': 'keep\n' },
      message: 'chore(batch): test [skip ci]\n\nBatch-Ops-Action: test\n',
      result: 'ok'
    }
  })
  expect(seen).toEqual(['{"n":1}\n', null])
  expect(outcome).toMatchObject({ result: 'ok', attempts: 1, changed: ['state.json', 'nested/new/file.json', 'old/gone.txt'] })
  const head = await repo.originHead()
  expect(outcome.commit).toBe(head)
  expect((await git(['rev-parse', `${head}^`], repo.origin)).stdout.trim()).toBe(tip)
  expect((await git(['diff', '--name-status', tip, head], repo.origin)).stdout).toBe('A\tnested/new/file.json\nD\told/gone.txt\nM\tstate.json\n')
  expect((await git(['log', '-1', '--format=%an <%ae>%n%cn <%ce>', head], repo.origin)).stdout).toBe(`${who.name} <${who.email}>\n${who.name} <${who.email}>\n`)
  // The checkout was fast-forwarded to the pushed commit, clean.
  expect((await git(['rev-parse', 'HEAD'], stale)).stdout.trim()).toBe(head)
  expect((await git(['status', '--porcelain'], stale)).stdout).toBe('')
  expect(await readFile(path.join(stale, 'nested/new/file.json'), 'utf8')).toBe('{"new":true}\n')
})

test('a push rejected because the branch moved is re-applied to the new tip, with both changes kept', async () => {
  repo = await createRepo({ files: { 'list.json': '[]\n' } })
  const mine = await repo.clone({ depth: 1 })
  const rival = await repo.clone()
  const r = repo
  const logs: string[] = []
  const outcome = await applyChange(options(mine, { log: (m) => logs.push(m), random: () => 0 }), async (snap, attempt) => {
    const list = JSON.parse((await snap.read('list.json'))!) as string[]
    // The rival pushes while the first attempt is between its fetch and its push.
    if (attempt === 1) await r.commitAndPush({ 'list.json': JSON.stringify([...list, 'rival']) + '\n' }, 'rival', rival)
    return { files: { 'list.json': JSON.stringify([...list, 'mine']) + '\n' }, message: 'mine', result: attempt }
  })
  expect(outcome).toMatchObject({ result: 2, attempts: 2 })
  expect(await repo.readOrigin('list.json')).toBe('["rival","mine"]\n')
  expect(logs).toHaveLength(1)
  expect(logs[0]).toMatch(/^Push to origin main rejected \(attempt 1\/8\): the branch moved\. Re-applying the change to the new state in \d+ ms\.$/)
  expect((await git(['log', '--format=%s', 'main'], repo.origin)).stdout).toBe('mine\nrival\ninitial commit\n')
})

test('works from a linked worktree, whose FETCH_HEAD is its own, and never touches the real index', async () => {
  repo = await createRepo({ files: { 'a.json': '{}\n', 'b.txt': 'b\n' } })
  const wt = path.join(repo.root, 'linked')
  await git(['worktree', 'add', '--quiet', '-b', 'side', wt, 'main'], repo.work)
  execFileSync('sh', ['-c', 'echo side > side.txt && git add side.txt && git commit --quiet -m "side moves on" && git push --quiet origin side'], { cwd: wt })
  // The main checkout's FETCH_HEAD names main's tip; the worktree must read its own.
  await git(['fetch', '--quiet', 'origin', 'main'], repo.work)
  // Something staged in the checkout stays staged, and is not committed.
  execFileSync('sh', ['-c', 'echo staged > b.txt && git add b.txt'], { cwd: wt })
  const outcome = await applyChange(options(wt), async (snap) => ({ files: { 'a.json': `{"was":${JSON.stringify(await snap.read('a.json'))}}\n` }, message: 'm', result: null }))
  expect(outcome.attempts).toBe(1)
  expect((await git(['log', '--format=%s', 'side'], repo.origin)).stdout).toBe('m\nside moves on\ninitial commit\n')
  expect(await git(['show', 'side:a.json'], repo.origin).then((r) => r.stdout)).toBe('{"was":"{}\\n"}\n')
  expect(await git(['show', 'side:b.txt'], repo.origin).then((r) => r.stdout)).toBe('b\n')
  expect((await git(['diff', '--cached', '--name-only'], wt)).stdout).toBe('b.txt\n')
})

test('the wait after a rejection: 1 to 4 slots, doubling with each rejection, never over the cap', () => {
  const slot = 200
  expect([1, 2, 3, 4].map((k) => backoffWait(k, slot, 0, 30_000))).toEqual([200, 400, 800, 1600])
  expect([1, 2, 3, 4].map((k) => backoffWait(k, slot, 1, 30_000))).toEqual([800, 1600, 3200, 6400])
  expect(backoffWait(8, slot, 1, 30_000)).toBe(30_000)
})

test('a pre-receive hook that refuses with “cannot lock ref” is reported at once with its words, not retried as if the branch had moved (issue 12 item 12)', async () => {
  repo = await createRepo({ files: { 'state.json': '{"n":0}\n' } })
  const hook = path.join(repo.origin, 'hooks', 'pre-receive')
  const { writeFile, chmod } = await import('node:fs/promises')
  await writeFile(hook, '#!/bin/sh\necho "error: cannot lock ref by policy: batch-ops may not push here" >&2\nexit 1\n')
  await chmod(hook, 0o755)
  const before = await repo.originHead()
  let applied = 0
  const err = await applyChange(options(repo.work), async () => {
    applied++
    return { files: { 'state.json': '{"n":1}\n' }, message: 'chore: n', result: 'ok' }
  }).catch((e: unknown) => e as Error)
  expect(applied).toBe(1)
  expect((err as Error).message).toContain('the branch has not moved since')
  expect((err as Error).message).toContain('declined')
  expect((err as Error).message).not.toMatch(/kept moving/)
  expect(await repo.originHead()).toBe(before)
})

test('git fetch and push against a remote that never answers are stopped after BATCH_OPS_GIT_TIMEOUT seconds (issue 12 item 3)', async () => {
  repo = await createRepo({ files: { 'state.json': '{"n":0}\n' } })
  // An "ssh" that connects and then says nothing: the remote accepts and never answers.
  const { writeFile, chmod } = await import('node:fs/promises')
  const silent = path.join(repo.work, '..', 'silent-ssh')
  await writeFile(silent, '#!/bin/sh\nexec sleep 600\n')
  await chmod(silent, 0o755)
  execFileSync('git', ['remote', 'set-url', 'origin', 'ssh://git@127.0.0.1/registry.git'], { cwd: repo.work })
  const saved = { ssh: process.env.GIT_SSH_COMMAND, t: process.env.BATCH_OPS_GIT_TIMEOUT }
  process.env.GIT_SSH_COMMAND = silent
  process.env.BATCH_OPS_GIT_TIMEOUT = '1'
  try {
    const started = Date.now()
    const err = await applyChange(options(repo.work), async () => ({ files: { 'state.json': '{"n":1}\n' }, message: 'm', result: 'ok' })).catch((e: unknown) => e as Error)
    expect((err as Error).message).toMatch(/git fetch origin refs\/heads\/\S+ did not finish within 1 s and was stopped/)
    expect((err as Error).message).toContain('BATCH_OPS_GIT_TIMEOUT')
    // Not a timed assertion on speed: only that it did not wait for the hung remote's 600 s.
    expect(Date.now() - started).toBeLessThan(120_000)
  } finally {
    for (const [k, v] of [['GIT_SSH_COMMAND', saved.ssh], ['BATCH_OPS_GIT_TIMEOUT', saved.t]] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
})

describe('symbolic links and .git segments (issue 12 item 4)', () => {

  async function withLink(link: string, target: string): Promise<{ r: TestRepo; outside: string }> {
    const r = await createRepo({ files: { 'batch-control.json': '{}\n' } })
    const outside = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-outside-'))
    mkdirSync(path.dirname(path.join(r.work, link)), { recursive: true })
    symlinkSync(target === '<outside>' ? outside : target, path.join(r.work, link))
    execFileSync('git', ['add', link], { cwd: r.work })
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '--quiet', '-m', 'a link'], { cwd: r.work })
    execFileSync('git', ['push', '--quiet', 'origin', 'HEAD'], { cwd: r.work })
    return { r, outside }
  }

  test('a committed symlink directory on the way to a state file is an error naming it; nothing is written, outside or on origin', async () => {
    const { r, outside } = await withLink('data/metrics', '<outside>')
    repo = r
    const head = await r.originHead()
    const err = await applyChange(options(r.work), async () => ({ files: { 'data/metrics/batch-runs.jsonl': '{"x":1}\n' }, message: 'm', result: 'ok' })).catch((e: unknown) => e as Error)
    expect((err as Error).message).toMatch(/^data\/metrics is a symbolic link in commit [0-9a-f]{12} \(on the way to data\/metrics\/batch-runs\.jsonl\); batch-ops does not follow symbolic links/)
    expect(readdirSync(outside)).toEqual([])
    expect(await r.originHead()).toBe(head)
  })

  test('a committed symlink where the state file should be is an error naming it', async () => {
    const { r, outside } = await withLink('data/failures/2026-03-02-001.jsonl', '/etc/hostname')
    repo = r
    const err = await applyChange(options(r.work), async () => ({ files: { 'data/failures/2026-03-02-001.jsonl': 'x\n' }, message: 'm', result: 'ok' })).catch((e: unknown) => e as Error)
    expect((err as Error).message).toContain('data/failures/2026-03-02-001.jsonl is a symbolic link in commit')
    expect(readdirSync(outside)).toEqual([])
  })

  test('persist: false, a symlink in the working tree: refused before reading or writing through it', async () => {
    const { r, outside } = await withLink('data/metrics', '<outside>')
    repo = r
    const err = await applyChange(options(r.work, { persist: false }), async () => ({ files: { 'data/metrics/batch-runs.jsonl': 'y\n' }, message: 'm', result: 'ok' })).catch((e: unknown) => e as Error)
    expect((err as Error).message).toContain('data/metrics is a symbolic link (on the way to data/metrics/batch-runs.jsonl)')
    expect(readdirSync(outside)).toEqual([])
  })

  test.each(['.git/config', 'data/.git/x', '.GIT/hooks/pre-commit'])('a path with a .git segment is refused: %s', async (file) => {
    repo = await createRepo({ files: { 'batch-control.json': '{}\n' } })
    const config = readFileSync(path.join(repo.work, '.git', 'config'), 'utf8')
    for (const persist of [true, false]) {
      const err = await applyChange(options(repo.work, { persist }), async () => ({ files: { [file]: '[core]\n' }, message: 'm', result: 'ok' })).catch((e: unknown) => e as Error)
      expect((err as Error).message).toContain(`is inside git's own directory (a .git segment)`)
    }
    expect(readFileSync(path.join(repo.work, '.git', 'config'), 'utf8')).toBe(config)
  })
})

test('pushed, but the checkout cannot follow (an untracked symlink where the new directory goes): a warning naming the commit, not a failed step', async () => {
  repo = await createRepo({ files: { 'batch-control.json': '{}\n' } })
  const outside = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-outside-'))
  symlinkSync(outside, path.join(repo.work, 'data'))
  const logs: string[] = []
  const outcome = await applyChange(options(repo.work, { log: (m) => logs.push(m) }), async () => ({ files: { 'data/m.jsonl': '{"x":1}\n' }, message: 'm', result: 'ok' }))
  expect(outcome.commit).toBe(await repo.originHead())
  expect(await repo.readOrigin('data/m.jsonl')).toBe('{"x":1}\n')
  expect(logs.join('\n')).toMatch(/The change is pushed to origin main as [0-9a-f]{12}, but this checkout could not be brought up to date \(data is a symbolic link/)
  expect(readdirSync(outside)).toEqual([])
})

test('a state file under a path that is a committed file: an error naming it, not a silent replacement', async () => {
  repo = await createRepo({ files: { 'batch-control.json': '{}\n', state: 'a file\n' } })
  const head = await repo.originHead()
  const err = await applyChange(options(repo.work), async () => ({ files: { 'state/x.json': '{}\n' }, message: 'm', result: 'ok' })).catch((e: unknown) => e as Error)
  expect((err as Error).message).toMatch(/^state is a file in commit [0-9a-f]{12}, so state\/x\.json cannot be a state file under it/)
  expect(await repo.originHead()).toBe(head)
})

test('a workspace reached through a symlink (GITHUB_WORKSPACE not resolved) commits as usual', async () => {
  repo = await createRepo({ files: { 'batch-control.json': '{}\n' } })
  const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-ops-link-')), 'ws')
  symlinkSync(repo.work, link)
  const outcome = await applyChange(options(link), async () => ({ files: { 'batch-control.json': '{"n":1}\n' }, message: 'm', result: 'ok' }))
  expect(outcome.commit).toBe(await repo.originHead())
  expect(await repo.readOrigin('batch-control.json')).toBe('{"n":1}\n')
})
