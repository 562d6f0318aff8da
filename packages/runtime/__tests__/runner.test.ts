// The runner adapter over @actions/core: input parsing and its errors, masking,
// annotations, the summary. The toolkit is replaced by a recorder; the real
// protocol is exercised by the integration tests, which run the bundles.

import { jest } from '@jest/globals'

const calls: Array<[string, ...unknown[]]> = []
const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args])
const written: string[] = []
const summary = {
  addRaw(text: string, eol?: boolean) {
    written.push(text + (eol ? '\n' : ''))
    return summary
  },
  write: async () => summary
}

jest.unstable_mockModule('@actions/core', () => ({
  getInput: (name: string) => process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '',
  setSecret: record('setSecret'),
  setOutput: record('setOutput'),
  setFailed: record('setFailed'),
  error: record('error'),
  warning: record('warning'),
  notice: record('notice'),
  info: record('info'),
  debug: record('debug'),
  group: async (title: string, fn: () => Promise<unknown>) => {
    calls.push(['group', title])
    return fn()
  },
  summary
}))

const runner = await import('../src/runner.js')
type NumberRule = import('../src/runner.js').NumberRule

beforeEach(() => {
  calls.length = 0
  written.length = 0
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k]
})

const withInput = (name: string, value: string) => (process.env[`INPUT_${name.toUpperCase()}`] = value)

describe('inputs', () => {
  test('blank is the fallback; values are trimmed (the local-action stand-in does not trim)', () => {
    expect(runner.stringInput('control-file', 'batch-control.json')).toBe('batch-control.json')
    withInput('control-file', '  ops/control.json \n')
    expect(runner.stringInput('control-file', 'batch-control.json')).toBe('ops/control.json')
  })

  test('a required input that is blank names the input and says where to set it', () => {
    expect(() => runner.requiredInput('batch-id')).toThrow("input 'batch-id' is required; set it in the step's with: block")
  })

  test.each([
    ['true', true],
    ['True', true],
    ['FALSE', false],
    ['', true]
  ])('booleanInput(%j)', (v, expected) => {
    withInput('persist', v)
    expect(runner.booleanInput('persist', true)).toBe(expected)
  })

  test('a boolean that is neither says what it got', () => {
    withInput('persist', 'yes')
    expect(() => runner.booleanInput('persist', true)).toThrow(`input 'persist' must be 'true' or 'false' (got "yes")`)
  })

  test.each<[string, NumberRule, number]>([
    ['8', { min: 1, max: 50, integer: true }, 8],
    ['0.5', { min: 0, exclusiveMin: true, max: 1 }, 0.5],
    ['1e2', { min: 0, max: 1000 }, 100]
  ])('numberInput(%j) within its rule', (v, rule, expected) => {
    withInput('n', v)
    expect(runner.numberInput('n', 0, rule)).toBe(expected)
  })

  test.each<[string, NumberRule, string]>([
    ['0', { min: 0, exclusiveMin: true, max: 10 }, 'a number > 0 and <= 10'],
    ['51', { min: 1, max: 50, integer: true }, 'a whole number >= 1 and <= 50'],
    ['2.5', { min: 0, max: 10, integer: true }, 'a whole number >= 0 and <= 10'],
    ['0x10', { min: 0, max: 100 }, 'a number >= 0 and <= 100'],
    ['Infinity', { min: 0, max: 100 }, 'a number >= 0 and <= 100'],
    // A count that would never end a loop, or a wait that would write a year-13434 timestamp.
    ['9007199254740994', { min: 0, max: 1_000_000, integer: true }, 'a whole number >= 0 and <= 1000000'],
    ['6000000000', { min: 0, max: 525_600 }, 'a number >= 0 and <= 525600'],
    ['1e308', { min: 0, max: 10_080_000 }, 'a number >= 0 and <= 10080000']
  ])('numberInput(%j) outside its rule names the range', (v, rule, wanted) => {
    withInput('n', v)
    expect(() => runner.numberInput('n', 0, rule)).toThrow(`input 'n' must be ${wanted} (got ${JSON.stringify(v)})`)
  })

  test('slo: the default is DEFAULT_SLO; targets checked; open refuses 0 and 1', async () => {
    const { DEFAULT_SLO } = await import('@batch-ops/core')
    expect(JSON.parse(runner.DEFAULT_SLO_TEXT)).toEqual(DEFAULT_SLO)
    expect(runner.sloInput()).toEqual(DEFAULT_SLO)
    withInput('slo', '{"npm":0.9,"default":1}')
    expect(runner.sloInput()).toEqual({ npm: 0.9, default: 1 })
    expect(() => runner.sloInput(true)).toThrow(`input 'slo': target for "default" must lie strictly between 0 and 1 (found 1)`)
    withInput('slo', '{"npm":1.5}')
    expect(() => runner.sloInput()).toThrow(/input 'slo': target for "npm" must be a number between 0 and 1/)
    withInput('slo', '{npm')
    expect(() => runner.sloInput()).toThrow(/input 'slo' is not valid JSON/)
  })

  test('a secret is masked, each of its lines too, before it is returned', () => {
    withInput('metrics-token', 'abc\ndef')
    expect(runner.secretInput('metrics-token')).toBe('abc\ndef')
    expect(calls).toEqual([
      ['setSecret', 'abc\ndef'],
      ['setSecret', 'abc'],
      ['setSecret', 'def']
    ])
  })
})

describe('outputs, annotations, summary', () => {
  test('objects become compact JSON, the rest strings', () => {
    runner.setOutput('ecosystems', ['npm', 'pypi'])
    runner.setOutput('can-proceed', false)
    runner.setOutput('count', 3)
    expect(calls).toEqual([
      ['setOutput', 'ecosystems', '["npm","pypi"]'],
      ['setOutput', 'can-proceed', 'false'],
      ['setOutput', 'count', '3']
    ])
  })

  test('an annotation that points into a file gives line and column as the toolkit names them', () => {
    runner.annotate.error('bad state', { file: 'batch-control.json', line: 12, column: 7, title: 'preflight' })
    runner.annotate.notice('fine')
    expect(calls).toEqual([
      ['error', 'bad state', { title: 'preflight', file: 'batch-control.json', startLine: 12, startColumn: 7 }],
      ['notice', 'fine', {}]
    ])
  })

  test('the summary goes to the job summary on a runner, and nowhere else outside one', async () => {
    const saved = process.env.GITHUB_STEP_SUMMARY
    try {
      process.env.GITHUB_STEP_SUMMARY = '/tmp/summary'
      await runner.writeSummary('## done')
      expect(written).toEqual(['## done\n'])
      delete process.env.GITHUB_STEP_SUMMARY
      await runner.writeSummary('::error::forged')
      expect(written).toEqual(['## done\n'])
      expect(calls.filter(([name]) => name === 'info')).toEqual([])
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
      else process.env.GITHUB_STEP_SUMMARY = saved
    }
  })

  test('fail marks the step failed with the message', () => {
    runner.fail('could not push')
    expect(calls).toEqual([['setFailed', 'could not push']])
  })
})
