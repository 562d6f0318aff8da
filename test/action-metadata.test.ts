// Every actions/*/action.yml is one GitHub can load, and says what its code does: every input the
// code reads and every output it sets is declared (and the other way round), with the defaults the
// code falls back to.
//
// The code reads inputs only through stringInput, requiredInput, booleanInput, numberInput,
// listInput and secretInput of @batch-ops/runtime, and sets outputs only with setOutput, each with
// the name as its first argument. The sources are read with the TypeScript parser: a call with a
// literal name counts; a function that passes a parameter on as the name (record-batch's jsonInput)
// counts at its own calls; the shared helpers of packages/runtime/src (persistInputs, authorInput in
// persist.ts) count with the names they read there, so a change to persist.ts shows up here.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { parseYaml, repoRoot } from '../scripts/lint/workflow-lint.mjs'

type Literal = string | number | boolean

/** One input read or output set: its name, where, and the literal the code falls back to when it is empty. */
export interface NameUse {
  name: string
  at: string
  fallback?: Literal
}

export interface Scan {
  inputs: NameUse[]
  outputs: NameUse[]
  /** Inputs read by each function of the file (through the file's other functions too), by name. */
  functions: Map<string, NameUse[]>
  /** Calls whose name the scan cannot know. */
  problems: string[]
}

const NAMED: Record<string, 'inputs' | 'outputs'> = {
  stringInput: 'inputs',
  requiredInput: 'inputs',
  booleanInput: 'inputs',
  numberInput: 'inputs',
  listInput: 'inputs',
  secretInput: 'inputs',
  setOutput: 'outputs'
}

const rel = (file: string): string => path.relative(repoRoot, file).split(path.sep).join('/')

const unwrap = (e: ts.Expression): ts.Expression =>
  ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e) ? unwrap(e.expression) : e

/** The initializer of a top-level `const name`, in this file or in the relative module it is imported from. */
function constant(name: string, sf: ts.SourceFile, depth = 0): { init: ts.Expression; sf: ts.SourceFile } | undefined {
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return { init: d.initializer, sf }
    }
    if (depth < 3 && ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text.startsWith('.')) {
      const bindings = st.importClause?.namedBindings
      const imported = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((e) => e.name.text === name) : undefined
      if (!imported) continue
      const file = path.resolve(path.dirname(sf.fileName), st.moduleSpecifier.text.replace(/\.js$/, '.ts'))
      if (!existsSync(file)) return undefined
      const other = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
      return constant((imported.propertyName ?? imported.name).text, other, depth + 1)
    }
  }
  return undefined
}

/** The value of a literal expression: a string, number or boolean, a constant holding one, or a property of a constant object. */
export function literalOf(expr: ts.Expression, sf: ts.SourceFile, depth = 0): Literal | undefined {
  const e = unwrap(expr)
  if (depth > 5) return undefined
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text
  if (ts.isNumericLiteral(e)) return Number(e.text)
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return -Number(e.operand.text)
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false
  if (ts.isIdentifier(e)) {
    const c = constant(e.text, sf)
    return c ? literalOf(c.init, c.sf, depth + 1) : undefined
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const c = constant(e.expression.text, sf)
    const obj = c ? unwrap(c.init) : undefined
    if (!c || !obj || !ts.isObjectLiteralExpression(obj)) return undefined
    const prop = obj.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === e.name.text)
    return prop ? literalOf(prop.initializer, c.sf, depth + 1) : undefined
  }
  return undefined
}

/** The literal a reader falls back to when the input is empty, where the code says so with a literal. */
function fallbackOf(fn: string, call: ts.CallExpression, sf: ts.SourceFile): Literal | undefined {
  const arg = call.arguments[1]
  if (fn === 'stringInput') return arg ? literalOf(arg, sf) : ''
  if ((fn === 'numberInput' || fn === 'booleanInput') && arg) return literalOf(arg, sf)
  return undefined
}

