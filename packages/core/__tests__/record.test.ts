import { describe, test, expect } from '@jest/globals'
import fc from 'fast-check'
import {
  type BatchReport,
  type ControlDoc,
  type RecipeResult,
  type RecordContext,
  type RunJob,
  type Severity,
  type SloOptions,
  DEFAULT_SLO,
  addBudgetMinutes,
  appendLines,
  controlProblems,
  countedJobs,
  defaultControl,
  evaluateBatch,
  failureLines,
  jobMinutes,
  loadControl,
  manifestJson,
  MAX_COUNTED_JOBS,
  MAX_UPLOAD_CATEGORY,
  MAX_UPLOAD_MESSAGE,
  mergeManifest,
  recordBudget,
  metricsLine,
  minutesFromJobs,
  parseNameStatus,
  parseResults,
  runnerOs,
  severityOf,
  sloProblems,
  topFailureCategories,
  uploadBodies,
  worst
} from '@batch-ops/core'
import { fixture, iso } from './helpers.js'

const OPTS: SloOptions = { slo: { ...DEFAULT_SLO }, criticalThreshold: 0.5, latencyThresholdSeconds: 120 }

const r = (recipe: string, ecosystem: string, result: RecipeResult['result'], extra: Partial<RecipeResult> = {}): RecipeResult => ({
  recipe,
  ecosystem,
  result,
  ...extra
})

/** `passed` passes, `failed` failures, etc., for one ecosystem. */
function batch(ecosystem: string, counts: { passed?: number; failed?: number; skipped?: number; blocked?: number }, extra: Partial<RecipeResult> = {}): RecipeResult[] {
  const out: RecipeResult[] = []
  for (const kind of ['passed', 'failed', 'skipped', 'blocked'] as const) {
    for (let i = 0; i < (counts[kind] ?? 0); i++) out.push(r(`${ecosystem}-${kind}-${i}`, ecosystem, kind, extra))
  }
  return out
}

function parsedOk(text: string, eco = ''): RecipeResult[] {
  const p = parseResults(text, eco)
  if (!p.ok) throw new Error(`expected ok, got ${JSON.stringify(p.problems)}`)
  return p.results
}

function parsedProblems(text: string, eco = '') {
  const p = parseResults(text, eco)
  if (p.ok) throw new Error(`expected problems, got ${JSON.stringify(p.results)}`)
  return p.problems
}

// ---------------------------------------------------------------------------

describe('parseResults', () => {
  const A = { recipe_name: 'jq', ecosystem: 'homebrew', result: 'passed', duration_seconds: 12.5 }
  const B = { name: 'ripgrep', ecosystem: 'crates.io', result: 'failed', error_category: 'build', error_message: 'boom', platform: 'linux', exit_code: 2 }
  const expected: RecipeResult[] = [
    { recipe: 'jq', ecosystem: 'homebrew', result: 'passed', duration_seconds: 12.5 },
    { recipe: 'ripgrep', ecosystem: 'crates.io', result: 'failed', error_category: 'build', error_message: 'boom', platform: 'linux', exit_code: 2 }
  ]

  test.each<[string, string]>([
    ['a JSON array', JSON.stringify([A, B])],
    ['a pretty JSON array', JSON.stringify([A, B], null, 2) + '\n'],
    ['JSON Lines', `${JSON.stringify(A)}\n${JSON.stringify(B)}\n`],
    ['JSON Lines without a final newline', `${JSON.stringify(A)}\n${JSON.stringify(B)}`],
    ['JSON Lines with blank lines and CRLF', `\n${JSON.stringify(A)}\r\n\r\n   \n${JSON.stringify(B)}\r\n\n`],
    ['JSON Lines with a BOM', `\uFEFF${JSON.stringify(A)}\n${JSON.stringify(B)}\n`],
    ['a JSON array with a BOM', `\uFEFF${JSON.stringify([A, B])}`],
    ['a JSON array after leading whitespace', `\n\n  ${JSON.stringify([A, B])}`]
  ])('reads %s', (_name, text) => {
    expect(parsedOk(text)).toEqual(expected)
  })

  test('recipe_name wins over name when both are given', () => {
    expect(parsedOk(JSON.stringify({ recipe_name: 'a', name: 'b', ecosystem: 'npm', result: 'passed' }))[0]!.recipe).toBe('a')
  })

  test('a result without an ecosystem takes the default one; its own ecosystem wins', () => {
    const text = `{"name":"a","result":"passed"}\n{"name":"b","result":"skipped","ecosystem":"pypi"}\n`
    expect(parsedOk(text, 'npm').map((x) => [x.recipe, x.ecosystem])).toEqual([
      ['a', 'npm'],
      ['b', 'pypi']
    ])
  })

  test('null optional fields are dropped, not kept', () => {
    expect(parsedOk('{"name":"a","ecosystem":"npm","result":"failed","error_category":null,"duration_seconds":null,"exit_code":null}')).toEqual([
      { recipe: 'a', ecosystem: 'npm', result: 'failed' }
    ])
  })

  test.each<[string, string]>([
    ['an empty file', ''],
    ['only blank lines', '\n\n  \r\n'],
    ['an empty array', '[]'],
    ['a BOM alone', '\uFEFF']
  ])('%s has no results', (_name, text) => {
    expect(parsedOk(text)).toEqual([])
  })

  test.each<[string, string, string, { line: number; where: string; message: RegExp }]>([
    ['missing name', '{"ecosystem":"npm","result":"passed"}', '', { line: 1, where: 'line 1', message: /needs "recipe_name" \(or "name"\)/ }],
    ['blank name', '{"name":"  ","ecosystem":"npm","result":"passed"}', '', { line: 1, where: 'line 1', message: /needs "recipe_name"/ }],
    ['numeric name', '{"name":7,"ecosystem":"npm","result":"passed"}', '', { line: 1, where: 'line 1', message: /needs "recipe_name".*found 7/ }],
    ['bad result value', '\n{"name":"a","ecosystem":"npm","result":"success"}', '', { line: 2, where: 'line 2', message: /"result" must be one of passed, failed, skipped, blocked \(found "success"\)/ }],
    ['missing result', '{"name":"a","ecosystem":"npm"}', '', { line: 1, where: 'line 1', message: /"result" must be one of/ }],
    ['bad ecosystem', '{"name":"a","ecosystem":"Home Brew","result":"passed"}', '', { line: 1, where: 'line 1', message: /"ecosystem" "Home Brew" is not a valid ecosystem name/ }],
    ['no ecosystem and no default', '{"name":"a","result":"passed"}', '', { line: 1, where: 'line 1', message: /needs "ecosystem"/ }],
    ['a bad default ecosystem', '{"name":"a","result":"passed"}', '../etc', { line: 1, where: 'line 1', message: /"ecosystem" "\.\.\/etc" is not a valid/ }],
    ['negative duration', '{"name":"a","ecosystem":"npm","result":"passed","duration_seconds":-1}', '', { line: 1, where: 'line 1', message: /"duration_seconds" must be a number >= 0 \(found -1\)/ }],
    ['string duration', '{"name":"a","ecosystem":"npm","result":"passed","duration_seconds":"3"}', '', { line: 1, where: 'line 1', message: /"duration_seconds" must be a number >= 0 \(found "3"\)/ }],
    ['non-string error_category', '{"name":"a","ecosystem":"npm","result":"failed","error_category":5}', '', { line: 1, where: 'line 1', message: /"error_category" must be a string/ }],
    ['fractional exit code', '{"name":"a","ecosystem":"npm","result":"failed","exit_code":1.5}', '', { line: 1, where: 'line 1', message: /"exit_code" must be an integer/ }],
    ['a string record', '"jq"', '', { line: 1, where: 'line 1', message: /must be a JSON object \(found "jq"\)/ }],
    ['a null record', '\n\nnull', '', { line: 3, where: 'line 3', message: /must be a JSON object \(found null\)/ }],
    ['a number record', '{"name":"a","ecosystem":"npm","result":"passed"}\n42', '', { line: 2, where: 'line 2', message: /must be a JSON object \(found 42\)/ }],
    ['an invalid JSON line', '{"name":"a","ecosystem":"npm","result":"passed"}\n\n{"name": "b",\n', '', { line: 3, where: 'line 3', message: /^not valid JSON/ }],
    [
      'an array element with a bad result',
      '[\n  {"name":"a","ecosystem":"npm","result":"passed"},\n  {"name":"b","ecosystem":"npm","result":"nope"}\n]',
      '',
      { line: 3, where: 'element [1]', message: /"result" must be one of/ }
    ],
    ['an array element that is not an object', '[\n  {"name":"a","ecosystem":"npm","result":"passed"},\n\n  [1]\n]', '', { line: 4, where: 'element [1]', message: /must be a JSON object \(found \[1\]\)/ }],
    ['an array that is not valid JSON', '[\n  {"name":"a","ecosystem":"npm","result":"passed"},\n  {"name": }\n]', '', { line: 3, where: 'the array', message: /^not valid JSON/ }],
    ['a name nested 100,000 levels deep', '{"name":"a","ecosystem":"npm","result":"passed"}\n{"name":' + '['.repeat(100_000) + ']'.repeat(100_000) + ',"ecosystem":"npm","result":"passed"}', '', { line: 2, where: 'line 2', message: /^not valid JSON: nested deeper than 256 levels/ }],
    ['a duration out of range', '{"name":"a","ecosystem":"npm","result":"passed","duration_seconds":1e400}', '', { line: 1, where: 'line 1', message: /^not valid JSON: number out of range/ }],
    ['an array with a BOM and a problem on line 2', '\uFEFF[\n{"ecosystem":"npm","result":"passed"}]', '', { line: 2, where: 'element [0]', message: /needs "recipe_name"/ }]
  ])('reports %s', (_name, text, eco, want) => {
    const problems = parsedProblems(text, eco)
    expect(problems).toHaveLength(1)
    expect(problems[0]!.line).toBe(want.line)
    expect(problems[0]!.where).toBe(want.where)
    expect(problems[0]!.message).toMatch(want.message)
  })

  test('reports every problem of one record, and the problems of several records in order', () => {
    const problems = parsedProblems('{"ecosystem":"X","result":"?"}\n{"name":"ok","ecosystem":"npm","result":"passed"}\n{"name":"c","ecosystem":"npm","result":"passed","duration_seconds":-2}\n')
    expect(problems.map((p) => p.where)).toEqual(['line 1', 'line 1', 'line 1', 'line 3'])
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/recipe_name/),
      expect.stringMatching(/ecosystem/),
      expect.stringMatching(/result/),
      expect.stringMatching(/duration_seconds/)
    ])
  })

  test('stops after 20 problems', () => {
    const text = Array.from({ length: 50 }, () => '{}').join('\n')
    const problems = parsedProblems(text, 'npm')
    expect(problems.length).toBeGreaterThanOrEqual(20)
    expect(problems.length).toBeLessThanOrEqual(40)
  })

  const HOSTILE = ['../../etc/passwd', 'a/b', '..', 'line\nbreak', 'pipe|name', '<script>alert(1)</script>', ' padded ', 'tab\there', 'ünïcødé 🚀', '$(rm -rf /)', '`x`', '%0a', 'a\u2028b', '\u0000nul']
  test.each(HOSTILE)('keeps the hostile recipe name %j byte for byte, as data', (name) => {
    const record = { recipe_name: name, ecosystem: 'npm', result: 'failed' }
    for (const text of [JSON.stringify(record), JSON.stringify([record])]) {
      const [got] = parsedOk(text)
      expect(got!.recipe).toBe(name)
      expect(Buffer.from(got!.recipe)).toEqual(Buffer.from(name))
    }
    // And it stays data in what is written: the JSON lines round-trip it.
    const lines = failureLines([r(name, 'npm', 'failed')], { batchId: '2026-01-07', completedAt: '2026-01-07T00:00:00Z' })
    expect(lines.split('\n')).toHaveLength(2)
    expect(JSON.parse(lines).recipe).toBe(name)
  })
})

