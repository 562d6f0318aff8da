// checksum-drift end to end: the bundled action in a child process, as the runner starts it, against
// a local HTTP server on 127.0.0.1 that serves the artifacts (and misbehaves on purpose), the fake
// GitHub issues API of test/fakes.ts, and real git repositories with a local bare origin.
// docs/contract.md §9.

import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { type ActionRun, type TestRepo, createRepo, expectExit, raceOnPush, runAction } from '../../../test/harness.js'
import { type FakeServer, type IssueRoutes, fakeIssuesApi } from '../../../test/fakes.js'

const CONTROL = 'batch-control.json'
const BASELINE = 'data/checksums/baseline.jsonl'
const TOKEN = 'ghs_FAKE_token_for_tests_0123456789'
const PASSWORD = 'hunter2-url-password'
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const control = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ enabled: true, disabled_ecosystems: [], circuit_breaker: { npm: { state: 'closed', failures: 0 } }, ...extra }, null, 2) + '\n'

// ---------------------------------------------------------------------------
// the artifact server

type Serve = (req: http.IncomingMessage, res: http.ServerResponse) => void
interface ArtifactServer {
  base: string
  /** What each path answers; change it between runs. */
  routes: Map<string, Serve>
  /** The requests, in order: path and Authorization header. */
  seen: Array<{ path: string; authorization: string | undefined }>
  hits(p: string): number
  close(): Promise<void>
}

const bytes = (body: Buffer | string): Serve => (_req, res) => {
  const b = Buffer.from(body)
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(b.length) })
  res.end(b)
}
const status = (code: number): Serve => (_req, res) => {
  res.writeHead(code, { 'content-type': 'text/plain' })
  res.end(`status ${code}`)
}
const hang: Serve = () => undefined
const redirect = (to: string): Serve => (_req, res) => {
  res.writeHead(302, { location: to })
  res.end()
}

async function artifactServer(): Promise<ArtifactServer> {
  const routes = new Map<string, Serve>()
  const seen: ArtifactServer['seen'] = []
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname
    seen.push({ path: p, authorization: req.headers.authorization })
    ;(routes.get(p) ?? status(404))(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    seen,
    hits: (p) => seen.filter((s) => s.path === p).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

// ---------------------------------------------------------------------------
// fixtures

const servers: ArtifactServer[] = []
const apis: Array<FakeServer & IssueRoutes> = []
const repos: TestRepo[] = []
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), ...apis.map((a) => a.close()), ...repos.map((r) => r.cleanup())])
})

async function world(files: Record<string, string> = {}): Promise<{ srv: ArtifactServer; api: FakeServer & IssueRoutes; repo: TestRepo }> {
  const srv = await artifactServer()
  const api = await fakeIssuesApi()
  const repo = await createRepo({ files: { [CONTROL]: control(), ...files } })
  servers.push(srv)
  apis.push(api)
  repos.push(repo)
  return { srv, api, repo }
}

const line = (o: Record<string, unknown>): string => JSON.stringify(o) + '\n'
const baselineLine = (id: string, url: string, sum: string, extra: Record<string, unknown> = {}): string =>
  line({ id, url, sha256: sum, first_seen: '2026-01-01T00:00:00Z', ...extra })

/** Writes the artifacts list into the work tree (untracked, as the workflow's build step leaves it). */
async function list(repo: TestRepo, name: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(repo.work, name)), { recursive: true })
  await writeFile(path.join(repo.work, name), text)
}

function drift(repo: TestRepo, api: FakeServer, inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('checksum-drift', {
    cwd: repo.work,
    inputs: { 'allowed-schemes': 'http,https', 'github-token': TOKEN, ...inputs },
    env: {
      BATCH_OPS_NOW: '2026-03-04T10:00:00Z',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '77',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_API_URL: api.url,
      ...extraEnv
    },
    timeoutMs: 90_000
  })
}

