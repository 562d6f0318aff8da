// Bundles every action (actions/*/src/index.ts) with ncc into its own dist/.
// Usage: node scripts/build.mjs [action-name ...]
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
const wanted = process.argv.slice(2)
execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-validator.mjs')], { stdio: 'inherit' })
const actions = readdirSync(path.join(root, 'actions')).filter(
  (name) => existsSync(path.join(root, 'actions', name, 'action.yml')) && (wanted.length === 0 || wanted.includes(name))
)
for (const name of actions) {
  const dir = path.join(root, 'actions', name)
  rmSync(path.join(dir, 'dist'), { recursive: true, force: true })
  execFileSync(process.execPath, [ncc, 'build', 'src/index.ts', '-o', 'dist', '--license', 'licenses.txt', '--quiet'], {
    cwd: dir,
    stdio: 'inherit'
  })
  console.log(`built actions/${name}/dist`)
}
