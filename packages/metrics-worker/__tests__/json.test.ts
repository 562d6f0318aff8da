// The upload parser (src/json.ts) against JSON.parse: on bodies of an upload's
// shape, mutated at random (seeded, so every run is the same), it accepts
// exactly what JSON.parse accepts, except the arrays and objects it refuses by
// design; it keeps what JSON.parse would give for the known fields; and every
// proper prefix of a valid body is an incomplete body.

import { RESULT_FIELDS, UPLOAD_FIELDS, parseUploadJson } from '../src/json.js'

let seed = 20_261_202
const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)]!
const ws = (): string => pick(['', ' ', '\n', '\t ', '\r\n'])
const text = (): string => pick(['', 'a', 'é', '🦀', '\u2028', '"', '\\', '\n', '\u0001', '\ud800', 'x'.repeat(20)]) + pick(['', 'b', '\t'])
const scalar = (): unknown => pick<() => unknown>([text, () => pick([0, -0, 1, -1.5, 1e21, 1.25e-7, 123456789012, 0.1]), () => true, () => false, () => null])()

function upload(): string {
  const members: string[] = []
  for (let i = 0; i < 1 + random() * 5; i++) {
    const key = pick(['batch_id', 'ecosystem', 'passed', 'x', 'results', 'success_rate', 'resultsx', 'résumé', 'recipe_name'])
    const result = (): string =>
      `{${Array.from({ length: Math.floor(random() * 4) }, () => `${ws()}${JSON.stringify(pick(['recipe_name', 'result', 'platform', 'zz', 'recipe_namex', 'batch_id']))}${ws()}:${ws()}${JSON.stringify(scalar())}`).join(',')}}`
    const value = key === 'results' ? `[${Array.from({ length: Math.floor(random() * 4) }, () => (random() < 0.8 ? result() : JSON.stringify(scalar()))).join(`${ws()},${ws()}`)}]` : JSON.stringify(scalar())
    members.push(`${ws()}${JSON.stringify(key)}${ws()}:${ws()}${value}${ws()}`)
  }
  return `${ws()}{${members.join(',')}}${ws()}`
}

function mutate(body: string): string {
  const at = Math.floor(random() * body.length)
  const op = random()
  if (op < 0.33) return body.slice(0, at) + body.slice(at + 1)
  if (op < 0.66) return body.slice(0, at) + pick(['"', '\\', ',', '}', ']', '1', 'e', '-', '.', 'n', ' ', '\u0000', 'u']) + body.slice(at)
  return body.slice(0, at) + pick(['"', '{', '[', '0']) + body.slice(at + 1)
}

/** What JSON.parse gives, reduced to what the parser keeps. */
function known(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
  const o = v as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of [...UPLOAD_FIELDS, 'results']) if (Object.hasOwn(o, k)) out[k] = o[k]
  if (Array.isArray(o.results)) {
    out.results = o.results.map((r: unknown) => (r !== null && typeof r === 'object' ? Object.fromEntries(RESULT_FIELDS.map((k) => [k, (r as Record<string, unknown>)[k]])) : r))
  }
  return out
}
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) => (x === undefined ? '<absent>' : x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x))
const BY_DESIGN = /must not be (an object|an array)|must be a JSON object \(found an array\)|must be an array \(found an object\)/

test('5,000 mutated bodies: valid exactly when JSON.parse says so (containers refused by design aside), with the same known values', () => {
  let valid = 0
  for (let n = 0; n < 5_000; n++) {
    const body = random() < 0.7 ? mutate(upload()) : upload()
    let expected: { ok: true; value: unknown } | { ok: false }
    try {
      expected = { ok: true, value: known(JSON.parse(body)) }
    } catch {
      expected = { ok: false }
    }
    const got = parseUploadJson(body, 50_000)
    if (expected.ok && !got.ok && BY_DESIGN.test(got.problem)) continue
    expect({ body, ok: got.ok }).toEqual({ body, ok: expected.ok })
    if (got.ok && expected.ok) {
      valid++
      expect(canonical(got.value)).toBe(canonical(expected.value))
    }
  }
  expect(valid).toBeGreaterThan(1_000)
})

test('every proper prefix of a valid body is an incomplete body', () => {
  for (let n = 0; n < 300; n++) {
    const body = upload()
    if (!parseUploadJson(body, 50_000).ok) continue
    const end = body.trimEnd().length
    for (let k = 1; k < end; k++) {
      const prefix = body.slice(0, k)
      if (prefix.trim() === '') continue
      const got = parseUploadJson(prefix, 50_000)
      expect({ prefix, got: got.ok ? 'ok' : got.incomplete }).toEqual({ prefix, got: true })
    }
  }
})

test('a bare scalar body is parsed (the validator then says it is not an object); a bare array is refused without being read', () => {
  expect(parseUploadJson('42', 50_000)).toEqual({ ok: true, value: 42 })
  expect(parseUploadJson(' "x" ', 50_000)).toEqual({ ok: true, value: 'x' })
  expect(parseUploadJson('[1', 50_000)).toEqual({ ok: false, problem: 'the body must be a JSON object (found an array)', incomplete: false })
})

test('more results than the limit: counted, none of the extra ones kept, refused with the count', () => {
  expect(parseUploadJson(`{"results":[${'{"recipe_name":"a"},'.repeat(5)}{}]}`, 5)).toEqual({ ok: false, problem: 'results has 6 entries (the limit is 5 per upload)', incomplete: false })
})
