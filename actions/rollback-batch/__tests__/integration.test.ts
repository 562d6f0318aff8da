// rollback-batch end to end: the bundled action (dist/index.js) in a child process,
// as the runner starts it, against real git repositories with a local bare origin
// and the pull-request endpoints of the GitHub REST API as a fake on 127.0.0.1. docs/contract.md §7.

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type ActionRun, type TestRepo, createRepo, expectExit, git, realGit, runAction } from '../../../test/harness.js'
import { type FakePullsApi, type FakePullsOptions, type FakeServer, fakePullsApi } from '../../../test/fakes.js'

const ID = '2026-02-17-001'
const TEN = '2026-02-17-0010'
const BRANCH = `rollback-batch-${ID}`
const REASON = 'recipes broke the macOS builds'
const TOKEN = 'ghs_FAKEtokenForRollback0123456789'
const ACTOR = 'octocat'
const RUN_ID = '777'
const RUN_URL = `https://github.com/acme/recipes/actions/runs/${RUN_ID}`
const CONTROL = 'batch-control.json'
const METRICS = 'data/metrics/batch-runs.jsonl'
/** The clock of every run: a fortnight after the batches these tests roll back. */
const NOW = '2026-03-02T12:00:00Z'

/** Where a rollback runs: a depth-1 clone (actions/checkout's default) or a full one. */
type CloneKind = 'depth-1' | 'full'
const CLONES: CloneKind[] = ['depth-1', 'full']

// Bytes git treats as binary (a NUL), with no final newline; and non-ASCII UTF-8 without one.
const BLOB_BEFORE = Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0d, 0x0a, 0x80, 0x00, 0x7f, 0xc3, 0x28])
const BLOB_BATCH = Buffer.from([0x00, 0x02, 0xff, 0x0d])
const UNICODE_BEFORE = 'näme = "ünïcødé ✓ 🍺"\r\nversion = "1.0"'
const MOD_BEFORE = 'name = "mod"\nversion = "1.0"\n'
const GONE_BEFORE = 'name = "gone"\n\n\n'
// Names git would quote or a pathspec would glob.
const ODD = 'recipes/sp ace ü.toml'
const GLOB = 'recipes/[x]*.toml'

const baseFiles = (): Record<string, string> => ({
  [CONTROL]: JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: {} }, null, 2) + '\n',
  [METRICS]: '{"batch_id":"2026-02-16-001"}\n',
  'data/failures/2026-02-16-001.jsonl': '{"recipe":"old"}\n',
  'recipes/keep.toml': 'name = "keep"\n',
  'recipes/mod.toml': MOD_BEFORE,
  'recipes/gone.toml': GONE_BEFORE,
  'recipes/unicode.toml': UNICODE_BEFORE,
  [ODD]: 'odd = "before"\n',
  'docs/guide.md': '# guide\n'
})

// ---------------------------------------------------------------------------
// fixtures

const repos: TestRepo[] = []
const servers: FakeServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})
async function repoWith(files: Record<string, string> = baseFiles()): Promise<TestRepo> {
  const repo = await createRepo({ files })
  repos.push(repo)
  return repo
}
async function api(opts: FakePullsOptions = {}): Promise<FakePullsApi> {
  const s = await fakePullsApi(opts)
  servers.push(s)
  return s
}

/**
 * Writes (string or bytes) or deletes (null) files in `dir` and commits them there with `message`,
 * dated `when` (author and committer; default: now); returns the commit.
 */
async function localCommit(dir: string, changes: Record<string, string | Buffer | null>, message: string, when?: string): Promise<string> {
  for (const [file, content] of Object.entries(changes)) {
    const abs = path.join(dir, file)
    if (content === null) await rm(abs)
    else {
      await mkdir(path.dirname(abs), { recursive: true })
      await writeFile(abs, content)
    }
  }
  await git(['add', '--all'], dir)
  await git(['commit', '--quiet', '--allow-empty', '-m', message], dir, when ? { env: { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when } } : {})
  return (await git(['rev-parse', 'HEAD'], dir)).stdout.trim()
}

