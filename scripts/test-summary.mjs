// Prints jest's totals as one plain closing line ("N passed, N failed"), so that
// CI reads the count of tests that ran, not only the exit code.
import { readFileSync } from 'node:fs'

const r = JSON.parse(readFileSync('.jest-results.json', 'utf8'))
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)
if (r.numTotalTests === 0) {
  console.error('no test ran')
  process.exit(1)
}
