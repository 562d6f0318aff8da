// The issue tracker against the fake GitHub API of test/fakes.ts (a real HTTP server on 127.0.0.1).

import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { BODY_LIMIT } from '@batch-ops/core'
import { type IssueTrackerOptions, ApiError, decodeMarkerValue, encodeMarkerValue, issueBody, issueMarker, issueTracker, readIssueMarker } from '@batch-ops/runtime'
import { type FakeIssue, type FakeServer, type IssueRoutes, type IssueRoutesOptions, fakeIssuesApi } from '../../../test/fakes.js'

const REPO = { owner: 'o', repo: 'r' }
const KIND = 'checksum-drift'
const apis: Array<FakeServer & IssueRoutes> = []
let savedApiUrl: string | undefined

beforeAll(() => {
  savedApiUrl = process.env.GITHUB_API_URL
})
afterAll(() => {
  if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL
  else process.env.GITHUB_API_URL = savedApiUrl
})
afterEach(async () => {
  for (const a of apis.splice(0)) await a.close()
})

async function api(opts: IssueRoutesOptions = {}): Promise<FakeServer & IssueRoutes> {
  const a = await fakeIssuesApi(opts)
  apis.push(a)
  process.env.GITHUB_API_URL = a.url
  return a
}

const options = (over: Partial<IssueTrackerOptions> = {}): IssueTrackerOptions => ({ token: 'tok', repo: REPO, kind: KIND, labels: ['security', 'needs-triage'], timeoutMs: 5000, ...over })
const issue = (number: number, key: string | null, over: Partial<FakeIssue> = {}): FakeIssue => ({
  number,
  title: `issue ${number}`,
  body: key === null ? 'no marker here' : issueBody(KIND, key, `about ${key}`, { actual: `sha-${number}` }),
  state: 'open',
  labels: ['security'],
  comments: [],
  ...over
})

// ---------------------------------------------------------------------------
// the marker

