// Re-applying a change on conflict equals applying the changes one after another.
//
// The loop is driven against an in-memory remote whose pushes succeed only on
// the current tip (like git without force). fast-check's scheduler decides the
// order in which the writers' reads, commits, pushes and fetches resolve.

import fc from 'fast-check'
import { defaultControl, editJson, loadControl, preflight, renderControl, stringifyJson, type JsonObject } from '@batch-ops/core'
import { type Change, type Remote, type Snapshot, StoreError, reapplyUntilPushed } from '@batch-ops/runtime'

type Files = ReadonlyMap<string, string>

class MemoryOrigin {
  states: Files[] = [new Map()]
  parents: number[] = [-1]
  tip = 0
  log: number[] = []

  constructor(initial: Record<string, string>) {
    this.states[0] = new Map(Object.entries(initial))
  }

  remoteFor(s: fc.Scheduler): Remote<number, number> {
    return {
      snapshot: (base): Snapshot => ({ read: s.scheduleFunction(async (f: string) => this.states[base]!.get(f) ?? null) }),
      commit: s.scheduleFunction(async (base: number, files: Record<string, string | null>) => {
        const next = new Map(this.states[base]!)
        for (const [f, c] of Object.entries(files)) {
          if (c === null) next.delete(f)
          else next.set(f, c)
        }
        this.states.push(next)
        this.parents.push(base)
        return this.states.length - 1
      }),
      push: s.scheduleFunction(async (commit: number) => {
        if (this.parents[commit] !== this.tip) return { ok: false as const, reason: 'non-fast-forward' }
        this.tip = commit
        this.log.push(commit)
        return { ok: true as const }
      }),
      refetch: s.scheduleFunction(async () => this.tip)
    }
  }

  file(f: string): string | undefined {
    return this.states[this.tip]!.get(f)
  }
}

type Op = { kind: 'set'; key: string; value: number } | { kind: 'append'; value: number } | { kind: 'increment' }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c'), value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('append' as const), value: fc.integer({ min: 0, max: 99 }) }),
  fc.constant({ kind: 'increment' as const })
)

function applyOp(text: string, op: Op): string {
  const doc = JSON.parse(text) as JsonObject
  const next = structuredClone(doc) as { counter: number; list: number[]; [k: string]: unknown }
  if (op.kind === 'set') next[op.key] = op.value
  else if (op.kind === 'append') next.list = [...next.list, op.value]
  else next.counter = next.counter + 1
  return editJson(text, next as JsonObject)
}

const INITIAL = stringifyJson({ counter: 0, list: [] })

function writer(op: Op): (snap: Snapshot) => Promise<Change<Op>> {
  return async (snap) => {
    const text = (await snap.read('state.json')) ?? INITIAL
    return { files: { 'state.json': applyOp(text, op) }, message: 'op', result: op }
  }
}

const noWait = { maxAttempts: 1000, sleep: async () => {}, random: () => 0 }

test('concurrent writers with re-apply end in the same state as serial application in push order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), fc.scheduler(), async (ops, s) => {
      const origin = new MemoryOrigin({ 'state.json': INITIAL })
      const runs = ops.map((op) => reapplyUntilPushed(origin.remoteFor(s), 0, writer(op), noWait))
      const outcomes = await s.waitFor(Promise.all(runs))
      // Every writer whose change changed something landed exactly once; the others
      // (setting a value that was already there) pushed nothing.
      const landed = outcomes.filter((o) => o.commit !== undefined)
      expect(origin.log).toHaveLength(landed.length)
      expect(outcomes.filter((o) => o.commit === undefined).every((o) => o.result.kind === 'set')).toBe(true)
      // The final state is the serial application of the ops in the order their pushes landed.
      const order = origin.log.map((commit) => outcomes.findIndex((o) => o.commit === commit))
      expect(new Set(order).size).toBe(landed.length)
      const serial = order.reduce((text, i) => applyOp(text, ops[i]!), INITIAL)
      expect(origin.file('state.json')).toBe(serial)
      // Increments and appends commute, so they are all there whatever the order.
      const final = JSON.parse(origin.file('state.json')!) as { counter: number; list: number[] }
      expect(final.counter).toBe(ops.filter((o) => o.kind === 'increment').length)
      expect([...final.list].sort()).toEqual(ops.flatMap((o) => (o.kind === 'append' ? [o.value] : [])).sort())
    }),
    { numRuns: 200 }
  )
})

