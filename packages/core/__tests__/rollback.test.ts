// The rollback planner (docs/contract.md §7): pure, over synthetic first-parent histories
// (newest first, as `git log` gives them), plus parseLog on real `git log` output.

import { describe, test, expect, afterAll } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import {
  type ChangeStatus,
  type LogCommit,
  type ManifestData,
  type PlanInput,
  type RollbackPlan,
  BATCH_SEARCH_MARGIN_DAYS,
  batchFetchSince,
  batchIdDateProblem,
  batchIdDay,
  batchLineMatcher,
  batchSearchEnd,
  batchSearchSince,
  findManifestCommit,
  keptChanges,
  manifestPathProblem,
  nextRollbackStep,
  parseLog,
  planRollback,
  rollbackOf,
  underPaths
} from '@batch-ops/core'

const ID = '2026-02-17-001'
const TEN = '2026-02-17-0010'
const MANIFEST = `data/batches/${ID}.json`
const PATHS = ['recipes/']

// ---------------------------------------------------------------------------
// synthetic histories

interface Spec {
  msg: string
  /** [status, path] */
  ch?: Array<[ChangeStatus, string]>
}

const sha = (i: number): string => i.toString(16).padStart(40, '0')
/** A first-parent history from specs given OLDEST first; returned newest first, as git log gives it. Commit i has sha(i + 1). */
function history(...specs: Spec[]): LogCommit[] {
  return specs
    .map((s, i) => ({
      sha: sha(i + 1),
      parent: i === 0 ? '' : sha(i),
      subject: s.msg.split('\n')[0]!,
      message: s.msg.endsWith('\n') ? s.msg : s.msg + '\n',
      changes: (s.ch ?? []).map(([status, p]) => ({ path: p, status }))
    }))
    .reverse()
}

const batchMsg = (id = ID, subject = 'feat(recipes): batch'): string => `${subject}\n\nbatch_id: ${id}\n`
const trailerMsg = (id = ID): string => `feat: more recipes\n\nSome body text.\n\nBatch-Id: ${id}\n`
const rollbackMsg = (id = ID): string => `chore: rollback batch ${id}\n\nRollback-Of: ${id}\nReason: broke the world\n`
const init: Spec = { msg: 'initial', ch: [['A', 'recipes/mod.toml'], ['A', 'recipes/gone.toml'], ['A', 'recipes/keep.toml'], ['A', 'batch-control.json']] }

function plan(h: LogCommit[], o: Partial<PlanInput> = {}): RollbackPlan {
  return planRollback({ batchId: ID, history: h, paths: PATHS, manifestPath: MANIFEST, manifest: null, force: false, ...o })
}
const summary = (p: RollbackPlan): Array<[string, string, string | null, string[]]> =>
  p.files.map((f) => [f.path, f.action, f.before?.commit ?? null, f.commits])

// ---------------------------------------------------------------------------

describe('batchLineMatcher: a whole line, exactly', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['batch_id line in the body', ID, `feat: x\n\nbatch_id: ${ID}\n`, true],
    ['Batch-Id trailer', ID, `feat: x\n\nBatch-Id: ${ID}\n`, true],
    ['the subject line itself', ID, `batch_id: ${ID}`, true],
    ['among other trailers', ID, `feat: x\n\nSigned-off-by: a <a@b>\nBatch-Id: ${ID}\nCo-authored-by: b <b@c>\n`, true],
    ['a longer ID (0010 is not 001)', ID, `feat: x\n\nbatch_id: ${TEN}\n`, false],
    ['a longer ID as a trailer', ID, `feat: x\n\nBatch-Id: ${TEN}\n`, false],
    ['a shorter ID (001 is not 0010)', TEN, `feat: x\n\nbatch_id: ${ID}\n`, false],
    ['the date-only ID does not match a numbered one', '2026-02-17', `feat: x\n\nbatch_id: ${ID}\n`, false],
    ['a prefix before the key', ID, `feat: x\n\nxbatch_id: ${ID}\n`, false],
    ['words after the ID', ID, `feat: x\n\nbatch_id: ${ID} extra\n`, false],
    ['a leading space', ID, `feat: x\n\n batch_id: ${ID}\n`, false],
    ['mentioned inside a line', ID, `revert: see batch_id: ${ID}\n`, false],
    ['another key case', ID, `feat: x\n\nbatch-id: ${ID}\n`, false],
    ['BATCH_ID upper case', ID, `feat: x\n\nBATCH_ID: ${ID}\n`, false],
    ['no space after the colon', ID, `feat: x\n\nbatch_id:${ID}\n`, false],
    ['a different digit', ID, `feat: x\n\nbatch_id: 2026-02-17-002\n`, false],
    ['regex metacharacters in the ID are literal', '2026.02.17', `feat: x\n\nbatch_id: 2026x02x17\n`, false],
    ['the literal dotted ID', '2026.02.17', `feat: x\n\nbatch_id: 2026.02.17\n`, true],
    ['no line at all', ID, `feat: batch ${ID}\n`, false]
  ]
  test.each(cases)('%s', (_name, id, message, expected) => {
    expect(batchLineMatcher(id)(message)).toBe(expected)
  })
})

