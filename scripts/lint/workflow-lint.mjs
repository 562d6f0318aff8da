// The workflow lint: what `npm run lint:workflows` (scripts/actionlint.mjs) runs over
// .github/workflows, and what test/docs-snippets.test.ts runs over the YAML examples in the docs.
//
//   const actionlint = await loadActionlint()
//   const findings = lintWorkflow(text, '.github/workflows/x.yml', { actionlint })
//
// Two passes over a workflow:
//
// 1. actionlint, from the `actionlint` npm package: actionlint 1.6.22 compiled to WebAssembly, so it
//    needs no download, no Go and no network. It checks the syntax, expressions and their types,
//    `needs`, job and matrix outputs, permissions, runner labels, the event inputs, and untrusted
//    inputs in scripts. Built for the browser, it reads no files and runs no programs: no shellcheck,
//    no pyflakes, and no look at local actions. Some findings are GitHub features newer than 1.6.22
//    (KNOWN_GAPS below); those are ignored and counted.
// 2. What that build cannot see, and this repository's rules for its workflows, on the YAML as the
//    `yaml` package parses it (so flow style, quoting, comments and anchors are read as GitHub reads them):
//    - the workflow, and the action.yml of every local action it uses, is valid YAML;
//    - local actions (`uses: ./actions/<name>`): the action.yml exists, every `with:` key is one of
//      its inputs, every required input without a default is given, and `steps.<id>.outputs.<name>`
//      names one of its outputs (what the actionlint CLI does when it can read the files);
//    - every other action or workflow is pinned by a full 40-character commit SHA with a version
//      comment (`uses: actions/checkout@<sha> # v4.2.2`), a Docker image by its digest;
//    - no `${{ }}` inside a `run:` script: values reach scripts through `env:`;
//    - a top-level `permissions:` that grants no write scope (least privilege: `{}` or read at the
//      top, and each job asks for what it writes);
//    - with `requireTimeouts` (the shipped workflows), every job has a `timeout-minutes`.
//
// Options:
//   root           where `./actions/<name>` and `./.github/workflows/<file>` resolve (the repository)
//   actionlint     the linter from loadActionlint(); without it, only the second pass runs
//   ownRepository  e.g. 'your-org/batch-ops': `uses: your-org/batch-ops/actions/<name>@<sha>` is
//                  checked against ./actions/<name> too (the docs name the actions that way)
//   snippet        the text is an example: a whole workflow when it has `jobs:`, otherwise a job, a
//                  map of jobs, a list of steps or one step, checked as if wrapped in a minimal
//                  workflow (the second pass only, and no top-level checks)
//   onIgnored      called with each actionlint finding that KNOWN_GAPS ignores
//   requireTimeouts every job must have timeout-minutes (npm run lint:workflows sets it)

import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Findings of actionlint 1.6.22 that are GitHub features it predates, not mistakes. */
export const KNOWN_GAPS = [
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

export const isKnownGap = (f) => KNOWN_GAPS.some((g) => g.kind === f.kind && g.message.test(f.message))

/** actionlint's WebAssembly build, ready to lint. */
export function loadActionlint() {
  return createLinter()
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
// YAML

/** The document, its line counter, and a finding (line and column) for each error. */
export function parseYaml(text, file) {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const findings = doc.errors.map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0])
    const hint = e.code === 'BLOCK_AS_IMPLICIT_KEY' ? ' (quote a value that contains ": ")' : ''
    return { file, line: Math.max(line, 1), column: Math.max(col, 1), message: `not valid YAML: ${e.message}${hint}`, kind: 'batch-ops-yaml' }
  })
  return { doc, lineCounter, findings }
}

const keyName = (pair) => (isScalar(pair.key) ? String(pair.key.value) : '')
const text = (node) => (isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : '')

/** inputs (name -> {required, hasDefault}), outputs and YAML errors of a local action's action.yml; null without one. */
export function readActionMetadata(dir, root = repoRoot) {
  const found = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f))
  if (!found) return null
  const file = path.relative(root, found).split(path.sep).join('/')
  const { doc, findings } = parseYaml(readFileSync(found, 'utf8'), file)
  const inputs = new Map()
  const outputs = new Set()
  if (findings.length === 0 && isMap(doc.contents)) {
    const inputsNode = doc.contents.get('inputs', true)
    for (const pair of isMap(inputsNode) ? inputsNode.items : []) {
      const spec = isMap(pair.value) ? pair.value : null
      const required = spec !== null && ['true', 'True', 'TRUE'].includes(String(spec.get('required')))
      inputs.set(keyName(pair), { required, hasDefault: spec !== null && spec.has('default') })
    }
    const outputsNode = doc.contents.get('outputs', true)
    for (const pair of isMap(outputsNode) ? outputsNode.items : []) outputs.add(keyName(pair))
  }
  return { file, inputs, outputs, findings }
}

// ---------------------------------------------------------------------------------------------
// The checks actionlint's browser build cannot make, and this repository's rules

