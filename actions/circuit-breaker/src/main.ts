// circuit-breaker: check before an ecosystem's work, record after it (docs/contract.md §5).
//
// check:  stopped by an operator (enabled: false) or the ecosystem paused → skip, claim
//         nothing, write nothing. Otherwise read the ecosystem's breaker: closed → run;
//         open and not due → skip; open and due (or half-open with no live probe) → claim
//         the probe through the git store (only one concurrent run can win the claim) and
//         run as the probe.
// record: add this run's attempts to the breaker (trip, close or re-open), re-applied
//         to the fresh remote state on a push conflict so that no result is lost.

import {
  type Attempts,
  type BreakerParams,
  type OperatorHold,
  breakerParamProblems,
  breakerStep,
  checkEcosystemNames,
  knownEcosystems,
  commitMessage,
  formatTimestamp,
  locateInControl,
  renderControl,
  stateSubject,
  viewBreaker
} from '@batch-ops/core'
import {
  ControlFileError,
  InputError,
  annotate,
  applyChange,
  now,
  numberInput,
  readControl,
  persistInputs,
  reportFailure,
  requiredInput,
  runUrl,
  setOutput,
  storeOptions,
  stringInput,
  writeSummary
} from '@batch-ops/runtime'
import { breakerSummary } from './summary.js'

export const ACTION = 'circuit-breaker'
/** The longest wait any breaker input may name: a year. */
const MAX_WAIT_MINUTES = 525_600
/** The most attempts one record may add (a batch of a million recipes). */
const MAX_ATTEMPTS = 1_000_000

function readParams(): BreakerParams {
  const params: BreakerParams = {
    failureThreshold: numberInput('failure-threshold', 50, { min: 0, exclusiveMin: true, max: 100 }),
    windowSize: numberInput('window-size', 10, { min: 1, max: 1000, integer: true }),
    minimumAttempts: numberInput('minimum-attempts', 5, { min: 1, max: 1000, integer: true }),
    recoveryMinutes: numberInput('recovery-minutes', 60, { min: 0, max: MAX_WAIT_MINUTES }),
    backoffMultiplier: numberInput('backoff-multiplier', 2, { min: 1, max: 100 }),
    maxRecoveryMinutes: numberInput('max-recovery-minutes', 1440, { min: 0, max: MAX_WAIT_MINUTES }),
    probeTimeoutMinutes: numberInput('probe-timeout-minutes', 120, { min: 0, exclusiveMin: true, max: MAX_WAIT_MINUTES })
  }
  const problems = breakerParamProblems(params)
  if (problems.length > 0) throw new InputError(`invalid breaker parameters: ${problems.join('; ')}`)
  return params
}

/** record's attempts: `outcome`, or `successes` and `failures`. */
function readAttempts(): Attempts {
  const outcome = stringInput('outcome')
  const hasCounts = stringInput('successes') !== '' || stringInput('failures') !== ''
  if (outcome !== '' && hasCounts) {
    throw new InputError(`give either input 'outcome' or 'successes'/'failures' for mode record, not both`)
  }
  if (hasCounts) {
    return { successes: numberInput('successes', 0, { min: 0, max: MAX_ATTEMPTS, integer: true }), failures: numberInput('failures', 0, { min: 0, max: MAX_ATTEMPTS, integer: true }) }
  }
  switch (outcome) {
    case 'success':
      return { successes: 1, failures: 0 }
    case 'failure':
      return { successes: 0, failures: 1 }
    case 'cancelled':
    case 'skipped':
      return { successes: 0, failures: 0 }
    case '':
      throw new InputError(`mode record needs input 'outcome' (success | failure) or 'successes' and 'failures' (counts)`)
    default:
      throw new InputError(`input 'outcome' must be success, failure, cancelled or skipped (got ${JSON.stringify(outcome)})`)
  }
}

