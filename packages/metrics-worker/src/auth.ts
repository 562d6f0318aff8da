// The bearer tokens. Two secrets: METRICS_READ_TOKEN may read; METRICS_WRITE_TOKEN
// may read and upload. The single METRICS_TOKEN of earlier versions is still
// accepted, as a write token (deprecated). Each secret may hold several tokens,
// comma-separated, so that a token can be rotated without downtime: the new one
// is added, clients move to it, the old one is removed.

export interface TokenEnv {
  METRICS_READ_TOKEN?: string
  METRICS_WRITE_TOKEN?: string
  /** Deprecated: a write token. */
  METRICS_TOKEN?: string
}

export type Access = 'read' | 'write'

export interface Tokens {
  read: string[]
  write: string[]
}

/** The tokens of one secret: its comma-separated entries, blanks around them dropped, empty ones ignored. */
function entries(secret: unknown): string[] {
  return typeof secret === 'string' ? secret.split(',').map((t) => t.trim()).filter((t) => t !== '') : []
}

export function tokensOf(env: TokenEnv): Tokens {
  return { read: entries(env.METRICS_READ_TOKEN), write: [...entries(env.METRICS_WRITE_TOKEN), ...entries(env.METRICS_TOKEN)] }
}

const encoder = new TextEncoder()
const digest = (s: string): Promise<ArrayBuffer> => crypto.subtle.digest('SHA-256', encoder.encode(s))

/**
 * What `given` may do, or null when it is no configured token. Constant time
 * per token: both sides are hashed, so every comparison runs over 32 bytes
 * whatever the lengths, timingSafeEqual does not stop at the first differing
 * byte, and every configured token is compared (no early exit), so the timing
 * says neither which one matched nor how much of one.
 */
export async function accessOf(given: string, tokens: Tokens): Promise<Access | null> {
  const [mine, ...theirs] = await Promise.all([digest(given), ...tokens.write.map(digest), ...tokens.read.map(digest)])
  let write = false
  let read = false
  theirs.forEach((d, i) => {
    const equal = crypto.subtle.timingSafeEqual(mine!, d)
    if (i < tokens.write.length) write = equal || write
    else read = equal || read
  })
  return write ? 'write' : read ? 'read' : null
}
