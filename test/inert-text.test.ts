// Issue 12 item 9 against a bundled action: a recipe name and a failure category that try to break
// out of their code span or table cell (double backticks, raw HTML, a team mention, a lone carriage
// return that would end the table and forge a heading) are shown as text in the job summary.

import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { marked } from 'marked'
import { type TestRepo, createRepo, expectExit, runAction } from './harness.ts'

const repos: TestRepo[] = []
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.cleanup()))
})

test('record-batch: hostile recipe names and categories stay inert in the summary', async () => {
  const r = await createRepo({ files: { 'batch-control.json': '{"enabled": true}\n' } })
  repos.push(r)
  const name = 'evil``<img src=x onerror=alert(1)>@acme/security-team``'
  const category = 'build\r# Forged heading\r| forged | row |'
  const results = path.join(r.root, 'results.jsonl')
  writeFileSync(results, JSON.stringify({ name, ecosystem: 'npm', result: 'failed', error: 'boom [click](https://evil.example) ![x](https://evil.example/p.png)', category }) + '\n')
  const run = await runAction('record-batch', { cwd: r.work, inputs: { 'batch-id': '2026-03-04-001', results, persist: 'false' }, env: { BATCH_OPS_NOW: '2026-03-04T10:00:00Z' } })
  expectExit(run, 0)
  const html = await marked.parse(run.summary)
  // Rendered as GitHub renders Markdown: no element, mention or heading came from the untrusted text.
  expect(html).not.toMatch(/<img/)
  expect(html).not.toMatch(/<h1[^>]*>\s*Forged/)
  expect(html).not.toContain('>forged<')
  // A mention inside a code span notifies nobody; outside one it must be broken by a word joiner.
  const outsideCode = html.replace(/<code>[\s\S]*?<\/code>/g, '')
  expect(outsideCode).not.toMatch(/(^|[^\u2060;])@acme\/security-team/)
  expect(html).toMatch(/<code>[^<]*evil``&lt;img src=x onerror=alert\(1\)&gt;@acme\/security-team``[^<]*<\/code>/)
  expect(run.summary.split('\n').some((line) => line.startsWith('# Forged'))).toBe(false)
  expect(run.summary).not.toContain('\r')
  // And the name is still there to read.
  expect(run.summary).toContain('security-team')
})
