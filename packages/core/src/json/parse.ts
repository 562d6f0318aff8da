// JSON with positions, read by jsonc-parser (the VS Code team's parser).
//
// JSON.parse gives values but no positions, and its error messages differ
// between Node versions. The control file needs both: errors that name the
// line, and a writer that edits only the bytes of the values that changed.
// This file holds jsonc-parser to strict JSON (no comments, no trailing
// commas), words its errors, and refuses input nested deep enough to
// overflow its recursive parser.

import { printParseErrorCode, visit } from 'jsonc-parser'

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

/** A value in the text: `start`..`end` are offsets of the value itself. */
export interface JsonNode {
  kind: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null'
  start: number
  end: number
  /** Object members in text order (keys may repeat in the text; the last one wins in `value`). */
  members?: JsonMember[]
  items?: JsonNode[]
  value: JsonValue
}

export interface JsonMember {
  key: string
  keyStart: number
  node: JsonNode
}

export interface Position {
  line: number
  column: number
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly offset: number,
    readonly position: Position
  ) {
    super(`${problem} at line ${position.line}, column ${position.column}`)
    this.name = 'JsonSyntaxError'
  }
}

export function positionAt(text: string, offset: number): Position {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

/** The parser recurses once per level; deeper input is refused before it can exhaust the stack. */
export const MAX_JSON_DEPTH = 256

/** The text jsonc-parser reads: a UTF-8 byte order mark (editors write one) becomes a space, so offsets stay the same. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text
}

export function parseJson(text: string): JsonNode {
  const body = withoutBom(text)
  const open: JsonNode[] = []
  let root: JsonNode | undefined
  let closed: JsonNode | undefined
  let key: { key: string; keyStart: number } | undefined

  const fail = (problem: string, at: number): never => {
    throw new JsonSyntaxError(problem, at, positionAt(text, at))
  }
  const found = (at: number, length: number): string => {
    if (at >= body.length) return 'end of file'
    const token = body.slice(at, at + Math.max(length, 1))
    const shown = token.length > 24 ? token.slice(0, 23) + '…' : token
    return `'${shown.replace(/[\p{C}\p{Z}]/gu, (c) => (c === ' ' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`
  }
  const add = (node: JsonNode): void => {
    const parent = open[open.length - 1]
    if (!parent) root = node
    else if (parent.kind === 'array') {
      parent.items!.push(node)
      ;(parent.value as JsonValue[]).push(node.value)
    } else if (key) {
      parent.members!.push({ ...key, node })
      // defineProperty, so that a "__proto__" key is an ordinary member.
      Object.defineProperty(parent.value, key.key, { value: node.value, enumerable: true, writable: true, configurable: true })
    }
  }
  const begin = (kind: 'object' | 'array') => (offset: number) => {
    if (open.length >= MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`, offset)
    const node: JsonNode = kind === 'object' ? { kind, start: offset, end: offset, members: [], value: {} } : { kind, start: offset, end: offset, items: [], value: [] }
    add(node)
    open.push(node)
  }
  const end = (offset: number, length: number): void => {
    closed = open.pop()!
    closed.end = offset + length
  }
  // A ',' right before a '}' or ']': the commonest slip when editing by hand, so it is named and located at the comma.
  const trailingComma = (offset: number): undefined => {
    let comma = offset - 1
    while (comma >= 0 && ' \t\r\n'.includes(body[comma]!)) comma--
    if (body[comma] === ',' && (body[offset] === '}' || body[offset] === ']')) fail(`trailing comma before '${body[offset]}' (JSON allows none)`, comma)
    return undefined
  }
  const unclosed = (): string => {
    const at = positionAt(text, closed!.start)
    return `unexpected end of file: the ${closed!.kind} at line ${at.line}, column ${at.column} is not closed`
  }

  // The first problem stops the parse: every callback below runs in text order.
  visit(
    body,
    {
      onObjectBegin: begin('object'),
      onObjectProperty: (name, offset) => {
        key = { key: name, keyStart: offset }
      },
      onObjectEnd: end,
      onArrayBegin: begin('array'),
      onArrayEnd: end,
      onLiteralValue: (value: string | number | boolean | null, offset, length) => {
        // JSON.parse would give Infinity, which JSON.stringify writes back as null.
        if (typeof value === 'number' && !Number.isFinite(value)) fail('number out of range', offset)
        add({ kind: value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean'), start: offset, end: offset + length, value })
      },
      onError: (code, offset, length) => {
        const what = found(offset, length)
        switch (printParseErrorCode(code)) {
          case 'InvalidCommentToken':
          case 'UnexpectedEndOfComment':
            return fail('comments are not allowed in JSON', offset)
          case 'PropertyNameExpected':
            return trailingComma(offset) ?? fail(`expected a property name in double quotes, found ${what}`, offset)
          case 'ColonExpected':
            return fail(`expected ':' after property name, found ${what}`, offset)
          case 'ValueExpected':
            return trailingComma(offset) ?? fail(`unexpected ${what}, expected a JSON value`, offset)
          case 'CommaExpected':
            return open[open.length - 1]?.kind === 'array'
              ? fail(`expected ',' or ']' after an array element, found ${what}`, offset)
              : fail(`expected ',' or '}' after a property value, found ${what}`, offset)
          case 'CloseBraceExpected':
          case 'CloseBracketExpected':
            return fail(unclosed(), offset)
          case 'EndOfFileExpected':
            return fail(`unexpected ${what} after the end of the JSON value`, offset)
          case 'UnexpectedEndOfString': {
            // jsonc-parser ends a string at a raw line break; the break is the mistake.
            const brokenAt = offset + length
            return brokenAt < body.length ? fail('control character in string (escape it)', brokenAt) : fail('unterminated string', offset)
          }
          case 'InvalidCharacter':
            return fail('control character in string (escape it)', offset + Math.max(0, body.slice(offset, offset + length).search(/[\u0000-\u001f]/)))
          case 'InvalidEscapeCharacter':
            return fail('bad escape in string', offset)
          case 'InvalidUnicode':
            return fail('bad \\u escape in string', offset)
          case 'UnexpectedEndOfNumber':
          case 'InvalidNumberFormat':
            return fail(`incomplete number ${what}`, offset)
          default:
            if (root && open.length === 0) return fail(`unexpected ${what} after the end of the JSON value`, offset)
            return fail(body[offset] === "'" ? `unexpected ${what} (JSON strings take double quotes)` : `unexpected ${what}`, offset)
        }
      }
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false }
  )
  // Empty text is an error above, so there is a root here.
  return root!
}

/** JSON Pointer segments → the node there, or the deepest ancestor that exists. */
export function nodeAt(root: JsonNode, path: readonly string[]): { node: JsonNode; keyStart?: number } {
  let node = root
  let keyStart: number | undefined
  for (const segment of path) {
    if (node.kind === 'object') {
      const member = lastMember(node, segment)
      if (!member) break
      node = member.node
      keyStart = member.keyStart
    } else if (node.kind === 'array') {
      const child = node.items?.[Number(segment)]
      if (!child) break
      node = child
      keyStart = undefined
    } else break
  }
  return keyStart === undefined ? { node } : { node, keyStart }
}

export function lastMember(node: JsonNode, key: string): JsonMember | undefined {
  const members = node.members ?? []
  for (let k = members.length - 1; k >= 0; k--) if (members[k]!.key === key) return members[k]
  return undefined
}

/** A key written twice in one object: legal JSON, but readers differ on which one counts. */
export interface DuplicateKey {
  /** Segments of the object that holds the key. */
  path: string[]
  key: string
  first: JsonMember
  second: JsonMember
}

/** Every repeated key, at its repeat, in text order. */
export function duplicateKeys(node: JsonNode, path: string[] = []): DuplicateKey[] {
  const out: DuplicateKey[] = []
  const seen = new Map<string, JsonMember>()
  for (const m of node.members ?? []) {
    const first = seen.get(m.key)
    if (first) out.push({ path, key: m.key, first, second: m })
    seen.set(m.key, m)
    out.push(...duplicateKeys(m.node, [...path, m.key]))
  }
  node.items?.forEach((item, i) => out.push(...duplicateKeys(item, [...path, String(i)])))
  return out
}

/** E.g. `"enabled" appears twice in $ (lines 2 and 9)`. */
export function describeDuplicate(text: string, d: DuplicateKey): string {
  const [a, b] = [positionAt(text, d.first.keyStart).line, positionAt(text, d.second.keyStart).line]
  return `${JSON.stringify(d.key)} appears twice in ${formatJsonPath(d.path)} (${a === b ? `both on line ${a}` : `lines ${a} and ${b}`})`
}

/** Parses an RFC 6901 pointer ("/a/b~1c") into segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** Segments → a readable JSON path such as `circuit_breaker["crates.io"].state`. */
export function formatJsonPath(path: readonly string[]): string {
  let out = '$'
  for (const s of path) {
    if (/^\d+$/.test(s)) out += `[${s}]`
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += `.${s}`
    else out += `[${JSON.stringify(s)}]`
  }
  return out
}