describe('rollbackOf and underPaths', () => {
  test.each([
    [rollbackMsg(ID), ID],
    [`chore: x\n\nReason: y\nRollback-Of: ${TEN}\n`, TEN],
    [`feat: x\n\nbatch_id: ${ID}\n`, undefined],
    [`feat: x\n\nxRollback-Of: ${ID}\n`, undefined]
  ])('rollbackOf(%j) = %j', (message, expected) => {
    expect(rollbackOf(message)).toBe(expected)
  })

  test.each<[string, string[], boolean]>([
    ['recipes/a.toml', ['recipes/'], true],
    ['recipes/deep/er/a.toml', ['recipes'], true],
    ['recipes/a.toml', ['./recipes/'], true],
    ['recipes', ['recipes/'], true],
    ['recipesX/a.toml', ['recipes/'], false],
    ['recipes.toml', ['recipes'], false],
    ['data/failures/2026-02-17-001.jsonl', ['recipes/'], false],
    ['data/metrics/batch-runs.jsonl', ['recipes/'], false],
    ['batch-control.json', ['recipes/'], false],
    [MANIFEST, ['recipes/'], false],
    ['formulas/a.rb', ['recipes/', 'formulas/'], true],
    ['x/recipes/a.toml', ['recipes/'], false]
  ])('underPaths(%j, %j) = %j', (file, paths, expected) => {
    expect(underPaths(file, paths)).toBe(expected)
  })
})

describe('planRollback: which commits are the batch', () => {
  test('001 never picks up 0010 (nor the other way round)', () => {
    const h = history(
      init,
      { msg: batchMsg(ID), ch: [['A', 'recipes/one.toml']] },
      { msg: batchMsg(TEN), ch: [['A', 'recipes/ten.toml'], ['M', 'recipes/keep.toml']] },
      { msg: trailerMsg(TEN), ch: [['A', 'recipes/ten2.toml']] }
    )
    const p = plan(h)
    expect(p.batchCommits).toEqual([sha(2)])
    expect(summary(p)).toEqual([['recipes/one.toml', 'delete', null, [sha(2)]]])
    expect(p.conflicts).toEqual([])

    const q = plan(h, { batchId: TEN, manifestPath: `data/batches/${TEN}.json` })
    expect(q.batchCommits).toEqual([sha(3), sha(4)])
    expect(q.files.map((f) => f.path)).toEqual(['recipes/keep.toml', 'recipes/ten.toml', 'recipes/ten2.toml'])
  })

  test('batch_id lines and Batch-Id trailers both count; non-matching look-alikes do not', () => {
    const h = history(
      init,
      { msg: batchMsg(ID), ch: [['A', 'recipes/a.toml']] },
      { msg: `feat: x\n\nxbatch_id: ${ID}\n`, ch: [['A', 'recipes/lookalike1.toml']] },
      { msg: `feat: x\n\nbatch_id: ${ID} extra\n`, ch: [['A', 'recipes/lookalike2.toml']] },
      { msg: trailerMsg(ID), ch: [['A', 'recipes/b.toml']] }
    )
    const p = plan(h)
    expect(p.batchCommits).toEqual([sha(2), sha(5)])
    expect(p.files.map((f) => f.path)).toEqual(['recipes/a.toml', 'recipes/b.toml'])
    // The look-alikes touched other files only, so nothing conflicts either.
    expect(p.conflicts).toEqual([])
  })

  test('rollback commits are never part of the batch, even when they quote the batch line', () => {
    const h = history(
      init,
      { msg: batchMsg(ID), ch: [['A', 'recipes/a.toml']] },
      { msg: `chore: rollback batch ${ID}\n\nbatch_id: ${ID}\nRollback-Of: ${ID}\nReason: x\n`, ch: [['A', 'recipes/z.toml']] },
      { msg: `chore: rollback batch 2026-01-01-001\n\nBatch-Id: ${ID}\nRollback-Of: 2026-01-01-001\n`, ch: [['D', 'recipes/keep.toml']] }
    )
    const p = plan(h)
    expect(p.batchCommits).toEqual([sha(2)])
    expect(p.files.map((f) => f.path)).toEqual(['recipes/a.toml'])
  })

  test('nothing found: an empty plan', () => {
    const p = plan(history(init, { msg: batchMsg(TEN), ch: [['A', 'recipes/ten.toml']] }))
    expect(p).toEqual({ batchCommits: [], manifestCommit: undefined, files: [], conflicts: [], alreadyRolledBack: [], rejected: [] })
  })
})