/** Everything a reader, a later step or the repository can see of a run. */
const visible = (r: ActionRun, api: FakeServer & IssueRoutes, extra = ''): string =>
  [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs), JSON.stringify(api.issues), api.requests.map((q) => q.text).join('\n'), extra].join('\n')

// ---------------------------------------------------------------------------

describe('one run over every kind of artifact', () => {
  const S1 = Buffer.from('stable 1.0 tarball\n'.repeat(100))
  const C2 = Buffer.from('changed 2.0 tarball, as first seen\n'.repeat(50))
  const C2_REBUILT = Buffer.from('changed 2.0 tarball, rebuilt upstream\n'.repeat(50))
  const P3 = Buffer.from('pinned 3.0\n'.repeat(10))
  const M7 = Buffer.from('moved 7.0 final\n')
  const N10 = Buffer.from('brand new 10.0\n')
  const SECRET = Buffer.from('private mirror 11.0\n')

  let r: ActionRun
  let env: Awaited<ReturnType<typeof world>>

  beforeAll(async () => {
    env = await world()
    const { srv, repo } = env
    const u = (p: string): string => `${srv.base}${p}`
    const withCreds = u('/files/secret').replace('http://', `http://bob:${PASSWORD}@`)
    srv.routes.set('/files/stable', bytes(S1))
    srv.routes.set('/files/changed', bytes(C2_REBUILT))
    srv.routes.set('/files/pinned', bytes(P3))
    srv.routes.set('/files/slow', hang)
    srv.routes.set('/files/broken', status(500))
    srv.routes.set('/files/moved', redirect('/files/moved-final'))
    srv.routes.set('/files/moved-final', bytes(M7))
    srv.routes.set('/files/huge', bytes(Buffer.alloc(8192, 1)))
    srv.routes.set('/files/new', bytes(N10))
    srv.routes.set('/files/secret', bytes(SECRET))
    srv.routes.set('/files/removed', status(410))
    // The baseline as an earlier run left it (checked in), and the list in two files matched by a glob.
    await repo.commitAndPush({
      [BASELINE]:
        baselineLine('changed@2/linux', u('/files/changed'), sha(C2), { ecosystem: 'npm' }) +
        baselineLine('secret@11', u('/files/secret'), sha(SECRET)) +
        baselineLine('stable@1/linux', u('/files/stable'), sha(S1))
    })
    await list(
      repo,
      'lists/a.jsonl',
      line({ id: 'stable@1/linux', url: u('/files/stable'), ecosystem: 'homebrew', recipe: 'stable' }) +
        line({ id: 'changed@2/linux', url: u('/files/changed'), ecosystem: 'npm', recipe: 'changed', batch_id: '2026-03-01-002' }) +
        line({ id: 'pinned@3', url: u('/files/pinned'), sha256: sha(P3).toUpperCase(), ecosystem: 'pypi' }) +
        line({ id: 'slow@4', url: u('/files/slow'), ecosystem: 'npm' }) +
        line({ id: 'missing@5', url: u('/files/missing'), ecosystem: 'npm' }) +
        line({ id: 'broken@6', url: u('/files/broken') })
    )
    await list(
      repo,
      'lists/b.jsonl',
      line({ id: 'moved@7', url: u('/files/moved'), ecosystem: 'cask', batch_id: '2026-03-02-001' }) +
        line({ id: 'huge@8', url: u('/files/huge') }) +
        line({ id: 'ftp@9', url: `ftp://127.0.0.1:${new URL(srv.base).port}/files/stable` }) +
        line({ id: 'new@10', url: u('/files/new'), ecosystem: 'cask' }) +
        line({ id: 'secret@11', url: withCreds }) +
        line({ id: 'removed@12', url: u('/files/removed') }) +
        // The same artifact in both files is checked once.
        line({ id: 'stable@1/linux', url: u('/files/stable'), ecosystem: 'homebrew', recipe: 'stable' })
    )
    r = await drift(repo, env.api, { artifacts: 'lists/*.jsonl', 'on-drift': 'issue-and-pause', 'timeout-seconds': '1', retries: '1', 'max-bytes': '4096' })
  })

  test('each artifact gets its one verdict, counted in the outputs; the drift fails the step after everything is written', () => {
    expectExit(r, 'non-zero')
    expect(r.outputs).toMatchObject({ checked: '12', ok: '5', drifted: '1', gone: '2', unreachable: '4', new: '2' })
    expect(JSON.parse(r.outputs['drifted-artifacts']!)).toEqual([
      { id: 'changed@2/linux', url: `${env.srv.base}/files/changed`, expected: sha(C2), actual: sha(C2_REBUILT), ecosystem: 'npm', recipe: 'changed', batch_id: '2026-03-01-002' }
    ])
    const failed = r.annotations.filter((a) => a.level === 'error')
    expect(failed.map((a) => a.message)).toEqual([
      expect.stringMatching(/^changed@2\/linux: the checksum changed: expected [0-9a-f]{64}, got [0-9a-f]{64}/),
      expect.stringMatching(/^1 artifact drifted \(changed@2\/linux\): see the drift issues/)
    ])
  })

  test('gone (404, 410) and unreachable (timeout, 500, over max-bytes, a scheme not allowed) are warned, with the reason', () => {
    const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^missing@5: gone: HTTP 404/),
        expect.stringMatching(/^removed@12: gone: HTTP 410/),
        expect.stringMatching(/^slow@4: unreachable: no complete answer within 1 s \(after 2 attempts\)/),
        expect.stringMatching(/^broken@6: unreachable: HTTP 500 \(after 2 attempts\)/),
        expect.stringMatching(/^huge@8: unreachable: announces 8192 bytes \(Content-Length\), over max-bytes \(4096\); not read/),
        expect.stringMatching(/^ftp@9: unreachable: the scheme ftp is not in allowed-schemes \(http, https\); not requested/)
      ])
    )
    // Retries only for what is transient: the timeout and the 500 twice, the 404, 410 and the oversized body once.
    const { srv } = env
    expect([srv.hits('/files/slow'), srv.hits('/files/broken'), srv.hits('/files/missing'), srv.hits('/files/removed'), srv.hits('/files/huge')]).toEqual([2, 2, 1, 1, 1])
    expect(srv.hits('/files/stable')).toBe(1)
    expect(srv.hits('/files/moved-final')).toBe(1)
  })

  test('one issue, for the drift only: title, labels, both checksums, the batch and its rollback form, what to do', () => {
    const { api } = env
    expect(api.issues).toHaveLength(1)
    const issue = api.issues[0]!
    expect(issue).toMatchObject({ title: 'Security: checksum drift for changed@2/linux', labels: ['security', 'needs-triage'], state: 'open' })
    expect(issue.body).toContain(sha(C2))
    expect(issue.body).toContain(sha(C2_REBUILT))
    expect(issue.body).toContain(`\`${env.srv.base}/files/changed\``)
    expect(issue.body).toContain('[the rollback form](https://github.com/o/r/actions/workflows/rollback.yml), batch_id `2026-03-01-002`')
    expect(issue.body).toContain(`sed -i 's/${sha(C2)}/${sha(C2_REBUILT)}/' ${BASELINE}`)
    expect(issue.body).toMatch(/`npm` — \*\*paused\*\*/)
    expect(issue.body).toMatch(/\n<!-- batch-ops:checksum-drift id=changed@2\/linux -->\n/)
    expect(issue.body.length).toBeLessThanOrEqual(65_536)
    expect(JSON.parse(r.outputs.issues!)).toEqual(['https://github.com/o/r/issues/1'])
  })

  test('issue-and-pause: the drifted ecosystem is paused on origin, in one commit with the baseline, with a Reason trailer naming the id', async () => {
    const { repo } = env
    const doc = JSON.parse((await repo.readOrigin(CONTROL))!) as { disabled_ecosystems: string[] }
    expect(doc.disabled_ecosystems).toEqual(['npm'])
    expect(JSON.parse(r.outputs['paused-ecosystems']!)).toEqual(['npm'])
    const [head] = await repo.originCommits()
    expect(head!.subject).toBe('chore(batch): checksum-drift: pause npm (checksum drift); record 2 new checksums [skip ci]')
    expect(head!.trailers).toEqual([
      ['Reason', 'checksum drift of changed@2/linux'],
      ['Ecosystem', 'npm'],
      ['Batch-Ops-Action', 'checksum-drift'],
      ['Run-Url', 'https://github.com/o/r/actions/runs/77']
    ])
  })

  test('the baseline on origin: sorted, one compact line per id, the new ids that downloaded completely added, nothing else changed', async () => {
    const text = (await env.repo.readOrigin(BASELINE))!
    const entries = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>)
    const u = (p: string): string => `${env.srv.base}${p}`
    expect(entries).toEqual([
      { id: 'changed@2/linux', url: u('/files/changed'), sha256: sha(C2), first_seen: '2026-01-01T00:00:00Z', ecosystem: 'npm' },
      { id: 'moved@7', url: u('/files/moved'), sha256: sha(M7), first_seen: '2026-03-04T10:00:00Z', ecosystem: 'cask', batch_id: '2026-03-02-001' },
      { id: 'new@10', url: u('/files/new'), sha256: sha(N10), first_seen: '2026-03-04T10:00:00Z', ecosystem: 'cask' },
      { id: 'secret@11', url: u('/files/secret'), sha256: sha(SECRET), first_seen: '2026-01-01T00:00:00Z' },
      { id: 'stable@1/linux', url: u('/files/stable'), sha256: sha(S1), first_seen: '2026-01-01T00:00:00Z' }
    ])
    expect(text.split('\n').every((l) => l === '' || !l.includes(' '))).toBe(true)
  })

  test('credentials in a URL are sent as basic authentication, and neither they nor the token reach the log, summary, outputs, issues or baseline', async () => {
    const auth = env.srv.seen.find((s) => s.path === '/files/secret')?.authorization
    expect(auth).toBe(`Basic ${Buffer.from(`bob:${PASSWORD}`).toString('base64')}`)
    expect(r.stdout).toContain(`::add-mask::${PASSWORD}`)
    expect(r.stdout).toContain(`::add-mask::${TOKEN}`)
    // Masked: the runner takes these lines in and prints *** for the value from then on.
    const shown = visible(r, env.api, (await env.repo.readOrigin(BASELINE))!).replaceAll(`::add-mask::${PASSWORD}`, '').replaceAll(`::add-mask::${TOKEN}`, '')
    expect(shown).not.toContain(PASSWORD)
    expect(shown).not.toContain(TOKEN)
  })

  test('the job summary shows the counts, the drift with its issue, what is gone or unreachable and why, what was written', () => {
    expect(r.summary).toMatch(/^## Checksum drift: 🔴 1 drifted/)
    expect(r.summary).toContain('| 12 | 5 | 1 | 2 | 4 | 2 |')
    expect(r.summary).toContain('opened [issue 1](https://github.com/o/r/issues/1)')
    expect(r.summary).toMatch(/### Unreachable[\s\S]*`slow@4`[\s\S]*no complete answer within 1 s/)
    expect(r.summary).toMatch(/\*\*Written:\*\* 2 new checksums added to `data\/checksums\/baseline\.jsonl`; `npm` paused in `batch-control\.json` — pushed to `origin\/main` as `[0-9a-f]{12}`/)
  })
})

