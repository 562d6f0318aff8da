// Commit messages batch-ops writes (docs/contract.md §3): a subject and git trailers.

export type Trailers = ReadonlyArray<readonly [key: string, value: string | undefined]>

/** Trailer values are one line; anything after a line break is folded into it. */
function oneLine(v: string): string {
  return v.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

/** `subject`, a blank line, then one `Key: value` line per trailer that has a value. */
export function commitMessage(subject: string, trailers: Trailers = []): string {
  const lines = trailers.filter(([, v]) => v !== undefined && oneLine(v) !== '').map(([k, v]) => `${k}: ${oneLine(v!)}`)
  return lines.length > 0 ? `${oneLine(subject)}\n\n${lines.join('\n')}\n` : `${oneLine(subject)}\n`
}

/** Subject of a state commit: `chore(batch): <what> [skip ci]`. */
export function stateSubject(what: string): string {
  return `chore(batch): ${oneLine(what)} [skip ci]`
}
