// Commits made of objects (git-tree.ts), against real repositories: the tree a
// commit gets is exactly the one a private index would give (read-tree,
// update-index --index-info, write-tree, as before the long-running processes),
// files read back as they are, and what cannot be committed is refused.

import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { BOT, GitError, GitObjects, GitProcess, type IndexEntry, commitEntries } from '@batch-ops/runtime'

let repo: string

function git(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): string {
  const input = typeof opts.input === 'string' ? Buffer.from(opts.input, 'utf8') : opts.input
  return execFileSync('git', args, { cwd: repo, input, env: { ...process.env, ...opts.env }, maxBuffer: 1 << 26 }).toString('utf8')
}

const ZERO = '0000000000000000000000000000000000000000'
const blob = (content: string): string => git(['hash-object', '-w', '--stdin'], { input: content }).trim()

/** The old way: a private index. The oracle for the tree a commit must get. */
function indexTree(base: string | null, entries: readonly IndexEntry[]): string {
  const env = { GIT_INDEX_FILE: path.join(repo, '.git', `oracle-index-${process.pid}`) }
  git(base ? ['read-tree', base] : ['read-tree', '--empty'], { env })
  const info = entries.map((e) => ('remove' in e ? `0 ${ZERO}\t${e.path}` : `${e.mode} ${e.blob}\t${e.path}`)).join('\0')
  if (info !== '') git(['update-index', '-z', '--index-info'], { env, input: info + '\0' })
  const tree = git(['write-tree'], { env }).trim()
  rmSync(env.GIT_INDEX_FILE, { force: true })
  return tree
}

function commitOf(tree: string, parent?: string): string {
  const env = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' }
  return git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', 'base'], { env }).trim()
}

beforeAll(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'batch-ops-git-tree-'))
  git(['init', '--quiet', '--initial-branch=main', repo])
})
afterAll(async () => {
  await rm(repo, { recursive: true, force: true })
})

// Paths over a small alphabet, so that edits meet existing files, directories,
// and files where directories are (and the other way round).
const pathArb = fc.array(fc.constantFrom('a', 'b', 'c.json'), { minLength: 1, maxLength: 3 }).map((p) => p.join('/'))
const contentArb = fc.constantFrom('x\n', '{"n":1}\n', 'ünïcödé ✓\n', '')
const modeArb = fc.constantFrom('100644', '100644', '100755')

/** Files at paths none of which is the directory of another (what a tree can hold). */
function consistent(paths: string[]): boolean {
  const set = new Set(paths)
  return paths.every((p) => p.split('/').every((_, i, parts) => i === 0 || !set.has(parts.slice(0, i).join('/'))))
}

test('a commit gets the tree a private index would give, on top of the base, with the identity given', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.tuple(pathArb, contentArb, modeArb), { selector: ([p]) => p, maxLength: 6 }).filter((files) => consistent(files.map(([p]) => p))),
      fc.uniqueArray(fc.tuple(pathArb, fc.option(fc.tuple(contentArb, modeArb), { nil: null })), { selector: ([p]) => p, minLength: 1, maxLength: 5 }).filter((edits) =>
        consistent(edits.map(([p]) => p))
      ),
      async (files, edits) => {
        const base = commitOf(indexTree(null, files.map(([p, c, mode]) => ({ path: p, mode, blob: blob(c) }))))
        const entries: IndexEntry[] = edits.map(([p, set]) => (set === null ? { path: p, remove: true } : { path: p, mode: set[1], blob: blob(set[0]) }))
        const who = { name: 'Batch Ops Test', email: 'test@batch-ops.invalid' }
        const { commit, tree } = await commitEntries(repo, base, entries, 'chore: edit\n\nBatch-Ops-Action: test\n', who)
        expect(tree).toBe(indexTree(base, entries))
        const [header] = git(['cat-file', 'commit', commit]).split('\n\n')
        expect(header!.split('\n').filter((l) => l.startsWith('parent '))).toEqual([`parent ${base}`])
        expect(header).toMatch(new RegExp(`^tree ${tree}$`, 'm'))
        expect(git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', commit])).toBe('Batch Ops Test <test@batch-ops.invalid>|Batch Ops Test <test@batch-ops.invalid>|chore: edit\n\nBatch-Ops-Action: test\n\n')
      }
    ),
    { numRuns: 40 }
  )
}, 120_000)

test('files read from a commit: text as stored, null for what is not there, a clear error for a directory or a submodule', async () => {
  const sub = commitOf(indexTree(null, []))
  const files: IndexEntry[] = [
    { path: 'top.json', mode: '100644', blob: blob('{"top":true}\n') },
    { path: 'deep/er/file.txt', mode: '100755', blob: blob('ünïcödé ✓\n') },
    { path: 'empty', mode: '100644', blob: blob('') },
    { path: 'vendor/lib', mode: '160000', blob: sub }
  ]
  const base = commitOf(indexTree(null, files))
  const objects = new GitObjects(repo)
  try {
    expect(await objects.readFile(base, 'top.json')).toBe('{"top":true}\n')
    expect(await objects.readFile(base, 'deep/er/file.txt')).toBe('ünïcödé ✓\n')
    expect(await objects.readFile(base, 'empty')).toBe('')
    expect(await objects.readFile(base, 'missing.json')).toBeNull()
    expect(await objects.readFile(base, 'deep/missing')).toBeNull()
    // A path under a file is refused (writing it would replace the file with a directory without a word).
    await expect(objects.readFile(base, 'top.json/under-a-file')).rejects.toThrow(/^top.json is a file in commit [0-9a-f]{12}, so top.json\/under-a-file cannot be a state file under it/)
    await expect(objects.readFile(base, 'deep/er')).rejects.toThrow(`deep/er is a directory in commit ${base.slice(0, 12)}, not a file`)
    await expect(objects.readFile(base, 'vendor/lib')).rejects.toThrow('vendor/lib is a git commit (a submodule)')
    // Many reads at once through the one process each get their own answer.
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => objects.readFile(base, i % 2 ? 'top.json' : 'deep/er/file.txt')))
    expect(again).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? '{"top":true}\n' : 'ünïcödé ✓\n')))
  } finally {
    await objects.close()
  }
})

