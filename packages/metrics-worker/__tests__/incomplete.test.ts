// A body cut short (the connection ends before the bytes its content-length
// announced, or the JSON text stops mid-way) is a 400 "incomplete body", and
// nothing of it is stored: the run stored before it stays as it was.

import net from 'node:net'
import { type LocalWorker, TOKEN, body, rows, startWorker, storedResults } from './local-worker.js'

let w: LocalWorker
beforeAll(async () => {
  w = await startWorker()
})
afterAll(async () => {
  await w?.dispose()
})

const BATCH = '2026-11-01-001'

/**
 * POST /batch-metrics over a raw socket: announces `declared` bytes, sends `sent`,
 * then closes its side of the connection. Resolves with the status and the JSON answer.
 */
function truncatedPost(sent: string, declared: number): Promise<{ status: number; body: any }> {
  const port = Number(new URL(w.url).port)
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /batch-metrics HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${declared}\r\nConnection: close\r\n\r\n`
      )
      socket.write(sent, () => socket.end())
    })
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => (data += d))
    socket.on('error', reject)
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data)
      const text = data.slice(data.indexOf('\r\n\r\n') + 4)
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text.startsWith('{') ? text : text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1))
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: m ? Number(m[1]) : 0, body: parsed })
    })
  })
}

const earlier = body(rows(10, 'homebrew', undefined, 'earlier'), { batch_id: BATCH, completed_at: '2026-03-04T10:00:00Z' })
beforeAll(async () => {
  expect((await w.request('POST', '/batch-metrics', { body: earlier })).status).toBe(201)
})
afterEach(async () => {
  // Whatever was cut short, the stored run is the earlier one, untouched.
  expect(await storedResults(w.db, BATCH, 'homebrew')).toEqual(earlier.results)
})

const newer = JSON.stringify(body(rows(2_000, 'homebrew', undefined, 'newer'), { batch_id: BATCH, completed_at: '2026-03-04T11:00:00Z' }))

test('the connection ends half way through the announced bytes: 400 incomplete body', async () => {
  const bytes = Buffer.byteLength(newer)
  const r = await truncatedPost(newer.slice(0, Math.floor(newer.length / 2)), bytes)
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(/^incomplete body/)
})

test('the connection ends before any of the body: 400 incomplete body', async () => {
  const r = await truncatedPost('', Buffer.byteLength(newer))
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(/^incomplete body/)
})

test.each([
  ['inside a string', newer.slice(0, newer.indexOf('newer-01000') + 5)],
  ['after a comma', newer.slice(0, newer.indexOf('"recipe_name":"newer-01500"') - 1)],
  ['just before the final brace', newer.slice(0, -1)],
  ['inside a number', newer.slice(0, newer.indexOf('"duration_seconds":') + 20)],
  ['inside a literal', newer.slice(0, newer.indexOf('null') + 2)]
])('the JSON stops %s (the bytes announced all arrived): 400 incomplete body', async (_, text) => {
  const r = await w.request('POST', '/batch-metrics', { body: text })
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(/^incomplete body: the JSON text ends/)
})