export function readInputs() {
  const mode = requiredInput('mode')
  if (mode !== 'check' && mode !== 'record') throw new InputError(`input 'mode' must be 'check' or 'record' (got ${JSON.stringify(mode)})`)
  return {
    mode: mode as 'check' | 'record',
    ecosystem: requiredInput('ecosystem'),
    attempts: mode === 'record' ? readAttempts() : undefined,
    params: readParams(),
    runId: stringInput('run-id', process.env.GITHUB_RUN_ID || 'local'),
    batchId: stringInput('batch-id'),
    controlFile: stringInput('control-file', 'batch-control.json'),
    ...persistInputs()
  }
}

export interface BreakerOutcome {
  skip: boolean
  probe: boolean
  reason: string
  warning?: string | undefined
  /** The operator's stop or pause that made a check skip. */
  hold?: OperatorHold | undefined
  entry: ReturnType<typeof viewBreaker>
}

export async function run(): Promise<void> {
  let mode = ''
  try {
    const inputs = readInputs()
    mode = inputs.mode
    const at = now()
    const eco = inputs.ecosystem
    const outcome = await applyChange(
      storeOptions(inputs),
      async (snapshot) => {
        const control = await readControl(snapshot, inputs.controlFile)
        const nameProblems = checkEcosystemNames([eco], knownEcosystems(control.doc))
        if (nameProblems.length > 0) throw new InputError(`input 'ecosystem': ${nameProblems.join('; ')}`)
        const step = breakerStep(control.doc, eco, inputs.attempts ? { mode: 'record', attempts: inputs.attempts } : { mode: 'check' }, inputs.params, at, inputs.runId)
        if (!step.ok) {
          throw new ControlFileError(inputs.controlFile, [{ ...locateInControl(control, ['circuit_breaker', eco]), message: step.error }])
        }
        const result: BreakerOutcome = {
          skip: step.skip,
          probe: step.probe,
          reason: step.reason,
          warning: step.warning,
          hold: step.hold,
          entry: viewBreaker(step.entry, inputs.params)
        }
        const what = inputs.mode === 'check' ? `claim half-open probe for ${eco}` : `record ${eco}: ${result.reason}`
        return {
          files: step.write ? { [inputs.controlFile]: renderControl(control, step.doc) } : {},
          message: commitMessage(stateSubject(what), [
            ['Batch-Id', inputs.batchId || undefined],
            ['Ecosystem', eco],
            ['Batch-Ops-Action', ACTION],
            ['Run-Url', runUrl()]
          ]),
          result
        }
      }
    )
    const r = outcome.result
    setOutput('state', r.entry.state)
    setOutput('skip', r.skip)
    setOutput('probe', r.probe)
    // Why the work is skipped: an operator's stop or pause, an open breaker, a probe held by another run; '' when it runs.
    setOutput('reason', r.skip ? r.reason : '')
    setOutput('failure-rate', r.entry.failureRate === null ? '' : String(Math.round(r.entry.failureRate * 10) / 10))
    setOutput('opens-at', r.entry.opensAt === null ? '' : formatTimestamp(r.entry.opensAt))
    if (r.warning) annotate.warning(`${eco}: ${r.warning}`, { title: 'circuit-breaker' })
    if (r.entry.state === 'open' && inputs.mode === 'record' && outcome.changed.length > 0) {
      annotate.warning(`${eco}: ${r.reason}`, { title: 'circuit-breaker' })
    } else {
      annotate.notice(`${eco}: ${r.reason}`, { title: 'circuit-breaker' })
    }
    await writeSummary(
      breakerSummary({
        mode: inputs.mode,
        ecosystem: eco,
        outcome: r,
        params: inputs.params,
        attempts: inputs.attempts,
        commit: outcome.commit,
        branch: outcome.branch,
        attemptsToPush: outcome.attempts,
        persisted: inputs.persist,
        changed: outcome.changed.length > 0,
        evaluatedAt: at
      })
    )
  } catch (error) {
    // Fail closed: whatever went wrong, a check never lets the work run.
    setOutput('skip', true)
    setOutput('probe', false)
    setOutput('reason', `circuit-breaker failed, so the work is skipped (fail closed): ${(error as Error).message}`)
    await reportFailure(`Circuit breaker${mode ? ` (${mode})` : ''}`, error)
  }
}
