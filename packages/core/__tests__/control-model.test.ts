import { describe, test, expect } from '@jest/globals'
import {
  type ControlDoc,
  type ControlLoad,
  ControlWriteError,
  breakerEntries,
  breakerEntry,
  cloneControl,
  controlProblems,
  defaultControl,
  isEnabled,
  loadControl,
  renderControl
} from '@batch-ops/core'
import { changedLines, fixture } from './helpers.js'

const HEAD = fixture('batch-control.head.json')
const INITIAL = fixture('batch-control.initial.json')

function loaded(text: string | null): Extract<ControlLoad, { ok: true }> {
  const load = loadControl(text)
  if (!load.ok) throw new Error(`expected the file to load: ${JSON.stringify(load.problems)}`)
  return load
}

function problemsOf(text: string): Extract<ControlLoad, { ok: false }>['problems'] {
  const load = loadControl(text)
  if (load.ok) throw new Error('expected the file to be refused')
  return load.problems
}

describe('the legacy files load unchanged', () => {
  test.each([
    ['batch-control.head.json', HEAD],
    ['batch-control.initial.json', INITIAL]
  ])('%s loads and renders back byte for byte', (_name, text) => {
    const load = loaded(text)
    expect(load.exists).toBe(true)
    expect(load.text).toBe(text)
    expect(load.doc).toEqual(JSON.parse(text))
    expect(renderControl(load, load.doc)).toBe(text)
    expect(renderControl(load, cloneControl(load.doc))).toBe(text)
    expect(renderControl({ text }, JSON.parse(text))).toBe(text)
    expect(isEnabled(load.doc)).toBe(true)
  })

  test('the head fixture has its breakers', () => {
    const doc = loaded(HEAD).doc
    expect(Object.keys(breakerEntries(doc))).toEqual(['github', 'homebrew', 'rubygems', 'crates.io', 'npm', 'pypi', 'default'])
    expect(breakerEntries(doc)['crates.io']).toEqual({
      state: 'open',
      failures: 993,
      last_failure: '2026-06-26T20:51:01Z',
      opens_at: '2026-06-26T21:51:01Z'
    })
    expect(breakerEntries(doc).default).toEqual({ state: 'closed', failures: 0 })
  })

  test.each<[string, (d: ControlDoc) => void, number]>([
    ['enabled', (d) => { d.enabled = false }, 2],
    ['reason', (d) => { d.reason = 'npm registry outage' }, 4],
    ['npm state', (d) => { d.circuit_breaker!.npm!.state = 'half-open' }, 35],
    ['crates.io opens_at', (d) => { d.circuit_breaker!['crates.io']!.opens_at = '2026-06-27T00:00:00Z' }, 32],
    ['default failures', (d) => { d.circuit_breaker!.default!.failures = 3 }, 48],
    ['linux minutes', (d) => { d.budget!.linux_minutes_used = 1234.5 }, 53],
    ['sampling_active', (d) => { d.budget!.sampling_active = true }, 55]
  ])('changing %s changes only its line', (_name, change, line) => {
    const load = loaded(HEAD)
    const next = cloneControl(load.doc)
    change(next)
    const out = renderControl(load, next)
    expect(changedLines(HEAD, out)).toEqual([line])
    expect(JSON.parse(out)).toEqual(next)
  })

  test('the loaded document is not changed by editing a clone', () => {
    const load = loaded(HEAD)
    const next = cloneControl(load.doc)
    next.circuit_breaker!.npm!.state = 'closed'
    next.budget!.macos_minutes_used = 7
    expect(load.doc).toEqual(JSON.parse(HEAD))
  })

  test('adding the new fields to a legacy breaker appends them and keeps everything else', () => {
    const load = loaded(HEAD)
    const next = cloneControl(load.doc)
    Object.assign(next.circuit_breaker!.default!, { window: 'SSF', trips: 0 })
    next.batch_sequence = { date: '2026-06-26', last: 1 }
    const out = renderControl(load, next)
    expect(out).toBe(
      HEAD.replace('"failures": 0\n', '"failures": 0,\n      "window": "SSF",\n      "trips": 0\n').replace(
        '"sampling_active": false\n  }\n}\n',
        '"sampling_active": false\n  },\n  "batch_sequence": {\n    "date": "2026-06-26",\n    "last": 1\n  }\n}\n'
      )
    )
    expect(loadControl(out).ok).toBe(true)
  })
})

