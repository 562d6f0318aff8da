// Untrusted text is inert wherever it reaches Markdown: md(), code(), fenced(), link(), details()
// and table() with hostile strings, rendered to HTML with marked (GFM) and checked there; then
// every renderer (job summaries, the rollback pull request body) with hostile input.
import { describe, test, expect } from '@jest/globals'
import fc from 'fast-check'
import { marked } from 'marked'
import { DEFAULT_BREAKER_PARAMS, type PreflightDecision, type RollbackPlan, BODY_LIMIT, code, details, fenced, fitMarkdown, link, md, mention, table, truncateMarkdown, utf8Bytes } from '@batch-ops/core'
import { controlSummary } from '../../../actions/batch-control/src/summary.js'
import { breakerSummary } from '../../../actions/circuit-breaker/src/summary.js'
import { type SummaryContext, preflightSummary } from '../../../actions/preflight-check/src/summary.js'
import { recordSummary } from '../../../actions/record-batch/src/summary.js'
import { rollbackReport } from '../../../actions/rollback-batch/src/report.js'

const render = (markdown: string): string => marked(markdown, { async: false, gfm: true })

const JOINER = '\u2060'
const flat = (s: string): string => s.replace(/\r\n|[\n\r\u0085\u2028\u2029]/g, ' ')

function decode(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|quot|amp);/gi, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
    return { lt: '<', gt: '>', quot: '"', amp: '&' }[e.toLowerCase()]!
  })
}

/** What a reader sees: the text without tags, entities decoded, the invisible joiner gone. */
const visible = (html: string): string => decode(html.replace(/<[^>]*>/g, '')).replaceAll(JOINER, '')

/** Text GitHub scans for mentions, references and autolinks: everything outside code, pre and links. */
const scanned = (html: string): string => decode(html.replace(/<(code|pre|a)\b[^>]*>[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]*>/g, ' '))

/** GitHub's patterns (and GFM's autolinks) in text it scans; each must be broken. */
const LIVE: Array<[string, RegExp]> = [
  ['an @-mention', /@[\p{L}\p{N}_]/u],
  ['a #-reference', /#[\p{L}\p{N}_]/u],
  ['a GH- reference', /GH-\d/i],
  ['a bare URL', /[a-z]:\/\/|www\./i]
]
function expectNothingLive(html: string): void {
  const text = scanned(html)
  for (const [what, re] of LIVE) expect({ what, found: re.exec(text)?.[0] }).toEqual({ what, found: undefined })
}

const tags = (html: string): string[] => [...new Set([...html.matchAll(/<\/?([a-z][a-z0-9]*)/gi)].map((m) => m[1]!.toLowerCase()))].sort()
const codes = (html: string): string[] => [...html.matchAll(/<code[^>]*>([\s\S]*?)<\/code>/g)].map((m) => decode(m[1]!))
const hrefs = (html: string): string[] => [...html.matchAll(/<a\b[^>]*href="([^"]*)"/g)].map((m) => decode(m[1]!))
const rows = (html: string): string[][] =>
  [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!))

// ---------------------------------------------------------------------------
// md()

