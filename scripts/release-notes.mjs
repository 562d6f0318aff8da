// Prints the CHANGELOG.md section of one version: the notes of its GitHub release.
//
//   node scripts/release-notes.mjs 1.2.3             # or v1.2.3; the section's body on stdout
//   node scripts/release-notes.mjs --check v1.2.3    # release.yml: may this tag be released?
//   node scripts/release-notes.mjs --changelog FILE 1.2.3
//
// A section is everything under its `## [1.2.3] - YYYY-MM-DD` heading up to the next `## ` heading,
// without the link references at the bottom of the file. `--check` wants a tag in the form vX.Y.Z
// and a section with a date and at least one entry. It does not compare versions in package.json:
// the workspaces are private and nothing reads their versions.
//
// Exit status: 0 found, 1 not releasable (the message says why), 2 usage.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** A release tag: v, then MAJOR.MINOR.PATCH without leading zeros. No pre-releases. */
export const TAG_FORMAT = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/
const HEADING = /^##\s+\[?([^\]\s]+)\]?(.*)$/
const FENCE = /^\s*(```|~~~)/
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*\S/

/**
 * The section of `version` (1.2.3 or v1.2.3) in the text of a changelog:
 * `{ ok: true, version, date, notes }`, where `notes` is the section's body without its heading and
 * `date` the heading's YYYY-MM-DD (or undefined), or `{ ok: false, reason }`.
 */
export function releaseNotes(changelog, version) {
  const wanted = String(version).trim().replace(/^v/, '')
  if (wanted.toLowerCase() === 'unreleased') {
    return { ok: false, reason: 'Unreleased is not a release: move its entries into a new section "## [X.Y.Z] - YYYY-MM-DD" first' }
  }
  if (!VERSION.test(wanted)) return { ok: false, reason: `"${version}" is not a version: write X.Y.Z or vX.Y.Z, e.g. 1.2.3` }

  const lines = changelog.split(/\r?\n/)
  let start = -1
  let end = lines.length
  let date
  let fenced = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (FENCE.test(line)) fenced = !fenced
    if (fenced || !/^#{1,2}\s/.test(line)) continue
    if (start >= 0) {
      end = i
      break
    }
    const m = HEADING.exec(line)
    if (m && m[1].replace(/^v/, '') === wanted) {
      start = i
      date = /\b(\d{4}-\d{2}-\d{2})\b/.exec(m[2])?.[1]
    }
  }
  if (start < 0) return { ok: false, reason: `CHANGELOG.md has no section for ${wanted}: add "## [${wanted}] - YYYY-MM-DD" with its entries` }

  const body = lines.slice(start + 1, end)
  while (body.length > 0 && (body[body.length - 1].trim() === '' || LINK_DEFINITION.test(body[body.length - 1]))) body.pop()
  while (body.length > 0 && body[0].trim() === '') body.shift()
  const entries = body.filter((l) => l.trim() !== '' && !/^#{3,}\s/.test(l) && !/^\s*<!--.*-->\s*$/.test(l))
  if (entries.length === 0) return { ok: false, reason: `the section for ${wanted} in CHANGELOG.md is empty: it needs at least one entry` }
  return { ok: true, version: wanted, date, notes: body.join('\n') + '\n' }
}

/** What release.yml asks before it releases `tag`: a vX.Y.Z tag whose section exists, has a date and entries. */
export function checkTag(changelog, tag) {
  if (!TAG_FORMAT.test(tag)) return { ok: false, reason: `"${tag}" is not a release tag: releases are tagged vX.Y.Z, e.g. v1.2.3` }
  const found = releaseNotes(changelog, tag)
  if (!found.ok) return found
  if (!found.date) {
    return { ok: false, reason: `the heading of ${found.version} in CHANGELOG.md has no date: write it as "## [${found.version}] - YYYY-MM-DD"` }
  }
  return found
}

function main(args) {
  let file = path.join(root, 'CHANGELOG.md')
  let check = false
  const rest = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--check') check = true
    else if (args[i] === '--changelog' && i + 1 < args.length) file = path.resolve(args[++i])
    else rest.push(args[i])
  }
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    console.error('usage: node scripts/release-notes.mjs [--changelog FILE] VERSION | --check vX.Y.Z')
    return 2
  }
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    console.error(`release-notes: cannot read ${file}: ${e.message}`)
    return 1
  }
  const result = check ? checkTag(text, rest[0]) : releaseNotes(text, rest[0])
  if (!result.ok) {
    console.error(`release-notes: ${result.reason}`)
    return 1
  }
  if (check) {
    const lines = result.notes.trimEnd().split('\n').length
    console.log(`release-notes: ${rest[0]} may be released; CHANGELOG.md has its section (${result.date}, ${lines} lines)`)
  } else {
    process.stdout.write(result.notes)
  }
  return 0
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2))