// ---------------------------------------------------------------------------

describe('evaluateBatch', () => {
  test('rate = passed / (passed + failed); skipped and blocked are not failures', () => {
    const report = evaluateBatch(batch('npm', { passed: 3, failed: 1, skipped: 10, blocked: 7 }), OPTS)
    expect(report.ecosystems).toHaveLength(1)
    const e = report.ecosystems[0]!
    expect(e).toMatchObject({ ecosystem: 'npm', passed: 3, failed: 1, skipped: 10, blocked: 7, total: 21, rate: 0.75 })
    expect(report.rate).toBe(0.75)
  })

  test.each<[string, string, Parameters<typeof batch>[1], Partial<RecipeResult>, SloOptions, Severity, RegExp]>([
    ['critical below the critical threshold', 'npm', { passed: 4, failed: 6 }, {}, OPTS, 'critical', /40% is below the critical threshold 50%/],
    ['not critical at exactly the critical threshold (warning instead)', 'npm', { passed: 5, failed: 5 }, {}, OPTS, 'warning', /below its SLO 98%/],
    ['warning below the ecosystem SLO', 'homebrew', { passed: 16, failed: 4 }, {}, OPTS, 'warning', /80% is below its SLO 85%/],
    ['ok at exactly the ecosystem SLO', 'homebrew', { passed: 17, failed: 3 }, {}, OPTS, 'ok', /85% meets its SLO 85%/],
    ['warning below the default SLO for an ecosystem without its own', 'pypi', { passed: 97, failed: 3 }, {}, OPTS, 'warning', /97% is below its SLO 98%/],
    ['ok at the default SLO', 'pypi', { passed: 98, failed: 2 }, {}, OPTS, 'ok', /meets its SLO 98%/],
    ['the given default SLO, not the built-in one', 'pypi', { passed: 9, failed: 1 }, {}, { ...OPTS, slo: { default: 0.9 } }, 'ok', /meets its SLO 90%/],
    ['the built-in default when the table has none', 'pypi', { passed: 97, failed: 3 }, {}, { ...OPTS, slo: { npm: 0.5 } }, 'warning', /below its SLO 98%/],
    ['info when the mean duration is over the latency threshold', 'npm', { passed: 10 }, { duration_seconds: 121 }, OPTS, 'info', /mean duration 121 s is over 120 s/],
    ['ok at exactly the latency threshold', 'npm', { passed: 10 }, { duration_seconds: 120 }, OPTS, 'ok', /meets/],
    ['warning wins over info', 'homebrew', { passed: 8, failed: 2 }, { duration_seconds: 999 }, OPTS, 'warning', /below its SLO/],
    ['ok with every result passed', 'cask', { passed: 3 }, {}, OPTS, 'ok', /100% meets its SLO 95%/],
    ['ok and no rate with only skipped and blocked results', 'npm', { skipped: 4, blocked: 2 }, {}, OPTS, 'ok', /no attempts/]
  ])('%s', (_name, eco, counts, extra, o, severity, why) => {
    const report = evaluateBatch(batch(eco, counts, extra), o)
    const e = report.ecosystems[0]!
    expect(e.severity).toBe(severity)
    expect(e.why).toMatch(why)
    expect(report.severity).toBe(severity)
  })

  test('no attempts: rate null, ok, for the ecosystem and the batch', () => {
    const report = evaluateBatch(batch('npm', { skipped: 2, blocked: 1 }), OPTS)
    expect(report.ecosystems[0]!.rate).toBeNull()
    expect(report.rate).toBeNull()
    expect(report.severity).toBe('ok')
  })

  test('an empty batch', () => {
    expect(evaluateBatch([], OPTS)).toEqual({ ecosystems: [], passed: 0, failed: 0, skipped: 0, blocked: 0, total: 0, rate: null, severity: 'ok' })
  })

  test('mean duration counts only the results that have one', () => {
    const results = [r('a', 'npm', 'passed', { duration_seconds: 100 }), r('b', 'npm', 'passed', { duration_seconds: 200 }), r('c', 'npm', 'passed')]
    expect(evaluateBatch(results, OPTS).ecosystems[0]!.meanDurationSeconds).toBe(150)
    expect(evaluateBatch(batch('npm', { passed: 2 }), OPTS).ecosystems[0]!.meanDurationSeconds).toBeNull()
  })

  test('one report per ecosystem in order of first appearance; totals over all; overall severity is the worst', () => {
    const results = [
      ...batch('pypi', { passed: 10 }),
      ...batch('homebrew', { passed: 8, failed: 2, skipped: 1 }),
      r('late', 'pypi', 'blocked'),
      ...batch('npm', { passed: 1, failed: 3 }),
      ...batch('cask', { skipped: 5 })
    ]
    const report = evaluateBatch(results, OPTS)
    expect(report.ecosystems.map((e) => [e.ecosystem, e.severity])).toEqual([
      ['pypi', 'ok'],
      ['homebrew', 'warning'],
      ['npm', 'critical'],
      ['cask', 'ok']
    ])
    expect(report.ecosystems[0]!.blocked).toBe(1)
    expect(report).toMatchObject({ passed: 19, failed: 5, skipped: 6, blocked: 1, total: 31, severity: 'critical' })
    expect(report.rate).toBeCloseTo(19 / 24, 12)
  })

  test('an ecosystem named like an Object.prototype member gets the default SLO', () => {
    const report = evaluateBatch(batch('constructor', { passed: 9, failed: 1 }), OPTS)
    expect(report.ecosystems[0]!.slo).toBe(0.98)
    expect(report.ecosystems[0]!.severity).toBe('warning')
  })
})

