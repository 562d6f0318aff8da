// Ecosystem names as workflow authors type them.

import { ECOSYSTEM_PATTERN } from './control/model.js'

/** Splits a list input: newline- or comma-separated, blanks dropped, duplicates removed (first kept). */
export function parseList(raw: string): string[] {
  const seen = new Set<string>()
  for (const part of raw.split(/[\n,]/)) {
    const item = part.trim()
    if (item !== '') seen.add(item)
  }
  return [...seen]
}

function squash(s: string): string {
  return s.toLowerCase().replace(/[._-]/g, '')
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]!
}

/** The known name that `name` is most likely a misspelling of, if any. */
export function closestEcosystem(name: string, known: readonly string[]): string | undefined {
  if (known.includes(name)) return undefined
  const same = known.find((k) => squash(k) === squash(name))
  if (same) return same
  const near = known
    .map((k) => ({ k, d: distance(k, name.toLowerCase()) }))
    .filter(({ k, d }) => d <= (k.length >= 6 ? 2 : 1))
    .sort((a, b) => a.d - b.d)
  return near[0]?.k
}

/**
 * Checks requested names: each must be a valid ecosystem name, and one that
 * looks like a misspelling of a known ecosystem is refused with the right
 * spelling. A new, well-formed name is accepted.
 */
export function checkEcosystemNames(names: readonly string[], known: readonly string[]): string[] {
  const errors: string[] = []
  for (const name of names) {
    if (!ECOSYSTEM_PATTERN.test(name)) {
      const hint = closestEcosystem(name, known)
      errors.push(
        `${JSON.stringify(name)} is not a valid ecosystem name (lower case letters, digits, '.', '_' or '-')` +
          (hint ? `; did you mean ${JSON.stringify(hint)}?` : '')
      )
      continue
    }
    const hint = closestEcosystem(name, known)
    if (hint) errors.push(`unknown ecosystem ${JSON.stringify(name)}; did you mean ${JSON.stringify(hint)}?`)
  }
  return errors
}
