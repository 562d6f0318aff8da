// The inputs every state-writing action shares (docs/contract.md §3), and the store options they make.

import { BOT, type Identity } from './git-tree.js'
import { annotate, booleanInput, numberInput, stringInput, workspace } from './runner.js'
import type { StoreOptions } from './store.js'

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
