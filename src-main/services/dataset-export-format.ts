/**
 * One exported row, as read from the project. Output key order (JSONL), fixed:
 *   YoutubeID, Start_timestamp, End_timestamp, Caption (the curated caption),
 *   Caption_Original (only when a curator changed the caption: the caption before the first edit),
 *   UMT_Score, Aesthetic_Score (null when the clip has no score),
 *   [status, reviewer, decided_at with --with-review: the latest decision; null when none],
 *   then the imported file's extra fields, verbatim, in their original order.
 * Times are written as HH:MM:SS.mmm (InternVid's format; input with other precision is
 * normalised to milliseconds).
 */
export interface ExportRow {
  sourceId: string
  startS: number
  endS: number
  caption: string | null
  captionOriginal: string | null
  similarity: number | null
  aesthetic: number | null
  extraJson: string | null
  review: { status: string; reviewer: string | null; decidedAt: string | null } | null
}

export const JSONL_KEYS = ['YoutubeID', 'Start_timestamp', 'End_timestamp', 'Caption', 'Caption_Original', 'UMT_Score', 'Aesthetic_Score']
export const REVIEW_KEYS = ['status', 'reviewer', 'decided_at']

// Zero-padded digits by table lookup: at a million rows × two stamps, String(n).padStart and its
// temporaries cost more than the SQLite read of the row.
const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`))
const PAD3 = Array.from({ length: 1000 }, (_, i) => (i < 10 ? `00${i}` : i < 100 ? `0${i}` : `${i}`))

/** `HH:MM:SS.mmm`, identical to media/timecode's formatTimestamp (a test holds them equal). */
export function formatTimestamp(seconds: number): string {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`invalid time ${seconds}`)
  const totalMs = Math.round(seconds * 1000)
  const h = Math.floor(totalMs / 3600000)
  return `${h < 100 ? PAD2[h] : h}:${PAD2[Math.floor(totalMs / 60000) % 60]}:${PAD2[Math.floor(totalMs / 1000) % 60]}.${PAD3[totalMs % 1000]}`
}

/**
 * String(v) — JavaScript's shortest round-trip form — computed without the general algorithm
 * when v has at most six decimals and fewer than ten integer digits (InternVid's scores: ~3× faster).
 * Why it is the same string: v === k / 1e6 means the decimal k·10⁻⁶ rounds to v; it has at most
 * 15 significant digits, and two different decimals of ≤ 15 digits never round to the same double,
 * so no shorter decimal rounds to v. |v| ≥ 10⁻⁶ here, where String() writes no exponent.
 */
export function formatNumber(v: number): string {
  const k = Math.round(v * 1e6)
  if (k / 1e6 !== v || !(v < 1e9 && v > -1e9)) return String(v)
  if (k === 0) return '0'
  const a = k < 0 ? -k : k
  const int = Math.floor(a / 1e6)
  const frac = a - int * 1e6
  const head = k < 0 ? `-${int}` : `${int}`
  if (frac === 0) return head
  const digits = PAD3[Math.floor(frac / 1000)] + PAD3[frac % 1000]
  let end = 6
  while (digits.charCodeAt(end - 1) === 48) end--
  return `${head}.${digits.slice(0, end)}`
}

const num = (v: number | null): string => (v === null ? 'null' : formatNumber(v))
const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v))

/** The start of a JSONL line up to the Start_timestamp value: one per video, not per row. */
export const jsonlPrefix = (sourceId: string): string => `{"YoutubeID":${JSON.stringify(sourceId)},"Start_timestamp":"`

/**
 * Built by concatenation, not by assembling an object: the extra fields are spliced in as the
 * stored JSON text, so they keep their order and nothing is parsed per row. Positional
 * arguments, so the export's loop allocates no row object (a tenth of its time went to GC).
 */
export function jsonlText(
  prefix: string, startS: number, endS: number, caption: string | null, captionOriginal: string | null,
  similarity: number | null, aesthetic: number | null, review: ExportRow['review'], extraJson: string | null,
): string {
  let s = `${prefix}${formatTimestamp(startS)}","End_timestamp":"${formatTimestamp(endS)}","Caption":${str(caption)}`
  if (captionOriginal !== null) s += `,"Caption_Original":${JSON.stringify(captionOriginal)}`
  s += `,"UMT_Score":${num(similarity)},"Aesthetic_Score":${num(aesthetic)}`
  if (review) s += `,"status":${JSON.stringify(review.status)},"reviewer":${str(review.reviewer)},"decided_at":${str(review.decidedAt)}`
  // extra_json is always an object written by JSON.stringify: "{…}" with at least one key.
  const extra = captionOriginal !== null || review ? withoutAddedKeys(extraJson, review !== null) : extraJson
  return extra !== null && extra.length > 2 ? `${s},${extra.slice(1)}\n` : `${s}}\n`
}

const ADDED_KEYS = ['Caption_Original', ...REVIEW_KEYS]

/** The extra fields less those our Caption_Original (and, with review, status/reviewer/decided_at) replace. */
export const withoutAddedKeys = (extraJson: string | null, withReview: boolean): string | null =>
  withoutKeys(extraJson, withReview ? ADDED_KEYS : ['Caption_Original'])

/**
 * Drops extra fields that a key we add would duplicate (a re-imported curated export carries
 * its own Caption_Original/status): ours is current. Parsed only when such a key is present.
 */
function withoutKeys(extraJson: string | null, keys: string[]): string | null {
  if (extraJson === null || !keys.some((k) => extraJson.includes(`"${k}"`))) return extraJson
  const o = JSON.parse(extraJson) as Record<string, unknown>
  for (const k of keys) delete o[k]
  return JSON.stringify(o)
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or edge spaces), doubling quotes. */
export function csvField(v: string | number | null): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV has fixed columns, so the verbatim extra fields travel as one JSON column. */
export function csvHeader(withReview: boolean): string {
  return [...JSONL_KEYS, ...(withReview ? REVIEW_KEYS : []), 'extra_json'].join(',') + '\r\n'
}

export function csvLine(r: ExportRow, withReview: boolean): string {
  const cells: (string | number | null)[] = [
    r.sourceId, formatTimestamp(r.startS), formatTimestamp(r.endS), r.caption, r.captionOriginal,
    r.similarity === null ? null : formatNumber(r.similarity), r.aesthetic === null ? null : formatNumber(r.aesthetic),
  ]
  if (withReview) cells.push(r.review?.status ?? null, r.review?.reviewer ?? null, r.review?.decidedAt ?? null)
  cells.push(r.extraJson)
  return cells.map(csvField).join(',') + '\r\n'
}
