import { parseTimestamp } from '../media/timecode'

/**
 * One InternVid annotation line, validated. InternVid's JSONL (InternVid-10M-FLT, -Aes-18M, …):
 * `{"YoutubeID", "Start_timestamp", "End_timestamp", "Caption", "UMT_Score"?, "Aesthetic_Score"?,
 * …}`. Every other key is kept verbatim in `extraJson` (insertion order, as JSON.parse builds it:
 * note that JavaScript puts integer-like keys such as "7" first — the one reordering we cannot
 * avoid without a custom parser).
 */
export interface AnnotationRow {
  line: number
  youtubeId: string
  startText: string
  endText: string
  startS: number
  endS: number
  caption: string
  umtScore: number | null
  aestheticScore: number | null
  extraJson: string | null
}

export type ParseResult = { ok: true; row: AnnotationRow } | { ok: false; reason: string }

/** Captions longer than this are rejected. InternVid captions run to a few hundred characters;
 * a 200 KB "caption" is a broken line (concatenated records, a pasted transcript), not a caption. */
export const MAX_CAPTION_CHARS = 16_384
/** YouTube IDs are 11 characters; local stems are longer, but not this long (file names cap at 255 bytes). */
export const MAX_ID_CHARS = 200
/** Lines longer than this are rejected unparsed (and never held whole in memory). */
export const MAX_LINE_CHARS = 4 * 1024 * 1024

export const KNOWN_KEYS = ['YoutubeID', 'Start_timestamp', 'End_timestamp', 'Caption', 'UMT_Score', 'Aesthetic_Score'] as const
const KNOWN = new Set<string>(KNOWN_KEYS)
const REQUIRED_KEYS = KNOWN_KEYS.slice(0, 4)

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

/** Why a YoutubeID cannot name a file under a video root, or null when it is safe. */
export function unsafeIdReason(id: string): string | null {
  if (id === '.' || id === '..') return `path traversal: YoutubeID "${id}" names a directory`
  // One pass over the characters first: nearly every id is clean, and three regex scans per
  // line showed up in the import's profile.
  let clean = true
  for (let i = 0; i < id.length && clean; i++) {
    const c = id.charCodeAt(i)
    clean = c >= 0x20 && c !== 0x7f && c !== 0x2f && c !== 0x5c
  }
  if (clean) return null
  if (/[/\\]/.test(id)) return `path traversal: YoutubeID "${id}" contains a path separator`
  if (/[\u0000-\u001f\u007f]/.test(id)) return `YoutubeID contains a control character`
  return null
}

function jsonError(message: string, length: number): string {
  // V8: "Unexpected end of JSON input", "Unterminated string in JSON at position 41", or any
  // other complaint about the position just past the last character: the line was cut short.
  const at = /at position (\d+)/.exec(message)
  if (/Unexpected end of JSON input|Unterminated string/i.test(message) || (at && Number(at[1]) >= length)) return `truncated JSON (${message})`
  return `invalid JSON (${message})`
}

function parseScore(obj: Record<string, unknown>, key: string): number | null | string {
  const v = obj[key]
  if (v === undefined || v === null) return null
  if (typeof v !== 'number') return `wrong type for "${key}": expected a number or null, got ${typeName(v)}`
  if (!Number.isFinite(v)) return `"${key}" is not a finite number`
  return v
}

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : NaN
}

/**
 * `HH:MM:SS.mmm` exactly (InternVid's form) read digit by digit, NaN for any other text:
 * parseTimestamp's regex was a tenth of the import's parsing. Same double as parseTimestamp:
 * Number('0.123') and 123 / 1000 both round the same decimal to nearest, and the sum is
 * evaluated in the same order.
 */
