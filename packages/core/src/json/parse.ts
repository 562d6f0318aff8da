// A small JSON parser that keeps where every value sits in the text.
//
// JSON.parse gives values but no positions, and its error messages differ
// between Node versions. The control file needs both: errors that name the
// line, and a writer that edits only the bytes of the values that changed.

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

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

export function parseJson(text: string): JsonNode {
  let i = 0
  // A UTF-8 byte order mark is tolerated, as editors write one.
  if (text.charCodeAt(0) === 0xfeff) i = 1

  const fail = (problem: string, at = i): never => {
    throw new JsonSyntaxError(problem, at, positionAt(text, at))
  }
  const skip = (): void => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++
  }
  const describe = (at: number): string =>
    at >= text.length ? 'end of file' : `'${text[at]}'`

  const parseString = (): string => {
    const start = i
    i++ // opening quote
    let out = ''
    let chunk = i
    for (;;) {
      if (i >= text.length) fail('unterminated string', start)
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        out += text.slice(chunk, i)
        i++
        return out
      }
      if (c < 0x20) fail('control character in string (escape it)')
      if (c === 0x5c) {
        out += text.slice(chunk, i)
        const e = text[i + 1]
        switch (e) {
          case '"': out += '"'; break
          case '\\': out += '\\'; break
          case '/': out += '/'; break
          case 'b': out += '\b'; break
          case 'f': out += '\f'; break
          case 'n': out += '\n'; break
          case 'r': out += '\r'; break
          case 't': out += '\t'; break
          case 'u': {
            const hex = text.slice(i + 2, i + 6)
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape in string')
            out += String.fromCharCode(parseInt(hex, 16))
            i += 4
            break
          }
          default:
            fail('bad escape in string')
        }
        i += 2
        chunk = i
        continue
      }
      i++
    }
  }

  const parseValue = (): JsonNode => {
    skip()
    const start = i
    const c = text[i]
    if (c === '{') {
      i++
      const members: JsonMember[] = []
      const value: JsonObject = {}
      skip()
      if (text[i] === '}') {
        i++
        return { kind: 'object', start, end: i, members, value }
      }
      for (;;) {
        skip()
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`)
        const keyStart = i
        const key = parseString()
        skip()
        if (text[i] !== ':') fail(`expected ':' after property name, found ${describe(i)}`)
        i++
        const node = parseValue()
        members.push({ key, keyStart, node })
        Object.defineProperty(value, key, { value: node.value, enumerable: true, writable: true, configurable: true })
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return { kind: 'object', start, end: i, members, value }
        }
        fail(`expected ',' or '}' after a property value, found ${describe(i)}`)
      }
    }
    if (c === '[') {
      i++
      const items: JsonNode[] = []
      skip()
      if (text[i] === ']') {
        i++
        return { kind: 'array', start, end: i, items, value: [] }
      }
      for (;;) {
        items.push(parseValue())
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return { kind: 'array', start, end: i, items, value: items.map((n) => n.value) }
        }
        fail(`expected ',' or ']' after an array element, found ${describe(i)}`)
      }
    }
    if (c === '"') {
      const value = parseString()
      return { kind: 'string', start, end: i, value }
    }
    if (text.startsWith('true', i)) {
      i += 4
      return { kind: 'boolean', start, end: i, value: true }
    }
    if (text.startsWith('false', i)) {
      i += 5
      return { kind: 'boolean', start, end: i, value: false }
    }
    if (text.startsWith('null', i)) {
      i += 4
      return { kind: 'null', start, end: i, value: null }
    }
    NUMBER.lastIndex = i
    const m = NUMBER.exec(text)
    if (m && m[0].length > 0) {
      i += m[0].length
      return { kind: 'number', start, end: i, value: Number(m[0]) }
    }
    return fail(`unexpected ${describe(i)}, expected a JSON value`)
  }

  const root = parseValue()
  skip()
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`)
  return root
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
