import { describe, test, expect } from '@jest/globals'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import {
  type Artifact,
  type BaselineEntry,
  type DownloadResult,
  type Verdict,
  combineArtifacts,
  countVerdicts,
  defaultControl,
  driftIssueDecision,
  driftedEcosystems,
  expectedChecksum,
  firstSightings,
  inShard,
  judgeArtifact,
  mergeBaseline,
  parseArtifacts,
  parseBaseline,
  parseShard,
  pauseEcosystems,
  renderBaseline,
  safeUrl
} from '@batch-ops/core'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)
const digest = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex')
const jsonl = (...records: unknown[]): string => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n'

// ---------------------------------------------------------------------------
// the artifacts file

describe('parseArtifacts', () => {
  test('reads every field, lower-cases sha256, skips blank lines and unknown fields, numbers the lines', () => {
    const text = jsonl(
      { id: 'ripgrep@14.1.0/linux-amd64', url: 'https://example.com/rg.tar.gz', sha256: A.toUpperCase(), ecosystem: 'homebrew', recipe: 'ripgrep', batch_id: '2026-03-01-001', extra: [1] },
      '',
      '   ',
      { id: 'left-pad@1.3.0', url: 'https://registry.example/left-pad-1.3.0.tgz' }
    )
    const r = parseArtifacts(text)
    expect(r).toEqual({
      ok: true,
      items: [
        { id: 'ripgrep@14.1.0/linux-amd64', url: 'https://example.com/rg.tar.gz', sha256: A, ecosystem: 'homebrew', recipe: 'ripgrep', batch_id: '2026-03-01-001' },
        { id: 'left-pad@1.3.0', url: 'https://registry.example/left-pad-1.3.0.tgz' }
      ],
      lines: [1, 4]
    })
  })

  test.each<[string, string, RegExp]>([
    ['not JSON', '{"id": "x", "url": ', /^line 1: not valid JSON/],
    ['an array', '[1,2]', /^line 1: must be a JSON object/],
    ['no id', JSON.stringify({ url: 'https://x/y' }), /needs "id"/],
    ['an empty id', JSON.stringify({ id: ' ', url: 'https://x/y' }), /"id" must not be empty/],
    ['an id with a line break', JSON.stringify({ id: 'a\nb', url: 'https://x/y' }), /"id" must be one line/],
    ['an id too long', JSON.stringify({ id: 'x'.repeat(257), url: 'https://x/y' }), /"id" is 257 characters long; at most 256/],
    ['no url', JSON.stringify({ id: 'x' }), /needs "url"/],
    ['a relative url', JSON.stringify({ id: 'x', url: '/files/x.tgz' }), /"url" is not an absolute URL/],
    ['a short sha256', JSON.stringify({ id: 'x', url: 'https://x/y', sha256: 'abc' }), /"sha256" must be 64 hexadecimal characters \(found "abc"\)/],
    ['a sha256 that is not hex', JSON.stringify({ id: 'x', url: 'https://x/y', sha256: 'g'.repeat(64) }), /"sha256" must be 64 hexadecimal/],
    ['a bad ecosystem', JSON.stringify({ id: 'x', url: 'https://x/y', ecosystem: 'Crates IO' }), /"ecosystem" "Crates IO" is not a valid ecosystem name/],
    ['a recipe that is not a string', JSON.stringify({ id: 'x', url: 'https://x/y', recipe: 3 }), /"recipe" must be a string/],
    ['the same id with another url', jsonl({ id: 'x', url: 'https://x/1' }, { id: 'x', url: 'https://x/2' }).trim(), /^line 2 \("x"\): the id is on line 1 too/]
  ])('%s is a problem that names its line', (_, text, message) => {
    const r = parseArtifacts(`${text}\n`)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([expect.stringMatching(message)])
  })

  test('the problems of a later line are found too, and each names its line', () => {
    const r = parseArtifacts(jsonl({ id: 'ok', url: 'https://x/1' }, { id: 'x', url: 'https://x/2', sha256: 'z' }, 'nope'))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems.map((p) => p.line)).toEqual([2, 3])
  })

  test('the same line twice is read once', () => {
    const line = { id: 'x', url: 'https://x/1', sha256: A }
    const r = parseArtifacts(jsonl(line, line))
    expect(r.ok && r.items).toEqual([line])
  })

  test('a problem never quotes a URL (it may carry credentials), not even in a line that is not JSON', () => {
    const secret = 'hunter2-s3cr3t'
    const lines = [
      JSON.stringify({ id: 'x', url: `notaurl ${secret}` }),
      JSON.stringify({ id: 'y', url: `https://u:${secret}@x/\u0007` }),
      `{"id": "z", "url": https://u:${secret}@example.com/a}`,
      `{"id": "w", "url": "https://u:${secret}@example.com/a" ${secret}}`
    ]
    const r = parseArtifacts(lines.join('\n'))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems).toHaveLength(4)
    for (const p of r.problems) expect(`${p.where} ${p.message}`).not.toContain(secret)
  })
})