describe('planRollback: what happens to each file', () => {
  test('added → delete; modified → restore from before the batch; deleted → restore', () => {
    const h = history(
      init,
      { msg: 'feat: unrelated earlier', ch: [['M', 'recipes/mod.toml']] },
      { msg: batchMsg(), ch: [['A', 'recipes/new.toml'], ['M', 'recipes/mod.toml'], ['D', 'recipes/gone.toml']] }
    )
    const p = plan(h)
    expect(summary(p)).toEqual([
      ['recipes/gone.toml', 'restore', sha(2), [sha(3)]],
      ['recipes/mod.toml', 'restore', sha(2), [sha(3)]],
      ['recipes/new.toml', 'delete', null, [sha(3)]]
    ])
    expect(p.conflicts).toEqual([])
    expect(p.alreadyRolledBack).toEqual([])
  })

  test.each<[string, ChangeStatus, ChangeStatus, 'delete' | 'restore']>([
    ['added then modified', 'A', 'M', 'delete'],
    ['added then deleted', 'A', 'D', 'delete'],
    ['modified twice', 'M', 'M', 'restore'],
    ['modified then deleted', 'M', 'D', 'restore'],
    ['deleted then re-added', 'D', 'A', 'restore']
  ])('a file touched by two batch commits (%s): one entry, from before the first', (_name, first, second, action) => {
    const h = history(
      init,
      { msg: batchMsg(), ch: [[first, 'recipes/x.toml']] },
      { msg: 'docs: in between', ch: [['M', 'recipes/other.toml']] },
      { msg: trailerMsg(), ch: [[second, 'recipes/x.toml']] }
    )
    const p = plan(h)
    expect(summary(p)).toEqual([['recipes/x.toml', action, action === 'delete' ? null : sha(1), [sha(2), sha(4)]]])
    expect(p.conflicts).toEqual([])
  })

  test('a later foreign edit is a conflict, left alone; with force it is planned too', () => {
    const h = history(
      init,
      { msg: 'fix: earlier edit (before the batch, no conflict)', ch: [['M', 'recipes/keep.toml']] },
      { msg: batchMsg(), ch: [['A', 'recipes/new.toml'], ['M', 'recipes/mod.toml'], ['M', 'recipes/keep.toml']] },
      { msg: 'fix: tweak mod after the batch', ch: [['M', 'recipes/mod.toml']] },
      { msg: 'chore: unrelated', ch: [['M', 'recipes/other.toml']] },
      { msg: 'fix: tweak mod again', ch: [['M', 'recipes/mod.toml']] }
    )
    const p = plan(h)
    expect(p.files.map((f) => f.path)).toEqual(['recipes/keep.toml', 'recipes/new.toml'])
    expect(p.conflicts).toEqual([
      {
        path: 'recipes/mod.toml',
        action: 'restore',
        before: { commit: sha(2) },
        commits: [sha(3)],
        later: [
          { sha: sha(4), subject: 'fix: tweak mod after the batch' },
          { sha: sha(6), subject: 'fix: tweak mod again' }
        ]
      }
    ])

    const forced = plan(h, { force: true })
    expect(summary(forced)).toEqual([
      ['recipes/keep.toml', 'restore', sha(2), [sha(3)]],
      ['recipes/mod.toml', 'restore', sha(2), [sha(3)]],
      ['recipes/new.toml', 'delete', null, [sha(3)]]
    ])
    expect(forced.conflicts.map((c) => c.path)).toEqual(['recipes/mod.toml'])
  })

  test('a later deletion of an added file is a conflict too (and a later rollback of another batch)', () => {
    const h = history(
      init,
      { msg: batchMsg(), ch: [['A', 'recipes/new.toml'], ['M', 'recipes/mod.toml']] },
      { msg: 'chore: remove new', ch: [['D', 'recipes/new.toml']] },
      { msg: rollbackMsg('2026-02-18-001'), ch: [['M', 'recipes/mod.toml']] }
    )
    const p = plan(h)
    expect(p.files).toEqual([])
    expect(p.conflicts.map((c) => [c.path, c.action, c.later.map((l) => l.sha)])).toEqual([
      ['recipes/mod.toml', 'restore', [sha(4)]],
      ['recipes/new.toml', 'delete', [sha(3)]]
    ])
  })

  test('a later rollback of the same batch: already rolled back, neither planned nor a conflict', () => {
    const h = history(
      init,
      { msg: batchMsg(), ch: [['A', 'recipes/new.toml'], ['M', 'recipes/mod.toml'], ['M', 'recipes/keep.toml']] },
      { msg: 'fix: keep edited after the batch', ch: [['M', 'recipes/keep.toml']] },
      { msg: rollbackMsg(ID), ch: [['D', 'recipes/new.toml'], ['M', 'recipes/mod.toml']] }
    )
    for (const force of [false, true]) {
      const p = plan(h, { force })
      expect(p.alreadyRolledBack).toEqual(['recipes/mod.toml', 'recipes/new.toml'])
      expect(p.files.map((f) => f.path)).toEqual(force ? ['recipes/keep.toml'] : [])
      expect(p.conflicts.map((c) => c.path)).toEqual(['recipes/keep.toml'])
      expect(p.batchCommits).toEqual([sha(2)])
    }
  })

  test('files outside paths are ignored: failure records, metrics, the control file, the manifest', () => {
    const h = history(
      init,
      {
        msg: batchMsg(),
        ch: [
          ['A', 'recipes/new.toml'],
          ['A', `data/failures/${ID}.jsonl`],
          ['M', 'data/metrics/batch-runs.jsonl'],
          ['M', 'batch-control.json'],
          ['A', MANIFEST],
          ['A', 'recipesX/near-miss.toml']
        ]
      },
      { msg: 'chore: later edit of the control file', ch: [['M', 'batch-control.json']] }
    )
    const p = plan(h)
    expect(p.files.map((f) => f.path)).toEqual(['recipes/new.toml'])
    expect(p.conflicts).toEqual([])
    // Several paths.
    const q = plan(h, { paths: ['recipes/', 'data/metrics'] })
    expect(q.files.map((f) => f.path)).toEqual(['data/metrics/batch-runs.jsonl', 'recipes/new.toml'])
  })

  test('files come out sorted by path', () => {
    const h = history(init, { msg: batchMsg(), ch: [['A', 'recipes/z.toml'], ['A', 'recipes/a/b.toml'], ['A', 'recipes/B.toml'], ['A', 'recipes/a.toml']] })
    expect(plan(h).files.map((f) => f.path)).toEqual(['recipes/B.toml', 'recipes/a.toml', 'recipes/a/b.toml', 'recipes/z.toml'])
  })
})

