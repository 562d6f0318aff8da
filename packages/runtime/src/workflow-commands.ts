// The runner protocol, written directly: workflow commands on stdout
// (`::error file=…,line=…::message`, `::add-mask::`) and the file commands
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
//
// @actions/core does the same, but it also loads an HTTP client for OIDC
// tokens that batch-ops never asks for; that costs ~37 ms at the start of every
// step (measured with Node 24 on the 2-core machine: an empty bundle 24 ms,
// one that imports @actions/core 61 ms), more than the rest of preflight-check.

import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'

export interface CommandProperties {
  title?: string
  file?: string
  line?: number
  col?: number
}

/** Escaping of a command's message (`%`, CR and LF). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escaping of a command's property values (also `:` and `,`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::name k=v,…::message`; properties in a fixed order: title, file, line, col. */
export function formatCommand(name: string, props: CommandProperties, message: string): string {
  const parts: string[] = []
  if (props.title !== undefined) parts.push(`title=${escapeProperty(props.title)}`)
  if (props.file !== undefined) parts.push(`file=${escapeProperty(props.file)}`)
  if (props.line !== undefined) parts.push(`line=${props.line}`)
  if (props.col !== undefined) parts.push(`col=${props.col}`)
  return `::${name}${parts.length > 0 ? ' ' + parts.join(',') : ''}::${escapeData(message)}`
}

export function issue(name: string, message: string, props: CommandProperties = {}): void {
  process.stdout.write(formatCommand(name, props, message) + EOL)
}

/** The variable the runner sets for an input: INPUT_ + the name upper-cased, spaces as '_', hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export function readInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[inputVariable(name)] ?? '').trim()
}

/** A `name<<delimiter` block for GITHUB_OUTPUT, with a delimiter that cannot occur in the value. */
export function outputBlock(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`output ${name}: value contains the delimiter`)
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

export function setOutputValue(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_OUTPUT
  if (file) appendFileSync(file, outputBlock(name, value), 'utf8')
  // Outside a runner: show it, in the old command form that older runners also understand.
  else process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}${EOL}`)
}

/** Appends to the job summary; false outside a runner (no GITHUB_STEP_SUMMARY). */
export function appendSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY
  if (!file) return false
  appendFileSync(file, markdown.endsWith('\n') ? markdown : markdown + EOL, 'utf8')
  return true
}