describe('issues across re-runs', () => {
  test('the same drift changes nothing; a new checksum comments and updates; a recovery comments and closes', async () => {
    const { srv, api, repo } = await world()
    const original = Buffer.from('v1 as released\n')
    srv.routes.set('/a', bytes(original))
    await list(repo, 'artifacts.jsonl', line({ id: 'tool@1 --> <b>x</b>', url: `${srv.base}/a`, ecosystem: 'npm', recipe: 'tool', batch_id: '2026-03-01-001' }))
    const inputs = { artifacts: 'artifacts.jsonl', 'on-drift': 'issue' }

    // First sight: recorded, no issue.
    let r = await drift(repo, api, inputs)
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ ok: '1', new: '1', drifted: '0', issues: '[]' })
    expect(api.issues).toHaveLength(0)

    // Upstream rebuilds it: one issue.
    srv.routes.set('/a', bytes('v1, rebuilt\n'))
    r = await drift(repo, api, inputs)
    expectExit(r, 'non-zero')
    expect(api.issues).toHaveLength(1)
    expect(api.issues[0]!.title).toBe('Security: checksum drift for tool@1 --> <b>x</b>')
    // The id cannot end the hidden marker, and is escaped where it is shown.
    expect(api.issues[0]!.body).toContain('<!-- batch-ops:checksum-drift id=tool@1%20--%3E%20%3Cb%3Ex%3C/b%3E -->')
    expect(api.issues[0]!.body).toContain('| id | `tool@1 --> <b>x</b>` |')
    const outsideCode = api.issues[0]!.body.replace(/`[^`\n]*`/g, '').replace(/^<!-- .* -->$/gm, '')
    expect(outsideCode).not.toMatch(/<b>|-->/)
    const firstBody = api.issues[0]!.body

    // The same actual checksum again: no comment, no update, no new issue.
    const writesBefore = api.requests.filter((q) => q.method !== 'GET').length
    r = await drift(repo, api, inputs)
    expectExit(r, 'non-zero')
    expect(api.requests.filter((q) => q.method !== 'GET').length).toBe(writesBefore)
    expect(api.issues).toHaveLength(1)
    expect(r.outputs.issues).toBe('[]')

    // Another actual checksum: a comment, and the body updated.
    srv.routes.set('/a', bytes('v1, rebuilt twice\n'))
    r = await drift(repo, api, inputs)
    expectExit(r, 'non-zero')
    expect(api.issues).toHaveLength(1)
    expect(api.issues[0]!.comments).toEqual([expect.stringContaining(`The checksum changed again: now \`${sha('v1, rebuilt twice\n')}\` (this issue said \`${sha('v1, rebuilt\n')}\`)`)])
    expect(api.issues[0]!.body).not.toBe(firstBody)
    expect(api.issues[0]!.body).toContain(sha('v1, rebuilt twice\n'))
    expect(JSON.parse(r.outputs.issues!)).toEqual(['https://github.com/o/r/issues/1'])

    // Upstream puts the original back: a comment, and the issue is closed.
    srv.routes.set('/a', bytes(original))
    r = await drift(repo, api, inputs)
    expectExit(r, 0)
    expect(r.outputs).toMatchObject({ ok: '1', drifted: '0', new: '0' })
    expect(api.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(api.issues[0]!.comments[1]).toMatch(/hashes `[0-9a-f]{64}` again[\s\S]*Closing\./)
    expect(r.summary).toMatch(/### Recovered/)

    // Open issues were found by the first label, on every run.
    expect(api.calls('list').every((q) => q.query.labels === 'security' && q.query.state === 'open')).toBe(true)
  })

  test('an issue that cannot be opened fails the step with what failed, after the baseline is written', async () => {
    const { srv, repo } = await world()
    const api = await fakeIssuesApi({ fail: { create: 403 } })
    apis.push(api)
    srv.routes.set('/a', bytes('rebuilt'))
    srv.routes.set('/b', bytes('new'))
    await repo.commitAndPush({ [BASELINE]: baselineLine('a', `${srv.base}/a`, sha('original')) })
    await list(repo, 'artifacts.jsonl', line({ id: 'a', url: `${srv.base}/a` }) + line({ id: 'b', url: `${srv.base}/b` }))
    const r = await drift(repo, api, { artifacts: 'artifacts.jsonl', 'fail-on-drift': 'false' })
    expectExit(r, 'non-zero')
    expect(r.annotations.find((a) => a.level === 'error' && /could not be opened/.test(a.message))?.message).toMatch(/The issue of a could not be opened: open the issue for "a": HTTP 403: .*issues: write/)
    expect((await repo.readOrigin(BASELINE))!).toContain('"id":"b"')
  })
})