describe('combineArtifacts', () => {
  const x = { id: 'x', url: 'https://x/1' }
  test('the same artifact in two files is one; order is file order', () => {
    const r = combineArtifacts([
      { file: 'a.jsonl', items: [x, { id: 'y', url: 'https://x/y' }], lines: [1, 2] },
      { file: 'b.jsonl', items: [{ id: 'z', url: 'https://x/z' }, x], lines: [1, 2] }
    ])
    expect(r.ok && r.items.map((a) => a.id)).toEqual(['x', 'y', 'z'])
  })
  test('the same id with another sha256 in another file names both places', () => {
    const r = combineArtifacts([
      { file: 'a.jsonl', items: [x], lines: [3] },
      { file: 'b.jsonl', items: [{ ...x, sha256: A }], lines: [7] }
    ])
    expect(r).toEqual({ ok: false, file: 'b.jsonl', problems: [{ line: 7, where: 'line 7 ("x")', message: expect.stringContaining('in a.jsonl (line 3) too') }] })
  })
})

describe('safeUrl', () => {
  test.each([
    ['https://user:pass@example.com/a/b.tar.gz', 'https://example.com/a/b.tar.gz'],
    ['https://ghp_token1234567890@example.com/x', 'https://example.com/x'],
    ['https://example.com/dl?token=abc&v=1#sha256=ff', 'https://example.com/dl?token=***&v=***'],
    ['https://objects.example/x?X-Amz-Signature=deadbeef', 'https://objects.example/x?X-Amz-Signature=***'],
    ['http://127.0.0.1:8080/a', 'http://127.0.0.1:8080/a'],
    ['not a url', '(not a URL)']
  ])('%s → %s', (raw, shown) => {
    expect(safeUrl(raw)).toBe(shown)
  })
})

// ---------------------------------------------------------------------------
// shards

describe('parseShard / inShard', () => {
  test.each<[string, unknown]>([
    ['', { ok: true, shard: null }],
    ['0/1', { ok: true, shard: { index: 0, count: 1 } }],
    [' 3 / 4 ', { ok: true, shard: { index: 3, count: 4 } }],
    ['4/4', { ok: false, error: expect.stringMatching(/must be below n .*0\/4 to 3\/4/) }],
    ['1/0', { ok: false, error: expect.stringMatching(/n must be between 1 and 1000/) }],
    ['0/1001', { ok: false, error: expect.stringMatching(/n must be between 1 and 1000/) }],
    ['-1/4', { ok: false, error: expect.stringMatching(/'i\/n' such as 0\/4/) }],
    ['half', { ok: false, error: expect.stringMatching(/'i\/n'/) }]
  ])('%j', (text, parsed) => {
    expect(parseShard(text)).toEqual(parsed)
  })

  // The digest as a 256-bit big-endian integer mod n, computed byte by byte (Horner), independently of BigInt parsing.
  const reference = (hex: string, n: number): number => {
    let r = 0
    for (let i = 0; i < hex.length; i += 2) r = (r * 256 + parseInt(hex.slice(i, i + 2), 16)) % n
    return r
  }

  test('an id is in the shard its digest (big-endian) mod n names, and in no other', () => {
    const ids = ['ripgrep@14.1.0/linux-amd64', 'left-pad@1.3.0', 'zstd@1.5.6/darwin-arm64', 'ünïcödé@1', '']
    for (const n of [1, 2, 3, 7, 256, 1000]) {
      for (const id of ids) {
        const h = digest(id)
        const owners = Array.from({ length: n }, (_, i) => i).filter((i) => inShard(h, { index: i, count: n }))
        expect(owners).toEqual([reference(h, n)])
      }
    }
    // mod 256 is the last byte: big-endian, not little-endian.
    const h = digest('ripgrep@14.1.0/linux-amd64')
    expect(inShard(h, { index: parseInt(h.slice(-2), 16), count: 256 })).toBe(true)
    expect(inShard(h, null)).toBe(true)
  })
})