describe('severityOf and worst', () => {
  test.each<[number | null, number, number | null, Severity]>([
    [0.49, 0.98, null, 'critical'],
    [0, 0, null, 'critical'],
    [0.5, 0.98, null, 'warning'],
    [0.97, 0.98, 500, 'warning'],
    [0.98, 0.98, 121, 'info'],
    [0.98, 0.98, 120, 'ok'],
    [null, 0.98, 121, 'info'],
    [null, 0.98, null, 'ok'],
    [1, 1, 0, 'ok']
  ])('rate %p, SLO %p, mean %p → %s', (rate, slo, mean, want) => {
    expect(severityOf(rate, slo, mean, OPTS).severity).toBe(want)
  })

  test.each<[Severity[], Severity]>([
    [[], 'ok'],
    [['ok'], 'ok'],
    [['info', 'ok'], 'info'],
    [['ok', 'warning', 'info'], 'warning'],
    [['critical', 'warning'], 'critical'],
    [['info', 'critical', 'ok'], 'critical']
  ])('worst(%j) = %s', (all, want) => {
    expect(worst(all)).toBe(want)
  })
})

describe('topFailureCategories', () => {
  const results = [
    r('a', 'npm', 'failed', { error_category: 'build' }),
    r('b', 'npm', 'failed', { error_category: 'network' }),
    r('c', 'npm', 'failed', { error_category: 'build' }),
    r('a', 'pypi', 'failed', { error_category: 'build' }),
    r('d', 'npm', 'failed', { error_category: 'build' }),
    r('e', 'npm', 'failed', { error_category: 'build' }),
    r('f', 'npm', 'failed'),
    r('g', 'npm', 'failed', { error_category: '' }),
    r('h', 'npm', 'failed', { error_category: 'checksum' }),
    r('i', 'npm', 'failed', { error_category: 'network' }),
    r('x', 'npm', 'passed', { error_category: 'zzz' }),
    r('y', 'npm', 'skipped', { error_category: 'zzz' }),
    r('z', 'npm', 'blocked', { error_category: 'zzz' })
  ]

  test('by count, then by name; uncategorized for none; only failed results; distinct examples up to the limit', () => {
    expect(topFailureCategories(results)).toEqual([
      { category: 'build', count: 5, examples: ['a', 'c', 'd'] },
      { category: 'network', count: 2, examples: ['b', 'i'] },
      { category: 'uncategorized', count: 2, examples: ['f', 'g'] },
      { category: 'checksum', count: 1, examples: ['h'] }
    ])
  })

  test('limit and examples', () => {
    expect(topFailureCategories(results, 2, 1)).toEqual([
      { category: 'build', count: 5, examples: ['a'] },
      { category: 'network', count: 2, examples: ['b'] }
    ])
    expect(topFailureCategories(results, 0)).toEqual([])
    expect(topFailureCategories(batch('npm', { passed: 3 }))).toEqual([])
  })
})

describe('sloProblems', () => {
  test.each<[string, unknown, RegExp[]]>([
    ['the default table', DEFAULT_SLO, []],
    ['an empty table', {}, []],
    ['the bounds', { a: 0, b: 1 }, []],
    ['a target over 1', { homebrew: 1.5 }, [/target for "homebrew" must be a number between 0 and 1 \(found 1.5\)/]],
    ['a negative target', { npm: -0.1 }, [/"npm".*found -0.1/]],
    ['a percentage string', { npm: '98%' }, [/"npm".*found "98%"/]],
    ['null', { npm: null }, [/"npm".*found null/]],
    ['two bad targets', { a: 2, ok: 0.5, b: 'x' }, [/"a"/, /"b"/]],
    ['an array', [0.9], [/must be a JSON object/]],
    ['a number', 0.9, [/must be a JSON object/]],
    ['null table', null, [/must be a JSON object/]]
  ])('%s', (_name, slo, want) => {
    const problems = sloProblems(slo)
    expect(problems).toHaveLength(want.length)
    want.forEach((re, i) => expect(problems[i]).toMatch(re))
  })
})

// ---------------------------------------------------------------------------

const CTX: RecordContext = {
  batchId: '2026-01-07-002',
  startedAt: '2026-01-07T10:00:00Z',
  completedAt: '2026-01-07T10:30:00Z',
  minutes: { macos: 20, linux: 7, windows: 3 },
  runUrl: 'https://github.com/o/r/actions/runs/42'
}

describe('metricsLine', () => {
  const results = [
    ...batch('homebrew', { passed: 2, failed: 1, skipped: 1 }, { duration_seconds: 10 }),
    ...batch('npm', { passed: 1, blocked: 2 })
  ]
  const report = evaluateBatch(results, OPTS)

  test('one compact JSON line ending in a newline, with everything the contract names', () => {
    const line = metricsLine(report, CTX)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.indexOf('\n')).toBe(line.length - 1)
    expect(line).not.toMatch(/": /)
    const parsed = JSON.parse(line)
    expect(JSON.stringify(parsed) + '\n').toBe(line)
    expect(parsed).toEqual({
      schema_version: 1,
      batch_id: '2026-01-07-002',
      started_at: '2026-01-07T10:00:00Z',
      completed_at: '2026-01-07T10:30:00Z',
      ecosystems: {
        homebrew: { passed: 2, failed: 1, skipped: 1, blocked: 0, total: 4, success_rate: 0.6667, slo: 0.85, severity: 'warning', mean_duration_seconds: 10 },
        npm: { passed: 1, failed: 0, skipped: 0, blocked: 2, total: 3, success_rate: 1, slo: 0.98, severity: 'ok', mean_duration_seconds: null }
      },
      totals: { passed: 3, failed: 1, skipped: 1, blocked: 2, total: 7 },
      success_rate: 0.75,
      severity: 'warning',
      minutes: { macos: 20, linux: 7, windows: 3 },
      run_url: 'https://github.com/o/r/actions/runs/42'
    })
  })

  test('no run URL is null; no attempts is a null rate', () => {
    const parsed = JSON.parse(metricsLine(evaluateBatch(batch('npm', { skipped: 1 }), OPTS), { ...CTX, runUrl: undefined }))
    expect(parsed.run_url).toBeNull()
    expect(parsed.success_rate).toBeNull()
    expect(parsed.ecosystems.npm.success_rate).toBeNull()
  })

  test('a hostile recipe name cannot break the line', () => {
    const line = metricsLine(evaluateBatch([r('x\ny', 'npm', 'failed', { error_message: 'a\nb\r\n' })], OPTS), CTX)
    expect(line.split('\n')).toHaveLength(2)
  })
})

