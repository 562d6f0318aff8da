// The upload body's JSON, parsed within the shape of an upload (docs/contract.md §6):
// an object of scalars and one array, `results`, of objects of scalars. Pure: no
// Workers API.
//
// JSON.parse would build every value of the body before anything could be checked,
// and what it builds can cost far more than the body: 16 MiB of `[{},{},…]` is
// ~370 MB of heap, and results whose fields come in changing orders or under
// ever new names cost V8 a hidden class each (measured: 9 known keys in random
// order over 50,000 results, ~60 MB). This parser keeps only the fields the Worker
// knows, in objects of one fixed shape; an unknown field's value is checked as
// JSON and dropped without being built; and an array or object anywhere an upload
// has none is refused at its first byte. What it keeps is therefore bounded by the
// body's length and the number of results, whatever the body holds.

/** A JSON value other than an array or object. */
export type Scalar = string | number | boolean | null

/** The fields of a result the Worker reads; any other is checked and dropped. */
export const RESULT_FIELDS = ['recipe_name', 'ecosystem', 'result', 'error_category', 'error_message', 'duration_seconds', 'platform'] as const
export type ResultField = (typeof RESULT_FIELDS)[number]
/** The top-level fields the Worker reads, `results` aside. */
export const UPLOAD_FIELDS = [
  'batch_id',
  'ecosystem',
  'started_at',
  'completed_at',
  'total_recipes',
  'passed',
  'failed',
  'skipped',
  'success_rate',
  'macos_minutes',
  'linux_minutes'
] as const
export type UploadField = (typeof UPLOAD_FIELDS)[number]

/** A result as parsed: the known fields that were present (undefined: absent). */
export type ParsedResult = { [K in ResultField]: Scalar | undefined }
/** The body as parsed: the known fields that were present, `results` an array of results and scalars. */
export type ParsedUpload = { [K in UploadField]?: Scalar } & { results?: Array<ParsedResult | Scalar> | Scalar }

export type Parsed = { ok: true; value: ParsedUpload | Scalar } | { ok: false; problem: string; incomplete: boolean }

/** A problem found while parsing; `incomplete` when the text ended before the JSON did. */
class Stop {
  constructor(
    readonly problem: string,
    readonly incomplete: boolean
  ) {}
}

const NO_CONTAINERS = 'only results is an array in an upload, and only the body and each result are objects (a field the Worker does not know may hold a string, number, boolean or null)'

/** A field name as shown in a problem: bare when plain, else quoted and cut. */
function label(key: string): string {
  if (/^[A-Za-z0-9_$.-]{1,64}$/.test(key)) return key
  const shown = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)
  return `[${shown}]`
}

const kind = (c: number): string => (c === 0x7b ? 'an object' : 'an array')
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
/** 0-9 . e E + - */
const isNumberChar = (c: number): boolean => isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

/**
 * The parser. On the path of a valid body it allocates only what it keeps: no
 * message, key or value is built for what it only checks (the text of a problem
 * is built when there is one).
 */
class Parser {
  private i = 0
  // The string just scanned (scanString): where its closing quote is, and whether it has escapes.
  private end = 0
  private escaped = false
  // Where the parser is, for the problems only.
  /** The result being read (-1: none). */
  private index = -1
  /** The quote that opens the name of the field whose value is being read (-1: none). */
  private keyAt = -1
  /** The body is a bare scalar: a number may end with the text. */
  private topLevel = false

  constructor(
    private readonly text: string,
    private readonly maxResults: number
  ) {}

  parse(): ParsedUpload | Scalar {
    this.ws()
    const c = this.i < this.text.length ? this.text.charCodeAt(this.i) : -1
    if (c === -1) throw new Stop('the body is not valid JSON: it is empty', false)
    let value: ParsedUpload | Scalar
    if (c === 0x7b) value = this.upload()
    else if (c === 0x5b) throw new Stop('the body must be a JSON object (found an array)', false)
    else {
      this.topLevel = true
      value = this.scalar(true)
    }
    this.ws()
    if (this.i < this.text.length) this.unexpected('after the end of the body')
    return value
  }

  // ---- where: for the problems only

  /** The name of the field whose value is being read, decoded. */
  private keyName(): string {
    const save = [this.i, this.end, this.escaped] as const
    this.i = this.keyAt
    this.scanString()
    const name = this.escaped ? (JSON.parse(this.text.slice(this.keyAt, this.end + 1)) as string) : this.text.slice(this.keyAt + 1, this.end)
    ;[this.i, this.end, this.escaped] = save
    return name
  }

  /** The value being read, as a problem names it: results[3].error_message, results[3], batch_id, the body. */
  private where(): string {
    const result = this.index >= 0 ? `results[${this.index}]` : ''
    if (this.keyAt === -1) return result || 'the body'
    const key = label(this.keyName())
    return result ? `${result}.${key}` : key
  }

  // ---- structure