test('concurrent batch-ID allocations through the loop never share an ID', async () => {
  const now = Date.parse('2026-03-04T10:00:00Z')
  const control = renderControl({ text: null }, defaultControl())
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.scheduler(), async (n, s) => {
      const origin = new MemoryOrigin({ 'batch-control.json': control })
      const allocate = async (snap: Snapshot): Promise<Change<string>> => {
        const load = loadControl(await snap.read('batch-control.json'))
        if (!load.ok) throw new Error('invalid')
        const r = preflight(load.doc, { requested: ['npm'], limits: { macos: 1000, linux: 5000 }, thresholds: { sampling: 0.8, pause: 0.95 }, allocateBatchId: true, exists: load.exists }, now)
        return { files: { 'batch-control.json': renderControl(load, r.doc) }, message: 'allocate', result: r.decision.batchId }
      }
      const runs = Array.from({ length: n }, () => reapplyUntilPushed(origin.remoteFor(s), 0, allocate, noWait))
      const ids = (await s.waitFor(Promise.all(runs))).map((o) => o.result).sort()
      expect(ids).toEqual(Array.from({ length: n }, (_, i) => `2026-03-04-${String(i + 1).padStart(3, '0')}`))
      const final = loadControl(origin.file('batch-control.json')!)
      expect(final.ok && final.doc.batch_sequence).toEqual({ date: '2026-03-04', last: n })
    }),
    { numRuns: 100 }
  )
})

test('a writer that is always rejected gives up after max-attempts with the change it meant to make', async () => {
  let attempts = 0
  const remote: Remote<number, number> = {
    snapshot: () => ({ read: async () => INITIAL }),
    commit: async () => 1,
    push: async () => ({ ok: false, reason: 'non-fast-forward' }),
    // Another writer moves the branch every time.
    refetch: async () => ++attempts
  }
  const err = await reapplyUntilPushed(remote, 0, writer({ kind: 'increment' }), { ...noWait, maxAttempts: 3 }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(StoreError)
  expect((err as StoreError).attempts).toBe(3)
  expect(attempts).toBe(2)
  expect((err as StoreError).message).toMatch(/after 3 attempts/)
  expect(JSON.parse((err as StoreError).intended['state.json']!)).toEqual({ counter: 1, list: [] })
})

test('a rejection with the branch where it was (a hook, a protection rule) is reported at once with the remote’s words, not retried', async () => {
  let pushes = 0
  const remote: Remote<number, number> = {
    snapshot: () => ({ read: async () => INITIAL }),
    commit: async () => 1,
    push: async () => {
      pushes++
      return { ok: false, reason: '! refs/heads/main:refs/heads/main [remote rejected] (pre-receive hook declined: cannot lock ref by policy)' }
    },
    refetch: async () => 0
  }
  const err = await reapplyUntilPushed(remote, 0, writer({ kind: 'increment' }), { ...noWait, maxAttempts: 8, where: 'origin main' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(StoreError)
  expect(pushes).toBe(1)
  expect((err as StoreError).attempts).toBe(1)
  expect((err as StoreError).message).toContain('the branch has not moved since')
  expect((err as StoreError).message).toContain('pre-receive hook declined: cannot lock ref by policy')
  expect((err as StoreError).message).not.toMatch(/kept moving/)
})

test('backoff: 1 to 4 slots, doubling with each rejection, under the cap; the slot is the longest attempt so far, from fetch to push answer', async () => {
  // Each attempt takes this long on a fake clock, from its fetch to the push's answer.
  const run = async (durations: number[], random: number, backoffMs: number): Promise<number[]> => {
    let clock = 0
    let attempt = 0
    const waits: number[] = []
    const remote: Remote<number, number> = {
      snapshot: () => ({ read: async () => INITIAL }),
      commit: async () => 1,
      push: async () => {
        clock += durations[attempt++]!
        return { ok: false, reason: 'non-fast-forward' }
      },
      refetch: async () => attempt
    }
    await reapplyUntilPushed(remote, 0, writer({ kind: 'increment' }), {
      maxAttempts: durations.length,
      backoffMs,
      maxBackoffMs: 10_000,
      random: () => random,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms)
        clock += ms
      }
    }).catch(() => undefined)
    return waits
  }
  // Slots 300, 300 (a quicker attempt does not shrink it), 900, 900, 900; no wait after the last attempt.
  expect(await run([300, 100, 900, 100, 100, 100], 0, 50)).toEqual([300, 600, 3600, 7200, 10_000])
  expect(await run([300, 100, 900, 100, 100, 100], 1, 50)).toEqual([1200, 2400, 10_000, 10_000, 10_000])
  // A slot is never shorter than backoffMs.
  expect(await run([10, 20, 30], 0.5, 200)).toEqual([500, 1000])
})
