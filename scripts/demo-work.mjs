// The demo's stand-in for a registry's recipe generator: batch-operations.yml runs it
// as the caller's `generate-command` for one ecosystem, in a job that can only read
// and holds no token. It writes recipes (each with a `batch_id:` line) under recipes/
// and the per-recipe results file, and leaves them in its checkout: the workflow's
// record job commits and pushes what the work left under `paths`.
// Environment (from the workflow): ECOSYSTEM, BATCH_ID, BATCH_RESULTS_FILE;
// from the demo: DEMO_PLAN, JSON {ecosystem: {passed, failed}}.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const { ECOSYSTEM: eco, BATCH_ID: id, BATCH_RESULTS_FILE: resultsFile } = process.env
const plan = JSON.parse(process.env.DEMO_PLAN ?? '{}')[eco] ?? { passed: 3, failed: 0 }

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
mkdirSync(path.dirname(resultsFile), { recursive: true })
writeFileSync(resultsFile, results.map((r) => JSON.stringify(r)).join('\n') + '\n')
console.log(`${eco}: ${plan.passed} passed, ${plan.failed} failed, written for batch ${id}`)