  private upload(): ParsedUpload {
    const out: ParsedUpload = {}
    this.members(UPLOAD_KEYS, (known, c) => {
      if (known === 'results') {
        if (c === 0x5b) out.results = this.results()
        else if (c === 0x7b) throw new Stop('results must be an array (found an object)', false)
        else out.results = this.scalar(true)
      } else if (c === 0x7b || c === 0x5b) throw new Stop(`${this.where()} must not be ${kind(c)}: ${NO_CONTAINERS}`, false)
      else if (known !== null) out[known as UploadField] = this.scalar(true)
      else this.scalar(false)
    })
    return out
  }

  private results(): Array<ParsedResult | Scalar> {
    const out: Array<ParsedResult | Scalar> = []
    let count = 0
    this.i++ // [
    this.ws()
    if (this.need('before results is closed') === 0x5d) {
      this.i++
      return out
    }
    for (;;) {
      this.ws()
      this.index = count
      this.keyAt = -1
      const c = this.need('where a result should be')
      // Past the limit, the rest is still read (to count it) but nothing of it is kept.
      const keep = count < this.maxResults
      if (c === 0x7b) {
        const r = this.result(keep)
        if (keep) out.push(r)
      } else if (c === 0x5b) {
        throw new Stop(`results[${count}] must be a JSON object (found an array)`, false)
      } else {
        const v = this.scalar(keep)
        if (keep) out.push(v)
      }
      count++
      this.ws()
      this.keyAt = -1
      const next = this.need('before results is closed')
      this.i++
      if (next === 0x5d) break
      if (next !== 0x2c) this.unexpected(`after results[${count - 1}]`, this.i - 1)
    }
    this.index = -1
    if (count > this.maxResults) throw new Stop(`results has ${count} entries (the limit is ${this.maxResults} per upload)`, false)
    return out
  }

  private result(keep: boolean): ParsedResult {
    // One shape for every result, whatever the order or the names of its fields.
    const out: ParsedResult = {
      recipe_name: undefined,
      ecosystem: undefined,
      result: undefined,
      error_category: undefined,
      error_message: undefined,
      duration_seconds: undefined,
      platform: undefined
    }
    this.members(RESULT_KEYS, (known, c) => {
      if (c === 0x7b || c === 0x5b) throw new Stop(`${this.where()} must not be ${kind(c)}: ${NO_CONTAINERS}`, false)
      const kept = keep && known !== null
      const v = this.scalar(kept)
      if (kept) out[known as ResultField] = v
    })
    return out
  }

  /**
   * The members of the object at i ('{'): for each, `value` with the known name
   * its key is (null: not one of `names`) and i at the value's first character c.
   */
  private members(names: readonly string[], value: (known: string | null, c: number) => void): void {
    this.i++ // {
    this.keyAt = -1
    this.ws()
    if (this.need('before the object is closed') === 0x7d) {
      this.i++
      return
    }
    for (;;) {
      this.ws()
      this.keyAt = -1
      if (this.need('where a field name should be') !== 0x22) this.unexpected('where a field name should be')
      // The key counts as this member's only once it is whole (a problem inside it names the object).
      const at = this.i
      this.scanString()
      this.keyAt = at
      const known = this.knownKey(names)
      this.i = this.end + 1
      this.ws()
      if (this.need('after the field name') !== 0x3a) this.unexpected('after the field name')
      this.i++
      this.ws()
      value(known, this.need('where the value should be'))
      this.ws()
      const next = this.need('after the value, before the object is closed')
      this.i++
      if (next === 0x7d) {
        this.keyAt = -1
        return
      }
      if (next !== 0x2c) this.unexpected('after the value', this.i - 1)
    }
  }

  /** Which of `names` the key just scanned is, compared in place (a key with escapes is decoded first); null when none. */
  private knownKey(names: readonly string[]): string | null {
    const start = this.keyAt + 1
    const length = this.end - start
    if (this.escaped) {
      const name = JSON.parse(this.text.slice(this.keyAt, this.end + 1)) as string
      return names.includes(name) ? name : null
    }
    for (const name of names) if (name.length === length && this.text.startsWith(name, start)) return name
    return null
  }

  // ---- scalars

  /** The scalar at i; when not `keep`, it is checked and a placeholder returned. */
  private scalar(keep: boolean): Scalar {
    const c = this.need('where a value should be')
    if (c === 0x22) {
      const start = this.i
      this.scanString()
      const { end } = this
      this.i = end + 1
      if (!keep) return ''
      // Without escapes, the text itself; with, JSON.parse decodes them exactly as the standard says.
      return this.escaped ? (JSON.parse(this.text.slice(start, end + 1)) as string) : this.text.slice(start + 1, end)
    }
    if (c === 0x2d || isDigit(c)) return this.number(keep)
    if (c === 0x74) return this.literal('true', true)
    if (c === 0x66) return this.literal('false', false)
    if (c === 0x6e) return this.literal('null', null)
    return this.unexpected('where a value should be')
  }

