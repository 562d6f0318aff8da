// A JSON writer that changes only what changed, on top of jsonc-parser's modify.
//
// Given the original text and the new value, it replaces the values that
// differ, removes members that went away and appends new ones at the end of
// their object. Everything else (unknown fields, key order, spacing, the final
// newline) stays byte for byte. Every edit is computed against the original
// text and applied at once.

import { applyEdits, modify, type Edit, type FormattingOptions } from 'jsonc-parser'
import { type JsonNode, type JsonValue, type JsonObject, describeDuplicate, duplicateKeys, parseJson, withoutBom } from './parse.js'

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => jsonEqual(x, b[i]))
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    if (ka.length !== kb.length) return false
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]))
  }
  return false
}

/** Canonical form for new files: 2-space indentation and a final newline. */
export function stringifyJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2) + '\n'
}

interface Style {
  indent: string
  newline: string
  formatting: FormattingOptions
}

function detectStyle(text: string, root: JsonNode): Style {
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  let indent = '  '
  const first = root.members?.[0]
  if (first) {
    const lineStart = text.lastIndexOf('\n', first.keyStart) + 1
    const lead = text.slice(lineStart, first.keyStart)
    if (lineStart > 0 && /^( +|\t)$/.test(lead)) indent = lead
  }
  return { indent, newline, formatting: { insertSpaces: indent !== '\t', tabSize: indent === '\t' ? 4 : indent.length, eol: newline } }
}

function serializeAt(value: JsonValue, depth: number, style: Style): string {
  const body = JSON.stringify(value, null, style.indent)
  return body.split('\n').join(style.newline + style.indent.repeat(depth))
}

function collect(text: string, node: JsonNode, next: JsonValue, path: string[], style: Style, edits: Edit[]): void {
  if (jsonEqual(node.value, next)) return
  const members = node.members ?? []
  const stays = (key: string): boolean => isJsonObject(next) && Object.prototype.hasOwnProperty.call(next, key)
  const firstKept = members.findIndex((m) => stays(m.key))
  if (node.kind !== 'object' || !isJsonObject(next) || firstKept < 0) {
    // A scalar, an array, a new type or an object none of whose members stay: written anew, in the file's style.
    edits.push(...modify(text, path, next, { formattingOptions: style.formatting }))
    return
  }
  // Hand-written: modify removes a first member up to the '{', which pulls the
  // next member onto the brace's line. Cut up to the first kept key instead.
  if (firstKept > 0) edits.push({ offset: members[0]!.keyStart, length: members[firstKept]!.keyStart - members[0]!.keyStart, content: '' })
  members.forEach((m, i) => {
    if (stays(m.key)) collect(text, m.node, next[m.key] as JsonValue, [...path, m.key], style, edits)
    // Without formatting options, modify cuts from the end of the previous member: the comma goes with it.
    else if (i > firstKept) edits.push(...modify(text, [...path, m.key], undefined, {}))
  })
  // Hand-written: modify would reformat the whole line of the previous member
  // to lay out what it inserts. The new members go after it as they are.
  const known = new Set(members.map((m) => m.key))
  const added = Object.keys(next).filter((k) => !known.has(k))
  if (added.length === 0) return
  const depth = path.length + 1
  const pad = style.newline + style.indent.repeat(depth)
  const content = added.map((k) => `,${pad}${JSON.stringify(k)}: ${serializeAt(next[k] as JsonValue, depth, style)}`).join('')
  edits.push({ offset: members[members.length - 1]!.node.end, length: 0, content })
}

/**
 * Rewrites `text` so that it holds `next`, touching only the parts that differ.
 * `text` must be valid JSON without duplicate keys (which occurrence to change
 * would be a guess); `root` may be passed when it is already parsed.
 */
export function editJson(text: string, next: JsonValue, root: JsonNode = parseJson(text)): string {
  const [duplicate] = duplicateKeys(root)
  if (duplicate) throw new Error(`cannot edit JSON with a duplicate key: ${describeDuplicate(text, duplicate)}`)
  const body = withoutBom(text)
  const edits: Edit[] = []
  collect(body, root, next, [], detectStyle(body, root), edits)
  const out = applyEdits(body, edits)
  return body === text ? out : text[0] + out.slice(1)
}
