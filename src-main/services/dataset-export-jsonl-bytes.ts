import { withoutAddedKeys, type ExportRow } from './dataset-export-format'

/**
 * JSONL lines written straight into UTF-8 bytes: the same bytes as `jsonlText` encoded (a property
 * test holds them equal). Building each line as a JavaScript string made ~15 string pieces per row
 * that then had to be flattened and encoded (with the GC, half the export's CPU); here digits and
 * key names go byte by byte into one buffer and each text value is one native encode. Used by the
 * exporting thread and by the export workers alike.
 */
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))
const K_END = ascii('","End_timestamp":"')
const K_CAPTION = ascii('","Caption":')
const K_ORIGINAL = ascii(',"Caption_Original":')
const K_UMT = ascii(',"UMT_Score":')
const K_AESTHETIC = ascii(',"Aesthetic_Score":')
const K_STATUS = ascii(',"status":')
const K_REVIEWER = ascii(',"reviewer":')
const K_DECIDED = ascii(',"decided_at":')
const NULL = ascii('null')
/**
 * What JSON.stringify would not copy as is: a quote, a backslash, a control char, a surrogate
 * (a lone one is escaped; a pair would be kept, but is rare enough to go the general way too).
 * One regex test and one native encode cost less than a JavaScript loop over the chars.
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

export class JsonlByteWriter {
  buf: Buffer
  pos = 0

  constructor(capacity = 1 << 21, buffer?: ArrayBuffer) {
    this.buf = buffer && buffer.byteLength >= 1024 ? Buffer.from(buffer) : Buffer.allocUnsafeSlow(capacity)
  }

  /** Room for `n` more bytes: the buffer doubles (keeping what is written) when it must. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  /** One line; its first `prefixLength` bytes are `jsonlPrefix(sourceId)`, found in `prefixes` at `prefixAt`. */
  line(
    prefixes: Uint8Array, prefixAt: number, prefixLength: number, startS: number, endS: number, caption: string | null, captionOriginal: string | null,
    similarity: number | null, aesthetic: number | null, review: ExportRow['review'], extraJson: string | null,
  ): void {
    const extra = captionOriginal !== null || review ? withoutAddedKeys(extraJson, review !== null) : extraJson
    // Worst case: every char of every string escaped as \uXXXX (6 bytes), plus the fixed text.
    let most = 400 + prefixLength + (extra === null ? 0 : extra.length * 3)
    if (caption !== null) most += caption.length * 6
    if (captionOriginal !== null) most += captionOriginal.length * 6
    if (review) most += review.status.length * 6 + (review.reviewer?.length ?? 0) * 6 + (review.decidedAt?.length ?? 0) * 6
    this.ensure(most)
    this.copy(prefixes, prefixAt, prefixLength)
    this.timestamp(startS)
    this.bytes(K_END)
    this.timestamp(endS)
    this.bytes(K_CAPTION)
    this.jsonString(caption)
    if (captionOriginal !== null) {
      this.bytes(K_ORIGINAL)
      this.jsonString(captionOriginal)
    }
    this.bytes(K_UMT)
    this.number(similarity)
    this.bytes(K_AESTHETIC)
    this.number(aesthetic)
    if (review) {
      this.bytes(K_STATUS)
      this.jsonString(review.status)
      this.bytes(K_REVIEWER)
      this.jsonString(review.reviewer)
      this.bytes(K_DECIDED)
      this.jsonString(review.decidedAt)
    }
    const buf = this.buf
    // extra_json is an object written by JSON.stringify: "{…}"; its "{" becomes our ",".
    if (extra !== null && extra.length > 2) {
      const at = this.pos
      this.text(extra)
      buf[at] = 44
    } else {
      buf[this.pos++] = 125
    }
    buf[this.pos++] = 10
  }

  bytes(b: Uint8Array): void {
    const buf = this.buf
    let p = this.pos
    // A loop beats buf.set() for the few dozen bytes these constants have.
    for (let i = 0; i < b.length; i++) buf[p++] = b[i]
    this.pos = p
  }

  private copy(from: Uint8Array, at: number, n: number): void {
    const buf = this.buf
    let p = this.pos
    for (let i = at, end = at + n; i < end; i++) buf[p++] = from[i]
    this.pos = p
  }

  /** formatTimestamp(seconds) as bytes: same arithmetic, same RangeError. */
  timestamp(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`invalid time ${seconds}`)
    const totalMs = Math.round(seconds * 1000)
    const h = Math.floor(totalMs / 3600000)
    if (h < 100) this.twoDigits(h)
    else if (h <= Number.MAX_SAFE_INTEGER) this.integer(h)
    else this.pos += this.buf.write(String(h), this.pos, 'latin1')
    const buf = this.buf
    buf[this.pos++] = 58
    this.twoDigits(Math.floor(totalMs / 60000) % 60)
    buf[this.pos++] = 58
    this.twoDigits(Math.floor(totalMs / 1000) % 60)
    const ms = totalMs % 1000
    let p = this.pos
    buf[p++] = 46
    buf[p++] = 48 + Math.floor(ms / 100)
    buf[p++] = 48 + (Math.floor(ms / 10) % 10)
    buf[p++] = 48 + (ms % 10)
    this.pos = p
  }

  private twoDigits(v: number): void {
    this.buf[this.pos++] = 48 + Math.floor(v / 10)
    this.buf[this.pos++] = 48 + (v % 10)
  }

  /** A non-negative safe integer in decimal, as String() writes it. */
  private integer(v: number): void {
    let digits = 1
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++
    const end = this.pos + digits
    for (let p = end - 1, t = v; p >= this.pos; p--, t = Math.floor(t / 10)) this.buf[p] = 48 + (t % 10)
    this.pos = end
  }

  /** `null` or formatNumber(v) (= String(v)) as bytes, by the same fast path and its guard. */
  number(v: number | null): void {
    if (v === null) {
      this.bytes(NULL)
      return
    }
    const k = Math.round(v * 1e6)
    if (k / 1e6 !== v || !(v < 1e9 && v > -1e9)) {
      this.pos += this.buf.write(String(v), this.pos, 'latin1')
      return
    }
    if (k === 0) {
      this.buf[this.pos++] = 48
      return
    }
    let a = k
    if (k < 0) {
      this.buf[this.pos++] = 45
      a = -k
    }
    const int = Math.floor(a / 1e6)
    this.integer(int)
    let frac = a - int * 1e6
    if (frac === 0) return
    // Six decimals without the trailing zeros: stop as soon as nothing is left.
    this.buf[this.pos++] = 46
    for (let unit = 100000; frac > 0; unit /= 10) {
      const d = Math.floor(frac / unit)
      this.buf[this.pos++] = 48 + d
      frac -= d * unit
    }
  }

  /** `null` or JSON.stringify(s) as UTF-8. */
  jsonString(s: string | null): void {
    if (s === null) {
      this.bytes(NULL)
    } else if (NEEDS_ESCAPE.test(s)) {
      this.pos += this.buf.write(JSON.stringify(s), this.pos, 'utf8')
    } else {
      this.buf[this.pos++] = 34
      this.pos += this.buf.write(s, this.pos, 'utf8')
      this.buf[this.pos++] = 34
    }
  }

  /** Verbatim text as UTF-8. */
  text(s: string): void {
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }
}
