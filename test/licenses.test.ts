// Every bundle ships the licence notices of every package it contains, the
// lazily loaded chunks included (ncc's own --license left those out).

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './harness.js'

const { bundledPackageDirs, licenceNotices } = (await import(path.join(repoRoot, 'scripts', 'licenses.mjs'))) as {
  bundledPackageDirs(stats: unknown): string[]
  licenceNotices(dirs: string[]): string
}

const nm = (p: string): string => path.join(repoRoot, 'node_modules', ...p.split('/'))
const loaders = '/x/node_modules/@vercel/ncc/dist/ncc/loaders/ts-loader.js??ruleSet[1]!'

test('packages are found in the main chunk, in split chunks and in concatenated modules; our own sources and dropped modules are not', () => {
  const stats = {
    modules: [
      { identifier: `${loaders}${repoRoot}/actions/record-batch/src/main.ts|abc123`, chunks: [1] },
      { identifier: `${nm('@actions/core')}/lib/core.js`, chunks: [1], modules: [{ identifier: `${nm('undici')}/index.js` }] },
      // Listed, but in no chunk: webpack dropped it.
      { identifier: `${nm('@octokit/graphql')}/dist-src/index.js`, chunks: [] }
    ],
    chunks: [{ modules: [{ identifier: `${nm('@octokit/core')}/dist-src/index.js` }, { identifier: `${nm('@actions/github/node_modules/@actions/http-client')}/lib/index.js` }] }]
  }
  expect(bundledPackageDirs(stats).sort()).toEqual([nm('@actions/core'), nm('@actions/github/node_modules/@actions/http-client'), nm('@octokit/core'), nm('undici')].sort())
})

test('each notice names the package, its version and licence, with the licence text; sorted and without repeats', () => {
  const text = licenceNotices([nm('undici'), nm('@actions/core'), nm('undici')])
  const heads = text.split('\n').filter((l) => /^(@actions\/core|undici) \d/.test(l))
  expect(heads).toEqual([expect.stringMatching(/^@actions\/core 3\./), expect.stringMatching(/^undici \d/)])
  expect(text).toMatch(/Permission is hereby granted/)
})

const actions = readdirSync(path.join(repoRoot, 'actions')).filter((a) => existsSync(path.join(repoRoot, 'actions', a, 'action.yml')))

describe.each(actions)('actions/%s/dist/licenses.txt', (action) => {
  const dist = path.join(repoRoot, 'actions', action, 'dist')
  const listed = (): string[] =>
    readFileSync(path.join(dist, 'licenses.txt'), 'utf8')
      .split('\n')
      .filter((l) => /^(@[a-z0-9-]+\/)?[a-z0-9._-]+ \d+\.\d+\.\d+\S*$/.test(l))
      .map((l) => l.split(' ')[0]!)

  test('covers the toolkit in the main bundle', () => {
    expect(listed()).toEqual(expect.arrayContaining(['@actions/core', '@actions/exec', '@actions/io', '@actions/http-client', 'undici']))
  })

  test('covers the GitHub client wherever a chunk of it is bundled', () => {
    const chunks = readdirSync(dist).filter((f) => /^\d+\.index\.js$/.test(f))
    const octokitBundled = [...chunks, 'index.js'].some((f) => readFileSync(path.join(dist, f), 'utf8').includes('octokit'))
    if (octokitBundled) expect(listed()).toEqual(expect.arrayContaining(['@actions/github', '@octokit/core', '@octokit/request', 'before-after-hook', 'universal-user-agent']))
    else expect(listed()).not.toContain('@octokit/core')
  })
})