const isJob = (node) => isMap(node) && (node.has('steps') || node.has('runs-on') || isWorkflowCall(node))
const isWorkflowCall = (node) => isMap(node) && !node.has('run') && /\.ya?ml(@|$)/.test(text(node.get('uses', true)))
const isStep = (node) => isMap(node) && (node.has('uses') || node.has('run'))

/** The jobs of an example that is not a whole workflow ({ id, node, steps }), or null. */
function snippetJobs(top) {
  if (isSeq(top) && top.items.length > 0 && top.items.every(isStep)) return [{ id: '', node: top, steps: top.items }]
  if (isJob(top)) return [{ id: '', node: top, steps: stepsOf(top) }]
  if (isMap(top) && top.items.length > 0 && top.items.every((p) => isJob(p.value))) {
    return top.items.map((p) => ({ id: keyName(p), node: p.value, steps: stepsOf(p.value) }))
  }
  if (isStep(top)) return [{ id: '', node: top, steps: [top] }]
  return null
}

function stepsOf(job) {
  const steps = isMap(job) ? job.get('steps', true) : null
  return isSeq(steps) ? steps.items : []
}

/**
 * Lints one workflow (or, with `snippet`, one example) and returns its findings
 * ({ file, line, column, message, kind }), in order.
 */
export function lintWorkflow(source, file, options = {}) {
  const { actionlint, snippet = false, onIgnored } = options
  const { doc, lineCounter, findings } = parseYaml(source, file)
  // YAML that does not parse: its errors are the findings (the WebAssembly build of actionlint can
  // crash on it, and the other checks need the YAML as GitHub would read it).
  if (doc.errors.length > 0) return findings
  const whole = !snippet || (isMap(doc.contents) && doc.contents.has('jobs'))
  if (whole && actionlint) {
    for (const f of runActionlint(actionlint, source, file)) {
      if (isKnownGap(f)) onIgnored?.(f)
      else findings.push(f)
    }
  }
  findings.push(...ownChecks(doc, source, file, lineCounter, whole, options))
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}