describe('the marker', () => {
  const hostile = [
    'ripgrep@14.1.0/linux-amd64',
    'x --> <script>alert(1)</script>',
    'a --!> b',
    'two\nlines',
    'x -->\n<!-- batch-ops:checksum-drift id=victim -->',
    '100% pure',
    '%41 stays %41',
    'ünïcödé 🚀',
    ' leading and trailing '
  ]
  test.each(hostile)('%j: one line, nothing can end the comment, read back exactly', (key) => {
    const m = issueMarker(KIND, key)
    const value = /^<!-- batch-ops:checksum-drift id=(\S+) -->$/.exec(m)?.[1]
    expect(value).toBeDefined()
    expect(value).not.toMatch(/[>!\s]/)
    expect(readIssueMarker(KIND, `text\n\n${m}\n`)).toEqual({ key, state: undefined })
  })

  test('property: any key round-trips and its marker has exactly one way out of the comment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
        const m = issueMarker(KIND, key)
        expect(m.indexOf('-->')).toBe(m.length - 3)
        expect(m).not.toMatch(/[\r\n]/)
        expect(decodeMarkerValue(encodeMarkerValue(key))).toBe(key)
        expect(readIssueMarker(KIND, m)?.key).toBe(key)
      })
    )
  })

  test('state is read back; another kind, a marker inside a line, a broken state are not taken', () => {
    const body = issueBody(KIND, 'a', 'hello', { actual: 'abc', n: [1, 2] })
    expect(readIssueMarker(KIND, body)).toEqual({ key: 'a', state: { actual: 'abc', n: [1, 2] } })
    expect(readIssueMarker('slo-alert', body)).toBeUndefined()
    expect(readIssueMarker(KIND, `quoted: ${issueMarker(KIND, 'a')}`)).toBeUndefined()
    expect(readIssueMarker(KIND, `${issueMarker(KIND, 'a')}\n<!-- batch-ops:checksum-drift state=%7Bnot-json -->`)).toEqual({ key: 'a', state: undefined })
    expect(() => issueMarker('Bad Kind', 'a')).toThrow(/lower-case/)
  })

  test('a body too long for GitHub is cut, and its markers stay whole at the end', () => {
    const long = Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${'x'.repeat(20)} |`).join('\n')
    const body = issueBody(KIND, 'k', long, { actual: 'abc' })
    expect(body.length).toBeLessThanOrEqual(BODY_LIMIT)
    expect(body).toMatch(/Cut to stay within GitHub's limit/)
    expect(readIssueMarker(KIND, body)).toEqual({ key: 'k', state: { actual: 'abc' } })
  })
})

// ---------------------------------------------------------------------------
// listing

describe('list', () => {
  test('follows every page; keeps open issues with the first label and this kind of marker; skips pull requests', async () => {
    const a = await api({
      maxPerPage: 2,
      issues: [
        issue(1, 'a'),
        issue(2, null),
        issue(3, 'b', { state: 'closed' }),
        issue(4, 'c', { labels: ['needs-triage'] }),
        issue(5, 'd', { pull: true }),
        issue(6, 'e', { body: issueBody('slo-alert', 'e', 'x', undefined) }),
        issue(7, 'f'),
        issue(8, 'g', { labels: ['bug', 'security'] })
      ]
    })
    const found = await issueTracker(options()).list()
    expect([...found.keys()].sort()).toEqual(['a', 'f', 'g'])
    expect(found.get('f')).toEqual({ key: 'f', number: 7, url: 'https://github.com/o/r/issues/7', title: 'issue 7', state: { actual: 'sha-7' } })
    const lists = a.calls('list')
    expect(lists.length).toBeGreaterThan(1)
    expect(lists.every((r) => r.query.labels === 'security' && r.query.state === 'open' && r.query.per_page === '100')).toBe(true)
  })

  test('two open issues with one key: the oldest (lowest number) is the one', async () => {
    await api({ issues: [issue(9, 'a'), issue(4, 'a'), issue(6, 'a')] })
    expect((await issueTracker(options()).list()).get('a')?.number).toBe(4)
  })

  test('an API that does not answer: an ApiError that says which request and how long it waited', async () => {
    await api({ fail: { list: 'hang' } })
    const err = await issueTracker(options({ timeoutMs: 200 })).list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as Error).message).toBe('list the open issues labelled "security" (page 1): no answer within 0.2 s')
  })

  test('403: the error names the permission the job needs', async () => {
    await api({ fail: { list: 403 } })
    await expect(issueTracker(options()).list()).rejects.toThrow(/HTTP 403: .*permissions: issues: write/)
  })

  test('more open issues than it reads: an error rather than a duplicate later', async () => {
    await api({ maxPerPage: 1, issues: [issue(1, 'a'), issue(2, 'b'), issue(3, 'c')] })
    await expect(issueTracker(options({ maxPages: 2 })).list()).rejects.toThrow(/more than 200, more than batch-ops reads/)
  })
})

// ---------------------------------------------------------------------------
// changes

describe('apply', () => {
  test('open: every label, the body with its markers; found again by the next list', async () => {
    const a = await api()
    const t = issueTracker(options())
    const results = await t.apply(new Map(), [{ key: 'rg@14', change: { action: 'open', title: 'Security: checksum drift for rg@14', body: 'the body', state: { actual: 'x' } } }])
    expect(results).toEqual([{ key: 'rg@14', action: 'opened', number: 1, url: 'https://github.com/o/r/issues/1' }])
    expect(a.issues[0]).toMatchObject({ title: 'Security: checksum drift for rg@14', labels: ['security', 'needs-triage'], state: 'open' })
    expect(a.issues[0]!.body.startsWith('the body\n')).toBe(true)
    expect((await t.list()).get('rg@14')).toMatchObject({ number: 1, state: { actual: 'x' } })
  })

  test('update: a comment, then the body and state replaced; close: a comment, then closed as completed', async () => {
    const a = await api({ issues: [issue(1, 'a'), issue(2, 'b')] })
    const t = issueTracker(options())
    const open = await t.list()
    const results = await t.apply(open, [
      { key: 'a', change: { action: 'update', body: 'new body', state: { actual: 'y' }, comment: 'changed again' } },
      { key: 'b', change: { action: 'close', comment: 'recovered' } }
    ])
    expect(results.map((r) => [r.key, r.action, r.number, r.error])).toEqual([['a', 'updated', 1, undefined], ['b', 'closed', 2, undefined]])
    expect(a.issues[0]).toMatchObject({ state: 'open', comments: ['changed again'] })
    expect(readIssueMarker(KIND, a.issues[0]!.body)).toEqual({ key: 'a', state: { actual: 'y' } })
    expect(a.issues[1]).toMatchObject({ state: 'closed', state_reason: 'completed', comments: ['recovered'] })
    // The comment comes before the change it describes.
    const order = a.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)
    expect(order).toEqual(['POST /repos/o/r/issues/1/comments', 'PATCH /repos/o/r/issues/1', 'POST /repos/o/r/issues/2/comments', 'PATCH /repos/o/r/issues/2'])
  })

  test('another key name in the marker (the SLO alerts: ecosystem=); an open issue with extra labels; labels changed on update', async () => {
    const a = await api()
    const t = issueTracker(options({ kind: 'slo-alert', keyName: 'ecosystem', labels: ['batch-ops:slo'] }))
    await t.apply(new Map(), [{ key: 'npm', change: { action: 'open', title: 'SLO burn: npm (ticket)', body: 'b', state: { severity: 'ticket' }, labels: ['severity:ticket'] } }])
    expect(a.issues[0]!.body).toContain('<!-- batch-ops:slo-alert ecosystem=npm -->')
    expect(a.issues[0]!.labels).toEqual(['batch-ops:slo', 'severity:ticket'])
    const open = await t.list()
    expect(open.get('npm')).toMatchObject({ number: 1, state: { severity: 'ticket' } })
    const results = await t.apply(open, [
      { key: 'npm', change: { action: 'update', title: 'SLO burn: npm (page)', body: 'b2', state: { severity: 'page' }, comment: 'now page', labels: { add: ['severity:page'], remove: ['severity:ticket', 'severity:gone'] } } }
    ])
    expect(results).toEqual([{ key: 'npm', action: 'updated', number: 1, url: 'https://github.com/o/r/issues/1' }])
    expect(a.issues[0]).toMatchObject({ title: 'SLO burn: npm (page)', labels: ['batch-ops:slo', 'severity:page'], comments: ['now page'] })
    // An id= marker of the same kind is not this tracker's.
    expect(readIssueMarker('slo-alert', issueBody('slo-alert', 'npm', 'x', undefined), 'ecosystem')).toBeUndefined()
    expect(() => issueMarker('slo-alert', 'npm', 'state')).toThrow(/other than "state"/)
  })

  test('update or close of a key with no open issue does nothing; open of a key that has one updates it', async () => {
    const a = await api({ issues: [issue(1, 'a')] })
    const t = issueTracker(options())
    const results = await t.apply(await t.list(), [
      { key: 'zz', change: { action: 'close', comment: 'x' } },
      { key: 'yy', change: { action: 'update', body: 'x' } },
      { key: 'a', change: { action: 'open', title: 'again', body: 'b2', state: { actual: 'z' } } }
    ])
    expect(results).toEqual([{ key: 'a', action: 'updated', number: 1, url: 'https://github.com/o/r/issues/1' }])
    expect(a.issues).toHaveLength(1)
    expect(a.issues[0]).toMatchObject({ title: 'again', comments: [] })
  })

  test('a change that fails is reported with what failed; the others are still made', async () => {
    const a = await api({ issues: [issue(1, 'a')], fail: { create: 403 } })
    const t = issueTracker(options())
    const results = await t.apply(await t.list(), [
      { key: 'new', change: { action: 'open', title: 't', body: 'b' } },
      { key: 'a', change: { action: 'close', comment: 'ok again' } }
    ])
    expect(results[0]).toMatchObject({ key: 'new', action: 'opened', error: expect.stringMatching(/^open the issue for "new": HTTP 403: .*issues: write/) })
    expect(results[1]).toEqual({ key: 'a', action: 'closed', number: 1, url: 'https://github.com/o/r/issues/1' })
    expect(a.issues[0]!.state).toBe('closed')
  })

  test('each request is bounded: a hanging update fails in time and the next change is made', async () => {
    const a = await api({ issues: [issue(1, 'a'), issue(2, 'b')], fail: { update: 'hang' } })
    const t = issueTracker(options({ timeoutMs: 300 }))
    const results = await t.apply(await t.list(), [
      { key: 'a', change: { action: 'update', body: 'x', comment: 'c' } },
      { key: 'new', change: { action: 'open', title: 't', body: 'b' } }
    ])
    expect(results[0]).toMatchObject({ key: 'a', error: 'update issue #1 ("a"): no answer within 0.3 s' })
    expect(results[1]).toMatchObject({ key: 'new', action: 'opened', number: 3 })
    expect(a.issues[0]!.comments).toEqual(['c'])
  })

  test('a title longer than GitHub takes is shortened', async () => {
    const a = await api()
    await issueTracker(options()).apply(new Map(), [{ key: 'k', change: { action: 'open', title: `Security: ${'x'.repeat(400)}`, body: 'b' } }])
    expect(a.issues[0]!.title).toHaveLength(256)
    expect(a.issues[0]!.title.endsWith('…')).toBe(true)
  })
})