// ---------------------------------------------------------------------------
// verdicts

const art = (over: Partial<Artifact> = {}): Artifact => ({ id: 'rg@14/linux', url: 'https://u:p@example.com/rg.tgz?sig=1', ecosystem: 'homebrew', recipe: 'ripgrep', batch_id: '2026-03-01-001', ...over })
const base = (over: Partial<BaselineEntry> = {}): BaselineEntry => ({ id: 'rg@14/linux', url: 'https://example.com/rg.tgz?sig=***', sha256: A, first_seen: '2026-03-01T00:00:00Z', ...over })
const complete = (sha256: string, bytes = 10): DownloadResult => ({ kind: 'complete', sha256, bytes })

describe('expectedChecksum', () => {
  test.each<[string, Partial<Artifact>, BaselineEntry | undefined, unknown]>([
    ['the line pins one: it wins over the baseline', { sha256: B }, base(), { sha256: B, from: 'artifacts' }],
    ['the baseline has one', {}, base(), { sha256: A, from: 'baseline' }],
    ['neither: a new id', {}, undefined, undefined]
  ])('%s', (_, over, b, expected) => {
    expect(expectedChecksum(art(over), b)).toEqual(expected)
  })
})

describe('judgeArtifact: exactly one verdict each', () => {
  test.each<[string, Partial<Artifact>, BaselineEntry | undefined, DownloadResult, Partial<Verdict>]>([
    ['same hash as the baseline', {}, base(), complete(A), { kind: 'ok', expected: A, expectedFrom: 'baseline', actual: A, isNew: false }],
    ['same hash as the line (upper case in the download)', { sha256: B }, base(), complete(B.toUpperCase()), { kind: 'ok', expected: B, expectedFrom: 'artifacts', actual: B }],
    ['another hash than the baseline', {}, base(), complete(C), { kind: 'drifted', expected: A, actual: C }],
    ['another hash than the line, though the baseline matches', { sha256: B }, base(), complete(A), { kind: 'drifted', expected: B, expectedFrom: 'artifacts', actual: A }],
    ['a new id downloaded completely', {}, undefined, complete(C), { kind: 'ok', isNew: true, actual: C, expected: undefined }],
    ['404', {}, base(), { kind: 'gone', status: 404 }, { kind: 'gone', reason: 'HTTP 404: the artifact is no longer there', actual: undefined }],
    ['410 of a new id', {}, undefined, { kind: 'gone', status: 410 }, { kind: 'gone', isNew: true }],
    ['a timeout', {}, base(), { kind: 'unreachable', reason: 'no complete answer within 60 s' }, { kind: 'unreachable', reason: 'no complete answer within 60 s', actual: undefined }],
    ['a new id that is unreachable', {}, undefined, { kind: 'unreachable', reason: 'HTTP 503' }, { kind: 'unreachable', isNew: true }]
  ])('%s', (_, over, b, download, expected) => {
    const v = judgeArtifact(art(over), b, download)
    const present = Object.fromEntries(Object.entries(expected).filter(([, value]) => value !== undefined))
    expect(v).toMatchObject({ id: 'rg@14/linux', url: 'https://example.com/rg.tgz?sig=***', ecosystem: 'homebrew', recipe: 'ripgrep', batch_id: '2026-03-01-001', ...present })
    for (const [k, value] of Object.entries(expected)) if (value === undefined) expect(v[k as keyof Verdict]).toBeUndefined()
  })

  test('countVerdicts: every verdict counted once; new is a part of ok', () => {
    const vs = [
      judgeArtifact(art({ id: 'a' }), base({ id: 'a' }), complete(A)),
      judgeArtifact(art({ id: 'b' }), undefined, complete(B)),
      judgeArtifact(art({ id: 'c' }), base({ id: 'c' }), complete(C)),
      judgeArtifact(art({ id: 'd' }), undefined, { kind: 'gone', status: 404 }),
      judgeArtifact(art({ id: 'e' }), undefined, { kind: 'unreachable', reason: 'x' })
    ]
    expect(countVerdicts(vs)).toEqual({ checked: 5, ok: 2, drifted: 1, gone: 1, unreachable: 1, new: 1 })
  })
})

