// Commits built with git's plumbing in a private index: the working tree and
// the real index are never touched, and only the named paths change.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { git } from './git.js'

export interface Identity {
  name: string
  email: string
}

export const BOT: Identity = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }

/** A path set to a blob already in the object store, or removed. */
export type IndexEntry = { path: string; mode: string; blob: string } | { path: string; remove: true }

const ZERO = '0000000000000000000000000000000000000000'

/** Writes `content` as a blob and returns its ID. */
export async function writeBlob(root: string, content: string): Promise<string> {
  return (await git(['hash-object', '-w', '--stdin'], { cwd: root, input: content })).stdout.trim()
}

/**
 * A commit on top of `base` (its tree with `entries` applied), with `message`,
 * authored and committed by `who`. Returns the commit and its tree.
 */
export async function commitEntries(root: string, base: string, entries: readonly IndexEntry[], message: string, who: Identity = BOT): Promise<{ commit: string; tree: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'batch-ops-index-'))
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') }
  try {
    await git(['read-tree', base], { cwd: root, env })
    // One update-index for every entry: "mode SP blob TAB path", mode 0 removes.
    const info = entries.map((e) => ('remove' in e ? `0 ${ZERO}\t${e.path}` : `${e.mode} ${e.blob}\t${e.path}`)).join('\0')
    if (info !== '') await git(['update-index', '-z', '--index-info'], { cwd: root, env, input: info + '\0' })
    const tree = (await git(['write-tree'], { cwd: root, env })).stdout.trim()
    const ident = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email }
    const commit = (await git(['commit-tree', tree, '-p', base, '-F', '-'], { cwd: root, env: ident, input: message })).stdout.trim()
    return { commit, tree }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