const HOSTILE_TEXT: Array<[string, string]> = [
  ['a mention', '@alice please look'],
  ['a team mention', 'cc @org/team'],
  ['an e-mail address', 'write to email@example.com'],
  ['an issue reference', 'fixes #123'],
  ['a cross-repository reference', 'see owner/repo#9'],
  ['a GH- reference', 'GH-12'],
  ['a commit reference', 'owner/repo@abc1234'],
  ['an image tag', '<img src=x onerror=alert(1)>'],
  ['a script tag', '<script>alert(1)</script>'],
  ['an HTML comment', 'a <!-- hidden --> b'],
  ['an HTML block', '<details open><summary>x</summary>'],
  ['a link', '[click](http://evil.example)'],
  ['an image', '![x](http://evil.example/x.png)'],
  ['a reference link', '[x][1] [1]: http://evil.example'],
  ['an autolink', '<http://evil.example>'],
  ['an e-mail autolink', '<alice@example.com>'],
  ['a bare URL', 'see http://evil.example/path'],
  ['a www link', 'www.evil.example'],
  ['a lone CR forging a heading', 'stop\r# Forged heading'],
  ['CRLF', 'a\r\n## b'],
  ['LF and a list', 'a\n- item'],
  ['U+2028 and U+2029', 'a\u2028b\u2029c'],
  ['a heading at the start', '# heading'],
  ['a list item at the start', '- item'],
  ['an ordered list item at the start', '1. item'],
  ['a setext underline', '==='],
  ['a thematic break', '***'],
  ['a blockquote', '> quoted'],
  ['emphasis', '**bold** _it_ ~~strike~~'],
  ['backslashes', 'C:\\path\\*not*\\'],
  ['backticks', '`code` and ``more``'],
  ['entities', '&lt; &amp;copy; &#64;alice &#35;1'],
  ['table pipes', 'a | b | c'],
  ['a footnote', 'x[^1]'],
  ['math', '$x^2$']
]

describe('md', () => {
  test.each(HOSTILE_TEXT)('%s renders as the same text and nothing else', (_, text) => {
    const html = render(`**Why:** ${md(text)}`)
    expect(tags(html)).toEqual(['p', 'strong'])
    expect(visible(html)).toBe(`Why: ${flat(text)}\n`)
    expectNothingLive(html)
  })

  test.each(HOSTILE_TEXT)('%s in a table cell stays in its cell', (_, text) => {
    const html = render(table(['what', 'text', 'after'], [['x', md(text), 'end'], ['y', md(text), 'end']]))
    expect(tags(html)).toEqual(['table', 'tbody', 'td', 'th', 'thead', 'tr'])
    expect(rows(html).map((r) => r.map(visible))).toEqual([
      ['what', 'text', 'after'],
      ['x', flat(text), 'end'],
      ['y', flat(text), 'end']
    ])
    expectNothingLive(html)
  })

  test.each([
    ['plain', 'plain'],
    ['@alice', '@&#8288;alice'],
    ['@org/team', '@&#8288;org/team'],
    ['email@example.com', 'email@&#8288;example.com'],
    ['#123 and owner/repo#9', '\\#&#8288;123 and owner/repo\\#&#8288;9'],
    ['GH-12', 'GH-&#8288;12'],
    ['http://x.example www.x.example', 'http:&#8288;//x.example www&#8288;.x.example'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['a|b', 'a\\|b'],
    ['*_[]!`~#$\\', '\\*\\_\\[\\]\\!\\`\\~\\#\\$\\\\'],
    ['- a', '\\- a'],
    ['12. a', '12\\. a'],
    ['line\nbreak\r\nhere\rand\u2028there', 'line break here and there'],
    [42, '42'],
    [true, 'true']
  ] as const)('md(%j) is %j', (text, out) => {
    expect(md(text)).toBe(out)
  })

  test('any text: one paragraph of exactly that text, one table row per row', () => {
    const unit = fc.constantFrom(...'ab1 @#`*_[]()!<>&|\\~$-+=:/.'.split(''), '\r', '\n', '\u2028', 'http://', 'www.', 'GH-')
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 40 }), (text) => {
        const prose = render(`**Why:** ${md(text)}`)
        expect(tags(prose)).toEqual(['p', 'strong'])
        expect(visible(prose).trimEnd()).toBe(`Why: ${flat(text)}`.trimEnd())
        expectNothingLive(prose)
        const cells = rows(render(table(['a', 'b'], [[md(text), 'end']])))
        expect(cells.map((r) => r.map(visible))).toEqual([['a', 'b'], [flat(text).trim(), 'end']])
      }),
      { numRuns: 300 }
    )
  })
})

// ---------------------------------------------------------------------------
// code()

