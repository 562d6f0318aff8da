// Least privilege for the caller's command (docs/contract.md, issue 11): in every shipped
// workflow, a step that runs a command the caller gave as an input runs in a job that cannot
// write, whose checkouts keep no credentials, and that sees no token and no secret.
//
// A step runs a caller's command when its `run:` executes (bash/sh -c, eval) an environment
// variable that holds a free-text workflow input, or when its env: takes a free-text input whose
// name ends in "command" (generate-command), whatever the script does with it.

import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from './harness.ts'

type Map = Record<string, unknown>
const isMap = (x: unknown): x is Map => typeof x === 'object' && x !== null && !Array.isArray(x)
const text = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x ?? ''))

/** The names of the workflow's inputs that take free text (workflow_call, workflow_dispatch): a choice, a boolean or a number cannot be a command. */
export function inputNames(workflow: Map): string[] {
  const on = isMap(workflow.on) ? workflow.on : {}
  return Object.values(on).flatMap((trigger) =>
    isMap(trigger) && isMap(trigger.inputs)
      ? Object.entries(trigger.inputs)
          .filter(([, spec]) => !isMap(spec) || spec.type === undefined || spec.type === 'string')
          .map(([name]) => name)
      : []
  )
}

const INPUT_REF = /\$\{\{[^}]*\b(?:github\.event\.)?inputs\.([A-Za-z0-9_-]+)/g

/** Whether a step runs a command given as a workflow input. */
export function runsCallerCommand(step: Map, inputs: readonly string[]): boolean {
  const env = isMap(step.env) ? step.env : {}
  const fromInputs = Object.entries(env).filter(([, v]) => [...text(v).matchAll(INPUT_REF)].some((m) => inputs.includes(m[1]!)))
  if (fromInputs.some(([, v]) => [...text(v).matchAll(INPUT_REF)].some((m) => /command$/i.test(m[1]!)))) return true
  if (typeof step.run !== 'string') return false
  const script = step.run
  return fromInputs.some(([name]) => new RegExp(`(?:\\b(?:ba)?sh\\b[^\\n]*\\s-c|\\beval)\\s+["']?\\$\\{?${name}\\b`).test(script))
}

const WRITE = (p: unknown): boolean => (typeof p === 'string' ? p === 'write-all' : isMap(p) ? Object.values(p).some((v) => v === 'write') : false)
const SECRET = /\$\{\{[^}]*(\bsecrets\b|\bgithub\s*\.\s*token\b|\bgithub\s*\[\s*'token'\s*\])/i

/** What is wrong with the jobs of one workflow that run a caller's command; and which jobs those are. */
export function commandJobProblems(workflow: Map): { jobs: string[]; problems: string[] } {
  const inputs = inputNames(workflow)
  const jobs = isMap(workflow.jobs) ? workflow.jobs : {}
  const found: string[] = []
  const problems: string[] = []
  for (const [id, job] of Object.entries(jobs)) {
    if (!isMap(job) || !Array.isArray(job.steps)) continue
    const steps = job.steps.filter(isMap)
    const commands = steps.filter((s) => runsCallerCommand(s, inputs))
    if (commands.length === 0) continue
    found.push(id)
    const where = `job ${id} (runs ${commands.map((s) => text(s.id ?? s.name ?? 'a step')).join(', ')})`
    // Permissions: the job's own, else the workflow's; none at all is the repository default, which may write.
    const permissions = 'permissions' in job ? job.permissions : workflow.permissions
    if (permissions === undefined) problems.push(`${where}: no permissions set, so the token has the repository default, which may write`)
    else if (WRITE(permissions)) problems.push(`${where}: permissions ${JSON.stringify(permissions)} grant write`)
    for (const s of steps) {
      if (typeof s.uses === 'string' && s.uses.startsWith('actions/checkout@')) {
        const persist = isMap(s.with) ? s.with['persist-credentials'] : undefined
        if (persist !== false && persist !== 'false') problems.push(`${where}: ${s.uses.split('#')[0]!.trim()} without persist-credentials: false stores the token in .git/config`)
      }
    }
    const exposed: Array<[string, unknown]> = [
      ['the workflow env', workflow.env],
      ['the job env', job.env],
      ['the job container', job.container],
      ['the job services', job.services],
      ...steps.map((s, i): [string, unknown] => [`step ${text(s.id ?? s.name ?? i + 1)}`, { env: s.env, with: s.with, run: s.run }])
    ]
    for (const [what, value] of exposed) if (value !== undefined && SECRET.test(text(value))) problems.push(`${where}: ${what} hands a secret or github.token to the job`)
  }
  return { jobs: found, problems }
}

const workflowsDir = path.join(repoRoot, '.github', 'workflows')
const shipped = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort()
const load = (file: string): Map => parse(readFileSync(path.join(workflowsDir, file), 'utf8')) as Map

describe('every shipped workflow: a caller’s command runs without write access, credentials or secrets', () => {
  test.each(shipped)('%s', (file) => {
    expect(commandJobProblems(load(file)).problems).toEqual([])
  })

  test('batch-operations.yml runs the generate-command in the work job, and only there', () => {
    expect(commandJobProblems(load('batch-operations.yml')).jobs).toEqual(['work'])
  })
})

describe('the check finds what it is for', () => {
  const workflow = (job: Map, top: Map = { permissions: {} }): Map => ({
    on: {
      workflow_call: { inputs: { 'generate-command': { type: 'string' }, script: { type: 'string' }, label: { type: 'string' } } },
      workflow_dispatch: { inputs: { mode: { type: 'choice', options: ['a', 'b'] }, script: {} } }
    },
    ...top,
    jobs: { work: { 'runs-on': 'ubuntu-latest', ...job } }
  })
  const checkout = (persist?: unknown): Map => ({ uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', ...(persist === undefined ? {} : { with: { 'persist-credentials': persist } }) })
  const command: Map = { id: 'work', run: 'exec bash -c "$CMD"', env: { CMD: '${{ inputs.generate-command }}' } }
  const safe = { permissions: { contents: 'read' }, steps: [checkout(false), command] }

  test('a safe job has no problems', () => {
    expect(commandJobProblems(workflow(safe))).toEqual({ jobs: ['work'], problems: [] })
  })

  test.each<[string, Map, Map | undefined, RegExp]>([
    ['contents: write', { ...safe, permissions: { contents: 'read', actions: 'read', 'pull-requests': 'write' } }, undefined, /grant write/],
    ['write-all', { ...safe, permissions: 'write-all' }, undefined, /grant write/],
    ['the workflow’s write permissions, the job having none', { steps: safe.steps }, { permissions: { contents: 'write' } }, /grant write/],
    ['no permissions anywhere', { steps: safe.steps }, {}, /repository default/],
    ['a checkout that keeps the credentials (the default)', { ...safe, steps: [checkout(), command] }, undefined, /persist-credentials: false/],
    ['a checkout with persist-credentials: true', { ...safe, steps: [checkout(true), command] }, undefined, /persist-credentials: false/],
    ['github.token in the command’s env', { ...safe, steps: [checkout(false), { ...command, env: { ...(command.env as Map), GH_TOKEN: '${{ github.token }}' } }] }, undefined, /step work hands a secret/],
    ['a secret given to another step of the job', { ...safe, steps: [checkout(false), { uses: 'some/action@0123456789012345678901234567890123456789', with: { token: '${{ secrets.WORK_TOKEN }}' } }, command] }, undefined, /step 2 hands a secret/],
    ['a secret in the job env', { ...safe, env: { TOKEN: '${{ secrets.X }}' } }, undefined, /the job env hands a secret/],
    ['a secret in the workflow env', safe, { permissions: {}, env: { T: "${{ github['token'] }}" } }, /the workflow env hands a secret/]
  ])('%s', (_name, job, top, problem) => {
    expect(commandJobProblems(workflow(job, top)).problems).toEqual([expect.stringMatching(problem)])
  })

  test.each<[string, boolean, Map]>([
    ['bash -c "$CMD" with an input', true, command],
    ['sh -c with an input under another name', true, { run: 'sh -c "$SCRIPT"', env: { SCRIPT: '${{ inputs.script }}' } }],
    ['eval of an input', true, { run: 'eval "${SCRIPT}"', env: { SCRIPT: '${{ github.event.inputs.script }}' } }],
    ['an input named *command, whatever the script', true, { run: 'printf "%s" "$C" > cmd.sh', env: { C: '${{ inputs.generate-command }}' } }],
    ['an input only printed', false, { run: 'echo "$LABEL"', env: { LABEL: '${{ inputs.label }}' } }],
    ['bash -c of a value that is no input', false, { run: 'bash -c "$X"', env: { X: '${{ steps.a.outputs.x }}' } }],
    ['bash -c of a choice input', false, { run: 'bash -c "$C"', env: { C: '${{ inputs.mode }}' } }],
    ['an action given an input', false, { uses: './actions/record-batch', with: { results: '${{ inputs.script }}' } }]
  ])('a step with %s: runs a caller’s command %s', (_name, want, step) => {
    expect(runsCallerCommand(step, inputNames(workflow({})))).toBe(want)
  })
})