describe('failureLines', () => {
  const ctx = { batchId: CTX.batchId, completedAt: CTX.completedAt }

  test('one line per failed result only, with the legacy fields plus context', () => {
    const results = [
      r('ok', 'npm', 'passed'),
      r('bad', 'npm', 'failed', { error_category: 'build', error_message: 'exit 2', duration_seconds: 3, platform: 'linux-debian-glibc-x86_64', exit_code: 2 }),
      r('skip', 'npm', 'skipped'),
      r('block', 'npm', 'blocked'),
      r('bare', 'pypi', 'failed')
    ]
    const text = failureLines(results, ctx)
    expect(text.endsWith('\n')).toBe(true)
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines).toEqual([
      {
        schema_version: 1,
        batch_id: '2026-01-07-002',
        recipe: 'bad',
        ecosystem: 'npm',
        platform: 'linux-debian-glibc-x86_64',
        exit_code: 2,
        category: 'build',
        message: 'exit 2',
        duration_seconds: 3,
        timestamp: '2026-01-07T10:30:00Z'
      },
      {
        schema_version: 1,
        batch_id: '2026-01-07-002',
        recipe: 'bare',
        ecosystem: 'pypi',
        platform: null,
        exit_code: null,
        category: 'uncategorized',
        message: null,
        duration_seconds: null,
        timestamp: '2026-01-07T10:30:00Z'
      }
    ])
  })

  test('every field of the legacy failure-record format is there', () => {
    const legacy = fixture('failures-batch-format.jsonl')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(legacy.length).toBeGreaterThan(0)
    const ours = JSON.parse(failureLines([r('bad', 'npm', 'failed', { platform: 'p', exit_code: 1, error_category: 'c' })], ctx))
    for (const old of legacy) {
      for (const [key, value] of Object.entries(old)) {
        expect(ours).toHaveProperty(key)
        expect(typeof ours[key]).toBe(typeof value)
      }
    }
    expect(ours.schema_version).toBe(legacy[0]!.schema_version)
  })

  test('nothing failed, nothing written', () => {
    expect(failureLines(batch('npm', { passed: 2, skipped: 1, blocked: 1 }), ctx)).toBe('')
    expect(failureLines([], ctx)).toBe('')
  })
})

describe('appendLines', () => {
  test.each<[string, string | null, string, string | null]>([
    ['nothing to append to a missing file', null, '', null],
    ['lines to a missing file', null, 'a\n', 'a\n'],
    ['lines to an empty file', '', 'a\n', 'a\n'],
    ['lines after a final newline', 'x\n', 'a\n', 'x\na\n'],
    ['lines after a missing final newline', 'x', 'a\n', 'x\na\n'],
    ['lines after CRLF content', 'x\r\ny\r\n', 'a\n', 'x\r\ny\r\na\n'],
    ['nothing to append to content without a final newline', 'x', '', 'x'],
    ['nothing to append to content', 'x\ny\n', '', 'x\ny\n']
  ])('%s', (_name, existing, lines, want) => {
    expect(appendLines(existing, lines)).toBe(want)
  })

  test('never returns an empty string for a missing file', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: null }), fc.string(), (existing, lines) => {
        const out = appendLines(existing, lines)
        if (existing === null) expect(out === '' ? 'empty' : 'fine').toBe('fine')
        if (existing === null && lines === '') expect(out).toBeNull()
      })
    )
  })

  test('keeps earlier content byte for byte', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }).map((s) => s + '\n'), (existing, lines) => {
        const out = appendLines(existing, lines)!
        expect(out.startsWith(existing)).toBe(true)
        expect(out.endsWith(lines)).toBe(true)
        expect(out.length - existing.length - lines.length).toBe(existing.endsWith('\n') ? 0 : 1)
      })
    )
  })
})

describe('manifestJson and parseNameStatus', () => {
  test('files sorted by path, 2-space JSON with a final newline, schema_version first', () => {
    const text = manifestJson({
      batch_id: '2026-01-07',
      created_at: '2026-01-07T10:30:00Z',
      base_ref: 'main',
      base_commit: 'a'.repeat(40),
      head_commit: 'b'.repeat(40),
      paths: ['recipes/'],
      files: [
        { path: 'recipes/z.toml', status: 'A' },
        { path: 'recipes/a.toml', status: 'D' },
        { path: 'recipes/M.toml', status: 'M' }
      ]
    })
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.startsWith('{\n  "schema_version": 1,\n  "batch_id": "2026-01-07",')).toBe(true)
    expect(JSON.parse(text).files.map((f: { path: string }) => f.path)).toEqual(['recipes/M.toml', 'recipes/a.toml', 'recipes/z.toml'])
  })

  test.each<[string, string, Array<{ path: string; status: string }>]>([
    ['empty output', '', []],
    ['A, M, D and T', 'A\0recipes/a.toml\0M\0recipes/b.toml\0D\0recipes/c.toml\0T\0recipes/d\0', [
      { path: 'recipes/a.toml', status: 'A' },
      { path: 'recipes/b.toml', status: 'M' },
      { path: 'recipes/c.toml', status: 'D' },
      { path: 'recipes/d', status: 'M' }
    ]],
    ['a path with a newline and a tab', 'A\0recipes/new\nline\tx.toml\0', [{ path: 'recipes/new\nline\tx.toml', status: 'A' }]],
    ['an unknown status is skipped', 'X\0recipes/x\0A\0recipes/y\0', [{ path: 'recipes/y', status: 'A' }]]
  ])('parseNameStatus: %s', (_name, text, want) => {
    expect(parseNameStatus(text)).toEqual(want)
  })
})

// ---------------------------------------------------------------------------

describe('runnerOs', () => {
  test.each<[string[], string]>([
    [['macos-14'], 'macos'],
    [['macos-latest'], 'macos'],
    [['macos-latest-xlarge'], 'macos'],
    [['macos-13-large'], 'macos'],
    [['self-hosted', 'macOS', 'ARM64'], 'macos'],
    [['self-hosted', 'mac-mini'], 'macos'],
    [['windows-2022'], 'windows'],
    [['windows-latest'], 'windows'],
    [['self-hosted', 'Windows', 'X64'], 'windows'],
    [['ubuntu-latest'], 'linux'],
    [['ubuntu-24.04-arm'], 'linux'],
    [['self-hosted', 'Linux', 'X64'], 'linux'],
    [['self-hosted', 'linux', 'big-machine'], 'linux'],
    [['ubuntu-22.04-8core-machine'], 'linux'],
    [['emacs-builder'], 'linux'],
    [[], 'linux']
  ])('%j → %s', (labels, want) => {
    expect(runnerOs(labels)).toBe(want)
  })
})

const job = (id: number, seconds: number | null, labels: string[] = ['ubuntu-latest'], status = 'completed'): RunJob => ({
  id,
  status,
  started_at: '2026-01-07T10:00:00Z',
  completed_at: seconds === null ? null : new Date(iso('2026-01-07T10:00:00Z') + seconds * 1000).toISOString().replace('.000', ''),
  labels
})