  /**
   * Checks the string whose opening quote is at i, in one pass: sets `end` (its
   * closing quote) and `escaped`. Refuses a raw control character or a malformed
   * escape; the text ending inside it is an incomplete body. Leaves i as it was.
   */
  private scanString(): void {
    const { text } = this
    const n = text.length
    let escaped = false
    let k = this.i + 1
    for (;;) {
      if (k >= n) throw this.incomplete('inside a string')
      const c = text.charCodeAt(k)
      if (c === 0x22) break
      if (c === 0x5c) {
        escaped = true
        if (k + 1 >= n) throw this.incomplete('inside a string')
        const e = text.charCodeAt(k + 1)
        // " \ / b f n r t
        if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) k += 2
        else if (e === 0x75) {
          for (let h = k + 2; h < k + 6; h++) {
            if (h >= n) throw this.incomplete('inside a string')
            if (!isHexDigit(text.charCodeAt(h))) throw new Stop(`the body is not valid JSON: an invalid escape in a string, at character ${k} (in ${this.where()})`, false)
          }
          k += 6
        } else throw new Stop(`the body is not valid JSON: an invalid escape in a string, at character ${k} (in ${this.where()})`, false)
        continue
      }
      if (c < 0x20) {
        const u = c.toString(16).padStart(4, '0').toUpperCase()
        throw new Stop(`the body is not valid JSON: a control character (U+${u}) must be escaped in a string, at character ${k} (in ${this.where()})`, false)
      }
      k++
    }
    this.end = k
    this.escaped = escaped
  }

  /** The number at i (JSON's grammar: -? int frac? exp?), scanned by hand; when not `keep`, checked only. */
  private number(keep: boolean): number {
    const { text } = this
    const n = text.length
    const start = this.i
    let k = start
    if (text.charCodeAt(k) === 0x2d) k++
    if (k >= n) throw this.incomplete('inside a number')
    k = text.charCodeAt(k) === 0x30 ? k + 1 : this.digits(k, start)
    if (k < n && text.charCodeAt(k) === 0x2e) k = this.digits(k + 1, start)
    if (k < n && (text.charCodeAt(k) === 0x65 || text.charCodeAt(k) === 0x45)) {
      k++
      if (k < n && (text.charCodeAt(k) === 0x2b || text.charCodeAt(k) === 0x2d)) k++
      k = this.digits(k, start)
    }
    // Inside the body's object, a number runs to the end of the text only when the text was cut
    // there; one followed by more of a number (01, 1.2.3) is not JSON.
    if (k >= n && !this.topLevel) throw this.incomplete('inside a number')
    if (k < n && isNumberChar(text.charCodeAt(k))) this.invalidNumber(start)
    this.i = k
    return keep ? Number(text.slice(start, k)) : 0
  }

  /** Past the one or more digits at k (of the number at `start`). */
  private digits(k: number, start: number): number {
    const { text } = this
    if (k >= text.length) throw this.incomplete('inside a number')
    if (!isDigit(text.charCodeAt(k))) this.invalidNumber(start)
    while (k < text.length && isDigit(text.charCodeAt(k))) k++
    return k
  }

  private invalidNumber(at: number): never {
    throw new Stop(`the body is not valid JSON: an invalid number at character ${at} (in ${this.where()})`, false)
  }

  private literal<T extends Scalar>(word: string, value: T): T {
    const { text } = this
    if (text.startsWith(word, this.i)) {
      this.i += word.length
      return value
    }
    const rest = text.slice(this.i, this.i + word.length)
    if (rest.length < word.length && word.startsWith(rest)) throw this.incomplete(`inside ${word}`)
    return this.unexpected('where a value should be')
  }

  // ---- characters

  private ws(): void {
    const { text } = this
    for (;;) {
      const c = text.charCodeAt(this.i)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++
      else return
    }
  }

  /** The character at i; the text ending there is an incomplete body. */
  private need(what: string): number {
    if (this.i >= this.text.length) throw this.incomplete(what)
    return this.text.charCodeAt(this.i)
  }

  private incomplete(what: string): Stop {
    return new Stop(`incomplete body: the JSON text ends after ${this.text.length} characters, ${what} (in ${this.where()})`, true)
  }

  private unexpected(what: string, at = this.i): never {
    throw new Stop(`the body is not valid JSON: unexpected ${JSON.stringify(this.text.slice(at, at + 1))} at character ${at}, ${what} (in ${this.where()})`, false)
  }
}

const UPLOAD_KEYS: readonly string[] = [...UPLOAD_FIELDS, 'results']
const RESULT_KEYS: readonly string[] = RESULT_FIELDS

/**
 * The body's JSON, within an upload's shape: the known fields only, results of
 * one fixed shape; at most `maxResults` results are kept (more are counted and
 * refused). A problem is a 400's message; `incomplete` when the text stopped
 * before the JSON did (a body cut short).
 */
export function parseUploadJson(text: string, maxResults: number): Parsed {
  try {
    return { ok: true, value: new Parser(text, maxResults).parse() }
  } catch (e) {
    if (e instanceof Stop) return { ok: false, problem: e.problem, incomplete: e.incomplete }
    throw e
  }
}