/** The inputs a TypeScript source reads and the outputs it sets; `helpers` are functions known to read inputs. */
export function scanSource(file: string, code: string, helpers: Map<string, NameUse[]> = new Map()): Scan {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true)
  const calls: ts.CallExpression[] = []
  const collect = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) calls.push(n)
    ts.forEachChild(n, collect)
  }
  collect(sf)

  const calleeName = (c: ts.CallExpression): string =>
    ts.isIdentifier(c.expression) ? c.expression.text : ts.isPropertyAccessExpression(c.expression) ? c.expression.name.text : ''
  const enclosing = (n: ts.Node): ts.SignatureDeclaration | undefined => {
    for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p
    return undefined
  }
  const functionName = (f: ts.SignatureDeclaration | undefined): string => {
    if (!f) return ''
    if (f.name && ts.isIdentifier(f.name)) return f.name.text
    return ts.isVariableDeclaration(f.parent) && ts.isIdentifier(f.parent.name) ? f.parent.name.text : ''
  }
  const parameterIndex = (arg: ts.Expression | undefined, f: ts.SignatureDeclaration | undefined): number =>
    arg && f && ts.isIdentifier(arg) ? f.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === arg.text) : -1
  const where = (n: ts.Node): string => `${rel(file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`

  // The functions that take the name: the runtime's, and any function here that passes one of its
  // parameters on as the name (a wrapper such as jsonInput(name, fallback)).
  const named = new Map(Object.entries(NAMED).map(([fn, kind]) => [fn, { kind, index: 0 }]))
  for (let changed = true; changed; ) {
    changed = false
    for (const c of calls) {
      const spec = named.get(calleeName(c))
      const f = enclosing(c)
      const index = spec ? parameterIndex(c.arguments[spec.index], f) : -1
      const name = functionName(f)
      if (spec && index >= 0 && name !== '' && !named.has(name)) {
        named.set(name, { kind: spec.kind, index })
        changed = true
      }
    }
  }

  const scan: Scan = { inputs: [], outputs: [], functions: new Map(), problems: [] }
  const direct = new Map<string, NameUse[]>() // function -> inputs read in it
  const callsOf = new Map<string, Set<string>>() // function -> functions it calls
  const record = (c: ts.CallExpression, uses: NameUse[]): void => {
    const name = functionName(enclosing(c))
    if (name !== '') direct.set(name, [...(direct.get(name) ?? []), ...uses])
  }
  for (const c of calls) {
    const fn = calleeName(c)
    const owner = functionName(enclosing(c))
    if (owner !== '') callsOf.set(owner, new Set([...(callsOf.get(owner) ?? []), fn]))
    const spec = named.get(fn)
    if (spec) {
      const arg = c.arguments[spec.index]
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) {
        const use: NameUse = { name: arg.text, at: where(c) }
        const fallback = fn in NAMED ? fallbackOf(fn, c, sf) : undefined
        if (fallback !== undefined) use.fallback = fallback
        scan[spec.kind].push(use)
        if (spec.kind === 'inputs') record(c, [use])
      } else if (parameterIndex(arg, enclosing(c)) < 0) {
        scan.problems.push(`${where(c)}: ${fn}() is given a name that is not a string literal, so no check can tell which of the ${spec.kind} it is`)
      }
      continue
    }
    const helper = helpers.get(fn)
    if (helper) {
      const uses = helper.map((u) => ({ ...u, at: `${where(c)} (${fn}() at ${u.at})` }))
      scan.inputs.push(...uses)
      record(c, uses)
    }
  }
  // What each function reads, through the functions of this file it calls.
  const reads = (fn: string, seen: Set<string>): NameUse[] => {
    if (seen.has(fn)) return []
    seen.add(fn)
    return [...(direct.get(fn) ?? []), ...[...(callsOf.get(fn) ?? [])].flatMap((g) => reads(g, seen))]
  }
  for (const fn of new Set([...direct.keys(), ...callsOf.keys()])) {
    const uses = reads(fn, new Set())
    if (uses.length > 0) scan.functions.set(fn, uses)
  }
  return scan
}

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return tsFiles(p)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts') ? [p] : []
  })

// ---------------------------------------------------------------------------------------------