// ---------------------------------------------------------------------------
// the baseline

describe('the baseline', () => {
  test('firstSightings: only new ids downloaded completely, with the safe URL and what the line says', () => {
    const vs = [
      judgeArtifact(art({ id: 'new-ok' }), undefined, complete(B)),
      judgeArtifact(art({ id: 'new-gone' }), undefined, { kind: 'gone', status: 404 }),
      judgeArtifact(art({ id: 'new-unreachable' }), undefined, { kind: 'unreachable', reason: 'timeout' }),
      judgeArtifact(art({ id: 'old' }), base({ id: 'old' }), complete(C)),
      judgeArtifact(art({ id: 'pinned', sha256: A }), undefined, complete(A))
    ]
    expect(firstSightings(vs, '2026-03-04T10:00:00Z')).toEqual([
      { id: 'new-ok', url: 'https://example.com/rg.tgz?sig=***', sha256: B, first_seen: '2026-03-04T10:00:00Z', ecosystem: 'homebrew', recipe: 'ripgrep', batch_id: '2026-03-01-001' }
    ])
  })

  test('renderBaseline: sorted by id, one compact line each, known fields first, other fields kept', () => {
    const text = renderBaseline([
      { id: 'b', url: 'https://x/b', sha256: B, first_seen: 't', later: { x: 1 } },
      { recipe: 'r', id: 'a', first_seen: 't', sha256: A, url: 'https://x/a', ecosystem: 'npm' } as BaselineEntry
    ])
    expect(text).toBe(
      `{"id":"a","url":"https://x/a","sha256":"${A}","first_seen":"t","ecosystem":"npm","recipe":"r"}\n` +
        `{"id":"b","url":"https://x/b","sha256":"${B}","first_seen":"t","later":{"x":1}}\n`
    )
    expect(renderBaseline([])).toBe('')
  })

  test.each<[string, string, RegExp]>([
    ['an id twice', jsonl({ id: 'a', url: 'https://x/a', sha256: A, first_seen: 't' }, { id: 'a', url: 'https://x/a', sha256: B, first_seen: 't' }), /^line 2: the id "a" is on line 1 too/],
    ['no sha256', jsonl({ id: 'a', url: 'https://x/a', first_seen: 't' }), /^line 1: "sha256" must be 64/],
    ['no first_seen', jsonl({ id: 'a', url: 'https://x/a', sha256: A }), /^line 1: needs "first_seen"/],
    ['not JSON', 'x\n', /^line 1: not valid JSON/]
  ])('parseBaseline refuses %s, naming the line', (_, text, message) => {
    const r = parseBaseline(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([expect.stringMatching(message)])
  })

  test('parseBaseline: no file is an empty baseline; what it renders reads back the same', () => {
    expect(parseBaseline(null)).toEqual({ ok: true, items: [] })
    const entries = [base({ id: 'x', later: true }), base({ id: 'a', sha256: B })]
    const parsed = parseBaseline(renderBaseline(entries))
    expect(parsed.ok && parsed.items).toEqual([entries[1], entries[0]])
  })

  test('mergeBaseline: an existing id keeps its entry, a new one is added once', () => {
    const r = mergeBaseline([base({ id: 'b' }), base({ id: 'a' })], [base({ id: 'a', sha256: C }), base({ id: 'c', sha256: B }), base({ id: 'c', sha256: C })])
    expect(r.added).toEqual(['c'])
    expect(r.entries.map((e) => [e.id, e.sha256])).toEqual([['a', A], ['b', A], ['c', B]])
  })

  const hex = fc.stringMatching(/^[0-9a-f]{64}$/)
  const entry = fc.record({
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('a', 'b', 'A', 'é', 'a/b', 'z@1')),
    url: fc.constant('https://example.com/x'),
    sha256: hex,
    first_seen: fc.constant('2026-03-04T10:00:00Z')
  })

  test('property: the merged baseline is sorted, holds one line per id, and no existing id changes its sha256', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.array(entry, { maxLength: 30 }), (existingRaw, additions) => {
        const parsedBase = mergeBaseline([], existingRaw).entries // the baseline as it is: one entry per id
        const { entries, added } = mergeBaseline(parsedBase, additions)
        const text = renderBaseline(entries)
        const lines = text === '' ? [] : text.trimEnd().split('\n')
        const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id)
        expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)))
        expect(new Set(ids).size).toBe(ids.length)
        for (const e of parsedBase) expect(entries.find((x) => x.id === e.id)?.sha256).toBe(e.sha256)
        expect(new Set([...parsedBase.map((e) => e.id), ...additions.map((e) => e.id)])).toEqual(new Set(ids))
        expect(added.every((id) => !parsedBase.some((e) => e.id === id))).toBe(true)
        // Merging the same additions again adds nothing.
        expect(mergeBaseline(entries, additions).added).toEqual([])
      })
    )
  })
})