/** localCommit in `dir` (default: work), pushed to origin's branch; returns the commit. */
async function commit(repo: TestRepo, changes: Record<string, string | Buffer | null>, message: string, dir = repo.work, when?: string): Promise<string> {
  const sha = await localCommit(dir, changes, message, when)
  await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${repo.branch}`], dir)
  return sha
}

interface Standard {
  repo: TestRepo
  /** The last commit before the batch. */
  pre: string
  batch1: string
  batch2: string
  ten: string
  state: string
}

/**
 * base → a binary file → batch 001 (batch_id line) → batch 001 follow-up (Batch-Id trailer)
 * → docs → batch 0010 → the state commit record-batch makes (metrics, control file).
 */
async function standard(): Promise<Standard> {
  const repo = await repoWith()
  const pre = await commit(repo, { 'recipes/blob.bin': BLOB_BEFORE }, 'chore: add a binary recipe asset')
  const batch1 = await commit(
    repo,
    {
      'recipes/new.toml': 'name = "new"\n',
      'recipes/mod.toml': 'name = "mod"\nversion = "2.0-broken"\n',
      'recipes/gone.toml': null,
      'recipes/unicode.toml': 'näme = "changed"\n',
      'recipes/blob.bin': BLOB_BATCH,
      [ODD]: 'odd = "batch"\n',
      [GLOB]: 'glob = true\n',
      [`data/failures/${ID}.jsonl`]: '{"recipe":"new","batch_id":"2026-02-17-001"}\n',
      [METRICS]: '{"batch_id":"2026-02-16-001"}\n{"batch_id":"2026-02-17-001"}\n',
      [CONTROL]: JSON.stringify({ enabled: true, disabled_ecosystems: ['npm'], circuit_breaker: {} }, null, 2) + '\n'
    },
    `feat(recipes): batch ${ID}\n\n6 recipes updated.\n\nbatch_id: ${ID}`
  )
  const batch2 = await commit(
    repo,
    { 'recipes/new.toml': 'name = "new"\nfixed = true\n', 'recipes/sub/deep.toml': 'name = "deep"\n' },
    `fix(recipes): follow-up\n\nBatch-Id: ${ID}`
  )
  await commit(repo, { 'docs/guide.md': '# guide\n\nmore\n' }, 'docs: unrelated')
  const ten = await commit(repo, { 'recipes/ten.toml': 'name = "ten"\n', 'recipes/keep.toml': 'name = "keep"\nby = "0010"\n' }, `feat(recipes): batch ${TEN}\n\nbatch_id: ${TEN}`)
  const state = await commit(
    repo,
    { [METRICS]: '{"batch_id":"2026-02-16-001"}\n{"batch_id":"2026-02-17-001"}\n{"batch_id":"2026-02-17-0010"}\n', 'data/failures/2026-02-17-0010.jsonl': '{}\n' },
    `chore(batch): record ${TEN} [skip ci]`
  )
  return { repo, pre, batch1, batch2, ten, state }
}

const STANDARD_FILES = [
  { path: GLOB, action: 'delete' },
  { path: 'recipes/blob.bin', action: 'restore' },
  { path: 'recipes/gone.toml', action: 'restore' },
  { path: 'recipes/mod.toml', action: 'restore' },
  { path: 'recipes/new.toml', action: 'delete' },
  { path: ODD, action: 'restore' },
  { path: 'recipes/sub/deep.toml', action: 'delete' },
  { path: 'recipes/unicode.toml', action: 'restore' }
]

interface RollbackOptions {
  api?: FakeServer
  env?: Record<string, string | undefined>
}
function rollback(cwd: string, inputs: Record<string, string>, o: RollbackOptions = {}): Promise<ActionRun> {
  return runAction('rollback-batch', {
    cwd,
    inputs: { 'github-token': TOKEN, reason: REASON, ...inputs },
    env: {
      // Without a fake, a port nothing listens on: any request fails.
      GITHUB_API_URL: o.api?.url ?? 'http://127.0.0.1:9',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/recipes',
      GITHUB_ACTOR: ACTOR,
      GITHUB_RUN_ID: RUN_ID,
      BATCH_OPS_NOW: NOW,
      ...o.env
    },
    timeoutMs: 60_000
  })
}

// ---------------------------------------------------------------------------
// helpers over origin

/** Every ref of origin with its object, sorted. */
const originRefs = async (repo: TestRepo): Promise<string> => (await git(['for-each-ref', '--format=%(refname) %(objectname)'], repo.origin)).stdout
const rollbackBranches = async (repo: TestRepo): Promise<string[]> =>
  (await git(['for-each-ref', '--format=%(refname)', 'refs/heads/rollback-*'], repo.origin)).stdout.split('\n').filter(Boolean)
const rev = async (repo: TestRepo, spec: string): Promise<string> => (await git(['rev-parse', '--verify', spec], repo.origin)).stdout.trim()
/** The blob of `file` at `ref` on origin, or null when absent. */
async function blobAt(repo: TestRepo, ref: string, file: string): Promise<string | null> {
  const r = await git(['rev-parse', '--verify', '--quiet', `${ref}:${file}`], repo.origin, { allowFail: true })
  return r.code === 0 ? r.stdout.trim() : null
}
/** The bytes of `file` at `ref` on origin. */
const bytesAt = (repo: TestRepo, ref: string, file: string): Buffer => execFileSync(realGit(), ['cat-file', 'blob', `${ref}:${file}`], { cwd: repo.origin })
/** Paths that differ between two commits on origin. */
async function changedBetween(repo: TestRepo, a: string, b: string): Promise<string[]> {
  return (await git(['diff', '-z', '--no-renames', '--name-only', a, b], repo.origin)).stdout.split('\0').filter(Boolean).sort()
}
/** Trailers of a commit on origin, in order. */
async function trailersOf(repo: TestRepo, ref: string): Promise<Array<[string, string]>> {
  const message = (await git(['log', '-1', '--format=%B', ref], repo.origin)).stdout
  const parsed = (await git(['interpret-trailers', '--parse'], repo.origin, { input: message })).stdout
  return parsed
    .split('\n')
    .filter(Boolean)
    .map((l): [string, string] => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)])
}
const filesOutput = (r: ActionRun): unknown => JSON.parse(r.outputs.files ?? 'null')
const conflictsOutput = (r: ActionRun): Array<{ path: string; action: string; later: Array<{ sha: string; subject: string }> }> =>
  JSON.parse(r.outputs.conflicts ?? 'null')
const errors = (r: ActionRun): string => r.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n')

/** A git on PATH that logs every invocation (one line each) before running the real one. */
async function loggingGit(repo: TestRepo): Promise<{ env: Record<string, string>; calls(): Promise<string[]> }> {
  const dir = await mkdtemp(path.join(repo.root, 'git-log-'))
  const log = path.join(dir, 'calls.log')
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  await writeFile(path.join(dir, 'git'), ['#!/bin/sh', `printf '%s\\n' "git $*" >> ${q(log)}`, `exec ${q(realGit())} "$@"`, ''].join('\n'), { mode: 0o755 })
  return {
    env: { PATH: [dir, process.env.PATH ?? ''].join(path.delimiter) },
    calls: async () => (existsSync(log) ? (await readFile(log, 'utf8')).split('\n').filter(Boolean) : [])
  }
}

// ---------------------------------------------------------------------------

describe('the batch ID is checked before any git command runs', () => {
  test('the logging git sees a valid run (so an empty log below means something)', async () => {
    const { repo } = await standard()
    const logged = await loggingGit(repo)
    const r = await rollback(repo.work, { 'batch-id': ID, 'dry-run': 'true' }, { env: logged.env })
    expectExit(r, 0)
    const calls = await logged.calls()
    expect(calls.some((c) => c.startsWith('git log '))).toBe(true)
    expect(calls.some((c) => c.startsWith('git fetch '))).toBe(true)
  })

  const hostile: Array<[string, string, string | undefined]> = [
    ['a regex', '.*', undefined],
    ['a year', '2026', undefined],
    ['a shell command', 'x; rm -rf /', undefined],
    ['an embedded newline', `${ID}\nbatch_id: ${TEN}`, undefined],
    ['a path escape', '../x', undefined],
    ['an option', '--upload-pack=touch /tmp/pwned', undefined],
    ['a command substitution', '$(touch pwned)', undefined],
    ['a longer number', '2026-02-17-0001', undefined],
    // A permissive pattern does not let unsafe characters through.
    ['a path escape under pattern .*', '../x', '.*'],
    ['a shell command under pattern .*', 'x; rm -rf /', '.*'],
    ['an embedded newline under pattern .*', `${ID}\n${TEN}`, '[\\s\\S]*'],
    ['an option under pattern .*', '-x', '.*'],
    ['a slash under pattern .*', `${ID}/../../x`, '.*'],
    ['an invalid pattern', ID, '(']
  ]
  test.each(hostile)('%s is refused: non-zero, a clear error, no git command, nothing anywhere', async (_name, id, pattern) => {
    const repo = await repoWith()
    const server = await api()
    const logged = await loggingGit(repo)
    const before = await originRefs(repo)
    const inputs: Record<string, string> = { 'batch-id': id }
    if (pattern !== undefined) inputs['batch-id-pattern'] = pattern
    const r = await rollback(repo.work, inputs, { api: server, env: logged.env })
    expectExit(r, 'non-zero')
    expect(await logged.calls()).toEqual([])
    expect(errors(r)).toMatch(pattern === '(' ? /batch-id-pattern' is not a valid regular expression/ : /input 'batch-id' .* does not match the batch ID pattern/s)
    expect(r.summary).toMatch(/invalid input/)
    expect(r.outputs).toMatchObject({ count: '0', files: '[]', branch: '', 'pr-number': '' })
    expect(server.requests).toEqual([])
    expect(await originRefs(repo)).toBe(before)
    expect(existsSync(path.join(repo.work, 'pwned'))).toBe(false)
  })
})

// Every rollback below runs twice: from a depth-1 clone (what actions/checkout makes by default, so
// the action fetches the history it needs) and from a full clone. The answers are the same.
describe.each(CLONES)('from a %s clone', (kind) => {
  const clone = (repo: TestRepo): Promise<string> => repo.clone(kind === 'depth-1' ? { depth: 1 } : {})

  describe('a rollback', () => {
    test('deletes what the batch added, restores what it modified or deleted byte for byte, and nothing else', async () => {
      const { repo, pre, batch1, batch2, state } = await standard()
      const server = await api()
      const cwd = await clone(repo)
      const r = await rollback(cwd, { 'batch-id': ID, reviewers: 'alice' }, { api: server })
      expectExit(r, 0)
      expect(filesOutput(r)).toEqual(STANDARD_FILES)
      expect(r.outputs).toMatchObject({ count: String(STANDARD_FILES.length), conflicts: '[]', branch: BRANCH, 'pr-number': '1', 'pr-url': 'https://github.com/acme/recipes/pull/1' })

      // origin's base branch is untouched: the rollback is a pull request.
      expect(await repo.originHead()).toBe(state)
      const tip = `refs/heads/${BRANCH}`
      // One commit on top of the base tip.
      expect(await rev(repo, `${tip}^`)).toBe(state)
      expect((await git(['rev-list', '--count', `${state}..${tip}`], repo.origin)).stdout.trim()).toBe('1')
      // Only the batch's files under paths changed; failure records, metrics, the control file, 0010's files stay.
      expect(await changedBetween(repo, state, tip)).toEqual(STANDARD_FILES.map((f) => f.path))
      for (const f of [CONTROL, METRICS, `data/failures/${ID}.jsonl`, 'data/failures/2026-02-17-0010.jsonl', 'recipes/ten.toml', 'recipes/keep.toml', 'docs/guide.md']) {
        expect(await blobAt(repo, tip, f)).toBe(await blobAt(repo, state, f))
      }
      // Added → gone; modified and deleted → exactly as before the batch.
      expect(await blobAt(repo, tip, 'recipes/new.toml')).toBeNull()
      expect(await blobAt(repo, tip, 'recipes/sub/deep.toml')).toBeNull()
      expect(await blobAt(repo, tip, GLOB)).toBeNull()
      for (const f of ['recipes/blob.bin', 'recipes/gone.toml', 'recipes/mod.toml', 'recipes/unicode.toml', ODD]) {
        expect(await blobAt(repo, tip, f)).toBe(await blobAt(repo, pre, f))
      }
      expect(bytesAt(repo, tip, 'recipes/blob.bin').equals(BLOB_BEFORE)).toBe(true)
      expect(bytesAt(repo, tip, 'recipes/unicode.toml').equals(Buffer.from(UNICODE_BEFORE, 'utf8'))).toBe(true)
      expect(bytesAt(repo, tip, 'recipes/gone.toml').toString('utf8')).toBe(GONE_BEFORE)
      expect(bytesAt(repo, tip, 'recipes/mod.toml').toString('utf8')).toBe(MOD_BEFORE)
      // File modes too.
      const modes = (ref: string): string => execFileSync(realGit(), ['ls-tree', ref, '--', 'recipes/blob.bin', 'recipes/mod.toml'], { cwd: repo.origin, encoding: 'utf8' })
      expect(modes(tip)).toBe(modes(pre))

      // The pull request: opened once, labelled, no reviewers (8 ≤ 10), a body the reviewer needs nothing else for.
      expect(server.calls('create')).toHaveLength(1)
      expect(server.calls('create')[0]!.body).toMatchObject({ head: BRANCH, base: 'main' })
      expect(server.calls('create')[0]!.headers.authorization).toMatch(new RegExp(TOKEN))
      expect(server.calls('reviewers')).toEqual([])
      expect(server.pulls).toHaveLength(1)
      const pr = server.pulls[0]!
      expect(pr).toMatchObject({ number: 1, head: BRANCH, base: 'main', state: 'open', labels: ['rollback'], reviewers: [] })
      expect(pr.title).toContain(ID)
      expect(pr.title).toContain(REASON)
      for (const f of STANDARD_FILES) expect(pr.body).toContain(f.path)
      for (const s of [batch1, batch2]) expect(pr.body).toContain(s.slice(0, 7))
      expect(pr.body).toContain(REASON)
      expect(pr.body).toContain(`@${ACTOR}`)
      expect(pr.body).toContain(RUN_URL)
      expect(pr.body).toMatch(/3 deleted, 5 restored, 0 conflict/)
      expect(pr.body).not.toContain('recipes/ten.toml')
      expect(r.summary).toContain('[\\#&#8288;1](https://github.com/acme/recipes/pull/1)')
    })

    test('the rollback commit: subject, Rollback-Of and Reason trailers, the bot as author, parent = base tip', async () => {
      const { repo, state } = await standard()
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(r, 0)
      const tip = `refs/heads/${BRANCH}`
      const [subject, parents, author] = (await git(['log', '-1', '--format=%s%x00%P%x00%an <%ae>', tip], repo.origin)).stdout.trim().split('\0')
      expect(subject).toBe(`chore: rollback batch ${ID}`)
      expect(parents).toBe(state)
      expect(author).toBe('github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>')
      const trailers = await trailersOf(repo, tip)
      expect(trailers).toEqual(expect.arrayContaining([['Rollback-Of', ID], ['Reason', REASON]]))
      expect(trailers.filter(([k]) => k === 'Rollback-Of')).toHaveLength(1)
      // A rollback commit is not itself part of the batch it rolls back.
      const message = (await git(['log', '-1', '--format=%B', tip], repo.origin)).stdout
      expect(message).not.toMatch(new RegExp(`^(batch_id|Batch-Id): ${ID}$`, 'm'))
    })

    test(`${ID} never matches ${TEN}: rolling back 001 leaves 0010's files alone, and the other way round`, async () => {
      const { repo, ten, state } = await standard()
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(r, 0)
      const paths = (filesOutput(r) as Array<{ path: string }>).map((f) => f.path)
      expect(paths).not.toContain('recipes/ten.toml')
      expect(paths).not.toContain('recipes/keep.toml')
      expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/ten.toml')).toBe(await blobAt(repo, state, 'recipes/ten.toml'))
      expect(r.summary).not.toContain(ten.slice(0, 7))

      // 0010 has four digits: a pattern that allows them.
      const t = await rollback(await clone(repo), { 'batch-id': TEN, 'batch-id-pattern': '^\\d{4}-\\d{2}-\\d{2}(-\\d{3,4})?$', 'dry-run': 'true' })
      expectExit(t, 0)
      expect(filesOutput(t)).toEqual([
        { path: 'recipes/keep.toml', action: 'restore' },
        { path: 'recipes/ten.toml', action: 'delete' }
      ])
    })
  })

  describe('only the first-parent history of base', () => {
    test("a batch line inside a merged side branch is not searched; a merge commit's own batch line is, with its first-parent diff", async () => {
      const repo = await repoWith()
      const w = repo.work
      const g = (args: string[]): Promise<unknown> => git(args, w)
      // Side branch 1: a commit marked with the batch, merged by a merge commit without the line.
      await g(['checkout', '--quiet', '-b', 'side1'])
      await localCommit(w, { 'recipes/side1.toml': 'side1\n' }, `feat: side work\n\nbatch_id: ${ID}`)
      await g(['checkout', '--quiet', 'main'])
      await localCommit(w, { 'docs/guide.md': 'main moves\n' }, 'docs: main moves')
      await g(['merge', '--quiet', '--no-ff', '-m', 'Merge branch side1', 'side1'])
      // Side branch 2: unmarked work, merged by a merge commit that carries the line.
      await g(['checkout', '--quiet', '-b', 'side2'])
      await localCommit(w, { 'recipes/side2.toml': 'side2\n', 'recipes/mod.toml': 'side2 edit\n' }, 'feat: unmarked side work')
      await g(['checkout', '--quiet', 'main'])
      const beforeMerge2 = (await git(['rev-parse', 'HEAD'], w)).stdout.trim()
      await g(['merge', '--quiet', '--no-ff', '-m', `Merge batch ${ID}\n\nbatch_id: ${ID}`, 'side2'])
      await g(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'])
      const merge2 = (await git(['rev-parse', 'HEAD'], w)).stdout.trim()
      expect(await repo.originHead()).toBe(merge2)

      const r = await rollback(await clone(repo), { 'batch-id': ID, 'dry-run': 'true' })
      expectExit(r, 0)
      expect(filesOutput(r)).toEqual([
        { path: 'recipes/mod.toml', action: 'restore' },
        { path: 'recipes/side2.toml', action: 'delete' }
      ])
      expect(r.summary).toContain(merge2.slice(0, 7))

      const server = await api()
      expectExit(await rollback(await clone(repo), { 'batch-id': ID }, { api: server }), 0)
      expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/mod.toml')).toBe(await blobAt(repo, beforeMerge2, 'recipes/mod.toml'))
      expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/side1.toml')).not.toBeNull()
    })
  })

  describe('conflicts', () => {
    async function withLaterEdit(): Promise<Standard & { later: string }> {
      const s = await standard()
      const later = await commit(s.repo, { 'recipes/mod.toml': 'name = "mod"\nversion = "2.1-hotfix"\n' }, 'fix(mod): hotfix after the batch')
      return { ...s, later }
    }

    test('a file changed after the batch is reported and left alone; force rolls it back too', async () => {
      const { repo, pre, later } = await withLaterEdit()
      const server = await api()
      const cwd = await clone(repo)
      const tip = `refs/heads/${BRANCH}`

      const r = await rollback(cwd, { 'batch-id': ID }, { api: server })
      expectExit(r, 0)
      expect(conflictsOutput(r)).toEqual([{ path: 'recipes/mod.toml', action: 'restore', later: [{ sha: later, subject: 'fix(mod): hotfix after the batch' }] }])
      expect(filesOutput(r)).toEqual(STANDARD_FILES.filter((f) => f.path !== 'recipes/mod.toml'))
      expect(r.outputs.count).toBe(String(STANDARD_FILES.length - 1))
      expect(r.summary).toContain('Conflicts: left alone')
      expect(r.summary).toMatch(/`recipes\/mod\.toml`.*fix\(mod\): hotfix after the batch/)
      expect(r.annotations.some((a) => a.level === 'warning' && a.message.includes('recipes/mod.toml') && a.message.includes('left alone'))).toBe(true)
      // Not in the rollback commit: the hotfix stays.
      expect(await changedBetween(repo, later, tip)).not.toContain('recipes/mod.toml')
      expect(await blobAt(repo, tip, 'recipes/mod.toml')).toBe(await blobAt(repo, later, 'recipes/mod.toml'))
      expect(server.pulls[0]!.body).toContain('Conflicts: left alone')

      const f = await rollback(cwd, { 'batch-id': ID, force: 'true' }, { api: server })
      expectExit(f, 0)
      expect(filesOutput(f)).toEqual(STANDARD_FILES)
      expect(conflictsOutput(f).map((c) => c.path)).toEqual(['recipes/mod.toml'])
      expect(f.outputs.count).toBe(String(STANDARD_FILES.length))
      expect(await blobAt(repo, tip, 'recipes/mod.toml')).toBe(await blobAt(repo, pre, 'recipes/mod.toml'))
      expect(await changedBetween(repo, later, tip)).toEqual(STANDARD_FILES.map((x) => x.path))
      expect(f.summary).toMatch(/changed after the batch; forced/)
      // Still one pull request, now describing the forced rollback.
      expect(server.pulls).toHaveLength(1)
      expect(server.pulls[0]!.body).toMatch(/1 conflict\(s\) \(rolled back: force\)/)
    })

    test('every file conflicting and no force: non-zero, no branch', async () => {
      const repo = await repoWith()
      await commit(repo, { 'recipes/mod.toml': 'batch\n' }, `feat: batch\n\nbatch_id: ${ID}`)
      await commit(repo, { 'recipes/mod.toml': 'later\n' }, 'fix: later')
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(r, 'non-zero')
      expect(errors(r)).toMatch(/changed after it \(1 conflicts\); nothing was rolled back/)
      expect(await rollbackBranches(repo)).toEqual([])
      expect(server.requests).toEqual([])
    })
  })

  describe('the manifest', () => {
    const SQUASH = '2026-02-18-001'

    test('a squash-merged batch (no batch line) is found through the manifest it adds, for the files it lists only', async () => {
      const repo = await repoWith()
      const pre = await repo.originHead()
      const manifest = {
        schema_version: 1,
        batch_id: SQUASH,
        created_at: '2026-02-18T10:00:00Z',
        base_ref: 'main',
        base_commit: pre,
        head_commit: 'f'.repeat(40),
        paths: ['recipes/'],
        files: [
          { path: `data/failures/${SQUASH}.jsonl`, status: 'A' },
          { path: 'recipes/gone.toml', status: 'D' },
          { path: 'recipes/mod.toml', status: 'M' },
          { path: 'recipes/s1.toml', status: 'A' }
        ]
      }
      const squash = await commit(
        repo,
        {
          [`data/batches/${SQUASH}.json`]: JSON.stringify(manifest, null, 2) + '\n',
          'recipes/s1.toml': 's1\n',
          'recipes/mod.toml': 'squashed\n',
          'recipes/gone.toml': null,
          'recipes/unlisted.toml': 'not in the manifest\n',
          [`data/failures/${SQUASH}.jsonl`]: '{}\n'
        },
        `Batch ${SQUASH} (#12)\n\n* feat(recipes): update\n* chore: record`
      )
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': SQUASH }, { api: server })
      expectExit(r, 0)
      expect(filesOutput(r)).toEqual([
        { path: 'recipes/gone.toml', action: 'restore' },
        { path: 'recipes/mod.toml', action: 'restore' },
        { path: 'recipes/s1.toml', action: 'delete' }
      ])
      const tip = `refs/heads/rollback-batch-${SQUASH}`
      expect(await changedBetween(repo, squash, tip)).toEqual(['recipes/gone.toml', 'recipes/mod.toml', 'recipes/s1.toml'])
      expect(await blobAt(repo, tip, 'recipes/mod.toml')).toBe(await blobAt(repo, pre, 'recipes/mod.toml'))
      expect(await blobAt(repo, tip, 'recipes/gone.toml')).toBe(await blobAt(repo, pre, 'recipes/gone.toml'))
      expect(await blobAt(repo, tip, 'recipes/unlisted.toml')).not.toBeNull()
      expect(await blobAt(repo, tip, `data/batches/${SQUASH}.json`)).not.toBeNull()
      expect(r.summary).toMatch(new RegExp(`manifest commit \\| \`${squash.slice(0, 7)}\``))
      expect(r.summary).toMatch(/batch commits \| _none with a batch line_/)
    })

    test("unmarked batch commits, then record-batch's manifest commit: the listed files go back to its base_commit", async () => {
      const B = '2026-02-19-001'
      const repo = await repoWith()
      const base = await repo.originHead()
      await commit(repo, { 'recipes/mod.toml': 'unmarked 1\n', 'recipes/n.toml': 'n\n' }, 'feat: no marker here')
      await commit(repo, { 'recipes/mod.toml': 'unmarked 2\n', 'recipes/gone.toml': null }, 'feat: nor here')
      const manifest = {
        schema_version: 1,
        batch_id: B,
        base_commit: base,
        files: [
          { path: 'recipes/gone.toml', status: 'D' },
          { path: 'recipes/mod.toml', status: 'M' },
          { path: 'recipes/n.toml', status: 'A' },
          { path: CONTROL, status: 'M' }
        ]
      }
      const record = await commit(repo, { [`data/batches/${B}.json`]: JSON.stringify(manifest) + '\n', [METRICS]: '{}\n' }, `chore(batch): record ${B} [skip ci]`)
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': B }, { api: server })
      expectExit(r, 0)
      expect(filesOutput(r)).toEqual([
        { path: 'recipes/gone.toml', action: 'restore' },
        { path: 'recipes/mod.toml', action: 'restore' },
        { path: 'recipes/n.toml', action: 'delete' }
      ])
      const tip = `refs/heads/rollback-batch-${B}`
      expect(await changedBetween(repo, record, tip)).toEqual(['recipes/gone.toml', 'recipes/mod.toml', 'recipes/n.toml'])
      expect(await changedBetween(repo, base, tip)).toEqual([`data/batches/${B}.json`, METRICS].sort())
    })
  })

  describe('a large batch (issue 12 item 7)', () => {
    test('1,000 files: the pull request body stays within 65,536 characters and says where the whole list is', async () => {
      const B = '2026-02-21-001'
      const repo = await repoWith()
      const files: Record<string, string> = {}
      for (let i = 0; i < 1000; i++) files[`recipes/large-batch/a-rather-long-recipe-name-number-${String(i).padStart(4, '0')}.toml`] = `name = "tool-${i}"\n`
      await commit(repo, files, `feat(recipes): batch ${B}\n\nbatch_id: ${B}`)
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': B }, { api: server })
      expectExit(r, 0)
      expect(r.outputs.count).toBe('1000')
      expect((filesOutput(r) as unknown[]).length).toBe(1000)
      const pr = server.pulls[0]!
      expect(pr.body.length).toBeLessThanOrEqual(65_536)
      expect(pr.body).toMatch(/_Left out to stay within GitHub's limit of 65,536 characters: [\d,]+ of 1,000 files(, 1 later section)?\. The whole list is in the job summary of the run that opened this pull request, and in its `files` output\._/)
      // The job summary (1 MiB) holds every file.
      expect(r.summary).toContain('a-rather-long-recipe-name-number-0999.toml')
      expect(r.summary).not.toContain('Left out')
    })
  })

  describe('a hostile manifest (issue 12 item 8)', () => {
    test("entries with '..' or '.git', or claims the history contradicts, are reported and skipped; the rest is rolled back", async () => {
      const B = '2026-02-20-001'
      const repo = await repoWith()
      const base = await repo.originHead()
      await commit(repo, { 'recipes/mod.toml': 'changed by an unmarked commit\n', 'recipes/n.toml': 'n\n' }, 'feat: no marker')
      const manifest = {
        schema_version: 1,
        batch_id: B,
        base_commit: base,
        files: [
          // Passes a plain string-prefix test for recipes/, but is the control file.
          { path: 'recipes/../batch-control.json', status: 'A' },
          { path: 'recipes/.git/config', status: 'A' },
          // "Added", yet it was there before the batch: deleting it would lose a file the batch never made.
          { path: 'recipes/keep.toml', status: 'A' },
          // "Modified", yet not there before: nothing to restore.
          { path: 'recipes/never.toml', status: 'M' },
          { path: 'recipes/mod.toml', status: 'M' },
          { path: 'recipes/n.toml', status: 'A' }
        ]
      }
      const record = await commit(repo, { [`data/batches/${B}.json`]: JSON.stringify(manifest) + '\n' }, `chore(batch): record ${B} [skip ci]`)
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': B, force: 'true' }, { api: server })
      expectExit(r, 0)
      expect(filesOutput(r)).toEqual([
        { path: 'recipes/mod.toml', action: 'restore' },
        { path: 'recipes/n.toml', action: 'delete' }
      ])
      const tip = `refs/heads/rollback-batch-${B}`
      expect(await changedBetween(repo, record, tip)).toEqual(['recipes/mod.toml', 'recipes/n.toml'])
      expect(await blobAt(repo, tip, CONTROL)).toBe(await blobAt(repo, record, CONTROL))
      expect(await blobAt(repo, tip, 'recipes/keep.toml')).toBe(await blobAt(repo, record, 'recipes/keep.toml'))
      const warning = r.annotations.find((x) => x.level === 'warning' && /skipped entries/.test(x.props.title ?? ''))
      expect(warning?.message).toMatch(/^4 entries of batch 2026-02-20-001 could not be used/)
      expect(r.summary).toContain('### Skipped entries: check by hand')
      for (const entry of ['recipes/../batch-control.json', 'recipes/.git/config', 'recipes/keep.toml', 'recipes/never.toml']) expect(r.summary).toContain(`\`${entry}\``)
      const pr = server.pulls[0]!
      expect(pr.body).toContain('Skipped entries')
    })
  })

  describe('dry run', () => {
    test('the plan in the summary and outputs; nothing changed anywhere, no API request, no push', async () => {
      const { repo, batch1 } = await standard()
      const server = await api()
      const logged = await loggingGit(repo)
      const cwd = await clone(repo)
      const refsBefore = await originRefs(repo)
      const localBefore = (await git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'], cwd)).stdout
      const headBefore = (await git(['rev-parse', 'HEAD'], cwd)).stdout

      // Neither a token nor a reason is needed for a dry run.
      const r = await rollback(cwd, { 'batch-id': ID, 'dry-run': 'true', 'github-token': '', reason: '' }, { api: server, env: logged.env })
      expectExit(r, 0)
      expect(filesOutput(r)).toEqual(STANDARD_FILES)
      expect(r.outputs).toMatchObject({ count: String(STANDARD_FILES.length), conflicts: '[]', branch: '', 'pr-number': '', 'pr-url': '' })
      expect(r.summary).toContain(`Dry run: rollback plan for batch \`${ID}\``)
      for (const f of STANDARD_FILES) expect(r.summary).toContain(`\`${f.path}\``)
      expect(r.summary).toContain(batch1.slice(0, 7))

      expect(await originRefs(repo)).toBe(refsBefore)
      expect(server.requests).toEqual([])
      const calls = await logged.calls()
      expect(calls.some((c) => /^git (push|commit|commit-tree|update-ref|checkout|reset)\b/.test(c))).toBe(false)
      expect((await git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'], cwd)).stdout).toBe(localBefore)
      expect((await git(['rev-parse', 'HEAD'], cwd)).stdout).toBe(headBefore)
      expect((await git(['status', '--porcelain', '--untracked-files=all'], cwd)).stdout).toBe('')
    })
  })

  describe('reviewers past review-threshold', () => {
    test.each([
      [3, false],
      [10, false],
      [12, true]
    ])('%i files → reviewers requested: %s', async (n, requested) => {
      const repo = await repoWith()
      const files = Object.fromEntries(Array.from({ length: n }, (_, i) => [`recipes/gen/r${String(i).padStart(2, '0')}.toml`, `n = ${i}\n`]))
      await commit(repo, files, `feat: batch\n\nbatch_id: ${ID}`)
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': ID, reviewers: 'alice, acme/release-team', 'review-threshold': '10', labels: 'rollback, needs-review' }, { api: server })
      expectExit(r, 0)
      expect(r.outputs.count).toBe(String(n))
      expect(server.pulls).toHaveLength(1)
      expect(server.pulls[0]!.labels).toEqual(['rollback', 'needs-review'])
      if (requested) {
        expect(server.calls('reviewers')).toHaveLength(1)
        expect(server.calls('reviewers')[0]!.body).toEqual({ reviewers: ['alice'], team_reviewers: ['release-team'] })
        expect(server.pulls[0]).toMatchObject({ reviewers: ['alice'], teamReviewers: ['release-team'] })
      } else {
        expect(server.calls('reviewers')).toEqual([])
      }
    })
  })

  describe('idempotent', () => {
    test('running it twice leaves one branch and one pull request (the second run updates it)', async () => {
      const { repo, state } = await standard()
      const server = await api()
      const first = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(first, 0)
      const tree1 = await rev(repo, `refs/heads/${BRANCH}^{tree}`)
      const second = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(second, 0)

      expect(server.calls('create')).toHaveLength(1)
      expect(server.calls('update')).toHaveLength(1)
      expect(server.calls('update')[0]!.path).toBe('/repos/acme/recipes/pulls/1')
      expect(server.pulls).toHaveLength(1)
      expect(second.outputs).toMatchObject({ 'pr-number': '1', branch: BRANCH, count: String(STANDARD_FILES.length) })
      expect(second.summary).toContain('(updated)')
      expect(await rollbackBranches(repo)).toEqual([`refs/heads/${BRANCH}`])
      expect(await rev(repo, `refs/heads/${BRANCH}^{tree}`)).toBe(tree1)
      expect(await rev(repo, `refs/heads/${BRANCH}^`)).toBe(state)
      expect(await changedBetween(repo, state, `refs/heads/${BRANCH}`)).toEqual(STANDARD_FILES.map((f) => f.path))
    })

    test('the base moved in between: the branch is remade on the new tip, still one pull request', async () => {
      const { repo, pre } = await standard()
      const server = await api()
      expectExit(await rollback(await clone(repo), { 'batch-id': ID }, { api: server }), 0)
      const moved = await commit(repo, { 'docs/guide.md': 'moved\n', 'recipes/other.toml': 'other\n' }, 'docs: the base moves on')
      const second = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(second, 0)
      expect(await rev(repo, `refs/heads/${BRANCH}^`)).toBe(moved)
      expect(await changedBetween(repo, moved, `refs/heads/${BRANCH}`)).toEqual(STANDARD_FILES.map((f) => f.path))
      expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/other.toml')).not.toBeNull()
      expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/mod.toml')).toBe(await blobAt(repo, pre, 'recipes/mod.toml'))
      expect(server.pulls).toHaveLength(1)
      expect(server.calls('create')).toHaveLength(1)
      expect(await rollbackBranches(repo)).toEqual([`refs/heads/${BRANCH}`])
    })
  })

  describe('failures leave nothing behind', () => {
    test('nothing found: non-zero, a clear message, no branch, no API request', async () => {
      const { repo } = await standard()
      const server = await api()
      const before = await originRefs(repo)
      const r = await rollback(await clone(repo), { 'batch-id': '2026-03-01-001' }, { api: server })
      expectExit(r, 'non-zero')
      expect(errors(r)).toMatch(/nothing to roll back for batch 2026-03-01-001 on main: no commit marks this batch/)
      expect(errors(r)).toMatch(/No branch was created/)
      expect(r.summary).toMatch(/nothing to roll back/)
      expect(r.outputs).toMatchObject({ count: '0', branch: '' })
      expect(await rollbackBranches(repo)).toEqual([])
      expect(await originRefs(repo)).toBe(before)
      expect(server.requests).toEqual([])
    })

    test('a batch that changed nothing under paths: non-zero, no branch', async () => {
      const repo = await repoWith()
      await commit(repo, { [`data/failures/${ID}.jsonl`]: '{}\n', [CONTROL]: '{"enabled":false}\n' }, `chore: batch\n\nbatch_id: ${ID}`)
      const server = await api()
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(r, 'non-zero')
      // The batch's commit is found by its line, and the message says it changed nothing under paths.
      expect(errors(r)).toMatch(new RegExp(`nothing to roll back for batch ${ID} on main: its commits changed no file under paths .*touching recipes/`))
      expect(await rollbackBranches(repo)).toEqual([])
      expect(server.requests).toEqual([])
    })

    test('the pull request cannot be opened (500): non-zero, and the pushed branch is deleted again', async () => {
      const { repo } = await standard()
      const server = await api({ fail: { create: 500 } })
      const logged = await loggingGit(repo)
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server, env: logged.env })
      expectExit(r, 'non-zero')
      expect(errors(r)).toMatch(/pull request for rollback-batch-2026-02-17-001 could not be opened/)
      expect(errors(r)).toMatch(/the branch was deleted again/)
      expect(server.calls('create').length).toBeGreaterThan(0)
      // The branch was pushed, then deleted: none is left on origin.
      const pushes = (await logged.calls()).filter((c) => c.startsWith('git push'))
      expect(pushes.some((c) => c.includes(`:refs/heads/${BRANCH}`) && !c.includes('--delete'))).toBe(true)
      expect(pushes.some((c) => c.includes('--delete'))).toBe(true)
      expect(await rollbackBranches(repo)).toEqual([])
      expect(r.outputs).toMatchObject({ branch: '', 'pr-number': '' })
    })

    test('the pull request call never answers: stopped after BATCH_OPS_API_TIMEOUT_SECONDS, and the pushed branch is deleted again (issue 12 item 3)', async () => {
      const { repo } = await standard()
      const server = await api({ fail: { create: 'hang' } })
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server, env: { BATCH_OPS_API_TIMEOUT_SECONDS: '1' } })
      expectExit(r, 'non-zero')
      expect(errors(r)).toMatch(/pull request for rollback-batch-2026-02-17-001 could not be opened \(no answer from .* within 1 s\)/)
      expect(errors(r)).toMatch(/the branch was deleted again/)
      expect(await rollbackBranches(repo)).toEqual([])
    })

    test('labels that cannot be added (500) warn, and the pull request and its branch stay', async () => {
      const { repo } = await standard()
      const server = await api({ fail: { labels: 500 } })
      const r = await rollback(await clone(repo), { 'batch-id': ID }, { api: server })
      expectExit(r, 0)
      expect(r.annotations.some((a) => a.level === 'warning' && /Could not add the labels rollback/.test(a.message))).toBe(true)
      expect(server.pulls).toHaveLength(1)
      expect(server.pulls[0]!.state).toBe('open')
      expect(r.outputs['pr-number']).toBe(String(server.pulls[0]!.number))
      expect(await rollbackBranches(repo)).toEqual([`refs/heads/${BRANCH}`])
    })

    test('without a reason (and not a dry run): refused before anything', async () => {
      const { repo } = await standard()
      const server = await api()
      const before = await originRefs(repo)
      const r = await rollback(await clone(repo), { 'batch-id': ID, reason: '' }, { api: server })
      expectExit(r, 'non-zero')
      expect(errors(r)).toMatch(/input 'reason' is required/)
      expect(await originRefs(repo)).toBe(before)
      expect(server.requests).toEqual([])
    })
  })
})

