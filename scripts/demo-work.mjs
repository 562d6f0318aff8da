// The demo's stand-in for a registry's recipe generator: batch-operations.yml runs it
// as the caller's `generate-command` for one ecosystem. It commits recipes that carry
// a `batch_id:` line, pushes them, and writes the per-recipe results file.
// Environment (from the workflow): ECOSYSTEM, BATCH_ID, BATCH_RESULTS_FILE;
// from the demo: DEMO_PLAN, JSON {ecosystem: {passed, failed}}.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const { ECOSYSTEM: eco, BATCH_ID: id, BATCH_RESULTS_FILE: resultsFile } = process.env
const plan = JSON.parse(process.env.DEMO_PLAN ?? '{}')[eco] ?? { passed: 3, failed: 0 }
const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

const results = []
for (let i = 0; i < plan.passed + plan.failed; i++) {
  const name = `${eco}-${id}-${i}`
  const file = path.join('recipes', eco, `${name}.toml`)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `# batch_id: ${id}\nname = "${name}"\nversion = "1.${i}.0"\n`)
  const ok = i < plan.passed
  results.push({
    recipe_name: name,
    ecosystem: eco,
    result: ok ? 'passed' : 'failed',
    duration_seconds: 20 + i,
    ...(ok ? {} : { error_category: i % 2 ? 'install_failed' : 'checksum_mismatch', error_message: `recipe validation failed for '${name}'` })
  })
}
git('add', '--', path.join('recipes', eco))
git('commit', '--quiet', '-m', `feat(recipes): ${eco} recipes of batch ${id}\n\nbatch_id: ${id}`)
for (let attempt = 1; ; attempt++) {
  try {
    git('pull', '--quiet', '--rebase', 'origin', 'HEAD')
    git('push', '--quiet', 'origin', 'HEAD')
    break
  } catch (e) {
    if (attempt >= 5) throw e
  }
}
mkdirSync(path.dirname(resultsFile), { recursive: true })
writeFileSync(resultsFile, results.map((r) => JSON.stringify(r)).join('\n') + '\n')
console.log(`${eco}: ${plan.passed} passed, ${plan.failed} failed, committed to batch ${id}`)
