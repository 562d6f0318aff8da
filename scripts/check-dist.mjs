// Fails when the committed bundles (actions/*/dist) differ from a fresh build.
// `npm test` rebuilds before the tests run; this compares the result with git.
import { execFileSync } from 'node:child_process'

// Pathspecs in glob form: a plain 'actions/*/dist' matches no file below dist/ and would never fail.
const generated = [':(glob)actions/*/dist/**', ':(glob)packages/core/src/control/schema-validator.generated.*']
const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...generated], { encoding: 'utf8' })
if (status.trim() !== '') {
  console.error('check-dist: the bundles in actions/*/dist differ from a fresh build of the sources:')
  console.error(status)
  console.error(execFileSync('git', ['diff', '--stat', '--', ...generated], { encoding: 'utf8' }))
  console.error('Run `npm run build` and commit actions/*/dist and the generated schema validator.')
  process.exit(1)
}
console.log('check-dist: actions/*/dist and the schema validator match a fresh build')