describe('jobMinutes', () => {
  const AT = (t: string): number => iso(`2026-01-07T${t}Z`)
  test.each<[string, RunJob, number | undefined, number | null]>([
    ['61 s', job(1, 61), undefined, 2],
    ['60 s', job(1, 60), undefined, 1],
    ['59 s', job(1, 59), undefined, 1],
    ['1 s', job(1, 1), undefined, 1],
    ['0 s', job(1, 0), undefined, 0],
    ['an hour', job(1, 3600), undefined, 60],
    ['finished: now does not matter', job(1, 61), AT('12:00:00'), 2],
    ['running, without now', job(1, null, ['ubuntu-latest'], 'in_progress'), undefined, null],
    ['running 2 min 30 s', job(1, null, ['ubuntu-latest'], 'in_progress'), AT('10:02:30'), 3],
    ['running exactly 2 min', job(1, null, ['ubuntu-latest'], 'in_progress'), AT('10:02:00'), 2],
    ['running, just started', job(1, null, ['ubuntu-latest'], 'in_progress'), AT('10:00:00'), 0],
    ['running, a clock behind the start', job(1, null, ['ubuntu-latest'], 'in_progress'), AT('09:59:00'), 0],
    ['running without started_at', { ...job(1, null, [], 'in_progress'), started_at: null }, AT('10:05:00'), null],
    ['queued', { ...job(1, null, [], 'queued'), started_at: null }, AT('10:05:00'), null],
    ['waiting, with a started_at', job(1, null, [], 'waiting'), AT('10:05:00'), null],
    ['completed without completed_at', job(1, null), AT('10:05:00'), null],
    ['completed without started_at', { ...job(1, 30), started_at: null }, undefined, null],
    ['an end before the start', job(1, -5), undefined, null],
    ['an unreadable time', { ...job(1, 30), completed_at: 'later' }, undefined, null]
  ])('%s', (_name, j, now, want) => {
    expect(jobMinutes(j, now)).toBe(want)
  })
})

describe('minutesFromJobs and countedJobs', () => {
  const NOW = iso('2026-01-07T10:04:10Z') // the running job 5 has run 4 min 10 s → 5 minutes
  const jobs = [
    job(1, 61, ['macos-14']),
    job(2, 125, ['ubuntu-latest']),
    job(3, 30, ['windows-2022']),
    job(4, 600, ['self-hosted', 'macOS', 'ARM64']),
    job(5, null, ['ubuntu-latest'], 'in_progress'),
    job(6, 59, ['ubuntu-latest']),
    { ...job(7, null, ['ubuntu-latest'], 'queued'), started_at: null }
  ]
  const c = (id: number, minutes: number, added = minutes, finished = true) => ({ id, minutes, added, finished })

  test.each<[string, Array<[number, number]>, { macos: number; linux: number; windows: number }, ReturnType<typeof c>[]]>([
    ['nothing counted yet: finished jobs in full, the running one by its elapsed time', [], { macos: 12, linux: 3 + 5 + 1, windows: 1 }, [c(1, 2), c(2, 3), c(3, 1), c(4, 10), c(5, 5, 5, false), c(6, 1)]],
    ['jobs counted in full are left out', [[1, 2], [2, 3], [5, 5]], { macos: 10, linux: 1, windows: 1 }, [c(3, 1), c(4, 10), c(6, 1)]],
    ['everything counted: nothing', [[1, 2], [2, 3], [3, 1], [4, 10], [5, 5], [6, 1]], { macos: 0, linux: 0, windows: 0 }, []],
    ['a job counted while it ran adds only the difference', [[4, 7], [5, 2]], { macos: 2 + 3, linux: 3 + 3 + 1, windows: 1 }, [c(1, 2), c(2, 3), c(3, 1), c(4, 10, 3), c(5, 5, 3, false), c(6, 1)]],
    ['counted more than it now shows (a later listing recorded first): nothing, never less', [[5, 9], [2, 4]], { macos: 12, linux: 1, windows: 1 }, [c(1, 2), c(3, 1), c(4, 10), c(6, 1)]],
    ['legacy counted_job_ids (Infinity) count as in full', [[1, Infinity], [5, Infinity]], { macos: 10, linux: 4, windows: 1 }, [c(2, 3), c(3, 1), c(4, 10), c(6, 1)]]
  ])('%s', (_name, already, minutes, counted) => {
    expect(minutesFromJobs(jobs, new Map(already), NOW)).toEqual({ minutes, counted })
  })

  test('a job listed twice (a page boundary moving) counts once', () => {
    expect(minutesFromJobs([job(1, 61), job(1, 61)], new Map(), NOW)).toEqual({ minutes: { macos: 0, linux: 2, windows: 0 }, counted: [c(1, 2)] })
  })

  test.each<[string, ControlDoc['budget'], Array<[number, number]>]>([
    ['no budget', undefined, []],
    ['neither list', { macos_minutes_used: 1 }, []],
    ['counted_jobs', { counted_jobs: { '3': 2, '9': 0 } }, [[3, 2], [9, 0]]],
    ['legacy counted_job_ids: counted in full', { counted_job_ids: [3, 9] }, [[3, Infinity], [9, Infinity]]],
    ['both: a legacy ID wins', { counted_jobs: { '3': 2, '4': 1 }, counted_job_ids: [3] }, [[3, Infinity], [4, 1]]],
    ['junk in the list', { counted_job_ids: [1, '2', null, 3] as unknown as number[] }, [[1, Infinity], [3, Infinity]]],
    ['junk in the ledger', { counted_jobs: { '1': 2, x: 3, '2': -1, '3': '4', '4': null, '5': 1 } as unknown as Record<string, number> }, [[1, 2], [5, 1]]],
    ['neither a list nor an object', { counted_job_ids: 'x' as unknown as number[], counted_jobs: [1, 2] as unknown as Record<string, number> }, []]
  ])('countedJobs: %s', (_name, budget, want) => {
    expect([...countedJobs(budget)]).toEqual(want)
  })
})

describe('recordBudget over time: a job counted while it runs, then by the difference', () => {
  const MONDAY = '2026-01-05T00:00:00Z'
  const start = { ...defaultControl(), budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false } }
  const running = (id: number, labels: string[] = ['ubuntu-latest']): RunJob => job(id, null, labels, 'in_progress')

  test('in progress at 2 min 30 s (3), again at 4 min (4), finished after 6 min 1 s (7): 3 + 1 + 3, then nothing', () => {
    const steps: Array<[string, RunJob[], number]> = [
      ['10:02:30', [running(1)], 3],
      ['10:04:00', [running(1)], 1],
      ['10:07:00', [job(1, 361)], 3],
      ['10:09:00', [job(1, 361)], 0]
    ]
    let doc: ControlDoc = start
    for (const [t, jobs, added] of steps) {
      const r = recordBudget(doc, { jobs }, iso(`2026-01-07T${t}Z`))
      expect(r.minutes.linux).toBe(added)
      if (added === 0) expect(r.doc).toBe(doc)
      doc = r.doc
    }
    expect(doc.budget).toEqual({ macos_minutes_used: 0, linux_minutes_used: 7, week_start: MONDAY, sampling_active: false, counted_jobs: { '1': 7 } })
    expect(controlProblems(doc)).toEqual([])
  })

  test('a file written by the earlier version: its counted_job_ids are not counted again, and stay as they are', () => {
    const legacy = { ...start, budget: { ...start.budget, counted_job_ids: [1] } }
    const r = recordBudget(legacy, { jobs: [job(1, 600), job(2, 61)] }, iso('2026-01-07T11:00:00Z'))
    expect(r.minutes.linux).toBe(2)
    expect(r.doc.budget).toMatchObject({ linux_minutes_used: 2, counted_job_ids: [1], counted_jobs: { '2': 2 } })
    expect(controlProblems(r.doc)).toEqual([])
  })

  test('explicit minutes leave the ledger alone', () => {
    const r = recordBudget({ ...start, budget: { ...start.budget, counted_jobs: { '4': 1 } } }, { explicit: { macos: 1, linux: 2, windows: 0 }, jobs: [job(5, 60)] }, iso('2026-01-07T11:00:00Z'))
    expect(r.counted).toEqual([])
    expect(r.doc.budget).toMatchObject({ macos_minutes_used: 1, linux_minutes_used: 2, counted_jobs: { '4': 1 } })
  })

  test('property: however a run’s jobs are observed over time, the total added is the sum of their final rounded-up minutes, and it never decreases', () => {
    const T0 = iso('2026-01-07T10:00:00Z')
    // Each job: when it starts (s after T0), how long it runs (s), its OS; and observation times.
    const arbJob = fc.record({ startS: fc.nat(3600), durationS: fc.nat(4 * 3600), os: fc.constantFrom('ubuntu-latest', 'macos-14', 'windows-2022') })
    const arbRun = fc.array(arbJob, { minLength: 1, maxLength: 6 })
    // Observation times in seconds after T0, in any order (two record-batch steps may commit in the
    // reverse order of their listings), and the last observations after every job has finished.
    const arbObservations = fc.array(fc.nat(9 * 3600), { maxLength: 12 })
    fc.assert(
      fc.property(arbRun, arbObservations, fc.integer({ min: 1, max: 3 }), (run, observations, finalLooks) => {
        const at = (s: number): string => new Date(T0 + s * 1000).toISOString().replace('.000', '')
        const listing = (tS: number): RunJob[] =>
          run.flatMap((j, i): RunJob[] => {
            if (tS < j.startS) return [] // not started yet (not listed, or queued)
            const done = tS >= j.startS + j.durationS
            return [{ id: 100 + i, status: done ? 'completed' : 'in_progress', started_at: at(j.startS), completed_at: done ? at(j.startS + j.durationS) : null, labels: [j.os] }]
          })
        const end = Math.max(...run.map((j) => j.startS + j.durationS))
        const times = [...observations, ...Array.from({ length: finalLooks }, (_, k) => end + k * 60)]
        let doc: ControlDoc = start
        let total = 0
        for (const t of times) {
          const r = recordBudget(doc, { jobs: listing(t) }, T0 + t * 1000)
          const added = r.minutes.macos + r.minutes.linux + r.minutes.windows
          expect(added).toBeGreaterThanOrEqual(0)
          const b = r.doc.budget!
          const before = doc.budget!
          expect(b.macos_minutes_used!).toBeGreaterThanOrEqual(before.macos_minutes_used!)
          expect(b.linux_minutes_used!).toBeGreaterThanOrEqual(before.linux_minutes_used!)
          expect(b.windows_minutes_used ?? 0).toBeGreaterThanOrEqual(before.windows_minutes_used ?? 0)
          total += added
          doc = r.doc
        }
        const final = run.reduce((n, j) => n + Math.ceil(j.durationS / 60), 0)
        expect(total).toBe(final)
        const b = doc.budget!
        expect(b.macos_minutes_used! + b.linux_minutes_used! + (b.windows_minutes_used ?? 0)).toBe(final)
        expect(controlProblems(doc)).toEqual([])
      })
    )
  })
})

