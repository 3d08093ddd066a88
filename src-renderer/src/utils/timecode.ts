/**
 * Renderer-side twin of the core's formatter (the renderer may not import core values):
 * seconds → `HH:MM:SS.mmm`, InternVid's timestamp format. Hours are not wrapped, so a
 * 30-hour stream still reads unambiguously.
 */
export function formatTimestamp(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--:--.---'
  const totalMs = Math.round(Math.max(0, seconds) * 1000)
  const ms = totalMs % 1000
  const s = Math.floor(totalMs / 1000) % 60
  const m = Math.floor(totalMs / 60_000) % 60
  const h = Math.floor(totalMs / 3_600_000)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(h)}:${p(m)}:${p(s)}.${p(ms, 3)}`
}

/** `00:00:01.500–00:00:04.000` (en dash, as in the exported metadata). */
export function formatRange(startS: number, endS: number): string {
  return `${formatTimestamp(startS)}–${formatTimestamp(endS)}`
}

/** Compact clip length for a card: `2.5 s`, `1:05.0`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const tenths = Math.round(seconds * 10)
  const m = Math.floor(tenths / 600)
  const rest = (tenths % 600) / 10
  return `${m}:${rest.toFixed(1).padStart(4, '0')}`
}