describe('planRollback: the manifest', () => {
  const manifest = (files: Array<[ChangeStatus, string]>, base_commit?: string): ManifestData => ({
    files: files.map(([status, p]) => ({ path: p, status })),
    ...(base_commit ? { base_commit } : {})
  })

  test('a squash-merged batch: the commit adding the manifest contributes only the files it lists', () => {
    const h = history(
      init,
      {
        msg: `Batch ${ID} (#12)\n\n* feat: recipes\n* chore: record\n`,
        ch: [['A', MANIFEST], ['A', 'recipes/s1.toml'], ['M', 'recipes/mod.toml'], ['D', 'recipes/gone.toml'], ['A', 'recipes/unlisted.toml'], ['A', `data/failures/${ID}.jsonl`]]
      },
      { msg: 'chore: manifest edited later', ch: [['M', MANIFEST]] }
    )
    const m = manifest([
      ['A', 'recipes/s1.toml'],
      ['M', 'recipes/mod.toml'],
      ['D', 'recipes/gone.toml'],
      ['A', `data/failures/${ID}.jsonl`]
    ])
    expect(findManifestCommit(h, MANIFEST)?.sha).toBe(sha(2))
    const p = plan(h, { manifest: m })
    expect(p.batchCommits).toEqual([])
    expect(p.manifestCommit).toBe(sha(2))
    expect(summary(p)).toEqual([
      ['recipes/gone.toml', 'restore', sha(1), [sha(2)]],
      ['recipes/mod.toml', 'restore', sha(1), [sha(2)]],
      ['recipes/s1.toml', 'delete', null, [sha(2)]]
    ])
    // Without the manifest's content, the commit contributes nothing.
    expect(plan(h, { manifest: null }).files).toEqual([])
  })

  test('files the manifest lists that no found commit changed use its base_commit', () => {
    const BASE = 'b'.repeat(40)
    const h = history(
      init,
      { msg: 'feat: unmarked batch commit', ch: [['M', 'recipes/mod.toml'], ['A', 'recipes/n.toml']] },
      { msg: batchMsg(), ch: [['A', 'recipes/marked.toml']] },
      { msg: `chore(batch): record ${ID} [skip ci]`, ch: [['A', MANIFEST]] },
      { msg: 'fix: later edit', ch: [['M', 'recipes/n.toml']] }
    )
    const m = manifest(
      [
        ['M', 'recipes/mod.toml'],
        ['A', 'recipes/n.toml'],
        ['D', 'recipes/gone.toml'],
        ['A', 'recipes/marked.toml'],
        ['A', `data/failures/${ID}.jsonl`],
        ['M', 'batch-control.json']
      ],
      BASE
    )
    const p = plan(h, { manifest: m })
    expect(p.manifestCommit).toBe(sha(4))
    expect(p.batchCommits).toEqual([sha(3)])
    expect(summary(p)).toEqual([
      ['recipes/gone.toml', 'restore', BASE, [sha(4)]],
      // Found through its batch commit: before = that commit's parent, not base_commit.
      ['recipes/marked.toml', 'delete', null, [sha(3)]],
      ['recipes/mod.toml', 'restore', BASE, [sha(4)]]
    ])
    expect(p.conflicts.map((c) => [c.path, c.action, c.before, c.later.map((l) => l.sha)])).toEqual([['recipes/n.toml', 'delete', null, [sha(5)]]])

    // Without base_commit, such files cannot be placed: only what the found commits changed.
    const q = plan(h, { manifest: { files: m.files } })
    expect(q.files.map((f) => f.path)).toEqual(['recipes/marked.toml'])
    expect(q.conflicts).toEqual([])
  })

  test('findManifestCommit: the commit that added it (the oldest add), never a modification', () => {
    const h = history(
      init,
      { msg: 'x', ch: [['M', 'recipes/a']] },
      { msg: 'add', ch: [['A', MANIFEST]] },
      { msg: 'remove', ch: [['D', MANIFEST]] },
      { msg: 're-add', ch: [['A', MANIFEST]] },
      { msg: 'edit', ch: [['M', MANIFEST]] }
    )
    expect(findManifestCommit(h, MANIFEST)?.sha).toBe(sha(3))
    expect(findManifestCommit(h.slice(0, 1), MANIFEST)).toBeUndefined()
    expect(findManifestCommit(h, `data/batches/${TEN}.json`)).toBeUndefined()
  })

  test.each([
    ['recipes/../batch-control.json', "a '..' segment leaves the batch's paths"],
    ['recipes/.git/config', "a '.git' segment points into git's own files"],
    ['recipes/.GIT/hooks/pre-commit', "a '.git' segment points into git's own files"],
    ['/etc/passwd', 'not a relative path in the repository'],
    ['C:/x', 'not a relative path in the repository'],
    ['recipes\\a.toml', 'not a relative path in the repository'],
    ['recipes//a.toml', 'an empty path segment'],
    ['./recipes/a.toml', 'not in normal form (it would be recipes/a.toml)'],
    ['', 'not a relative path in the repository']
  ])('manifestPathProblem(%j)', (p, why) => {
    expect(manifestPathProblem(p)).toBe(why)
  })

  test('manifest entries outside the repository or into .git are reported and skipped; the rest is rolled back', () => {
    const BASE = 'b'.repeat(40)
    const h = history(init, { msg: `chore(batch): record ${ID} [skip ci]`, ch: [['A', MANIFEST]] })
    const m = manifest(
      [
        ['A', 'recipes/../batch-control.json'],
        ['A', 'recipes/.git/config'],
        ['M', 'recipes/ok.toml']
      ],
      BASE
    )
    const p = plan(h, { manifest: m, force: true })
    expect(summary(p)).toEqual([['recipes/ok.toml', 'restore', BASE, [sha(2)]]])
    expect(p.rejected).toEqual([
      { path: 'recipes/../batch-control.json', why: "a '..' segment leaves the batch's paths" },
      { path: 'recipes/.git/config', why: "a '.git' segment points into git's own files" }
    ])
  })

  test("a claim the history contradicts is reported and skipped: 'added' but already at the base, 'modified' but not there", () => {
    const BASE = 'b'.repeat(40)
    const h = history(init, { msg: `chore(batch): record ${ID} [skip ci]`, ch: [['A', MANIFEST]] })
    const m = manifest(
      [
        ['A', 'recipes/old.toml'],
        ['M', 'recipes/never.toml'],
        ['D', 'recipes/gone.toml'],
        ['A', 'recipes/new.toml']
      ],
      BASE
    )
    const p = plan(h, { manifest: m, existingAtManifestBase: new Set(['recipes/old.toml', 'recipes/gone.toml']) })
    expect(summary(p)).toEqual([
      ['recipes/gone.toml', 'restore', BASE, [sha(2)]],
      ['recipes/new.toml', 'delete', null, [sha(2)]]
    ])
    expect(p.rejected.map((r) => [r.path, r.why])).toEqual([
      ['recipes/old.toml', `listed as added, but it already existed at the manifest's base ${BASE.slice(0, 12)}`],
      ['recipes/never.toml', `listed as modified, but it did not exist at the manifest's base ${BASE.slice(0, 12)}`]
    ])
  })

  test("another batch's manifest is not this batch's", () => {
    const h = history(init, { msg: 'Batch (#13)', ch: [['A', `data/batches/${TEN}.json`], ['A', 'recipes/ten.toml']] })
    const p = plan(h, { manifest: manifest([['A', 'recipes/ten.toml']]) })
    expect(p.manifestCommit).toBeUndefined()
    expect(p.files).toEqual([])
  })
})

