// batch-control: operator commands over the control file, validated and audited.
//
// 1. Read the command and its inputs (reason always required).
// 2. Apply the pure command to the control file as it is on origin now; an invalid
//    request (unknown ecosystem spelling, resetting a breaker that is not open, a
//    resume time in the past) is refused and nothing is written.
// 3. One commit with the trailers Batch-Ops-Action, Operator, Reason and Incident,
//    through the git store (re-applied to the new state if the branch moved).
// 4. The summary shows the control file before and after.

import {
  type OperatorCommand,
  OPERATOR_COMMANDS,
  applyOperatorCommand,
  commitMessage,
  formatTimestamp,
  isOperatorCommand,
  parseList,
  renderControl,
  stateSubject
} from '@batch-ops/core'
import {
  InputError,
  annotate,
  applyChange,
  now,
  persistInputs,
  readControl,
  reportFailure,
  requiredInput,
  runUrl,
  setOutput,
  storeOptions,
  stringInput,
  writeSummary
} from '@batch-ops/runtime'
import { controlSummary } from './summary.js'

export const ACTION = 'batch-control'

export function readInputs() {
  const command = requiredInput('command')
  if (!isOperatorCommand(command)) throw new InputError(`input 'command' must be one of ${OPERATOR_COMMANDS.join(', ')} (got ${JSON.stringify(command)})`)
  const reason = stringInput('reason')
  if (reason === '') throw new InputError(`input 'reason' is required for every command: say why (it is recorded in the commit and the audit trail)`)
  const operator = stringInput('operator', process.env.GITHUB_ACTOR ?? '')
  if (operator === '') throw new InputError(`no operator: set input 'operator' (GITHUB_ACTOR is not set outside a workflow run)`)
  const cmd: OperatorCommand = {
    command,
    operator,
    reason,
    ecosystems: parseList(stringInput('ecosystems')),
    incidentUrl: stringInput('incident-url'),
    expectedResume: stringInput('expected-resume')
  }
  return {
    cmd,
    controlFile: stringInput('control-file', 'batch-control.json'),
    ...persistInputs()
  }
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const at = now()
    const { cmd } = inputs
    const outcome = await applyChange(
      storeOptions(inputs),
      async (snapshot) => {
        const control = await readControl(snapshot, inputs.controlFile)
        const r = applyOperatorCommand(control.doc, cmd, at)
        if (!r.ok) throw new InputError(`${cmd.command} refused: ${r.error} (nothing was written)`)
        const after = r.changed ? renderControl(control, r.doc) : (control.text ?? renderControl(control, r.doc))
        return {
          files: r.changed ? { [inputs.controlFile]: after } : {},
          message: commitMessage(stateSubject(`${cmd.command}: ${r.summary}`), [
            ['Batch-Ops-Action', ACTION],
            ['Operator', cmd.operator],
            ['Reason', cmd.reason],
            ['Incident', cmd.incidentUrl || undefined],
            ['Run-Url', runUrl()]
          ]),
          result: { summary: r.summary, before: control.text ?? '', after }
        }
      }
    )
    const r = outcome.result
    setOutput('changed', outcome.changed.length > 0)
    setOutput('summary', r.summary)
    setOutput('commit', outcome.commit ?? '')
    annotate.notice(`${cmd.operator}: ${cmd.command}: ${r.summary}. Reason: ${cmd.reason}`, { title: 'batch-control' })
    await writeSummary(
      controlSummary({
        cmd,
        summary: r.summary,
        before: r.before,
        after: r.after,
        file: inputs.controlFile,
        commit: outcome.commit,
        persisted: inputs.persist,
        changed: outcome.changed.length > 0,
        at: formatTimestamp(at),
        runUrl: runUrl()
      })
    )
  } catch (error) {
    setOutput('changed', false)
    await reportFailure('Batch control', error)
  }
}
