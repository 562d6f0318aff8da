// The cursor of GET /batch-metrics/ecosystems/<eco>: where a page of runs ended,
// so that the next page starts right after it. Keyset, not offset: it names the
// last run returned by its (started_at, id), and the next page is the runs
// strictly beyond that key in the walk's order. Runs inserted or deleted
// elsewhere in the series meanwhile shift nothing, so a walk returns each run
// that stays in place exactly once. Opaque to clients: base64url of a small JSON
// array, which the Worker checks when it comes back.

import type { ReadOrder } from './validate.js'

export interface Cursor {
  order: ReadOrder
  /** The last run's started_at, as stored. */
  started_at: string
  /** The last run's id. */
  id: number
}

function base64url(s: string): string {
  const bytes = new TextEncoder().encode(s)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function unbase64url(s: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(s)) return null
  try {
    const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/'))
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
  } catch {
    return null
  }
}

export function encodeCursor(c: Cursor): string {
  return base64url(JSON.stringify([1, c.order, c.started_at, c.id]))
}

/** The cursor, or null when `s` is not one encodeCursor made. */
export function decodeCursor(s: string): Cursor | null {
  const text = unbase64url(s)
  if (text === null) return null
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return null
  }
  if (!Array.isArray(v) || v.length !== 4) return null
  const [version, order, startedAt, id] = v as unknown[]
  if (version !== 1 || (order !== 'asc' && order !== 'desc')) return null
  if (typeof startedAt !== 'string' || startedAt.length > 64) return null
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return null
  return { order, started_at: startedAt, id }
}