// ---------------------------------------------------------------------------
// parseLog on what git really prints

describe('parseLog on real git log output', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-parselog-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const g = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x', LC_ALL: 'C' }
    })
  const put = (file: string, content: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), content)
  }
  const commit = (message: string): string => {
    g('add', '--all')
    g('-c', 'commit.gpgsign=false', 'commit', '--quiet', '--allow-empty', '-m', message)
    return g('rev-parse', 'HEAD').trim()
  }
  const log = (...pathspecs: string[]): string =>
    g('log', '--first-parent', '--no-renames', '-z', '--name-status', '--format=%x1e%H%x00%P%x00%B%x00', 'HEAD', '--', ...pathspecs)

  test('commits newest first, first parents, whole messages, A/M/D (T as M, renames as D+A), odd paths', () => {
    g('init', '--quiet', '--initial-branch=main')
    put('recipes/a.toml', 'a\n')
    put('recipes/old name.toml', 'o\n')
    put('recipes/link', 'plain file\n')
    put('batch-control.json', '{}\n')
    const c1 = commit('initial')
    put('recipes/a.toml', 'a2\n')
    put('recipes/ünïcødé naïve.toml', 'ü\n')
    put('recipes/tab\there.toml', 't\n')
    unlinkSync(path.join(dir, 'recipes/old name.toml'))
    put('data/failures/x.jsonl', '{}\n')
    const c2 = commit(`feat(recipes): batch\n\nbody line\n\nbatch_id: ${ID}\nBatch-Id: ${ID}`)
    g('mv', 'recipes/a.toml', 'recipes/renamed.toml')
    unlinkSync(path.join(dir, 'recipes/link'))
    symlinkSync('renamed.toml', path.join(dir, 'recipes/link'))
    const c3 = commit('chore: rename, and a file becomes a symlink')
    // A merge: first-parent history shows it with its first-parent diff.
    g('checkout', '--quiet', '-b', 'side')
    put('recipes/side.toml', 's\n')
    const side = commit('side work')
    g('checkout', '--quiet', 'main')
    put('docs/x.md', 'x\n')
    const c4 = commit('docs only')
    g('-c', 'commit.gpgsign=false', 'merge', '--quiet', '--no-ff', '-m', 'Merge side', 'side')
    const c5 = g('rev-parse', 'HEAD').trim()

    const all = parseLog(log())
    expect(all.map((c) => c.sha)).toEqual([c5, c4, c3, c2, c1])
    expect(all.map((c) => c.parent)).toEqual([c4, c3, c2, c1, ''])
    expect(all.some((c) => c.sha === side)).toBe(false)
    const byId = new Map(all.map((c) => [c.sha, c]))
    expect(byId.get(c2)!.message).toBe(`feat(recipes): batch\n\nbody line\n\nbatch_id: ${ID}\nBatch-Id: ${ID}\n`)
    expect(byId.get(c2)!.subject).toBe('feat(recipes): batch')
    expect(batchLineMatcher(ID)(byId.get(c2)!.message)).toBe(true)
    const sorted = (c: LogCommit): Array<[string, string]> =>
      c.changes.map((x): [string, string] => [x.status, x.path]).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    expect(sorted(byId.get(c1)!)).toEqual([
      ['A', 'batch-control.json'],
      ['A', 'recipes/a.toml'],
      ['A', 'recipes/link'],
      ['A', 'recipes/old name.toml']
    ])
    expect(sorted(byId.get(c2)!)).toEqual([
      ['A', 'data/failures/x.jsonl'],
      ['M', 'recipes/a.toml'],
      ['D', 'recipes/old name.toml'],
      ['A', 'recipes/tab\there.toml'],
      ['A', 'recipes/ünïcødé naïve.toml']
    ])
    expect(sorted(byId.get(c3)!)).toEqual([
      ['D', 'recipes/a.toml'],
      ['M', 'recipes/link'],
      ['A', 'recipes/renamed.toml']
    ])
    expect(sorted(byId.get(c4)!)).toEqual([['A', 'docs/x.md']])
    expect(sorted(byId.get(c5)!)).toEqual([['A', 'recipes/side.toml']])

    // Limited to pathspecs (as the action reads it): only those commits and those files.
    const limited = parseLog(log(':(literal)recipes/'))
    expect(limited.map((c) => c.sha)).toEqual([c5, c3, c2, c1])
    expect(limited.flatMap((c) => c.changes.map((x) => x.path)).every((p) => p.startsWith('recipes/'))).toBe(true)

    // And it plans end to end.
    const p = planRollback({ batchId: ID, history: limited, paths: PATHS, manifestPath: MANIFEST, manifest: null, force: false })
    expect(p.batchCommits).toEqual([c2])
    expect(p.files.map((f) => [f.path, f.action, f.before?.commit ?? null])).toEqual([
      ['recipes/old name.toml', 'restore', c1],
      ['recipes/tab\there.toml', 'delete', null],
      ['recipes/ünïcødé naïve.toml', 'delete', null]
    ])
    expect(p.conflicts.map((c) => [c.path, c.later.map((l) => l.sha)])).toEqual([['recipes/a.toml', [c3]]])
  })

  test('empty input and a commit with an empty message', () => {
    expect(parseLog('')).toEqual([])
    const text = `\x1e${'a'.repeat(40)}\x00${'b'.repeat(40)} ${'c'.repeat(40)}\x00\x00\x00\nA\x00recipes/x\x00M\x00recipes/y\x00`
    expect(parseLog(text)).toEqual([
      {
        sha: 'a'.repeat(40),
        parent: 'b'.repeat(40),
        subject: '',
        message: '',
        changes: [
          { path: 'recipes/x', status: 'A' },
          { path: 'recipes/y', status: 'M' }
        ]
      }
    ])
  })
})

