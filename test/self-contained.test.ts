// The repository stands on its own: a user clones it alone, so nothing tracked may
// reach outside it, and the contract is cited by its path in the repository.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './harness.js'

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f !== '' && existsSync(path.join(repoRoot, f)))
// Generated or third-party text: the lockfile, and the bundles (their licence notices quote other projects).
const own = tracked.filter((f) => f !== 'package-lock.json' && !/^actions\/[^/]+\/dist\//.test(f))
const text = (f: string): string => readFileSync(path.join(repoRoot, f), 'utf8')
// This file is left out: its own examples are what the checks look for.
const textual = own.filter((f) => (/\.(ts|mts|mjs|js|json|md|yml|yaml|sql|toml|sh)$/.test(f) || f === '.ci/run') && f !== 'test/self-contained.test.ts')

/** Places in `content` that build a path to a folder beside the checkout (the old sibling folder of shared files). */
export function outsideReferences(content: string): string[] {
  const found: string[] = []
  const patterns = [/\.\.\/shared\b/g, /['"]\.\.['"]\s*,\s*['"]shared['"]/g, /['"]shared['"]\s*,\s*['"]fixtures['"]/g]
  for (const re of patterns) for (const m of content.matchAll(re)) found.push(m[0])
  return found
}

/** Relative link targets of a Markdown text (inline links and images), without anchors. */
export function relativeLinks(markdown: string): string[] {
  const out: string[] = []
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
  for (const m of withoutCode.matchAll(/!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue
    out.push(target.split('#')[0]!)
  }
  return out
}

/** `§` with no `contract.md` before it on its line (`docs/contract.md §1–§3` cites three). */
export function bareSections(content: string): number[] {
  const lines: number[] = []
  content.split('\n').forEach((line, i) => {
    for (let at = line.indexOf('§'); at >= 0; at = line.indexOf('§', at + 1)) {
      if (!/contract\.md /.test(line.slice(0, at))) lines.push(i + 1)
    }
  })
  return lines
}

describe('the checks themselves', () => {
  // The examples are assembled, so that this file itself names no folder outside the repository.
  const SIBLING = `../${'sha'}red`
  test('outsideReferences finds the ways the old code reached the sibling folder', () => {
    expect(outsideReferences(`path.resolve(repoRoot, '..', '${'sha'}red', 'fixtures', 'upstream', name)`).length).toBeGreaterThan(0)
    expect(outsideReferences(`[\`CONTRACT.md\`](${SIBLING}/CONTRACT.md)`)).toEqual([SIBLING])
    expect(outsideReferences("path.join(repoRoot, 'test', 'fixtures', 'upstream', name)")).toEqual([])
  })
  test('relativeLinks skips URLs, anchors and code', () => {
    expect(relativeLinks('[a](docs/x.md#y) [b](https://x.invalid) [c](#z) `[d](e.md)` ![i](img.svg)')).toEqual(['docs/x.md', 'img.svg'])
  })
  test('bareSections accepts only sections cited with the contract path', () => {
    expect(bareSections('see docs/contract.md §5 and [docs/contract.md §4](docs/contract.md), docs/contract.md §1–§3')).toEqual([])
    expect(bareSections('a move §5 forbids\nok\nCONTRACT §3')).toEqual([1, 3])
  })
})

describe('nothing tracked reaches outside the repository', () => {
  test.each(textual)('%s', (file) => {
    expect(outsideReferences(text(file))).toEqual([])
  })
})

describe('every relative link in the Markdown resolves inside the repository', () => {
  test.each(own.filter((f) => f.endsWith('.md')))('%s', (file) => {
    const broken = relativeLinks(text(file)).filter((target) => {
      const resolved = path.resolve(repoRoot, path.dirname(file), decodeURIComponent(target))
      const rel = path.relative(repoRoot, resolved)
      return rel.startsWith('..') || path.isAbsolute(rel) || !existsSync(resolved)
    })
    expect(broken).toEqual([])
  })
})

describe('the contract is cited by its path, never as a bare §', () => {
  test.each(textual.filter((f) => f !== 'docs/contract.md'))('%s', (file) => {
    expect(bareSections(text(file))).toEqual([])
  })
})

test('the fixtures the pipeline we replace wrote are the project’s own', () => {
  for (const f of ['batch-control.head.json', 'batch-control.initial.json', 'batch-runs-record.json', 'd1-batch-metrics-schema.sql', 'failures-batch-format.jsonl', 'failures-ecosystem-format.jsonl']) {
    expect(tracked).toContain(`test/fixtures/upstream/${f}`)
  }
  expect(tracked).toContain('docs/contract.md')
})
