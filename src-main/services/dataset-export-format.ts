
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
  /** `,"Start_timestamp":"…","End_timestamp":"…","Caption":…` already built by SQL (EXPORT_MIDDLE_SQL). */
  middle?: string
}

/** SQLite's spelling of formatTimestamp (same rounding: both round half up on positive doubles). */
const tsSql = (col: string) => {
  const ms = `CAST(round(${col} * 1000) AS INTEGER)`
  return `printf('%02d:%02d:%02d.%03d', ${ms} / 3600000, (${ms} / 60000) % 60, (${ms} / 1000) % 60, ${ms} % 1000)`
}

/**
 * The middle of a JSONL line, built in C by SQLite: quoting the caption and formatting the two
 * timestamps in JavaScript cost more than the rest of the export. json_quote escapes exactly as
 * JSON.stringify does; a test holds both spellings byte-equal. Numbers stay in JavaScript, whose
 * shortest round-trip form SQLite does not reproduce (5 → "5.0").
 */
export const EXPORT_MIDDLE_SQL = `',"Start_timestamp":"' || ${tsSql('c.start_s')} || '","End_timestamp":"' || ${tsSql('c.end_s')} || '","Caption":' || json_quote(c.caption)`

export const JSONL_KEYS = ['YoutubeID', 'Start_timestamp', 'End_timestamp', 'Caption', 'Caption_Original', 'UMT_Score', 'Aesthetic_Score']
export const REVIEW_KEYS = ['status', 'reviewer', 'decided_at']

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * `HH:MM:SS.mmm`, identical to media/timecode's formatTimestamp (a test holds them equal) but
 * without its per-call closures: at a million rows × two stamps that difference is measurable.
 */
export function formatTimestamp(seconds: number): string {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`invalid time ${seconds}`)
  const totalMs = Math.round(seconds * 1000)
  const ms = totalMs % 1000
  const s = Math.floor(totalMs / 1000) % 60
  const m = Math.floor(totalMs / 60000) % 60
  const h = Math.floor(totalMs / 3600000)
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}`
}

const num = (v: number | null): string => (v === null ? 'null' : String(v))
const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v))

/** Built by concatenation, not by assembling an object: the extra fields are spliced in as the
 * stored JSON text, so they keep their order and nothing is parsed per row. */
export function jsonlLine(r: ExportRow): string {
  let s = `{"YoutubeID":${JSON.stringify(r.sourceId)}${r.middle ?? `,"Start_timestamp":"${formatTimestamp(r.startS)}","End_timestamp":"${formatTimestamp(r.endS)}","Caption":${str(r.caption)}`}`
  if (r.captionOriginal !== null) s += `,"Caption_Original":${JSON.stringify(r.captionOriginal)}`
  s += `,"UMT_Score":${num(r.similarity)},"Aesthetic_Score":${num(r.aesthetic)}`
  if (r.review) s += `,"status":${JSON.stringify(r.review.status)},"reviewer":${str(r.review.reviewer)},"decided_at":${str(r.review.decidedAt)}`
  // extra_json is always an object written by JSON.stringify: "{…}" with at least one key.
  const extra = r.captionOriginal !== null || r.review ? withoutKeys(r.extraJson, r.review ? ADDED_KEYS : ['Caption_Original']) : r.extraJson
  if (extra !== null && extra.length > 2) s += `,${extra.slice(1)}`
  else s += '}'
  return `${s}\n`
}

const ADDED_KEYS = ['Caption_Original', ...REVIEW_KEYS]

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
    r.sourceId, formatTimestamp(r.startS), formatTimestamp(r.endS), r.caption, r.captionOriginal, r.similarity, r.aesthetic,
  ]
  if (withReview) cells.push(r.review?.status ?? null, r.review?.reviewer ?? null, r.review?.decidedAt ?? null)
  cells.push(r.extraJson)
  return cells.map(csvField).join(',') + '\r\n'
}
