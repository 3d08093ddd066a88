import { MAX_LINE_CHARS, parseAnnotationLine } from './dataset-annotation'
import type { TextLine } from './dataset-line-reader'

export interface Rejection {
  line: number
  reason: string
}

/**
 * Validated rows of consecutive lines, column by column: a batch crosses from the parsing worker
 * to the writing thread by structured clone, and typed arrays plus string arrays clone several
 * times faster than an array of row objects (no property names per row).
 */
export interface ParsedBatch {
  n: number
  /** Line number of each row. */
  line: Float64Array<ArrayBuffer>
  /** start_s, end_s, UMT_Score, Aesthetic_Score per row; NaN for an absent score (a valid score
   * is finite, so NaN cannot be a value). */
  num: Float64Array<ArrayBuffer>
  youtubeId: string[]
  caption: string[]
  extraJson: (string | null)[]
  /** The timestamps as written; kept only for clip-file patterns ({start}, {end}). */
  startText: string[] | null
  endText: string[] | null
  /** Lines rejected by validation, in line order. */
  rejects: Rejection[]
  /** Last line number read, for progress. */
  lastLine: number
}

export const NUM_FIELDS = 4

/** Collects parsed lines into ParsedBatch values of about `rows` rows each. */
export class BatchBuilder {
  private line: number[] = []
  private num: number[] = []
  private youtubeId: string[] = []
  private caption: string[] = []
  private extraJson: (string | null)[] = []
  private startText: string[] = []
  private endText: string[] = []
  private rejects: Rejection[] = []
  private lastLine = 0

  constructor(
    private readonly rows: number,
    private readonly keepTimestampText: boolean,
  ) {}

  get size(): number {
    return this.line.length + this.rejects.length
  }

  get full(): boolean {
    return this.size >= this.rows
  }

  add(lines: TextLine[]): void {
    for (const l of lines) {
      this.lastLine = l.line
      if (l.tooLong) {
        this.rejects.push({ line: l.line, reason: `line is longer than ${MAX_LINE_CHARS} characters` })
        continue
      }
      if (l.text.trim().length === 0) continue
      const parsed = parseAnnotationLine(l.text, l.line)
      if (!parsed.ok) {
        this.rejects.push({ line: l.line, reason: parsed.reason })
        continue
      }
      const r = parsed.row
      this.line.push(l.line)
      this.num.push(r.startS, r.endS, r.umtScore ?? NaN, r.aestheticScore ?? NaN)
      this.youtubeId.push(r.youtubeId)
      this.caption.push(r.caption)
      this.extraJson.push(r.extraJson)
      if (this.keepTimestampText) {
        this.startText.push(r.startText)
        this.endText.push(r.endText)
      }
    }
  }

  /** The rows collected so far, and a fresh start. */
  take(): ParsedBatch {
    const batch: ParsedBatch = {
      n: this.line.length,
      line: Float64Array.from(this.line),
      num: Float64Array.from(this.num),
      youtubeId: this.youtubeId,
      caption: this.caption,
      extraJson: this.extraJson,
      startText: this.keepTimestampText ? this.startText : null,
      endText: this.keepTimestampText ? this.endText : null,
      rejects: this.rejects,
      lastLine: this.lastLine,
    }
    this.line = []
    this.num = []
    this.youtubeId = []
    this.caption = []
    this.extraJson = []
    this.startText = []
    this.endText = []
    this.rejects = []
    return batch
  }
}