function ownChecks(doc, source, file, lineCounter, whole, { root = repoRoot, ownRepository = '', requireTimeouts = false }) {
  const findings = []
  const add = (offset, message, kind) => {
    const { line, col } = lineCounter.linePos(offset)
    findings.push({ file, line: Math.max(line, 1), column: Math.max(col, 1), message, kind })
  }
  const at = (node) => node?.range?.[0] ?? 0
  const deref = (node) => (isAlias(node) ? node.resolve(doc) : node)
  const top = doc.contents

  let jobs
  if (whole) {
    if (!isMap(top)) {
      add(at(top), 'a workflow is a mapping (name:, on:, jobs:)', 'batch-ops-yaml')
      return findings
    }
    checkPermissions(top)
    const jobsNode = deref(top.get('jobs', true))
    jobs = isMap(jobsNode) ? jobsNode.items.map((p) => ({ id: keyName(p), node: deref(p.value), steps: stepsOf(deref(p.value)) })) : []
  } else {
    jobs = snippetJobs(top)
    if (!jobs) {
      add(at(top), 'not a workflow, a job, or a list of steps', 'batch-ops-snippet')
      return findings
    }
  }

  const metaCache = new Map()
  const reported = new Set()
  for (const job of jobs) checkJob(job)
  // A job without a timeout runs up to GitHub's 6 hours when something it waits for hangs.
  if (whole && requireTimeouts) {
    for (const job of jobs) {
      if (isMap(job.node) && !isWorkflowCall(job.node) && !job.node.has('timeout-minutes')) {
        add(at(job.node), `job "${job.id}" has no timeout-minutes; give it one, so that a hung step cannot hold the runner for 6 hours`, 'batch-ops-timeout')
      }
    }
  }
  return findings

  // A top-level permissions block: least privilege by default, jobs ask for more.
  function checkPermissions(map) {
    const pair = map.items.find((p) => keyName(p) === 'permissions')
    if (!pair) {
      add(0, 'no top-level "permissions:"; set "permissions: {}" (or read) and grant more per job', 'batch-ops-permissions')
      return
    }
    const value = deref(pair.value)
    const perJob = 'keep the top level {} or read and grant write in the jobs that need it (jobs.<id>.permissions)'
    if (isMap(value)) {
      for (const p of value.items) {
        if (text(deref(p.value)) === 'write') add(at(p.key), `the top-level permissions grant "${keyName(p)}: write"; ${perJob}`, 'batch-ops-permissions')
      }
    } else if (text(value) === 'write-all') {
      add(at(value), `the top-level permissions grant write-all; ${perJob}`, 'batch-ops-permissions')
    } else if (text(value) !== 'read-all') {
      const where = isScalar(value) && value.value === null ? pair.key : value
      add(at(where), 'top-level "permissions:" must be {}, read-all or a map of read scopes', 'batch-ops-permissions')
    }
  }

  function checkJob({ node, steps }) {
    const localSteps = new Map() // step id -> action metadata
    const call = isWorkflowCall(node) ? node.get('uses', true) : null
    if (call) checkUses(call, null)
    for (const item of steps) {
      const step = deref(item)
      if (!isMap(step)) continue
      const run = step.get('run', true)
      if (run) checkRun(run)
      const uses = step.get('uses', true)
      if (!uses) continue
      const meta = checkUses(uses, step)
      const id = text(deref(step.get('id', true)))
      if (meta && id) localSteps.set(id, meta)
    }
    // steps.<id>.outputs.<name> of local actions: one of the outputs their action.yml declares.
    if (localSteps.size === 0) return
    const refs = /\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g
    for (const scalar of scalarsIn(node)) {
      for (const { m, offset } of occurrences(scalar, refs)) {
        const meta = localSteps.get(m[1])
        if (meta && !meta.outputs.has(m[2])) {
          add(offset, `output "${m[2]}" of step "${m[1]}" is not defined in ${meta.file}; its outputs are ${[...meta.outputs].join(', ')}`, 'batch-ops-local')
        }
      }
    }
  }

  // `run:`: no expressions in the script.
  function checkRun(node) {
    const script = deref(node)
    if (!isScalar(script) || typeof script.value !== 'string') return
    for (const { offset } of occurrences(script, /\$\{\{/g, node)) {
      add(offset, 'no ${{ }} in a run: script; pass the value through env: and use "$NAME"', 'batch-ops-script')
    }
  }

  // `uses:`: pinned, or a local action that exists and is given only inputs it declares. Returns the
  // metadata of a local action, for its outputs.
  function checkUses(node, step) {
    const value = deref(node)
    const ref = text(value).trim()
    const found = source.indexOf(ref, at(node))
    const offset = found >= 0 && found < (node.range?.[1] ?? 0) ? found : at(node)
    if (ref.startsWith('./')) {
      if (/\.ya?ml$/.test(ref)) {
        if (!existsSync(path.join(root, ref))) add(offset, `reusable workflow ${ref} does not exist`, 'batch-ops-local')
        return null
      }
      return checkLocal(ref, ref, offset, step)
    }
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) add(offset, `pin the image ${ref} by its digest (docker://image@sha256:...)`, 'batch-ops-pin')
      return null
    }
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(ref)) {
      add(offset, `pin ${ref} by a full 40-character commit SHA, with the version in a comment: owner/repo@<sha> # v1.2.3`, 'batch-ops-pin')
    } else {
      const end = node.range?.[1] ?? offset
      const lineEnd = source.indexOf('\n', end)
      const rest = source.slice(end, lineEnd < 0 ? source.length : lineEnd)
      if (!/(^|\s)#\s*\S/.test(rest)) add(offset, `say which version the commit SHA of ${ref.split('@')[0]} is, in a comment after it: # v1.2.3`, 'batch-ops-pin')
    }
    // This repository's own actions, named as users name them: checked against ./actions/<name>.
    const own = ownRepository ? new RegExp(`^${ownRepository.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(actions/[^/@]+)@`).exec(ref) : null
    return own ? checkLocal(`./${own[1]}`, ref, offset, step) : null
  }

  function checkLocal(dir, ref, offset, step) {
    let meta = metaCache.get(dir)
    if (meta === undefined) metaCache.set(dir, (meta = readActionMetadata(path.join(root, dir), root)))
    if (!meta) {
      add(offset, `local action ${dir} has no action.yml or action.yaml`, 'batch-ops-local')
      return null
    }
    if (meta.findings.length > 0) {
      // An action.yml GitHub cannot load: its own findings, once.
      if (!reported.has(meta.file)) findings.push(...meta.findings)
      reported.add(meta.file)
      return null
    }
    if (!step) return meta
    const withNode = deref(step.get('with', true))
    const given = isMap(withNode) ? withNode.items.map((p) => ({ name: keyName(p), offset: at(p.key) })) : []
    for (const g of given) {
      if (!meta.inputs.has(g.name)) {
        const known = [...meta.inputs.keys()].join(', ')
        add(g.offset, `input "${g.name}" is not defined in ${meta.file}; its inputs are ${known || '(none)'}`, 'batch-ops-local')
      }
    }
    for (const [name, spec] of meta.inputs) {
      if (spec.required && !spec.hasDefault && !given.some((g) => g.name === name)) {
        add(offset, `missing input "${name}", which ${meta.file} requires`, 'batch-ops-local')
      }
    }
    return meta
  }

  /** Every scalar under a node (keys and values). */
  function scalarsIn(node) {
    const out = []
    if (node) visit(node, { Scalar: (_, s) => void out.push(s) })
    return out
  }

  /**
   * Where `re` matches a scalar's value, as offsets in the source: in its text as written when that
   * holds the same matches (the usual case), else at the start of the node (`where`, e.g. an alias).
   */
  function occurrences(scalar, re, where = scalar) {
    const value = String(scalar.value)
    const written = where === scalar && scalar.range ? source.slice(scalar.range[0], scalar.range[1]) : ''
    const inWritten = [...written.matchAll(re)]
    const inValue = [...value.matchAll(re)]
    if (inWritten.length === inValue.length) return inWritten.map((m) => ({ m, offset: scalar.range[0] + m.index }))
    return inValue.map((m) => ({ m, offset: at(where) }))
  }
}
