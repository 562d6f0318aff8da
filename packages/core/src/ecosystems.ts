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

/** Edit distance counting a swap of two neighbouring letters as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** The known name that `name` is most likely a misspelling of, if any. */
export function closestEcosystem(name: string, known: readonly string[]): string | undefined {
  if (known.includes(name)) return undefined
  const same = known.find((k) => squash(k) === squash(name))
  if (same) return same
  const near = known
    .map((k) => ({ k, d: distance(k, name.toLowerCase()) }))
    // One slip (a letter wrong, missing, extra or swapped) in a name of 4 or more letters;
    // anything further apart is taken as a new ecosystem (gitlab is not a typo of github).
    .filter(({ k, d }) => d === 1 && k.length >= 4)
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