function fastTimestamp(v: string): number {
  if (v.length !== 12 || v.charCodeAt(2) !== 58 || v.charCodeAt(5) !== 58 || v.charCodeAt(8) !== 46) return NaN
  const m1 = digit(v, 3)
  const s1 = digit(v, 6)
  if (!(m1 <= 5 && s1 <= 5)) return NaN
  const h = digit(v, 0) * 10 + digit(v, 1)
  const m = m1 * 10 + digit(v, 4)
  const s = s1 * 10 + digit(v, 7)
  const ms = digit(v, 9) * 100 + digit(v, 10) * 10 + digit(v, 11)
  return h * 3600 + m * 60 + s + ms / 1000
}

function parseTime(obj: Record<string, unknown>, key: string): number | string {
  const v = obj[key]
  if (typeof v !== 'string') return `wrong type for "${key}": expected a string HH:MM:SS.mmm, got ${typeName(v)}`
  const fast = fastTimestamp(v)
  if (fast === fast) return fast // not NaN
  try {
    return parseTimestamp(v)
  } catch {
    return `malformed ${key} "${v.length > 40 ? `${v.slice(0, 40)}…` : v}" (expected HH:MM:SS.mmm)`
  }
}

/** Validates one non-blank line. Never throws: a bad line is a reason, not an exception. */
export function parseAnnotationLine(text: string, line: number): ParseResult {
  let obj: unknown
  try {
    obj = JSON.parse(text)
  } catch (err) {
    return { ok: false, reason: jsonError((err as Error).message, text.length) }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { ok: false, reason: `not a JSON object (got ${typeName(obj)})` }
  }
  const o = obj as Record<string, unknown>
  for (const key of REQUIRED_KEYS) {
    if (!(key in o)) return { ok: false, reason: `missing field "${key}"` }
  }
  const id = o.YoutubeID
  if (typeof id !== 'string') return { ok: false, reason: `wrong type for "YoutubeID": expected a string, got ${typeName(id)}` }
  if (id.length === 0) return { ok: false, reason: 'YoutubeID is empty' }
  if (id.length > MAX_ID_CHARS) return { ok: false, reason: `YoutubeID is ${id.length} characters, over the ${MAX_ID_CHARS}-character limit` }
  const unsafe = unsafeIdReason(id)
  if (unsafe) return { ok: false, reason: unsafe }
  const startS = parseTime(o, 'Start_timestamp')
  if (typeof startS === 'string') return { ok: false, reason: startS }
  const endS = parseTime(o, 'End_timestamp')
  if (typeof endS === 'string') return { ok: false, reason: endS }
  if (endS < startS) return { ok: false, reason: `End_timestamp ${o.End_timestamp as string} is before Start_timestamp ${o.Start_timestamp as string}` }
  if (endS === startS) return { ok: false, reason: `End_timestamp equals Start_timestamp (${o.Start_timestamp as string}): empty clip` }
  const caption = o.Caption
  if (typeof caption !== 'string') return { ok: false, reason: `wrong type for "Caption": expected a string, got ${typeName(caption)}` }
  if (caption.trim().length === 0) return { ok: false, reason: 'Caption is empty' }
  if (caption.length > MAX_CAPTION_CHARS) {
    return { ok: false, reason: `Caption is ${caption.length} characters, over the ${MAX_CAPTION_CHARS}-character limit` }
  }
  const umt = parseScore(o, 'UMT_Score')
  if (typeof umt === 'string') return { ok: false, reason: umt }
  const aes = parseScore(o, 'Aesthetic_Score')
  if (typeof aes === 'string') return { ok: false, reason: aes }
  let extra: Record<string, unknown> | null = null
  for (const key in o) {
    if (KNOWN.has(key)) continue
    extra ??= {}
    extra[key] = o[key]
  }
  return {
    ok: true,
    row: {
      line,
      youtubeId: id,
      startText: o.Start_timestamp as string,
      endText: o.End_timestamp as string,
      startS,
      endS,
      caption,
      umtScore: umt,
      aestheticScore: aes,
      extraJson: extra ? JSON.stringify(extra) : null,
    },
  }
}
