// preflight-check: may this batch run, and on what? (docs/contract.md §4)
//
// 1. Read the inputs and the control file (invalid → fail closed, nothing written).
// 2. Decide with the pure core: the event that started the run (allowed-events),
//    kill switch, paused ecosystems, open breakers, the budget week and thresholds,
//    the next batch ID.
// 3. Persist what changed (batch counter, budget week, sampling flag) through the
//    git store, which re-decides on the fresh remote state if the push is rejected.
// 4. Write the outputs, the annotations and the job summary.

import {
  type PreflightDecision,
  allowedEventProblems,
  checkEcosystemNames,
  knownEcosystems,
  commitMessage,
  parseList,
  preflight,
  renderControl,
  stateSubject
} from '@batch-ops/core'
import {
  InputError,
  annotate,
  applyChange,
  handEditsAt,
  booleanInput,
  listInput,
  now,
  MAX_WEEK_MINUTES,
  numberInput,
  readControl,
  persistInputs,
  reportFailure,
  runUrl,
  setOutput,
  storeOptions,
  stringInput,
  workspace,
  writeSummary
} from '@batch-ops/runtime'
import { preflightSummary } from './summary.js'

export const ACTION = 'preflight-check'

function tamperMode(v: string): 'warn' | 'block' {
  if (v !== 'warn' && v !== 'block') throw new InputError(`input 'on-tamper' must be 'warn' or 'block' (got ${JSON.stringify(v)})`)
  return v
}


/** The events a batch may run on, and the one that started this run (GITHUB_EVENT_NAME; a called workflow sees its caller's). */
function readTrigger() {
  const allowed = parseList(stringInput('allowed-events', 'schedule'))
  const problems = allowedEventProblems(allowed)
  if (problems.length > 0) throw new InputError(problems.join('; '))
  return { event: (process.env.GITHUB_EVENT_NAME ?? '').trim(), onActions: process.env.GITHUB_ACTIONS === 'true', allowed }
}

export function readInputs() {
  return {
    controlFile: stringInput('control-file', 'batch-control.json'),
    ecosystems: listInput('ecosystems'),
    limits: {
      macos: numberInput('macos-minutes-per-week', 1000, { min: 0, max: MAX_WEEK_MINUTES }),
      linux: numberInput('linux-minutes-per-week', 5000, { min: 0, max: MAX_WEEK_MINUTES })
    },
    thresholds: {
      sampling: numberInput('sampling-threshold', 0.8, { min: 0, exclusiveMin: true, max: 1 }),
      pause: numberInput('pause-threshold', 0.95, { min: 0, exclusiveMin: true, max: 1 })
    },
    allocateBatchId: booleanInput('allocate-batch-id', true),
    onTamper: tamperMode(stringInput('on-tamper', 'warn')),
    trigger: readTrigger(),
    ...persistInputs()
  }
}

function setDecisionOutputs(d: Pick<PreflightDecision, 'canProceed' | 'ecosystems' | 'skipped' | 'reason' | 'sampling' | 'batchId'>): void {
  setOutput('can-proceed', d.canProceed)
  setOutput('ecosystems', d.ecosystems)
  setOutput('skipped-ecosystems', d.skipped)
  setOutput('reason', d.reason)
  setOutput('sampling', d.sampling)
  setOutput('batch-id', d.batchId)
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    if (inputs.thresholds.sampling > inputs.thresholds.pause) {
      throw new InputError(
        `input 'sampling-threshold' (${inputs.thresholds.sampling}) must not be above 'pause-threshold' (${inputs.thresholds.pause})`
      )
    }
    const at = now()
    const url = runUrl()
    const cwd = workspace()
    const outcome = await applyChange(
      storeOptions(inputs, cwd),
      async (snapshot) => {
        const control = await readControl(snapshot, inputs.controlFile)
        const tamper = control.exists ? await handEditsAt(snapshot, cwd, inputs.controlFile, inputs.author) : { findings: [], examined: 0 }
        if (inputs.ecosystems) {
          const problems = checkEcosystemNames(inputs.ecosystems, knownEcosystems(control.doc))
          if (problems.length > 0) throw new InputError(`input 'ecosystems': ${problems.join('; ')}`)
        }
        const { decision, doc, write } = preflight(
          control.doc,
          {
            requested: inputs.ecosystems,
            limits: inputs.limits,
            thresholds: inputs.thresholds,
            allocateBatchId: inputs.allocateBatchId,
            exists: control.exists,
            tampering: { findings: tamper.findings, block: inputs.onTamper === 'block' },
            trigger: inputs.trigger
          },
          at
        )
        const what = decision.batchId ? `allocate batch ${decision.batchId}` : decision.budgetReset ? 'start a new budget week' : 'update budget sampling'
        return {
          files: write ? { [inputs.controlFile]: renderControl(control, doc) } : {},
          message: commitMessage(stateSubject(what), [
            ['Batch-Id', decision.batchId || undefined],
            ['Batch-Ops-Action', ACTION],
            ['Run-Url', url]
          ]),
          result: { decision, tamper }
        }
      }
    )
    const { decision, tamper } = outcome.result
    if (tamper.incomplete) annotate.notice(`Tamper check incomplete: ${tamper.incomplete}.`, { title: 'preflight-check' })
    setDecisionOutputs(decision)
    for (const w of decision.warnings) annotate.warning(w, { title: 'preflight-check' })
    if (decision.trigger && !decision.trigger.ok) {
      // Someone or something started a batch on an event it does not run on: say so where it is seen.
      annotate.warning(`Batch does not proceed: ${decision.reason}`, { title: 'preflight-check' })
    } else if (decision.canProceed) {
      annotate.notice(`Batch ${decision.batchId || '(no ID requested)'} may proceed on ${decision.ecosystems.join(', ')}.`, { title: 'preflight-check' })
    } else {
      annotate.notice(`Batch does not proceed: ${decision.reason}`, { title: 'preflight-check' })
    }
    await writeSummary(
      preflightSummary(decision, {
        controlFile: inputs.controlFile,
        persisted: inputs.persist,
        changed: outcome.changed.length > 0,
        commit: outcome.commit,
        branch: outcome.branch,
        attempts: outcome.attempts,
        evaluatedAt: at,
        limits: inputs.limits,
        thresholds: inputs.thresholds,
        tamper,
        onTamper: inputs.onTamper
      })
    )
  } catch (error) {
    // A failed preflight proceeds with nothing, even for steps that run if: always().
    setDecisionOutputs({ canProceed: false, ecosystems: [], skipped: {}, reason: `preflight-check failed: ${(error as Error).message}`, sampling: false, batchId: '' })
    await reportFailure('Preflight check', error)
  }
}
