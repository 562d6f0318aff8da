// The files a batch changed under its paths, for the manifest (docs/contract.md §6).

import { type ManifestFile, parseNameStatus } from '@batch-ops/core'
import { git } from './git.js'
import { InputError } from './runner.js'
import { confine } from './store.js'

export interface BatchChanges {
  baseCommit: string
  headCommit: string
  files: ManifestFile[]
}

/**
 * Files under `paths` that differ between the batch's base and the working
 * tree: committed and uncommitted changes, and new untracked files. The base is
 * the merge base of `baseRef` and HEAD (or HEAD itself without `baseRef`).
 */
export async function batchChanges(cwd: string, baseRef: string, paths: readonly string[]): Promise<BatchChanges> {
  const top = (await git(['rev-parse', '--show-toplevel'], { cwd }).catch(() => {
    throw new InputError(`${cwd} is not a git repository, so the batch manifest cannot be computed; run actions/checkout first`)
  })).stdout.trim()
  const run = (args: string[], okCodes?: number[]) => git(args, { cwd: top, ...(okCodes ? { okCodes } : {}) })
  const head = (await run(['rev-parse', 'HEAD'])).stdout.trim()
  let base = head
  if (baseRef !== '') {
    const resolved = await run(['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`], [1, 128])
    if (resolved.code !== 0) {
      throw new InputError(
        `input 'base-ref' ${JSON.stringify(baseRef)} is not a commit in this checkout; fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin <branch>)`
      )
    }
    const mb = await run(['merge-base', resolved.stdout.trim(), head], [1, 128])
    base = mb.code === 0 ? mb.stdout.trim() : resolved.stdout.trim()
  }
  const specs = paths.map((p) => {
    const { rel } = p === '' || p === '.' ? { rel: '.' } : confine(top, cwd, p)
    return `:(literal)${rel}`
  })
  const diff = await run(['diff', '--name-status', '--no-renames', '-z', base, '--', ...specs])
  const untracked = await run(['ls-files', '--others', '--exclude-standard', '-z', '--', ...specs])
  const files = parseNameStatus(diff.stdout)
  const seen = new Set(files.map((f) => f.path))
  for (const path of untracked.stdout.split('\0')) if (path && !seen.has(path)) files.push({ path, status: 'A' })
  return { baseCommit: base, headCommit: head, files }
}