describe('code', () => {
  test.each([1, 2, 3, 4, 5])('a run of %i backtick(s) cannot end the span early', (n) => {
    const run = '`'.repeat(n)
    for (const text of [`a${run}<img src=x onerror=alert(1)> @alice #1`, `${run}<b>x</b>`, `<b>x</b>${run}`, run]) {
      const html = render(code(text))
      expect(codes(html)).toEqual([text])
      expect(tags(html)).toEqual(['code', 'p'])
      expectNothingLive(html)
    }
  })

  test.each([
    ['npm', '`npm`'],
    ['a`b', '``a`b``'],
    ['`a', '`` `a ``'],
    ['a``', '``` a`` ```'],
    [' a ', '`  a  `'],
    ['a|b\nc', '`a\\|b c`'],
    ['', '` `'],
    [7, '`7`']
  ] as const)('code(%j) is %j', (text, out) => {
    expect(code(text)).toBe(out)
  })

  test.each([
    ['a mention, inside the span where GitHub does not look', '@alice and @org/team'],
    ['a reference', '#123 owner/repo#9 GH-12'],
    ['HTML', '<img src=x onerror=alert(1)><!-- c -->'],
    ['a link and an image', '[x](http://evil.example) ![i](http://evil.example/i.png)'],
    ['an autolink', '<http://evil.example>'],
    ['pipes', 'a | b || c'],
    ['a backslash before a pipe', 'a\\|b \\\\|c'],
    ['spaces at both ends', '  padded  '],
    ['line breaks', 'a\rb\r\nc\nd\u2028e\u2029f']
  ])('%s: the whole text in one code span, one table row per row', (_, text) => {
    const html = render(table(['name', 'after'], [[code(text), 'end'], [code(text), 'end']]))
    expect(tags(html)).toEqual(['code', 'table', 'tbody', 'td', 'th', 'thead', 'tr'])
    const body = rows(html).slice(1)
    expect(body).toHaveLength(2)
    for (const [cell, after] of body) {
      expect(codes(cell!).map((c) => c.replaceAll(JOINER, ''))).toEqual([flat(text)])
      expect(after).toBe('end')
    }
    expectNothingLive(html)
  })

  test('any text in a table cell: one code span of exactly that text', () => {
    const unit = fc.constantFrom(...'ab @#`|\\<>&* '.split(''), '\r', '\n', '\u2028')
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 30 }), (text) => {
        const body = rows(render(table(['a', 'b'], [[code(text), 'end']]))).slice(1)
        expect(body.map((r) => r.map((c) => codes(c).map((x) => x.replaceAll(JOINER, ''))))).toEqual([[[flat(text)], []]])
      }),
      { numRuns: 300 }
    )
  })
})

// ---------------------------------------------------------------------------
// fenced(), link(), details(), table()

describe('fenced', () => {
  test.each([
    ['x', '', '```\nx\n```\n'],
    ['{"a": 1}\n', 'json', '```json\n{"a": 1}\n```\n'],
    ['has ``` inside', '', '````\nhas ``` inside\n````\n'],
    ['~~~\nx\n~~~', 'diff', '```diff\n~~~\nx\n~~~\n```\n'],
    ['x', 'json`\n<b>', '```jsonb\nx\n```\n']
  ])('fenced(%j, %j)', (body, lang, out) => {
    expect(fenced(body, lang)).toBe(out)
  })

  test.each([
    ['a backtick fence', '```\n# not a heading\n```'],
    ['longer runs of backticks', '`````\n@alice\n``````'],
    ['tilde fences', '~~~\n<img src=x>\n~~~~~~'],
    ['HTML and Markdown', '</details>\n<script>alert(1)</script>\n[x](http://evil.example) #123 @alice'],
    ['an indented fence', '   ````\nx']
  ])('%s: the whole body stays in one code block', (_, body) => {
    const html = render(fenced(body, 'json') + '\nafter\n')
    expect(tags(html)).toEqual(['code', 'p', 'pre'])
    expect(codes(html)).toEqual([body + '\n'])
    expect(html).toMatch(/<\/pre>\n<p>after<\/p>\n$/)
  })
})