// ---------------------------------------------------------------------------
// the pause and the issue

describe('pauseEcosystems / driftedEcosystems', () => {
  test('adds the ecosystems after those paused, even ones the control file does not know; the input is not changed', () => {
    const doc = { ...defaultControl(), disabled_ecosystems: ['pypi'], circuit_breaker: { npm: { state: 'closed' as const, failures: 0 } } }
    const r = pauseEcosystems(doc, ['npm', 'cask', 'pypi', 'npm'])
    expect(r.added).toEqual(['npm', 'cask'])
    expect(r.doc.disabled_ecosystems).toEqual(['pypi', 'npm', 'cask'])
    expect(doc.disabled_ecosystems).toEqual(['pypi'])
  })
  test('nothing new to pause: the same document', () => {
    const doc = { disabled_ecosystems: ['npm'] }
    expect(pauseEcosystems(doc, ['npm'])).toEqual({ doc, added: [] })
    expect(pauseEcosystems({}, ['npm']).doc.disabled_ecosystems).toEqual(['npm'])
  })
  test('only drifted artifacts count; one without an ecosystem is named', () => {
    const vs = [
      judgeArtifact(art({ id: 'a', ecosystem: 'npm' }), base({ id: 'a' }), complete(C)),
      judgeArtifact(art({ id: 'b', ecosystem: 'pypi' }), base({ id: 'b' }), complete(A)),
      judgeArtifact(art({ id: 'c', ecosystem: 'npm' }), base({ id: 'c' }), complete(B)),
      judgeArtifact(art({ id: 'd', ecosystem: undefined }), base({ id: 'd' }), complete(B)),
      judgeArtifact(art({ id: 'e', ecosystem: 'cask' }), base({ id: 'e' }), { kind: 'unreachable', reason: 'x' })
    ]
    expect(driftedEcosystems(vs)).toEqual({ ecosystems: ['npm'], withoutEcosystem: ['d'] })
  })
})

describe('driftIssueDecision', () => {
  const drifted = judgeArtifact(art(), base(), complete(C))
  const ok = judgeArtifact(art(), base(), complete(A))
  const gone = judgeArtifact(art(), base(), { kind: 'gone', status: 410 })
  const unreachable = judgeArtifact(art(), base(), { kind: 'unreachable', reason: 'HTTP 500' })
  test.each<[string, Verdict, { state?: { actual?: string } } | undefined, string]>([
    ['drifted, no open issue', drifted, undefined, 'open'],
    ['drifted, the issue has the same actual checksum', drifted, { state: { actual: C } }, 'nothing'],
    ['drifted, the issue has another actual checksum', drifted, { state: { actual: B } }, 'comment-and-update'],
    ['drifted, the issue says nothing about it', drifted, {}, 'comment-and-update'],
    ['ok, no issue', ok, undefined, 'nothing'],
    ['ok again, with an open issue', ok, { state: { actual: C } }, 'close'],
    ['gone, with an open issue', gone, { state: { actual: C } }, 'nothing'],
    ['unreachable, with an open issue', unreachable, { state: { actual: C } }, 'nothing'],
    ['unreachable, no issue', unreachable, undefined, 'nothing']
  ])('%s → %s', (_, v, open, decision) => {
    expect(driftIssueDecision(v, open)).toBe(decision)
  })
})