describe('addBudgetMinutes', () => {
  const NOW = iso('2026-01-07T12:00:00Z') // Wednesday
  const MONDAY = '2026-01-05T00:00:00Z'
  const docWith = (budget: ControlDoc['budget']): ControlDoc => ({ ...defaultControl(), budget })
  const counted = (...pairs: Array<[number, number]>) => pairs.map(([id, minutes]) => ({ id, minutes }))

  test('adds to this week and records each job’s minutes in the ledger', () => {
    const doc = docWith({ macos_minutes_used: 10, linux_minutes_used: 5, week_start: MONDAY, sampling_active: true, counted_jobs: { '1': 4 } })
    const before = structuredClone(doc)
    const next = addBudgetMinutes(doc, { macos: 3, linux: 4, windows: 0 }, NOW, counted([2, 3], [3, 4]))
    expect(next.budget).toEqual({ macos_minutes_used: 13, linux_minutes_used: 9, week_start: MONDAY, sampling_active: true, counted_jobs: { '1': 4, '2': 3, '3': 4 } })
    expect(doc).toEqual(before)
    expect(controlProblems(next)).toEqual([])
  })

  test('a job counted again (it was running) gets its new total, never a smaller one', () => {
    const doc = docWith({ week_start: MONDAY, counted_jobs: { '1': 4, '2': 6 } })
    expect(addBudgetMinutes(doc, { macos: 0, linux: 3, windows: 0 }, NOW, counted([1, 7], [2, 5])).budget!.counted_jobs).toEqual({ '1': 7, '2': 6 })
  })

  test('rolls to a new week: zeroes last week, keeps the ledger and the legacy IDs (a run may span midnight), then adds', () => {
    const doc = docWith({ macos_minutes_used: 900, linux_minutes_used: 50, week_start: '2025-12-29', sampling_active: true, counted_job_ids: [1, 2], counted_jobs: { '5': 3 } })
    const next = addBudgetMinutes(doc, { macos: 3, linux: 4, windows: 0 }, NOW, counted([7, 4]))
    expect(next.budget).toEqual({ macos_minutes_used: 3, linux_minutes_used: 4, week_start: MONDAY, sampling_active: false, counted_job_ids: [1, 2], counted_jobs: { '5': 3, '7': 4 } })
    expect(controlProblems(next)).toEqual([])
    const without = addBudgetMinutes(doc, { macos: 1, linux: 0, windows: 0 }, NOW)
    expect(without.budget!.counted_jobs).toEqual({ '5': 3 })
    expect(without.budget!.counted_job_ids).toEqual([1, 2])
  })

  test('remembers only the MAX_COUNTED_JOBS highest job IDs, in increasing order, also past 2^32', () => {
    const big = 2 ** 33
    const doc = docWith({ week_start: MONDAY, counted_jobs: Object.fromEntries(Array.from({ length: MAX_COUNTED_JOBS }, (_, i) => [String(big + i + 1), 1])) })
    const ledger = addBudgetMinutes(doc, { macos: 0, linux: 1, windows: 0 }, NOW, counted([big + 5001, 2], [big + 5000, 1])).budget!.counted_jobs!
    const ids = Object.keys(ledger)
    expect(ids).toHaveLength(MAX_COUNTED_JOBS)
    expect(ids.slice(0, 1)).toEqual([String(big + 3)])
    expect(ids.slice(-2)).toEqual([String(big + 5000), String(big + 5001)])
  })

  test('without jobs, keeps the ledger there is', () => {
    const doc = docWith({ week_start: MONDAY, counted_jobs: { '4': 2 } })
    expect(addBudgetMinutes(doc, { macos: 0, linux: 2, windows: 0 }, NOW).budget!.counted_jobs).toEqual({ '4': 2 })
    expect(addBudgetMinutes(doc, { macos: 0, linux: 2, windows: 0 }, NOW, []).budget!.counted_jobs).toEqual({ '4': 2 })
  })

  test('windows minutes only when there are some or the file has them', () => {
    const doc = docWith({ macos_minutes_used: 0, linux_minutes_used: 0, week_start: MONDAY, sampling_active: false })
    expect(addBudgetMinutes(doc, { macos: 1, linux: 1, windows: 0 }, NOW).budget).not.toHaveProperty('windows_minutes_used')
    expect(addBudgetMinutes(doc, { macos: 0, linux: 0, windows: 5 }, NOW).budget!.windows_minutes_used).toBe(5)
    const withWindows = docWith({ windows_minutes_used: 2, week_start: MONDAY })
    expect(addBudgetMinutes(withWindows, { macos: 0, linux: 0, windows: 0 }, NOW).budget!.windows_minutes_used).toBe(2)
    expect(addBudgetMinutes(withWindows, { macos: 0, linux: 0, windows: 3 }, NOW).budget!.windows_minutes_used).toBe(5)
  })

  test('a file with no budget, and the legacy control file, stay valid', () => {
    const none = addBudgetMinutes({}, { macos: 2, linux: 0, windows: 1 }, NOW, counted([1, 3]))
    expect(none.budget).toEqual({ macos_minutes_used: 2, linux_minutes_used: 0, windows_minutes_used: 1, week_start: MONDAY, sampling_active: false, counted_jobs: { '1': 3 } })
    expect(controlProblems(none)).toEqual([])
    const legacy = loadControl(fixture('batch-control.head.json'))
    if (!legacy.ok) throw new Error('fixture does not load')
    const next = addBudgetMinutes(legacy.doc, { macos: 12, linux: 4, windows: 1 }, NOW, counted([10, 1], [11, 2]))
    expect(controlProblems(next)).toEqual([])
    expect(next.budget!.macos_minutes_used).toBeGreaterThanOrEqual(12)
  })

  test.each<[string, unknown]>([
    ['a key that is not a job ID', { x: 1 }],
    ['a negative count', { '1': -1 }],
    ['a fraction', { '1': 1.5 }],
    ['a string', { '1': '2' }],
    ['a list', [1, 2]]
  ])('the schema refuses a ledger with %s', (_name, ledger) => {
    expect(controlProblems(docWith({ week_start: MONDAY, counted_jobs: ledger as Record<string, number> })).map((p) => p.path)).toEqual([expect.stringMatching(/^\$\.budget\.counted_jobs/)])
  })

  test('property: the result always passes controlProblems, and adds exactly the minutes within a week', () => {
    const arbMinutes = fc.record({ macos: fc.nat(10_000), linux: fc.nat(10_000), windows: fc.nat(10_000) })
    const arbBudget = fc.record(
      {
        macos_minutes_used: fc.nat(100_000),
        linux_minutes_used: fc.nat(100_000),
        windows_minutes_used: fc.nat(100_000),
        week_start: fc.constantFrom('', MONDAY, '2025-12-29', '2026-01-06T08:00:00Z', '2025-12-29T00:00:00+02:00'),
        sampling_active: fc.boolean(),
        counted_job_ids: fc.array(fc.nat(), { maxLength: 5 }),
        counted_jobs: fc.dictionary(fc.nat().map(String), fc.nat(1000), { maxKeys: 5 })
      },
      { requiredKeys: [] }
    )
    const arbCounted = fc.array(fc.record({ id: fc.nat(), minutes: fc.nat(1000) }), { maxLength: 5 })
    fc.assert(
      fc.property(arbBudget, arbMinutes, arbCounted, (budget, minutes, jobs) => {
        const next = addBudgetMinutes(docWith(budget), minutes, NOW, jobs)
        expect(controlProblems(next)).toEqual([])
        expect(next.budget!.week_start).toBe(budget.week_start && iso(budget.week_start.length === 10 ? budget.week_start + 'T00:00:00Z' : budget.week_start) >= iso(MONDAY) ? budget.week_start : MONDAY)
        const kept = next.budget!.week_start === budget.week_start
        expect(next.budget!.macos_minutes_used).toBe((kept ? budget.macos_minutes_used ?? 0 : 0) + minutes.macos)
        expect(next.budget!.linux_minutes_used).toBe((kept ? budget.linux_minutes_used ?? 0 : 0) + minutes.linux)
        const ledger = countedJobs(next.budget)
        for (const j of jobs) expect(ledger.get(j.id)).toBeGreaterThanOrEqual(j.minutes)
      })
    )
  })
})

