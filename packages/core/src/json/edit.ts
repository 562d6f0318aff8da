// A JSON writer that changes only what changed.
//
// Given the original text and the new value, it replaces the bytes of the
// values that differ, removes members that went away and appends new ones at
// the end of their object. Everything else (unknown fields, key order,
// spacing, the final newline) stays byte for byte.

import { type JsonNode, type JsonValue, type JsonObject, parseJson } from './parse.js'

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

interface Style {
  indent: string
  newline: string
}

function detectStyle(text: string, root: JsonNode): Style {
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  const first = root.members?.[0]
  if (first) {
    const lineStart = text.lastIndexOf('\n', first.keyStart) + 1
    const lead = text.slice(lineStart, first.keyStart)
    if (lineStart > 0 && /^[ \t]+$/.test(lead)) return { indent: lead, newline }
  }
  return { indent: '  ', newline }
}

/** Canonical form for new files: 2-space indentation and a final newline. */
export function stringifyJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2) + '\n'
}

function serializeAt(value: JsonValue, depth: number, style: Style): string {
  const body = JSON.stringify(value, null, style.indent)
  const pad = style.indent.repeat(depth)
  return body.split('\n').join(style.newline + pad)
}

interface Splice {
  start: number
  end: number
  text: string
}

function collect(node: JsonNode, next: JsonValue, depth: number, style: Style, out: Splice[]): void {
  if (jsonEqual(node.value, next)) return
  const members = node.members ?? []
  if (node.kind !== 'object' || !isJsonObject(next) || members.length === 0) {
    out.push({ start: node.start, end: node.end, text: serializeAt(next, depth, style) })
    return
  }
  // The last occurrence of a key is the one that counts (as in JSON.parse).
  const lastIndex = new Map<string, number>()
  members.forEach((m, i) => lastIndex.set(m.key, i))
  const kept: number[] = []
  const removed = new Set<number>()
  members.forEach((m, i) => {
    // A key that went away goes with every occurrence, or an earlier duplicate would bring it back.
    if (!Object.prototype.hasOwnProperty.call(next, m.key)) return void removed.add(i)
    kept.push(i)
    // An earlier duplicate of a kept key stays as it is: the last one counts.
    if (lastIndex.get(m.key) === i) collect(m.node, next[m.key] as JsonValue, depth + 1, style, out)
  })
  const added = Object.keys(next).filter((k) => !lastIndex.has(k))
  if (kept.length === 0) {
    out.push({ start: node.start, end: node.end, text: serializeAt(next, depth, style) })
    return
  }
  const lastKept = kept[kept.length - 1]!
  for (const i of removed) {
    if (i < lastKept) out.push({ start: members[i]!.keyStart, end: members[i + 1]!.keyStart, text: '' })
  }
  const pad = style.newline + style.indent.repeat(depth + 1)
  const insertion = added
    .map((k) => `,${pad}${JSON.stringify(k)}: ${serializeAt(next[k] as JsonValue, depth + 1, style)}`)
    .join('')
  const tailStart = members[lastKept]!.node.end
  const tailEnd = removed.has(members.length - 1) ? members[members.length - 1]!.node.end : tailStart
  if (insertion !== '' || tailEnd !== tailStart) out.push({ start: tailStart, end: tailEnd, text: insertion })
}

/**
 * Rewrites `text` so that it holds `next`, touching only the parts that differ.
 * `text` must be valid JSON; `root` may be passed when it is already parsed.
 */
export function editJson(text: string, next: JsonValue, root: JsonNode = parseJson(text)): string {
  const style = detectStyle(text, root)
  const splices: Splice[] = []
  collect(root, next, 0, style, splices)
  splices.sort((a, b) => b.start - a.start)
  let out = text
  for (const s of splices) out = out.slice(0, s.start) + s.text + out.slice(s.end)
  return out
}
