/** Seconds → `HH:MM:SS.mmm` (InternVid's timestamp format), rounded to the millisecond. */
export function formatTimestamp(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`invalid time ${seconds}`)
  const totalMs = Math.round(seconds * 1000)
  const ms = totalMs % 1000
  const s = Math.floor(totalMs / 1000) % 60
  const m = Math.floor(totalMs / 60000) % 60
  const h = Math.floor(totalMs / 3600000)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(h)}:${p(m)}:${p(s)}.${p(ms, 3)}`
}

/** Past 2^53 ms, whole milliseconds are no longer exact in a double. */
const MAX_HOURS = Math.floor(Number.MAX_SAFE_INTEGER / 3_600_000)
const TS_RE = /^(\d{1,}):([0-5]\d):([0-5]\d)(?:[.,](\d{1,6}))?$/

/** `HH:MM:SS[.fff]` → seconds; throws with the offending text so callers can report it. */
export function parseTimestamp(text: string): number {
  const m = TS_RE.exec(text.trim())
  if (!m) throw new RangeError(`malformed timestamp "${text}" (expected HH:MM:SS.mmm)`)
  const frac = m[4] ? Number(`0.${m[4]}`) : 0
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + frac
  // An hour field of 309+ digits is Infinity, and huge finite ones lose the milliseconds: such a
  // "time" would be stored, then fail (or garble) formatTimestamp on export.
  if (!(seconds * 1000 <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`timestamp "${text}" is out of range (more than ${MAX_HOURS} hours)`)
  return seconds
}