describe('a missing file', () => {
  test('means every default, enabled', () => {
    const load = loaded(null)
    expect(load.exists).toBe(false)
    expect(load.text).toBeNull()
    expect(load.root).toBeNull()
    expect(load.doc).toEqual(defaultControl())
    expect(load.doc.enabled).toBe(true)
    expect(isEnabled(load.doc)).toBe(true)
    expect(load.doc.circuit_breaker).toEqual({})
    expect(load.doc.budget).toEqual({ macos_minutes_used: 0, linux_minutes_used: 0, week_start: '', sampling_active: false })
  })

  test('renders as the file the shell tooling first wrote: 2 spaces and a final newline', () => {
    expect(renderControl({ text: null }, defaultControl())).toBe(INITIAL)
  })

  test('defaultControl gives a fresh object every time', () => {
    const a = defaultControl()
    a.disabled_ecosystems!.push('npm')
    expect(defaultControl().disabled_ecosystems).toEqual([])
  })
})

describe('enabled', () => {
  test.each([
    ['{}', true],
    ['{"enabled": true}', true],
    ['{"enabled": false}', false],
    ['{"reason": "x"}', true]
  ])('%s → isEnabled %s', (text, enabled) => {
    expect(isEnabled(loaded(text).doc)).toBe(enabled)
  })
})

describe('files that load', () => {
  test.each([
    ['unknown top-level and breaker fields', '{"owner": {"team": "infra"}, "circuit_breaker": {"npm": {"state": "closed", "note": "x"}}}'],
    ['every new field', '{"circuit_breaker": {"npm": {"state": "half-open", "failures": 2, "window": "SFFSF", "trips": 1, "probe": {"claimed_at": "2026-01-05T10:00:00Z", "run_id": 123}}}, "batch_sequence": {"date": "2026-01-05", "last": 999}}'],
    ['a string run id', '{"circuit_breaker": {"npm": {"state": "half-open", "probe": {"claimed_at": "2026-01-05T10:00:00Z", "run_id": "r-1"}}}}'],
    ['an empty window', '{"circuit_breaker": {"npm": {"state": "closed", "window": ""}}}'],
    ['timestamps with offsets and fractions', '{"disabled_at": "2026-01-05T10:00:00+02:00", "expected_resume": "2026-01-05T10:00:00.5-05:30"}'],
    ['a leap day', '{"circuit_breaker": {"npm": {"state": "open", "opens_at": "2028-02-29T23:59:59Z"}}}'],
    ['week_start as a date', '{"budget": {"week_start": "2026-01-05"}}'],
    ['week_start as a timestamp', '{"budget": {"week_start": "2026-01-05T00:00:00Z", "windows_minutes_used": 12.5}}'],
    ['a dotted, dashed, underscored ecosystem', '{"disabled_ecosystems": ["crates.io", "go-mod", "my_eco", "0x"]}'],
    ['an ecosystem name of 64 characters', `{"disabled_ecosystems": ["${'a'.repeat(64)}"]}`]
  ])('%s', (_name, text) => {
    const load = loaded(text)
    expect(load.doc).toEqual(JSON.parse(text))
    expect(renderControl(load, load.doc)).toBe(text)
  })
})

