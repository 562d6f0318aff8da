// scripts/release-notes.mjs: the CHANGELOG.md section that becomes a GitHub release's notes.

import { describe, test, expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { repoRoot } from './harness.js'

const { releaseNotes, checkTag, TAG_FORMAT } = await import('../scripts/release-notes.mjs')

const CHANGELOG = `# Changelog

Intro text.

## [Unreleased]

### Added

- Something under way.

## [1.2.10] - 2026-12-01

### Fixed

- The tenth patch.

## [1.2.1] - 2026-11-20

### Fixed

- The first patch.
- Code in it:

  \`\`\`sh
  ## not a heading
  \`\`\`

## [1.2.0] - 2026-11-10

### Added

<!-- nothing yet -->

## [1.1.0]

### Changed

- No date on the heading.

[Unreleased]: https://github.com/your-org/batch-ops/compare/v1.2.10...HEAD
[1.2.10]: https://github.com/your-org/batch-ops/compare/v1.2.1...v1.2.10
`

describe('releaseNotes', () => {
  test.each([
    ['1.2.10', '### Fixed\n\n- The tenth patch.\n'],
    ['v1.2.10', '### Fixed\n\n- The tenth patch.\n'],
    // A prefix of 1.2.10, and a ## inside a code block that is not a heading.
    ['1.2.1', '### Fixed\n\n- The first patch.\n- Code in it:\n\n  ```sh\n  ## not a heading\n  ```\n'],
    // The last section ends before the link references.
    ['1.1.0', '### Changed\n\n- No date on the heading.\n']
  ])('the section of %s', (version, notes) => {
    expect(releaseNotes(CHANGELOG, version)).toMatchObject({ ok: true, notes })
  })

  test.each([
    ['1.2.10', '2026-12-01'],
    ['1.1.0', undefined]
  ])('the date of %s is %s', (version, date) => {
    const found = releaseNotes(CHANGELOG, version)
    expect(found.ok && found.date).toBe(date)
  })

  test.each([
    ['1.3.0', 'CHANGELOG.md has no section for 1.3.0: add "## [1.3.0] - YYYY-MM-DD" with its entries'],
    ['1.2', '"1.2" is not a version: write X.Y.Z or vX.Y.Z, e.g. 1.2.3'],
    ['01.2.3', '"01.2.3" is not a version: write X.Y.Z or vX.Y.Z, e.g. 1.2.3'],
    ['Unreleased', 'Unreleased is not a release: move its entries into a new section "## [X.Y.Z] - YYYY-MM-DD" first'],
    ['1.2.0', 'the section for 1.2.0 in CHANGELOG.md is empty: it needs at least one entry']
  ])('%s: %s', (version, reason) => {
    expect(releaseNotes(CHANGELOG, version)).toEqual({ ok: false, reason })
  })

  test('a section with Windows line endings', () => {
    expect(releaseNotes(CHANGELOG.replace(/\n/g, '\r\n'), '1.2.10')).toMatchObject({ ok: true, notes: '### Fixed\n\n- The tenth patch.\n' })
  })
})

describe('checkTag', () => {
  test.each([
    ['v1.2.10', true, ''],
    ['1.2.10', false, '"1.2.10" is not a release tag: releases are tagged vX.Y.Z, e.g. v1.2.3'],
    ['v1.2.10-rc.1', false, '"v1.2.10-rc.1" is not a release tag: releases are tagged vX.Y.Z, e.g. v1.2.3'],
    ['v1', false, '"v1" is not a release tag: releases are tagged vX.Y.Z, e.g. v1.2.3'],
    ['v1.3.0', false, 'CHANGELOG.md has no section for 1.3.0: add "## [1.3.0] - YYYY-MM-DD" with its entries'],
    ['v1.2.0', false, 'the section for 1.2.0 in CHANGELOG.md is empty: it needs at least one entry'],
    ['v1.1.0', false, 'the heading of 1.1.0 in CHANGELOG.md has no date: write it as "## [1.1.0] - YYYY-MM-DD"']
  ])('%s may be released: %s', (tag, ok, reason) => {
    const result = checkTag(CHANGELOG, tag)
    expect(result.ok).toBe(ok)
    if (!result.ok) expect(result.reason).toBe(reason)
  })

  test.each([
    ['v0.1.0', true],
    ['v10.20.30', true],
    ['v1.02.3', false],
    ['V1.2.3', false],
    ['v1.2.3.4', false]
  ])('TAG_FORMAT on %s is %s', (tag, ok) => {
    expect(TAG_FORMAT.test(tag)).toBe(ok)
  })
})

describe('the command', () => {
  const script = path.join(repoRoot, 'scripts', 'release-notes.mjs')
  const dir = mkdtempSync(path.join(tmpdir(), 'release-notes-'))
  const file = path.join(dir, 'CHANGELOG.md')
  writeFileSync(file, CHANGELOG)
  const run = (...args: string[]): { status: number; stdout: string; stderr: string } => {
    try {
      return { status: 0, stdout: execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', stdio: 'pipe' }), stderr: '' }
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string }
      return { status: err.status, stdout: err.stdout, stderr: err.stderr }
    }
  }

  test('prints the section on stdout', () => {
    expect(run('--changelog', file, 'v1.2.10')).toEqual({ status: 0, stdout: '### Fixed\n\n- The tenth patch.\n', stderr: '' })
  })

  test('a missing section: exit 1 and why', () => {
    const r = run('--changelog', file, '9.9.9')
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('CHANGELOG.md has no section for 9.9.9')
  })

  test('--check names the tag and the date', () => {
    expect(run('--changelog', file, '--check', 'v1.2.10').stdout).toBe('release-notes: v1.2.10 may be released; CHANGELOG.md has its section (2026-12-01, 3 lines)\n')
    expect(run('--changelog', file, '--check', 'v1.1.0').status).toBe(1)
  })

  test('no version: usage, exit 2', () => {
    expect(run().status).toBe(2)
    expect(run('--check').status).toBe(2)
  })
})

test('every version in the repository’s CHANGELOG.md could be released, and Unreleased is there', () => {
  const changelog = readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8')
  expect(changelog).toMatch(/^## \[Unreleased\]$/m)
  const versions = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\]/gm)].map((m) => m[1]!)
  expect(versions.length).toBeGreaterThan(0)
  for (const v of versions) expect(checkTag(changelog, `v${v}`)).toMatchObject({ ok: true, version: v })
})