// ---------------------------------------------------------------------------

/** The column names of a D1 table, from the schema fixture (without the generated keys). */
function d1Columns(table: string): string[] {
  const sql = fixture('d1-batch-metrics-schema.sql')
  const m = new RegExp(`CREATE TABLE ${table} \\(([\\s\\S]*?)\\n\\);`).exec(sql)
  if (!m) throw new Error(`no table ${table} in the fixture`)
  return m[1]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('FOREIGN KEY'))
    .map((l) => l.split(/\s+/)[0]!)
    .filter((c) => c !== 'id' && c !== 'batch_run_id')
}

describe('uploadBodies', () => {
  const results = [
    r('jq', 'homebrew', 'passed', { duration_seconds: 12 }),
    r('wget', 'homebrew', 'failed', { error_category: 'build', error_message: 'exit 1', duration_seconds: 40 }),
    r('curl', 'homebrew', 'blocked'),
    r('left-pad', 'npm', 'skipped'),
    r('x', 'pypi', 'passed')
  ]
  const report = evaluateBatch(results, OPTS)
  const bodies = uploadBodies(results, report, CTX)

  test('the fixture has the columns the contract names', () => {
    expect(d1Columns('batch_runs')).toEqual([
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
    ])
    expect(d1Columns('recipe_results')).toEqual(['recipe_name', 'ecosystem', 'result', 'error_category', 'error_message', 'duration_seconds'])
  })

  test('one body per ecosystem with exactly the D1 column names', () => {
    expect(bodies.map((b) => b.ecosystem)).toEqual(['homebrew', 'npm', 'pypi'])
    for (const b of bodies) {
      expect(Object.keys(b).sort()).toEqual([...d1Columns('batch_runs'), 'results'].sort())
      // platform is sent too: the Worker allows a recipe once per platform, and does not store it.
      for (const row of b.results) expect(Object.keys(row).sort()).toEqual([...d1Columns('recipe_results'), 'platform'].sort())
    }
  })

  test('the values: counts (blocked as skipped), rate, NOT NULL columns filled', () => {
    const home = bodies[0]!
    expect(home).toMatchObject({
      batch_id: '2026-01-07-002',
      ecosystem: 'homebrew',
      started_at: '2026-01-07T10:00:00Z',
      completed_at: '2026-01-07T10:30:00Z',
      total_recipes: 3,
      passed: 1,
      failed: 1,
      skipped: 1,
      success_rate: 0.5
    })
    expect(home.results).toEqual([
      { recipe_name: 'jq', ecosystem: 'homebrew', result: 'passed', error_category: null, error_message: null, duration_seconds: 12, platform: null },
      { recipe_name: 'wget', ecosystem: 'homebrew', result: 'failed', error_category: 'build', error_message: 'exit 1', duration_seconds: 40, platform: null },
      { recipe_name: 'curl', ecosystem: 'homebrew', result: 'blocked', error_category: null, error_message: null, duration_seconds: 0, platform: null }
    ])
    expect(bodies[1]).toMatchObject({ ecosystem: 'npm', total_recipes: 1, passed: 0, failed: 0, skipped: 1, success_rate: 0 })
    for (const b of bodies) expect(b.passed + b.failed + b.skipped).toBe(b.total_recipes)
  })

  test('minutes are shared by result counts; linux takes windows too', () => {
    // 5 results: homebrew 3, npm 1, pypi 1; macOS 20 min, Linux 7 + Windows 3 = 10.
    expect(bodies.map((b) => b.macos_minutes)).toEqual([12, 4, 4])
    expect(bodies.map((b) => b.linux_minutes)).toEqual([6, 2, 2])
  })

  const cents = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) * 100)

  test.each<[string, number[], number, number]>([
    ['thirds', [1, 1, 1], 10, 7],
    ['sevenths', [1, 2, 4], 1, 1],
    ['many small ecosystems', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 13],
    ['fractional minutes', [2, 3], 0.05, 0.01],
    ['one ecosystem', [5], 17, 3]
  ])('shared minutes sum back to the run total: %s', (_name, sizes, macos, linux) => {
    const rs = sizes.flatMap((n, i) => batch(`e${i}`, { passed: n }))
    const bs = uploadBodies(rs, evaluateBatch(rs, OPTS), { ...CTX, minutes: { macos, linux, windows: 0 } })
    expect(cents(bs.map((b) => b.macos_minutes))).toBe(Math.round(macos * 100))
    expect(cents(bs.map((b) => b.linux_minutes))).toBe(Math.round(linux * 100))
    for (const b of bs) {
      expect(Math.round(b.macos_minutes * 100)).toBeCloseTo(b.macos_minutes * 100, 6)
      expect(b.macos_minutes).toBeGreaterThanOrEqual(0)
    }
  })

  test('no results, no bodies', () => {
    expect(uploadBodies([], evaluateBatch([], OPTS), CTX)).toEqual([])
  })

  test('property: shares of any minutes over any ecosystems sum back and stay near proportional', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.nat(100_000),
        fc.nat(100_000),
        fc.nat(1_000),
        (sizes, macos, linux, windows) => {
          const rs = sizes.flatMap((n, i) => batch(`e${i}`, { passed: n }))
          const total = rs.length
          const bs = uploadBodies(rs, evaluateBatch(rs, OPTS), { ...CTX, minutes: { macos, linux, windows } })
          expect(cents(bs.map((b) => b.macos_minutes))).toBe(macos * 100)
          expect(cents(bs.map((b) => b.linux_minutes))).toBe((linux + windows) * 100)
          bs.forEach((b, i) => expect(Math.abs(b.macos_minutes - (macos * sizes[i]!) / total)).toBeLessThanOrEqual(0.01 + 1e-9))
        }
      )
    )
  })
})