describe('the scan of the sources', () => {
  test('reads the name and the literal fallback of each reader, and setOutput', () => {
    const code = [
      "const DEFAULT = 'x'",
      "const BOX = { name: 'boxed' } as const",
      "stringInput('a'); stringInput('b', 'bee'); stringInput('c', DEFAULT); stringInput('d', BOX.name); stringInput('e', process.env.X ?? '')",
      "numberInput('n', 8, { min: 1 }); numberInput('m', -1.5); booleanInput('t', true); requiredInput('r'); listInput('l'); secretInput('s')",
      "setOutput(\n  'out',\n  1\n)"
    ].join('\n')
    const scan = scanSource('/x/main.ts', code)
    expect(scan.inputs.map((u) => [u.name, u.fallback])).toEqual([
      ['a', ''], ['b', 'bee'], ['c', 'x'], ['d', 'boxed'], ['e', undefined],
      ['n', 8], ['m', -1.5], ['t', true], ['r', undefined], ['l', undefined], ['s', undefined]
    ])
    expect(scan.outputs.map((u) => u.name)).toEqual(['out'])
    expect(scan.problems).toEqual([])
  })

  test('a function that passes a parameter on as the name counts at its calls; any other name is a problem', () => {
    const code = [
      'function jsonInput(name: string, fallback: object) {',
      '  const raw = stringInput(name)',
      '  return raw === "" ? fallback : JSON.parse(raw)',
      '}',
      "const twice = (what: string) => jsonInput(what, {})",
      "jsonInput('slo', {}); twice('limits')",
      "const name = 'x'; setOutput(name, 1); numberInput(`n-${name}`, 1)"
    ].join('\n')
    const scan = scanSource('/x/main.ts', code)
    expect(scan.inputs.map((u) => [u.name, u.fallback])).toEqual([['slo', undefined], ['limits', undefined]])
    expect(scan.problems).toEqual([
      expect.stringMatching(/main\.ts:7: setOutput\(\) is given a name that is not a string literal/),
      expect.stringMatching(/main\.ts:7: numberInput\(\) is given a name that is not a string literal/)
    ])
  })

  test('helpers count with the inputs they read, through each other', () => {
    const lib = scanSource('/x/lib.ts', "export function who() { return stringInput('who', 'me') }\nexport function all() { return { loud: booleanInput('loud', false), who: who() } }\n")
    expect([...lib.functions].map(([fn, uses]) => [fn, uses.map((u) => u.name)])).toEqual([['who', ['who']], ['all', ['loud', 'who']]])
    const scan = scanSource('/x/main.ts', 'const x = { ...all() }', lib.functions)
    expect(scan.inputs.map((u) => [u.name, u.fallback])).toEqual([['loud', false], ['who', 'me']])
  })
})

// The shared helpers: every function of packages/runtime/src that reads inputs by literal name.
const runtimeDir = path.join(repoRoot, 'packages/runtime/src')
const helpers = new Map<string, NameUse[]>()
const runtimeProblems: string[] = []
for (const file of tsFiles(runtimeDir)) {
  const scan = scanSource(file, readFileSync(file, 'utf8'))
  for (const [fn, uses] of scan.functions) helpers.set(fn, uses)
  runtimeProblems.push(...scan.problems)
}

describe('the shared helpers of @batch-ops/runtime', () => {
  test('persistInputs() and authorInput() in persist.ts read inputs by literal name, persistInputs() all that authorInput() does', () => {
    expect(runtimeProblems).toEqual([])
    const names = (fn: string): string[] => (helpers.get(fn) ?? []).map((u) => u.name)
    expect(helpers.get('persistInputs')?.[0]?.at).toMatch(/^packages\/runtime\/src\/persist\.ts:\d+$/)
    expect(names('authorInput').length).toBeGreaterThan(0)
    expect(names('persistInputs')).toEqual(expect.arrayContaining(names('authorInput')))
    expect(names('persistInputs').length).toBeGreaterThan(names('authorInput').length)
  })
})

// ---------------------------------------------------------------------------------------------

const actionNames = readdirSync(path.join(repoRoot, 'actions')).filter((a) => existsSync(path.join(repoRoot, 'actions', a, 'action.yml'))).sort()

test('there are actions to check', () => {
  expect(actionNames.length).toBeGreaterThan(0)
})

type Spec = { description?: unknown; required?: unknown; default?: unknown }
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const filled = (v: unknown): boolean => typeof v === 'string' && v.trim() !== ''