describe('schema violations fail closed, located', () => {
  const breaker = (fields: string, eco = 'npm'): string =>
    `{\n  "enabled": true,\n  "circuit_breaker": {\n    "${eco}": {\n      "state": "open",\n${fields}\n    }\n  }\n}\n`

  test.each<[string, string, string, number, RegExp]>([
    ['unknown breaker state', '{\n  "circuit_breaker": {\n    "npm": {\n      "state": "broken"\n    }\n  }\n}\n', '$.circuit_breaker.npm.state', 4, /must be one of "closed", "open", "half-open" \(found string "broken"\)/],
    ['bad timestamp pattern', breaker('      "opens_at": "tomorrow"'), '$.circuit_breaker.npm.opens_at', 6, /must be an RFC 3339 timestamp .*found string "tomorrow"/],
    ['timestamp without offset', breaker('      "last_failure": "2026-01-05T10:00:00"'), '$.circuit_breaker.npm.last_failure', 6, /RFC 3339 timestamp/],
    ['impossible date 2026-02-30', breaker('      "opens_at": "2026-02-30T00:00:00Z"'), '$.circuit_breaker.npm.opens_at', 6, /"2026-02-30T00:00:00Z", which is not a real date and time/],
    ['impossible hour', '{\n  "disabled_at": "2026-01-05T24:00:00Z"\n}', '$.disabled_at', 2, /not a real date and time/],
    ['impossible expected_resume', '{\n  "reason": "",\n  "expected_resume": "2025-02-29T00:00:00Z"\n}', '$.expected_resume', 3, /not a real date and time/],
    ['impossible week_start date', '{\n  "budget": {\n    "week_start": "2026-02-30"\n  }\n}', '$.budget.week_start', 3, /2026-02-30/],
    ['bad week_start', '{\n  "budget": {\n    "week_start": "last monday"\n  }\n}', '$.budget.week_start', 3, /must be an RFC 3339 timestamp/],
    ['bad probe claimed_at', breaker('      "probe": {"claimed_at": "2026-13-01T00:00:00Z", "run_id": 1}'), '$.circuit_breaker.npm.probe.claimed_at', 6, /not a real date and time/],
    ['wrong type: enabled "false"', '{\n  "enabled": "false"\n}\n', '$.enabled', 2, /^must be boolean \(found string "false"\)$/],
    ['wrong type: disabled_ecosystems a string', '{\n  "disabled_ecosystems": "npm"\n}', '$.disabled_ecosystems', 2, /must be array \(found string "npm"\)/],
    ['wrong type: failures a string', breaker('      "failures": "3"'), '$.circuit_breaker.npm.failures', 6, /must be integer \(found string "3"\)/],
    ['wrong type: failures fractional', breaker('      "failures": 1.5'), '$.circuit_breaker.npm.failures', 6, /must be integer \(found number 1.5\)/],
    ['wrong type: minutes null', '{\n  "budget": {\n    "macos_minutes_used": null\n  }\n}', '$.budget.macos_minutes_used', 3, /^must be number \(found null\)$/],
    ['wrong type: breaker a string', '{\n  "circuit_breaker": {\n    "npm": "open"\n  }\n}', '$.circuit_breaker.npm', 3, /must be object \(found string "open"\)/],
    ['bad ecosystem key "Crates.IO"', breaker('      "failures": 1', 'Crates.IO'), '$.circuit_breaker["Crates.IO"]', 4, /^"Crates.IO" is not a valid ecosystem name/],
    ['bad ecosystem in disabled_ecosystems', '{\n  "disabled_ecosystems": [\n    "npm",\n    "Crates.IO"\n  ]\n}', '$.disabled_ecosystems[1]', 4, /"Crates.IO" is not a valid ecosystem name/],
    ['ecosystem name too long', `{\n  "disabled_ecosystems": ["${'a'.repeat(65)}"]\n}`, '$.disabled_ecosystems[0]', 2, /not a valid ecosystem name/],
    ['ecosystem starting with a dot', '{\n  "circuit_breaker": {\n    ".npm": {"state": "closed"}\n  }\n}', '$.circuit_breaker[".npm"]', 3, /not a valid ecosystem name/],
    ['negative failures', breaker('      "failures": -1'), '$.circuit_breaker.npm.failures', 6, /^must be >= 0 \(found number -1\)$/],
    ['negative trips', breaker('      "trips": -2'), '$.circuit_breaker.npm.trips', 6, /must be >= 0/],
    ['negative minutes', '{\n  "budget": {\n    "linux_minutes_used": -5\n  }\n}', '$.budget.linux_minutes_used', 3, /must be >= 0 \(found number -5\)/],
    ['window with other letters', breaker('      "window": "SFX"'), '$.circuit_breaker.npm.window', 6, /^must be a string of S and F only \(found string "SFX"\)$/],
    ['window in lower case', breaker('      "window": "sf"'), '$.circuit_breaker.npm.window', 6, /S and F only/],
    ['breaker without state', '{\n  "circuit_breaker": {\n    "npm": {\n      "failures": 1\n    }\n  }\n}', '$.circuit_breaker.npm', 3, /missing the required field "state"/],
    ['probe without run_id', breaker('      "probe": {"claimed_at": "2026-01-05T10:00:00Z"}'), '$.circuit_breaker.npm.probe', 6, /missing the required field "run_id"/],
    ['batch_sequence.last over 999', '{\n  "batch_sequence": {\n    "date": "2026-01-05",\n    "last": 1000\n  }\n}', '$.batch_sequence.last', 4, /must be <= 999/],
    ['impossible batch_sequence.date', '{\n  "batch_sequence": {\n    "date": "2026-02-30",\n    "last": 1\n  }\n}', '$.batch_sequence.date', 3, /must be a real date YYYY-MM-DD \(found string "2026-02-30"\)/],
    ['malformed JSON: a trailing comma', '{\n  "enabled": true,\n}\n', '$', 2, /^not valid JSON: trailing comma before '}' \(JSON allows none\)$/],
    ['malformed JSON: unterminated string', '{\n  "reason": "oops\n}\n', '$', 2, /^not valid JSON: control character in string/],
    ['empty file', '', '$', 1, /^not valid JSON: unexpected end of file/],
    ['a top-level array', '[\n  {"enabled": true}\n]\n', '$', 1, /^must be a JSON object \(found array /],
    ['a top-level string', '"enabled"', '$', 1, /^must be a JSON object \(found string "enabled"\)$/],
    ['top-level null', '\n\nnull', '$', 3, /^must be a JSON object \(found null\)$/]
  ])('%s', (_name, text, path, line, message) => {
    const problems = problemsOf(text)
    expect(problems).toHaveLength(1)
    const [p] = problems
    expect(p!.path).toBe(path)
    expect(p!.line).toBe(line)
    expect(p!.column).toBeGreaterThanOrEqual(1)
    expect(p!.message).toMatch(message)
  })

  test('the column of a bad value points at its key', () => {
    const [p] = problemsOf('{\n  "circuit_breaker": {\n    "npm": {\n      "state": "broken"\n    }\n  }\n}\n')
    expect(p).toEqual({ path: '$.circuit_breaker.npm.state', line: 4, column: 7, message: expect.stringContaining('"broken"') })
  })

  test('a syntax error gives its exact line and column', () => {
    expect(problemsOf('{\n  "enabled": true\n  "reason": ""\n}')).toEqual([
      { path: '$', line: 3, column: 3, message: `not valid JSON: expected ',' or '}' after a property value, found '"reason"'` }
    ])
  })

  test('several problems are all reported, in line order', () => {
    const text = '{\n  "enabled": "no",\n  "circuit_breaker": {\n    "npm": {"state": "shut", "failures": -1}\n  },\n  "disabled_ecosystems": ["NPM"]\n}\n'
    const problems = problemsOf(text)
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['$.enabled', 2],
      ['$.circuit_breaker.npm.state', 4],
      ['$.circuit_breaker.npm.failures', 4],
      ['$.disabled_ecosystems[0]', 6]
    ])
  })

  test('a wrong type is one problem, not one per alternative', () => {
    const problems = problemsOf('{\n  "opens_at_top": 1,\n  "disabled_at": 5\n}')
    expect(problems).toEqual([{ path: '$.disabled_at', line: 3, column: 3, message: 'must be string (found number 5)' }])
  })
})