describe('link', () => {
  test('an http(s) URL is one link; its text is md() text', () => {
    expect(link('https://github.com/acme/recipes/actions/runs/7', 'https://github.com/acme/recipes/actions/runs/7')).toBe(
      '[https:&#8288;//github.com/acme/recipes/actions/runs/7](https://github.com/acme/recipes/actions/runs/7)'
    )
    expect(link('#12', 'https://github.com/acme/recipes/pull/12')).toBe('[\\#&#8288;12](https://github.com/acme/recipes/pull/12)')
    const html = render(link('[x](http://evil.example) <b>@alice</b>', 'https://example.com/a?b=1&c=2'))
    expect(hrefs(html)).toEqual(['https://example.com/a?b=1&c=2'])
    expect(tags(html)).toEqual(['a', 'p'])
    expect(visible(html)).toBe('[x](http://evil.example) <b>@alice</b>\n')
    expectNothingLive(html)
  })

  test('parentheses and pipes in the URL: one link, one table row', () => {
    const url = 'https://example.com/a_(b)|c'
    const html = render(table(['run'], [[link('run', url)], [link('run', url)]]))
    expect(rows(html)).toHaveLength(3)
    expect(hrefs(html)).toEqual(['https://example.com/a_(b)%7Cc', 'https://example.com/a_(b)%7Cc'])
  })

  test.each(['javascript:alert(1)', 'data:text/html,<script>', 'https://x.example/"onmouseover=alert(1)', 'https://x.example/a b', 'https://x.example/\\', '//x.example', ''])(
    'not linked: %j',
    (url) => {
      const html = render(link('@alice [x](http://evil.example)', url))
      expect(hrefs(html)).toEqual([])
      expect(visible(html)).toBe('@alice [x](http://evil.example)\n')
      expectNothingLive(html)
    }
  )

  test('no URL at all: the text alone', () => {
    expect(link('local', undefined)).toBe('local')
  })
})

describe('details', () => {
  test('the summary is text: HTML escaped, mentions and references broken, one line', () => {
    const out = details('<b>plan</b> for @alice #1 _x_ & "q"\r\n<script>', fenced('body', 'json'))
    expect(out).toBe(
      '<details><summary>&lt;b&gt;plan&lt;/b&gt; for @&#8288;alice #&#8288;1 _x_ &amp; &quot;q&quot; &lt;script&gt;</summary>\n\n```json\nbody\n```\n\n</details>\n'
    )
    const html = render(out)
    expect(tags(html)).toEqual(['code', 'details', 'pre', 'summary'])
    expect(visible(/<summary>([\s\S]*?)<\/summary>/.exec(html)![1]!)).toBe('<b>plan</b> for @alice #1 _x_ & "q" <script>')
    expectNothingLive(html)
  })
})

describe('table', () => {
  test('rows of built cells; a stray line break in a cell does not end the row', () => {
    expect(table(['ecosystem', 'reason'], [[code('npm'), md('open | due')], ['pypi', '']])).toBe(
      '| ecosystem | reason |\n| --- | --- |\n| `npm` | open \\| due |\n| pypi |  |\n'
    )
    expect(table(['a'], [])).toBe('| a |\n| --- |\n')
    expect(rows(render(table(['a', 'b'], [['x\ny', 'z\r# h']])))).toEqual([
      ['a', 'b'],
      ['x y', 'z # h']
    ])
  })
})

// ---------------------------------------------------------------------------
// Every renderer with hostile input

/** Prose from outside: mentions, references, HTML, a link, an image, an autolink, a lone CR and a forged heading. */
const HOSTILE =
  '@alice <img src=x onerror=alert(1)> #123 owner/repo#9 GH-12 [x](http://evil.example) ![i](http://evil.example/i.png) <http://evil.example> <!-- c --> <script>alert(1)</script> a|b\r# Forged\n## Forged too\u2028- item'
