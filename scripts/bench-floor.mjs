// The benchmark's floor: the least any recorder must do with the same input in a
// fresh Node process: read the results file, parse every record, and write the
// same number of bytes the action writes.
import { readFileSync, writeFileSync } from 'node:fs'

const [results, outFile, bytes] = process.argv.slice(2)
const text = readFileSync(results, 'utf8')
let n = 0
for (const line of text.split('\n')) if (line.trim() !== '') n += JSON.parse(line) ? 1 : 0
writeFileSync(outFile, Buffer.alloc(Number(bytes), 0x61))
if (n === 0) process.exit(1)