describe('a key written twice fails closed, at its second occurrence', () => {
  const enabledTwice = '{\n  "enabled": true,\n  "disabled_ecosystems": [],\n  "reason": "",\n  "incident_url": "",\n  "disabled_by": "",\n  "disabled_at": "",\n  "expected_resume": "",\n  "enabled": false\n}\n'

  test.each<[string, string, { path: string; line: number; column: number; message: string }[]]>([
    ['enabled, true then false', enabledTwice, [
      { path: '$.enabled', line: 9, column: 3, message: '"enabled" appears twice in $ (lines 2 and 9); the first would be silently ignored' }
    ]],
    ['the same value twice', '{\n  "enabled": false,\n  "enabled": false\n}\n', [
      { path: '$.enabled', line: 3, column: 3, message: '"enabled" appears twice in $ (lines 2 and 3); the first would be silently ignored' }
    ]],
    ['a breaker state', '{\n  "circuit_breaker": {\n    "npm": {\n      "state": "open",\n      "failures": 3,\n      "state": "closed"\n    }\n  }\n}\n', [
      { path: '$.circuit_breaker.npm.state', line: 6, column: 7, message: '"state" appears twice in $.circuit_breaker.npm (lines 4 and 6); the first would be silently ignored' }
    ]],
    ['an ecosystem', '{\n  "circuit_breaker": {\n    "crates.io": {"state": "open"},\n    "crates.io": {"state": "closed"}\n  }\n}\n', [
      { path: '$.circuit_breaker["crates.io"]', line: 4, column: 5, message: '"crates.io" appears twice in $.circuit_breaker (lines 3 and 4); the first would be silently ignored' }
    ]],
    ['both on one line', '{"enabled": true, "enabled": false}', [
      { path: '$.enabled', line: 1, column: 19, message: '"enabled" appears twice in $ (both on line 1); the first would be silently ignored' }
    ]],
    ['spelled with an escape', '{\n  "enabled": true,\n  "\\u0065nabled": false\n}\n', [
      { path: '$.enabled', line: 3, column: 3, message: '"enabled" appears twice in $ (lines 2 and 3); the first would be silently ignored' }
    ]],
    ['inside a field this version does not know', '{\n  "owner": {\n    "team": "a",\n    "team": "b"\n  }\n}\n', [
      { path: '$.owner.team', line: 4, column: 5, message: '"team" appears twice in $.owner (lines 3 and 4); the first would be silently ignored' }
    ]],
    ['three times: every repeat is reported', '{\n  "reason": "a",\n  "reason": "b",\n  "reason": "c"\n}\n', [
      { path: '$.reason', line: 3, column: 3, message: '"reason" appears twice in $ (lines 2 and 3); the first would be silently ignored' },
      { path: '$.reason', line: 4, column: 3, message: '"reason" appears twice in $ (lines 3 and 4); the first would be silently ignored' }
    ]],
    ['alongside a schema violation: the duplicate alone is reported', '{\n  "enabled": "yes",\n  "budget": {},\n  "budget": {}\n}\n', [
      { path: '$.budget', line: 4, column: 3, message: '"budget" appears twice in $ (lines 3 and 4); the first would be silently ignored' }
    ]]
  ])('%s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems)
  })

  test('the same key in different objects is no duplicate', () => {
    expect(loaded('{"circuit_breaker": {"npm": {"state": "open"}, "pypi": {"state": "open"}}, "budget": {"week_start": ""}}').doc.circuit_breaker!.pypi!.state).toBe('open')
  })
})