test('a name that is not UTF-8 survives the rewrite of its directory byte for byte', async () => {
  const odd = Buffer.from([0x66, 0xff, 0x2e, 0x74, 0x78, 0x74]) // "f\xff.txt"
  const oddBlob = blob('odd\n')
  const dir = execFileSync('git', ['mktree', '-z'], { cwd: repo, input: Buffer.concat([Buffer.from(`100644 blob ${oddBlob}\t`), odd, Buffer.from('\0')]) })
    .toString()
    .trim()
  const base = commitOf(execFileSync('git', ['mktree'], { cwd: repo, input: `040000 tree ${dir}\td\n` }).toString().trim())
  const { tree } = await commitEntries(repo, base, [{ path: 'd/new.txt', mode: '100644', blob: blob('new\n') }], 'edit')
  const listing = execFileSync('git', ['ls-tree', '-r', '-z', tree], { cwd: repo })
  expect(listing.includes(Buffer.concat([Buffer.from(`100644 blob ${oddBlob}\td/`), odd, Buffer.from('\0')]))).toBe(true)
  expect(listing.toString('latin1')).toContain('\td/new.txt\0')
})

test('what cannot be committed is refused', async () => {
  const base = commitOf(indexTree(null, [{ path: 'a.json', mode: '100644', blob: blob('{}\n') }]))
  const b = blob('b\n')
  await expect(commitEntries(repo, base, [{ path: 'x', mode: '100644', blob: b }, { path: 'x/y', mode: '100644', blob: b }], 'm')).rejects.toThrow('x cannot be both a file and the directory of x/y')
  for (const bad of ['../out', 'a//b', '.git/config', 'd/./e', '']) {
    await expect(commitEntries(repo, base, [{ path: bad, mode: '100644', blob: b }], 'm')).rejects.toThrow('git cannot store it')
  }
  await expect(commitEntries(repo, base, [{ path: 'gone', mode: '100644', blob: '1'.repeat(40) }], 'm')).rejects.toThrow(`object ${'1'.repeat(40)} is not in the repository`)
  const tree = git(['rev-parse', `${base}^{tree}`]).trim()
  await expect(commitEntries(repo, base, [{ path: 'dir-as-file', mode: '100644', blob: tree }], 'm')).rejects.toThrow('is a tree, and mode 100644 needs a blob')
})

test('an unchanged tree stays the same, a directory is not removed as if it were a file, and removing the last file of a directory removes the directory', async () => {
  const base = commitOf(indexTree(null, [{ path: 'keep/a', mode: '100644', blob: blob('a\n') }, { path: 'gone/only', mode: '100644', blob: blob('o\n') }]))
  // Like the index: a removal takes out files, never a directory; a path under a missing directory is not there to remove.
  const same = await commitEntries(repo, base, [{ path: 'keep/a', mode: '100644', blob: blob('a\n') }, { path: 'not/there', remove: true }, { path: 'keep', remove: true }], 'm')
  expect(same.tree).toBe(git(['rev-parse', `${base}^{tree}`]).trim())
  const removed = await commitEntries(repo, base, [{ path: 'gone/only', remove: true }], 'm')
  expect(git(['ls-tree', '--name-only', removed.tree]).trim()).toBe('keep')
  const emptied = await commitEntries(repo, base, [{ path: 'gone/only', remove: true }, { path: 'keep/a', remove: true }], 'm')
  expect(emptied.tree).toBe(indexTree(null, []))
})

test('a long-running git that dies fails its request and every later one with what git said', async () => {
  const mktree = new GitProcess(['mktree', '-z', '--batch'], { cwd: repo })
  try {
    const ok = await mktree.request(`100644 blob ${blob('x\n')}\tx\0\0`, (reply) => reply.line())
    expect(ok.toString()).toMatch(/^[0-9a-f]{40}$/)
    const bad = mktree.request('not a tree entry\0\0', (reply) => reply.line())
    await expect(bad).rejects.toBeInstanceOf(GitError)
    await expect(bad).rejects.toThrow(/git mktree -z --batch failed \(128\): fatal: input format error/)
    await expect(mktree.request(`100644 blob ${blob('y\n')}\ty\0\0`, (reply) => reply.line())).rejects.toThrow(/input format error/)
  } finally {
    await mktree.close()
  }
})

test('commits by default are by github-actions[bot]', async () => {
  const base = commitOf(indexTree(null, []))
  const { commit } = await commitEntries(repo, base, [{ path: 'f', mode: '100644', blob: blob('f\n') }], 'm')
  expect(git(['log', '-1', '--format=%an <%ae>', commit]).trim()).toBe(`${BOT.name} <${BOT.email}>`)
})