// ---------------------------------------------------------------------------

const arbEcosystem = fc.constantFrom('homebrew', 'cask', 'npm', 'crates.io', 'pypi', 'constructor')
const arbResult: fc.Arbitrary<RecipeResult> = fc.record(
  {
    recipe: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
    ecosystem: arbEcosystem,
    result: fc.constantFrom('passed', 'failed', 'skipped', 'blocked'),
    duration_seconds: fc.double({ min: 0, max: 10_000, noNaN: true }),
    error_category: fc.string()
  },
  { requiredKeys: ['recipe', 'ecosystem', 'result'] }
)

describe('properties', () => {
  test('per-ecosystem counts sum to the total; rates are in [0, 1] or null; severity is the worst', () => {
    fc.assert(
      fc.property(fc.array(arbResult, { maxLength: 60 }), (results) => {
        const report: BatchReport = evaluateBatch(results, OPTS)
        const sum = report.ecosystems.reduce((n, e) => n + e.passed + e.failed + e.skipped + e.blocked, 0)
        expect(sum).toBe(results.length)
        expect(report.total).toBe(results.length)
        expect(report.passed + report.failed + report.skipped + report.blocked).toBe(results.length)
        for (const e of report.ecosystems) {
          expect(e.total).toBe(e.passed + e.failed + e.skipped + e.blocked)
          if (e.passed + e.failed === 0) expect(e.rate).toBeNull()
          else {
            expect(e.rate).toBe(e.passed / (e.passed + e.failed))
            expect(e.rate! >= 0 && e.rate! <= 1).toBe(true)
          }
          expect(typeof e.slo).toBe('number')
        }
        if (report.rate !== null) expect(report.rate >= 0 && report.rate <= 1).toBe(true)
        else expect(report.passed + report.failed).toBe(0)
        expect(report.severity).toBe(worst(report.ecosystems.map((e) => e.severity)))
        expect(new Set(report.ecosystems.map((e) => e.ecosystem)).size).toBe(report.ecosystems.length)
        const line = JSON.parse(metricsLine(report, CTX))
        expect(Object.keys(line.ecosystems)).toEqual(report.ecosystems.map((e) => e.ecosystem))
        const failures = failureLines(results, CTX)
        expect(failures === '' ? 0 : failures.trimEnd().split('\n').length).toBe(report.failed)
      })
    )
  })

  test('parseResults round-trips JSON Lines and arrays of valid records', () => {
    fc.assert(
      fc.property(fc.array(arbResult, { maxLength: 30 }), fc.boolean(), fc.boolean(), (results, useName, asArray) => {
        const records = results.map((x) => ({ [useName ? 'name' : 'recipe_name']: x.recipe, ecosystem: x.ecosystem, result: x.result, duration_seconds: x.duration_seconds }))
        const text = asArray ? JSON.stringify(records, null, 1) : records.map((x) => JSON.stringify(x)).join('\n') + '\n'
        const parsed = parsedOk(text)
        expect(parsed.map((x) => x.recipe)).toEqual(results.map((x) => x.recipe))
        expect(parsed.map((x) => [x.ecosystem, x.result, x.duration_seconds])).toEqual(results.map((x) => [x.ecosystem, x.result, x.duration_seconds]))
      })
    )
  })
})

describe('mergeManifest: one manifest per batch across a matrix', () => {
  const base = { batch_id: '2026-03-02-001', created_at: '2026-03-02T10:00:00Z', base_ref: '', base_commit: 'a'.repeat(40), head_commit: 'b'.repeat(40), paths: ['recipes/'] }
  test('no manifest yet: this record', () => {
    const text = mergeManifest(null, { ...base, files: [{ path: 'recipes/npm/x.toml', status: 'A' }] })
    expect(JSON.parse(text).files).toEqual([{ path: 'recipes/npm/x.toml', status: 'A' }])
  })
  test('a second ecosystem adds its files; the first base commit and creation time stay', () => {
    const first = mergeManifest(null, { ...base, files: [{ path: 'recipes/npm/x.toml', status: 'A' }] })
    const second = JSON.parse(
      mergeManifest(first, { ...base, created_at: '2026-03-02T10:05:00Z', base_commit: 'c'.repeat(40), head_commit: 'd'.repeat(40), files: [{ path: 'recipes/pypi/y.toml', status: 'M' }, { path: 'recipes/npm/x.toml', status: 'M' }] })
    )
    expect(second.files).toEqual([
      { path: 'recipes/npm/x.toml', status: 'M' },
      { path: 'recipes/pypi/y.toml', status: 'M' }
    ])
    expect(second.base_commit).toBe('a'.repeat(40))
    expect(second.head_commit).toBe('d'.repeat(40))
    expect(second.created_at).toBe('2026-03-02T10:00:00Z')
  })
  test('a manifest of another batch, or not JSON, is replaced', () => {
    expect(JSON.parse(mergeManifest('{"batch_id":"other","files":[{"path":"recipes/z","status":"A"}]}', { ...base, files: [] })).files).toEqual([])
    expect(JSON.parse(mergeManifest('not json', { ...base, files: [] })).batch_id).toBe(base.batch_id)
  })
})

describe('recordBudget', () => {
  const now = Date.parse('2026-03-04T12:00:00Z')
  const doc = { budget: { macos_minutes_used: 10, linux_minutes_used: 20, week_start: '2026-03-02T00:00:00Z', sampling_active: false } }
  const job = (id: number, seconds: number, labels: string[]) => ({ id, status: 'completed', started_at: '2026-03-04T10:00:00Z', completed_at: new Date(Date.parse('2026-03-04T10:00:00Z') + seconds * 1000).toISOString(), labels })
  test('explicit minutes are added as given', () => {
    const r = recordBudget(doc, { explicit: { macos: 3, linux: 7, windows: 0 } }, now)
    expect(r.doc.budget).toMatchObject({ macos_minutes_used: 13, linux_minutes_used: 27 })
    expect(r.counted).toEqual([])
  })
  test('finished jobs are added once; a second record of the same run adds nothing', () => {
    const jobs = [job(1, 61, ['ubuntu-latest']), job(2, 300, ['macos-14'])]
    const first = recordBudget(doc, { jobs }, now)
    expect(first.minutes).toEqual({ macos: 5, linux: 2, windows: 0 })
    expect(first.doc.budget).toMatchObject({ macos_minutes_used: 15, linux_minutes_used: 22, counted_jobs: { '1': 2, '2': 5 } })
    const second = recordBudget(first.doc, { jobs }, now)
    expect(second.doc).toBe(first.doc)
    expect(second.counted).toEqual([])
  })
  test('nothing to add leaves the document as it is', () => {
    expect(recordBudget(doc, {}, now).doc).toBe(doc)
    expect(recordBudget(doc, { explicit: { macos: 0, linux: 0, windows: 0 } }, now).doc).toBe(doc)
  })
})

test('uploadBodies cuts error texts to the Worker limits; the failure records keep them whole', () => {
  const long = 'x'.repeat(10_000)
  const results = [{ recipe: 'a', ecosystem: 'npm', result: 'failed' as const, error_message: long, error_category: 'c'.repeat(200) }]
  const report = evaluateBatch(results, { slo: { default: 0.98 }, criticalThreshold: 0.5, latencyThresholdSeconds: 120 })
  const [body] = uploadBodies(results, report, { batchId: '2026-03-02-001', startedAt: 'a', completedAt: 'b', minutes: { macos: 0, linux: 0, windows: 0 } })
  expect(body!.results[0]!.error_message).toHaveLength(MAX_UPLOAD_MESSAGE)
  expect(body!.results[0]!.error_message!.endsWith('…')).toBe(true)
  expect(body!.results[0]!.error_category).toHaveLength(MAX_UPLOAD_CATEGORY)
  expect(failureLines(results, { batchId: '2026-03-02-001', completedAt: 'b' })).toContain(long)
})