describe('hostile and non-standard input fails closed, located', () => {
  test.each<[string, string, number, number, RegExp]>([
    ['a line comment', '{\n  "enabled": true // on purpose\n}\n', 2, 19, /^not valid JSON: comments are not allowed in JSON$/],
    ['a block comment before the object', '/* control file */\n{}\n', 1, 1, /^not valid JSON: comments are not allowed in JSON$/],
    ['a trailing comma in an array', '{\n  "disabled_ecosystems": [\n    "npm",\n  ]\n}\n', 3, 10, /^not valid JSON: trailing comma before '\]'/],
    ['an out-of-range number (not "found number null")', '{\n  "circuit_breaker": {\n    "npm": {\n      "state": "open",\n      "failures": 1e400\n    }\n  }\n}\n', 5, 19, /^not valid JSON: number out of range$/],
    ['an out-of-range number in a field this version does not know', '{\n  "owner": -1e999\n}\n', 2, 12, /^not valid JSON: number out of range$/],
    ['100,000 levels of nesting', `{\n  "owner": ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}\n`, 2, 12 + 255, /^not valid JSON: nested deeper than 256 levels$/],
    ['100,000 levels of objects', `{"owner": ${'{"a": '.repeat(100_000)}`, 1, 11 + 6 * 255, /^not valid JSON: nested deeper than 256 levels$/],
    ['a byte order mark that is not at the start', '{\n  "enabled":\uFEFFtrue\n}\n', 2, 13, /^not valid JSON: unexpected '\\ufefftrue'$/]
  ])('%s', (_name, text, line, column, message) => {
    const problems = problemsOf(text)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toEqual({ path: '$', line, column, message: expect.stringMatching(message) })
  })

  test('a byte order mark at the start is tolerated, kept on rewrite, and does not shift lines', () => {
    const text = '\uFEFF' + HEAD
    const load = loaded(text)
    expect(load.doc).toEqual(JSON.parse(HEAD))
    expect(renderControl(load, load.doc)).toBe(text)
    const next = cloneControl(load.doc)
    next.enabled = false
    const out = renderControl(load, next)
    expect(out).toBe('\uFEFF' + HEAD.replace('"enabled": true', '"enabled": false'))
    expect(problemsOf('\uFEFF{\n  "enabled": "no"\n}\n')).toEqual([{ path: '$.enabled', line: 2, column: 3, message: 'must be boolean (found string "no")' }])
  })

  test('a CRLF file stays CRLF when a breaker is added', () => {
    const text = HEAD.replace(/\n/g, '\r\n')
    const load = loaded(text)
    const next = cloneControl(load.doc)
    next.circuit_breaker!.cask = { state: 'closed', failures: 0 }
    const out = renderControl(load, next)
    expect(out.replace(/\r\n/g, '')).not.toContain('\n')
    expect(out).toBe(text.replace('"failures": 0\r\n    }\r\n  },', '"failures": 0\r\n    },\r\n    "cask": {\r\n      "state": "closed",\r\n      "failures": 0\r\n    }\r\n  },'))
  })
})

