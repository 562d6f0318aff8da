// Preloaded with --import by the benchmark: on exit, report the process's peak RSS.
import { writeFileSync } from 'node:fs'

const out = process.env.BATCH_OPS_BENCH_RSS_FILE
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)))