describe('shallow checkouts', () => {
  test('a depth-1 clone still finds an older batch (the history is deepened)', async () => {
    const { repo, pre } = await standard()
    for (let i = 0; i < 5; i++) await commit(repo, { [`recipes/later-${i}.toml`]: `${i}\n` }, `feat: later ${i}`)
    const cwd = await repo.clone({ depth: 1 })
    expect((await git(['rev-parse', '--is-shallow-repository'], cwd)).stdout.trim()).toBe('true')
    expect((await git(['rev-list', '--count', 'HEAD'], cwd)).stdout.trim()).toBe('1')
    const server = await api()
    const logged = await loggingGit(repo)
    const r = await rollback(cwd, { 'batch-id': ID }, { api: server, env: logged.env })
    expectExit(r, 0)
    expect(filesOutput(r)).toEqual(STANDARD_FILES)
    expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/mod.toml')).toBe(await blobAt(repo, pre, 'recipes/mod.toml'))
    expect(await blobAt(repo, `refs/heads/${BRANCH}`, 'recipes/later-4.toml')).not.toBeNull()
    // Only the history since the batch's margin is fetched (here all of it: every commit is newer), never all of it by --unshallow.
    expect((await logged.calls()).filter((c) => c.startsWith('git fetch') && c.includes('--unshallow'))).toEqual([])
  })
})

