// Time in the core is always passed in (epoch milliseconds); nothing here reads a clock.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/** Parses any RFC 3339 timestamp (any offset). Returns epoch ms, or null when it is not one. */
export function parseTimestamp(s: string): number | null {
  const m = RFC3339.exec(s)
  if (!m) return null
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[]
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth(y!, mo!) || h! > 23 || mi! > 59 || se! > 60) return null
  const ms = Date.parse(s.replace(' ', 'T'))
  return Number.isNaN(ms) ? null : ms
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the form every action writes. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A calendar date `YYYY-MM-DD`; returns epoch ms of its UTC midnight, or null. */
export function parseDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null
  return Date.UTC(y, mo - 1, d)
}

/** The UTC calendar day of `ms`, as `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Monday 00:00 UTC of the week that holds `ms`. */
export function weekStart(ms: number): number {
  const d = new Date(ms)
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  const sinceMonday = (d.getUTCDay() + 6) % 7
  return midnight - sinceMonday * 86_400_000
}

export const MINUTE = 60_000
