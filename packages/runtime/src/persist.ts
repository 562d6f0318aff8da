// The inputs every state-writing action shares (docs/contract.md §3), and the store options they make.

import { readFile } from 'node:fs/promises'
import { BOT, type Identity } from './git-tree.js'
import { git } from './git.js'
import { remoteDefaultBranch } from './history.js'
import { InputError, annotate, booleanInput, numberInput, stringInput, workspace } from './runner.js'
import { GitStore, type StoreOptions } from './store.js'

export interface PersistInputs {
  persist: boolean
  maxAttempts: number
  author: Identity
}

/** The commit author: inputs author-name / author-email, github-actions[bot] by default. */
export function authorInput(): Identity {
  return { name: stringInput('author-name', BOT.name), email: stringInput('author-email', BOT.email) }
}

/** persist, max-attempts and the author. */
export function persistInputs(): PersistInputs {
  return {
    persist: booleanInput('persist', true),
    maxAttempts: numberInput('max-attempts', 8, { min: 1, max: 50, integer: true }),
    author: authorInput()
  }
}

/** Store options for the workspace: pushes to the checked-out branch, or GITHUB_REF's when detached. */
export function storeOptions(p: PersistInputs, cwd: string = workspace()): StoreOptions {
  return { cwd, ...p, fallbackRef: process.env.GITHUB_REF, log: (m) => annotate.notice(m) }
}

/**
 * The default branch of the repository this checkout pushes to: origin's HEAD
 * (`git ls-remote --symref origin HEAD`), which is right whatever repository was checked out.
 * Only when origin cannot say, the event payload's repository.default_branch, and only when the
 * payload describes that same repository (a `schedule` payload names none).
 */
export async function defaultBranch(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let fromOrigin: Error
  try {
    return await remoteDefaultBranch(root)
  } catch (e) {
    fromOrigin = e as Error
  }
  const eventPath = env.GITHUB_EVENT_PATH
  if (eventPath) {
    try {
      const event = JSON.parse(await readFile(eventPath, 'utf8')) as { repository?: { default_branch?: unknown; full_name?: unknown } }
      const name = event.repository?.default_branch
      const fullName = event.repository?.full_name
      const url = (await git(['remote', 'get-url', 'origin'], { cwd: root })).stdout.trim().replace(/\.git$/, '')
      if (typeof name === 'string' && name !== '' && typeof fullName === 'string' && url.endsWith(`/${fullName}`)) return name
    } catch {
      // No readable payload, or no origin: origin's answer stands.
    }
  }
  throw fromOrigin
}

/**
 * The branch a change will be pushed to, refused unless it is the default branch (where the
 * scheduled batches read the control file) or `allowOther` is set. A stop run from a feature
 * branch's form would otherwise report success while the default branch keeps running batches.
 * Fails closed: when the default branch cannot be told, nothing is written.
 */
export async function requireDefaultBranch(opts: StoreOptions, allowOther: boolean): Promise<{ branch: string; defaultBranch: string }> {
  const store = await GitStore.open(opts)
  const branch = await store.branch()
  const main = await defaultBranch(store.root).catch((e: Error) => {
    throw new Error(
      `could not tell the repository's default branch, so the change was not written (${e.message}). ` +
        `Check that origin is reachable (git ls-remote --symref origin HEAD), or set allow-non-default-branch: 'true' to write to ${branch} as it is.`
    )
  })
  if (branch !== main && !allowOther) {
    throw new InputError(
      `this checkout is on branch '${branch}', not the default branch '${main}' where the batches read the control file, so nothing was written. ` +
        `Check out the default branch (actions/checkout with ref: \${{ github.event.repository.default_branch }}), ` +
        `or set allow-non-default-branch: 'true' to steer the batches that run from '${branch}'.`
    )
  }
  return { branch, defaultBranch: main }
}