describe.each(actionNames)('actions/%s', (name) => {
  const dir = path.join(repoRoot, 'actions', name)
  const file = `actions/${name}/action.yml`
  const { doc, findings } = parseYaml(readFileSync(path.join(dir, 'action.yml'), 'utf8'), file)
  const meta: Record<string, unknown> = findings.length === 0 && isObject(doc.toJS()) ? doc.toJS() : {}
  const inputs: Record<string, Spec> = isObject(meta.inputs) ? (meta.inputs as Record<string, Spec>) : {}
  const outputs: Record<string, Spec> = isObject(meta.outputs) ? (meta.outputs as Record<string, Spec>) : {}

  const sources = tsFiles(path.join(dir, 'src'))
  const scans = sources.map((f) => scanSource(f, readFileSync(f, 'utf8'), helpers))
  const read = scans.flatMap((s) => s.inputs)
  const set = scans.flatMap((s) => s.outputs)

  test('action.yml is YAML GitHub can load', () => {
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}`)).toEqual([])
    expect(isObject(doc.toJS())).toBe(true)
  })

  test('action.yml has what GitHub requires: name, description, runs (node24, dist/index.js), described inputs and outputs', () => {
    if (findings.length > 0) return // not YAML: the test above says where
    const problems: string[] = []
    if (!filled(meta.name)) problems.push('no name')
    if (!filled(meta.description)) problems.push('no description')
    const runs = isObject(meta.runs) ? meta.runs : {}
    if (runs.using !== 'node24') problems.push(`runs.using is ${JSON.stringify(runs.using)}, not node24`)
    if (runs.main !== 'dist/index.js') problems.push(`runs.main is ${JSON.stringify(runs.main)}, not dist/index.js`)
    else if (!existsSync(path.join(dir, 'dist/index.js'))) problems.push('dist/index.js does not exist')
    for (const [section, entries] of [['inputs', meta.inputs], ['outputs', meta.outputs]] as const) {
      if (entries !== undefined && !isObject(entries)) problems.push(`${section} is not a mapping`)
      for (const [id, spec] of Object.entries(isObject(entries) ? entries : {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) problems.push(`${section}.${id}: not a valid id`)
        if (!isObject(spec) || !filled(spec.description)) problems.push(`${section}.${id}: no description`)
        if (section === 'inputs' && isObject(spec)) {
          if ('default' in spec && typeof spec.default !== 'string') problems.push(`inputs.${id}: the default ${JSON.stringify(spec.default)} is not a string (quote it)`)
          if ('required' in spec && typeof spec.required !== 'boolean') problems.push(`inputs.${id}: required is not true or false`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  test('the sources are found and every name in them is a literal', () => {
    expect(sources.length).toBeGreaterThan(0)
    expect(scans.flatMap((s) => s.problems)).toEqual([])
  })

  test('every input the code reads is declared, and every declared input is read', () => {
    if (findings.length > 0) return // not YAML: the test above says where
    const undeclared = read.filter((u) => !(u.name in inputs)).map((u) => `${u.at}: reads input "${u.name}", which ${file} does not declare`)
    const unused = Object.keys(inputs).filter((id) => !read.some((u) => u.name === id)).map((id) => `${file}: declares input "${id}", which the code never reads`)
    expect([...new Set(undeclared)]).toEqual([])
    expect(unused).toEqual([])
  })

  test('every output the code sets is declared, and every declared output is set', () => {
    if (findings.length > 0) return // not YAML: the test above says where
    const undeclared = set.filter((u) => !(u.name in outputs)).map((u) => `${u.at}: sets output "${u.name}", which ${file} does not declare`)
    const unused = Object.keys(outputs).filter((id) => !set.some((u) => u.name === id)).map((id) => `${file}: declares output "${id}", which the code never sets`)
    expect(undeclared).toEqual([])
    expect(unused).toEqual([])
  })

  test('each declared default is the one the code falls back to', () => {
    if (findings.length > 0) return // not YAML: the test above says where
    // An empty default is always consistent: the code's fallback applies to an empty input.
    const problems: string[] = []
    for (const u of read) {
      const spec = inputs[u.name]
      if (!isObject(spec) || u.fallback === undefined) continue
      const declared = spec.default
      if (declared === undefined) {
        if (spec.required !== true && u.fallback !== '') problems.push(`${u.at}: input "${u.name}" falls back to ${JSON.stringify(u.fallback)}; declare it as its default in ${file}`)
        continue
      }
      if (declared === '') continue
      const same = typeof u.fallback === 'number' ? String(declared).trim() !== '' && Number(declared) === u.fallback : String(declared) === String(u.fallback)
      if (!same) problems.push(`${u.at}: input "${u.name}" falls back to ${JSON.stringify(u.fallback)}, but ${file} declares the default ${JSON.stringify(declared)}`)
    }
    expect([...new Set(problems)]).toEqual([])
  })
})