describe('renderControl refuses to write a file that would not load (issue 12 item 5)', () => {
  test.each<[string, (d: ControlDoc) => void, RegExp]>([
    ['a count that is not finite (JSON writes null)', (d) => { d.budget = { ...d.budget, macos_minutes_used: Infinity } }, /\$\.budget\.macos_minutes_used must be number/],
    ['a state nobody knows', (d) => { d.circuit_breaker = { npm: { state: 'broken' as 'open' } } }, /\$\.circuit_breaker\.npm\.state must be one of/],
    ['a timestamp past year 9999', (d) => { d.circuit_breaker = { npm: { state: 'open', opens_at: '+013434-01-01T00:00:00Z' } } }, /\$\.circuit_breaker\.npm\.opens_at/]
  ])('%s: ControlWriteError, no text', (_name, change, message) => {
    for (const original of [{ text: null }, loaded(HEAD)]) {
      const doc = cloneControl(original.text === null ? defaultControl() : loaded(HEAD).doc)
      change(doc)
      expect(() => renderControl(original, doc)).toThrow(ControlWriteError)
      expect(() => renderControl(original, doc)).toThrow(message)
    }
  })

  test('a valid change is written as before', () => {
    const doc = cloneControl(loaded(HEAD).doc)
    doc.enabled = false
    expect(renderControl(loaded(HEAD), doc)).toContain('"enabled": false')
  })

  test("breakerEntry reads own entries only: 'constructor' and 'toString' find nothing", () => {
    expect(breakerEntry(defaultControl(), 'constructor')).toBeUndefined()
    expect(breakerEntry(defaultControl(), 'toString')).toBeUndefined()
    expect(breakerEntry({ circuit_breaker: { constructor: { state: 'open' } } } as ControlDoc, 'constructor')).toEqual({ state: 'open' })
  })
})

describe('controlProblems (the guard before writing)', () => {
  test('a valid document has none', () => {
    expect(controlProblems(defaultControl())).toEqual([])
    expect(controlProblems(loaded(HEAD).doc)).toEqual([])
  })

  test.each<[string, (d: ControlDoc) => void, string]>([
    ['bad state', (d) => { d.circuit_breaker = { npm: { state: 'broken' as 'open' } } }, '$.circuit_breaker.npm.state'],
    ['impossible opens_at', (d) => { d.circuit_breaker = { npm: { state: 'open', opens_at: '2026-02-30T00:00:00Z' } } }, '$.circuit_breaker.npm.opens_at'],
    ['bad batch_sequence', (d) => { d.batch_sequence = { date: '2026-1-5', last: 1 } }, '$.batch_sequence.date'],
    ['over 999', (d) => { d.batch_sequence = { date: '2026-01-05', last: 1000 } }, '$.batch_sequence.last']
  ])('%s is caught', (_name, change, path) => {
    const doc = defaultControl()
    change(doc)
    const problems = controlProblems(doc)
    expect(problems.map((p) => p.path)).toEqual([path])
    expect(problems[0]!.line).toBe(1)
  })
})
