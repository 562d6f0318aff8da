// Bundles every action (actions/*/src/index.ts) with ncc into its own dist/.
// Usage: node scripts/build.mjs [action-name ...]
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundledPackageDirs, licenceNotices } from './licenses.mjs'

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
  const stats = path.join(tmpdir(), `batch-ops-ncc-stats-${name}-${process.pid}.json`)
  execFileSync(process.execPath, [ncc, 'build', 'src/index.ts', '-o', 'dist', '--stats-out', stats, '--quiet'], {
    cwd: dir,
    stdio: 'inherit'
  })
  // Notices for every package in every chunk (ncc's --license leaves out the lazily loaded chunks).
  writeFileSync(path.join(dir, 'dist', 'licenses.txt'), licenceNotices(bundledPackageDirs(JSON.parse(readFileSync(stats, 'utf8')))))
  rmSync(stats, { force: true })
  console.log(`built actions/${name}/dist`)
}
