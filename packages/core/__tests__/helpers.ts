// Shared by the core tests: where the fixtures are, and a byte diff.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const upstreamDir = path.join(repoRoot, 'test', 'fixtures', 'upstream')

export function fixture(name: string): string {
  return readFileSync(path.join(upstreamDir, name), 'utf8')
}

/** The single region where `a` and `b` differ: common prefix and suffix removed. */
export function diff(a: string, b: string): { at: number; removed: string; inserted: string } {
  let p = 0
  while (p < a.length && p < b.length && a[p] === b[p]) p++
  let s = 0
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++
  return { at: p, removed: a.slice(p, a.length - s), inserted: b.slice(p, b.length - s) }
}

/** Line numbers (1-based) whose text differs, for texts with the same number of lines. */
export function changedLines(a: string, b: string): number[] {
  const la = a.split('\n')
  const lb = b.split('\n')
  if (la.length !== lb.length) throw new Error(`line counts differ: ${la.length} vs ${lb.length}`)
  return la.flatMap((line, i) => (line === lb[i] ? [] : [i + 1]))
}

export const iso = (s: string): number => {
  const ms = Date.parse(s)
  if (Number.isNaN(ms)) throw new Error(`bad test time ${s}`)
  return ms
}
