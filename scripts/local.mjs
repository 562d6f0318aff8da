// npm run local -- <action> <env-file>
//
// Runs an action's TypeScript source (actions/<action>/src/main.ts, its run())
// under GitHub's @github/local-action, which stands in for the runner: it reads
// the inputs from the env file (INPUT_<NAME>=value lines, hyphens kept, plus
// GITHUB_WORKSPACE, BATCH_OPS_NOW and the like), fills in action.yml's defaults,
// and prints the outputs the action set.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const actions = readdirSync(path.join(root, 'actions')).filter((a) => existsSync(path.join(root, 'actions', a, 'action.yml')))
const [action, envFile] = process.argv.slice(2)
if (!action || !envFile || !actions.includes(action)) {
  console.error(`usage: npm run local -- <action> <env-file>\n  <action>: one of ${actions.join(', ')}\n  <env-file>: INPUT_<NAME>=value lines, e.g. INPUT_ECOSYSTEMS=npm,pypi`)
  process.exit(2)
}
if (!existsSync(envFile)) {
  console.error(`local: the env file ${envFile} does not exist`)
  process.exit(2)
}
const bin = path.join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js')
const r = spawnSync(process.execPath, [bin, 'run', path.join('actions', action), 'src/main.ts', path.resolve(envFile)], { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