// ---------------------------------------------------------------------------
// issue 15: only the history since the batch

/** Runs `fn` with git's author and committer dates set to `when` for everything it commits (createRepo's initial commit). */
async function datedRepo(when: string): Promise<TestRepo> {
  const saved = { a: process.env.GIT_AUTHOR_DATE, c: process.env.GIT_COMMITTER_DATE }
  process.env.GIT_AUTHOR_DATE = when
  process.env.GIT_COMMITTER_DATE = when
  try {
    return await repoWith()
  } finally {
    for (const [k, v] of [['GIT_AUTHOR_DATE', saved.a], ['GIT_COMMITTER_DATE', saved.c]] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

const hasObject = async (dir: string, sha: string): Promise<boolean> => (await git(['cat-file', '-e', `${sha}^{commit}`], dir, { allowFail: true })).code === 0
const isShallowClone = async (dir: string): Promise<boolean> => (await git(['rev-parse', '--is-shallow-repository'], dir)).stdout.trim() === 'true'
const later = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString().replace(/\.000Z$/, 'Z')

interface Dated {
  repo: TestRepo
  /** 30 commits, one a day, 2026-01-01 … 2026-01-30. */
  old: string[]
  pre: string
  batch1: string
  batch2: string
  /** 2026-02-18, -19 and -20. */
  after: string[]
}

/**
 * A dated history: the repository made on 2025-12-31, a commit a day through January, `pre` (the last
 * commit before the batch), batch 2026-02-17-001 in two commits, and a commit on each of the three
 * days after. By default the batch is made on its ID's day and `pre` the day before, inside the
 * margin (the search may stop at the first commit from before 2026-02-15 00:00 UTC outside the batch).
 */
async function datedHistory(o: { preAt?: string; batchAt?: string } = {}): Promise<Dated> {
  const repo = await datedRepo('2025-12-31T12:00:00Z')
  const at = (changes: Record<string, string | null>, message: string, when: string): Promise<string> => localCommit(repo.work, changes, message, when)
  const old: string[] = []
  for (let day = 1; day <= 30; day++) {
    const date = `2026-01-${String(day).padStart(2, '0')}T12:00:00Z`
    old.push(await at({ [`recipes/old-${day}.toml`]: `day = ${day}\n` }, `feat: recipe of ${date.slice(0, 10)}`, date))
  }
  const pre = await at({ 'recipes/mod.toml': 'name = "mod"\nversion = "1.1"\n' }, 'fix(mod): 1.1', o.preAt ?? '2026-02-16T09:00:00Z')
  const batchAt = o.batchAt ?? '2026-02-17T10:00:00Z'
  const batch1 = await at(
    { 'recipes/new.toml': 'name = "new"\n', 'recipes/mod.toml': 'name = "mod"\nversion = "2.0-broken"\n', 'recipes/gone.toml': null },
    `feat(recipes): batch ${ID}\n\nbatch_id: ${ID}`,
    batchAt
  )
  const batch2 = await at({ 'recipes/sub/deep.toml': 'name = "deep"\n' }, `fix(recipes): follow-up\n\nBatch-Id: ${ID}`, later(batchAt, 30))
  const after = [
    await at({ 'docs/guide.md': '# guide\n\n18th\n' }, 'docs: the 18th', '2026-02-18T08:00:00Z'),
    await at({ 'recipes/keep.toml': 'name = "keep"\nv = 2\n' }, 'fix(keep): v2', '2026-02-19T08:00:00Z'),
    await at({ 'docs/guide.md': '# guide\n\n20th\n' }, 'docs: the 20th', '2026-02-20T08:00:00Z')
  ]
  await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${repo.branch}`], repo.work)
  return { repo, old, pre, batch1, batch2, after }
}

const DATED_FILES = [
  { path: 'recipes/gone.toml', action: 'restore' },
  { path: 'recipes/mod.toml', action: 'restore' },
  { path: 'recipes/new.toml', action: 'delete' },
  { path: 'recipes/sub/deep.toml', action: 'delete' }
]

describe.each(CLONES)('only the history since the batch (issue 15), from a %s clone', (kind) => {
  const clone = (repo: TestRepo): Promise<string> => repo.clone(kind === 'depth-1' ? { depth: 1 } : {})
  const fetches = async (logged: { calls(): Promise<string[]> }): Promise<string[]> => (await logged.calls()).filter((c) => c.startsWith('git fetch'))

  test("the search reads back to the first commit from before the ID's date minus two days; a shallow clone fetches no more", async () => {
    const h = await datedHistory()
    const cwd = await clone(h.repo)
    const logged = await loggingGit(h.repo)
    const server = await api()
    const r = await rollback(cwd, { 'batch-id': ID }, { api: server, env: logged.env })
    expectExit(r, 0)
    expect(filesOutput(r)).toEqual(DATED_FILES)
    expect(await blobAt(h.repo, `refs/heads/${BRANCH}`, 'recipes/mod.toml')).toBe(await blobAt(h.repo, h.pre, 'recipes/mod.toml'))
    // pre (the 16th) is inside the margin; the 30th of January is the first commit before it: the search ends there.
    const searched = `history searched | 6 first-parent commits, back to ${h.old[29]!.slice(0, 12)} (committed 2026-01-30, before 2026-02-15: nothing older can belong to the batch)`
    expect(r.summary).toContain(searched)
    expect(server.pulls[0]!.body).toContain(searched)
    const calls = await fetches(logged)
    expect(calls.filter((c) => c.includes('--unshallow'))).toEqual([])
    if (kind === 'depth-1') {
      // Fetched a day further back than the bound; nothing was committed that day, so one step of
      // deepening fetched the 30th, to see that it predates the bound; nothing older came.
      expect(calls.some((c) => c.includes('--shallow-since=2026-02-14 00:00:00 +0000'))).toBe(true)
      expect(calls.filter((c) => /--deepen=/.test(c)).map((c) => /--deepen=(\d+)/.exec(c)![1])).toEqual(['1'])
      expect(await hasObject(cwd, h.old[29]!)).toBe(true)
      for (const sha of h.old.slice(0, 29)) expect(await hasObject(cwd, sha)).toBe(false)
      expect(await isShallowClone(cwd)).toBe(true)
    }
  })

  test('nothing found: only the commits since the bound were searched, and the message says how far back', async () => {
    const h = await datedHistory()
    const logged = await loggingGit(h.repo)
    // 2026-02-21 → the bound is the 19th: the commits of the 19th and 20th are read, the 18th ends the search.
    const r = await rollback(await clone(h.repo), { 'batch-id': '2026-02-21-001', 'dry-run': 'true' }, { env: logged.env })
    expectExit(r, 'non-zero')
    if (kind === 'depth-1') {
      // Fetched from the 18th on, a day before the bound: the commit that ends the search came with it, no deepening.
      expect((await fetches(logged)).map((c) => c.replace(/ origin .*/, ''))).toEqual(['git fetch --no-tags --quiet --shallow-since=2026-02-18 00:00:00 +0000'])
    }
    expect(errors(r)).toContain(
      `nothing to roll back for batch 2026-02-21-001 on main: no commit marks this batch (searched 1 first-parent commits touching recipes/ or data/batches/2026-02-21-001.json for a line "batch_id: 2026-02-21-001" or "Batch-Id: 2026-02-21-001"; ` +
        `read 2 first-parent commits, back to ${h.after[0]!.slice(0, 12)} (committed 2026-02-18, before 2026-02-19: nothing older can belong to the batch)).`
    )
    // 2026-02-24 → the bound is the 22nd, after every commit: the tip ends the search (a shallow fetch selects nothing, so the tip is taken as it is).
    const t = await rollback(await clone(h.repo), { 'batch-id': '2026-02-24-001', 'dry-run': 'true' })
    expectExit(t, 'non-zero')
    expect(errors(t)).toContain(`(searched 0 first-parent commits touching recipes/`)
    expect(errors(t)).toContain(`read 0 first-parent commits, back to ${h.after[2]!.slice(0, 12)} (committed 2026-02-20, before 2026-02-22`)
  })

  test('a batch whose commits are dated before the margin (a clock far behind) is still found: a shallow clone is deepened step by step', async () => {
    const h = await datedHistory({ preAt: '2026-02-04T09:00:00Z', batchAt: '2026-02-05T10:00:00Z' })
    const cwd = await clone(h.repo)
    const logged = await loggingGit(h.repo)
    const server = await api()
    const r = await rollback(cwd, { 'batch-id': ID }, { api: server, env: logged.env })
    expectExit(r, 0)
    expect(filesOutput(r)).toEqual(DATED_FILES)
    expect(await blobAt(h.repo, `refs/heads/${BRANCH}`, 'recipes/mod.toml')).toBe(await blobAt(h.repo, h.pre, 'recipes/mod.toml'))
    // The batch's own commits do not end the search, however old they look; pre, the first commit before them, does.
    expect(r.summary).toContain(`history searched | 5 first-parent commits, back to ${h.pre.slice(0, 12)} (committed 2026-02-04, before 2026-02-15`)
    const calls = await fetches(logged)
    expect(calls.filter((c) => c.includes('--unshallow'))).toEqual([])
    if (kind === 'depth-1') {
      // --shallow-since stops at the 18th; one commit more shows batch commit 2 (not the end), ten more reach pre.
      expect(calls.filter((c) => /--deepen=/.test(c)).map((c) => /--deepen=(\d+)/.exec(c)![1])).toEqual(['1', '10'])
      expect(await hasObject(cwd, h.pre)).toBe(true)
      expect(await hasObject(cwd, h.old[0]!)).toBe(false)
    }
  })

  test("the manifest's base commit is fetched even when the search ended before it (a commit dated far too early after it)", async () => {
    const B = '2026-02-17-002'
    const repo = await datedRepo('2026-02-01T12:00:00Z')
    const base = await commit(repo, { 'recipes/mod.toml': 'name = "mod"\nversion = "1.1"\n' }, 'fix(mod): 1.1', repo.work, '2026-02-16T08:00:00Z')
    // Pushed from a machine whose clock is weeks behind: it ends the search, above the manifest's base.
    await commit(repo, { 'docs/guide.md': '# skewed\n' }, 'docs: from a laptop with a wrong clock', repo.work, '2026-01-10T08:00:00Z')
    await commit(repo, { 'recipes/mod.toml': 'unmarked\n', 'recipes/n.toml': 'n\n' }, 'feat: no marker', repo.work, '2026-02-17T10:00:00Z')
    const manifest = { schema_version: 1, batch_id: B, base_commit: base, files: [{ path: 'recipes/mod.toml', status: 'M' }, { path: 'recipes/n.toml', status: 'A' }] }
    const record = await commit(repo, { [`data/batches/${B}.json`]: JSON.stringify(manifest) + '\n' }, `chore(batch): record ${B} [skip ci]`, repo.work, '2026-02-17T11:00:00Z')
    const state = await commit(repo, { 'docs/guide.md': '# later\n' }, 'docs: later', repo.work, '2026-02-18T08:00:00Z')
    const server = await api()
    const cwd = await clone(repo)
    const r = await rollback(cwd, { 'batch-id': B }, { api: server })
    expectExit(r, 0)
    expect(filesOutput(r)).toEqual([
      { path: 'recipes/mod.toml', action: 'restore' },
      { path: 'recipes/n.toml', action: 'delete' }
    ])
    const tip = `refs/heads/rollback-batch-${B}`
    expect(await changedBetween(repo, state, tip)).toEqual(['recipes/mod.toml', 'recipes/n.toml'])
    expect(await blobAt(repo, tip, 'recipes/mod.toml')).toBe(await blobAt(repo, base, 'recipes/mod.toml'))
    expect(await blobAt(repo, tip, `data/batches/${B}.json`)).toBe(await blobAt(repo, record, `data/batches/${B}.json`))
    expect(await hasObject(cwd, base)).toBe(true)
  })
})

describe('the date in the batch ID', () => {
  test('an ID dated after tomorrow, or not on the calendar, is refused before any git command; tomorrow is still searched', async () => {
    const repo = await repoWith()
    const logged = await loggingGit(repo)
    const cwd = await repo.clone({ depth: 1 })
    // NOW is 2026-03-02T12:00:00Z.
    const future = await rollback(cwd, { 'batch-id': '2026-03-04-001', 'dry-run': 'true' }, { env: logged.env })
    expectExit(future, 'non-zero')
    expect(errors(future)).toBe(
      "input 'batch-id' 2026-03-04-001: its date 2026-03-04 lies in the future (today is 2026-03-02 UTC), so no batch can have this ID yet; nothing was searched. " +
        'Check the ID: preflight-check hands out IDs dated the UTC day it runs.'
    )
    expect(future.summary).toMatch(/invalid input/)
    expect(future.outputs).toMatchObject({ count: '0', files: '[]', branch: '' })
    const invalid = await rollback(cwd, { 'batch-id': '2026-02-30-001', 'dry-run': 'true' }, { env: logged.env })
    expectExit(invalid, 'non-zero')
    expect(errors(invalid)).toContain("input 'batch-id' 2026-02-30-001: its date 2026-02-30 is not a day of the calendar; nothing was searched.")
    expect(await logged.calls()).toEqual([])

    // Tomorrow: preflight-check may already hand out the next day's IDs (docs/contract.md §4 rule 5).
    const tomorrow = await rollback(cwd, { 'batch-id': '2026-03-03-001', 'dry-run': 'true' }, { env: logged.env })
    expectExit(tomorrow, 'non-zero')
    expect(errors(tomorrow)).toMatch(/nothing to roll back for batch 2026-03-03-001 on main: no commit marks this batch/)
    expect((await logged.calls()).some((c) => c.startsWith('git fetch '))).toBe(true)
  })
})

describe('git network commands are bounded in time', () => {
  test(`a fetch that hangs is stopped after BATCH_OPS_GIT_TIMEOUT seconds, with an error that says so`, async () => {
    const repo = await repoWith()
    const cwd = await repo.clone({ depth: 1 })
    // A git whose fetch never finishes (it records its process ID, then sleeps in its place).
    const dir = await mkdtemp(path.join(repo.root, 'git-hang-'))
    const pidFile = path.join(dir, 'fetch.pid')
    const q = (x: string): string => `'${x.replace(/'/g, `'\\''`)}'`
    const script = ['#!/bin/sh', 'if [ "$1" = "fetch" ]; then', `  echo $$ > ${q(pidFile)}`, '  exec sleep 600', 'fi', `exec ${q(realGit())} "$@"`, '']
    await writeFile(path.join(dir, 'git'), script.join('\n'), { mode: 0o755 })
    const env = { PATH: [dir, process.env.PATH ?? ''].join(path.delimiter), BATCH_OPS_GIT_TIMEOUT: '2' }
    const r = await rollback(cwd, { 'batch-id': ID, 'dry-run': 'true', base: 'main' }, { env })
    expectExit(r, 'non-zero')
    expect(errors(r)).toMatch(
      /^could not fetch the base branch "main" from origin: git fetch origin \+refs\/heads\/main:refs\/remotes\/origin\/main did not finish within 2 s and was stopped\. The remote is unreachable or very slow; re-run the job, and if it keeps happening raise BATCH_OPS_GIT_TIMEOUT \(seconds\)\.$/
    )
    // The hung git is gone, not left behind.
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/)
  })
})
