// The frame every action's run() shares: turn failures into an error an operator
// can act on, an annotation, a job summary and a non-zero exit.

import { code, fenced, md, table } from '@batch-ops/core'
import { ControlFileError } from './control.js'

/** A file the step was given (not the control file) is malformed: nothing was written. */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly what: string,
    readonly problems: ReadonlyArray<{ line: number; where: string; message: string }>
  ) {
    super(
      `${file} is not a valid ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}${problems.length >= 20 ? ' or more' : ''}): ` +
        problems.slice(0, 5).map((p) => `${p.where} (line ${p.line}): ${p.message}`).join('; ') +
        `. Nothing was written; fix the file and re-run.`
    )
    this.name = 'InputFileError'
  }
}
import { InputError, annotate, fail, writeSummary } from './runner.js'
import { StoreError } from './store.js'

function failureSummary(title: string, error: unknown): string {
  const lines = [`## ${md(title)}: failed\n`]
  if (error instanceof ControlFileError) {
    lines.push(`The control file ${code(error.file)} is unreadable or invalid, so this step **failed closed**: it proceeded with nothing and wrote nothing.\n`)
    lines.push(table(['line', 'JSON path', 'problem'], error.problems.map((p) => [String(p.line), code(p.path), md(p.message)])))
    lines.push(`\nFix the file (its JSON Schema ships with batch-ops: \`packages/core/schema/batch-control.schema.json\`) and re-run.\n`)
  } else if (error instanceof InputFileError) {
    lines.push(`${code(error.file)} is not a valid ${md(error.what)}, so nothing was recorded or written.\n`)
    lines.push(table(['line', 'record', 'problem'], error.problems.map((p) => [String(p.line), md(p.where), md(p.message)])))
  } else if (error instanceof InputError) {
    lines.push(`The step was called with an invalid input, so it did nothing:\n\n> ${md(error.message)}\n`)
  } else if (error instanceof StoreError) {
    lines.push(`The change could not be pushed (${error.attempts} attempt${error.attempts === 1 ? '' : 's'}):\n\n> ${md(error.message)}\n`)
    for (const [file, content] of Object.entries(error.intended)) {
      lines.push(`The change it meant to make to ${code(file)}:\n\n${content === null ? '(delete the file)\n' : fenced(content, 'json')}`)
    }
  } else {
    lines.push(`> ${md((error as Error)?.message ?? String(error))}\n`)
  }
  return lines.join('\n')
}

/**
 * Reports a failure: annotations (pointing into the control file where that is
 * where the problem is), the summary, and a failed step.
 */
export async function reportFailure(title: string, error: unknown): Promise<void> {
  if (error instanceof ControlFileError) {
    for (const p of error.problems) {
      annotate.error(`Invalid control file: ${p.path} ${p.message}`, { file: error.file, line: p.line, column: p.column })
    }
  }
  if (error instanceof InputFileError) {
    for (const p of error.problems) annotate.error(`${error.what}: ${p.where}: ${p.message}`, { file: error.file, line: p.line })
  }
  try {
    await writeSummary(failureSummary(title, error))
  } catch (e) {
    annotate.warning(`Could not write the job summary: ${(e as Error).message}`)
  }
  fail((error as Error)?.message ?? String(error))
}