// ---------------------------------------------------------------------------
// property: whatever the history, the plan stays inside the lines

describe('planRollback: properties over random histories', () => {
  const POOL = [
    'recipes/a.toml',
    'recipes/b.toml',
    'recipes/c/d.toml',
    'recipes/e.toml',
    'recipesX/f.toml',
    'data/failures/2026-02-17-001.jsonl',
    'data/metrics/batch-runs.jsonl',
    'batch-control.json',
    MANIFEST
  ] as const
  const kinds = ['batch', 'trailer', 'other-batch', 'lookalike', 'foreign', 'rollback-same', 'rollback-other', 'quoting-rollback'] as const
  const message = (k: (typeof kinds)[number]): string =>
    ({
      batch: batchMsg(ID),
      trailer: trailerMsg(ID),
      'other-batch': batchMsg(TEN),
      lookalike: `feat: x\n\nbatch_id: ${ID} extra\nxBatch-Id: ${ID}\n`,
      foreign: 'fix: something',
      'rollback-same': rollbackMsg(ID),
      'rollback-other': rollbackMsg(TEN),
      'quoting-rollback': `chore: rollback\n\nbatch_id: ${ID}\nRollback-Of: ${ID}\n`
    })[k]
  const status = fc.constantFrom<ChangeStatus>('A', 'M', 'D')
  const change = fc.tuple(status, fc.constantFrom(...POOL))
  const commitArb = fc.record({ kind: fc.constantFrom(...kinds), ch: fc.uniqueArray(change, { maxLength: 5, selector: (c) => c[1] }) })
  const arb = fc.record({
    commits: fc.array(commitArb, { maxLength: 25 }),
    manifest: fc.option(fc.record({ files: fc.uniqueArray(change, { maxLength: 6, selector: (c) => c[1] }), base: fc.boolean() })),
    paths: fc.constantFrom(['recipes/'], ['recipes'], ['recipes/c'], ['recipes/', 'data/metrics/']),
    force: fc.boolean()
  })

  test('planned and conflicted paths are under paths and come from a batch commit or the manifest; never both planned (unforced) and conflicted', () => {
    fc.assert(
      fc.property(arb, ({ commits, manifest, paths, force }) => {
        const h = history(init, ...commits.map((c) => ({ msg: message(c.kind), ch: c.ch })))
        const m: ManifestData | null = manifest
          ? { files: manifest.files.map(([s, p]) => ({ path: p, status: s })), ...(manifest.base ? { base_commit: 'b'.repeat(40) } : {}) }
          : null
        const p = planRollback({ batchId: ID, history: h, paths, manifestPath: MANIFEST, manifest: m, force })
        const isBatch = batchLineMatcher(ID)
        const bySha = new Map(h.map((c) => [c.sha, c]))

        for (const s of p.batchCommits) {
          const c = bySha.get(s)!
          expect(isBatch(c.message)).toBe(true)
          expect(rollbackOf(c.message)).toBeUndefined()
        }
        // Every matching, non-rollback commit is found.
        expect(p.batchCommits.length).toBe(h.filter((c) => isBatch(c.message) && rollbackOf(c.message) === undefined).length)

        const fromBatch = new Set(p.batchCommits.flatMap((s) => bySha.get(s)!.changes.map((x) => x.path)))
        const fromManifest = new Set(p.manifestCommit && m ? m.files.map((f) => f.path) : [])
        const all = [...p.files, ...p.conflicts, ...p.alreadyRolledBack.map((x) => ({ path: x }))]
        for (const f of all) {
          expect(underPaths(f.path, paths)).toBe(true)
          expect(fromBatch.has(f.path) || fromManifest.has(f.path)).toBe(true)
        }
        for (const f of [...p.files, ...p.conflicts]) {
          expect(f.action === 'delete').toBe(f.before === null)
          expect(f.commits.length).toBeGreaterThan(0)
        }

        const planned = new Set(p.files.map((f) => f.path))
        const conflicted = new Set(p.conflicts.map((f) => f.path))
        expect(planned.size).toBe(p.files.length)
        expect(conflicted.size).toBe(p.conflicts.length)
        for (const c of conflicted) expect(planned.has(c)).toBe(force)
        for (const r of p.alreadyRolledBack) expect(planned.has(r) || conflicted.has(r)).toBe(false)
        // Conflicts name commits outside the batch, after it.
        for (const c of p.conflicts) {
          expect(c.later.length).toBeGreaterThan(0)
          for (const l of c.later) {
            expect(p.batchCommits).not.toContain(l.sha)
            expect(bySha.get(l.sha)!.changes.some((x) => x.path === c.path)).toBe(true)
          }
        }
      }),
      { numRuns: 500 }
    )
  })
})

