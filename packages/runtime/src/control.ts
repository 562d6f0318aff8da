// Reading the control file through a store snapshot, failing closed.

import { type ControlLoad, type ControlProblem, loadControl } from '@batch-ops/core'
import type { Snapshot } from './store.js'

export type LoadedControl = Extract<ControlLoad, { ok: true }>

/** The control file is unreadable or invalid: nothing may proceed and nothing is written. */
export class ControlFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ControlProblem[]
  ) {
    super(
      `${file} is not a valid control file (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
        problems.map((p) => `line ${p.line}: ${p.path} ${p.message}`).join('; ') +
        `. Nothing was done and nothing was written; fix the file and re-run.`
    )
    this.name = 'ControlFileError'
  }
}

export async function readControl(snapshot: Snapshot, file: string): Promise<LoadedControl> {
  let text: string | null
  try {
    text = await snapshot.read(file)
  } catch (e) {
    throw new ControlFileError(file, [{ path: '$', line: 1, column: 1, message: `cannot be read: ${(e as Error).message}` }])
  }
  const load = loadControl(text)
  if (!load.ok) throw new ControlFileError(file, load.problems)
  return load
}