describe('issue-and-pause', () => {
  test('an ecosystem the control file does not know yet is paused; a concurrent change to the control file is kept (re-applied)', async () => {
    const { srv, api, repo } = await world()
    srv.routes.set('/c', bytes('rebuilt cask'))
    await repo.commitAndPush({ [BASELINE]: baselineLine('c@1', `${srv.base}/c`, sha('cask as released')) })
    await list(repo, 'artifacts.jsonl', line({ id: 'c@1', url: `${srv.base}/c`, ecosystem: 'cask' }))
    // A rival pushes a pause of pypi first, so the first push is rejected.
    const race = await raceOnPush(repo, { files: { [CONTROL]: control({ disabled_ecosystems: ['pypi'] }) } })
    const r = await drift(repo, api, { artifacts: 'artifacts.jsonl', 'on-drift': 'issue-and-pause' }, race)
    expectExit(r, 'non-zero')
    const doc = JSON.parse((await repo.readOrigin(CONTROL))!) as { disabled_ecosystems: string[] }
    expect(doc.disabled_ecosystems).toEqual(['pypi', 'cask'])
    expect(JSON.parse(r.outputs['paused-ecosystems']!)).toEqual(['cask'])
    expect((await repo.originLog())[0]).toBe('chore(batch): checksum-drift: pause cask (checksum drift) [skip ci]')
    expect(r.summary).toMatch(/after 2 attempts \(the branch moved; the change was re-applied/)
  })

  test('an invalid control file: the pause fails closed (nothing written, the step fails), and the issue says to pause by hand', async () => {
    const { srv, api, repo } = await world()
    srv.routes.set('/c', bytes('rebuilt'))
    await repo.commitAndPush({ [CONTROL]: '{"enabled": "yes"}\n', [BASELINE]: baselineLine('c@1', `${srv.base}/c`, sha('released')) })
    await list(repo, 'artifacts.jsonl', line({ id: 'c@1', url: `${srv.base}/c`, ecosystem: 'npm' }) + line({ id: 'n@1', url: `${srv.base}/c` }))
    const before = await repo.originHead()
    const r = await drift(repo, api, { artifacts: 'artifacts.jsonl', 'on-drift': 'issue-and-pause' })
    expectExit(r, 'non-zero')
    expect(await repo.originHead()).toBe(before)
    expect(r.outputs['paused-ecosystems']).toBe('[]')
    expect(api.issues[0]!.body).toMatch(/the pause could not be written/)
    expect(r.annotations.some((a) => a.level === 'error' && /baseline and pause could not be written: batch-control\.json is not a valid control file/.test(a.message))).toBe(true)
    expect(r.annotations.find((a) => a.props.file === CONTROL)).toMatchObject({ level: 'error', props: { line: '1' }, message: expect.stringMatching(/^Invalid control file: \$\.enabled/) })
  })
})

describe('nothing is downloaded or written when an input is wrong', () => {
  test.each<[string, Record<string, string>, string, RegExp, { file: string; line: string } | null]>([
    ['a malformed line in the artifacts list', {}, line({ id: 'ok', url: 'URL/ok' }) + '{"id": "x", "url": 42}\n', /"url" must be a string/, { file: 'artifacts.jsonl', line: '2' }],
    ['a sha256 that is not one', {}, line({ id: 'ok', url: 'URL/ok', sha256: 'abc' }), /"sha256" must be 64 hexadecimal characters/, { file: 'artifacts.jsonl', line: '1' }],
    ['a malformed baseline', { 'baseline-file': 'bad-baseline.jsonl' }, line({ id: 'ok', url: 'URL/ok' }), /needs "first_seen"/, { file: 'bad-baseline.jsonl', line: '1' }],
    ['an empty list', {}, '\n', /lists no artifact/, null],
    ['a glob that matches nothing', { artifacts: 'nowhere/*.jsonl' }, line({ id: 'ok', url: 'URL/ok' }), /"nowhere\/\*\.jsonl" matches no file/, null],
    ['concurrency 0', { concurrency: '0' }, line({ id: 'ok', url: 'URL/ok' }), /input 'concurrency' must be a whole number >= 1 and <= 64/, null],
    ['timeout-seconds over an hour', { 'timeout-seconds': '3601' }, line({ id: 'ok', url: 'URL/ok' }), /input 'timeout-seconds' must be a number >= 1 and <= 3600/, null],
    ['max-bytes 0', { 'max-bytes': '0' }, line({ id: 'ok', url: 'URL/ok' }), /input 'max-bytes' must be a whole number >= 1/, null],
    ['retries 11', { retries: '11' }, line({ id: 'ok', url: 'URL/ok' }), /input 'retries' must be a whole number >= 0 and <= 10/, null],
    ['a shard out of range', { shard: '2/2' }, line({ id: 'ok', url: 'URL/ok' }), /input 'shard': i counts from 0/, null],
    ['an unknown on-drift', { 'on-drift': 'pause' }, line({ id: 'ok', url: 'URL/ok' }), /input 'on-drift' must be issue, issue-and-pause or none/, null],
    ['a scheme batch-ops cannot download', { 'allowed-schemes': 'https,ftp' }, line({ id: 'ok', url: 'URL/ok' }), /input 'allowed-schemes' must list http and\/or https \(got "ftp"\)/, null],
    ['no token while issues are wanted', { 'github-token': '' }, line({ id: 'ok', url: 'URL/ok' }), /input 'github-token' is required unless on-drift is 'none'/, null]
  ])('%s', async (_, inputs, artifacts, message, where) => {
    const { srv, api, repo } = await world({ 'bad-baseline.jsonl': line({ id: 'x', url: 'https://x/y', sha256: 'a'.repeat(64) }) })
    srv.routes.set('/ok', bytes('fine'))
    await list(repo, 'artifacts.jsonl', artifacts.replace(/URL/g, srv.base))
    const before = await repo.originHead()
    const r = await drift(repo, api, { artifacts: 'artifacts.jsonl', ...inputs })
    expectExit(r, 'non-zero')
    expect(r.stdout).toMatch(message)
    if (where) expect(r.annotations.some((a) => a.level === 'error' && a.props.file === where.file && a.props.line === where.line && message.test(a.message))).toBe(true)
    expect(srv.seen).toHaveLength(0)
    expect(api.requests).toHaveLength(0)
    expect(await repo.originHead()).toBe(before)
    expect(r.summary).toMatch(/Checksum drift: failed/)
  })
})

describe('shards', () => {
  test('i/n checks the ids whose SHA-256 (big-endian) mod n is i; the shards of n split the list exactly', async () => {
    const { srv, api, repo } = await world()
    const ids = Array.from({ length: 24 }, (_, i) => `pkg-${i}@1.0/linux-amd64`)
    for (const [i, id] of ids.entries()) srv.routes.set(`/f/${i}`, bytes(id))
    await list(repo, 'artifacts.jsonl', ids.map((id, i) => line({ id, url: `${srv.base}/f/${i}` })).join(''))
    const checked: string[][] = []
    for (const shard of ['0/3', '1/3', '2/3']) {
      srv.seen.length = 0
      const r = await drift(repo, api, { artifacts: 'artifacts.jsonl', shard, 'on-drift': 'none', persist: 'false' })
      expectExit(r, 0)
      checked.push(srv.seen.map((s) => ids[Number(s.path.split('/')[2])]!).sort())
      expect(r.outputs.checked).toBe(String(checked.at(-1)!.length))
    }
    const owner = (id: string): number => Number(BigInt(`0x${sha(Buffer.from(id, 'utf8'))}`) % 3n)
    checked.forEach((got, i) => expect(got).toEqual(ids.filter((id) => owner(id) === i).sort()))
    expect(checked.flat().sort()).toEqual([...ids].sort())
    expect(checked.every((c) => c.length > 0)).toBe(true)
  })
})