describe('nextRollbackStep', () => {
  const planned = { path: 'recipes/a', action: 'delete' as const, before: null, commits: ['c1'] }
  const conflict = { ...planned, later: [{ sha: 'c2', subject: 'edit' }] }
  const plan = (over: Partial<RollbackPlan>): RollbackPlan => ({ batchCommits: [], manifestCommit: undefined, files: [], conflicts: [], alreadyRolledBack: [], rejected: [], ...over })
  test.each([
    ['no marked commit', plan({}), false, { kind: 'nothing-found', why: 'no commit marks this batch' }],
    ['commits that touch nothing under paths', plan({ batchCommits: ['c1'] }), false, { kind: 'nothing-found', why: 'its commits changed no file under paths' }],
    ['a dry run', plan({ batchCommits: ['c1'], files: [planned] }), true, { kind: 'dry-run' }],
    ['files to change', plan({ batchCommits: ['c1'], files: [planned] }), false, { kind: 'rollback' }],
    ['only conflicts', plan({ batchCommits: ['c1'], conflicts: [conflict] }), false, { kind: 'all-conflicts' }],
    ['only already rolled back', plan({ batchCommits: ['c1'], alreadyRolledBack: ['recipes/a'] }), false, { kind: 'already-rolled-back' }]
  ])('%s', (_n, p, dry, step) => {
    expect(nextRollbackStep(p, dry)).toEqual(step)
  })
})

// ---------------------------------------------------------------------------
// how far back a batch can be (issue 15)