/** A name from outside, shown as code: backtick runs, HTML and a mention trying to leave the span. */
const NAME = 'npm`` <b>@alice</b> #123 ```'
const NAME2 = '`x` <img src=x>'

/** Tags our renderers write themselves; anything else came from the input. */
const OWN_TAGS = new Set(['a', 'blockquote', 'br', 'code', 'details', 'em', 'h2', 'h3', 'li', 'p', 'pre', 'strong', 'sub', 'summary', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'])

function expectInert(markdown: string, o: { links: string[]; headings: number; rows: number }): string {
  const html = render(markdown)
  expect(tags(html).filter((t) => !OWN_TAGS.has(t))).toEqual([])
  expect(html).not.toMatch(/<img|<script|<!--|<b>/i)
  expectNothingLive(html)
  expect(hrefs(html)).toEqual(o.links)
  expect(html.match(/<h[1-6]\b/g) ?? []).toHaveLength(o.headings)
  expect(html).not.toMatch(/<h\d[^>]*>[^<]*Forged/)
  expect(rows(html)).toHaveLength(o.rows)
  // The hostile prose is all there, readable, on one line.
  expect(visible(html)).toContain(flat(HOSTILE))
  return html
}

const T = Date.parse('2026-03-04T10:00:00Z')
const SHA = 'abcdef0123456789abcdef0123456789abcdef01'

describe('renderers: hostile input comes out inert', () => {
  test('preflight-check', () => {
    const usage = { os: 'macOS' as const, used: 1, limit: 10, fraction: 0.1 }
    const decision: PreflightDecision = {
      canProceed: false,
      ecosystems: [NAME],
      skipped: { [NAME2]: HOSTILE },
      reason: HOSTILE,
      sampling: true,
      batchId: '',
      budget: { usage: [usage, { ...usage, os: 'Linux' }], worst: usage, pause: false, sampling: true },
      budgetReset: false,
      warnings: [HOSTILE],
      tampering: []
    }
    const ctx: SummaryContext = {
      controlFile: NAME,
      persisted: true,
      changed: false,
      commit: undefined,
      attempts: 1,
      evaluatedAt: T,
      limits: { macos: 10, linux: 10 },
      thresholds: { sampling: 0.8, pause: 0.95 },
      tamper: { findings: [{ ecosystem: NAME, from: 'open', to: 'closed', commit: SHA, author: 'Mallory <m@alice>', subject: HOSTILE }], examined: 1 },
      onTamper: 'warn'
    }
    const html = expectInert(preflightSummary(decision, ctx), { links: [], headings: 4, rows: 3 + 3 + 2 })
    expect(visible(html)).toContain('Mallory <m@alice>')
    expect(codes(html)).toEqual(expect.arrayContaining([NAME, NAME2]))
    const incomplete = preflightSummary(decision, { ...ctx, tamper: { findings: [], examined: 0, incomplete: HOSTILE } })
    expectInert(incomplete, { links: [], headings: 3, rows: 3 + 3 })
  })

  test('circuit-breaker', () => {
    const html = expectInert(
      breakerSummary({
        mode: 'check',
        ecosystem: NAME,
        outcome: {
          skip: true,
          probe: false,
          reason: HOSTILE,
          warning: HOSTILE,
          entry: { state: 'open', window: 'SFFFF', failures: 4, trips: 1, failureRate: 80, opensAt: T + 3_600_000 }
        },
        params: DEFAULT_BREAKER_PARAMS,
        attempts: undefined,
        commit: SHA,
        attemptsToPush: 1,
        persisted: true,
        changed: true,
        evaluatedAt: T
      }),
      { links: [], headings: 1, rows: 7 }
    )
    expect(codes(html)).toContain(NAME)
  })

  test('record-batch', () => {
    const eco = { ecosystem: NAME, passed: 1, failed: 1, skipped: 0, blocked: 0, total: 2, rate: 0.5, slo: 0.98, meanDurationSeconds: null, severity: 'critical' as const, why: HOSTILE }
    const html = expectInert(
      recordSummary({
        batchId: NAME,
        report: { ecosystems: [eco], passed: 1, failed: 1, skipped: 0, blocked: 0, total: 2, rate: 0.5, severity: 'critical' },
        top: [{ category: NAME2, count: 1, examples: [NAME, 'recipes/<b>x</b>.toml'] }],
        recorded: { minutes: { macos: 1, linux: 1, windows: 0 }, jobsCounted: 1, failureRecords: 1, budget: { macos: 1, linux: 1, windows: 0 } },
        limits: { macos: 10, linux: 10 },
        budgetNote: HOSTILE,
        uploadNote: HOSTILE,
        uploaded: false,
        files: { metrics: NAME, manifest: NAME2, failures: 'failures/@alice.jsonl' },
        manifestCount: 1,
        commit: undefined,
        attempts: 1,
        persisted: true
      }),
      { links: [], headings: 5, rows: 2 + 2 + 3 }
    )
    expect(codes(html)).toEqual(expect.arrayContaining([NAME, NAME2, 'recipes/<b>x</b>.toml', 'failures/@alice.jsonl']))
  })

  test('rollback-batch: the summary and the pull request body', () => {
    const plan: RollbackPlan = {
      batchCommits: [SHA],
      manifestCommit: undefined,
      files: [{ path: NAME, action: 'restore', before: { commit: SHA }, commits: [SHA] }],
      conflicts: [{ path: NAME2, action: 'delete', before: null, commits: [SHA], later: [{ sha: SHA, subject: HOSTILE }] }],
      alreadyRolledBack: [],
      rejected: []
    }
    const run = 'https://github.com/acme/recipes/actions/runs/7'
    const pr = 'https://github.com/acme/recipes/pull/12'
    // The actor is mentioned on purpose only when it is a plain login; a bot is shown as text.
    const ctx = { batchId: NAME, reason: HOSTILE, base: NAME2, actor: 'github-actions[bot]', runUrl: run, force: false, dryRun: false, branch: NAME }
    const html = expectInert(rollbackReport(plan, { ...ctx, pr: { number: 12, url: pr, created: true } }), { links: [run, pr], headings: 3, rows: 10 + 2 + 2 })
    expect(rows(html).find(([k]) => k === 'triggered by')?.map(visible)).toEqual(['triggered by', '@github-actions[bot]'])
    expect(rollbackReport(plan, { ...ctx, actor: 'octocat' })).toContain('| triggered by | @octocat |')
    expect(codes(html)).toEqual(expect.arrayContaining([NAME, NAME2]))
    // A run URL that is not http(s) is shown, not linked.
    expectInert(rollbackReport(plan, { ...ctx, runUrl: 'javascript:alert(1)' }), { links: [], headings: 3, rows: 9 + 2 + 2 })
  })

  test('batch-control', () => {
    const before = '{\n  "reason": "```\\n</details>\\n@alice #1",\n  "enabled": true\n}\n'
    const after = '{\n  "reason": "````` <script>alert(1)</script> ~~~",\n  "enabled": false\n}\n'
    const run = 'https://github.com/acme/recipes/actions/runs/7'
    const html = expectInert(
      controlSummary({
        cmd: { command: 'stop', operator: '@alice', reason: HOSTILE, ecosystems: [NAME], incidentUrl: 'javascript:alert(1)//@alice', expectedResume: HOSTILE },
        summary: HOSTILE,
        before,
        after,
        file: 'control <b>#1</b> @alice.json',
        commit: SHA,
        persisted: true,
        changed: true,
        at: '2026-03-04T10:00:00Z',
        runUrl: run
      }),
      { links: [run], headings: 2, rows: 9 }
    )
    expect([...html.matchAll(/<summary>([\s\S]*?)<\/summary>/g)].map((m) => visible(m[1]!))).toEqual([
      'control <b>#1</b> @alice.json before',
      'control <b>#1</b> @alice.json after'
    ])
    const blocks = [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => decode(m[1]!))
    expect(blocks.slice(1)).toEqual([before, after])
    expect(visible(html)).toContain('javascript:alert(1)//@alice')
  })
})

describe('mention: a deliberate @-mention of a login GitHub reported', () => {
  test.each([
    ['octocat', '@octocat'],
    ['a-b-c', '@a-b-c'],
    ['github-actions[bot]', '@&#8288;github-actions\\[bot\\]'],
    ['org/team', '@&#8288;org/team'],
    ['-lead', '@-lead'],
    ['double--hyphen', '@&#8288;double--hyphen'],
    ['x'.repeat(40), '@&#8288;' + 'x'.repeat(40)]
  ])('%j', (login, expected) => expect(mention(login)).toBe(expected))
})

describe('budgets: fitMarkdown and truncateMarkdown', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [code(`recipes/tool-${i}.toml`), 'deleted'])

  test('everything that fits is kept as it is', () => {
    const doc = fitMarkdown(['## Title', { noun: 'files', head: ['file', 'action'], rows: rows(3) }, 'the end'], BODY_LIMIT, 'elsewhere')
    expect(doc).toBe('## Title\n\n| file | action |\n| --- | --- |\n| `recipes/tool-0.toml` | deleted |\n| `recipes/tool-1.toml` | deleted |\n| `recipes/tool-2.toml` | deleted |\nthe end\n')
  })

  test('a long table loses rows from the end; the note says how many and where the rest is', () => {
    const doc = fitMarkdown(['## Title', { noun: 'files', head: ['file', 'action'], rows: rows(5000) }, 'after the table'], 10_000, 'The whole list is in the files output.')
    expect(doc.length).toBeLessThanOrEqual(10_000)
    const shown = doc.split('\n').filter((l) => l.startsWith('| `')).length
    expect(shown).toBeGreaterThan(100)
    expect(doc).toContain(`_Left out to stay within GitHub's limit of 10,000 characters: ${(5000 - shown).toLocaleString('en')} of 5,000 files, 1 later section. The whole list is in the files output._`)
    expect(doc).not.toContain('after the table')
    // Still one table: every shown row is a whole row.
    expect(marked.parse(doc) as string).toContain(`<td><code>recipes/tool-${shown - 1}.toml</code></td>`)
  })

  test('bytes, not characters, for the job summary', () => {
    const wide = Array.from({ length: 2000 }, () => [md('ünïcødé ✓ 🍺'.repeat(4))])
    const doc = fitMarkdown([{ noun: 'rows', head: ['x'], rows: wide }], 20_000, 'see outputs', utf8Bytes)
    expect(utf8Bytes(doc)).toBeLessThanOrEqual(20_000)
    expect(doc).toMatch(/limit of 20,000 bytes: [\d,]+ of 2,000 rows\. see outputs/)
  })

  test.each([
    ['ascii', 'abc', 3],
    ['two-byte', 'ü', 2],
    ['three-byte', '✓', 3],
    ['four-byte (a surrogate pair)', '🍺', 4]
  ])('utf8Bytes: %s', (_n, text, bytes) => expect(utf8Bytes(text)).toBe(bytes))

  test('truncateMarkdown cuts at a line, closes an open fence, and says how much is missing', () => {
    const text = '## Intended change\n\n```json\n' + '{"k": 1}\n'.repeat(5000) + '```\n'
    const cut = truncateMarkdown(text, 4_000, 'The log has the rest.')
    expect(cut.length).toBeLessThanOrEqual(4_000)
    expect(cut).toMatch(/\n```\n\n_Cut to stay within GitHub's limit of 4,000 characters: [\d,]+ more lines\. The log has the rest\._\n$/)
    const html = marked.parse(cut) as string
    expect(html).toContain('<pre><code class="language-json">')
    expect(html).toContain('<em>Cut to stay within')
    expect(truncateMarkdown('short\n', 4_000, 'x')).toBe('short\n')
  })
})