describe("the batch ID's date bounds the search", () => {
  test('the date an ID starts with', () => {
    expect(batchIdDay('2026-02-17-001')).toBe('2026-02-17')
    expect(batchIdDay('2026-02-17')).toBe('2026-02-17')
    expect(batchIdDay('2026-02-17-0010')).toBe('2026-02-17')
    expect(batchIdDay('2026-02-170')).toBeUndefined()
    expect(batchIdDay('release-2026-02-17')).toBeUndefined()
    expect(batchIdDay('nightly')).toBeUndefined()
  })

  test('an ID dated later than tomorrow (UTC), or on no day of the calendar, cannot name a batch', () => {
    const now = Date.parse('2026-03-02T12:00:00Z')
    expect(batchIdDateProblem('2026-02-17-001', now)).toBeUndefined()
    expect(batchIdDateProblem('2026-03-02-001', now)).toBeUndefined()
    // The counter may already be on the next day (docs/contract.md §4 rule 5).
    expect(batchIdDateProblem('2026-03-03-001', now)).toBeUndefined()
    expect(batchIdDateProblem('2026-03-03-001', Date.parse('2026-03-02T00:00:00Z'))).toBeUndefined()
    expect(batchIdDateProblem('2026-03-04-001', Date.parse('2026-03-02T23:59:59Z'))).toBe(
      'its date 2026-03-04 lies in the future (today is 2026-03-02 UTC), so no batch can have this ID yet'
    )
    expect(batchIdDateProblem('2026-03-04-001', Date.parse('2026-03-03T00:00:00Z'))).toBeUndefined()
    expect(batchIdDateProblem('2027-01-01', now)).toMatch(/^its date 2027-01-01 lies in the future/)
    expect(batchIdDateProblem('2026-02-30-001', now)).toBe('its date 2026-02-30 is not a day of the calendar')
    expect(batchIdDateProblem('2026-13-01-001', now)).toBe('its date 2026-13-01 is not a day of the calendar')
    // An ID without a date (a custom pattern): nothing to judge.
    expect(batchIdDateProblem('nightly-7', now)).toBeUndefined()
  })

  test('the search may stop two days before 00:00 UTC of the ID’s date; an ID without a date has no bound', () => {
    expect(BATCH_SEARCH_MARGIN_DAYS).toBe(2)
    expect(batchSearchSince('2026-02-17-001')).toBe(Date.parse('2026-02-15T00:00:00Z'))
    // A shallow clone is fetched a day further back, so that the commit ending the search usually comes with it.
    expect(batchFetchSince('2026-02-17-001')).toBe(Date.parse('2026-02-14T00:00:00Z'))
    expect(batchFetchSince('nightly-7')).toBeUndefined()
    expect(batchSearchSince('2026-03-01')).toBe(Date.parse('2026-02-27T00:00:00Z'))
    expect(batchSearchSince('nightly-7')).toBeUndefined()
    expect(batchSearchSince('2026-02-30-001')).toBeUndefined()
  })

  test('it stops at the first commit dated before the bound that is not part of the batch', () => {
    const since = Date.parse('2026-02-15T00:00:00Z')
    const end = batchSearchEnd(ID, MANIFEST, since)
    const at = (iso: string, msg: string, ch: Array<[ChangeStatus, string]> = []): LogCommit => ({
      sha: sha(1),
      parent: sha(0),
      subject: msg.split('\n')[0]!,
      message: msg,
      changes: ch.map(([status, p]) => ({ path: p, status })),
      time: Date.parse(iso) / 1000
    })
    expect(end(at('2026-02-14T23:59:59Z', 'fix: before'))).toBe(true)
    expect(end(at('2026-02-15T00:00:00Z', 'fix: on the bound'))).toBe(false)
    expect(end(at('2026-02-17T10:00:00Z', 'fix: after'))).toBe(false)
    // The batch's own commits never end it, however early their clock says they were made.
    expect(end(at('2026-01-01T00:00:00Z', batchMsg()))).toBe(false)
    expect(end(at('2026-01-01T00:00:00Z', trailerMsg()))).toBe(false)
    expect(end(at('2026-01-01T00:00:00Z', 'Batch (#12)', [['A', MANIFEST]]))).toBe(false)
    // Another batch, a rollback that quotes the line, a commit that only edits the manifest: not part of this batch.
    expect(end(at('2026-01-01T00:00:00Z', batchMsg(TEN)))).toBe(true)
    expect(end(at('2026-01-01T00:00:00Z', `chore: rollback\n\nbatch_id: ${ID}\nRollback-Of: ${ID}\n`))).toBe(true)
    expect(end(at('2026-01-01T00:00:00Z', 'fix: manifest', [['M', MANIFEST]]))).toBe(true)
    // No date read: never the end.
    expect(end({ ...at('2026-01-01T00:00:00Z', 'fix: x'), time: undefined })).toBe(false)
  })

  test('keptChanges: the changes to wanted files, or the commit for its message, or nothing', () => {
    const [c] = history({ msg: batchMsg(), ch: [['A', 'recipes/a.toml'], ['M', 'docs/x.md']] })
    const recipes = (p: string): boolean => p.startsWith('recipes/')
    expect(keptChanges(c!, recipes)?.changes).toEqual([{ path: 'recipes/a.toml', status: 'A' }])
    expect(keptChanges(c!, () => true)).toBe(c)
    expect(keptChanges(c!, () => false)).toBeUndefined()
    expect(keptChanges(c!, () => false, batchLineMatcher(ID))?.changes).toEqual([])
  })

  test('parseLog reads the committer date with `%H %ct`', () => {
    const text = `\x1e${'a'.repeat(40)} 1771322400\x00${'b'.repeat(40)}\x00feat: x\n\x00\x00\nA\x00recipes/x\x00\x1e${'b'.repeat(40)}\x00\x00init\n\x00`
    expect(parseLog(text).map((c) => [c.sha, c.parent, c.time])).toEqual([
      ['a'.repeat(40), 'b'.repeat(40), 1771322400],
      ['b'.repeat(40), '', undefined]
    ])
  })

  test('property: the plan from the history cut where the search ends is the plan from the whole history', () => {
    // Commit times only grow, and the batch's commits and the manifest's are made after the ID existed;
    // but the clock that dates a commit of the batch may be far behind (`behind`).
    const kinds = ['batch', 'trailer', 'manifest', 'other-batch', 'foreign', 'rollback-same', 'quoting-rollback'] as const
    const message = (k: (typeof kinds)[number]): string =>
      ({
        batch: batchMsg(ID),
        trailer: trailerMsg(ID),
        manifest: 'Batch (#12)',
        'other-batch': batchMsg(TEN),
        foreign: 'fix: something',
        'rollback-same': rollbackMsg(ID),
        'quoting-rollback': `chore: rollback\n\nbatch_id: ${ID}\nRollback-Of: ${ID}\n`
      })[k]
    const change = fc.tuple(fc.constantFrom<ChangeStatus>('A', 'M', 'D'), fc.constantFrom('recipes/a.toml', 'recipes/b.toml', 'recipes/c/d.toml', 'docs/x.md'))
    const arb = fc.record({
      commits: fc.array(
        fc.record({
          kind: fc.constantFrom(...kinds),
          gap: fc.integer({ min: 0, max: 3 * 86_400 }),
          behind: fc.option(fc.integer({ min: 1, max: 30 * 86_400 }), { nil: undefined }),
          ch: fc.uniqueArray(change, { maxLength: 3, selector: (c) => c[1] })
        }),
        { maxLength: 30 }
      ),
      slack: fc.integer({ min: 0, max: 5 * 86_400 }),
      force: fc.boolean()
    })
    fc.assert(
      fc.property(arb, ({ commits, slack, force }) => {
        let t = 1_760_000_000
        const specs: Spec[] = []
        const times: number[] = []
        for (const c of commits) {
          t += c.gap
          times.push(t)
          specs.push({ msg: message(c.kind), ch: c.kind === 'manifest' ? [['A', MANIFEST], ...c.ch] : c.ch })
        }
        const inBatch = (c: LogCommit): boolean =>
          (batchLineMatcher(ID)(c.message) && rollbackOf(c.message) === undefined) || c.changes.some((x) => x.path === MANIFEST && x.status === 'A')
        const honest = history(...specs).map((c, i, all) => ({ ...c, time: times[all.length - 1 - i]! }))
        const firstOfBatch = Math.min(...honest.filter(inBatch).map((c) => c.time), t)
        const since = (firstOfBatch - slack) * 1000
        // A batch commit made by a clock that is behind: dated before the bound, however long after the ID it was made.
        const h = honest.map((c, i, all) => {
          const behind = commits[all.length - 1 - i]!.behind
          return inBatch(c) && behind !== undefined ? { ...c, time: since / 1000 - behind } : c
        })
        const end = batchSearchEnd(ID, MANIFEST, since)
        const stop = h.findIndex(end)
        const cut = stop < 0 ? h : h.slice(0, stop)
        const m: ManifestData = { files: [{ path: 'recipes/a.toml', status: 'M' }], base_commit: sha(1) }
        expect(plan(cut, { manifest: m, force })).toEqual(plan(h, { manifest: m, force }))
      }),
      { numRuns: 500 }
    )
  })
})
